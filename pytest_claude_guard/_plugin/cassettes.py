"""``pytest --claude-guard-cassettes PATH``: lint cassettes when the session ends (after any recording).

The findings go in a terminal summary section; error-severity findings or secrets fail the run (exit 1).  A cassette
that could not be read is not checked: the verdict says so (never "ok"), without failing the run.
Loaded by the main plugin through ``pytest_plugins``; on xdist only the controller lints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional

import pytest

if TYPE_CHECKING:  # the linter is imported only when the option is used (start-up cost)
    from .._cassettes.lint import LintResult

__all__ = ["pytest_addoption", "pytest_sessionfinish", "pytest_terminal_summary"]

RESULT_KEY = pytest.StashKey[Optional["LintResult"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("claude-guard")
    group.addoption(
        "--claude-guard-cassettes",
        action="append",
        default=[],
        metavar="PATH",
        dest="claude_guard_cassettes",
        help="lint vcrpy cassettes (file, folder or glob; repeatable) when the session ends; "
        "error findings or leaked keys fail the run",
    )


def _ignored(config: pytest.Config) -> List[str]:
    """Codes from the main plugin's ``claude_guard_ignore`` ini value, when it is registered."""
    try:
        raw: Any = config.getini("claude_guard_ignore")
    except (ValueError, KeyError):
        return []
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    return [str(code).strip() for code in raw or [] if str(code).strip()]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    paths = config.getoption("claude_guard_cassettes", default=None) or []
    if not paths or hasattr(config, "workerinput"):
        return
    from .._cassettes.lint import lint_paths

    result = lint_paths(paths, ignore=_ignored(config))
    config.stash[RESULT_KEY] = result
    if result.exit_code and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    result = config.stash.get(RESULT_KEY, None)
    if result is None:
        return
    from .._cassettes.lint import render_line_for

    tr = terminalreporter
    tr.write_sep("=", "claude-guard cassettes", red=bool(result.exit_code), yellow=bool(result.status and not result.exit_code),
                 green=not result.status)
    for arg in result.missing:
        tr.write_line(f"{arg}: no cassette found (nothing recorded yet?)")
    for finding in result.findings:
        tr.write_line(render_line_for(finding))
    if result.exit_code:
        verdict = "FAILED: error findings or secrets in cassettes"
    elif result.status:
        verdict = f"NOT ALL CHECKED: {result.unread} cassette(s) or recorded request(s) could not be read (see above)"
    else:
        verdict = "ok"
    tr.write_line(f"{result.summary()} -- {verdict}")
