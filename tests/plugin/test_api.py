"""assert_valid_request and check_mock: every request shape a test may hold."""

from __future__ import annotations

import json
from typing import Any, Callable
from typing import Any as Suite
from unittest import mock

import httpx2
import pytest
import requests
import vcr.request

from pytest_claude_guard._plugin.api import assert_valid_request, check_mock

HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "k", "content-type": "application/json"}
URL = "https://api.anthropic.com/v1/messages"
USER = [{"role": "user", "content": "Hello"}]
PREFILL = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Sure"}]


def _body(messages: Any) -> dict:
    return {"model": "claude-opus-4-6", "max_tokens": 5, "messages": messages}


SHAPES: "dict[str, Callable[[Any], Callable[[], None]]]" = {
    "dict": lambda m: lambda: assert_valid_request(_body(m), headers=HEADERS),
    "json text": lambda m: lambda: assert_valid_request(json.dumps(_body(m)), headers=HEADERS),
    "sdk kwargs": lambda m: lambda: assert_valid_request(model="claude-opus-4-6", max_tokens=5, messages=m),
    "httpx2 Request": lambda m: lambda: assert_valid_request(httpx2.Request("POST", URL, json=_body(m), headers=HEADERS)),
    "requests PreparedRequest": lambda m: (
        lambda: assert_valid_request(requests.Request("POST", URL, json=_body(m), headers=HEADERS).prepare())
    ),
    "vcrpy Request": lambda m: lambda: assert_valid_request(vcr.request.Request("POST", URL, json.dumps(_body(m)).encode(), HEADERS)),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_assert_valid_request_accepts_every_shape(shape: str) -> None:
    """A valid request passes and an invalid one raises AssertionError naming cause and path, in every shape."""
    SHAPES[shape](USER)()
    with pytest.raises(AssertionError) as info:
        SHAPES[shape](PREFILL)()
    assert str(info.value).splitlines()[:2] == [
        "claude-guard: the Anthropic API would reject this request:",
        "prefill_not_supported (error, confirmed) at messages.1",
    ]


def test_sdk_kwargs_go_through_the_sdk() -> None:
    """SDK keyword arguments are judged with the headers the SDK sends (betas included)."""
    assert_valid_request(model="claude-opus-4-6", max_tokens=5, messages=USER, betas=["files-api-2025-04-14"])
    with pytest.raises(AssertionError, match="model_retired"):
        assert_valid_request(model="claude-3-opus-20240229", max_tokens=5, messages=USER)


def test_check_mock_names_each_bad_call() -> None:
    """check_mock validates every recorded call and names the ones the API would reject."""
    create = mock.Mock()
    create(model="claude-opus-4-6", max_tokens=5, messages=USER)
    check_mock(create)
    create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
    with pytest.raises(AssertionError) as info:
        check_mock(create)
    assert str(info.value).splitlines()[:3] == [
        "claude-guard: the Anthropic API would reject 1 recorded call(s) of the mock:",
        "call 1 (/v1/messages):",
        "prefill_not_supported (error, confirmed) at messages.1",
    ]


def test_check_mock_rejects_non_mocks() -> None:
    """check_mock says plainly what it expects."""
    with pytest.raises(TypeError, match="check_mock expects a unittest.mock object, got int"):
        check_mock(3)


def test_fixtures_on_both_sdk_lines(suite: Suite) -> None:
    """The fixtures work on each SDK line, with that line's own HTTP request type."""
    suite.write(
        """
        import json
        from unittest import mock
        import pytest
        from conftest import http, PREFILL, USER

        HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "k"}

        def test_assert_fixture(assert_valid_request):
            body = {"model": "claude-opus-4-6", "max_tokens": 5, "messages": USER}
            assert_valid_request(http.Request("POST", "http://x/v1/messages", json=body, headers=HEADERS))
            assert_valid_request(model="claude-opus-4-6", max_tokens=5, messages=USER)
            with pytest.raises(AssertionError, match="prefill_not_supported"):
                assert_valid_request(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)

        def test_check_mock(claude_guard, client):
            client.messages.create = mock.Mock()
            client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
            claude_guard.check_mock(client.messages.create)
        """
    )
    result = suite.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["E*call 0 (/v1/messages):", "E*prefill_not_supported (error, confirmed) at messages.1"])
