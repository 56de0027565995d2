"""``claude-guard demo``: bundled examples as data, their diagnosis and tally, and the example suite run."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from pytest_claude_guard._core._causes import causes, make_violation
from pytest_claude_guard._cli.demo import (
    Diagnosis,
    Example,
    Style,
    CaseResult,
    diagnose,
    judge_suite,
    load_examples,
    parse_junit,
    render_diagnosis,
    render_summary_line,
    run,
    run_suite,
    summary_section,
    VERBOSE_HINT,
    add_parser,
)
from pytest_claude_guard._core._violation import Violation

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
    return argparse.Namespace(**{"no_suite": True, "select": None, "verbose": False, **overrides})


def _key(body: Any, headers: Any, endpoint: str) -> str:
    return json.dumps([body, headers, endpoint], sort_keys=True)


def agreeing(body: Any, *, headers: Any, endpoint: str, **_: Any) -> List[Violation]:
    """A validator that reports exactly what each bundled example expects."""
    ex = {_key(e.body, e.headers, e.endpoint): e for e in EXAMPLES}[_key(body, headers, endpoint)]
    return [make_violation(c, "") for c in ex.expected] + [
        make_violation(c, "", severity="warning") for c in ex.expected_warnings
    ]


def test_examples_are_distinct_requests() -> None:
    """No two examples send the same request (the agreeing validator above looks them up by request)."""
    assert len({_key(ex.body, ex.headers, ex.endpoint) for ex in EXAMPLES}) == len(EXAMPLES)


@pytest.mark.parametrize("verbose", [False, True], ids=["summary", "verbose"])
def test_run_exits_zero_when_every_example_matches(verbose: bool) -> None:
    """With a validator that agrees everywhere, the tally is all green and the exit status 0."""
    out = io.StringIO()
    assert run(demo_args(verbose=verbose), stdout=out, validate=agreeing) == 0
    text = out.getvalue()
    accepted = sum(1 for ex in EXAMPLES if not ex.expected)
    tally = (
        f"{len(EXAMPLES)} examples: {len(EXAMPLES)} diagnosed as expected "
        f"({accepted} accepted, {len(EXAMPLES) - accepted} rejected by the API)"
    )
    assert text.splitlines()[-2:] == ([tally, VERBOSE_HINT] if not verbose else ["== Tally ==", tally])
    for title in GROUPS.values():
        assert f"== {title} ==" in text
    assert "\033[" not in text


def test_summary_is_one_line_per_example_and_verbose_is_everything() -> None:
    """By default each example is one line (no claim, truth, API answer or fix); --verbose prints each in full."""
    short, full = io.StringIO(), io.StringIO()
    run(demo_args(), stdout=short, validate=agreeing)
    run(demo_args(verbose=True), stdout=full, validate=agreeing)
    example_lines = [ln for ln in short.getvalue().splitlines() if ln.startswith("  ok  ")]
    assert len(example_lines) == len(EXAMPLES)
    for word in ("  claim: ", "  truth: ", "  case: ", "fix: ", "API says: "):
        assert word not in short.getvalue()
    for ex in EXAMPLES:
        assert f"[{ex.id}]" in full.getvalue()
        if ex.truth is not None:
            assert f"  claim: {ex.claim}" in full.getvalue() and f"  truth: {ex.truth}" in full.getvalue()
    assert len(short.getvalue().splitlines()) < len(full.getvalue().splitlines()) / 3
    assert VERBOSE_HINT not in full.getvalue()


@pytest.mark.parametrize(
    ("expected", "warnings", "found", "severity", "group", "line"),
    [
        pytest.param(
            ("missing_required_param",), (), ["missing_required_param"], "error", "seed000",
            "  ok  A request without max_tokens  TRUE -> rejected: missing_required_param", id="rejected",
        ),
        pytest.param(
            (), (), [], "error", "seed000", "  ok  A request without max_tokens  TRUE -> accepted", id="accepted"
        ),
        pytest.param(
            (), ("model_not_found",), ["model_not_found"], "warning", "real",
            "  ok  A request without max_tokens -> accepted, warning: model_not_found", id="warning-real-world",
        ),
    ],
)  # fmt: skip
def test_summary_line_golden(
    expected: tuple[str, ...], warnings: tuple[str, ...], found: List[str], severity: str, group: str, line: str
) -> None:
    """One example in the summary: agreement, title, the claim's verdict (seed articles), the engine's decision."""
    d = diagnose(example(expected, warnings, group), validate=fake_validator(found, severity))
    assert render_summary_line(d, PLAIN) == line


def test_summary_shows_a_disagreement_in_full() -> None:
    """A mismatch is never reduced to one line: the summary prints its whole diagnosis."""
    d = diagnose(example(("missing_required_param",)), validate=fake_validator([]))
    assert render_summary_line(d, PLAIN) == render_diagnosis(d, PLAIN)
    assert "MISMATCH" in render_summary_line(d, PLAIN)


@pytest.mark.parametrize(("argv", "verbose"), [([], False), (["--verbose"], True), (["-v"], True)])
def test_verbose_flag(argv: List[str], verbose: bool) -> None:
    """`claude-guard demo` parses --verbose / -v (off by default)."""
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    args = parser.parse_args(["demo", *argv])
    assert args.verbose is verbose and args.func is run


def test_run_exits_one_when_the_engine_disagrees() -> None:
    """A validator that finds nothing disagrees on every rejected example: exit 1, ids listed."""
    out = io.StringIO()
    assert run(demo_args(select="seed003"), stdout=out, validate=fake_validator([])) == 1
    lines = out.getvalue().splitlines()
    assert lines[-2:] == [
        "4 examples: 0 diagnosed as expected (0 accepted, 4 rejected by the API); 4 disagree: "
        "seed003-no-role, seed003-single-dict, seed003-claude-2, seed003-fixed-call",
        VERBOSE_HINT,
    ]
    assert sum(line.startswith("  MISMATCH: ") for line in lines) == 4


@pytest.mark.parametrize(
    ("flags", "line"),
    [
        ([], "  ok  max_tokens: 0  FALSE -> accepted"),
        (["--verbose"], "  -> accepted: no error (the API would answer 200)"),
    ],
    ids=["summary", "verbose"],
)
def test_cli_demo_without_suite(capsys: pytest.CaptureFixture[str], flags: List[str], line: str) -> None:
    """`claude-guard demo --no-suite -k` runs through the CLI entry point: one line per example, or in full."""
    from pytest_claude_guard._cli import main

    code = main(["demo", "--no-suite", "-k", "max-tokens-0", *flags])
    out = capsys.readouterr().out
    assert code == 0
    assert "claude-guard demo: 1 example requests, judged by the engine (no network)" in out
    assert line in out.splitlines()
    assert (VERBOSE_HINT in out) is not flags


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


def test_judge_suite_summary_leaves_out_designed_failures_diagnosis() -> None:
    """Without --verbose a failure as designed is one line; a mismatch still shows its failure's lines."""
    outcomes = {
        "test_ok": CaseResult("failed", "boom"),
        "test_bad": CaseResult("failed", DIAGNOSIS),
        "test_on_purpose": CaseResult("passed"),
    }
    result = judge_suite(EXPECTED, outcomes, {"test_on_purpose": ["prefill_not_supported"]}, PLAIN, verbose=False)
    assert result.lines == [
        "  MISMATCH test_ok: expected passed, got failed",
        "      boom",
        "  FAILED test_bad: prefill_not_supported  (caught, as designed)",
        "  passed test_on_purpose  (prefill_not_supported expected on purpose)",
        "1 of 3 tests did not behave as designed",
    ]


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


@pytest.mark.parametrize("verbose", [False, True], ids=["summary", "verbose"])
def test_example_suite_runs_as_designed(verbose: bool) -> None:
    """The bundled suite, run through the real plugin in a subprocess, fails exactly the bad tests; the summary
    names each test on one line, --verbose adds each failure's diagnosis and the plugin's summary section."""
    result = run_suite(PLAIN, verbose=verbose)
    assert result.status == "ok", "\n".join(result.lines)
    text = "\n".join(result.lines)
    assert ("  the plugin's summary section:" in result.lines) is verbose
    assert ("      prefill_not_supported (error, confirmed) at messages.1" in result.lines) is verbose
    for name, want in json.loads(
        (
            Path(__file__).parent.parent / "pytest_claude_guard/data/demo/example_suite/expected.json"
        ).read_text()
    )["tests"].items():
        marker: Optional[str] = "FAILED" if want["outcome"] == "failed" else "passed"
        assert f"  {marker} {name}" in text
