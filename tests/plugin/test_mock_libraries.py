"""respx and pytest-httpx: a request strict mode blocks is shown to them, so the run has one failure for one
cause (no "routes were not called" / "mocked but not requested" errors beside it), while valid requests still
get the mock's response.

Both libraries patch ``httpx``; the anthropic SDK >= 1.0 sends through ``httpx2``, which they see only after
``httpx2.alias_httpx()`` (called here in a plugin loaded with ``-p`` before they import httpx).  Without it
they never see SDK requests at all; ``stub_note`` then explains their errors in the failure text.
"""

from __future__ import annotations

import sys
from typing import Any as Suite, Iterator

import httpx
import pytest
import respx
from pytest_httpx import HTTPXMock

from pytest_claude_guard._adapters import stub_note

ALIAS_PLUGIN = "import httpx2\nhttpx2.alias_httpx()\n"
GATEWAY = "https://gateway.example/anthropic/v1/messages"

RAW = """
import asyncio, json
import httpx, pytest

GOOD = json.dumps({"model": "claude-opus-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]})
BAD = GOOD[:-1]  # truncated JSON: invalid_json
HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "test-key", "content-type": "application/json"}
URL = "GATEWAY"
KIND = "{kind}"

def post(body, url=URL):
    if KIND == "sync":
        with httpx.Client() as c:
            return c.post(url, content=body, headers=HEADERS)
    async def go():
        async with httpx.AsyncClient() as c:
            return await c.post(url, content=body, headers=HEADERS)
    return asyncio.run(go())
""".replace("GATEWAY", GATEWAY)

RESPX_RAW = """
def test_valid(respx_mock):
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json={"ok": True}))
    assert post(GOOD).json() == {"ok": True} and route.call_count == 1

def test_blocked(respx_mock):
    respx_mock.post(URL).mock(return_value=httpx.Response(200, json={"ok": True}))
    assert post(BAD).status_code == 400

def test_blocked_expected_reaches_the_route(respx_mock, claude_guard):
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json={"ok": True}))
    with claude_guard.expect("invalid_json"):
        assert post(BAD).status_code == 400  # the client gets the block, not the route's answer
    assert route.call_count == 1

@pytest.mark.respx(assert_all_mocked=True)
def test_blocked_unrouted_adds_no_error(respx_mock, claude_guard):
    respx_mock.post("https://elsewhere.example/").mock(return_value=httpx.Response(204))
    with claude_guard.expect("invalid_json"):
        assert post(BAD).status_code == 400
    assert post(b"", url="https://elsewhere.example/").status_code == 204

@respx.mock
def test_decorator(claude_guard):
    route = respx.post(URL).mock(return_value=httpx.Response(200, json={"ok": True}))
    with claude_guard.expect("invalid_json"):
        assert post(BAD).status_code == 400
    assert route.call_count == 1

def test_router_as_transport(claude_guard):
    router = respx.Router()
    route = router.post(URL).mock(return_value=httpx.Response(200, json={"ok": True}))
    with httpx.Client(transport=httpx.MockTransport(router.handler)) as c:
        with claude_guard.expect("invalid_json"):
            assert c.post(URL, content=BAD, headers=HEADERS).status_code == 400
    router.assert_all_called()
    assert route.call_count == 1
"""

PYTEST_HTTPX_RAW = """
def test_valid(httpx_mock):
    httpx_mock.add_response(url=URL, json={"ok": True})
    assert post(GOOD).json() == {"ok": True} and len(httpx_mock.get_requests()) == 1

def test_blocked(httpx_mock):
    httpx_mock.add_response(url=URL, json={"ok": True})
    assert post(BAD).status_code == 400

def test_blocked_expected_reaches_the_mock(httpx_mock, claude_guard):
    httpx_mock.add_response(url=URL, json={"ok": True})
    with claude_guard.expect("invalid_json"):
        assert post(BAD).status_code == 400
    assert len(httpx_mock.get_requests()) == 1

def test_blocked_unregistered_adds_no_error(httpx_mock, claude_guard):
    with claude_guard.expect("invalid_json"):
        assert post(BAD).status_code == 400
"""

SDK = """
import asyncio
import anthropic, httpx, pytest
from conftest import MESSAGE, PREFILL, USER

API = "https://api.anthropic.com/v1/messages"

def create(messages, kind="sync"):
    if kind == "sync":
        return anthropic.Anthropic(api_key="test-key", max_retries=0).messages.create(
            model="claude-opus-4-6", max_tokens=5, messages=messages)
    async def go():
        client = anthropic.AsyncAnthropic(api_key="test-key", max_retries=0)
        return await client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=messages)
    return asyncio.run(go())
"""

RESPX_SDK = """
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_valid(respx_mock, kind):
    route = respx_mock.post(API).mock(return_value=httpx.Response(200, json=MESSAGE))
    assert create(USER, kind).content[0].text == "hi" and route.call_count == 1

def test_blocked(respx_mock):
    respx_mock.post(API).mock(return_value=httpx.Response(200, json=MESSAGE))
    with pytest.raises(anthropic.BadRequestError):
        create(PREFILL)

@pytest.mark.parametrize("kind", ["sync", "async"])
def test_blocked_expected_reaches_the_route(respx_mock, claude_guard, kind):
    route = respx_mock.post(API).mock(return_value=httpx.Response(200, json=MESSAGE))
    with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
        create(PREFILL, kind)
    assert route.call_count == 1
"""

PYTEST_HTTPX_SDK = """
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_valid(httpx_mock, kind):
    httpx_mock.add_response(url=API, json=MESSAGE)
    assert create(USER, kind).content[0].text == "hi"

def test_blocked(httpx_mock):
    httpx_mock.add_response(url=API, json=MESSAGE)
    with pytest.raises(anthropic.BadRequestError):
        create(PREFILL)

@pytest.mark.parametrize("kind", ["sync", "async"])
def test_blocked_expected_reaches_the_mock(httpx_mock, claude_guard, kind):
    httpx_mock.add_response(url=API, json=MESSAGE)
    with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
        create(PREFILL, kind)
    assert len(httpx_mock.get_requests()) == 1
"""

SECONDARY = ["*not called*", "*not requested*", "*not expected*", "*RESPX*", "*ERROR at *"]


def _one_failure(result: pytest.RunResult, passed: int, cause: str) -> None:
    """Exactly one failure, the claude-guard diagnosis of ``cause`` in test_blocked, and no error."""
    result.assert_outcomes(passed=passed, failed=1)
    result.stdout.fnmatch_lines([f"{cause} (error, *", "FAILED *::test_blocked - *"])
    for pattern in SECONDARY:
        result.stdout.no_fnmatch_line(pattern)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_respx_raw_httpx(suite_v2: Suite, kind: str) -> None:
    """respx (assert_all_called): the route sees a blocked raw httpx request, so only the diagnosis fails."""
    suite_v2.write("import respx\n" + RAW.replace("{kind}", kind) + RESPX_RAW)
    _one_failure(suite_v2.run("-rfE"), passed=5, cause="invalid_json")


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_pytest_httpx_raw_httpx(suite_v2: Suite, kind: str) -> None:
    """pytest-httpx (all responses requested): the blocked request uses its response; an unregistered one is
    not reported as unexpected."""
    suite_v2.write(RAW.replace("{kind}", kind) + PYTEST_HTTPX_RAW)
    _one_failure(suite_v2.run("-rfE"), passed=3, cause="invalid_json")


def _sdk_suite(suite: Suite, line: str, tests: str) -> pytest.RunResult:
    suite.write(SDK + tests)
    if line == "v0":
        return suite.run("-rfE")
    suite.pytester.makepyfile(alias_httpx2=ALIAS_PLUGIN)
    return suite.run("-p", "alias_httpx2", "-rfE", subprocess=True)


@pytest.fixture(params=["v2", "v0"])
def sdk_suite(request: pytest.FixtureRequest, suite_v2: Suite) -> Iterator[Suite]:
    """anthropic >= 1.0 (httpx2, aliased as httpx) or 0.x (httpx) in a subprocess."""
    if request.param == "v0":
        yield request.getfixturevalue("suite_v0")
    else:
        yield suite_v2


def test_respx_sdk(sdk_suite: Suite) -> None:
    """respx with the SDK (1.x through httpx2.alias_httpx(), 0.x directly): one failure, the route sees it."""
    _one_failure(_sdk_suite(sdk_suite, sdk_suite.line, RESPX_SDK), passed=4, cause="prefill_not_supported")


def test_pytest_httpx_sdk(sdk_suite: Suite) -> None:
    """pytest-httpx with the SDK (1.x through httpx2.alias_httpx(), 0.x directly): one failure."""
    _one_failure(_sdk_suite(sdk_suite, sdk_suite.line, PYTEST_HTTPX_SDK), passed=4, cause="prefill_not_supported")


def test_plain_mock_transport_is_not_called(suite_v2: Suite) -> None:
    """A MockTransport with the test's own handler has no expectations: a blocked request never reaches it."""
    suite_v2.write(
        RAW.replace("{kind}", "sync")
        + """
def test_blocked_expected(claude_guard):
    seen = []
    with httpx.Client(transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200))) as c:
        with claude_guard.expect("invalid_json"):
            assert c.post(URL, content=BAD, headers=HEADERS).status_code == 400
    assert seen == []
"""
    )
    suite_v2.run().assert_outcomes(passed=1)


# --- stub_note: the failure text's explanation where a blocked request cannot be shown to the mock ----------


@pytest.fixture
def respx_router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def test_note_when_respx_mocks_httpx_but_the_sdk_uses_httpx2(respx_router: respx.MockRouter) -> None:
    """respx active on httpx, a 1.x SDK request (httpx2): the note names the cause and httpx2.alias_httpx()."""
    assert "httpx2" in sys.modules and sys.modules["httpx2"] is not httpx
    note = stub_note("anthropic SDK")
    assert note is not None and note.startswith("Note: respx mocks httpx, but the anthropic SDK >= 1.0 sends through httpx2")
    assert "httpx2.alias_httpx()" in note
    assert stub_note("httpx2") is not None
    assert stub_note("httpx") is None  # respx sees raw httpx requests: the blocked one was shown to it
    assert stub_note("requests") is None


def test_no_note_without_an_active_mock_library() -> None:
    """No respx router started and no pytest-httpx fixture: nothing to explain."""
    assert stub_note("anthropic SDK") is None and stub_note("httpx") is None


def test_note_for_pytest_httpx_on_httpx2(httpx_mock: HTTPXMock) -> None:
    """pytest-httpx active on httpx, a request through httpx2: it never sees it."""
    note = stub_note("anthropic SDK")
    assert note is not None and "pytest-httpx mocks httpx" in note
    assert stub_note("httpx") is None


def test_note_when_pytest_httpx_internals_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pytest-httpx whose patch no longer holds ``mock``/``options``: the note says its teardown error has
    the same cause as the failure."""

    def handle_request(transport: object, request: object) -> object:
        raise AssertionError("never called")

    handle_request.__module__ = "pytest_httpx"
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", handle_request)
    note = stub_note("httpx")
    assert note is not None and "its 'mocked but not requested' error at teardown has the same cause" in note
