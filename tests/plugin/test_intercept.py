"""Every SDK request is checked on both SDK lines, sync and async; invalid ones never reach the transport.

Each test runs its inner suite once per kind (``--kind``), both in one process on the 0.x line."""

from __future__ import annotations

from typing import Any as Suite

KINDS = ["sync", "async"]


def test_valid_calls_pass_and_reach_the_transport(suite: Suite) -> None:
    """Valid create, create(stream=True) and count_tokens calls pass and are all sent, sync and async."""
    suite.write(
        """
        from conftest import USER

        def test_valid(api, transport):
            api.create(model="claude-opus-4-6", max_tokens=16, messages=USER)
            api.create(model="claude-opus-4-6", max_tokens=16, messages=USER, stream=True)
            api.count_tokens(model="claude-opus-4-6", messages=USER)
            assert len(transport.requests) == 3
        """
    )
    for kind, result in zip(KINDS, suite.run_each(*([f"--kind={kind}"] for kind in KINDS))):
        with suite.variant(kind):
            result.assert_outcomes(passed=1)
            result.stdout.fnmatch_lines(["*= claude-guard =*", "3 request(s) checked, no violations"])


def test_invalid_call_is_not_sent_and_fails_naming_code_and_path(suite: Suite) -> None:
    """A prefill on claude-opus-4-6 raises BadRequestError, never reaches the transport, and fails the test,
    sync and async."""
    suite.write(
        """
        import anthropic, pytest
        from conftest import PREFILL

        def test_prefill(api, transport):
            with pytest.raises(anthropic.BadRequestError) as info:
                api.create(model="claude-opus-4-6", max_tokens=16, messages=PREFILL)
            assert info.value.status_code == 400
            assert info.value.body["error"]["type"] == "invalid_request_error"
            assert transport.requests == []
            print("SDK raised", type(info.value).__name__)
        """
    )
    for kind, result in zip(KINDS, suite.run_each(*([f"--kind={kind}", "-rf", "-s"] for kind in KINDS))):
        with suite.variant(kind):
            result.assert_outcomes(failed=1)
            result.stdout.fnmatch_lines(
                [
                    "*SDK raised BadRequestError*",
                    "prefill_not_supported (claude-guard: 1 request in this test the Anthropic API would reject)",
                    "POST http://127.0.0.1:9/v1/messages (anthropic SDK, called at *): not sent: answered with the API's error",
                    "prefill_not_supported (error, *) at messages.1",
                    "  API answers: HTTP 400 invalid_request_error: *",
                    "  Fix: *",
                    "1 request(s) checked: 1 violation(s) in 1 test(s) (1 error(s), 0 warning(s))",
                    "  prefill_not_supported  error      1x  first: test_inner.py::test_prefill",
                ]
            )


def test_swallowed_error_still_fails_the_test(suite: Suite) -> None:
    """Code that catches the API error does not hide the violation: the test still fails, sync and async."""
    suite.write(
        """
        import anthropic
        from conftest import PREFILL

        def test_swallowed(api, transport):
            try:
                api.create(model="claude-opus-4-6", max_tokens=16, messages=PREFILL)
            except anthropic.APIError:
                pass
            assert transport.requests == []
        """
    )
    for kind, result in zip(KINDS, suite.run_each(*([f"--kind={kind}"] for kind in KINDS))):
        with suite.variant(kind):
            result.assert_outcomes(failed=1)
            result.stdout.fnmatch_lines(["*prefill_not_supported (error, *) at messages.1*"])


def test_retired_model_raises_not_found_without_retry(suite: Suite) -> None:
    """A 404 cause makes the SDK raise NotFoundError at once (no retry, nothing sent)."""
    suite.write(
        """
        import anthropic, pytest, time
        from conftest import USER

        def test_retired(client, transport, monkeypatch):
            slept = []  # the SDK sleeps before each retry: none may happen
            monkeypatch.setattr(time, "sleep", slept.append)
            with pytest.raises(anthropic.NotFoundError) as info:
                client.messages.create(model="claude-3-opus-20240229", max_tokens=16, messages=USER)
            assert slept == []
            assert info.value.body["error"]["details"]["claude_guard"]["code"] == "model_retired"
            assert transport.requests == []
        """
    )
    result = suite.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["model_retired (error, *) at model", "  API answers: HTTP 404 not_found_error*"])


def test_sdk_surface_is_covered(suite: Suite) -> None:
    """messages.stream, batches, beta, with_raw_response, with_streaming_response and with_options are checked."""
    suite.write(
        """
        import anthropic, pytest
        from conftest import USER, PREFILL

        def test_valid_surface(client, transport):
            with client.messages.stream(model="claude-opus-4-6", max_tokens=16, messages=USER) as stream:
                stream.get_final_message()
            client.messages.batches.create(requests=[{"custom_id": "a", "params": {
                "model": "claude-opus-4-6", "max_tokens": 16, "messages": USER}}])
            client.beta.messages.create(model="claude-opus-4-6", max_tokens=16, messages=USER)
            client.messages.with_raw_response.create(model="claude-opus-4-6", max_tokens=16, messages=USER)
            with client.messages.with_streaming_response.create(
                    model="claude-opus-4-6", max_tokens=16, messages=USER) as response:
                response.read()
            client.with_options(max_retries=5).messages.create(model="claude-opus-4-6", max_tokens=16, messages=USER)
            assert len(transport.requests) == 6

        @pytest.mark.parametrize("call", ["stream", "beta", "raw", "streaming", "options"])
        def test_invalid_surface(client, transport, call, claude_guard):
            kw = dict(model="claude-opus-4-6", max_tokens=16, messages=PREFILL)
            with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
                if call == "stream":
                    with client.messages.stream(**kw) as stream:
                        stream.get_final_message()
                elif call == "beta":
                    client.beta.messages.create(**kw)
                elif call == "raw":
                    client.messages.with_raw_response.create(**kw)
                elif call == "streaming":
                    with client.messages.with_streaming_response.create(**kw) as response:
                        response.read()
                else:
                    client.with_options(max_retries=5).messages.create(**kw)
            assert transport.requests == []
        """
    )
    result = suite.run()
    result.assert_outcomes(passed=6)
