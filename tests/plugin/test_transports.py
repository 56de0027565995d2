"""Raw HTTP clients, cloud clients, cassettes, threads and tasks: every path to the Messages API is checked."""

from __future__ import annotations

from textwrap import dedent
from typing import Any as Suite

RAW = """
import json
BAD = b'{"model": "claude-opus-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]'  # truncated JSON
HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "test-key", "content-type": "application/json"}
GOOD = json.dumps({"model": "claude-opus-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]})
"""


def test_raw_httpx_family_any_host(suite: Suite) -> None:
    """Raw httpx (0.x line) / httpx2 (>= 1.0 line) calls to any host's /v1/messages are checked; others are not;
    sync and async (one test file each, both runs in one process on the 0.x line)."""
    source = RAW + dedent("""
        import asyncio
        from conftest import http

        def send(url, body):
            seen = []
            handler = lambda r: seen.append(r) or http.Response(200, json={"ok": True})
            if KIND == "sync":
                with http.Client(transport=http.MockTransport(handler)) as c:
                    return c.post(url, content=body, headers=HEADERS).status_code, len(seen)
            async def go():
                async with http.AsyncClient(transport=http.MockTransport(handler)) as c:
                    return (await c.post(url, content=body, headers=HEADERS)).status_code, len(seen)
            return asyncio.run(go())

        def test_gateway_bad():
            assert send("https://gateway.example/anthropic/v1/messages", BAD) == (400, 0)

        def test_gateway_good():
            assert send("https://gateway.example/anthropic/v1/messages", GOOD) == (200, 1)

        def test_other_endpoint():
            assert send("https://chat.example/api/messages", BAD) == (200, 1)
        """)
    kinds = ["sync", "async"]
    for kind in kinds:
        suite.write(source.replace("KIND", repr(kind)), name=f"test_{kind}")
    for kind, result in zip(kinds, suite.run_each(*([f"test_{kind}.py"] for kind in kinds))):
        with suite.variant(kind):
            result.assert_outcomes(passed=2, failed=1)
            result.stdout.fnmatch_lines(
                ["POST https://gateway.example/anthropic/v1/messages (http*): not sent*", "invalid_json *"]
            )


def test_requests_library(suite_v2: Suite) -> None:
    """requests.Session.send is checked above any adapter; a blocked call answers a readable 400."""
    suite_v2.write(
        RAW
        + dedent("""
        import requests

        def test_bad():
            r = requests.post("http://127.0.0.1:9/v1/messages", data=BAD, headers=HEADERS)
            assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
        """)
    )
    result = suite_v2.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["POST http://127.0.0.1:9/v1/messages (requests, called at *): not sent*", "invalid_json (error, *"])


def test_respx_on_legacy_httpx(suite_v0: Suite) -> None:
    """With respx mocking httpx (0.x line), an invalid SDK request is shown to the route (so respx counts it:
    no "not called" error) but the client gets the API's error, and the test fails once, with the diagnosis."""
    suite = suite_v0
    suite.write(
        """
        import anthropic, httpx, pytest, respx
        from conftest import MESSAGE, PREFILL, USER

        @respx.mock
        def test_respx():
            route = respx.post("https://api.anthropic.com/v1/messages").mock(return_value=httpx.Response(200, json=MESSAGE))
            client = anthropic.Anthropic(api_key="test-key")
            client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
            with pytest.raises(anthropic.BadRequestError):
                client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
            assert route.call_count == 2
        """
    )
    result = suite.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["prefill_not_supported (error, *) at messages.1"])


def test_cloud_clients_are_normalised(suite: Suite) -> None:
    """Bedrock, Vertex and Foundry clients are checked in their own request shapes."""
    suite.write(
        """
        import anthropic, pytest
        from conftest import http, PREFILL, USER

        def make(kind, transport):
            hc = http.Client(transport=http.MockTransport(transport))
            if kind == "bedrock":
                return anthropic.AnthropicBedrock(aws_access_key="AKIDEXAMPLE", aws_secret_key="secret",
                                                  aws_region="us-east-1", http_client=hc)
            if kind == "vertex":
                return anthropic.AnthropicVertex(region="us-east5", project_id="p", access_token="t", http_client=hc)
            if not hasattr(anthropic, "AnthropicFoundry"):  # the oldest supported 0.x release predates it
                pytest.skip("this anthropic release has no AnthropicFoundry")
            return anthropic.AnthropicFoundry(api_key="test-key", resource="r", http_client=hc)

        @pytest.mark.parametrize("kind", ["bedrock", "vertex", "foundry"])
        def test_valid(kind, transport):
            make(kind, transport).messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
            assert len(transport.requests) == 1

        @pytest.mark.parametrize("kind", ["bedrock", "vertex", "foundry"])
        def test_prefill(kind, transport, claude_guard):
            if kind == "foundry":  # no public evidence of the prefill rejection on Foundry (data/evidence.json): sent
                make(kind, transport).messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
                assert len(transport.requests) == 1
                return
            with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
                make(kind, transport).messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
            assert transport.requests == []
        """
    )
    outcomes = suite.run().parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("passed", 0) + outcomes.get("skipped", 0) == 6
    assert outcomes.get("passed", 0) >= 4


def test_vcrpy_replay(suite_v2: Suite) -> None:
    """Under a vcrpy cassette a valid call is recorded and replayed; an invalid one is answered before vcrpy."""
    suite_v2.write(
        """
        import anthropic, pytest, vcr
        from conftest import PREFILL, USER

        def test_record_then_replay(client, transport, tmp_path, claude_guard):
            path = str(tmp_path / "c.yaml")
            with vcr.use_cassette(path, record_mode="all"):
                client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
            with vcr.use_cassette(path, record_mode="none"):
                client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
                with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
                    client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
            assert len(transport.requests) == 1
        """
    )
    suite_v2.run().assert_outcomes(passed=1)


def test_threads_and_tasks_are_attributed_to_their_test(suite_v2: Suite) -> None:
    """A request made from a thread or an asyncio task counts for the test that made it."""
    suite_v2.write(
        """
        import asyncio, threading, anthropic
        from conftest import PREFILL, USER

        def test_thread(client):
            def work():
                try:
                    client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
                except anthropic.BadRequestError:
                    pass
            t = threading.Thread(target=work)
            t.start(); t.join()

        def test_tasks(aclient):
            async def one(messages):
                try:
                    await aclient.messages.create(model="claude-opus-4-6", max_tokens=5, messages=messages)
                except anthropic.BadRequestError:
                    pass
            async def main():
                await asyncio.gather(one(USER), one(PREFILL))
            asyncio.run(main())

        def test_clean(client):
            client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
        """
    )
    result = suite_v2.run()
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "4 request(s) checked: 2 violation(s) in 2 test(s) (2 error(s), 0 warning(s))",
            "  prefill_not_supported  error      2x  first: test_inner.py::test_thread",
        ]
    )
