"""``claude-guard check``: payload files in, compiler-style lines (or JSON) out, exit status 0 / 1 / 2 / 3."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

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
        pytest.param(
            ["check"], "no input: give FILE arguments, or '-' to read standard input", id="no-files"
        ),
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
    from pytest_claude_guard import _check_cmd

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(_check_cmd, "validate_request", broken)
    path = write(tmp_path, "req.json", VALID)
    code, out, err = run(["check", path], capsys)
    assert (code, out) == (3, "")
    assert err == "claude-guard check: internal error: RuntimeError: boom (a claude-guard bug: please report it)\n"


def test_engine_error_is_never_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine_error (a rule failed: part of the request was not judged) is exit 3, not 0."""
    from pytest_claude_guard import _check_cmd
    from pytest_claude_guard._causes import engine_error

    monkeypatch.setattr(_check_cmd, "validate_request", lambda *a, **k: [engine_error("", "rule", ValueError("x"))])
    path = write(tmp_path, "req.json", VALID)
    code, out, _ = run(["check", path], capsys)
    assert code == 3 and "engine_error" in out


def test_surrogate_in_output_is_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A lone surrogate reaching the output is printed as an escape, not a UnicodeEncodeError."""
    from pytest_claude_guard._render import printable

    assert printable("model \ud800") == "model \\ud800"
    assert printable("caf\u00e9") == "caf\u00e9"
