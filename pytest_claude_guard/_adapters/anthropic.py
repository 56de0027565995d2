"""The anthropic SDK, both lines (>= 1.0 over httpx2, 0.x over httpx): its request builder sees every
client's request (Anthropic, AsyncAnthropic, Bedrock, Vertex, Foundry) before any transport.

Private SDK surface used, and only here: ``anthropic._base_client.BaseClient._build_request(options, *,
retries_taken)`` and ``BaseClient._make_status_error_from_response``.  ``tests/plugin/test_sdk_hook.py`` fails
loudly when an SDK release moves them; until then the httpx/httpx2 send hooks still check SDK requests.

Every attempt of a call is built here.  A retry (``retries_taken`` > 0) whose body is the one already checked for
that call (:func:`_call_key`) is not checked again; one whose body changed (middleware, ``_prepare_options``) is.
What changes the built request later (``_prepare_request``, an event hook, an http client's ``send``) is seen by
the httpx/httpx2 hooks, which judge a changed body again.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Optional

from ._common import SOURCE_SDK, Interceptor, Uninstall, decoded, is_messages_url
from ._httpx_family import make_response, read_body, replayable
from ._patch import is_guarded, patch_attr

__all__ = ["MODULE", "HOOK", "install", "hook_present"]

MODULE = "anthropic._base_client"
HOOK = "_build_request"


def hook_present(module: ModuleType) -> bool:
    """Whether this SDK still has the private request builder the adapter wraps."""
    base = getattr(module, "BaseClient", None)
    return base is not None and HOOK in vars(base) and hasattr(base, "_make_status_error_from_response")


def _call_key(options: Any) -> Optional[str]:
    """What every attempt of one SDK call shares: its idempotency key (set once per call, before the first
    attempt, by 0.70 and later); in older releases (0.40) the call's ``json_data`` object (each attempt's options
    are a shallow copy of the call's).  Only ever compared together with the body bytes."""
    key = getattr(options, "idempotency_key", None)
    if isinstance(key, str) and key:
        return key
    data = getattr(options, "json_data", None)
    return None if data is None else f"json_data@{id(data)}"


def install(module: ModuleType, guard: Interceptor) -> Uninstall:
    if not hook_present(module):
        return lambda: None  # the transport-level hooks still see SDK requests

    def wrapper(original: Any) -> Any:
        def _build_request(self: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
            request = original(self, options, *args, **kwargs)
            if not guard.active or request.method != "POST":
                return request
            # a JSON body is at hand; any other stream (a Files API upload) is read only for a Messages URL
            url = str(request.url)
            body = replayable(request) if not is_messages_url(url) else read_body(request)
            if body is None:
                return request
            call = _call_key(options)
            if kwargs.get("retries_taken", 0):
                repeated, block = guard.repeated(call, body)
                if repeated:  # a retry of the body already checked: not checked (nor counted) again
                    guard.remember(request, block, (request.stream, body))
                    return request
            block = guard.inspect(url, request.headers, decoded(request.headers, body), source=SOURCE_SDK)
            guard.remember(request, block, (request.stream, body), call)
            if block is not None and not is_guarded(getattr(type(self._client), "send", None)):
                # the client sends through something our transport hook does not see: answer here instead
                raise self._make_status_error_from_response(make_response(request, block))
            return request

        return _build_request

    return patch_attr(module.BaseClient, HOOK, wrapper)
