"""Fixtures: ``claude_guard`` (this test's requests, ``expect``, ``check_mock``) and ``assert_valid_request``."""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Dict, Iterator, List

import pytest

from .._core._causes import causes
from .._core._violation import Violation
from . import api
from .state import Capture, CapturedRequest, Guard

__all__ = ["ClaudeGuardHandle", "claude_guard", "assert_valid_request", "GUARD"]

GUARD = pytest.StashKey[Guard]()
# the running test's capture, by item (set and removed by the plugin's protocol hook; a plain dictionary: read on
# every phase of every test, where a stash lookup costs a few Python calls)
CAPTURES: Dict[Any, Capture] = {}


class ClaudeGuardHandle:
    """What the ``claude_guard`` fixture gives a test."""

    def __init__(self, guard: Guard, capture: Capture) -> None:
        self._guard = guard
        self._capture = capture

    @property
    def requests(self) -> List[CapturedRequest]:
        """Every Messages request checked in this test so far (headers redacted)."""
        return list(self._capture.requests)

    @property
    def violations(self) -> List[Violation]:
        return [v for req in self._capture.requests for v in req.violations]

    @contextlib.contextmanager
    def expect(self, *codes: str) -> Iterator[None]:
        """Inside the block, requests with these causes get the API's error without failing the test;
        leaving the block fails the test if one of the causes did not occur."""
        unknown = [c for c in codes if c not in causes()]
        if not codes or unknown:
            pytest.fail(f"claude-guard: expect() takes known cause codes, got {unknown or 'none'}", pytrace=False)
        wanted = set(codes)
        start = len(self._capture.requests)
        self._capture.expecting.append(wanted)
        try:
            yield
        finally:
            self._capture.expecting.remove(wanted)
        seen = {v.code for req in self._capture.requests[start:] for v in req.violations}
        missing = sorted(wanted - seen)
        if missing:
            saw = ", ".join(sorted(seen)) or "no violations"
            pytest.fail(f"claude-guard: expected cause {', '.join(missing)} did not occur (saw: {saw})", pytrace=False)

    def check_mock(self, mock: Any, *, endpoint: str = "/v1/messages") -> None:
        """Validate the calls recorded on a mock that replaced ``messages.create``."""
        __tracebackhide__ = True
        settings = self._capture.settings
        api.check_mock(
            mock,
            endpoint=endpoint,
            registry=self._guard.registry,
            ignore=settings.ignore,
            fail_on=settings.fail_on,
            quiet=self._guard.quiet,
        )


def _capture_of(request: pytest.FixtureRequest) -> Capture:
    node = request.node
    capture = CAPTURES.get(node)
    return capture if capture is not None else request.config.stash[GUARD].session


@pytest.fixture
def claude_guard(request: pytest.FixtureRequest) -> ClaudeGuardHandle:
    """This test's captured requests and violations; ``expect(code)`` and ``check_mock(mock)``."""
    return ClaudeGuardHandle(request.config.stash[GUARD], _capture_of(request))


@pytest.fixture
def assert_valid_request(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``assert_valid_request(body_or_request, *, headers=None, endpoint=None)`` or with SDK keyword arguments."""
    guard = request.config.stash[GUARD]
    settings = _capture_of(request).settings

    def check(*args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("registry", guard.registry)
        kwargs.setdefault("ignore", settings.ignore)
        kwargs.setdefault("fail_on", settings.fail_on)
        kwargs.setdefault("quiet", guard.quiet)
        __tracebackhide__ = True
        api.assert_valid_request(*args, **kwargs)

    return check
