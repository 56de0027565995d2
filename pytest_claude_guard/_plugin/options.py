"""Settings and their precedence, checked in one place: marker > command line > ini > default.

``mode`` and ``fail_on`` take the value of the highest layer that sets them; ``ignore`` lists are combined
(ini, then every ``claude_guard`` marker on the test, its class and module).  Any bad value is a
``pytest.UsageError`` at start-up (markers: at collection), naming where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, FrozenSet, Iterable, Optional, Sequence

import pytest

from .._core._causes import causes

__all__ = ["Settings", "MODES", "FAIL_ON", "DRIFT", "DEFAULT", "addoption", "from_config", "for_item", "models_path", "drift_fails"]

MODES = ("strict", "warn", "off")
FAIL_ON = ("error", "warning")
DRIFT = ("report", "fail")
MARKER_KEYS = ("mode", "ignore", "fail_on")
MARKER_HELP = (
    "claude_guard(mode='strict'|'warn'|'off', ignore=[cause codes], fail_on='error'|'warning'): "
    "per-test settings of pytest-claude-guard (they win over command line and ini)"
)


@dataclass(frozen=True)
class Settings:
    mode: str = "strict"
    fail_on: str = "error"
    ignore: FrozenSet[str] = frozenset()

    def fails(self, severity: str) -> bool:
        """Whether a violation of this severity fails the test (strict mode only)."""
        return self.mode == "strict" and (severity == "error" or self.fail_on == "warning")


DEFAULT = Settings()


def addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("claude-guard", "check Anthropic Messages API requests (pytest-claude-guard)")
    group.addoption(
        "--claude-guard",
        dest="claude_guard_mode",
        choices=MODES,
        default=None,
        help="strict: invalid requests are not sent and fail the test (default); warn: they are sent and warned about; off",
    )
    group.addoption(
        "--claude-guard-fail-on",
        dest="claude_guard_fail_on",
        choices=FAIL_ON,
        default=None,
        help="the lowest severity that fails a test in strict mode (default: error)",
    )
    group.addoption(
        "--claude-guard-report",
        dest="claude_guard_report",
        metavar="PATH",
        default=None,
        help="write every violation as JSON to PATH",
    )
    group.addoption(
        "--claude-guard-drift",
        dest="claude_guard_drift",
        choices=DRIFT,
        default=None,
        help="replayed recordings of models retired since they were recorded: report them in their own summary "
        "section (default) or fail their tests",
    )
    parser.addini("claude_guard_drift", "report | fail (default report): replayed recordings of retired models", default=None)
    parser.addini(
        "claude_guard_today",
        "YYYY-MM-DD: judge model lifecycles (deprecated, retired) as of this date (CLAUDE_GUARD_TODAY wins; default today)",
        default=None,
    )
    parser.addini("claude_guard_mode", "strict | warn | off (default strict)", default=None)
    parser.addini("claude_guard_fail_on", "error | warning (default error)", default=None)
    parser.addini("claude_guard_ignore", "cause codes never reported (one per line, or comma-separated)", type="linelist")
    parser.addini("claude_guard_models", "a model registry file laid over the built-in one", default=None)


def _choice(value: Any, allowed: Sequence[str], what: str, where: str) -> str:
    if value not in allowed:
        raise pytest.UsageError(f"claude-guard: {where}: {what} must be one of {', '.join(allowed)}, got {value!r}")
    return str(value)


def _codes(values: Iterable[Any], where: str) -> FrozenSet[str]:
    known = causes()
    out = set()
    for raw in values:
        if not isinstance(raw, str):
            raise pytest.UsageError(f"claude-guard: {where}: ignore takes cause codes (strings), got {raw!r}")
        for code in filter(None, re.split(r"[\s,]+", raw)):
            if code not in known:
                raise pytest.UsageError(
                    f"claude-guard: {where}: unknown cause code {code!r} in ignore (codes are listed in the README's cause catalog)"
                )
            out.add(code)
    return frozenset(out)


def from_config(config: pytest.Config) -> Settings:
    """Command line > ini > default."""
    mode = config.getoption("claude_guard_mode")
    where = "command line --claude-guard"
    if mode is None:
        mode, where = config.getini("claude_guard_mode") or DEFAULT.mode, "ini claude_guard_mode"
    fail_on = config.getoption("claude_guard_fail_on")
    fail_where = "command line --claude-guard-fail-on"
    if fail_on is None:
        fail_on, fail_where = config.getini("claude_guard_fail_on") or DEFAULT.fail_on, "ini claude_guard_fail_on"
    return Settings(
        mode=_choice(str(mode).strip(), MODES, "mode", where),
        fail_on=_choice(str(fail_on).strip(), FAIL_ON, "fail_on", fail_where),
        ignore=_codes(config.getini("claude_guard_ignore"), "ini claude_guard_ignore"),
    )


def drift_fails(config: pytest.Config) -> bool:
    """Command line > ini > default (report)."""
    value = config.getoption("claude_guard_drift")
    where = "command line --claude-guard-drift"
    if value is None:
        value, where = config.getini("claude_guard_drift") or "report", "ini claude_guard_drift"
    return _choice(str(value).strip(), DRIFT, "drift", where) == "fail"


def for_item(base: Settings, markers: Sequence[pytest.Mark], nodeid: str) -> Settings:
    """``markers`` closest first (``item.iter_markers``): the closest mode/fail_on wins, ignores add up."""
    mode: Optional[str] = None
    fail_on: Optional[str] = None
    ignore = set(base.ignore)
    where = f"{nodeid}: @pytest.mark.claude_guard"
    for mark in markers:
        if mark.args:
            raise pytest.UsageError(f"claude-guard: {where}: takes keyword arguments only ({', '.join(MARKER_KEYS)})")
        unknown = sorted(set(mark.kwargs) - set(MARKER_KEYS))
        if unknown:
            raise pytest.UsageError(f"claude-guard: {where}: unknown argument {unknown[0]!r} (expected {', '.join(MARKER_KEYS)})")
        if "mode" in mark.kwargs and mode is None:
            mode = _choice(mark.kwargs["mode"], MODES, "mode", where)
        if "fail_on" in mark.kwargs and fail_on is None:
            fail_on = _choice(mark.kwargs["fail_on"], FAIL_ON, "fail_on", where)
        if "ignore" in mark.kwargs:
            value = mark.kwargs["ignore"]
            ignore |= _codes([value] if isinstance(value, str) else list(value), where)
    return Settings(mode=mode or base.mode, fail_on=fail_on or base.fail_on, ignore=frozenset(ignore))


def models_path(config: pytest.Config) -> Optional[Path]:
    """The ``claude_guard_models`` file, relative to the ini file's folder (or the rootdir)."""
    raw = config.getini("claude_guard_models")
    if not raw:
        return None
    path = Path(str(raw).strip())
    if not path.is_absolute():
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        path = base / path
    return path
