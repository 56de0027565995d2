"""pytest-claude-guard's pytest plugin (entry point ``claude_guard``; ``-p no:claude_guard`` turns it off).

Every Anthropic Messages request a test makes is checked before it is sent; see ``_plugin/`` for options,
state, fixtures and reports, and ``_adapters/`` for how requests are seen.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Callable, Generator, List, Optional

import pytest

from ._adapters import install_all
from ._models import Registry, load_registry
from ._plugin import options, report
from ._plugin.api import ClaudeGuardWarning
from ._plugin.fixtures import CAPTURE, GUARD, assert_valid_request, claude_guard
from ._plugin.redact import redact_text
from ._plugin.state import Capture, CapturedRequest, Guard
from ._render import render_line, render_text

__all__ = ["ClaudeGuardWarning", "assert_valid_request", "claude_guard"]

# cassette linting (``--claude-guard-cassettes``) is its own plugin module, loaded (and disabled) with this one
pytest_plugins = ["pytest_claude_guard._plugin.cassettes"]

_UNINSTALL = pytest.StashKey[Callable[[], None]]()
_SETTINGS = pytest.StashKey[options.Settings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    options.addoption(parser)


def _registry(config: pytest.Config) -> Optional[Registry]:
    path = options.models_path(config)
    if path is None:
        return None
    try:
        return load_registry(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise pytest.UsageError(f"claude-guard: ini claude_guard_models: cannot load {path}: {exc}") from None


def pytest_configure(config: pytest.Config) -> None:
    from ._engine import preload  # load and compile now: checking a request must read no file (event loops)
    preload()
    config.addinivalue_line("markers", options.MARKER_HELP)
    guard = Guard(options.from_config(config), _registry(config))
    config.stash[GUARD] = guard
    config.stash[_UNINSTALL] = install_all(guard)


def pytest_unconfigure(config: pytest.Config) -> None:
    guard = config.stash.get(GUARD, None)
    if guard is not None:
        guard.stop()
    uninstall = config.stash.get(_UNINSTALL, None)
    if uninstall is not None:
        uninstall()


def _settings_for(item: pytest.Item) -> options.Settings:
    settings = item.stash.get(_SETTINGS, None)
    if settings is None:
        base = item.config.stash[GUARD].settings
        settings = options.for_item(base, list(item.iter_markers("claude_guard")), item.nodeid)
        item.stash[_SETTINGS] = settings
    return settings


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    for item in items:  # marker mistakes are usage errors before any test runs
        _settings_for(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Optional[pytest.Item]) -> Generator[None, Any, Any]:
    guard = item.config.stash[GUARD]
    capture = Capture(item.nodeid, _settings_for(item))
    item.stash[CAPTURE] = capture
    with guard.running(capture):
        return (yield)


def _failure_text(failing: List[Any]) -> str:
    count = len(failing)
    parts = [f"claude-guard: {count} request(s) in this test would be rejected by the Anthropic API"]
    for req, bad in failing:
        action = "not sent: answered with the API's error" if req.blocked else "sent"
        parts.append("")
        parts.append(render_text(bad, header=f"{req.label()}: {action}"))
    return redact_text("\n".join(parts))


def _warn(item: pytest.Item, req: CapturedRequest, violations: List[Any]) -> None:
    filename = str(item.path)
    lineno = (item.location[1] or 0) + 1
    for v in violations:
        text = redact_text(f"claude-guard: {render_line(v, source=req.label())} Fix: {v.fix}")
        warnings.warn_explicit(ClaudeGuardWarning(text), ClaudeGuardWarning, filename, lineno)


def _settle(item: pytest.Item) -> None:
    """Turn the requests checked since the last settle into warnings and, in strict mode, a failure."""
    capture = item.stash.get(CAPTURE, None)
    if capture is None:
        return
    start, capture.reported = capture.reported, len(capture.requests)
    settings = capture.settings
    failing = capture.failing(start)
    for req in capture.requests[start:]:
        quiet = [v for v in req.violations if v.code not in req.expected and not settings.fails(v.severity)]
        if quiet:
            _warn(item, req, quiet)
    if failing:
        pytest.fail(_failure_text(failing), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    try:
        result = yield
    except Exception:
        _settle(item)  # the diagnosis replaces the exception the code under test raised (or swallowed)
        raise
    _settle(item)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: Optional[pytest.Item]) -> Generator[None, Any, Any]:
    try:
        result = yield
    except Exception:
        _settle(item)
        raise
    _settle(item)
    return result


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workeroutput")


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    guard = config.stash.get(GUARD, None)
    if guard is None:
        return
    if _is_worker(config):
        config.workeroutput[report.PAYLOAD_KEY] = report.worker_payload(guard.records, guard.checked)  # type: ignore[attr-defined]
        return
    path = config.getoption("claude_guard_report")
    if path:
        report.write_report(Path(path), guard.records, guard.checked)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: the controller merges what each worker captured."""
    guard = node.config.stash.get(GUARD, None)
    output = getattr(node, "workeroutput", None)
    if guard is not None and isinstance(output, dict):
        guard.checked += report.merge_payload(guard.records, output.get(report.PAYLOAD_KEY))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    guard = config.stash.get(GUARD, None)
    if guard is None or _is_worker(config):
        return
    lines = report.summary_lines(guard.records, guard.checked)
    if not lines:
        return
    terminalreporter.write_sep("=", "claude-guard")
    for line in lines:
        terminalreporter.write_line(line)
