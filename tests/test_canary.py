"""The canary: fresh random secrets of every kind go through the plugin, the CLI and the cassette linter at their
most talkative (``-vv -l --tb=long``, ``filterwarnings = error``, the JSON report, junit, ``check -v``, JSON
output), and no byte of anything they write holds one of them, whole or a 12-character piece of it."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

WINDOW = 12  # a piece this long of a random secret is never in the output by chance


def _fresh() -> Dict[str, str]:
    """Random secrets, new on every run (never stored in the repository)."""
    key = "sk-ant-api03-" + secrets.token_urlsafe(120)[:93] + "AA"
    return {
        "CANARY_KEY": key,
        "CANARY_BEARER": secrets.token_urlsafe(32),
        "CANARY_SIG": secrets.token_hex(32),
        "CANARY_COOKIE": secrets.token_urlsafe(24),
        "CANARY_PROXY_PASSWORD": secrets.token_urlsafe(18),
        "CANARY_QUERY": secrets.token_urlsafe(24),
        "CANARY_GATEWAY": secrets.token_urlsafe(30),
    }


def _secret_parts(canaries: Dict[str, str]) -> Dict[str, str]:
    """The random part of each secret (the ``sk-ant-api03-`` prefix is not secret)."""
    return {name: value[len("sk-ant-api03-"):] if value.startswith("sk-ant-") else value for name, value in canaries.items()}


def leaks(data: bytes, canaries: Dict[str, str]) -> List[str]:
    """Which canaries appear in ``data``, whole or as any 12-character piece (pytest splits long lines)."""
    text = data.decode("utf-8", "replace")
    found = []
    for name, part in _secret_parts(canaries).items():
        if any(part[i : i + WINDOW] in text for i in range(len(part) - WINDOW + 1)):
            found.append(name)
    return found


def test_leaks_finds_a_split_canary() -> None:
    """The grep itself works: a canary split across two lines is still found."""
    canaries = _fresh()
    key = canaries["CANARY_KEY"]
    assert leaks(f"E   '{key[:50]}'\nE   + '{key[50:]}'".encode(), canaries) == ["CANARY_KEY"]
    assert leaks(b"sk-ant-[redacted]", canaries) == []


INNER = '''
import json
import os

import anthropic
import pytest

_base = next(c for c in anthropic.DefaultHttpxClient.__mro__ if c.__name__ == "Client")
http = __import__(_base.__module__.split(".")[0])  # httpx2 for anthropic >= 1.0, httpx for 0.x

MESSAGE = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-opus-4-6",
           "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn", "stop_sequence": None,
           "usage": {"input_tokens": 1, "output_tokens": 1}}


def answer(request):
    return http.Response(200, json=MESSAGE)


def secret(name):
    return os.environ["CANARY_" + name]


def base_url():
    return "http://proxyuser:" + secret("PROXY_PASSWORD") + "@127.0.0.1:9"


def client():
    return anthropic.Anthropic(
        api_key=secret("KEY"), base_url=base_url(), max_retries=0,
        default_headers={"cf-aig-authorization": "Bearer " + secret("BEARER"), "x-portkey-api-key": secret("GATEWAY"),
                         "x-custom-auth": secret("GATEWAY"), "cookie": "session=" + secret("COOKIE")},
        default_query={"key": secret("QUERY")},
        http_client=http.Client(transport=http.MockTransport(answer)),
    )


def sigv4():
    return ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/bedrock/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=" + secret("SIG"))


def test_blocked_with_the_key_as_model_and_in_the_body(claude_guard):
    """Strict mode blocks it: the failure text names the request (URL, model) and must hide every secret."""
    client().messages.create(model=secret("KEY"), max_tokens=5, messages=[
        {"role": "user", "content": "my key is " + secret("KEY") + " and my token is Bearer " + secret("BEARER")},
        {"role": "assistant", "content": "ok"},
    ])


def test_prefill_blocked(claude_guard):
    """A rule error on a request carrying every secret in its headers, URL and body."""
    client().messages.create(model="claude-opus-4-6", max_tokens=5, metadata={"user_id": secret("KEY")}, messages=[
        {"role": "user", "content": secret("KEY")}, {"role": "assistant", "content": "Sure"}])


def test_captured_request_in_assertion_diffs(claude_guard):
    """A valid request; -vv diffs of what the fixture captured (repr, headers, raw body, body, url)."""
    client().messages.create(model="claude-opus-4-6", max_tokens=5, messages=[
        {"role": "user", "content": "key " + secret("KEY") + " cookie session=" + secret("COOKIE")}])
    assert claude_guard.requests == [], claude_guard.requests


def test_captured_parts_in_assertion_diffs(claude_guard):
    client().messages.create(model="claude-opus-4-6", max_tokens=5, messages=[
        {"role": "user", "content": "key " + secret("KEY")}])
    req = claude_guard.requests[0]
    assert (req.url, req.headers, req.raw_body, req.body, req.violations) == ("", {}, b"", {}, [])


def test_raw_httpx_call_with_sigv4_and_query_key(claude_guard):
    """A raw call to a gateway: SigV4 authorization, a cookie, a key in the query and userinfo in the URL."""
    with http.Client(transport=http.MockTransport(answer)) as raw:
        response = raw.post(
            "http://proxyuser:" + secret("PROXY_PASSWORD") + "@127.0.0.1:9/v1/messages?key=" + secret("QUERY"),
            headers={"authorization": sigv4(), "cookie": "session=" + secret("COOKIE"), "x-api-key": secret("KEY"),
                     "anthropic-version": "2023-06-01", "x-custom-auth": secret("GATEWAY")},
            content=json.dumps({"model": "claude-opus-4-6", "max_tokens": 5, "messages": [
                {"role": "user", "content": "hi " + secret("KEY")}, {"role": "assistant", "content": "x"}]}),
        )
    assert response.status_code == 200


@pytest.mark.claude_guard(mode="warn")
def test_warnings_under_filterwarnings_error(claude_guard):
    """Warn mode under filterwarnings = error: the findings (the key as the model) become ClaudeGuardWarnings."""
    client().messages.create(model=secret("KEY"), max_tokens=5, messages=[
        {"role": "user", "content": secret("KEY")}, {"role": "assistant", "content": "Sure"}])
    assert claude_guard.requests == []


def test_expect_that_fails(claude_guard):
    """claude_guard.expect() whose cause did not happen: its message names the request."""
    with claude_guard.expect("prefill_not_supported"):
        client().messages.create(model="claude-opus-4-6", max_tokens=5, messages=[
            {"role": "user", "content": secret("KEY")}])
'''


def _run(args: List[str], cwd: Path, env: Dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, timeout=600)


@pytest.fixture
def canaries(monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    values = _fresh()
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUILD_NUMBER", raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", values["CANARY_KEY"])
    return values


@pytest.mark.parametrize("sdk_line", ["v2", "v0"])
def test_plugin_never_shows_a_canary(
    pytester: pytest.Pytester, canaries: Dict[str, str], sdk_line: str, request: pytest.FixtureRequest
) -> None:
    """The plugin at its most talkative, on both SDK lines (v0: anthropic 0.x over httpx): no canary in stdout,
    stderr, the JSON report or the junit file."""
    env = dict(os.environ)
    if sdk_line == "v0":
        legacy = str(request.getfixturevalue("legacy_sdk"))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [legacy, env.get("PYTHONPATH")]))
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    pytester.makepyfile(test_canary_inner=INNER)
    proc = _run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-vv", "-l", "--tb=long", "-rA",
         "--claude-guard-report=report.json", "--junitxml=junit.xml", "test_canary_inner.py"],
        pytester.path, env,
    )
    out = proc.stdout + proc.stderr
    text = out.decode("utf-8", "replace")
    assert proc.returncode == 1, text[-3000:]
    report = (pytester.path / "report.json").read_bytes()
    junit = (pytester.path / "junit.xml").read_bytes()
    # the inner suite did what it is there for: requests were captured, judged and shown
    assert "prefill_not_supported" in text and "[redacted]" in text and "ClaudeGuardWarning" in text, text[-3000:]
    assert b"prefill_not_supported" in report and b"prefill_not_supported" in junit
    for name, data in (("output", out), ("report", report), ("junit", junit)):
        assert leaks(data, canaries) == [], f"{name} leaks {leaks(data, canaries)}"


def _payload(canaries: Dict[str, str]) -> Dict[str, object]:
    key = canaries["CANARY_KEY"]
    return {
        "endpoint": f"http://proxyuser:{canaries['CANARY_PROXY_PASSWORD']}@127.0.0.1:9/v1/messages"
        f"?key={canaries['CANARY_QUERY']}",
        "headers": {
            "x-api-key": key,
            "anthropic-version": "2023-06-01",
            "authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/bedrock/"
            f"aws4_request, SignedHeaders=host;x-amz-date, Signature={canaries['CANARY_SIG']}",
            "cookie": f"session={canaries['CANARY_COOKIE']}",
            "cf-aig-authorization": f"Bearer {canaries['CANARY_BEARER']}",
            "x-portkey-api-key": canaries["CANARY_GATEWAY"],
        },
        "body": {
            "model": key,
            "max_tokens": 5,
            "metadata": {"user_id": f"Bearer {canaries['CANARY_BEARER']}"},
            "messages": [
                {"role": "user", "content": f"{key} https://u:{canaries['CANARY_PROXY_PASSWORD']}@x/?key="
                 f"{canaries['CANARY_QUERY']}"},
                {"role": "assistant", "content": "ok"},
            ],
        },
    }


@pytest.mark.parametrize("flags", [[], ["-v"], ["--format", "json"]], ids=["text", "verbose", "json"])
def test_check_never_shows_a_canary(tmp_path: Path, canaries: Dict[str, str], flags: List[str]) -> None:
    """``claude-guard check`` (text, -v, JSON) on a payload holding every canary, as file and as header args."""
    path = tmp_path / "req.json"
    path.write_text(json.dumps(_payload(canaries)), encoding="utf-8")
    bare = tmp_path / "bare.jsonl"
    bare.write_text(json.dumps(_payload(canaries)["body"]) + "\n", encoding="utf-8")
    cli = [sys.executable, "-m", "pytest_claude_guard._cli", "check", *flags]
    proc = _run([*cli, str(path), str(bare), "-H", f"x-api-key: {canaries['CANARY_KEY']}"], tmp_path, dict(os.environ))
    bad = _run([*cli, str(path), "-H", f"x-api-key={canaries['CANARY_GATEWAY']}"], tmp_path, dict(os.environ))
    assert proc.returncode == 1, proc.stderr.decode()
    assert b"model_not_found" in proc.stdout and b"sk-ant-[redacted]" in proc.stdout and bad.returncode == 2
    for data in (proc.stdout, proc.stderr, bad.stdout, bad.stderr):
        assert leaks(data, canaries) == [], data.decode("utf-8", "replace")


def _cassette(canaries: Dict[str, str]) -> Dict[str, object]:
    payload = _payload(canaries)
    headers = {name: [value] for name, value in payload["headers"].items()}  # type: ignore[union-attr]
    headers["x-custom-auth"] = [canaries["CANARY_GATEWAY"]]
    return {
        "version": 1,
        "interactions": [
            {
                "request": {"body": json.dumps(payload["body"]), "headers": headers, "method": "POST",
                            "uri": payload["endpoint"]},
                "response": {"status": {"code": 200, "message": "OK"}, "headers": {},
                             "body": {"string": "{}"}},
            }
        ],
    }


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lint_cassettes_never_shows_a_canary(tmp_path: Path, canaries: Dict[str, str], fmt: str) -> None:
    """``claude-guard lint-cassettes`` finds every canary (gateway headers and ``?key=`` included) and shows none."""
    path = tmp_path / "c.yaml"
    path.write_text(yaml.dump(_cassette(canaries)), encoding="utf-8")
    proc = _run([sys.executable, "-m", "pytest_claude_guard._cli", "lint-cassettes", "--format", fmt, str(path)],
                tmp_path, dict(os.environ))
    out = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 1, out + proc.stderr.decode()
    for held in ("x-api-key", "authorization header", "cookie", "cf-aig-authorization", "x-portkey-api-key",
                 "x-custom-auth", "a secret query parameter", "a password in a URL"):
        assert held in out, (held, out)
    for data in (proc.stdout, proc.stderr):
        assert leaks(data, canaries) == [], data.decode("utf-8", "replace")


def test_models_refresh_masks_an_echoed_key(canaries: Dict[str, str]) -> None:
    """A server that echoes most of the key (or the key without its prefix) in its error: no piece is printed."""
    import io
    import urllib.error

    from pytest_claude_guard._cli.models_refresh import RefreshError, fetch_models

    key = canaries["CANARY_KEY"]

    def opener(request: object, timeout: float) -> object:
        body = json.dumps({"error": {"type": "authentication_error",
                                     "message": f"invalid x-api-key {key[:-6]} ({key[13:80]}) " + key[20:]}})
        raise urllib.error.HTTPError("https://x/v1/models", 401, "Unauthorized", {},  # type: ignore[arg-type]
                                     io.BytesIO(body.encode()))

    proxy = f"https://u:{canaries['CANARY_PROXY_PASSWORD']}@gateway.example"
    with pytest.raises(RefreshError) as info:
        fetch_models(key, base_url=proxy, opener=opener)
    shown = str(info.value)
    assert shown.startswith("GET https://gateway.example/v1/models failed: HTTP 401: authentication_error")
    assert leaks(shown.encode(), canaries) == [], shown
