"""The ``claude-guard`` command: ``check`` (payload files or a pipe in, compiler-style lines or JSON out, exit
status 0 / 1 / 2 / 3), ``explain CODE`` and ``--version``."""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from test_cases import run_case

from pytest_claude_guard import Violation
from pytest_claude_guard._core._causes import causes
from pytest_claude_guard._cli import main

VALID: Dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": "Hello"}],
}
PREFILL: Dict[str, Any] = {
    "model": "claude-opus-4-6",
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": "Write JSON"}, {"role": "assistant", "content": "{"}],
}
PREFILL_LINE = "prefill_not_supported: claude-opus-4-6 does not support a final assistant message (prefill)"
HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "placeholder", "content-type": "application/json"}


def run(argv: List[str], capsys: pytest.CaptureFixture[str]) -> Tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    if isinstance(content, (bytes, bytearray)):
        path.write_bytes(bytes(content))
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("content", "expected_code", "expected_lines"),
    [
        pytest.param(VALID, 0, [], id="valid-body"),
        pytest.param(PREFILL, 1, [f"messages.1: {PREFILL_LINE}"], id="prefill"),
        pytest.param(
            {"endpoint": "/v1/messages", "headers": HEADERS, "body": PREFILL},
            1,
            [f"messages.1: {PREFILL_LINE}"],
            id="envelope",
        ),
        pytest.param(
            {"headers": {"x-api-key": "placeholder"}, "body": VALID},
            1,
            ["(body): version_header_missing: the request has no anthropic-version header"],
            id="envelope-headers-are-judged",
        ),
        pytest.param(
            "this is not JSON {",
            1,
            ["(body): invalid_json: the body is not valid JSON (Expecting value: line 1 column 1 (char 0))"],
            id="not-json",
        ),
    ],
)
def test_check_one_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: Any,
    expected_code: int,
    expected_lines: List[str],
) -> None:
    """One payload file: the exit status and the exact compiler-style lines."""
    path = write(tmp_path, "req.json", content)
    code, out, err = run(["check", path], capsys)
    assert code == expected_code
    assert out.splitlines() == [f"{path}: {line}" for line in expected_lines]
    assert "Traceback" not in out + err


def test_summary_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The summary line is on stderr, so stdout stays grep-able."""
    code, _, err = run(
        ["check", write(tmp_path, "a.json", VALID), write(tmp_path, "b.json", PREFILL)], capsys
    )
    assert code == 1
    assert err == "checked 2 payload(s): 1 error(s), 0 warning(s)\n"


def test_warning_only_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown (but plausible) model is a warning: shown, marked, exit 0."""
    path = write(tmp_path, "req.json", dict(VALID, model="claude-sonnet-4-7"))
    code, out, _ = run(["check", path], capsys)
    assert code == 0
    assert out.startswith(f"{path}: model: model_not_found [warning]: ")


def test_jsonl_one_payload_per_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A .jsonl file is one payload per non-blank line; lines are named file:LINE."""
    text = json.dumps(VALID) + "\n\n" + json.dumps(PREFILL) + "\n{broken\n"
    path = write(tmp_path, "calls.jsonl", text)
    code, out, err = run(["check", path], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{path}:3: messages.1: {PREFILL_LINE}"
    assert lines[1].startswith(f"{path}:4: (body): invalid_json: ")
    assert len(lines) == 2
    assert err.startswith("checked 3 payload(s): 2 error(s)")


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """'-' reads the payload from standard input."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(PREFILL).encode())))
    code, out, _ = run(["check", "-"], capsys)
    assert code == 1
    assert out == f"<stdin>: messages.1: {PREFILL_LINE}\n"


class _Terminal(io.StringIO):
    """Standard input as a terminal: nobody is piping anything in."""

    def isatty(self) -> bool:
        return True


class _Pipe(io.TextIOWrapper):
    """Standard input as a pipe or a redirected file (not a terminal)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")

    def isatty(self) -> bool:
        return False


@pytest.mark.parametrize(
    ("argv", "stdin", "expected_code", "expected_out", "expected_err"),
    [
        pytest.param(["check"], _Pipe(json.dumps(PREFILL).encode()), 1, [f"<stdin>: messages.1: {PREFILL_LINE}"],
                     ["checked 1 payload(s): 1 error(s), 0 warning(s)"], id="pipe-without-dash"),
        pytest.param(["check", "-"], _Pipe(json.dumps(PREFILL).encode()), 1, [f"<stdin>: messages.1: {PREFILL_LINE}"],
                     ["checked 1 payload(s): 1 error(s), 0 warning(s)"], id="pipe-with-dash"),
        pytest.param(["check"], _Pipe(json.dumps(VALID).encode()), 0, [],
                     ["checked 1 payload(s): 0 error(s), 0 warning(s)"], id="pipe-clean"),
        pytest.param(["check", "--format", "json"], _Pipe(json.dumps(PREFILL).encode()), 1, None, [], id="pipe-json"),
        pytest.param(["check"], _Terminal(), 2, [], [
            "claude-guard check: no input: give FILE arguments, pipe a body in (claude-guard check < req.json), "
            "or '-' to read standard input"], id="terminal-without-file"),
        pytest.param(["check"], _Pipe(b""), 2, [], [
            "claude-guard check: no input: give FILE arguments, pipe a body in (claude-guard check < req.json), "
            "or '-' to read standard input; standard input was empty"], id="empty-pipe"),
        pytest.param(["check", "-"], _Pipe(b""), 1,
                     ["<stdin>: (body): invalid_json: the body is not valid JSON (Expecting value: line 1 column 1 (char 0))"],
                     ["checked 1 payload(s): 1 error(s), 0 warning(s)"], id="empty-with-dash-is-judged"),
        pytest.param(["check"], None, 2, [], ["claude-guard check: no input: give FILE arguments, pipe a body in "
                                              "(claude-guard check < req.json), or '-' to read standard input"],
                     id="stdin-closed"),
    ],
)
def test_standard_input(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: List[str],
    stdin: Any,
    expected_code: int,
    expected_out: Any,
    expected_err: List[str],
) -> None:
    """No FILE reads standard input when it is a pipe or a file (as '-' always does); a terminal, a closed or an
    empty standard input without FILE is a usage error (exit 2) that says how to pass a body."""
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, err = run(argv, capsys)
    assert code == expected_code
    if expected_out is None:  # JSON
        assert [(r["file"], r["code"]) for r in json.loads(out)] == [("<stdin>", "prefill_not_supported")]
    else:
        assert out.splitlines() == expected_out
    assert err.splitlines() == expected_err


def test_standard_input_that_cannot_be_read(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A standard input whose read fails is an input problem (exit 2, one line), never an internal error."""

    class Broken(_Pipe):
        def read(self, size: Any = -1) -> str:
            raise OSError(5, "Input/output error")

        @property
        def buffer(self) -> Any:
            return self

    monkeypatch.setattr(sys, "stdin", Broken(b""))
    code, out, err = run(["check"], capsys)
    assert (code, out) == (2, "")
    assert err == "claude-guard check: <stdin>: cannot read (Input/output error)\n"


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints one list of {file, line?, ...violation} and nothing else on stdout."""
    single = write(tmp_path, "req.json", PREFILL)
    lines = write(tmp_path, "calls.jsonl", json.dumps(VALID) + "\n" + json.dumps(PREFILL) + "\n")
    code, out, err = run(["check", "--format", "json", single, lines], capsys)
    assert code == 1
    assert err == ""
    records = json.loads(out)
    assert [(r["file"], r.get("line"), r["code"], r["path"]) for r in records] == [
        (single, None, "prefill_not_supported", "messages.1"),
        (lines, 2, "prefill_not_supported", "messages.1"),
    ]
    assert set(records[0]) >= {"severity", "message", "fix", "status", "error_type", "api_message", "docs"}


def test_verbose_shows_fix_and_docs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--verbose renders what the API answers, the fix and the docs anchor."""
    path = write(tmp_path, "req.json", PREFILL)
    code, out, _ = run(["check", "--verbose", path], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{path}:"
    assert lines[1] == "prefill_not_supported (error, confirmed) at messages.1"
    assert lines[3] == (
        "  API answers: HTTP 400 invalid_request_error: This model does not support assistant message "
        "prefill. The conversation must end with a user message."
    )
    assert lines[4].startswith("  Fix: End the conversation with a user message")
    assert lines[4].endswith("README.md#prefill_not_supported")


def test_header_option_applies_to_bare_bodies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-H gives bare bodies known headers, so header rules can decide (a warning: no public evidence of the
    2026-10-21 rejection yet, see data/evidence.json)."""
    path = write(tmp_path, "req.json", dict(VALID, temperature=0.5))
    code, out, _ = run(["check", "-H", "anthropic-version: 2026-10-21", "-H", "x-api-key: k", path], capsys)
    assert code == 0
    assert f"{path}: temperature: sampling_param_removed_2026_10_21 [warning]: " in out


def test_endpoint_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--endpoint judges bare bodies as count_tokens (no max_tokens there)."""
    path = write(tmp_path, "req.json", VALID)
    code, out, _ = run(["check", "--endpoint", "/v1/messages/count_tokens", path], capsys)
    assert code == 1
    assert "count_tokens_extra_param" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["check", "{dir}/nope.json"], "{dir}/nope.json: no such file", id="missing-file"),
        pytest.param(["check", "{dir}"], "{dir}: is a directory", id="directory"),
        pytest.param(
            ["check", "--models", "{dir}/nope.json", "{dir}/ok.json"],
            "--models {dir}/nope.json: no such file",
            id="missing-registry",
        ),
        pytest.param(
            ["check", "-H", "no-colon", "{dir}/ok.json"],
            "--header 'no-colon': expected 'NAME: VALUE'",
            id="header",
        ),
        pytest.param(
            ["check", "{dir}/bad-envelope.json"],
            "{dir}/bad-envelope.json: envelope 'headers' must be an object or null",
            id="bad-envelope",
        ),
    ],
)
def test_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: List[str], message: str
) -> None:
    """Usage and input problems: exit 2 with one clear line on stderr, no traceback."""
    write(tmp_path, "ok.json", VALID)
    write(tmp_path, "bad-envelope.json", {"headers": ["x"], "body": VALID})
    code, out, err = run([a.format(dir=tmp_path) for a in argv], capsys)
    assert code == 2
    assert err.splitlines()[0] == "claude-guard check: " + message.format(dir=tmp_path)


def test_missing_file_does_not_stop_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file is reported, the other files are still checked, and the status is 2."""
    path = write(tmp_path, "req.json", PREFILL)
    code, out, err = run(["check", str(tmp_path / "nope.json"), path], capsys)
    assert code == 2
    assert out == f"{path}: messages.1: {PREFILL_LINE}\n"
    assert "nope.json: no such file" in err


def test_models_registry_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--models lays a registry file over the built-in table: a new model is known, its limit applies (as a warning:
    no evidence covers a model nobody has observed, see data/evidence.json)."""
    registry = write(tmp_path, "models.json", {"models": [{"id": "claude-newt-6", "max_output": 1000}]})
    path = write(tmp_path, "req.json", dict(VALID, model="claude-newt-6", max_tokens=2000))
    code, out, _ = run(["check", path], capsys)
    assert code == 0 and "model_not_found [warning]" in out
    code, out, _ = run(["check", "--models", registry, path], capsys)
    assert code == 0
    assert out.splitlines() == [
        f"{path}: max_tokens: max_tokens_above_model_limit [warning]: max_tokens 2000 is above 1000, "
        "the output limit of claude-newt-6"
    ]


def test_large_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A several-megabyte body is checked without trouble."""
    body = dict(VALID, messages=[{"role": "user", "content": "x" * 6_000_000}])
    code, out, _ = run(["check", write(tmp_path, "big.json", body)], capsys)
    assert (code, out) == (0, "")


def test_binary_file_is_invalid_json_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Bytes that are not UTF-8 give the engine's invalid_json violation."""
    path = write(tmp_path, "img.json", b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    code, out, _ = run(["check", path], capsys)
    assert code == 1
    assert out.startswith(f"{path}: (body): invalid_json: the body is not UTF-8")


def test_console_entry_point(tmp_path: Path) -> None:
    """The real command: exit status and output through a subprocess, no traceback."""
    path = write(tmp_path, "req.json", "not json")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest_claude_guard._cli", "check", path], capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{path}: (body): invalid_json: ")
    assert "Traceback" not in proc.stderr


def test_internal_failure_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash of claude-guard itself is exit 3 with one line, never exit 1 ("violations found") and never a
    traceback; a lone surrogate in a request used to crash the output this way."""
    from pytest_claude_guard._cli import check as check_command

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(check_command, "validate_request", broken)
    path = write(tmp_path, "req.json", VALID)
    code, out, err = run(["check", path], capsys)
    assert (code, out) == (3, "")
    assert err == "claude-guard check: internal error: RuntimeError: boom (a claude-guard bug: please report it)\n"


def test_engine_error_is_never_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine_error (a rule failed: part of the request was not judged) is exit 3, not 0."""
    from pytest_claude_guard._cli import check as check_command
    from pytest_claude_guard._core._causes import engine_error

    monkeypatch.setattr(check_command, "validate_request", lambda *a, **k: [engine_error("", "rule", ValueError("x"))])
    path = write(tmp_path, "req.json", VALID)
    code, out, _ = run(["check", path], capsys)
    assert code == 3 and "engine_error" in out


def test_surrogate_in_output_is_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A lone surrogate reaching the output is printed as an escape, not a UnicodeEncodeError."""
    from pytest_claude_guard._core._render import printable

    assert printable("model \ud800") == "model \\ud800"
    assert printable("caf\u00e9") == "caf\u00e9"


# --- claude-guard --version ------------------------------------------------------------------------------

def test_version_is_the_installed_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints `claude-guard X.Y.Z`, the installed distribution's version, and exits 0."""
    from importlib import metadata

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"claude-guard {metadata.version('pytest-claude-guard')}\n"


def test_version_falls_back_to_the_package(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Not installed (a source tree on sys.path): the package's __version__."""
    from importlib import metadata

    import pytest_claude_guard

    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out == f"claude-guard {pytest_claude_guard.__version__}\n"


def test_version_through_the_console_script() -> None:
    """The real command answers --version in a subprocess (no traceback, nothing on stderr)."""
    proc = subprocess.run([sys.executable, "-m", "pytest_claude_guard._cli", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert re.fullmatch(r"claude-guard \d+\.\d+\.\d+\S*\n", proc.stdout)


# --- claude-guard check reading a pipe --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("argv", "expected_code", "expected_out"),
    [
        pytest.param([], 1, f"<stdin>: messages.1: {PREFILL_LINE}\n", id="no-file"),
        pytest.param(["-"], 1, f"<stdin>: messages.1: {PREFILL_LINE}\n", id="dash"),
    ],
)
def test_check_reads_a_real_pipe(argv: List[str], expected_code: int, expected_out: str) -> None:
    """`... | claude-guard check` (a real pipe into a real process) judges the piped body, with or without '-'."""
    proc = subprocess.run([sys.executable, "-m", "pytest_claude_guard._cli", "check", *argv],
                          input=json.dumps(PREFILL), capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (expected_code, expected_out)
    assert proc.stderr == "checked 1 payload(s): 1 error(s), 0 warning(s)\n"


# --- claude-guard explain ----------------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "cli_golden"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"
ALL_CODES = sorted(causes())


def _load_script(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parent.parent / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen_examples() -> Any:
    return _load_script("gen_examples")


@pytest.fixture(scope="module")
def judged(gen_examples: Any, tmp_path_factory: pytest.TempPathFactory) -> Callable[[Dict[str, Any]], List[Violation]]:
    """run_case of the case table, once per distinct request (the staleness test and the example tests share it)."""
    tmp = tmp_path_factory.mktemp("examples")
    seen: Dict[str, List[Violation]] = {}

    def judge(case: Dict[str, Any], _tmp: Any = None) -> List[Violation]:
        key = json.dumps({k: case[k] for k in gen_examples.KEPT if k in case}, sort_keys=True)
        if key not in seen:
            seen[key] = run_case(case, tmp)
        return seen[key]

    return judge


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_code_is_explained(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Every cause code explains, in text and JSON: the API's answer, the fix, the severity, the docs anchor, and
    for every cause the engine reports an invalid example and its valid counterpart."""
    c = causes()[code]
    status, out, err = run(["explain", code], capsys)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{code}: {c.title}"
    for heading in ("What triggers it:", "The API answers:", "Fix:", f"Docs: {c.docs}"):
        assert heading in lines
    assert any(line.startswith("Severity: ") for line in lines)
    assert any(line.startswith("Evidence (") for line in lines)
    assert "<{" not in out and "Traceback" not in out
    status, out, _ = run(["explain", "--format", "json", code], capsys)
    data = json.loads(out)
    assert status == 0 and data["code"] == code and data["docs"] == c.docs
    assert data["api_answer"]["status"] == (c.status or None)
    if c.kind == "rule":
        assert f"Invalid request (tests/cases/invalid/{code}/" in "\n".join(lines)
        assert any(line.startswith("Valid counterpart (tests/cases/valid/") for line in lines)
        assert set(data["examples"]) == {"invalid", "valid"}
        assert data["severity"]["default"] == c.default_severity
        assert data["severity"]["where"].startswith(c.default_severity)
    else:
        assert data["examples"] is None
        assert lines[-1].startswith("Examples: none (")


def test_explain_evidence_names_every_source(capsys: pytest.CaptureFixture[str]) -> None:
    """The evidence part lists each entry of data/evidence.json (one line each) and the API's exact messages."""
    from pytest_claude_guard._core._evidence import ledger

    entries = ledger()["causes"]["prefill_not_supported"]["evidence"]
    _, out, _ = run(["explain", "prefill_not_supported"], capsys)
    sources = [line for line in out.splitlines() if line.startswith("  - ")]
    assert len(sources) == len(entries) > 1
    assert ("  the API printed: This model does not support assistant message prefill. The conversation must end "
            "with a user message.") in out.splitlines()
    assert all(e["url"] in out for e in entries if "url" in e)


@pytest.mark.parametrize("code", ["version_header_missing", "consecutive_same_role"])
def test_explain_golden(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The whole text of `claude-guard explain CODE`, word for word (UPDATE_GOLDEN=1 rewrites the file)."""
    _, out, _ = run(["explain", code], capsys)
    path = GOLDEN / f"explain_{code}.txt"
    if UPDATE_GOLDEN:
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, "utf-8")
    assert out == path.read_text("utf-8")


@pytest.mark.parametrize(
    ("argv", "expected_code", "expected_err", "first_out_line"),
    [
        pytest.param(["prefil_not_supported"], 2, "claude-guard explain: unknown cause code 'prefil_not_supported'; "
                     "closest: prefill_not_supported (claude-guard explain --list shows every code)", None,
                     id="typo"),
        pytest.param(["temperature"], 2, "claude-guard explain: unknown cause code 'temperature'; closest: "
                     "temperature_and_top_p_both (claude-guard explain --list shows every code)", None,
                     id="part-of-a-code"),
        pytest.param(["xyzzy"], 2, "claude-guard explain: unknown cause code 'xyzzy' (claude-guard explain --list "
                     "shows every code)", None, id="nothing-close"),
        pytest.param([], 2, "claude-guard explain: give a cause code (e.g. claude-guard explain "
                     "prefill_not_supported), or --list for every code", None, id="no-code"),
        pytest.param(["Prefill-Not-Supported"], 0, None,
                     "prefill_not_supported: Final assistant message on a model without prefill", id="spelling"),
        pytest.param(["https://github.com/pytest-claude-guard/pytest-claude-guard/blob/main/README.md"
                      "#prefill_not_supported"], 0, None,
                     "prefill_not_supported: Final assistant message on a model without prefill", id="docs-anchor"),
        pytest.param(["--list"], 0, None, "invalid_json Body is not a JSON object", id="list"),
    ],
)
def test_explain_arguments(
    argv: List[str],
    expected_code: int,
    expected_err: Optional[str],
    first_out_line: Optional[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unknown code is a usage error (exit 2) naming the closest codes; a code as pasted (any case, dashes,
    the README anchor URL) is found; --list names every code."""
    code, out, err = run(["explain", *argv], capsys)
    assert code == expected_code
    if expected_err is None:
        assert err == ""
        assert " ".join(out.splitlines()[0].split()) == first_out_line
    else:
        assert (out, err) == ("", expected_err + "\n")


def test_explain_list_names_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    """--list (text and JSON) holds every cause code once, in catalog order."""
    _, out, _ = run(["explain", "--list"], capsys)
    assert [line.split()[0] for line in out.splitlines()] == list(causes())
    _, out, _ = run(["explain", "--list", "--format", "json"], capsys)
    assert [item["code"] for item in json.loads(out)] == list(causes())


def test_examples_file_is_current(gen_examples: Any, judged: Callable[..., List[Violation]]) -> None:
    """data/examples.json is what scripts/gen_examples.py makes from the case files now (run it after changing a
    case); every cause the engine reports has an example pair."""
    shipped = json.loads((Path(gen_examples.TARGET)).read_text("utf-8"))
    assert shipped == gen_examples.build(judged), "data/examples.json is stale: run python scripts/gen_examples.py"
    rules = {code for code, c in causes().items() if c.kind == "rule"}
    assert set(shipped["examples"]) == rules


@pytest.mark.parametrize("code", sorted(c.code for c in causes().values() if c.kind == "rule"))
def test_example_pair_is_true(code: str, gen_examples: Any, judged: Callable[..., List[Violation]]) -> None:
    """Through validate_request (as the case table runs it), the invalid example produces the code and the valid
    one produces neither that code nor any error."""
    from pytest_claude_guard._cli.explain import examples

    pair = examples()[code]
    assert gen_examples.produces(judged(pair["invalid"]), code)
    assert gen_examples.stays_clean_of(judged(pair["valid"]), code)


# --- the README's "Command line" block ----------------------------------------------------------------------

def _readme_commands() -> List[List[str]]:
    text = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    section = text.split("\n### Command line\n", 1)[1]
    block = section.split("```\n", 2)[1]
    commands = []
    for line in block.splitlines():
        words = shlex.split(line.split("#", 1)[0])
        for stop in ("<", "|"):
            words = words[: words.index(stop)] if stop in words else words
        assert words[0] == "claude-guard", line
        commands.append(words[1:])
    return commands


def test_readme_command_line_block_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """Each command of README's "Command line" block is one the parser accepts (explain runs for real), and the
    block names every subcommand."""
    commands = _readme_commands()
    for argv in commands:
        if argv[0] == "explain":
            assert main(argv) == 0, argv
            continue
        with pytest.raises(SystemExit) as exited:
            main([*argv, "--help"])
        assert exited.value.code == 0, argv
    capsys.readouterr()
    from pytest_claude_guard._cli import _build_parser

    subparsers = next(a for a in _build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(subparsers.choices) <= {argv[0] for argv in commands}
    assert ["--version"] in commands
