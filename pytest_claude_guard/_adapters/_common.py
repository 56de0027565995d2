"""What every adapter shares: the interceptor protocol, the block answer, and which URLs are Messages endpoints.

Adapters turn a library's request into ``(url, headers, body)`` and ask an :class:`Interceptor` whether to send
it.  They never import pytest and never raise from a send path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Optional, Protocol, Tuple
from urllib.parse import unquote

from .._context import parse_endpoint


__all__ = ["Block", "Interceptor", "Uninstall", "is_messages_url", "is_retry", "SOURCE_SDK"]

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
        """Check one first-attempt request; ``Block`` means answer with it instead of sending."""

    def remember(self, request: object, block: Optional[Block]) -> None:
        """Record the verdict of an SDK-built request so the transport adapter does not check it again."""

    def recall(self, request: object) -> Tuple[bool, Optional[Block]]:
        """(seen before, verdict) for a request an SDK adapter already judged."""


def _path_of(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0]
    scheme = path.find("://")
    if scheme >= 0:
        slash = path.find("/", scheme + 3)
        path = path[slash:] if slash >= 0 else "/"
    return path


def is_messages_url(url: str) -> bool:
    """True for the Messages, count_tokens and batches endpoints (any host) and Bedrock/Vertex invoke URLs."""
    path = _path_of(url)
    if _MESSAGES_PATH.search(path) or _VERTEX_PATH.search(path):
        return True
    if not _BEDROCK_PATH.search(path):
        return False
    named = unquote(url.split("?", 1)[0]).lower()
    if not any(word in named for word in ("bedrock", "anthropic", "claude")):
        return False
    return parse_endpoint(url).kind is not None  # not another provider's model (amazon.titan-..., meta.llama...)


def is_retry(headers: Any) -> bool:
    """The SDK numbers its attempts in ``x-stainless-retry-count``; only the first one is checked."""
    try:
        value = headers.get("x-stainless-retry-count")
    except (AttributeError, TypeError):
        return False
    return value not in (None, "", "0")
