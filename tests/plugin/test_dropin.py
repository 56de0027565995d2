"""Drop-in on real suites: warning filters, replayed recordings, failure text, fixtures in every mode, requests
outside their test, xdist workers that die, batches, and the guard's own failures."""

from __future__ import annotations

import json
from typing import Any as Suite

import pytest

WARNING_AND_ERROR = """
import anthropic
from conftest import PREFILL, USER

def test_warning_only(client):
    client.messages.create(model="claude-opus-9", max_tokens=5, messages=USER)

def test_warning_then_error(client):
    client.messages.create(model="claude-opus-9", max_tokens=5, messages=USER)
    try:
        client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
    except anthropic.BadRequestError:
        pass
"""


def test_filterwarnings_error_never_fails_on_findings_that_are_not_failures(suite: Suite) -> None:
    """With filterwarnings = error, a warning finding passes its test, warn mode passes every test, and an
    error's diagnosis is not hidden by a warning of the same test (strict and warn mode: one run each)."""
    suite.ini("filterwarnings = error\n")
    suite.write(WARNING_AND_ERROR)
    modes = ["strict", "warn"]
    for mode, result in zip(modes, suite.run_each(*([f"--claude-guard={mode}"] for mode in modes))):
        with suite.variant(mode):
            if mode == "warn":
                result.assert_outcomes(passed=2, warnings=3)
            else:
                result.assert_outcomes(passed=1, failed=1, warnings=2)
                result.stdout.fnmatch_lines(["*prefill_not_supported (error, confirmed) at messages.1*"])
            result.stdout.fnmatch_lines(["*model_not_found*warning*2x*first: test_inner.py::test_warning_only"])


FUNCTION_CALL = """
import anthropic
from conftest import PREFILL

def summarize(client):
    return client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)

def test_summary(client):
    summarize(client)
"""


def test_failure_names_cause_and_call_site_without_exception_noise(suite: Suite) -> None:
    """The FAILED line names the cause; the text shows the user's call site; no raw error dict, no chain."""
    suite.write(FUNCTION_CALL)
    result = suite.run("-rf")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "prefill_not_supported (claude-guard: 1 request in this test the Anthropic API would reject)",
            "POST http://127.0.0.1:9/v1/messages (anthropic SDK, called at test_inner.py:5 in summarize): not sent*",
            "FAILED test_inner.py::test_summary - Failed: prefill_not_supported (claude-gu*",
        ]
    )
    result.stdout.no_fnmatch_line("*During handling of the above exception*")
    result.stdout.no_fnmatch_line("*{'type': 'error'*")


PHASES = """
import unittest
import anthropic, pytest
from conftest import PREFILL, USER, Counting, http


def _client():
    return anthropic.Anthropic(api_key="test-key", base_url="http://127.0.0.1:9", max_retries=0,
                               http_client=http.Client(transport=http.MockTransport(Counting())))


def _swallowed_prefill(client):
    try:
        client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
    except anthropic.BadRequestError:
        pass


class TestCaseStyle(unittest.TestCase):
    def test_unittest(self):
        _client().messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)


@pytest.mark.xfail(reason="known bad request")
def test_xfail(client):
    client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)


@pytest.fixture
def bad_setup(client):
    _swallowed_prefill(client)
    return client


def test_setup_request(bad_setup):
    pass


@pytest.fixture
def bad_teardown(client):
    yield client
    client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)


def test_teardown_request(bad_teardown):
    bad_teardown.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)


def test_interrupted(client):
    _swallowed_prefill(client)
    raise KeyboardInterrupt
"""

INTERACT = """
def pytest_exception_interact(node, call, report):  # what --pdb would be shown
    print(f"INTERACT {node.name} {call.when} {call.excinfo.typename}")
"""


def test_diagnosis_replaces_the_phase_outcome_in_every_test_style(suite_v2: Suite) -> None:
    """A unittest TestCase whose request is blocked fails with the diagnosis (not the SDK's error that unittest
    recorded); an xfail test stays xfailed; a request made in a fixture's setup fails the call, one made in its
    teardown errors the teardown; the debugger hook (``--pdb``) sees the diagnosis; an interrupt stays an
    interrupt."""
    suite_v2.write(PHASES)
    suite_v2.pytester.makepyfile(conftest_interact=INTERACT)
    with open(suite_v2.pytester.path / "conftest.py", "a", encoding="utf-8") as fh:
        fh.write("\npytest_plugins = ['conftest_interact']\n")
    result = suite_v2.run("-rfExX", "-k", "not interrupted")
    result.assert_outcomes(failed=2, errors=1, passed=1, xfailed=1)
    result.stdout.fnmatch_lines_random(
        [
            "FAILED test_inner.py::TestCaseStyle::test_unittest - Failed: prefill_not_supp*",
            "FAILED test_inner.py::test_setup_request - Failed: prefill_not_supp*",
            "ERROR test_inner.py::test_teardown_request - Failed: prefill_not_supp*",
            "XFAIL test_inner.py::test_xfail*",
            "*INTERACT test_unittest call Failed",
            "*INTERACT test_setup_request call Failed",
            "*INTERACT test_teardown_request teardown Failed",
        ]
    )
    result.stdout.no_fnmatch_line("*BadRequestError*")
    interrupted = suite_v2.run("-k", "interrupted", subprocess=True)
    assert interrupted.ret == pytest.ExitCode.INTERRUPTED
    interrupted.stdout.fnmatch_lines(["*KeyboardInterrupt*"])


FIXTURES = """
import anthropic, pytest
from conftest import PREFILL, USER

def test_requests_hold_every_request(client, claude_guard, request):
    client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
    client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
    if request.config.getoption("claude_guard_mode") == "off":
        assert claude_guard.requests == []  # nothing is checked
        return
    assert [r.violations for r in claude_guard.requests] == [[], []]
    assert claude_guard.requests[0].body["model"] == "claude-opus-4-6"
    assert claude_guard.requests[0].headers["authorization"] == "[redacted]"

def test_expect_in_this_mode(client, transport, claude_guard):
    with claude_guard.expect("prefill_not_supported"):
        try:
            client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
        except anthropic.BadRequestError:
            pass
    print("REACHED", len(transport.requests))

def test_expect_with_another_cause(client, claude_guard):
    with claude_guard.expect("prefill_not_supported"):
        try:
            client.messages.create(model="claude-3-opus-20240229", max_tokens=5, messages=USER)
        except anthropic.APIStatusError:
            pass
"""


@pytest.mark.parametrize(("mode", "reached"), [("strict", 0), ("warn", 1), ("off", 1)])
def test_fixtures_in_every_mode(suite_v2: Suite, mode: str, reached: int) -> None:
    """`requests` holds every checked request; expect() works in every mode (sent outside strict); a violation
    of another cause inside expect() is one failure, not a failure and a teardown error."""
    suite_v2.write(FIXTURES)
    result = suite_v2.run(f"--claude-guard={mode}", "-s")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([f"*REACHED {reached}*"])
    result.stdout.no_fnmatch_line("*ERROR at teardown*")


LEAKED_THREAD = """
import threading, time
from conftest import PREFILL

GO = threading.Event()
THREADS = []

def test_a_leaks_a_thread(client):
    def later():
        GO.wait(10)
        try:
            client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
        except Exception:
            pass
    t = threading.Thread(target=later)
    t.start()
    THREADS.append(t)

def test_b_unrelated():
    GO.set()
    THREADS[0].join(10)
"""


def test_request_after_its_test_fails_the_run_not_another_test(suite: Suite) -> None:
    """A leaked thread's request is attributed to the test that started it, turns no other test red, and
    fails the run with a summary line naming where it came from."""
    suite.write(LEAKED_THREAD)
    result = suite.run()
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "1 finding(s) in requests made outside their test (1 failing the run):",
            "  POST http://127.0.0.1:9/v1/messages started in test_inner.py::test_a_leaks_a_thread, after its test ended"
            " at test_inner.py:* in later: prefill_not_supported (error)",
        ]
    )


CRASHING_WORKER = """
import os, anthropic
from conftest import PREFILL

def test_1_bad_request(client):
    try:
        client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
    except anthropic.BadRequestError:
        pass

def test_2_worker_dies():
    os._exit(3)
"""


def test_xdist_worker_killed_mid_run_loses_nothing(suite_v2: Suite) -> None:
    """Records travel as each test ends: a worker that dies keeps what it had checked in the report."""
    suite_v2.write(CRASHING_WORKER)
    # no replacement worker: one would start up with nothing left to run, and the run's end waits for it to
    # exit (execnet kills a worker only after 10 s); the crash and the report are the same without it
    result = suite_v2.run("-n", "1", "-p", "xdist", "--max-worker-restart=0", "--claude-guard-report=report.json",
                          subprocess=True)
    assert result.ret != 0
    doc = json.loads((suite_v2.pytester.path / "report.json").read_text())
    assert [(v["test_id"], v["code"]) for v in doc["violations"]] == [("test_inner.py::test_1_bad_request", "prefill_not_supported")]
    assert doc["requests_checked"] == 1


def test_unwritable_report_fails_the_run_with_a_message(suite_v2: Suite) -> None:
    """A report that cannot be written is a clear line and a failing exit status, never an internal error."""
    suite_v2.pytester.makefile(".txt", blocker="a file where a folder should be")
    suite_v2.write(FUNCTION_CALL)
    result = suite_v2.run("--claude-guard-report=blocker.txt/report.json")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["claude-guard: cannot write the report blocker.txt/report.json: *"])
    result.stdout.no_fnmatch_line("*INTERNALERROR*")


BATCH = """
from conftest import PREFILL, USER

def test_batch(client, transport):
    batch = client.messages.batches.create(requests=[
        {"custom_id": "ok-1", "params": {"model": "claude-opus-4-6", "max_tokens": 5, "messages": USER}},
        {"custom_id": "bad-2", "params": {"model": "claude-opus-4-6", "max_tokens": 5, "messages": PREFILL}},
    ])
    print("BATCH", batch.id, len(transport.requests))
"""


def test_batch_item_errors_are_sent_and_fail_naming_the_custom_id(suite: Suite) -> None:
    """The API accepts a batch whose items are invalid and errors those items: the batch is sent, the SDK gets
    the batch back, and the test fails naming the custom_id and what production will see."""
    suite.write(BATCH)
    result = suite.run("-s")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*BATCH msgbatch_1 1*",
            "*: sent: the API accepts this batch; in production the request(s) 'bad-2' end with result type `errored`*",
            "prefill_not_supported (error, confirmed) at requests.1.params.messages.1",
        ]
    )


GUARD_BUG = """
from conftest import PREFILL

def test_guard_breaks(client, transport, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("simulated guard failure")
    monkeypatch.setattr("pytest_claude_guard._plugin.state.validate_normalized", boom)
    client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
    print("SENT", len(transport.requests))
"""


def test_guard_failure_is_a_finding_not_silence(suite_v2: Suite) -> None:
    """When the guard itself fails, the request is sent unchecked and the summary and report say so."""
    suite_v2.write(GUARD_BUG)
    result = suite_v2.run("-s", "--claude-guard-report=r.json")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*SENT 1*", "  engine_error  warning  *1x  first: test_inner.py::test_guard_breaks"])
    doc = json.loads((suite_v2.pytester.path / "r.json").read_text())
    assert "simulated guard failure" in doc["violations"][0]["message"]


MIXED = """
import anthropic, httpx2

def _post(model):
    with httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(200, json={}))) as c:
        c.post("https://api.anthropic.com/v1/messages", headers={"anthropic-version": "2023-06-01", "x-api-key": "k"},
               json={"model": model, "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]})

def test_warning():
    _post("claude-opus-9")

def test_error():
    _post("gpt-4o")
"""


@pytest.mark.parametrize("xdist", [False, True])
def test_summary_counts_errors_and_warnings_per_code(suite_v2: Suite, xdist: bool) -> None:
    """One code seen as an error in one test and a warning in another is counted as both, serial and -n 2."""
    suite_v2.write(MIXED)
    args = ("-n", "2", "-p", "xdist") if xdist else ()
    result = suite_v2.run("--claude-guard=warn", *args, subprocess=xdist)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["  model_not_found  error  *  1x  + warning  *  1x  first: *"])


REPLAY = """
import json, anthropic, vcr
from conftest import USER, MESSAGE

CASSETTE = {"version": 1, "interactions": [{
    "request": {"method": "POST", "uri": "http://127.0.0.1:9/v1/messages", "headers": {}, "body": json.dumps(
        {"model": "claude-3-opus-20240229", "max_tokens": 5, "messages": USER})},
    "response": {"status": {"code": 200, "message": "OK"}, "headers": {"content-type": ["application/json"]},
                 "body": {"string": json.dumps(MESSAGE)}}}]}

def test_replayed(client, tmp_path):
    path = tmp_path / "retired.json"
    path.write_text(json.dumps(CASSETTE))
    with vcr.use_cassette(str(path), serializer="json", record_mode="none"):
        message = client.messages.create(model="claude-3-opus-20240229", max_tokens=5, messages=USER)
    assert message.id == "msg_1"

def test_live(client):
    client.messages.create(model="claude-3-opus-20240229", max_tokens=5, messages=USER)
"""


def test_replayed_recording_of_a_retired_model_is_drift(suite: Suite) -> None:
    """A vcrpy replay of a 200 recorded for a since-retired model is reported as drift (the run passes),
    while the same request through a MockTransport fails; --claude-guard-drift=fail makes the replay fail."""
    suite.write(REPLAY)
    drifts = ["report", "fail"]
    for drift, result in zip(drifts, suite.run_each(*([f"--claude-guard-drift={drift}"] for drift in drifts))):
        with suite.variant(drift):
            if drift == "report":
                result.assert_outcomes(passed=1, failed=1)
                result.stdout.fnmatch_lines(
                    [
                        "1 test(s) replay recordings of retired models: re-recording them will fail*",
                        "  claude-3-opus-20240229 (model_retired): 1 test(s), e.g. test_inner.py::test_replayed"
                        " (*retired.json)",
                        "FAILED test_inner.py::test_live - *model_retired*",
                    ]
                )
            else:
                result.assert_outcomes(failed=2)
                result.stdout.fnmatch_lines(["*replayed from *retired.json: re-recording it will fail*"])


RESPX_BESIDE_HTTPX2 = """
import anthropic, pytest, respx
from conftest import PREFILL

def test_blocked_beside_respx(client):
    with respx.mock(assert_all_called=False) as router:
        router.post("https://api.anthropic.com/v1/messages").respond(200, json={})
        with pytest.raises(anthropic.BadRequestError):
            client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
"""


def test_failure_text_says_why_a_mock_library_may_complain(suite_v2: Suite) -> None:
    """respx mocks httpx while the 1.x SDK sends through httpx2: the failure text says why respx may report
    routes as not called."""
    suite_v2.write(RESPX_BESIDE_HTTPX2)
    result = suite_v2.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["Note: respx mocks httpx, but the anthropic SDK >= 1.0 sends through httpx2*"])


def test_captured_headers_show_only_allow_listed_values() -> None:
    """Gateway auth headers, bearer tokens, SigV4 signatures and cookies are masked in captured requests;
    only headers on the allow-list keep their values."""
    from pytest_claude_guard._core._secrets import MASK, redact_headers

    shown = redact_headers(
        {
            "Authorization": "Bearer secret-1", "cf-aig-authorization": "Bearer secret-2", "x-portkey-api-key": "secret-3",
            "x-custom-auth": "secret-4", "Cookie": "session=secret-5", "X-Amz-Security-Token": "secret-6",
            "anthropic-version": "2023-06-01", "content-type": "application/json", "user-agent": "sk-ant-api03-abcdef",
        }
    )
    assert [name for name, value in shown.items() if value == MASK] == [
        "authorization", "cf-aig-authorization", "x-portkey-api-key", "x-custom-auth", "cookie", "x-amz-security-token",
    ]
    assert shown["anthropic-version"] == "2023-06-01" and shown["user-agent"] == "sk-ant-[redacted]"


SONNET_45 = """
import anthropic
from conftest import USER

def test_sonnet_45(client):
    try:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=5, messages=USER)
    except anthropic.NotFoundError:
        pass
"""


@pytest.mark.parametrize(
    ("ini", "env", "outcome", "code", "today"),
    [
        ("claude_guard_today = 2026-11-29", None, "passed", "model_deprecated", "2026-11-29 (ini claude_guard_today)"),
        ("claude_guard_today = 2026-11-29", "2026-12-01", "failed", "model_retired", "2026-12-01 (CLAUDE_GUARD_TODAY)"),
        ("", "2026-12-01", "failed", "model_retired", "2026-12-01 (CLAUDE_GUARD_TODAY)"),
    ],
)
def test_lifecycle_date_from_ini_or_environment(
    suite_v2: Suite, monkeypatch: pytest.MonkeyPatch, ini: str, env: str, outcome: str, code: str, today: str
) -> None:
    """The date lifecycles are judged as of: CLAUDE_GUARD_TODAY > ini claude_guard_today > the clock; the report
    and the summary record it. claude-sonnet-4-5 is served (deprecated) on 2026-11-29 and retired on 2026-12-01."""
    if env:
        monkeypatch.setenv("CLAUDE_GUARD_TODAY", env)
    else:
        monkeypatch.delenv("CLAUDE_GUARD_TODAY", raising=False)  # the suite's fixed day would win over the ini
    if ini:
        suite_v2.ini(ini)
    suite_v2.write(SONNET_45)
    result = suite_v2.run("--claude-guard-report=r.json", subprocess=True)
    result.assert_outcomes(**{outcome: 1})
    result.stdout.fnmatch_lines([f"  {code}  *", f"model lifecycles judged as of {today}"])
    doc = json.loads((suite_v2.pytester.path / "r.json").read_text())
    assert doc["today"] == today and [v["code"] for v in doc["violations"]] == [code]


def test_bad_lifecycle_date_is_a_usage_error(suite_v2: Suite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A claude_guard_today that is not YYYY-MM-DD stops the run at start-up, naming the ini key."""
    monkeypatch.delenv("CLAUDE_GUARD_TODAY", raising=False)  # it would win over the ini
    suite_v2.ini("claude_guard_today = next tuesday")
    suite_v2.write(SONNET_45)
    result = suite_v2.run(subprocess=True)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*claude-guard*claude_guard_today*"])


def test_bad_lifecycle_date_in_the_environment_is_a_usage_error(suite_v2: Suite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CLAUDE_GUARD_TODAY that is not YYYY-MM-DD stops the run at start-up with a message naming it."""
    monkeypatch.setenv("CLAUDE_GUARD_TODAY", "soon")
    suite_v2.write(SONNET_45)
    result = suite_v2.run(subprocess=True)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*claude-guard*CLAUDE_GUARD_TODAY*"])
    result.stderr.no_fnmatch_line("*INTERNALERROR*")
