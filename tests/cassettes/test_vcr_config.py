"""The safe recorder configuration: what it filters, how it merges, and a real recording through vcrpy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List, Tuple

import httpx2
import pytest
import vcr
from vcr.request import Request

from pytest_claude_guard._cassettes.lint import lint_paths
from pytest_claude_guard.vcr import scrub_request, scrub_response, vcr_config

from .conftest import VALID_BODY, make_canary


def test_vcr_config_defaults() -> None:
    """Every credential header is filtered, responses are decoded, both hooks are installed."""
    cfg = vcr_config()
    assert set(cfg) == {
        "filter_headers",
        "filter_query_parameters",
        "decode_compressed_response",
        "before_record_request",
        "before_record_response",
    }
    assert {"x-api-key", "authorization", "api-key", "cookie", "x-amz-security-token"} <= set(
        cfg["filter_headers"]
    )
    assert cfg["decode_compressed_response"] is True
    assert cfg["before_record_request"] == [scrub_request]
    assert cfg["before_record_response"] == [scrub_response]
    vcr.VCR(**cfg)  # vcrpy accepts it as is


def test_vcr_config_merges_overrides() -> None:
    """Extra filters are added, user hooks run after ours, other options replace ours."""

    def mine(r: Any) -> Any:
        return r

    cfg = vcr_config(filter_headers=["x-custom"], before_record_request=mine, record_mode="none")
    assert cfg["filter_headers"][-1] == "x-custom" and "x-api-key" in cfg["filter_headers"]
    assert cfg["before_record_request"] == [scrub_request, mine]
    assert cfg["record_mode"] == "none"


def test_scrub_request(canary: str) -> None:
    """Credential, AWS and cookie headers are dropped; keys in the body are replaced."""
    headers = {
        "X-Api-Key": canary,
        "Authorization": "Bearer t",
        "X-Amz-Date": "20260101T000000Z",
        "X-Amz-Security-Token": "tok",
        "Cookie": "a=b",
        "anthropic-version": "2023-06-01",
    }
    body = json.dumps({**VALID_BODY, "metadata": {"user_id": canary}}).encode()
    req = scrub_request(Request("POST", "https://api.anthropic.com/v1/messages", body, headers))
    assert dict(req.headers) == {"anthropic-version": "2023-06-01"}
    assert canary not in req.body.decode() and "sk-ant-REDACTED" in req.body.decode()


def test_scrub_response(canary: str) -> None:
    """Cookies and echoed credentials leave the response; keys in its body are replaced; the input is untouched."""
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Set-Cookie": ["_cf=1"], "Content-Type": ["application/json"]},
        "body": {"string": json.dumps({"echo": canary}).encode()},
    }
    out = scrub_response(response)
    assert out["headers"] == {"Content-Type": ["application/json"]}
    assert out["body"]["string"] == b'{"echo": "sk-ant-REDACTED"}'
    assert canary.encode() in response["body"]["string"]


def test_recording_with_safe_config_keeps_keys_out(
    tmp_path: Path, local_server: Tuple[str, str, List[str]]
) -> None:
    """A real vcrpy recording with vcr_config() writes no key, token, cookie or gzip blob, and lints clean."""
    base, canary, _ = local_server
    cassette = tmp_path / "rec.yaml"
    recorder = vcr.VCR(**vcr_config(record_mode="once"))
    with recorder.use_cassette(str(cassette)):
        with httpx2.Client() as client:
            r = client.post(
                base + "/v1/messages",
                json={**VALID_BODY, "metadata": {"user_id": canary}},
                headers={
                    "x-api-key": canary,
                    "anthropic-version": "2023-06-01",
                    "authorization": "Bearer " + make_canary()[7:],
                    "x-amz-security-token": make_canary()[7:],
                },
            )
            assert r.json()["echo"] == canary  # the live answer is not altered
    text = cassette.read_text()
    assert canary not in text and canary[7:] not in text
    assert "!!binary" not in text and "x-api-key" not in text.lower() and "set-cookie" not in text.lower()
    assert "sk-ant-REDACTED" in text
    result = lint_paths([str(cassette)])
    assert (result.secrets, result.errors, result.requests) == (0, 0, 1)


def test_fixture_one_liner_with_pytest_recording(pytester: pytest.Pytester) -> None:
    """Importing claude_guard_vcr_config into conftest.py replaces pytest-recording's vcr_config."""
    pytester.makeconftest("from pytest_claude_guard.vcr import claude_guard_vcr_config  # noqa: F401\n")
    pytester.makepyfile(
        """
        def test_config(vcr_config, vcr):
            assert "x-api-key" in vcr_config["filter_headers"]
            assert vcr_config["decode_compressed_response"] is True
        """
    )
    result = pytester.runpytest("-p", "no:claude_guard", "-p", "recording", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
