"""What every adapter shares: the interceptor protocol, the block answer, and which URLs are Messages endpoints.

Adapters turn a library's request into ``(url, headers, body)`` and ask an :class:`Interceptor` whether to send
it.  They never import pytest and never raise from a send path.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Protocol, Tuple
from urllib.parse import unquote

from .._core import _engine
from .._core._context import parse_endpoint


__all__ = ["Block", "Interceptor", "Uninstall", "is_messages_url", "body_limit", "decoded", "SOURCE_SDK"]

Uninstall = Callable[[], None]
SOURCE_SDK = "anthropic SDK"

# Raw HTTP calls are checked only when the URL is unmistakably a Messages endpoint: any host (proxies and
# gateways use other base URLs), but the full ``/v1/messages`` path, or a Vertex invoke URL, or a Bedrock invoke
# URL that names Bedrock or a Claude model (any host, any path prefix: ``https://gateway/bedrock/model/...``).
_MESSAGES_PATH = re.compile(r"/v1/messages(/count_tokens|/batches)?/?$")
_BEDROCK_PATH = re.compile(r"/model/[^/]+/(invoke|invoke-with-response-stream|count-tokens)/?$")
_VERTEX_PATH = re.compile(r"/publishers/anthropic/models/[^/:]+:(rawPredict|streamRawPredict)/?$")


@dataclass(frozen=True)
class Block:
    """The API-shaped answer given instead of sending an invalid request."""

    status: int
    body: bytes
    headers: Tuple[Tuple[str, str], ...]


class Interceptor(Protocol):
    """The adapters' view of the pytest layer (``_plugin.state.Guard``)."""

    @property
    def active(self) -> bool: ...

    def inspect(self, url: str, headers: Any, body: Any, *, source: str) -> Optional[Block]:
        """Check one request; ``Block`` means answer with it instead of sending."""

    def remember(self, request: object, block: Optional[Block], judged: Any = None, call: Optional[str] = None) -> None:
        """Record the verdict on ``request`` and what was judged (``judged``: the adapter's token for the body,
        compared when the request reaches a later hook); ``call``: the SDK call it is an attempt of."""

    def known(self, request: object) -> Optional[Tuple[Optional[Block], Any]]:
        """(verdict, what was judged) for a request an earlier hook judged, else None (no other work)."""

    def recall(self, request: object) -> Tuple[bool, Optional[Block], Any]:
        """(seen before, verdict, what was judged) for a request an earlier hook already judged."""

    def repeated(self, call: Optional[str], body: bytes) -> Tuple[bool, Optional[Block]]:
        """(True, verdict) when ``body`` is the body already checked for this SDK call (an identical retry)."""


def _path_of(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0]
    scheme = path.find("://")
    if scheme >= 0:
        slash = path.find("/", scheme + 3)
        path = path[slash:] if slash >= 0 else "/"
    return path


# the common case in one call: scheme, host and path (no query or fragment before it) ending in a Messages path
_MESSAGES_URL = re.compile(r"^[^?#]*/v1/messages(?:/count_tokens|/batches)?/?(?:[?#]|$)")


def is_messages_url(url: str) -> bool:
    """True for the Messages, count_tokens and batches endpoints (any host) and Bedrock/Vertex invoke URLs."""
    if _MESSAGES_URL.match(url):
        return True
    path = _path_of(url)
    if _MESSAGES_PATH.search(path) or _VERTEX_PATH.search(path):
        return True
    if not _BEDROCK_PATH.search(path):
        return False
    named = unquote(url.split("?", 1)[0]).lower()
    if not any(word in named for word in ("bedrock", "anthropic", "claude")):
        return False
    return parse_endpoint(url).kind is not None  # not another provider's model (amazon.titan-..., meta.llama...)


def body_limit() -> int:
    """The most bytes of a body ever read or decoded: the engine refuses anything larger unparsed (413)."""
    return int(_engine.MAX_BODY_BYTES)


# Content-Encoding values whose bodies are decoded before they are judged.  The API accepts gzip request bodies
# (anthropics/claude-code#90457: "api.anthropic.com accepts Content-Encoding: gzip request bodies today");
# deflate is decoded too so that a deflate body is never mistaken for invalid JSON (whether the API accepts the
# encoding itself is the envelope rule's call).  zlib's wbits: gzip framing; zlib framing, then raw deflate.
_DECODERS = {"gzip": (16 + zlib.MAX_WBITS,), "x-gzip": (16 + zlib.MAX_WBITS,), "deflate": (zlib.MAX_WBITS, -zlib.MAX_WBITS)}


def _header(headers: Any, name: str) -> Optional[str]:
    try:
        value = headers.get(name)
    except (AttributeError, TypeError):
        return None
    return value if isinstance(value, str) else None


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    """Every member of ``data`` decoded, at most ``limit + 1`` bytes (more than that is all the engine needs to
    refuse the body as too large: a decompression bomb costs no more memory than the largest valid body)."""
    out: List[bytes] = []
    size = 0
    while data and size <= limit:
        decoder = zlib.decompressobj(wbits)
        chunk = decoder.decompress(data, limit + 1 - size)
        out.append(chunk)
        size += len(chunk)
        if not decoder.eof:
            if size > limit:
                break
            raise zlib.error("truncated")
        data = decoder.unused_data if wbits > zlib.MAX_WBITS else b""  # gzip may have several members
    return b"".join(out)


def decoded(headers: Any, body: bytes) -> bytes:
    """The body the API reads: a gzip or deflate body decoded (bounded by :func:`body_limit`); any other body,
    or one that does not decode, as sent (the engine then judges the bytes and the encoding)."""
    if body[:1] in (b"{", b"[", b" ", b"\n", b"\r", b"\t"):
        return body  # JSON text as it is (gzip, zlib and raw deflate never start so): no header lookup
    encoding = _header(headers, "content-encoding")
    if not encoding:
        return body
    for wbits in _DECODERS.get(encoding.strip().lower(), ()):
        try:
            return _inflate(body, wbits, body_limit())
        except zlib.error:
            continue
    return body
