"""The anthropic SDK, both lines (>= 1.0 over httpx2, 0.x over httpx): its request builder sees every
client's request (Anthropic, AsyncAnthropic, Bedrock, Vertex, Foundry) before any transport.

Private SDK surface used, and only here: ``anthropic._base_client.BaseClient._build_request(options, *,
retries_taken)`` and ``BaseClient._make_status_error_from_response``.  ``tests/plugin/test_sdk_hook.py``
fails loudly when an SDK release moves them; until then the httpx/httpx2 send hooks still check SDK requests.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ._common import SOURCE_SDK, Interceptor, Uninstall
from ._httpx_family import make_response, request_parts
from ._patch import is_guarded, patch_attr

__all__ = ["MODULE", "HOOK", "install", "hook_present"]

MODULE = "anthropic._base_client"
HOOK = "_build_request"


def hook_present(module: ModuleType) -> bool:
    """Whether this SDK still has the private request builder the adapter wraps."""
    base = getattr(module, "BaseClient", None)
    return base is not None and HOOK in vars(base) and hasattr(base, "_make_status_error_from_response")


def install(module: ModuleType, guard: Interceptor) -> Uninstall:
    if not hook_present(module):
        return lambda: None  # the transport-level hooks still see SDK requests

    def wrapper(original: Any) -> Any:
        def _build_request(self: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
            request = original(self, options, *args, **kwargs)
            if not guard.active or request.method != "POST":
                return request
            if kwargs.get("retries_taken", 0):
                guard.remember(request, None)  # retries are not checked again
                return request
            body = request_parts(request)
            block = None if body is None else guard.inspect(str(request.url), request.headers, body, source=SOURCE_SDK)
            guard.remember(request, block)
            if block is not None and not is_guarded(getattr(type(self._client), "send", None)):
                # the client sends through something our transport hook does not see: answer here instead
                raise self._make_status_error_from_response(make_response(request, block))
            return request

        return _build_request

    return patch_attr(module.BaseClient, HOOK, wrapper)
