"""httpx and httpx2 share one API: ``Client.send`` / ``AsyncClient.send`` see every request, whatever the
transport below (real, ``MockTransport``, respx, pytest-httpx, a vcrpy cassette).  A blocked request is
answered here; respx and pytest-httpx are shown it first (``stubs.py``).

``Client._send_single_request`` (private; the last step before the transport, after event hooks and auth)
sees the request again: one whose body an event hook, an auth flow or ``_prepare_request`` changed after it was
judged is judged again, and so is a request no hook saw (one an auth flow or a redirect made).  The library's
own transports (``HTTPTransport``, ``AsyncHTTPTransport``, ``MockTransport``) see it last, below any transport
wrapper that may rewrite it.

A streamed body (a generator, an async generator, a file) is read, at most ``body_limit() + 1`` bytes, and the
request's stream replaced with what was read (private: ``Request._content``, which ``Request.read()`` sets too),
so the transport still sends the whole body.
"""

from __future__ import annotations

import datetime
import sys
from types import ModuleType
from typing import Any, AsyncIterator, Dict, Iterator, List, Optional, Tuple

from ._common import Block, Interceptor, Uninstall, body_limit, decoded, is_messages_url
from ._patch import patch_attr
from .stubs import afeed, feed

__all__ = ["install_send_hooks", "make_response", "read_body", "aread_body", "replayable"]

Judged = Tuple[Any, bytes]  # (the stream object judged, its bytes): the token ``Interceptor.remember`` keeps


def _lib(request: Any) -> ModuleType:
    return sys.modules[type(request).__module__.split(".", 1)[0]]


# request class -> its library's ByteStream (one lookup per request instead of a module name split)
_BYTE_STREAMS: Dict[type, Any] = {}


def replayable(request: Any) -> Optional[bytes]:
    """The body without consuming anything: a ``ByteStream`` holds its bytes."""
    stream = request.stream
    kind = _BYTE_STREAMS.get(type(request))
    if kind is None:
        kind = _BYTE_STREAMS[type(request)] = _lib(request).ByteStream
    if isinstance(stream, kind):
        return b"".join(stream)
    return None


def _settle(request: Any, chunks: List[bytes], over: bool, rest: Any, is_async: bool) -> bytes:
    """Put back what was read: the bytes as the request's stream (and content), or, for a body over the limit,
    a stream that sends what was read and then the rest (only sent when a finding does not block it)."""
    lib = _lib(request)
    data = b"".join(bytes(c) for c in chunks)
    if not over:
        request.stream = lib.ByteStream(data)
        request._content = data
        return data
    if is_async:

        class AsyncRest(lib.AsyncByteStream):  # type: ignore[name-defined,misc]
            async def __aiter__(self) -> AsyncIterator[bytes]:
                for chunk in chunks:
                    yield chunk
                async for chunk in rest:
                    yield chunk

        request.stream = AsyncRest()
    else:

        class Rest(lib.SyncByteStream):  # type: ignore[name-defined,misc]
            def __iter__(self) -> Iterator[bytes]:
                yield from chunks
                yield from rest

        request.stream = Rest()
    return data


def read_body(request: Any) -> Optional[bytes]:
    """The body an httpx(2) request sends (a sync stream is read, at most ``body_limit() + 1`` bytes, and put
    back); None when it cannot be read here (an async stream in a sync client)."""
    data = replayable(request)
    if data is not None:
        return data
    stream = request.stream
    if not hasattr(stream, "__iter__"):
        return None
    limit, size, chunks = body_limit(), 0, []
    rest = iter(stream)
    for chunk in rest:
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return _settle(request, chunks, size > limit, rest, is_async=False)


async def aread_body(request: Any) -> Optional[bytes]:
    """:func:`read_body` for an ``AsyncClient``: async streams are read too."""
    data = replayable(request)
    if data is not None:
        return data
    stream = request.stream
    if not hasattr(stream, "__aiter__"):
        return None  # a sync stream in an async client: httpx refuses to send it, and reading it would not
    limit, size, chunks = body_limit(), 0, []
    rest = stream.__aiter__()
    async for chunk in rest:
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return _settle(request, chunks, size > limit, rest, is_async=True)


def make_response(request: Any, block: Block) -> Any:
    """An ``httpx(2).Response`` of the library the request belongs to, carrying the API-shaped error."""
    models = sys.modules[type(request).__module__]
    response = models.Response(block.status, headers=list(block.headers), content=block.body, request=request)
    response.elapsed = datetime.timedelta(0)
    return response


def _pending(guard: Interceptor, request: Any) -> Tuple[bool, Optional[Block], Optional[Judged]]:
    """(settled, verdict, what was judged): settled when the request needs no (further) reading."""
    if not guard.active or request.method != "POST":
        return True, None, None
    seen, block, judged = guard.recall(request)
    if seen and (judged is None or request.stream is judged[0]):
        return True, block, None  # unchanged since it was judged (the same stream object)
    if not is_messages_url(str(request.url)):
        return True, None, None
    return False, block, judged if seen else None


def _judge(guard: Interceptor, request: Any, body: Optional[bytes], earlier: Optional[Judged],
           verdict: Optional[Block], source: str) -> Optional[Block]:
    if body is None:
        return None
    if earlier is not None and body == earlier[1]:
        guard.remember(request, verdict, (request.stream, body))  # another stream, the same bytes
        return verdict
    block = guard.inspect(str(request.url), request.headers, decoded(request.headers, body), source=source)
    guard.remember(request, block, (request.stream, body))
    return block


def _verdict(guard: Interceptor, request: Any, source: str) -> Optional[Block]:
    known = guard.known(request)  # the common case: judged by an earlier hook, the same stream since
    if known is not None and (known[1] is None or request.stream is known[1][0]):
        return known[0]
    settled, block, earlier = _pending(guard, request)
    return block if settled else _judge(guard, request, read_body(request), earlier, block, source)


async def _averdict(guard: Interceptor, request: Any, source: str) -> Optional[Block]:
    known = guard.known(request)
    if known is not None and (known[1] is None or request.stream is known[1][0]):
        return known[0]
    settled, block, earlier = _pending(guard, request)
    return block if settled else _judge(guard, request, await aread_body(request), earlier, block, source)


def install_send_hooks(client_module: ModuleType, guard: Interceptor, source: str) -> Uninstall:
    """Wrap ``send`` and ``_send_single_request`` of ``Client`` and ``AsyncClient`` of ``client_module``
    (``httpx._client`` or ``httpx2._client``) and the ``handle_request`` methods of the library's transports."""

    def sync_wrapper(original: Any) -> Any:
        def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            block = _verdict(guard, request, source)
            if block is not None:
                feed(self, request)  # a mock library expecting it sees it; the client gets the block
                return make_response(request, block)
            return original(self, request, *args, **kwargs)

        return send

    def async_wrapper(original: Any) -> Any:
        async def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            block = await _averdict(guard, request, source)
            if block is not None:
                await afeed(self, request)
                return make_response(request, block)
            return await original(self, request, *args, **kwargs)

        return send

    def sync_last(original: Any) -> Any:
        def _send_single_request(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            block = _verdict(guard, request, source)
            if block is not None:
                return make_response(request, block)
            return original(self, request, *args, **kwargs)

        return _send_single_request

    def async_last(original: Any) -> Any:
        async def _send_single_request(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            block = await _averdict(guard, request, source)
            if block is not None:
                return make_response(request, block)
            return await original(self, request, *args, **kwargs)

        return _send_single_request

    undo: List[Uninstall] = [
        patch_attr(client_module.Client, "send", sync_wrapper),
        patch_attr(client_module.AsyncClient, "send", async_wrapper),
    ]
    for cls, make in ((client_module.Client, sync_last), (client_module.AsyncClient, async_last)):
        if "_send_single_request" in vars(cls):  # a release without it: changes after send are not seen
            undo.append(patch_attr(cls, "_send_single_request", make))

    def sync_leaf(original: Any) -> Any:
        def handle_request(self: Any, request: Any) -> Any:
            block = _verdict(guard, request, source)
            return make_response(request, block) if block is not None else original(self, request)

        return handle_request

    def async_leaf(original: Any) -> Any:
        async def handle_async_request(self: Any, request: Any) -> Any:
            block = await _averdict(guard, request, source)
            return make_response(request, block) if block is not None else await original(self, request)

        return handle_async_request

    # the library's own transports, below any transport a test or an app wraps around them
    mock = sys.modules.get(client_module.__name__.rsplit(".", 1)[0] + "._transports.mock")
    for owner in (getattr(client_module, "HTTPTransport", None), getattr(client_module, "AsyncHTTPTransport", None),
                  getattr(mock, "MockTransport", None)):
        for name, make in (("handle_request", sync_leaf), ("handle_async_request", async_leaf)):
            if owner is not None and name in vars(owner):
                undo.append(patch_attr(owner, name, make))

    def uninstall() -> None:
        for step in reversed(undo):
            step()

    return uninstall
