"""Cases mined from the public record: requests nobody on this project wrote, each with its public source.

``tests/cases/mined/rejected/<code>/*.json``: a real API rejection quoted in a public issue thread or page,
rebuilt as a minimal request.  ``tests/cases/mined/accepted/*.json``: a request that the official docs, an
official SDK's examples or tests, or the Anthropic cookbook send, written as the source sends it.  One request
per file.  Both use the case format of ``test_cases.py`` (``description``, ``endpoint``, ``headers``, ``body``,
``generate``, ``models``) plus:

* ``source`` (required, non-empty): the thread URL, docs URL, or ``repo:path`` the request comes from.
* rejected only: ``status`` (the HTTP status the API answered), ``api_message`` (the API's message exactly as
  quoted) and ``expect`` = ``{"code", "path"}``: ``code`` must be among the engine's error-severity
  violations; where the API names a location, ``path`` is it and the violation of that code must be there
  (see ``same_place``: inside it, or on the node whose field the API names); ``null`` when the API's message
  names no location.
  A minimal rebuild may move the faulty item (the thread's ``tools.118`` becomes ``tools.0``): ``path`` is then
  the rebuilt location and ``api_message`` stays the API's text as quoted.
* accepted only: ``features`` (the API features the request exercises, for counting coverage).  An accepted
  request gets no error-severity violation (warnings are allowed: they are advice, not a verdict).
* ``note`` (optional): what the source says beyond the request (a behaviour change, an uncertainty).
* ``xfail_reason`` (optional): the case fails because the fix belongs to a file this test set's owner does not
  own; names the file and the change.  Such cases run as ``xfail(strict=True)`` so they stay visible.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_cases import CASES, describe, run_case

from pytest_claude_guard._core._causes import causes

MINED = CASES / "mined"
COMMON_KEYS = {"description", "source", "endpoint", "headers", "body", "generate", "models", "note", "xfail_reason"}
REJECTED_KEYS = COMMON_KEYS | {"status", "api_message", "expect"}
ACCEPTED_KEYS = COMMON_KEYS | {"features"}


def _files(kind: str) -> list[Path]:
    return sorted((MINED / kind).rglob("*.json"))


REJECTED = _files("rejected")
ACCEPTED = _files("accepted")
ALL_MINED = REJECTED + ACCEPTED


def _id(path: Path) -> str:
    return str(path.relative_to(MINED).with_suffix(""))


def _load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return case


def _params(paths: list[Path]) -> list[Any]:
    out = []
    for p in paths:
        reason = _load(p).get("xfail_reason")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        out.append(pytest.param(p, id=_id(p), marks=marks))
    return out


@pytest.mark.parametrize("path", _params(REJECTED))
def test_mined_rejection_is_named(path: Path, tmp_path: Path) -> None:
    """A request the API rejected gets an error of the expected cause, at the path the API names."""
    case = _load(path)
    found = run_case(case, tmp_path)
    code, where = case["expect"]["code"], case["expect"].get("path")
    errors = [v for v in found if v.severity == "error" and v.code == code]
    assert errors, f"{path.name}: the API answered {case['status']} {case['api_message']!r}; expected {code}, got:\n{describe(found)}"
    if where is not None:
        assert any(same_place(v.path, where) for v in errors), f"{code} expected at {where!r}, got:\n{describe(found)}"


def same_place(engine_path: str, api_path: str) -> bool:
    """The engine names the location the API names: the same path, a place inside it (the API says ``tools``,
    the engine ``tools.2``), or the node whose field the API names (the API says ``...cache_control.ttl`` or
    ``...content.0.type``, the engine ``...cache_control`` or ``...content.0``)."""
    if engine_path == api_path or engine_path.startswith(api_path + "."):
        return True
    parent, _, field = api_path.rpartition(".")
    return parent == engine_path and not field.isdigit()


@pytest.mark.parametrize("path", _params(ACCEPTED))
def test_mined_accepted_has_no_error(path: Path, tmp_path: Path) -> None:
    """A request the official sources send raises no error-severity violation (a false alarm is the worst defect)."""
    case = _load(path)
    found = run_case(case, tmp_path)
    errors = [v for v in found if v.severity == "error"]
    assert not errors, f"{path.name} ({case['source']}) got errors:\n{describe(found)}"


@pytest.mark.parametrize("path", ALL_MINED, ids=[_id(p) for p in ALL_MINED])
def test_mined_case_is_well_formed(path: Path) -> None:
    """Every mined case names a non-empty source and uses only the documented keys for its kind."""
    case = _load(path)
    rel = path.relative_to(MINED).parts
    assert isinstance(case.get("source"), str) and case["source"].strip(), "a mined case needs its public source"
    assert isinstance(case.get("description"), str) and case["description"].strip()
    assert isinstance(case.get("body"), dict)
    if rel[0] == "rejected":
        assert set(case) <= REJECTED_KEYS, set(case) - REJECTED_KEYS
        assert len(rel) == 3 and case["expect"]["code"] == rel[1], "a rejection lives in the folder named for its code"
        assert case["expect"]["code"] in causes(), f"unknown cause code {case['expect']['code']}"
        assert set(case["expect"]) <= {"code", "path"}
        assert isinstance(case.get("status"), int) and case["status"] >= 400
        assert isinstance(case.get("api_message"), str) and case["api_message"].strip()
    else:
        assert rel[0] == "accepted" and len(rel) == 2
        assert set(case) <= ACCEPTED_KEYS, set(case) - ACCEPTED_KEYS
        assert isinstance(case.get("features"), list) and case["features"]


def test_mined_sets_are_large_enough() -> None:
    """The mined sets hold the sizes issue 8 asks for (60 rejections, 100 accepted requests), from many sources."""
    assert len(REJECTED) >= 60, len(REJECTED)
    assert len(ACCEPTED) >= 100, len(ACCEPTED)
    assert len({p.parent.name for p in REJECTED}) >= 20, "rejections should cover many causes"


def test_mined_sources_are_unique_to_the_corpus() -> None:
    """No mined rejection re-uses a thread already in ../shared/corpus/issue_cases.jsonl (skips, naming it, when
    the workspace's corpus is not beside the checkout)."""
    from shared_support import shared_path

    corpus = shared_path("corpus", "issue_cases.jsonl")
    known = {json.loads(line).get("url") for line in corpus.read_text("utf-8").splitlines() if line.strip()}
    reused = sorted(p.name for p in REJECTED if _load(p)["source"] in known)
    assert not reused, reused
