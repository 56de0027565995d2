"""Whatever a test hands to ``assert_valid_request``: a body dict or JSON text, an httpx/httpx2 ``Request``,
a requests ``PreparedRequest``, or a vcrpy ``Request`` (duck-typed: no library is imported here)."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Tuple

from ._common import decoded

__all__ = ["from_request_object"]

Parts = Tuple[Optional[str], Any, Any]  # (url or None, headers or None, body)


def from_request_object(request: Any) -> Optional[Parts]:
    """(url, headers, body) of an HTTP request object; None if ``request`` is a plain body."""
    if isinstance(request, (Mapping, str, bytes, bytearray, list)) or request is None:
        return None
    if hasattr(request, "uri") and hasattr(request, "body"):  # vcrpy
        return _decoded(str(request.uri), dict(request.headers), request.body)
    if hasattr(request, "url") and hasattr(request, "headers"):
        if hasattr(request, "content"):  # httpx / httpx2
            try:
                body = request.content
            except Exception:  # noqa: BLE001 - a streaming body that was never read
                body = request.read()
            return _decoded(str(request.url), request.headers, body)
        if hasattr(request, "body"):  # requests.PreparedRequest
            return _decoded(str(request.url), request.headers, request.body)
    return None


def _decoded(url: str, headers: Any, body: Any) -> Parts:
    """A gzip or deflate body is judged as the API reads it: decoded."""
    return url, headers, decoded(headers, bytes(body)) if isinstance(body, (bytes, bytearray)) else body
