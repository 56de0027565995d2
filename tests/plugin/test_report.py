"""The JSON report, xdist merging, and secrets that never leave the process."""

from __future__ import annotations

import json
from typing import Any
from typing import Any as Suite

import pytest

TWO_TESTS = """
import anthropic
from conftest import PREFILL, USER

def test_a(client):
    try:
        client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
    except anthropic.BadRequestError:
        pass

def test_b(client):
    try:
        client.messages.create(model="claude-3-opus-20240229", max_tokens=5, messages=USER)
    except anthropic.NotFoundError:
        pass

def test_c(client):
    client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
"""


def _violations(path: Any) -> list:
    return sorted((v["test_id"], v["code"], v["severity"], v["path"]) for v in json.loads(path.read_text())["violations"])


def test_json_report_lists_every_violation(suite_v2: Suite) -> None:
    """--claude-guard-report writes test id, code, severity, path and message of every violation."""
    suite_v2.write(TWO_TESTS)
    result = suite_v2.run("--claude-guard-report=out/report.json")
    result.assert_outcomes(passed=1, failed=2)
    doc = json.loads((suite_v2.pytester.path / "out" / "report.json").read_text())
    assert doc["version"] == 2 and doc["requests_checked"] == 3
    first = doc["violations"][0]
    assert {"test_id", "code", "severity", "path", "message"} <= set(first)
    assert _violations(suite_v2.pytester.path / "out" / "report.json") == [
        ("test_inner.py::test_a", "prefill_not_supported", "error", "messages.1"),
        ("test_inner.py::test_b", "model_retired", "error", "model"),
    ]


def test_xdist_workers_are_merged(suite_v2: Suite) -> None:
    """Under -n 2 the controller's summary and report hold what every worker saw."""
    suite_v2.write(TWO_TESTS)
    result = suite_v2.run("-n", "2", "--claude-guard-report=report.json", subprocess=True)
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        ["3 request(s) checked: 2 violation(s) in 2 test(s) (2 error(s), 0 warning(s))", "  model_retired  *", "  prefill_not_supported  *"]
    )
    assert _violations(suite_v2.pytester.path / "report.json") == [
        ("test_inner.py::test_a", "prefill_not_supported", "error", "messages.1"),
        ("test_inner.py::test_b", "model_retired", "error", "model"),
    ]


CANARY = "sk-ant-api03-CANARY" + "x" * 20


def test_canary_key_never_appears(suite: Suite, monkeypatch: pytest.MonkeyPatch) -> None:
    """An API key (and AWS signatures) never appear in stdout, stderr, the report or the API error body."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", CANARY)
    suite.write(
        """
        import anthropic, json, pytest
        from conftest import http, PREFILL

        def test_leak(transport, claude_guard):
            client = anthropic.Anthropic(base_url="http://127.0.0.1:9", http_client=http.Client(transport=http.MockTransport(transport)))
            with pytest.raises(anthropic.BadRequestError) as info:
                client.messages.create(model="sk-ant-api03-CANARY" + "x" * 20, max_tokens=5, messages=PREFILL,
                                       extra_headers={"Authorization": "Bearer sk-ant-api03-CANARY" + "x" * 20})
            print(json.dumps(info.value.body), info.value)
            print(claude_guard.requests[0].headers)
            assert claude_guard.requests[0].headers["x-api-key"] == "[redacted]"
            raise AssertionError("failing on purpose to print everything")
        """
    )
    suite.write(
        """
        import anthropic, pytest
        from conftest import http

        def test_bedrock_signature(transport):
            hc = http.Client(transport=http.MockTransport(transport))
            client = anthropic.AnthropicBedrock(aws_access_key="AKIDCANARY", aws_secret_key="sk-ant-api03-CANARYxxxxxxxxxxxxxxxxxxxx",
                                                aws_region="us-east-1", http_client=hc)
            client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=[{"role": "assistant", "content": "x"}])
        """,
        name="test_bedrock",
    )
    result = suite.run("-s", "-vv", "-rA", "--claude-guard-report=report.json")
    result.assert_outcomes(failed=2)
    report = (suite.pytester.path / "report.json").read_text()
    for text in (result.stdout.str(), result.stderr.str(), report):
        assert CANARY not in text
        assert "sk-ant-api03-CANARY" not in text
    result.stdout.fnmatch_lines(["*sk-ant-[[]redacted[]]*"])


def test_records_shipped_from_a_worker_carry_no_lone_surrogate() -> None:
    """A lone surrogate in a record (a file name in a call site, a test id) is escaped before it travels over an
    xdist channel, which encodes strings as UTF-8 and would fail on it."""
    from pytest_claude_guard._plugin.options import Settings
    from pytest_claude_guard._plugin.state import Guard

    guard = Guard(Settings(), None)
    guard.records.append({"test_id": "t.py::test_\udc80", "call_site": "app\udcff.py:3 in f", "fails": True})
    shipped = guard.unshipped()["records"]
    assert shipped == [{"test_id": "t.py::test_\\udc80", "call_site": "app\\udcff.py:3 in f", "fails": True}]
    for record in shipped:
        for value in record.values():
            if isinstance(value, str):
                value.encode("utf-8")
