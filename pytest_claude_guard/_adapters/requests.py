"""Raw ``requests`` calls: ``Session.send`` sees every prepared request, above any adapter or mock
(responses, requests-mock, vcrpy's urllib3 stubs); ``HTTPAdapter.send`` sees it again, below adapters mounted
around it."""

from __future__ import annotations

import datetime
import io
import itertools
import sys
from types import ModuleType
from typing import Any, List, Optional, Tuple

from ._common import Block, Interceptor, Uninstall, body_limit, decoded, is_messages_url
from ._patch import patch_attr

__all__ = ["MODULE", "install", "make_response"]

MODULE = "requests.sessions"


def _read(source: Any, limit: int) -> Tuple[List[bytes], bool, Any]:
    """(chunks read, over the limit, what is left) of a file or an iterable body."""
    chunks: List[bytes] = []
    size = 0
    if hasattr(source, "read"):
        data = source.read(limit + 1)
        chunks.append(data.encode("utf-8") if isinstance(data, str) else bytes(data))
        return chunks, len(chunks[0]) > limit, source
    rest = iter(source)
    for chunk in rest:
        chunks.append(chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk))
        size += len(chunks[-1])
        if size > limit:
            return chunks, True, rest
    return chunks, False, rest


def _body(prepared: Any) -> Optional[bytes]:
    """The body bytes; a file or generator body is read (at most ``body_limit() + 1`` bytes) and put back as
    what it was (a file: a file of the bytes read; a generator: one yielding them), so it is still sent whole."""
    body = prepared.body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if body is None or not (hasattr(body, "read") or hasattr(body, "__iter__")):
        return None
    chunks, over, rest = _read(body, body_limit())
    data = b"".join(chunks)
    if hasattr(body, "read"):
        prepared.body = io.BytesIO(data) if not over else _Chain(data, rest)
    else:
        prepared.body = itertools.chain(chunks, rest if over else ())
    return data


class _Chain(io.RawIOBase):
    """A file of ``head`` then what is left of ``rest`` (a body over the limit, sent only in warn mode)."""

    def __init__(self, head: bytes, rest: Any) -> None:
        super().__init__()
        self._head, self._rest = io.BytesIO(head), rest

    def readable(self) -> bool:
        return True

    def read(self, size: Optional[int] = -1) -> bytes:
        size = -1 if size is None else size
        data = self._head.read(size)
        if data and size >= 0:
            return data
        more = self._rest.read(size)
        return data + (more.encode("utf-8") if isinstance(more, str) else bytes(more or b""))


def make_response(prepared: Any, block: Block) -> Any:
    """A ``requests.Response`` carrying the API-shaped error, already read (uses requests' private fields)."""
    models = sys.modules["requests.models"]
    structures = sys.modules["requests.structures"]
    response = models.Response()
    response.status_code = block.status
    response.headers = structures.CaseInsensitiveDict(dict(block.headers))
    response._content = block.body
    response._content_consumed = True
    response.encoding = "utf-8"
    response.url = prepared.url
    response.request = prepared
    response.reason = {400: "Bad Request", 404: "Not Found", 413: "Request Entity Too Large"}.get(block.status, "")
    response.elapsed = datetime.timedelta(0)
    return response


def _verdict(guard: Interceptor, request: Any) -> Optional[Block]:
    """Judge a prepared request unless it was judged with the body it has now (the same body object)."""
    if not guard.active or request.method != "POST":
        return None
    seen, block, judged = guard.recall(request)
    if seen and judged is not None and request.body is judged[0]:
        return block
    if not is_messages_url(str(request.url)):
        return None
    body = _body(request)  # a raw call: a retry header does not mean it was checked before
    if body is None:
        return None
    if seen and judged is not None and body == judged[1]:
        guard.remember(request, block, (request.body, body))
        return block
    block = guard.inspect(str(request.url), request.headers, decoded(request.headers, body), source="requests")
    guard.remember(request, block, (request.body, body))
    return block


def install(module: ModuleType, guard: Interceptor) -> Uninstall:
    """``Session.send``, then ``HTTPAdapter.send`` (below any adapter a test or an app mounts around it, which
    may rewrite the body: judged again then)."""

    def session_send(original: Any) -> Any:
        def send(self: Any, request: Any, **kwargs: Any) -> Any:
            block = _verdict(guard, request)
            return make_response(request, block) if block is not None else original(self, request, **kwargs)

        return send

    def adapter_send(original: Any) -> Any:
        def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            block = _verdict(guard, request)
            return make_response(request, block) if block is not None else original(self, request, *args, **kwargs)

        return send

    undo = [patch_attr(module.Session, "send", session_send)]
    adapters = sys.modules.get("requests.adapters")
    if adapters is not None and "send" in vars(getattr(adapters, "HTTPAdapter", object)):
        undo.append(patch_attr(adapters.HTTPAdapter, "send", adapter_send))

    def uninstall() -> None:
        for step in reversed(undo):
            step()

    return uninstall
