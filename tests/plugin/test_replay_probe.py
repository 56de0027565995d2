"""The vcrpy replay probe (``_adapters/vcr_replay``) against real vcrpy cassettes: it names the cassette that would
replay a request, and vcrpy's own next question about that very request takes the probe's answer instead of
matching the cassette a second time; any other question is answered by vcrpy as before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import httpx
import pytest
import vcr
import vcr.cassette
from vcr.request import Request

from pytest_claude_guard._adapters import vcr_replay

URL = "http://127.0.0.1:9/v1/messages"
BODY = json.dumps({"model": "claude-3-opus-20240229", "max_tokens": 5,
                   "messages": [{"role": "user", "content": "Hello"}]}).encode()
HEADERS = [("Content-Type", "application/json"), ("X-Stainless-Lang", "python")]


def _cassette(path: Path) -> Path:
    interaction = {
        "request": {"method": "POST", "uri": URL, "headers": {}, "body": BODY.decode()},
        "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": "{}"}},
    }
    path.write_text(json.dumps({"version": 1, "interactions": [interaction]}), encoding="utf-8")
    return path


@pytest.fixture
def probe() -> Iterator[vcr_replay.ReplayProbe]:
    found = vcr_replay.ReplayProbe()
    uninstall = vcr_replay.install(vcr.cassette, found)
    try:
        yield found
    finally:
        uninstall()


def _counted(cassette: Any) -> List[Any]:
    """Every time vcrpy filters a request for this cassette (the first step of each match), noted."""
    seen: List[Any] = []
    original = cassette._before_record_request

    def counting(request: Any) -> Any:
        seen.append(request)
        return original(request)

    cassette._before_record_request = counting
    return seen


def _vcr_request(body: bytes = BODY, headers: List[Tuple[str, str]] = HEADERS) -> Request:
    return Request("POST", URL, body, dict(headers))  # as vcrpy's stubs build it: names as sent


# (what vcrpy asks after the probe, whether the probe's answer is taken, what vcrpy answers)
ASKED_AFTER = [
    ("the same request", _vcr_request(), True, True),
    ("another body", _vcr_request(BODY.replace(b"Hello", b"Bye")), False, True),  # vcrpy's default match_on has no body
    ("another header value", _vcr_request(headers=[("Content-Type", "text/plain"), HEADERS[1]]), False, True),
]


@pytest.mark.parametrize("label, asked, taken, answer", ASKED_AFTER, ids=[row[0] for row in ASKED_AFTER])
def test_vcrpy_takes_the_probes_answer_only_for_the_same_request(
    probe: vcr_replay.ReplayProbe, tmp_path: Path, label: str, asked: Request, taken: bool, answer: bool
) -> None:
    path = _cassette(tmp_path / "c.json")
    with vcr.use_cassette(str(path), serializer="json", record_mode="none") as cassette:
        seen = _counted(cassette)
        assert probe(URL, httpx.Headers(HEADERS), BODY) == str(path)
        probed = len(seen)
        assert probed > 0
        assert bool(cassette.can_play_response_for(asked)) is answer
        assert len(seen) == probed if taken else len(seen) > probed, label
        before = len(seen)
        cassette.can_play_response_for(asked)  # the answer is given once: vcrpy matches again
        assert len(seen) > before


def test_a_replay_through_the_probe_plays_the_recording(probe: vcr_replay.ReplayProbe, tmp_path: Path) -> None:
    path = _cassette(tmp_path / "c.json")
    with vcr.use_cassette(str(path), serializer="json", record_mode="none") as cassette:
        seen = _counted(cassette)
        assert probe(URL, httpx.Headers(HEADERS), BODY) == str(path)
        probed = len(seen)
        request = _vcr_request()
        assert cassette.can_play_response_for(request)
        assert len(seen) == probed  # vcrpy's own check was the probe's
        assert cassette.play_response(request)["status"]["code"] == 200
        assert not cassette.can_play_response_for(_vcr_request())  # played once: vcrpy's own answer again


def test_no_open_cassette_no_replay_and_nothing_kept(probe: vcr_replay.ReplayProbe) -> None:
    assert probe(URL, httpx.Headers(HEADERS), BODY) is None
    assert probe.recall(object(), _vcr_request()) == (False, None)


def test_closing_the_cassette_forgets_the_answers(probe: vcr_replay.ReplayProbe, tmp_path: Path) -> None:
    path = _cassette(tmp_path / "c.json")
    with vcr.use_cassette(str(path), serializer="json", record_mode="none") as cassette:
        assert probe(URL, httpx.Headers(HEADERS), BODY) == str(path)
    assert probe.recall(cassette, _vcr_request()) == (False, None)


def test_uninstall_restores_vcrpy(tmp_path: Path) -> None:
    before = vars(vcr.cassette.Cassette)["can_play_response_for"], vars(vcr.cassette.CassetteContextDecorator)["_patch_generator"]
    uninstall = vcr_replay.install(vcr.cassette, vcr_replay.ReplayProbe())
    assert vars(vcr.cassette.Cassette)["can_play_response_for"] is not before[0]
    uninstall()
    after = vars(vcr.cassette.Cassette)["can_play_response_for"], vars(vcr.cassette.CassetteContextDecorator)["_patch_generator"]
    assert after == before
