"""httpx and httpx2 share one API: ``Client.send`` / ``AsyncClient.send`` see every request, whatever the
transport below (real, ``MockTransport``, respx, pytest-httpx, a vcrpy cassette).  A blocked request is
answered here; respx and pytest-httpx are shown it first (``stubs.py``)."""

from __future__ import annotations

import datetime
import sys
from types import ModuleType
from typing import Any, List, Optional

from ._common import Block, Interceptor, Uninstall, is_messages_url, is_retry
from ._patch import patch_attr
from .stubs import afeed, feed

__all__ = ["install_send_hooks", "make_response", "request_parts"]


def request_parts(request: Any) -> Optional[bytes]:
    """The body bytes of an httpx(2) request, or None when it is a stream that cannot be read twice."""
    try:
        content = request.content
    except Exception:  # noqa: BLE001 - RequestNotRead for streaming bodies
        return None
    return bytes(content) if isinstance(content, (bytes, bytearray)) else None


def make_response(request: Any, block: Block) -> Any:
    """An ``httpx(2).Response`` of the library the request belongs to, carrying the API-shaped error."""
    models = sys.modules[type(request).__module__]
    response = models.Response(block.status, headers=list(block.headers), content=block.body, request=request)
    response.elapsed = datetime.timedelta(0)
    return response


def _verdict(guard: Interceptor, request: Any, source: str) -> Optional[Block]:
    if not guard.active or request.method != "POST":
        return None
    seen, block = guard.recall(request)
    if seen:
        return block
    url = str(request.url)
    if not is_messages_url(url) or is_retry(request.headers):
        return None
    body = request_parts(request)
    if body is None:
        return None
    return guard.inspect(url, request.headers, body, source=source)


def install_send_hooks(client_module: ModuleType, guard: Interceptor, source: str) -> Uninstall:
    """Wrap ``Client.send`` and ``AsyncClient.send`` of ``client_module`` (``httpx._client`` or ``httpx2._client``)."""

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
            block = _verdict(guard, request, source)
            if block is not None:
                await afeed(self, request)
                return make_response(request, block)
            return await original(self, request, *args, **kwargs)

        return send

    undo: List[Uninstall] = [
        patch_attr(client_module.Client, "send", sync_wrapper),
        patch_attr(client_module.AsyncClient, "send", async_wrapper),
    ]

    def uninstall() -> None:
        for step in reversed(undo):
            step()

    return uninstall
