"""Modes, expectations, severities, options precedence and usage errors."""

from __future__ import annotations

from typing import Any as Suite

import pytest

PREFILL_TEST = """
import anthropic
from conftest import PREFILL

def test_prefill(client, transport):
    try:
        client.messages.create(model="claude-opus-4-6", max_tokens=16, messages=PREFILL)
    except anthropic.BadRequestError:
        print("BLOCKED")
    print("SENT", len(transport.requests))
"""


def test_warn_mode_sends_and_warns(suite_v2: Suite) -> None:
    """--claude-guard=warn sends the request, passes the test and turns the violation into a warning."""
    suite_v2.write(PREFILL_TEST)
    result = suite_v2.run("--claude-guard=warn", "-s")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*SENT 1*",
            "*ClaudeGuardWarning: claude-guard: POST http://127.0.0.1:9/v1/messages (anthropic SDK*): messages.1: prefill_not_supported: *",
            "  prefill_not_supported  error      1x  first: test_inner.py::test_prefill",
        ]
    )


def test_off_mode_checks_nothing(suite_v2: Suite) -> None:
    """--claude-guard=off sends everything and prints no section."""
    suite_v2.write(PREFILL_TEST)
    result = suite_v2.run("--claude-guard=off", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*SENT 1*"])
    result.stdout.no_fnmatch_line("*= claude-guard =*")


@pytest.mark.parametrize(
    ("ini", "cli", "marker", "outcome"),
    [
        ("", "", "", "blocked"),  # default: strict
        ("claude_guard_mode = warn", "", "", "sent"),  # ini over default
        ("claude_guard_mode = warn", "--claude-guard=strict", "", "blocked"),  # command line over ini
        ("", "--claude-guard=warn", "", "sent"),
        ("claude_guard_mode = warn", "--claude-guard=warn", "@pytest.mark.claude_guard(mode='strict')", "blocked"),
        ("", "--claude-guard=strict", "@pytest.mark.claude_guard(mode='off')", "sent"),  # marker over all
        ("claude_guard_ignore = prefill_not_supported", "", "", "sent"),
        ("", "", "@pytest.mark.claude_guard(ignore=['prefill_not_supported'])", "sent"),
    ],
)
def test_precedence_marker_cli_ini_default(suite_v2: Suite, ini: str, cli: str, marker: str, outcome: str) -> None:
    """marker > command line > ini > default, for mode and ignore."""
    if ini:
        suite_v2.ini(ini)
    suite_v2.write("import pytest\n" + PREFILL_TEST.replace("def test_prefill", marker + "\ndef test_prefill"))
    result = suite_v2.run(*([cli] if cli else []), "-s")
    if outcome == "blocked":
        result.stdout.fnmatch_lines(["*BLOCKED*", "*SENT 0*"])
        result.assert_outcomes(failed=1)
    else:
        result.stdout.fnmatch_lines(["*SENT 1*"])
        result.assert_outcomes(passed=1, warnings=1 if "warn" in ini + cli and "ignore" not in marker else 0)


@pytest.mark.parametrize(
    ("ini", "marker", "message"),
    [
        (
            "claude_guard_ignore = no_such_code",
            "",
            "ERROR: claude-guard: ini claude_guard_ignore: unknown cause code 'no_such_code' in ignore*",
        ),
        ("claude_guard_mode = loud", "", "ERROR: claude-guard: ini claude_guard_mode: mode must be one of strict, warn, off, got 'loud'"),
        (
            "",
            "@pytest.mark.claude_guard(ignore=['nope'])",
            "ERROR: claude-guard: test_inner.py::test_prefill: @pytest.mark.claude_guard: unknown cause code 'nope'*",
        ),
        (
            "",
            "@pytest.mark.claude_guard(level='x')",
            "ERROR: claude-guard: test_inner.py::test_prefill: @pytest.mark.claude_guard: unknown argument 'level'*",
        ),
        ("claude_guard_models = missing.json", "", "ERROR: claude-guard: ini claude_guard_models: cannot load *missing.json*"),
    ],
)
def test_bad_settings_are_usage_errors(suite_v2: Suite, ini: str, marker: str, message: str) -> None:
    """Unknown cause codes, bad values and bad marker arguments stop the run before any test."""
    if ini:
        suite_v2.ini(ini)
    suite_v2.write("import pytest\n" + PREFILL_TEST.replace("def test_prefill", marker + "\ndef test_prefill"))
    result = suite_v2.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_marker_passes_strict_markers(suite_v2: Suite) -> None:
    """The claude_guard marker is registered (--strict-markers accepts it)."""
    suite_v2.write("import pytest\n@pytest.mark.claude_guard(mode='off')\ndef test_x():\n    pass\n")
    suite_v2.run("--strict-markers").assert_outcomes(passed=1)


def test_disabled_with_no_claude_guard(suite_v2: Suite) -> None:
    """-p no:claude_guard turns the plugin off entirely."""
    suite_v2.write(PREFILL_TEST)
    result = suite_v2.run("-p", "no:claude_guard", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*SENT 1*"])


def test_expect_passes_and_fails_when_cause_absent(suite_v2: Suite) -> None:
    """expect(code) excuses that cause (the SDK still gets the API error) and fails when it did not occur."""
    suite_v2.write(
        """
        import anthropic, pytest
        from conftest import PREFILL, USER

        def test_error_path(client, claude_guard):
            with claude_guard.expect("prefill_not_supported"):
                with pytest.raises(anthropic.BadRequestError):
                    client.messages.create(model="claude-opus-4-6", max_tokens=16, messages=PREFILL)
            assert [v.code for v in claude_guard.violations] == ["prefill_not_supported"]
            assert claude_guard.requests[0].blocked

        def test_cause_absent(client, claude_guard):
            with claude_guard.expect("prefill_not_supported"):
                client.messages.create(model="claude-opus-4-6", max_tokens=16, messages=USER)
        """
    )
    result = suite_v2.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "claude-guard: expected cause prefill_not_supported did not occur (saw: no violations)",
            "2 request(s) checked, no violations",
        ]
    )


def test_warnings_fail_only_with_fail_on_warning(suite_v2: Suite) -> None:
    """A warning-severity violation is a pytest warning, and fails the test with --claude-guard-fail-on=warning."""
    suite_v2.write(
        """
        import httpx2

        def test_no_key():
            with httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(200, json={}))) as c:
                c.post("http://gw.local/v1/messages", headers={"anthropic-version": "2023-06-01"},
                       json={"model": "claude-opus-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]})
        """
    )
    suite_v2.run().assert_outcomes(passed=1, warnings=1)
    result = suite_v2.run("--claude-guard-fail-on=warning")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["auth_missing (warning, *) at (body)"])
