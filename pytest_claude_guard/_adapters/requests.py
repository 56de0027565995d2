"""Raw ``requests`` calls: ``Session.send`` sees every prepared request, above any adapter or mock
(responses, requests-mock, vcrpy's urllib3 stubs)."""

from __future__ import annotations

import datetime
import sys
from types import ModuleType
from typing import Any, Optional

from ._common import Block, Interceptor, Uninstall, is_messages_url, is_retry
from ._patch import patch_attr

__all__ = ["MODULE", "install", "make_response"]

MODULE = "requests.sessions"


def _body(prepared: Any) -> Optional[bytes]:
    body = prepared.body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    return None  # a file or generator: cannot be read without consuming it


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


def install(module: ModuleType, guard: Interceptor) -> Uninstall:
    def wrapper(original: Any) -> Any:
        def send(self: Any, request: Any, **kwargs: Any) -> Any:
            if guard.active and request.method == "POST" and is_messages_url(str(request.url)):
                body = _body(request)
                if body is not None and not is_retry(request.headers):
                    block = guard.inspect(str(request.url), request.headers, body, source="requests")
                    if block is not None:
                        return make_response(request, block)
            return original(self, request, **kwargs)

        return send

    return patch_attr(module.Session, "send", wrapper)
