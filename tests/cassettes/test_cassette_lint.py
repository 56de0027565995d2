"""``claude-guard lint-cassettes``: findings, recorded errors beside our diagnosis, secrets, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Dict, Optional, Tuple

import pytest

from pytest_claude_guard._cassettes.reader import Interaction
from pytest_claude_guard._cassettes.lint import PLACEHOLDER_KEY, _headers_for, lint_paths
from pytest_claude_guard._cassettes.recorded_errors import expected_codes

from shared_support import shared_path

from .conftest import (
    CORPUS,
    DATA,
    PREFILL_BODY,
    VALID_BODY,
    WriteCassette,
    api_error,
    b64,
    gzip_bytes,
    interaction,
    make_canary,
)

Lint = Callable[..., Tuple[int, str, str]]
DRIFT = {"model_retired", "model_not_found", "model_deprecated"}  # time, not the code
PREFILL_API = (
    "This model does not support assistant message prefill. The conversation must end with a user message."
)


def test_golden_text_output(lint: Lint, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiler-style lines for a folder of good, bad, broken and foreign cassettes."""
    monkeypatch.chdir(DATA.parent)
    code, out, err = lint("data")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "data/broken.yaml:5: cassette_unreadable [warning]: invalid YAML (found unexpected end of stream)",
        "data/foreign.yaml: cassette_foreign [note]: no Anthropic Messages requests in 1 interaction(s): "
        "api.openai.com",
        "data/not_a_cassette.yaml: cassette_unreadable [warning]: not a vcrpy cassette: no `interactions` list "
        "(top-level keys: just)",
        "data/prefill_400.yaml:3: interaction 0: messages.1: prefill_not_supported: claude-opus-4-6 does not support "
        "a final assistant message (prefill)",
        f'data/prefill_400.yaml:3: interaction 0: recorded_error [note]: the API answered HTTP 400 invalid_request_error: "{PREFILL_API}"; '
        "our diagnosis agrees (prefill_not_supported)",
        "5 cassette(s), 5 interaction(s), 4 Messages request(s): 1 error(s), 2 warning(s), 2 note(s), 0 secret(s)",
    ]


def test_json_output(lint: Lint) -> None:
    """--format json carries the violation, the recorded answer and the agreement."""
    code, out, _ = lint(str(DATA / "prefill_400.yaml"), "--format", "json")
    data = json.loads(out)
    assert (code, data["files"], data["requests"], data["errors"], data["secrets"]) == (1, 1, 2, 1, 0)
    first, second = data["findings"]
    assert (first["code"], first["path"], first["line"], first["interaction"], first["status"]) == (
        "prefill_not_supported",
        "messages.1",
        3,
        0,
        400,
    )
    assert second["recorded"] == {
        "status": 400,
        "error_type": "invalid_request_error",
        "message": PREFILL_API,
        "agreement": "agrees",
        "expected_codes": ["prefill_not_supported"],
    }


def test_real_corpus_recorded_400_and_no_false_alarm() -> None:
    """The real recorded 400 gets the right cause beside the API's message; accepted requests raise no alarm."""
    result = lint_paths([str(shared_path(*CORPUS))])
    assert (result.files, result.interactions, result.requests, result.secrets) == (16, 22, 22, 0)
    recorded = [f for f in result.findings if f.code == "recorded_error"]
    assert [(Path(f.file).name, f.line, f.interaction, f.severity, f.message) for f in recorded] == [
        (
            "Mirascope_mirascope__test_call_with_empty_string__anthropic_claude_sonnet_4_0.yaml",
            3,
            0,
            "note",
            'the API answered HTTP 400 invalid_request_error: "messages.0: all messages must have non-empty content '
            'except for the optional final assistant message"; our diagnosis agrees (empty_content_non_final)',
        )
    ]
    by_interaction: Dict[Tuple[str, Optional[int]], set] = {}
    for f in result.findings:
        if f.severity == "error":
            by_interaction.setdefault((f.file, f.interaction), set()).add(f.code)
    empty = ("Mirascope_mirascope__test_call_with_empty_string__anthropic_claude_sonnet_4_0.yaml", 0)
    for (file, index), codes in by_interaction.items():
        if (Path(file).name, index) != empty:
            assert codes <= DRIFT, f"false alarm in {file} interaction {index}: {codes}"
    assert not [f for f in result.findings if f.severity == "warning" and f.code not in DRIFT]


SIGV4 = "AWS4-HMAC-SHA256 Credential=AKIDQ1234567/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature="


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (
            "x-api-key",
            "c.yaml:{line}: interaction 0: secret_in_cassette: the x-api-key header holds an Anthropic API key",
        ),
        (
            "admin",
            "c.yaml:{line}: interaction 0: secret_in_cassette: the x-api-key header holds an Anthropic admin key",
        ),
        (
            "body",
            "c.yaml:{line}: interaction 0: secret_in_cassette: the recorded traffic holds an Anthropic API key",
        ),
        (
            "gzip-body",
            "c.yaml:{line}: interaction 0: secret_in_cassette: the request body (encoded in the file) holds an Anthropic API key",
        ),
        (
            "response",
            "c.yaml:{line}: interaction 0: secret_in_cassette: the response body (encoded in the file) holds an Anthropic API key",
        ),
        (
            "bearer",
            "c.yaml:{line}: interaction 0: secret_in_cassette: the authorization header holds a bearer token",
        ),
        (
            "sigv4",
            "c.yaml:{line}: interaction 0: secret_in_cassette: the authorization header holds an AWS SigV4 signature",
        ),
        (
            "session-token",
            "c.yaml:{line}: interaction 0: secret_in_cassette: the x-amz-security-token header holds an AWS session token",
        ),
    ],
    ids=["x-api-key", "admin", "body", "gzip-body", "response", "bearer", "sigv4", "session-token"],
)
def test_planted_secret_is_flagged_never_printed(
    lint: Lint, write_cassette: WriteCassette, monkeypatch: pytest.MonkeyPatch, where: str, expected: str
) -> None:
    """A planted canary is reported with file and line, exit 1, and never appears in text or JSON output."""
    canary = make_canary("sk-ant-admin01-" if where == "admin" else "sk-ant-api03-")
    token = canary[7:]  # what follows sk-ant-: never printed either
    headers = {"anthropic-version": ["2023-06-01"]}
    body = VALID_BODY
    response = "{}"
    if where in ("x-api-key", "admin"):
        headers["x-api-key"] = [canary]
    elif where == "body":
        body = {**VALID_BODY, "metadata": {"user_id": canary}}
    elif where == "gzip-body":
        body = b64(gzip_bytes({**VALID_BODY, "metadata": {"user_id": canary}}))  # type: ignore[assignment]
    elif where == "response":
        response = gzip_bytes({"echo": canary})  # type: ignore[assignment]
    elif where == "bearer":
        headers["Authorization"] = ["Bearer " + token]
    elif where == "sigv4":
        headers["Authorization"] = [SIGV4 + "0f" * 32]
    else:
        headers["X-Amz-Security-Token"] = [token]
    path = write_cassette([interaction(body, headers=headers, response=response)])
    monkeypatch.chdir(path.parent)
    code, out, err = lint("c.yaml")
    jcode, jout, _ = lint("c.yaml", "--format", "json")
    assert (code, jcode) == (1, 1)
    for text in (out, err, jout):
        assert canary not in text and token not in text and token[20:50] not in text
    secret_lines = [ln for ln in out.splitlines() if "secret_in_cassette" in ln]
    assert len(secret_lines) == 1
    line = int(secret_lines[0].split(":")[1])
    assert secret_lines[0].startswith(expected.format(line=line))
    assert "redacted" in secret_lines[0]
    assert secret_lines[0].endswith(
        ": remove it and filter it when recording (pytest_claude_guard.vcr.vcr_config)"
    )
    file_lines = path.read_text().splitlines()
    if where in ("x-api-key", "admin", "body"):
        assert canary in file_lines[line - 1]
    assert json.loads(jout)["secrets"] == 1


def test_placeholder_credentials_are_not_secrets(lint: Lint, write_cassette: WriteCassette) -> None:
    """Filtered values (REDACTED, <API_KEY>, sk-ant-xxx...) are not flagged."""
    headers = {
        "anthropic-version": ["2023-06-01"],
        "x-api-key": ["<ANTHROPIC_API_KEY>"],
        "authorization": ["REDACTED"],
    }
    path = write_cassette(
        [
            interaction(
                {**VALID_BODY, "metadata": {"user_id": "sk-ant-xxxxxxxxxxxxxxxxxxxxxxxx"}}, headers=headers
            )
        ]
    )
    assert lint(str(path))[0] == 0


@pytest.mark.parametrize(
    ("body", "status", "response", "severity", "verdict"),
    [
        (PREFILL_BODY, 400, api_error(PREFILL_API), "note", "our diagnosis agrees (prefill_not_supported)"),
        (
            PREFILL_BODY,
            400,
            api_error("messages: text content blocks must be non-empty"),
            "warning",
            "our diagnosis differs (we found prefill_not_supported; the message points to cache_control_on_empty_text, text_block_empty)",
        ),
        (
            VALID_BODY,
            400,
            api_error("messages: text content blocks must be non-empty"),
            "warning",
            "we predicted no error (the message points to cache_control_on_empty_text, text_block_empty)",
        ),
        (
            VALID_BODY,
            400,
            api_error("Your credit balance is too low to access the Anthropic API."),
            "note",
            "not predictable from the request alone",
        ),
        (VALID_BODY, 400, api_error("something new"), "note", "a message claude-guard does not know"),
        (
            VALID_BODY,
            404,
            api_error("model: claude-opus-4-6", "not_found_error"),
            "warning",
            "we predicted no error (the message points to model_not_found, model_retired)",
        ),
        (
            VALID_BODY,
            404,
            api_error("Not found", "not_found_error"),
            "note",
            "not predictable from the request alone",
        ),
        (
            VALID_BODY,
            413,
            "Request Entity Too Large",
            "warning",
            "we predicted no error (the message points to batch_too_large, request_too_large)",
        ),
    ],
    ids=["agrees", "differs", "missed", "not-predictable", "unknown", "model-404", "other-404", "413"],
)
def test_recorded_error_agreement(
    write_cassette: WriteCassette, body: Dict, status: int, response: str, severity: str, verdict: str
) -> None:
    """Every recorded 400/404/413 is shown with the API's message and whether our diagnosis agrees."""
    path = write_cassette([interaction(body, status=status, response=response)])
    [finding] = [f for f in lint_paths([str(path)]).findings if f.code == "recorded_error"]
    assert finding.severity == severity
    assert finding.message.startswith(f"the API answered HTTP {status}")
    assert finding.message.endswith(f"; {verdict}")


def test_recorded_accepted_note_on_error_findings(write_cassette: WriteCassette) -> None:
    """An error on a request the API accepted when recorded is annotated."""
    path = write_cassette([interaction(PREFILL_BODY, status=200)])
    codes = [(f.code, f.severity) for f in lint_paths([str(path)]).findings]
    assert codes == [("prefill_not_supported", "error"), ("recorded_accepted", "note")]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"anthropic-version": ["REDACTED"]}, None),
        (
            {"Anthropic-Version": ["2023-06-01"]},
            {"anthropic-version": "2023-06-01", "x-api-key": PLACEHOLDER_KEY},
        ),
        (
            {
                "anthropic-version": ["2023-06-01"],
                "anthropic-beta": ["a", "b"],
                "Authorization": ["Bearer x"],
            },
            {"anthropic-version": "2023-06-01", "anthropic-beta": "a, b", "authorization": "Bearer x"},
        ),
    ],
)
def test_headers_passed_to_the_engine(headers: Dict, expected: Optional[Dict]) -> None:
    """Recorded headers go to the engine only when anthropic-version was recorded; filtered keys are stood in for."""
    flat = [(k, v) for k, values in headers.items() for v in values]
    it = Interaction(0, 1, "POST", "/v1/messages", flat, "{}", None, 2, 200, [], None)
    assert _headers_for(it) == expected


def test_version_dependent_rules_use_recorded_headers(write_cassette: WriteCassette) -> None:
    """A recorded invalid anthropic-version is judged; an unrecorded one is unknown (no finding)."""
    bad = interaction(VALID_BODY, headers={"anthropic-version": ["2020-01-01"]})
    unknown = interaction(VALID_BODY, headers={"content-type": ["application/json"]})
    findings = lint_paths([str(write_cassette([bad, unknown]))]).findings
    assert [(f.interaction, f.code) for f in findings] == [
        (0, "version_header_invalid"),
        (0, "recorded_accepted"),
    ]


@pytest.mark.parametrize(
    ("message", "codes"),
    [
        (PREFILL_API, {"prefill_not_supported"}),
        (
            "messages.0: all messages must have non-empty content except for the optional final assistant message",
            {"empty_content_non_final"},
        ),
        (
            "max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-x",
            {"max_tokens_above_model_limit"},
        ),
        (
            "messages.1.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_1. Each",
            {"tool_result_without_use"},
        ),
        (
            "`temperature` and `top_p` cannot both be specified for this model. Please use only one.",
            {"temperature_and_top_p_both"},
        ),
        ("tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'", {"tool_name_invalid"}),
        ("Your credit balance is too low to access the Anthropic API.", None),
        ("model: claude-3-opus-20240229", {"model_not_found", "model_retired"}),
    ],
)
def test_recorded_message_table(message: str, codes: Optional[set]) -> None:
    """The API's messages map to the cause codes that explain them (None: not predictable)."""
    matched, found = expected_codes(message)
    assert matched and (found if found is None else set(found)) == codes


@pytest.mark.parametrize(
    ("args", "code", "err"),
    [
        ((str(DATA / "valid.json"),), 0, ""),
        ((str(DATA / "foreign.yaml"), str(DATA / "broken.yaml")), 3, ""),
        ((str(DATA / "prefill_400.yaml"),), 1, ""),
        ((str(DATA / "prefill_400.yaml"), "--ignore", "prefill_not_supported"), 0, ""),
        (
            ("does-not-exist.yaml",),
            2,
            "claude-guard lint-cassettes: error: no cassette found at does-not-exist.yaml\n",
        ),
        (
            (str(DATA), "--ignore", "no_such_code"),
            2,
            "claude-guard lint-cassettes: error: unknown cause code(s) in --ignore: no_such_code\n",
        ),
    ],
    ids=["clean", "unreadable-is-never-clean", "error", "ignored", "missing-path", "bad-ignore"],
)
def test_exit_codes(lint: Lint, args: Tuple[str, ...], code: int, err: str) -> None:
    """0 clean (warnings and notes included), 1 on errors or secrets, 2 on usage errors, 3 when a cassette was
    not read (a skipped file never passes as clean)."""
    got, _, got_err = lint(*args)
    assert (got, got_err) == (code, err)


def test_usage_error_without_paths(lint: Lint) -> None:
    """No PATH is an argparse usage error (exit 2)."""
    code, _, err = lint()
    assert code == 2 and "the following arguments are required: PATH" in err


def test_cli_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    """``claude-guard lint-cassettes`` is reachable from the main command."""
    from pytest_claude_guard._cli import main

    assert main(["lint-cassettes", str(DATA / "valid.json")]) == 0
    assert capsys.readouterr().out.endswith("2 Messages request(s): 0 error(s), 0 warning(s), 0 note(s), 0 secret(s)\n")


SUMMARY = re.compile(
    r"(?P<files>\d+) cassette\(s\), (?P<interactions>\d+) interaction\(s\), (?P<requests>\d+) Messages request\(s\): "
    r"(?P<errors>\d+) error\(s\), (?P<warnings>\d+) warning\(s\), (?P<notes>\d+) note\(s\), (?P<secrets>\d+) secret\(s\)"
)
COUNT_KEYS = ("files", "interactions", "requests", "errors", "warnings", "notes", "secrets")


def _counts_folder(root: Path, write_cassette: WriteCassette) -> Path:
    """Cassettes with several findings per interaction, recorded 400s, secrets, and unreadable/foreign files."""
    several = {**PREFILL_BODY, "temperature": 0.5, "top_p": 0.9}  # two errors in one request
    headers = {"anthropic-version": ["2023-06-01"], "x-api-key": [make_canary()]}
    write_cassette(
        [
            interaction(several, headers=headers, status=400, response=api_error(PREFILL_API)),  # agrees
            interaction(
                {**VALID_BODY, "model": "claude-opus-4-7-typo"},  # a warning, and a recorded 400 we missed
                status=400,
                response=api_error("messages: text content blocks must be non-empty"),
            ),
            interaction({**PREFILL_BODY, "metadata": {"user_id": make_canary()}}, status=200),  # accepted
        ],
        "counts/several.yaml",
    )
    parsed = interaction(status=400, response=api_error("messages: text content blocks must be non-empty"))
    del parsed["request"]["body"]
    parsed["request"]["parsed_body"] = PREFILL_BODY  # pydantic-ai's layout; the recorded message differs
    write_cassette([parsed], "counts/parsed.json")
    for name in ("broken.yaml", "foreign.yaml"):
        (root / "counts" / name).write_text((DATA / name).read_text())
    return root / "counts"


def test_text_json_and_pytest_counts_agree(
    lint: Lint, write_cassette: WriteCassette, tmp_path: Path, pytester: pytest.Pytester
) -> None:
    """The text summary, --format json and the pytest section print the same counts, all from `count`; every
    finding is counted once (secrets apart from errors: the outputs used to say 2 errors vs 4)."""
    folder = _counts_folder(tmp_path, write_cassette)
    code, out, _ = lint(str(folder))
    jcode, jout, _ = lint(str(folder), "--format", "json")
    match = SUMMARY.fullmatch(out.splitlines()[-1])
    assert match is not None, out
    text = {k: int(v) for k, v in match.groupdict().items()}
    data = json.loads(jout)
    from_json = {k: data[k] for k in COUNT_KEYS}
    findings = data["findings"]
    tally = {
        "errors": sum(f["severity"] == "error" and f["code"] != "secret_in_cassette" for f in findings),
        "warnings": sum(f["severity"] == "warning" for f in findings),
        "notes": sum(f["severity"] == "note" for f in findings),
        "secrets": sum(f["code"] == "secret_in_cassette" for f in findings),
    }
    pytester.makepyfile("def test_ok():\n    pass\n")
    section = pytester.runpytest(
        "-p", "pytest_claude_guard._plugin.cassettes", "-p", "no:cacheprovider", "--claude-guard-cassettes", str(folder)
    )
    line = next(ln for ln in section.outlines if SUMMARY.match(ln))
    in_pytest = {k: int(v) for k, v in SUMMARY.match(line).groupdict().items()}  # type: ignore[union-attr]
    assert text == from_json == in_pytest
    assert {k: text[k] for k in tally} == tally and sum(tally.values()) == len(findings)
    assert text == {
        "files": 4,
        "interactions": 5,
        "requests": 4,
        "errors": 4,  # two in several.yaml's interaction 0, one in its interaction 2, one in parsed.json
        "warnings": 4,  # broken.yaml, the unknown model, the missed and the differing recorded 400s
        "notes": 3,  # foreign.yaml, the agreeing recorded 400, the accepted request
        "secrets": 2,
    }
    assert (code, jcode, section.ret) == (1, 1, 1)
