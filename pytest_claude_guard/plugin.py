"""pytest-claude-guard's pytest plugin (entry point ``claude_guard``; ``-p no:claude_guard`` turns it off).

Every Anthropic Messages request a test makes is checked before it is sent; see ``_plugin/`` for options,
state, fixtures and reports, and ``_adapters/`` for how requests are seen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, Generator, List, Optional

import pytest

from ._adapters import install_all, vcr_replay
from ._core._models import Registry, TodayError, configure_today, load_registry
from ._plugin import options, outcome
from ._plugin import report as report_mod
from ._plugin.api import ClaudeGuardWarning
from ._plugin.fixtures import CAPTURES, GUARD, assert_valid_request, claude_guard
from ._core._secrets import redact_text
from ._plugin.state import Capture, Guard

__all__ = ["ClaudeGuardWarning", "assert_valid_request", "claude_guard"]

# cassette linting (``--claude-guard-cassettes``) is its own plugin module, loaded (and disabled) with this one
pytest_plugins = ["pytest_claude_guard._plugin.cassettes"]

_UNINSTALL = pytest.StashKey[Callable[[], None]]()
_SETTINGS = pytest.StashKey[options.Settings]()
_PROBLEMS = pytest.StashKey[List[str]]()


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
    from ._core._engine import preload  # load and compile now: checking a request must read no file (event loops)

    config.addinivalue_line("markers", options.MARKER_HELP)
    try:  # lifecycles (deprecated, retired) are judged as of this date: CLAUDE_GUARD_TODAY > ini > the clock
        preload(sdk=False)
        today = configure_today(config.getini("claude_guard_today"))
    except TodayError as exc:
        raise pytest.UsageError(f"claude-guard: {exc}") from None
    guard = Guard(options.from_config(config), _registry(config), drift_fails=options.drift_fails(config))
    guard.today = f"{today.day.isoformat()} ({today.source})"
    config.stash[GUARD] = guard
    config.stash[_UNINSTALL] = _install(guard)
    if _is_worker(config):
        config.pluginmanager.register(_WorkerShipping(), "claude_guard_worker_shipping")
    elif _distributed(config):
        config.pluginmanager.register(_ControllerMerging(), "claude_guard_controller_merging")


def _install(guard: Guard) -> Callable[[], None]:
    """The HTTP adapters, request origins (threads, executors) and the cassette replay probe."""
    probe = vcr_replay.ReplayProbe()
    guard.replay_probe = probe
    extra = {
        vcr_replay.MODULE: lambda module: vcr_replay.install(module, probe),
        "anthropic": _read_sdk_types,  # what a newer SDK's request types know, once the code under test imports it
    }
    undo = [install_all(guard, extra), guard.origins.install()]

    def uninstall() -> None:
        while undo:
            undo.pop()()

    return uninstall


def _read_sdk_types(module: Any) -> Callable[[], None]:
    from ._core import _sdk_fields

    try:
        _sdk_fields.preload()
    except Exception:  # noqa: BLE001 - never break the user's import; the schemas judge alone
        pass
    return lambda: None


def pytest_unconfigure(config: pytest.Config) -> None:
    guard = config.stash.get(GUARD, None)
    if guard is not None:
        guard.stop()
    uninstall = config.stash.get(_UNINSTALL, None)
    if uninstall is not None:
        uninstall()


def _settings_for(item: pytest.Item, parents: Optional[Dict[Any, bool]] = None) -> options.Settings:
    """The item's settings: the run's, or as its ``claude_guard`` markers change them.  ``parents``: which
    collectors carry the marker, shared by the items of one collection (most suites mark none: a test then costs
    a look at its own markers and a dictionary lookup, not a walk of its parents)."""
    settings = item.stash.get(_SETTINGS, None)
    if settings is None:
        base = item.config.stash[GUARD].settings
        if parents is not None and not _marked(item, parents):
            settings = base
        else:
            settings = options.for_item(base, list(item.iter_markers("claude_guard")), item.nodeid)
        item.stash[_SETTINGS] = settings
    return settings


def _has_mark(node: Any) -> bool:
    for mark in getattr(node, "own_markers", ()):
        if getattr(mark, "name", None) == "claude_guard":
            return True
    return False


def _marked(item: pytest.Item, parents: Dict[Any, bool]) -> bool:
    """Whether the item or a collector above it carries the marker (each collector looked at once)."""
    if _has_mark(item):
        return True
    known = parents.get(item.parent)
    if known is not None:
        return known
    node, unknown = item.parent, []
    while node is not None and node not in parents:
        unknown.append(node)
        node = node.parent
    found = parents[node] if node is not None else False
    for collector in reversed(unknown):  # from the top down: a collector is marked if it or a parent is
        found = parents[collector] = found or _has_mark(collector)
    return found


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    parents: Dict[Any, bool] = {}
    for item in items:  # marker mistakes are usage errors before any test runs
        _settings_for(item, parents)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Optional[pytest.Item]) -> Generator[None, Any, Any]:
    guard = item.config.stash[GUARD]
    capture = Capture(item.nodeid, _settings_for(item))
    CAPTURES[item] = capture
    token = guard.enter(capture)
    try:
        return (yield)
    finally:
        guard.leave(capture, token)
        CAPTURES.pop(item, None)  # the bodies it holds are freed with the test


_STOPS = (KeyboardInterrupt, SystemExit, pytest.exit.Exception)


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """After the call and teardown phases: if requests of the test fail, the diagnosis replaces whatever the phase
    raised (or its success) before the report is made, so the report, the FAILED line, xfail and ``--pdb`` all see
    the diagnosis, with no exception chain in front of it.  A plain implementation (no wrapper: a test without
    findings costs a dictionary lookup), run after pytest's unittest support puts a ``TestCase``'s own error in
    ``call.excinfo`` and before the report is built from it.  Requests made during setup are settled with the call
    (or, when setup fails, with the teardown).  A plugin registered later whose own plain implementation returns the
    report first leaves that phase's findings to the next phase (they are in the summary and the report either way)."""
    capture = CAPTURES.get(item)
    if capture is None or not capture.pending or call.when == "setup":
        return None  # the common case: no request with findings since the last phase settled
    if call.excinfo is not None and isinstance(call.excinfo.value, _STOPS):
        return None  # an interrupted run stays interrupted
    capture.pending = False
    guard = item.config.stash[GUARD]
    try:
        text = outcome.settle(capture, guard.drift_fails, str(item.path), (item.location[1] or 0) + 1)
    except Exception as exc:  # noqa: BLE001 - never an INTERNALERROR: the test fails, naming what went wrong
        text = f"claude-guard could not settle this test's requests: {type(exc).__name__}: {exc}"
    if text is not None:
        call.excinfo = _failure(text)
    return None


def _failure(text: str) -> pytest.ExceptionInfo[BaseException]:
    try:
        raise pytest.fail.Exception(text, pytrace=False) from None
    except pytest.fail.Exception:
        return pytest.ExceptionInfo.from_current()


class _WorkerShipping:
    """pytest-xdist workers only (registered at configure): records travel with each test's teardown report, so a
    worker that dies later loses nothing."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: Any) -> Generator[None, Any, Any]:
        report = yield
        if call.when == "teardown":
            guard = item.config.stash.get(GUARD, None)
            if guard is not None:
                setattr(report, report_mod.PAYLOAD_KEY, guard.unshipped())
        return report


class _ControllerMerging:
    """pytest-xdist controller only (registered at configure when tests are distributed): merge what a worker
    shipped with a test's teardown report."""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        payload = getattr(report, report_mod.PAYLOAD_KEY, None)
        if payload is None or not hasattr(report, "node"):
            return
        config = report.node.config if hasattr(report.node, "config") else None
        guard = _controller_guard(config)
        if guard is not None:
            guard.checked += report_mod.merge_payload(guard.records, payload)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workeroutput")


def _distributed(config: pytest.Config) -> bool:
    """pytest-xdist will start workers (``-n N``, ``--dist``, ``--tx``): set before any plugin configures."""
    try:
        return config.getoption("dist", "no") not in ("no", None) or bool(config.getoption("tx", None))
    except ValueError:
        return False


def _controller_guard(config: Optional[pytest.Config]) -> Optional[Guard]:
    if config is None or _is_worker(config):
        return None
    return config.stash.get(GUARD, None)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    guard = config.stash.get(GUARD, None)
    if guard is None:
        return
    if _is_worker(config):
        config.workeroutput[report_mod.PAYLOAD_KEY] = guard.unshipped()  # type: ignore[attr-defined]
        return
    problems = []
    path = config.getoption("claude_guard_report")
    if path:
        try:
            report_mod.write_report(Path(path), guard.records, guard.checked, today=guard.today)
        except Exception as exc:  # noqa: BLE001 - a report that cannot be written fails the run, never crashes it
            problems.append(f"cannot write the report {path}: {type(exc).__name__}: {exc}")
    config.stash[_PROBLEMS] = problems
    if (problems or report_mod.run_fails(guard.records)) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: the controller merges what a worker captured after its last test."""
    guard = _controller_guard(node.config)
    output = getattr(node, "workeroutput", None)
    if guard is not None and isinstance(output, dict):
        guard.checked += report_mod.merge_payload(guard.records, output.get(report_mod.PAYLOAD_KEY))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    guard = _controller_guard(config)
    if guard is None:
        return
    try:
        lines = report_mod.summary_lines(guard.records, guard.checked, today=guard.today)
    except Exception as exc:  # noqa: BLE001
        lines = [f"claude-guard could not summarise its findings: {type(exc).__name__}: {exc}"]
    lines += [f"claude-guard: {problem}" for problem in config.stash.get(_PROBLEMS, [])]
    if not lines:
        return
    terminalreporter.write_sep("=", "claude-guard")
    for line in lines:
        terminalreporter.write_line(redact_text(line))
