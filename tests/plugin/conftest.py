"""Helpers for the plugin tests: an inner suite (conftest with local transports) run by pytester on either
SDK line: "v2" (anthropic >= 1.0 over httpx2, in-process) or "v0" (0.x over httpx, a subprocess with
``PYTHONPATH=.legacy-sdk``).  Variants of one test (sync/async, a mode, an option) run through
``Suite.run_each``: on the 0.x line all in one subprocess, not one each.  No test here touches the network."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, List, Sequence

import anthropic  # noqa: F401 - imported once here: in-process pytester runs then do not re-import it
import httpx2  # noqa: F401
import pytest
import requests  # noqa: F401

INNER_CONFTEST = '''
import asyncio
import json
import sys

import anthropic
import pytest

_base = next(c for c in anthropic.DefaultHttpxClient.__mro__ if c.__name__ == "Client")
http = sys.modules[_base.__module__.split(".")[0]]  # httpx2 for anthropic >= 1.0, httpx for 0.x

MESSAGE = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-opus-4-6",
           "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn", "stop_sequence": None,
           "usage": {"input_tokens": 1, "output_tokens": 1}}
EVENTS = [
    ("message_start", {"type": "message_start", "message": {**MESSAGE, "content": [], "stop_reason": None}}),
    ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "hi"}}),
    ("content_block_stop", {"type": "content_block_stop", "index": 0}),
    ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                       "usage": {"output_tokens": 1}}),
    ("message_stop", {"type": "message_stop"}),
]
SSE = "".join(f"event: {name}\\ndata: {json.dumps(data)}\\n\\n" for name, data in EVENTS).encode()
BATCH = {"id": "msgbatch_1", "type": "message_batch", "processing_status": "in_progress",
         "request_counts": {"processing": 1, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0},
         "created_at": "2025-01-01T00:00:00Z", "expires_at": "2025-01-02T00:00:00Z"}
USER = [{"role": "user", "content": "Hello"}]
PREFILL = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Sure"}]


class Counting:
    """A local transport handler that answers like the API and counts what reached it."""

    def __init__(self):
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        path = request.url.path
        if path.endswith("/count_tokens"):
            return http.Response(200, json={"input_tokens": 3})
        if path.endswith("/batches"):
            return http.Response(200, json=BATCH)
        body = json.loads(request.content or b"{}")
        if body.get("stream") or path.endswith("invoke-with-response-stream") or path.endswith("streamRawPredict"):
            return http.Response(200, content=SSE, headers={"content-type": "text/event-stream"})
        return http.Response(200, json=MESSAGE)


def pytest_addoption(parser):
    parser.addoption("--kind", default="sync", choices=("sync", "async"))


@pytest.fixture
def transport():
    return Counting()


@pytest.fixture
def client(transport):
    return anthropic.Anthropic(api_key="test-key", base_url="http://127.0.0.1:9", max_retries=2,
                               http_client=http.Client(transport=http.MockTransport(transport)))


@pytest.fixture
def aclient(transport):
    return anthropic.AsyncAnthropic(api_key="test-key", base_url="http://127.0.0.1:9", max_retries=2,
                                    http_client=http.AsyncClient(transport=http.MockTransport(transport)))


class Api:
    """``api.create(**kw)`` etc. through the sync or the async client (``--kind``)."""

    def __init__(self, kind, client, aclient):
        self.kind, self.client, self.aclient = kind, client, aclient

    def _call(self, pick, **kw):
        if self.kind == "sync":
            return pick(self.client)(**kw)
        async def go():
            result = await pick(self.aclient)(**kw)
            if kw.get("stream"):
                return [event async for event in result]
            return result
        return asyncio.run(go())

    def create(self, **kw):
        result = self._call(lambda c: c.messages.create, **kw)
        return list(result) if kw.get("stream") and self.kind == "sync" else result

    def count_tokens(self, **kw):
        return self._call(lambda c: c.messages.count_tokens, **kw)


@pytest.fixture
def api(request, client, aclient):
    return Api(request.config.getoption("--kind"), client, aclient)
'''


# One 0.x-line process for all variants of a test: each run is pytest.main() in it, as pytester's in-process
# runs of the >= 1.0 line are in ours.  The first run is exactly a fresh ``python -m pytest``; later ones find
# the SDK and the plugin already imported (as every in-process run does) and forget what the run itself
# imported from the test folder (its conftest and test modules) and its sys.path entries.  Each run's exit
# status and output go to a file of their own.
BATCH_DRIVER = """
import contextlib, importlib, io, json, os, sys, time
import pytest

plan_path = sys.argv[1]
with open(plan_path) as fh:
    plan = json.load(fh)
here = os.path.realpath(os.getcwd())
results = []
for args in plan:
    before, path = set(sys.modules), list(sys.path)
    importlib.invalidate_caches()
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            ret = int(pytest.main(args))
        except SystemExit as exc:
            ret = exc.code if isinstance(exc.code, int) else 1
    results.append({"ret": ret, "out": out.getvalue(), "err": err.getvalue(),
                    "duration": time.perf_counter() - start})
    for name in set(sys.modules) - before:
        where = getattr(sys.modules[name], "__file__", None) or ""
        if os.path.realpath(where).startswith(here + os.sep):
            del sys.modules[name]
    sys.path[:] = path
with open(plan_path + ".results", "w") as fh:
    json.dump(results, fh)
"""


class Suite:
    """An inner test suite written by pytester and run on one SDK line."""

    def __init__(self, pytester: pytest.Pytester, line: str, legacy: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pytester = pytester
        self.line = line
        self.legacy = legacy
        self.monkeypatch = monkeypatch
        pytester.makeconftest(INNER_CONFTEST)

    @staticmethod
    @contextmanager
    def variant(name: str) -> Iterator[None]:
        """Names the variant in a failure of the assertions inside (one test checks several variants)."""
        try:
            yield
        except BaseException as exc:
            if hasattr(exc, "add_note"):  # Python >= 3.11
                exc.add_note(f"in variant {name!r}")
            raise

    def write(self, source: str, name: str = "test_inner") -> Path:
        return self.pytester.makepyfile(**{name: textwrap.dedent(source)})

    def ini(self, text: str) -> None:
        self.pytester.makeini("[pytest]\n" + textwrap.dedent(text))

    def _environment(self) -> None:
        # pytest prints whole failure messages in the short summary on CI: inner output must not depend on it
        self.monkeypatch.delenv("CI", raising=False)
        self.monkeypatch.delenv("BUILD_NUMBER", raising=False)
        if self.line == "v0":
            self.monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(self.legacy), os.environ.get("PYTHONPATH")])))

    def run(self, *args: str, subprocess: bool = False) -> pytest.RunResult:
        self._environment()
        if self.line == "v0":
            return self.pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
        if subprocess:
            return self.pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
        # in-process runs inherit our own suite's ``filterwarnings = error``: restore the default first
        return self.pytester.runpytest("-p", "no:cacheprovider", "-W", "default", *args)

    def run_each(self, *variants: Sequence[str]) -> List[pytest.RunResult]:
        """One run per argument list, in order: on the 0.x line all in one subprocess (``BATCH_DRIVER``),
        on the >= 1.0 line in-process as ``run``."""
        if self.line != "v0":
            return [self.run(*args) for args in variants]
        self._environment()
        plan = [
            [f"--basetemp={self.pytester.path / f'runpytest-each-{i}'}", "-p", "no:cacheprovider", *args]
            for i, args in enumerate(variants)
        ]
        plan_path = self.pytester.path / "run_each.json"
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        driver = self.pytester.run(sys.executable, "-c", BATCH_DRIVER, str(plan_path))
        assert driver.ret == 0, "\n".join(driver.errlines[-40:])
        runs = json.loads(Path(str(plan_path) + ".results").read_text(encoding="utf-8"))
        results = []
        for args, run in zip(variants, runs):
            out, err = run["out"].splitlines(), run["err"].splitlines()
            print(f"--- run {' '.join(args)} (0.x line, in the shared process)", *out, *err, sep="\n")
            ret = run["ret"]
            code = pytest.ExitCode(ret) if ret in {int(c) for c in pytest.ExitCode} else ret  # as pytester's run
            results.append(pytest.RunResult(code, out, err, run["duration"]))
        assert len(results) == len(variants)
        return results


@pytest.fixture(params=["v2", "v0"])
def sdk_line(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def suite(pytester: pytest.Pytester, sdk_line: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Suite:
    legacy = request.getfixturevalue("legacy_sdk") if sdk_line == "v0" else None
    return Suite(pytester, sdk_line, legacy, monkeypatch)


@pytest.fixture
def suite_v2(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Suite:
    """For behaviour that does not depend on the SDK line (options, reports)."""
    return Suite(pytester, "v2", None, monkeypatch)


@pytest.fixture
def suite_v0(pytester: pytest.Pytester, legacy_sdk: Path, monkeypatch: pytest.MonkeyPatch) -> Suite:
    """For what only the 0.x line has (raw httpx, respx)."""
    return Suite(pytester, "v0", legacy_sdk, monkeypatch)
