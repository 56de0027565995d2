"""``claude-guard demo``: the engine judges bundled example requests; the plugin runs a bundled test suite.

Part 1 (``data/demo/requests.json``): claims from the seed articles (true and false) and real-world causes,
each with the cause codes the API would reject it for.  Part 2 (``data/demo/example_suite/``): an ordinary
pytest suite calling the anthropic SDK through a local MockTransport, run in a subprocess with the plugin.
By default it prints a short summary (one line per example and per test, then the tally); ``--verbose`` prints
everything (each claim and its truth, every violation with the API's answer and the fix, each designed failure's
diagnosis and the plugin's own summary section).  A disagreement is always shown in full.
Exit 0 when the engine and the plugin behave as designed, 1 when they disagree with an expectation.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, TextIO, Tuple

from .._core._engine import validate_request
from .._core._models import Registry
from .._core._violation import Violation

__all__ = [
    "add_parser",
    "run",
    "Example",
    "Diagnosis",
    "Style",
    "load_examples",
    "diagnose",
    "render_diagnosis",
    "render_summary_line",
    "SuiteRun",
    "run_suite",
    "judge_suite",
    "PLUGIN_MODULE",
]

PLUGIN_MODULE = "pytest_claude_guard.plugin"
SUITE_TIMEOUT_SECONDS = 300
VERBOSE_HINT = "claude-guard demo --verbose shows each claim's truth, the API's answer and the fix"
Validator = Callable[..., List[Violation]]


# --- presentation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """ANSI colours, only when writing to a terminal (and ``NO_COLOR`` is not set)."""

    enabled: bool = False

    @classmethod
    def for_stream(cls, stream: TextIO) -> "Style":
        isatty = getattr(stream, "isatty", None)
        return cls(bool(isatty and isatty()) and "NO_COLOR" not in os.environ)

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def red(self, text: str) -> str:
        return self._wrap("31", text)

    def green(self, text: str) -> str:
        return self._wrap("32", text)

    def yellow(self, text: str) -> str:
        return self._wrap("33", text)


# --- part 1: example requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    id: str
    group: str
    title: str
    claim: str
    verdict: str  # the catalog's verdict on the claim: true, false, outdated, incomplete, uncertain, ...
    truth: Optional[str]  # what the catalog says instead
    source: str
    expected: Tuple[str, ...]  # error-severity cause codes; () = the API accepts the request
    expected_warnings: Tuple[str, ...]
    endpoint: str
    headers: Optional[Mapping[str, Any]]
    body: Any


@dataclass(frozen=True)
class Diagnosis:
    example: Example
    violations: Tuple[Violation, ...]
    missing: Tuple[str, ...]  # expected error codes the engine did not report
    unexpected: Tuple[str, ...]  # error codes the engine reported that were not expected
    missing_warnings: Tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.missing_warnings)


def _demo_dir() -> Any:
    return resources.files("pytest_claude_guard").joinpath("data", "demo")


def load_examples(path: Optional[Path] = None) -> Tuple[Dict[str, str], List[Example]]:
    """-> (group titles by id, examples in file order)."""
    text = (
        path.read_text("utf-8")
        if path is not None
        else _demo_dir().joinpath("requests.json").read_text("utf-8")
    )
    raw = json.loads(text)
    default_headers = raw.get("default_headers")
    examples = [
        Example(
            id=item["id"],
            group=item["group"],
            title=item["title"],
            claim=item["claim"],
            verdict=item["verdict"],
            truth=item.get("truth"),
            source=item["source"],
            expected=tuple(item["expected"]),
            expected_warnings=tuple(item.get("expected_warnings", ())),
            endpoint=item.get("endpoint", "/v1/messages"),
            headers=item.get("headers", default_headers),
            body=item["body"],
        )
        for item in raw["examples"]
    ]
    return dict(raw.get("groups", {})), examples


def diagnose(
    example: Example, *, validate: Validator = validate_request, registry: Optional[Registry] = None
) -> Diagnosis:
    """Run the engine on one example and compare the error codes with the expectation (as sets)."""
    found = tuple(
        validate(example.body, headers=example.headers, endpoint=example.endpoint, registry=registry)
    )
    errors = {v.code for v in found if v.severity == "error"}
    warnings = {v.code for v in found if v.severity != "error"}
    return Diagnosis(
        example=example,
        violations=found,
        missing=tuple(c for c in example.expected if c not in errors),
        unexpected=tuple(sorted(errors - set(example.expected))),
        missing_warnings=tuple(c for c in example.expected_warnings if c not in warnings),
    )


def _answer(v: Violation) -> str:
    return f"HTTP {v.status} {v.error_type}" if v.status else "client-side"


def _expected_text(example: Example) -> str:
    if not example.expected:
        return "accepted" + (
            f", with warning {', '.join(example.expected_warnings)}" if example.expected_warnings else ""
        )
    return ", ".join(example.expected)


def render_diagnosis(d: Diagnosis, style: Style) -> str:
    ex = d.example
    lines = [f"{style.bold(ex.title)}  {style.dim('[' + ex.id + ']')}"]
    if ex.truth is None:
        lines.append(f"  case: {ex.claim}")
    else:
        lines.append(f"  claim: {ex.claim}  {style.bold(ex.verdict.upper())}")
        lines.append(f"  truth: {ex.truth}")
    if not any(v.severity == "error" for v in d.violations):
        if d.violations:
            lines.append(
                "  -> " + style.green("no certain error") + ": only warnings (the API may accept it)"
            )
        else:
            lines.append("  -> " + style.green("accepted") + ": no error (the API would answer 200)")
    for v in d.violations:
        tag = style.red("rejected") if v.severity == "error" else style.yellow("warning")
        lines.append(f"  -> {tag}: {style.bold(v.code)} at {v.path or '(body)'}: {_answer(v)}")
        lines.append(f"       {v.message}")
        if v.api_message:
            lines.append(f"       API says: {v.api_message}")
        if v.severity == "error" and v.fix:
            lines.append(f"       fix: {v.fix}")
    if d.ok:
        lines.append("  " + style.green("ok") + style.dim(f": as expected ({_expected_text(ex)})"))
    else:
        problems = []
        if d.missing:
            problems.append("did not report " + ", ".join(d.missing))
        if d.unexpected:
            problems.append("also reported " + ", ".join(d.unexpected))
        if d.missing_warnings:
            problems.append("no warning " + ", ".join(d.missing_warnings))
        lines.append(
            "  "
            + style.red("MISMATCH")
            + f": expected {_expected_text(ex)}; the engine "
            + "; ".join(problems)
        )
    return "\n".join(lines)


def render_summary_line(d: Diagnosis, style: Style) -> str:
    """One line per example (the default): agreement, title, the claim's verdict, what the engine decided.
    A disagreement is never one line: it gets the whole diagnosis (``render_diagnosis``)."""
    if not d.ok:
        return render_diagnosis(d, style)
    ex = d.example
    errors = [v.code for v in d.violations if v.severity == "error"]
    warned = [v.code for v in d.violations if v.severity != "error"]
    if errors:
        outcome = style.red("rejected") + ": " + ", ".join(dict.fromkeys(errors))
    else:
        outcome = style.green("accepted") + (
            ", warning: " + ", ".join(dict.fromkeys(warned)) if warned else ""
        )
    verdict = "" if ex.truth is None else f"  {style.bold(ex.verdict.upper())}"
    return f"  {style.green('ok')}  {ex.title}{verdict} -> {outcome}"


def _heading(text: str, style: Style) -> str:
    return style.bold(f"== {text} ==")


def run_examples(
    out: TextIO,
    style: Style,
    *,
    select: Optional[str] = None,
    validate: Validator = validate_request,
    registry: Optional[Registry] = None,
    examples_path: Optional[Path] = None,
    verbose: bool = False,
) -> List[Diagnosis]:
    groups, examples = load_examples(examples_path)
    if select:
        needle = select.lower()
        examples = [e for e in examples if needle in e.id.lower() or needle in e.title.lower()]
    print(
        style.bold(f"claude-guard demo: {len(examples)} example requests, judged by the engine (no network)"),
        file=out,
    )
    results: List[Diagnosis] = []
    current = None
    for example in examples:
        if example.group != current:
            current = example.group
            print("\n" + _heading(groups.get(current, current), style), file=out)
        diagnosis = diagnose(example, validate=validate, registry=registry)
        results.append(diagnosis)
        if verbose:
            print("\n" + render_diagnosis(diagnosis, style), file=out)
        else:
            print(render_summary_line(diagnosis, style), file=out)
    return results


def examples_tally(results: Sequence[Diagnosis], style: Style) -> str:
    agreed = [d for d in results if d.ok]
    accepted = sum(1 for d in results if not d.example.expected)
    text = (
        f"{len(results)} examples: {len(agreed)} diagnosed as expected "
        f"({accepted} accepted, {len(results) - accepted} rejected by the API)"
    )
    wrong = [d.example.id for d in results if not d.ok]
    if wrong:
        return style.red(text + f"; {len(wrong)} disagree: " + ", ".join(wrong))
    return style.green(text)


# --- part 2: the example suite through the plugin ----------------------------------------------------------


@dataclass
class SuiteRun:
    """What happened when the example suite ran: ``status`` is ok | mismatch | unavailable."""

    status: str
    lines: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != "mismatch"


@dataclass(frozen=True)
class CaseResult:
    outcome: str  # passed | failed | error | skipped
    message: str = ""  # the failure's short message (the plugin's rendered diagnosis)
    details: str = ""  # the full failure text

    @property
    def text(self) -> str:
        return self.message + "\n" + self.details


def parse_junit(path: Path) -> Dict[str, CaseResult]:
    """Test name -> outcome, from pytest's ``--junitxml`` file."""
    outcomes: Dict[str, CaseResult] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        name = case.get("name", "")
        result = CaseResult("passed")
        for tag, kind in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
            node = case.find(tag)
            if node is not None:
                result = CaseResult(kind, node.get("message") or "", node.text or "")
                break
        outcomes[name] = result
    return outcomes


def _report_codes(path: Path) -> Dict[str, List[str]]:
    """Test name -> cause codes, from the plugin's ``--claude-guard-report`` JSON (any reasonable layout)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    codes: Dict[str, List[str]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            test = next(
                (node[k] for k in ("test", "test_id", "nodeid", "node_id") if isinstance(node.get(k), str)),
                None,
            )
            if test is not None and isinstance(node.get("code"), str):
                codes.setdefault(test.split("::")[-1].split("[")[0], []).append(node["code"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return codes


def _clip(line: str, width: int = 150) -> str:
    return line if len(line) <= width else line[: width - 3] + "..."


def _diagnosis_lines(result: CaseResult, codes: Iterable[str], limit: int = 3) -> List[str]:
    """The first lines of a failure that name a cause (the plugin's rendered diagnosis), clipped."""
    source = result.message or result.details
    lines = [
        line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith("[+")
    ]
    wanted = list(codes)
    start = next((i for i, line in enumerate(lines) if any(code in line for code in wanted)), 0)
    return [_clip(line) for line in lines[start : start + limit]]


def judge_suite(
    expected: Mapping[str, Mapping[str, Any]],
    outcomes: Mapping[str, CaseResult],
    report: Mapping[str, Sequence[str]],
    style: Style,
    verbose: bool = True,
) -> SuiteRun:
    """Compare each test's outcome (and the codes its failure names) with ``expected.json``.  A mismatch
    always shows the failure's first lines; a failure as designed shows them only when ``verbose``."""
    lines: List[str] = []
    problems = 0
    for name, want in expected.items():
        got = outcomes.get(name)
        want_outcome = str(want["outcome"])
        codes = [str(c) for c in want.get("codes", ())]
        if got is None:
            problems += 1
            lines.append(f"  {style.red('MISMATCH')} {name}: did not run")
            continue
        named = set(report.get(name, ())) | {c for c in codes if c in got.text}
        missing = [c for c in codes if c not in named]
        if got.outcome != want_outcome or missing:
            problems += 1
            detail = f"expected {want_outcome}" + (f" naming {', '.join(codes)}" if codes else "")
            detail += f", got {got.outcome}" + (f" without {', '.join(missing)}" if missing else "")
            lines.append(f"  {style.red('MISMATCH')} {name}: {detail}")
            lines.extend("      " + line for line in _diagnosis_lines(got, codes))
        elif got.outcome == "failed":
            lines.append(
                f"  {style.red('FAILED')} {name}: {', '.join(codes)}  {style.dim('(caught, as designed)')}"
            )
            if verbose:
                lines.extend("      " + line for line in _diagnosis_lines(got, codes))
        elif codes:
            on_purpose = style.dim("(" + ", ".join(codes) + " expected on purpose)")
            lines.append(f"  {style.green('passed')} {name}  {on_purpose}")
        else:
            lines.append(f"  {style.green('passed')} {name}")
    extra = sorted(set(outcomes) - set(expected))
    for name in extra:
        problems += 1
        lines.append(f"  {style.red('MISMATCH')} {name}: not in expected.json ({outcomes[name].outcome})")
    failed = sum(1 for w in expected.values() if w["outcome"] == "failed")
    summary = (
        f"{len(expected)} tests: {len(expected) - failed} passed, {failed} failed naming their cause"
        if not problems
        else f"{problems} of {len(expected)} tests did not behave as designed"
    )
    lines.append(style.green(summary) if not problems else style.red(summary))
    return SuiteRun("mismatch" if problems else "ok", lines)


def summary_section(stdout: str) -> List[str]:
    """The plugin's own section of pytest's terminal summary (``=== claude-guard ===``)."""
    lines: List[str] = []
    inside = False
    for line in stdout.splitlines():
        if line.startswith("=") and line.rstrip("=").rstrip().endswith(" claude-guard"):
            inside = True
        elif inside and line.startswith("="):
            break
        elif inside:
            lines.append(line)
    return lines


def _suite_source() -> Path:
    return Path(str(_demo_dir().joinpath("example_suite")))


def _subprocess_env() -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ANTHROPIC_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NO_COLOR"] = "1"
    return env


def run_suite(
    style: Style, *, python: str = sys.executable, plugin_module: str = PLUGIN_MODULE, verbose: bool = True
) -> SuiteRun:
    """Run the example suite in a temporary copy, with the plugin on, and judge the result (``verbose``: with
    each designed failure's diagnosis and the plugin's own summary section)."""
    try:
        available = importlib.util.find_spec(plugin_module) is not None
    except (ImportError, ValueError):
        available = False
    if not available:
        return SuiteRun(
            "unavailable",
            [f"  note: the pytest plugin ({plugin_module}) is not importable here; this part is skipped."],
        )
    source = _suite_source()
    expected = json.loads((source / "expected.json").read_text("utf-8"))["tests"]
    with tempfile.TemporaryDirectory(prefix="claude-guard-demo-") as tmp:
        suite = Path(tmp) / "example_suite"
        shutil.copytree(source, suite, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"))
        junit, report = Path(tmp) / "junit.xml", Path(tmp) / "report.json"
        command = [
            python, "-m", "pytest", "-p", "claude_guard", "-q", "-c", str(suite / "pytest.ini"),
            "--rootdir", str(suite), f"--junitxml={junit}", f"--claude-guard-report={report}", str(suite),
        ]  # fmt: skip
        shown = f"$ python -m pytest -p claude_guard {source.name} -q"
        try:
            proc = subprocess.run(
                command, cwd=str(suite), env=_subprocess_env(), capture_output=True, text=True,
                timeout=SUITE_TIMEOUT_SECONDS,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return SuiteRun(
                "mismatch", [shown, f"  the suite did not finish within {SUITE_TIMEOUT_SECONDS}s"]
            )
        if not junit.exists() or proc.returncode not in (0, 1):
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-8:]
            return SuiteRun(
                "mismatch",
                [shown, f"  pytest stopped with exit status {proc.returncode} before running the suite:"]
                + ["    " + line for line in tail],
            )
        result = judge_suite(expected, parse_junit(junit), _report_codes(report), style, verbose)
    section = summary_section(proc.stdout) if verbose or result.status != "ok" else []
    if section:
        result.lines.append("  the plugin's summary section:")
        result.lines.extend("    " + _clip(line) for line in section)
    result.lines.insert(0, shown)
    return result


# --- the command --------------------------------------------------------------------------------------------


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser(
        "demo",
        help="judge bundled example requests, then run a bundled test suite through the plugin",
        description=__doc__,
    )
    p.add_argument(
        "--no-suite", action="store_true", help="skip running the example test suite through the plugin"
    )
    p.add_argument(
        "-k", dest="select", metavar="TEXT", help="only the examples whose id or title contains TEXT"
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="each example in full (the claim, the truth, the API's answer, the fix) and each failure's diagnosis",
    )
    p.set_defaults(func=run)


def run(
    args: argparse.Namespace, *, stdout: Optional[TextIO] = None, validate: Validator = validate_request
) -> int:
    out = stdout if stdout is not None else sys.stdout
    style = Style.for_stream(out)
    verbose = bool(getattr(args, "verbose", False))
    results = run_examples(
        out, style, select=getattr(args, "select", None), validate=validate, verbose=verbose
    )
    suite: Optional[SuiteRun] = None
    if not getattr(args, "no_suite", False):
        print("\n" + _heading("An example test suite, run through the pytest plugin", style), file=out)
        out.flush()
        suite = run_suite(style, verbose=verbose)
        print("\n".join(suite.lines), file=out)
    print("\n" + _heading("Tally", style), file=out)
    print(examples_tally(results, style), file=out)
    if suite is not None:
        verdict = {"ok": "the plugin behaved as designed", "unavailable": "the plugin part was skipped"}
        print(verdict.get(suite.status, style.red("the plugin did not behave as designed")), file=out)
    if not verbose:
        print(style.dim(VERBOSE_HINT), file=out)
    examples_ok = all(d.ok for d in results)
    return 0 if examples_ok and (suite is None or suite.ok) else 1
