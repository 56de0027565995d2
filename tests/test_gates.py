"""Rule gates (``_rules/_gates.py``) skip only rules that would find nothing: the gated engine answers exactly what
running every rule answers, on every case file, on the shared corpus, and on bodies built to sit at the gates'
edges."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from pytest_claude_guard._core._rules import _gates

from pytest_claude_guard import validate_request
from pytest_claude_guard._core._context import Context, Endpoint
from pytest_claude_guard._core._models import default_registry, today_as
from pytest_claude_guard._core._rules import REQUEST_RULES
from pytest_claude_guard._core._rules._gates import GATES, MAX_DEPTH, Features, features, rule_name
from shared_support import shared_path
from test_cases import CASE_TODAY, CASES, DEFAULT_HEADERS, run_case

H = DEFAULT_HEADERS


def _both(fn: Any) -> tuple[Any, Any]:
    """fn() with the gates on, then with every rule run."""
    try:
        _gates.GATING = True
        gated = fn()
        _gates.GATING = False
        full = fn()
    finally:
        _gates.GATING = True
    return gated, full


def _key(found: Any) -> list[tuple[str, str, str, str]]:
    return [(v.code, v.severity, v.path, v.message) for v in found]


def test_every_gate_names_a_rule() -> None:
    names = {rule_name(r) for r in REQUEST_RULES}
    assert set(GATES) <= names, f"gates for rules that do not exist: {sorted(set(GATES) - names)}"


ALL_CASES = sorted(CASES.rglob("*.json"))


def test_case_files_found() -> None:
    assert len(ALL_CASES) > 200


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda p: str(p.relative_to(CASES).with_suffix("")))
def test_case_answers_the_same_gated(path: Path, tmp_path: Path) -> None:
    case = json.loads(path.read_text("utf-8"))
    gated, full = _both(lambda: run_case(case, tmp_path))
    assert _key(gated) == _key(full)
    if case.get("generate") or "$repeat" in path.read_text("utf-8"):
        return  # large generated bodies: once is enough
    # and with headers unknown (header-dependent rules change severity, never the gates)
    case = {**case, "headers": None}
    gated, full = _both(lambda: run_case(case, tmp_path))
    assert _key(gated) == _key(full)


def _corpus() -> Iterator[dict[str, Any]]:
    import gzip

    with gzip.open(shared_path("corpus", "dev.jsonl.gz"), "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def test_corpus_answers_the_same_gated() -> None:
    differ = []
    count = 0
    with today_as(CASE_TODAY):
        for record in _corpus():
            body = record.get("request_body")
            if body is None:
                continue
            count += 1
            endpoint = record.get("endpoint") or "/v1/messages"
            host = record.get("host")
            url = f"https://{host}{endpoint}" if host else endpoint
            gated, full = _both(lambda b=body, u=url: validate_request(b, headers=H, endpoint=u))
            if _key(gated) != _key(full):
                differ.append(record.get("id"))
    assert count > 1000
    assert not differ, f"{len(differ)} corpus records answered differently with gates: {differ[:5]}"


IMAGE = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}
DOC = {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "x"}, "citations": {"enabled": True}}


def _nest(block: dict[str, Any], depth: int) -> dict[str, Any]:
    for _ in range(depth):
        block = {"type": "search_result", "source": "s", "title": "t", "content": [block]}
    return block


EDGES = {
    "image inside a tool_result": [{"type": "tool_result", "tool_use_id": "t1", "content": [IMAGE]}],
    "document inside a search result": [_nest(DOC, 1)],
    "image nested deeper than the walk": [_nest(IMAGE, MAX_DEPTH + 3)],
    "cache marker on a nested image": [{"type": "tool_result", "tool_use_id": "t1",
                                        "content": [{**IMAGE, "cache_control": {"type": "ephemeral"}}]}],
    "block type not a string": [{"type": 7, "text": "x"}, IMAGE],
    "tool_reference in a tool result": [{"type": "tool_result", "tool_use_id": "t1",
                                         "content": [{"type": "tool_reference", "tool_name": "nope"}]}],
    "server tool result without its use": [{"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1",
                                            "content": []}],
    "empty text block": [{"type": "text", "text": ""}],
    "whitespace text in a tool result": [{"type": "tool_result", "tool_use_id": "t1",
                                          "content": [{"type": "text", "text": " \n"}]}],
    "citations on user text": [{"type": "text", "text": "x", "citations": [{"type": "char_location"}]}],
    "file image source": [{"type": "image", "source": {"type": "file", "file_id": "file_1"}}],
}


@pytest.mark.parametrize("name", list(EDGES))
def test_edges_answer_the_same_gated(name: str) -> None:
    body = {"model": "claude-opus-4-6", "max_tokens": 64,
            "tools": [{"name": "a", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": EDGES[name]},
                         {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
                         {"role": "user", "content": "and?"}]}
    with today_as(CASE_TODAY):
        gated, full = _both(lambda: validate_request(body, headers=H))
    assert _key(gated) == _key(full)


def _features(body: dict[str, Any]) -> Features:
    return features(Context(body=body, endpoint=Endpoint("messages"), headers=H, registry=default_registry()))


FEATURES = [
    ({"messages": [{"role": "user", "content": "hi"}]}, {"text"}, {"user"}, False, True, False),
    ({"system": [{"type": "text", "text": "s", "cache_control": {"type": "ephemeral"}}], "messages": []},
     {"text"}, set(), True, True, False),
    ({"cache_control": {"type": "ephemeral"}, "messages": []}, set(), set(), True, True, False),
    ({"messages": [{"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "a", "input": {}}]},
                   {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [IMAGE]}]}]},
     {"tool_use", "tool_result", "image", "base64"}, {"user", "assistant"}, False, True, False),
    ({"messages": [{"role": "user", "content": [_nest(IMAGE, MAX_DEPTH + 3)]}]}, set(), set(), True, False, False),
    ({"messages": [{"role": "user", "content": ""}], "thinking": {"type": "adaptive"}}, {"text"}, {"user"}, False, True,
     True),
    ({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": []}]}, {"text"},
     {"user", "assistant"}, False, True, True),
]


# (messages, blank text somewhere, a block with citations)
TEXT_FEATURES = [
    ([{"role": "user", "content": "hi"}], False, False),
    ([{"role": "user", "content": " \t"}], True, False),
    ([{"role": "user", "content": ""}], True, False),
    ([{"role": "user", "content": [{"type": "text", "text": ""}]}], True, False),
    ([{"role": "user", "content": [{"type": "text", "text": "x"}, {"type": "text", "text": "\n"}]}], True, False),
    ([{"role": "user", "content": [{"type": "text", "text": 5}]}], False, False),
    ([{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [
        {"type": "text", "text": " "}]}]}], True, False),
    ([{"role": "user", "content": [{"type": "text", "text": "x", "citations": []}]}], False, True),
    ([{"role": "assistant", "content": [{"type": "document", "source": {"type": "text", "data": "d"},
                                         "citations": {"enabled": True}}]}], False, True),
]


@pytest.mark.parametrize("messages,blank,citations", TEXT_FEATURES)
def test_text_features(messages: list[Any], blank: bool, citations: bool) -> None:
    found = _features({"messages": messages})
    assert (found.complete, found.blank, found.citations) == (True, blank, citations)


@pytest.mark.parametrize("body,types,roles,cache,complete,empty", FEATURES)
def test_features(body: dict[str, Any], types: set[str], roles: set[str], cache: bool, complete: bool,
                  empty: bool) -> None:
    found = _features(body)
    assert found.complete is complete
    if complete:
        assert (set(found.types), set(found.roles), found.cache_control) == (types, roles, cache)
        assert (found.keys, found.empty) == (frozenset(body), empty)
