"""Mock libraries with expectations (respx, pytest-httpx): a blocked request is shown to them, never sent.

respx checks at exit that every route was called; pytest-httpx, at teardown, that every registered response
was requested.  A request strict mode blocks never reaches them, so each would add an error of its own to the
one real failure.  When the request would have gone to one of them, :func:`feed` / :func:`afeed` let it see
the request (it records and answers it; its answer is dropped) and the client still gets the ``Block``.  Only
their in-memory handlers are called: never a transport that could pass the request on to a network.  A plain
``MockTransport`` with a handler of the test's own has no expectations and is not called: the test sees that a
blocked request reached no transport.

:func:`stub_note` says, for the failure text, why such errors may still appear (a mock library that patches
another HTTP library than the one the request went through, or a pytest-httpx whose internals moved).

Private surface used, and only here: ``Client._transport_for_url`` (httpx, httpx2; respx patches it too),
``HTTPTransport._pool``, respx's ``Mocker.registry`` / ``routers`` / ``handler``, the ``mock`` and ``options``
closure variables of pytest-httpx's patched ``HTTPTransport.handle_request`` and ``HTTPXMock._get_callback`` /
``_requests``.  ``tests/plugin/test_mock_libraries.py`` fails when a release moves them; until then a blocked
request simply does not reach the mock (the pre-existing behaviour) and :func:`stub_note` explains the extra
errors.
"""

from __future__ import annotations

import inspect
import sys
from types import ModuleType
from typing import Any, Callable, List, Optional, Tuple

from ._common import SOURCE_SDK

__all__ = ["feed", "afeed", "stub_note"]

Handler = Callable[[Any], Any]  # request -> response (or an awaitable of one)


def _library(request: Any) -> Optional[ModuleType]:
    """``httpx`` or ``httpx2``: the library the request object belongs to."""
    return sys.modules.get(type(request).__module__.split(".", 1)[0])


def _owned_by(func: Any, package: str) -> bool:
    return str(getattr(func, "__module__", "") or "").split(".", 1)[0] == package


def _respx_transport_handler(transport: Any, lib: ModuleType) -> Optional[Handler]:
    """A ``MockTransport`` whose handler is respx's: a router's ``handler`` or respx's "httpx" mocker."""
    if isinstance(transport, lib.MockTransport) and _owned_by(getattr(transport, "handler", None), "respx"):
        handler: Handler = transport.handler
        return handler
    return None


def _respx_pool_handler(transport: Any, lib: ModuleType, is_async: bool) -> Optional[Handler]:
    """respx's default ("httpcore") mocker patches the connection pools under the real transports."""
    mocks = sys.modules.get("respx.mocks")
    if mocks is None or getattr(mocks, "httpx", None) is not lib:
        return None
    method = "handle_async_request" if is_async else "handle_request"
    if not _owned_by(getattr(type(getattr(transport, "_pool", None)), method, None), "respx"):
        return None
    mocker = mocks.Mocker.registry.get(mocks.HTTPCoreMocker.name)
    if mocker is None or not mocker.routers:
        return None
    handler: Handler = mocker.async_handler if is_async else mocker.handler
    return handler


class _Unrecognised(Exception):
    """pytest-httpx is active but its internals are not the ones this module knows."""


def _pytest_httpx_state(transport_type: type, is_async: bool) -> Optional[Tuple[Any, Any]]:
    """(HTTPXMock, options) when pytest-httpx's fixture patched this transport class, else None."""
    method = "handle_async_request" if is_async else "handle_request"
    patched = getattr(transport_type, method, None)
    if not _owned_by(patched, "pytest_httpx"):
        return None
    code, closure = getattr(patched, "__code__", None), getattr(patched, "__closure__", None) or ()
    cells = dict(zip(getattr(code, "co_freevars", ()), closure))
    try:
        mock, options = cells["mock"].cell_contents, cells["options"].cell_contents
    except (KeyError, ValueError) as exc:
        raise _Unrecognised from exc
    if not all(hasattr(mock, name) for name in ("_get_callback", "_requests")) or not hasattr(options, "should_mock"):
        raise _Unrecognised
    return mock, options


def _pytest_httpx_handler(transport: Any, request: Any, is_async: bool) -> Optional[Handler]:
    """pytest-httpx answers from its registered callbacks; a request none matches is recorded as seen but not
    as "not expected" (it would not have reached pytest-httpx at all without this)."""
    try:
        state = _pytest_httpx_state(type(transport), is_async)
    except _Unrecognised:
        return None
    if state is None:
        return None
    mock, options = state
    if not options.should_mock(request):
        return None  # pytest-httpx would pass it to the real transport: not a stub

    def handler(request: Any) -> Any:
        request.read()
        mock._requests.append((transport, request))
        callback = mock._get_callback(transport, request)
        return None if callback is None else callback(request)

    return handler


def _stub_handler(client: Any, request: Any, is_async: bool) -> Optional[Handler]:
    """The in-memory handler of the mock library this request would reach through ``client``, or None."""
    lib = _library(request)
    if lib is None:
        return None
    try:
        transport = client._transport_for_url(request.url)
    except Exception:  # noqa: BLE001 - a client without the private method: nothing to feed
        return None
    if type(transport).__name__ == "TryTransport" and _owned_by(type(transport), "respx"):
        transport = (getattr(transport, "transports", None) or [None])[0]  # respx's "httpx" mocker
        return _respx_transport_handler(transport, lib)
    if isinstance(transport, lib.MockTransport):
        return _respx_transport_handler(transport, lib)
    if isinstance(transport, (lib.HTTPTransport, lib.AsyncHTTPTransport)):
        return _pytest_httpx_handler(transport, request, is_async) or _respx_pool_handler(transport, lib, is_async)
    return None


def feed(client: Any, request: Any) -> None:
    """Show a blocked request to the mock library ``client`` would send it to; drop its answer.  Never raises."""
    try:
        handler = _stub_handler(client, request, is_async=False)
        if handler is not None:
            response = handler(request)
            if response is not None and not inspect.isawaitable(response):
                response.close()
    except Exception:  # noqa: BLE001 - unmatched routes, pass-through, side effects: the block is the answer
        pass


async def afeed(client: Any, request: Any) -> None:
    """:func:`feed` for an ``AsyncClient``."""
    try:
        handler = _stub_handler(client, request, is_async=True)
        if handler is not None:
            response = handler(request)
            if inspect.isawaitable(response):
                response = await response
            if response is not None:
                await response.aclose()
    except Exception:  # noqa: BLE001
        pass


# --- the failure text's note ----------------------------------------------------------------------------


def _source_library(source: str) -> Optional[ModuleType]:
    if source == SOURCE_SDK:
        base = sys.modules.get("anthropic._base_client")
        lib = getattr(base, "httpx2", None) or getattr(base, "httpx", None)
        return lib if isinstance(lib, ModuleType) else None
    if source in ("httpx", "httpx2"):
        return sys.modules.get(source)
    return None


def _active_mock_libraries() -> List[Tuple[str, ModuleType, bool]]:
    """(name, the HTTP library it patches, whether a blocked request can be shown to it) of each active one."""
    found: List[Tuple[str, ModuleType, bool]] = []
    mocks = sys.modules.get("respx.mocks")
    if mocks is not None and any(m.routers for m in mocks.Mocker.registry.values()):
        found.append(("respx", mocks.httpx, True))
    plugin = sys.modules.get("pytest_httpx")
    lib = getattr(plugin, "httpx", None)
    if isinstance(lib, ModuleType) and _owned_by(getattr(lib.HTTPTransport, "handle_request", None), "pytest_httpx"):
        try:
            _pytest_httpx_state(lib.HTTPTransport, is_async=False)
            found.append(("pytest-httpx", lib, True))
        except _Unrecognised:
            found.append(("pytest-httpx", lib, False))
    return found


def stub_note(source: str) -> Optional[str]:
    """Why respx or pytest-httpx may report errors of their own beside a request blocked from ``source``
    (``CapturedRequest.source``: "anthropic SDK", "httpx", "httpx2", ...), or None when they should not."""
    lib = _source_library(source)
    if lib is None:
        return None
    notes = []
    for name, patched, feedable in _active_mock_libraries():
        if patched is not lib:
            via = "the anthropic SDK >= 1.0 sends through httpx2" if source == SOURCE_SDK else f"it was sent with {lib.__name__}"
            notes.append(
                f"{name} mocks {patched.__name__}, but {via}, which {name} never sees (valid requests neither): "
                f"its 'not called' / 'not requested' errors come from that, not from this block. "
                f"Call httpx2.alias_httpx() before anything imports httpx (e.g. in a plugin loaded with -p), "
                f"or give the client an httpx2.MockTransport."
            )
        elif not feedable:
            notes.append(
                f"this installed {name} is not one claude-guard can show blocked requests to: the request never "
                f"reached it, so its 'mocked but not requested' error at teardown has the same cause as this failure."
            )
    return "\n".join(f"Note: {n}" for n in notes) or None
