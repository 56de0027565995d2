"""What tests call directly: ``assert_valid_request``, ``check_mock`` and the ``ClaudeGuardWarning`` category.

Usable without the fixtures (built-in registry, nothing ignored); the fixtures bind the run's settings.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, ContextManager, FrozenSet, List, Mapping, Optional

from .._adapters.coerce import from_request_object
from .._adapters.mock import recorded_calls
from .._adapters.sdk_kwargs import request_from_kwargs
from .._core._engine import validate_request
from .._core._models import Registry
from .._core._render import render_text
from .._core._violation import Violation
from .._core._secrets import redact_text

__all__ = ["ClaudeGuardWarning", "assert_valid_request", "check_mock", "find_violations"]

_NO_REQUEST = object()


class ClaudeGuardWarning(UserWarning):
    """A request the Anthropic API would (or may) reject, in ``warn`` mode or below ``fail_on``."""


def find_violations(
    request: Any = _NO_REQUEST,
    *,
    headers: Optional[Mapping[str, Any]] = None,
    endpoint: Optional[str] = None,
    registry: Optional[Registry] = None,
    ignore: FrozenSet[str] = frozenset(),
    quiet: Optional[Callable[[], ContextManager[Any]]] = None,
    **sdk_kwargs: Any,
) -> List[Violation]:
    """Every violation of ``request`` (a body, an HTTP request object) or of SDK-style keyword arguments."""
    if request is _NO_REQUEST:
        if not sdk_kwargs:
            raise TypeError("pass a request body, an HTTP request object, or SDK keyword arguments")
        url, built_headers, body = request_from_kwargs(sdk_kwargs, endpoint or "/v1/messages", quiet or contextlib.nullcontext)
        hdrs: Any = headers if headers is not None else built_headers
    elif sdk_kwargs:
        raise TypeError(f"unexpected keyword arguments with a request: {', '.join(sorted(sdk_kwargs))}")
    else:
        parts = from_request_object(request)
        if parts is None:
            url, hdrs, body = endpoint or "/v1/messages", headers, request
        else:
            url = endpoint or parts[0] or "/v1/messages"
            hdrs = headers if headers is not None else parts[1]
            body = parts[2]
    found = validate_request(body, headers=hdrs, endpoint=url, registry=registry)
    return [v for v in found if v.code not in ignore]


def _failing(violations: List[Violation], fail_on: str) -> List[Violation]:
    return [v for v in violations if v.is_error or fail_on == "warning"]


def assert_valid_request(
    request: Any = _NO_REQUEST,
    *,
    headers: Optional[Mapping[str, Any]] = None,
    endpoint: Optional[str] = None,
    registry: Optional[Registry] = None,
    ignore: FrozenSet[str] = frozenset(),
    fail_on: str = "error",
    quiet: Optional[Callable[[], ContextManager[Any]]] = None,
    **sdk_kwargs: Any,
) -> None:
    """Raise ``AssertionError`` with the rendered violations if the API would reject the request."""
    __tracebackhide__ = True
    found = find_violations(request, headers=headers, endpoint=endpoint, registry=registry, ignore=ignore, quiet=quiet, **sdk_kwargs)
    failing = _failing(found, fail_on)
    if failing:
        text = render_text(failing, header="claude-guard: the Anthropic API would reject this request:")
        raise AssertionError(redact_text(text))


def check_mock(
    mock: Any,
    *,
    endpoint: str = "/v1/messages",
    registry: Optional[Registry] = None,
    ignore: FrozenSet[str] = frozenset(),
    fail_on: str = "error",
    quiet: Optional[Callable[[], ContextManager[Any]]] = None,
) -> None:
    """Validate every call recorded on a mock of ``messages.create`` (or ``count_tokens``/``batches.create``
    with ``endpoint=``); raise ``AssertionError`` naming each call the API would reject."""
    __tracebackhide__ = True
    problems = []
    for index, kwargs in recorded_calls(mock):
        found = find_violations(endpoint=endpoint, registry=registry, ignore=ignore, quiet=quiet, **kwargs)
        failing = _failing(found, fail_on)
        if failing:
            problems.append(render_text(failing, header=f"call {index} ({endpoint}):"))
    if problems:
        header = f"claude-guard: the Anthropic API would reject {len(problems)} recorded call(s) of the mock:"
        raise AssertionError(redact_text("\n".join([header, *problems])))
