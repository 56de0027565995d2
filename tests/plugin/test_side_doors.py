"""Strict mode has no side doors (issue 10): a retry whose body changed, a raw call that carries a retry
header, a streamed or file body, a compressed body and a nested in-process pytest run are all checked; an
invalid request among them is never sent."""

from __future__ import annotations

import textwrap
from textwrap import dedent
from typing import Any as Suite

import pytest

HELPERS = """
import asyncio, contextlib, gzip, json, zlib
import anthropic, pytest, requests
from conftest import http, MESSAGE, USER, PREFILL

HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "test-key", "content-type": "application/json"}
GOOD = json.dumps({"model": "claude-opus-4-6", "max_tokens": 5, "messages": USER}).encode()
BAD = json.dumps({"model": "claude-opus-4-6", "max_tokens": 5, "messages": PREFILL}).encode()
URL = "http://127.0.0.1:9/v1/messages"


class Seen:
    '''A local transport handler that keeps every body that reached it and answers like the API.'''

    def __init__(self, fail_first=False):
        self.bodies, self.fail_first = [], fail_first

    def __call__(self, request):
        self.bodies.append(request.read())
        if self.fail_first and len(self.bodies) == 1:
            return http.Response(529, json={"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
                                 headers={"retry-after-ms": "1"})
        return http.Response(200, json=MESSAGE)

    async def handle_async(self, request):  # for an AsyncClient's MockTransport
        await request.aread()
        return self(request)
"""


# --- B2: a retry whose body changed is checked; an identical one is not checked twice -----------------------

RETRIES = HELPERS + """

def prefill(content):
    body = json.loads(content)
    body["messages"] = PREFILL
    return json.dumps(body).encode()


def retrying(request):
    return request.headers.get("x-stainless-retry-count", "0") != "0"


def mutate_in_place(request):
    if retrying(request):
        content = prefill(request.read())
        request.stream, request._content = http.ByteStream(content), content
        request.headers["content-length"] = str(len(content))


class NewRequestOnRetry(http.Client):
    '''An http client wrapper that sends another request (another body) on retries.'''

    def send(self, request, **kwargs):
        if retrying(request):
            headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
            request = http.Request(request.method, request.url, headers=headers, content=prefill(request.read()))
        return super().send(request, **kwargs)


class InPlaceOnRetry(http.Client):
    '''An http client wrapper that rewrites the request's body in place on retries.'''

    def send(self, request, **kwargs):
        mutate_in_place(request)
        return super().send(request, **kwargs)


class RewritingTransport(http.BaseTransport):
    '''A transport wrapper that sends another request (another body) on retries.'''

    def __init__(self, inner):
        self.inner = inner

    def handle_request(self, request):
        if retrying(request):
            headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
            request = http.Request(request.method, request.url, headers=headers, content=prefill(request.read()))
        return self.inner.handle_request(request)


class PreparedOnRetry(anthropic.Anthropic):
    '''The SDK's own hook for mutating a built request.'''

    def _prepare_request(self, request):
        mutate_in_place(request)


def make(kind, seen):
    transport = http.MockTransport(seen)
    cls, hc = anthropic.Anthropic, http.Client(transport=transport)
    if kind == "new_request":
        hc = NewRequestOnRetry(transport=transport)
    elif kind == "in_place":
        hc = InPlaceOnRetry(transport=transport)
    elif kind == "event_hook":
        hc = http.Client(transport=transport, event_hooks={"request": [mutate_in_place]})
    elif kind == "prepare_request":
        cls = PreparedOnRetry
    elif kind == "transport_wrapper":
        hc = http.Client(transport=RewritingTransport(transport))
    return cls(api_key="test-key", base_url="http://127.0.0.1:9", max_retries=2, http_client=hc)


@pytest.mark.parametrize("kind", ["new_request", "in_place", "event_hook", "prepare_request", "transport_wrapper"])
def test_changed_retry_is_checked(kind, claude_guard):
    seen = Seen(fail_first=True)
    with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
        make(kind, seen).messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
    assert len(seen.bodies) == 1  # the first attempt only: the changed retry was never sent
    assert len(claude_guard.requests) == 2


def test_async_event_hook_changing_a_retry_is_checked(claude_guard):
    seen = Seen(fail_first=True)

    async def hook(request):
        mutate_in_place(request)

    async def go():
        client = anthropic.AsyncAnthropic(
            api_key="test-key", base_url="http://127.0.0.1:9", max_retries=2,
            http_client=http.AsyncClient(transport=http.MockTransport(seen.handle_async), event_hooks={"request": [hook]}))
        await client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)

    with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
        asyncio.run(go())
    assert len(seen.bodies) == 1 and len(claude_guard.requests) == 2


def test_identical_retry_is_checked_once(claude_guard):
    seen = Seen(fail_first=True)
    make("plain", seen).messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
    assert len(seen.bodies) == 2 and seen.bodies[0] == seen.bodies[1]
    assert len(claude_guard.requests) == 1
"""


def test_sdk_retry_with_a_changed_body_is_checked(suite: Suite) -> None:
    """A retry whose body an http client or transport wrapper, an event hook or ``_prepare_request`` changed is
    checked (and blocked when invalid); a retry that repeats the checked body is neither checked nor counted
    again."""
    suite.write(RETRIES)
    result = suite.run()
    result.assert_outcomes(passed=7)


def test_sdk_middleware_changing_a_retry_is_checked(suite_v2: Suite) -> None:
    """anthropic >= 2 middleware may hand each attempt other options: a retry it made invalid is not sent."""
    suite_v2.write(
        HELPERS
        + dedent("""
        def on_retry_prefill(request, call_next):
            if request.retries_taken:
                request.options.json_data = {**request.options.json_data, "messages": PREFILL}
            return call_next(request)

        def test_middleware(claude_guard):
            seen = Seen(fail_first=True)
            client = anthropic.Anthropic(api_key="test-key", base_url="http://127.0.0.1:9", max_retries=2,
                                         http_client=http.Client(transport=http.MockTransport(seen)),
                                         middleware=[on_retry_prefill])
            with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
                client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
            assert len(seen.bodies) == 1
        """)
    )
    suite_v2.run().assert_outcomes(passed=1)


def test_the_last_hook_before_the_transport_is_in_place(suite: Suite) -> None:
    """httpx(2)'s private ``Client._send_single_request`` (after event hooks and auth, before the transport) and
    the library's transports are where the guard sees a body changed after it was judged: fails loudly when a
    release moves them."""
    suite.write(
        """
        from conftest import http
        from pytest_claude_guard._adapters._patch import is_guarded

        def test_hooks():
            assert is_guarded(http.Client.__dict__["_send_single_request"])
            assert is_guarded(http.AsyncClient.__dict__["_send_single_request"])
            assert is_guarded(http.HTTPTransport.__dict__["handle_request"])
            assert is_guarded(http.AsyncHTTPTransport.__dict__["handle_async_request"])
            assert is_guarded(http.MockTransport.__dict__["handle_request"])
            assert is_guarded(http.MockTransport.__dict__["handle_async_request"])
        """
    )
    suite.run().assert_outcomes(passed=1)


# --- B8: a raw call carrying x-stainless-retry-count is still checked -------------------------------------


def test_raw_call_with_a_retry_header_is_checked(suite: Suite) -> None:
    """Only what really was checked is skipped: a raw httpx(2) or requests call with
    ``x-stainless-retry-count: 1`` had no earlier attempt checked; a request an auth flow made, or a body an
    adapter mounted around requests' own rewrote, is checked too."""
    suite.write(
        HELPERS
        + dedent("""
        RETRY = {**HEADERS, "x-stainless-retry-count": "1"}

        def test_httpx_family(claude_guard):
            seen = Seen()
            with claude_guard.expect("prefill_not_supported"):
                with http.Client(transport=http.MockTransport(seen)) as c:
                    assert c.post(URL, content=BAD, headers=RETRY).status_code == 400
            assert seen.bodies == []

        def test_requests(claude_guard):
            with claude_guard.expect("prefill_not_supported"):
                assert requests.post(URL, data=BAD, headers=RETRY).status_code == 400

        class Rewriting(requests.adapters.HTTPAdapter):  # an adapter that sends another body
            def send(self, request, *args, **kwargs):
                request.prepare_body(BAD, None)
                return super().send(request, *args, **kwargs)

        def test_requests_adapter_rewriting_the_body(claude_guard):
            session = requests.Session()
            session.mount("http://", Rewriting())
            with claude_guard.expect("prefill_not_supported"):
                assert session.post(URL, data=GOOD, headers=HEADERS).status_code == 400
            assert len(claude_guard.requests) == 2

        class Swap(http.Auth):  # an auth flow that sends another request than the one the client was given
            def auth_flow(self, request):
                yield http.Request(request.method, request.url, headers=HEADERS, content=BAD)

        def test_auth_flow_request(claude_guard):
            seen = Seen()
            with claude_guard.expect("prefill_not_supported"):
                with http.Client(transport=http.MockTransport(seen)) as c:
                    assert c.post(URL, content=GOOD, headers=HEADERS, auth=Swap()).status_code == 400
            assert seen.bodies == [] and len(claude_guard.requests) == 2
        """)
    )
    suite.run().assert_outcomes(passed=4)


# --- B7: generator, async generator and file bodies ---------------------------------------------------------

STREAMS = HELPERS + """

def chunks(data):
    for i in range(0, len(data), 7):
        yield data[i:i + 7]


async def achunks(data):
    for chunk in chunks(data):
        yield chunk


def body(kind, data, tmp_path):
    if kind == "generator":
        return chunks(data)
    if kind == "async_generator":
        return achunks(data)
    path = tmp_path / "body.json"
    path.write_bytes(data)
    return open(path, "rb")


def send_httpx(kind, data, tmp_path):
    seen = Seen()
    content = body(kind, data, tmp_path)
    if kind == "async_generator":
        async def go():
            async with http.AsyncClient(transport=http.MockTransport(seen.handle_async)) as c:
                return (await c.post(URL, content=content, headers=HEADERS)).status_code
        return asyncio.run(go()), seen.bodies
    with http.Client(transport=http.MockTransport(seen)) as c:
        return c.post(URL, content=content, headers=HEADERS).status_code, seen.bodies


@pytest.mark.parametrize("kind", ["generator", "async_generator", "file"])
def test_httpx_family_good_is_sent_whole(kind, tmp_path, claude_guard):
    assert send_httpx(kind, GOOD, tmp_path) == (200, [GOOD])
    assert len(claude_guard.requests) == 1 and claude_guard.requests[0].body["messages"] == USER


@pytest.mark.parametrize("kind", ["generator", "async_generator", "file"])
def test_httpx_family_bad_is_blocked(kind, tmp_path, claude_guard):
    with claude_guard.expect("prefill_not_supported"):
        assert send_httpx(kind, BAD, tmp_path) == (400, [])


class Adapter(requests.adapters.BaseAdapter):
    '''A local requests transport: keeps what reached it (a generator or file body read whole).'''

    def __init__(self):
        super().__init__()
        self.bodies = []

    def send(self, request, **kwargs):
        data = request.body
        if hasattr(data, "read"):
            data = data.read()
        elif not isinstance(data, (bytes, str)):
            data = b"".join(data)
        self.bodies.append(data)
        response = requests.models.Response()
        response.status_code, response._content, response.request = 200, b"{}", request
        return response

    def close(self):
        pass


@pytest.mark.parametrize("kind", ["generator", "file"])
@pytest.mark.parametrize("good", [True, False])
def test_requests_streamed(kind, good, tmp_path, claude_guard):
    adapter, session = Adapter(), requests.Session()
    session.mount("http://", adapter)
    data = GOOD if good else BAD
    with contextlib.nullcontext() if good else claude_guard.expect("prefill_not_supported"):
        status = session.post(URL, data=body(kind, data, tmp_path), headers=HEADERS).status_code
    assert (status, adapter.bodies) == ((200, [GOOD]) if good else (400, []))


@pytest.mark.claude_guard(mode="warn")
def test_over_the_limit_in_warn_mode_is_sent_whole(monkeypatch, tmp_path, claude_guard):
    import pytest_claude_guard._core._engine as engine

    monkeypatch.setattr(engine, "MAX_BODY_BYTES", 1 << 20)
    data = b" " * (3 << 20)
    seen = Seen()
    with http.Client(transport=http.MockTransport(seen)) as c:
        pieces = (data[i:i + 65536] for i in range(0, len(data), 65536))
        assert c.post(URL, content=pieces, headers=HEADERS).status_code == 200
    assert seen.bodies == [data]
    adapter, session = Adapter(), requests.Session()
    session.mount("http://", adapter)
    assert session.post(URL, data=body("file", data, tmp_path), headers=HEADERS).status_code == 200
    assert adapter.bodies == [data]
    assert [[v.code for v in r.violations] for r in claude_guard.requests] == [["request_too_large"]] * 2


def test_endless_generator_is_a_finding_not_a_hang(monkeypatch, claude_guard):
    import pytest_claude_guard._core._engine as engine

    monkeypatch.setattr(engine, "MAX_BODY_BYTES", 1 << 20)

    def endless():
        while True:
            yield b" " * 4096

    seen = Seen()
    with claude_guard.expect("request_too_large"):
        with http.Client(transport=http.MockTransport(seen)) as c:
            assert c.post(URL, content=endless(), headers=HEADERS).status_code == 413
    assert seen.bodies == []
"""


def test_streamed_and_file_bodies_are_checked(suite: Suite) -> None:
    """Raw httpx(2) and requests calls with a generator, async generator or file body are checked; a valid
    body still reaches the transport whole, an endless one is a request_too_large finding (and one over the
    limit is still sent whole where the mode lets it through)."""
    suite.write(STREAMS)
    suite.run().assert_outcomes(passed=12)


# --- gzip request bodies ----------------------------------------------------------------------------------


def test_compressed_bodies(suite: Suite) -> None:
    """A gzip (or deflate) body is judged decoded: valid is sent as is, invalid is blocked with its real cause;
    a decompression bomb is a request_too_large finding; an encoding the API does not decode stays
    request_body_encoding."""
    suite.write(
        HELPERS
        + dedent("""
        def post(data, encoding):
            seen = Seen()
            with http.Client(transport=http.MockTransport(seen)) as c:
                status = c.post(URL, content=data, headers={**HEADERS, "content-encoding": encoding}).status_code
            return status, seen.bodies

        @pytest.mark.parametrize("encoding, compress", [("gzip", gzip.compress), ("deflate", zlib.compress)])
        def test_valid_sent_as_is(encoding, compress, claude_guard):
            data = compress(GOOD)
            assert post(data, encoding) == (200, [data])
            assert claude_guard.requests[0].violations == []

        def test_invalid_gzip_is_blocked(claude_guard):
            with claude_guard.expect("prefill_not_supported"):
                assert post(gzip.compress(BAD), "gzip") == (400, [])

        def test_requests_gzip(claude_guard):
            with claude_guard.expect("prefill_not_supported"):
                r = requests.post(URL, data=gzip.compress(BAD), headers={**HEADERS, "content-encoding": "gzip"})
                assert r.status_code == 400

        def test_gzip_bomb(monkeypatch, claude_guard):
            import pytest_claude_guard._core._engine as engine

            monkeypatch.setattr(engine, "MAX_BODY_BYTES", 1 << 20)
            with claude_guard.expect("request_too_large"):
                assert post(gzip.compress(b" " * (8 << 20)), "gzip") == (413, [])

        def test_unknown_encoding(claude_guard):
            with claude_guard.expect("request_body_encoding"):
                assert post(GOOD, "compress")[0] == 400
        """)
    )
    suite.run().assert_outcomes(passed=6)


# --- nested in-process pytest runs --------------------------------------------------------------------------

NESTED = '''
import json
import pytest

pytest_plugins = ["pytester"]

INNER = """
import anthropic

def test_inner():
    assert anthropic.Anthropic
"""

PREFILL = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Sure"}]


def test_outer(pytester, claude_guard):
    pytester.makepyfile(test_inner=INNER)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)  # in-process: imports the SDK
    import anthropic, httpx2

    seen = []
    handler = lambda r: seen.append(r) or httpx2.Response(500)
    client = anthropic.Anthropic(api_key="test-key", base_url="http://127.0.0.1:9", max_retries=0,
                                 http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
        client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
    assert seen == []
'''


def test_nested_pytest_run_leaves_the_outer_session_guarded(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """An inner in-process pytest run that imports the SDK (its session configures and unconfigures the plugin
    too) leaves the outer session's hooks in place: the outer test's request is still checked afterwards."""
    monkeypatch.delenv("CI", raising=False)
    pytester.makepyfile(test_outer=textwrap.dedent(NESTED))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "default")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("encoding, compress", [("gzip", "gzip"), ("deflate", "zlib")])
def test_assert_valid_request_decodes_a_compressed_request(encoding: str, compress: str) -> None:
    """assert_valid_request judges an HTTP request object's gzip or deflate body decoded, like the plugin."""
    import gzip
    import json
    import zlib

    import httpx2

    from pytest_claude_guard import assert_valid_request

    pack = gzip.compress if compress == "gzip" else zlib.compress
    user = [{"role": "user", "content": "Hello"}]
    headers = {"anthropic-version": "2023-06-01", "x-api-key": "k", "content-encoding": encoding}

    def request(messages: list) -> httpx2.Request:
        body = json.dumps({"model": "claude-opus-4-6", "max_tokens": 5, "messages": messages}).encode()
        return httpx2.Request("POST", "https://api.anthropic.com/v1/messages", headers=headers, content=pack(body))

    assert_valid_request(request(user))
    with pytest.raises(AssertionError, match="prefill_not_supported"):
        assert_valid_request(request(user + [{"role": "assistant", "content": "Sure"}]))


def test_sdk_upload_bodies_are_not_read(suite_v2: Suite) -> None:
    """Only Messages requests are read: a Files API upload (a multipart stream) reaches the transport untouched
    and unchecked."""
    suite_v2.write(
        HELPERS
        + dedent("""
        def test_upload(claude_guard):
            seen = Seen()
            client = anthropic.Anthropic(api_key="test-key", base_url="http://127.0.0.1:9", max_retries=0,
                                         http_client=http.Client(transport=http.MockTransport(seen)))
            client.beta.files.upload(file=("notes.txt", b"hello from a file", "text/plain"))
            assert len(seen.bodies) == 1 and b"hello from a file" in seen.bodies[0]
            assert claude_guard.requests == []
        """)
    )
    suite_v2.run().assert_outcomes(passed=1)
