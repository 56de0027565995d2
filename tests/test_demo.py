"""``claude-guard demo``: bundled examples as data, their diagnosis and tally, and the example suite run."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from pytest_claude_guard._causes import causes, make_violation
from pytest_claude_guard._demo import (
    Diagnosis,
    Example,
    Style,
    CaseResult,
    diagnose,
    judge_suite,
    load_examples,
    parse_junit,
    render_diagnosis,
    run,
    run_suite,
    summary_section,
)
from pytest_claude_guard._violation import Violation

GROUPS, EXAMPLES = load_examples()
SEED_GROUPS = ("seed000", "seed003", "seed004")
PLAIN = Style(False)


def example(
    expected: tuple[str, ...] = (), warnings: tuple[str, ...] = (), group: str = "seed000"
) -> Example:
    return Example(
        id="seed000-x",
        group=group,
        title="A request without max_tokens",
        claim="model, max_tokens and messages are all required.",
        verdict="true",
        truth=None if group == "real" else "True: max_tokens is still required.",
        source="seed",
        expected=expected,
        expected_warnings=warnings,
        endpoint="/v1/messages",
        headers=None,
        body={},
    )


def fake_validator(codes: List[str], severity: str = "error") -> Any:
    def validate(body: Any, **_: Any) -> List[Violation]:
        return [make_violation(code, "max_tokens", severity=severity, param="max_tokens") for code in codes]

    return validate


# --- the data ---------------------------------------------------------------------------------------------


def test_examples_name_real_rule_codes() -> None:
    """Every expected code is a cause the engine emits (kind "rule")."""
    catalog = causes()
    for ex in EXAMPLES:
        for code in ex.expected + ex.expected_warnings:
            assert code in catalog and catalog[code].kind == "rule", (ex.id, code)


def test_examples_are_well_formed() -> None:
    """Unique ids; known groups; seed examples carry a verdict and the catalog's truth."""
    assert len({ex.id for ex in EXAMPLES}) == len(EXAMPLES)
    assert {ex.group for ex in EXAMPLES} == set(GROUPS) == {*SEED_GROUPS, "real"}
    for ex in EXAMPLES:
        assert ex.title and ex.claim and ex.source, ex.id
        assert not set(ex.expected) & set(ex.expected_warnings), ex.id
        if ex.group != "real":
            assert ex.truth, ex.id


@pytest.mark.parametrize("group", SEED_GROUPS)
def test_each_seed_article_has_true_and_false_claims(group: str) -> None:
    """Each seed article contributes claims the demo shows true and claims it shows false or outdated."""
    verdicts = {ex.verdict for ex in EXAMPLES if ex.group == group}
    assert "true" in verdicts
    assert verdicts & {"false", "outdated"}


def test_examples_cover_the_briefed_causes() -> None:
    """The myths and real-world causes the demo must show are all there."""
    accepted_titles = {ex.id for ex in EXAMPLES if not ex.expected}
    assert {"seed000-alternate", "seed000-max-tokens-0", "seed004-assistant-first"} <= accepted_titles
    shown = {code for ex in EXAMPLES for code in ex.expected + ex.expected_warnings}
    assert {
        "message_missing_field",
        "model_not_found",
        "model_retired",
        "prefill_not_supported",
        "tool_use_without_result",
        "tool_name_duplicate",
        "cache_breakpoints_exceeded",
        "forced_tool_use_with_thinking",
        "structured_output_schema_unsupported",
        "thinking_budget_not_below_max_tokens",
    } <= shown


@pytest.mark.parametrize("ex", EXAMPLES, ids=[ex.id for ex in EXAMPLES])
def test_engine_agrees_with_example(ex: Example) -> None:
    """The real engine reports exactly the expected error codes (and the expected warnings)."""
    d = diagnose(ex)
    assert d.ok, render_diagnosis(d, PLAIN)


# --- diagnosis and rendering ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "warnings", "found", "severity", "ok", "missing", "unexpected"),
    [
        pytest.param(
            ("missing_required_param",), (), ["missing_required_param"], "error", True, (), (), id="match"
        ),
        pytest.param((), (), [], "error", True, (), (), id="accepted"),
        pytest.param(
            ("missing_required_param",), (), [], "error", False, ("missing_required_param",), (), id="miss"
        ),
        pytest.param(
            (), (), ["param_wrong_type"], "error", False, (), ("param_wrong_type",), id="false-alarm"
        ),
        pytest.param((), (), ["param_wrong_type"], "warning", True, (), (), id="extra-warning-is-fine"),
        pytest.param(
            (), ("model_not_found",), ["model_not_found"], "warning", True, (), (), id="warning-expected"
        ),
        pytest.param((), ("model_not_found",), [], "warning", False, (), (), id="warning-missing"),
    ],
)
def test_diagnose(
    expected: tuple[str, ...],
    warnings: tuple[str, ...],
    found: List[str],
    severity: str,
    ok: bool,
    missing: tuple[str, ...],
    unexpected: tuple[str, ...],
) -> None:
    """Error codes must match as a set; expected warnings must appear; other warnings never fail."""
    d = diagnose(example(expected, warnings), validate=fake_validator(found, severity))
    assert (d.ok, d.missing, d.unexpected) == (ok, missing, unexpected)


def test_render_diagnosis_golden() -> None:
    """What one example looks like: title, claim, truth, each violation with API answer and fix, verdict."""
    d = diagnose(example(("missing_required_param",)), validate=fake_validator(["missing_required_param"]))
    assert render_diagnosis(d, PLAIN) == (
        "A request without max_tokens  [seed000-x]\n"
        "  claim: model, max_tokens and messages are all required.  TRUE\n"
        "  truth: True: max_tokens is still required.\n"
        "  -> rejected: missing_required_param at max_tokens: HTTP 400 invalid_request_error\n"
        "       max_tokens is required\n"
        "       API says: max_tokens: Field required\n"
        "       fix: Add `max_tokens` to the request.\n"
        "  ok: as expected (missing_required_param)"
    )


def test_render_mismatch_golden() -> None:
    """A disagreement says what was expected and what the engine did instead."""
    d = diagnose(example((), group="real"), validate=fake_validator([]))
    d = Diagnosis(d.example, (), ("prefill_not_supported",), ("param_wrong_type",), ())
    assert render_diagnosis(d, PLAIN).splitlines()[1:] == [
        "  case: model, max_tokens and messages are all required.",
        "  -> accepted: no error (the API would answer 200)",
        "  MISMATCH: expected accepted; the engine did not report prefill_not_supported; also reported "
        "param_wrong_type",
    ]


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "no_color", "enabled"),
    [(io.StringIO(), False, False), (FakeTty(), False, True), (FakeTty(), True, False)],
    ids=["pipe", "tty", "tty-NO_COLOR"],
)
def test_colour_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, no_color: bool, enabled: bool
) -> None:
    """ANSI colours only when stdout is a terminal and NO_COLOR is unset."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    style = Style.for_stream(stream)
    assert style.enabled is enabled
    assert (style.red("x") != "x") is enabled


# --- the command ------------------------------------------------------------------------------------------


def demo_args(**overrides: Any) -> argparse.Namespace:
    return argparse.Namespace(**{"no_suite": True, "select": None, **overrides})


def test_run_exits_zero_when_every_example_matches() -> None:
    """With a validator that agrees everywhere, the tally is all green and the exit status 0."""

    def key(body: Any, headers: Any, endpoint: str) -> str:
        return json.dumps([body, headers, endpoint], sort_keys=True)

    by_request = {key(ex.body, ex.headers, ex.endpoint): ex for ex in EXAMPLES}
    assert len(by_request) == len(EXAMPLES)

    def agreeing(body: Any, *, headers: Any, endpoint: str, **_: Any) -> List[Violation]:
        ex = by_request[key(body, headers, endpoint)]
        return [make_violation(c, "") for c in ex.expected] + [
            make_violation(c, "", severity="warning") for c in ex.expected_warnings
        ]

    out = io.StringIO()
    assert run(demo_args(), stdout=out, validate=agreeing) == 0
    text = out.getvalue()
    accepted = sum(1 for ex in EXAMPLES if not ex.expected)
    assert text.splitlines()[-1] == (
        f"{len(EXAMPLES)} examples: {len(EXAMPLES)} diagnosed as expected "
        f"({accepted} accepted, {len(EXAMPLES) - accepted} rejected by the API)"
    )
    for title in GROUPS.values():
        assert f"== {title} ==" in text
    assert "\033[" not in text


def test_run_exits_one_when_the_engine_disagrees() -> None:
    """A validator that finds nothing disagrees on every rejected example: exit 1, ids listed."""
    out = io.StringIO()
    assert run(demo_args(select="seed003"), stdout=out, validate=fake_validator([])) == 1
    assert out.getvalue().splitlines()[-1] == (
        "4 examples: 0 diagnosed as expected (0 accepted, 4 rejected by the API); 4 disagree: "
        "seed003-no-role, seed003-single-dict, seed003-claude-2, seed003-fixed-call"
    )


def test_cli_demo_without_suite(capsys: pytest.CaptureFixture[str]) -> None:
    """`claude-guard demo --no-suite -k` runs through the CLI entry point."""
    from pytest_claude_guard._cli import main

    code = main(["demo", "--no-suite", "-k", "max-tokens-0"])
    out = capsys.readouterr().out
    assert code == 0
    assert "claude-guard demo: 1 example requests, judged by the engine (no network)" in out
    assert "  -> accepted: no error (the API would answer 200)" in out


# --- the example suite ------------------------------------------------------------------------------------

EXPECTED: Dict[str, Dict[str, Any]] = {
    "test_ok": {"outcome": "passed"},
    "test_bad": {"outcome": "failed", "codes": ["prefill_not_supported"]},
    "test_on_purpose": {"outcome": "passed", "codes": ["prefill_not_supported"]},
}
DIAGNOSIS = (
    "claude-guard: 1 request(s) would be rejected\n"
    "prefill_not_supported (error, confirmed) at messages.1\n"
    "claude-opus-4-6 does not support a final assistant message (prefill)\n"
    "[+1 more line; full report in element text]"
)


@pytest.mark.parametrize(
    ("outcomes", "report", "status", "lines"),
    [
        pytest.param(
            {
                "test_ok": CaseResult("passed"),
                "test_bad": CaseResult("failed", DIAGNOSIS),
                "test_on_purpose": CaseResult("passed"),
            },
            {"test_on_purpose": ["prefill_not_supported"]},
            "ok",
            [
                "  passed test_ok",
                "  FAILED test_bad: prefill_not_supported  (caught, as designed)",
                "      prefill_not_supported (error, confirmed) at messages.1",
                "      claude-opus-4-6 does not support a final assistant message (prefill)",
                "  passed test_on_purpose  (prefill_not_supported expected on purpose)",
                "3 tests: 2 passed, 1 failed naming their cause",
            ],
            id="as-designed",
        ),
        pytest.param(
            {
                "test_ok": CaseResult("failed", "boom"),
                "test_bad": CaseResult("failed", "AssertionError: something else"),
                "test_extra": CaseResult("passed"),
            },
            {},
            "mismatch",
            [
                "  MISMATCH test_ok: expected passed, got failed",
                "      boom",
                "  MISMATCH test_bad: expected failed naming prefill_not_supported, got failed without "
                "prefill_not_supported",
                "      AssertionError: something else",
                "  MISMATCH test_on_purpose: did not run",
                "  MISMATCH test_extra: not in expected.json (passed)",
                "4 of 3 tests did not behave as designed",
            ],
            id="mismatch",
        ),
    ],
)
def test_judge_suite(
    outcomes: Dict[str, CaseResult], report: Dict[str, List[str]], status: str, lines: List[str]
) -> None:
    """Each test's outcome and the codes it names are compared with expected.json."""
    result = judge_suite(EXPECTED, outcomes, report, PLAIN)
    assert result.status == status
    assert result.lines == lines


def test_parse_junit(tmp_path: Path) -> None:
    """Outcomes and failure messages come from pytest's junit XML."""
    path = tmp_path / "junit.xml"
    path.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="t" name="test_a"/>'
        '<testcase classname="t" name="test_b"><failure message="prefill_not_supported at x">trace</failure>'
        "</testcase>"
        '<testcase classname="t" name="test_c"><skipped message="why"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    assert parse_junit(path) == {
        "test_a": CaseResult("passed"),
        "test_b": CaseResult("failed", "prefill_not_supported at x", "trace"),
        "test_c": CaseResult("skipped", "why", ""),
    }


def test_summary_section() -> None:
    """The plugin's terminal summary section is lifted out of pytest's output."""
    stdout = "\n".join(
        [
            "..F",
            "================ claude-guard ================",
            "1 request(s) checked: 1 violation(s)",
            "  prefill_not_supported  error  1x",
            "========== short test summary info ==========",
            "FAILED x",
        ]
    )
    assert summary_section(stdout) == [
        "1 request(s) checked: 1 violation(s)",
        "  prefill_not_supported  error  1x",
    ]


def test_suite_part_without_plugin() -> None:
    """If the plugin is not importable, the suite part is a note, and does not fail the demo."""
    result = run_suite(PLAIN, plugin_module="pytest_claude_guard._no_such_plugin")
    assert result.status == "unavailable" and result.ok
    assert result.lines == [
        "  note: the pytest plugin (pytest_claude_guard._no_such_plugin) is not importable here; "
        "this part is skipped."
    ]


def test_example_suite_runs_as_designed() -> None:
    """The bundled suite, run through the real plugin in a subprocess, fails exactly the bad tests."""
    result = run_suite(PLAIN)
    assert result.status == "ok", "\n".join(result.lines)
    text = "\n".join(result.lines)
    for name, want in json.loads(
        (
            Path(__file__).parent.parent / "pytest_claude_guard/data/demo/example_suite/expected.json"
        ).read_text()
    )["tests"].items():
        marker: Optional[str] = "FAILED" if want["outcome"] == "failed" else "passed"
        assert f"  {marker} {name}" in text
