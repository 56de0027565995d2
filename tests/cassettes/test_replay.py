"""Replay validation: with vcrpy or pytest-recording replaying a cassette, every Messages request is still checked
before the cassette answers, on both SDK lines, whichever plugin is loaded first.  No network: record mode none."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any, List

import pytest
import yaml

from .conftest import VALID_BODY

MESSAGE = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-opus-4-6",
    "content": [{"type": "text", "text": "recorded"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 1, "output_tokens": 1},
}
PREFILL = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Sure"}]
RECORDED_OK = {  # what an old, lenient recording answered: 200 whatever the body (vcrpy ignores bodies)
    "request": {
        "body": json.dumps(VALID_BODY),
        "headers": {"anthropic-version": ["2023-06-01"]},
        "method": "POST",
        "uri": "https://api.anthropic.com/v1/messages",
    },
    "response": {
        "status": {"code": 200, "message": "OK"},
        "headers": {"content-type": ["application/json"]},
        "body": {"string": json.dumps(MESSAGE)},
    },
}

INNER = """
import json, sys
import anthropic, pytest

_base = next(c for c in anthropic.DefaultHttpxClient.__mro__ if c.__name__ == "Client")
http = sys.modules[_base.__module__.split(".")[0]]  # httpx2 for anthropic >= 1.0, httpx for 0.x
USER = [{"role": "user", "content": "Hello"}]
PREFILL = %(prefill)s


def client():
    return anthropic.Anthropic(api_key="test-key", max_retries=0)


def call(messages):
    return client().messages.create(model="claude-opus-4-6", max_tokens=16, messages=messages)
"""

RECORDING_TESTS = """
@pytest.mark.vcr
def test_valid(vcr):
    assert call(USER).content[0].text == "recorded"
    assert vcr.play_count == 1


@pytest.mark.vcr
def test_prefill(vcr):
    with pytest.raises(anthropic.BadRequestError):
        call(PREFILL)
    assert vcr.play_count == 0  # checked before the cassette answered


@pytest.mark.vcr
def test_raw_http(vcr):
    r = http.post("https://api.anthropic.com/v1/messages", json={"model": "claude-opus-4-6", "max_tokens": 16,
                  "messages": PREFILL}, headers={"x-api-key": "test-key", "anthropic-version": "2023-06-01"})
    print("raw status", r.status_code, "play count", vcr.play_count)
"""

VCRPY_TESTS = """
import vcr

RECORDER = vcr.VCR(record_mode="none", cassette_library_dir="cassettes/test_inner")


def test_valid():
    with RECORDER.use_cassette("test_valid.yaml") as cassette:
        assert call(USER).content[0].text == "recorded"
    assert cassette.play_count == 1


def test_prefill():
    with RECORDER.use_cassette("test_prefill.yaml") as cassette:
        with pytest.raises(anthropic.BadRequestError):
            call(PREFILL)
    assert cassette.play_count == 0  # checked before the cassette answered


def test_raw_http():
    with RECORDER.use_cassette("test_raw_http.yaml") as cassette:
        r = http.post("https://api.anthropic.com/v1/messages", json={"model": "claude-opus-4-6", "max_tokens": 16,
                      "messages": PREFILL}, headers={"x-api-key": "test-key", "anthropic-version": "2023-06-01"})
    print("raw status", r.status_code, "play count", cassette.play_count)
"""

ORDERS = {
    "guard-first": ["-p", "claude_guard", "-p", "recording"],
    "recording-first": ["-p", "recording", "-p", "claude_guard"],
}


def _write_suite(pytester: pytest.Pytester, style: str) -> None:
    tests = RECORDING_TESTS if style == "recording" else VCRPY_TESTS
    pytester.makepyfile(
        test_inner=textwrap.dedent(INNER % {"prefill": json.dumps(PREFILL)}) + textwrap.dedent(tests)
    )
    folder = pytester.path / "cassettes" / "test_inner"
    folder.mkdir(parents=True)
    for name in ("test_valid", "test_prefill", "test_raw_http"):
        (folder / f"{name}.yaml").write_text(yaml.dump({"interactions": [RECORDED_OK], "version": 1}))


def _run(
    pytester: pytest.Pytester,
    sdk_line: str,
    order: str,
    style: str,
    legacy: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> pytest.RunResult:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # only the plugins named below, in that order
    args: List[str] = [*ORDERS[order], "-p", "no:cacheprovider", "-s", "-rA"]
    if style == "recording":
        args.append("--record-mode=none")
    if sdk_line == "v0":
        monkeypatch.setenv(
            "PYTHONPATH", os.pathsep.join(filter(None, [str(legacy), os.environ.get("PYTHONPATH")]))
        )
    return pytester.runpytest_subprocess(*args)


@pytest.mark.parametrize("order", sorted(ORDERS))
@pytest.mark.parametrize("style", ["recording", "vcrpy"])
@pytest.mark.parametrize("sdk_line", ["v2", "v0"])
def test_replay_is_validated(
    pytester: pytest.Pytester,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    sdk_line: str,
    style: str,
    order: str,
) -> None:
    """A valid request replays; an invalid one fails naming its cause before the cassette answers (SDK and raw HTTP)."""
    legacy = request.getfixturevalue("legacy_sdk") if sdk_line == "v0" else None
    _write_suite(pytester, style)
    result = _run(pytester, sdk_line, order, style, legacy, monkeypatch)
    outcomes = result.parseoutcomes()
    assert (outcomes.get("passed"), outcomes.get("failed")) == (1, 2), result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*raw status 400 play count 0*",  # the raw call got the API's error, the cassette never answered
            "*_ test_prefill _*",
            "POST https://api.anthropic.com/v1/messages (anthropic SDK*): not sent: *",
            "prefill_not_supported (error, *) at messages.1",
            "*_ test_raw_http _*",
            "POST https://api.anthropic.com/v1/messages (httpx*): not sent: *",
            "prefill_not_supported (error, *) at messages.1",
            "3 request(s) checked: 2 violation(s) in 2 test(s)*",
            "PASSED test_inner.py::test_valid",
            "FAILED test_inner.py::test_prefill*",
            "FAILED test_inner.py::test_raw_http*",
        ]
    )


RECORD_SUITE = """
import os
import anthropic, pytest

USER = [{"role": "user", "content": "Hello"}]
PREFILL = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Sure"}]


def client():
    return anthropic.Anthropic(api_key=os.environ["CANARY_KEY"], base_url=os.environ["BASE_URL"], max_retries=0)


@pytest.mark.vcr
def test_record():
    client().messages.create(model="claude-opus-4-6", max_tokens=16, messages=USER)
    with pytest.raises(anthropic.BadRequestError):
        client().messages.create(model="claude-opus-4-6", max_tokens=16, messages=PREFILL)
"""


def test_recording_checks_requests_and_writes_a_clean_cassette(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, local_server: Any
) -> None:
    """While recording, an invalid request is never sent nor recorded; the safe config keeps the key out and
    --claude-guard-cassettes lints the fresh cassette clean at session end."""
    base, canary, received = local_server
    monkeypatch.setenv("BASE_URL", base)
    monkeypatch.setenv("CANARY_KEY", canary)
    pytester.makeconftest("from pytest_claude_guard.vcr import claude_guard_vcr_config  # noqa: F401\n")
    pytester.makepyfile(test_inner=RECORD_SUITE)
    result = pytester.runpytest_subprocess(
        "-p",
        "claude_guard",
        "-p",
        "recording",
        "-p",
        "pytest_claude_guard._plugin.cassettes",
        "-p",
        "no:cacheprovider",
        "--record-mode=once",
        "--claude-guard-cassettes",
        "cassettes",
    )
    assert len(received) == 1 and "assistant" not in received[0]  # only the valid request reached the server
    result.stdout.fnmatch_lines(
        [
            "*prefill_not_supported*",
            "1 cassette(s), 1 interaction(s), 1 Messages request(s): 0 error(s), 0 warning(s), 0 note(s), 0 secret(s) -- ok",
        ]
    )
    text = (pytester.path / "cassettes" / "test_inner" / "test_record.yaml").read_text()
    assert canary not in text and canary not in result.stdout.str() + result.stderr.str()
    assert text.count("uri:") == 1


def test_cassette_written_in_this_folder_is_safe_to_lint(tmp_path: Path) -> None:
    """The replay fixture cassette itself lints clean (sanity for the fixtures above)."""
    from pytest_claude_guard._cassettes.lint import lint_paths

    path = tmp_path / "c.yaml"
    path.write_text(yaml.dump({"interactions": [RECORDED_OK], "version": 1}))
    result = lint_paths([str(path)])
    assert (result.errors, result.requests) == (0, 1)


PARSED_SERIALIZER_TESTS = """
import json
import vcr
import yaml


class ParsedBodySerializer:  # a custom serializer in pydantic-ai's layout: bodies parsed under parsed_body

    @staticmethod
    def deserialize(text):
        data = yaml.safe_load(text)
        for interaction in data["interactions"]:
            for kind, part in interaction.items():
                parsed = part.pop("parsed_body", None)
                if parsed is not None:
                    dumped = json.dumps(parsed)
                    part["body"] = {"string": dumped} if kind == "response" else dumped
        return data

    @staticmethod
    def serialize(data):
        return yaml.dump(data)


RECORDER = vcr.VCR(record_mode="none", cassette_library_dir="cassettes", serializer="parsed")
RECORDER.register_serializer("parsed", ParsedBodySerializer)


def test_valid():
    with RECORDER.use_cassette("test_valid.yaml") as cassette:
        assert call(USER).content[0].text == "recorded"
    assert cassette.play_count == 1


def test_prefill():
    with RECORDER.use_cassette("test_prefill.yaml") as cassette:
        with pytest.raises(anthropic.BadRequestError):
            call(PREFILL)
    assert cassette.play_count == 0  # checked before the cassette answered
"""


def test_replay_through_a_parsed_body_serializer(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cassettes written by a custom serializer (parsed_body, as pydantic-ai's) replay validated, and
    --claude-guard-cassettes reads their parsed bodies: every request checked, none reported unread."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile(
        test_inner=textwrap.dedent(INNER % {"prefill": json.dumps(PREFILL)}) + textwrap.dedent(PARSED_SERIALIZER_TESTS)
    )
    parsed = {
        "request": {**{k: v for k, v in RECORDED_OK["request"].items() if k != "body"}, "parsed_body": VALID_BODY},
        "response": {**{k: v for k, v in RECORDED_OK["response"].items() if k != "body"}, "parsed_body": MESSAGE},
    }
    folder = pytester.path / "cassettes"
    folder.mkdir()
    for name in ("test_valid", "test_prefill"):
        (folder / f"{name}.yaml").write_text(yaml.dump({"interactions": [parsed], "version": 1}))
    result = pytester.runpytest_subprocess(
        "-p", "claude_guard", "-p", "no:cacheprovider", "-rA", "--claude-guard-cassettes", "cassettes"
    )
    outcomes = result.parseoutcomes()
    assert (outcomes.get("passed"), outcomes.get("failed")) == (1, 1), result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*_ test_prefill _*",
            "prefill_not_supported (error, *) at messages.1",
            "*= claude-guard cassettes =*",
            "2 cassette(s), 2 interaction(s), 2 Messages request(s): 0 error(s), 0 warning(s), 0 note(s), "
            "0 secret(s) -- ok",
        ]
    )
    assert "no request body recorded" not in result.stdout.str()
