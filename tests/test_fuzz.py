"""Malformed and mutated requests: ``validate_request`` never raises, never hangs, and is deterministic."""
from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cases import CASES, load_case

from pytest_claude_guard import Violation, validate_request
from pytest_claude_guard._core._causes import causes

PER_CALL_SECONDS = 5.0  # a generous guard against hangs, not a benchmark
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)

ENDPOINTS = [
    "/v1/messages",
    "/v1/messages?beta=true",
    "/v1/messages/count_tokens",
    "/v1/messages/batches",
    "https://api.anthropic.com/v1/messages",
    "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-6/invoke",
    "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/anthropic/models/claude-opus-4-8:rawPredict",
    "/v1/complete",
    "",
    "::not a url::",
]


def _seeds() -> list[dict[str, Any]]:
    """Small valid bodies from the case files (generated payloads left as they are in the file)."""
    out = []
    for p in sorted((CASES / "valid").glob("*.json")):
        case = load_case(p)
        body = case["body"]
        if isinstance(body, dict) and not case.get("generate") and len(json.dumps(body)) < 4000:
            out.append(body)
    return out


SEEDS = _seeds()

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)),
    max_leaves=40,
)
KEYS = ["model", "messages", "max_tokens", "role", "content", "type", "text", "tools", "tool_choice", "thinking",
        "system", "cache_control", "source", "data", "media_type", "id", "tool_use_id", "input", "name",
        "budget_tokens", "output_config", "format", "schema", "requests", "params", "custom_id", "temperature"]
header_values = st.one_of(st.text(max_size=40), st.sampled_from(["2023-06-01", "2026-10-21", "", "files-api-2025-04-14"]))
headers_strategy = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["anthropic-version", "Anthropic-Beta", "x-api-key", "authorization", "content-encoding",
                         "X-API-KEY", "content-type"]) | st.text(max_size=10),
        header_values, max_size=5),
    st.lists(st.tuples(st.sampled_from(["anthropic-version", "anthropic-beta"]), header_values), max_size=4),
)


def _check(body: Any, headers: Any = None, endpoint: str = "/v1/messages", strict: bool = True) -> list[Violation]:
    before = repr(body) if strict else None
    start = time.monotonic()
    first = validate_request(body, headers=headers, endpoint=endpoint)
    elapsed = time.monotonic() - start
    assert elapsed < PER_CALL_SECONDS, f"validate_request took {elapsed:.1f}s"
    known = causes()
    for v in first:
        assert v.code in known and v.severity in ("error", "warning")
        if strict:
            assert v.code != "engine_error", f"a rule crashed: {v.message}"
    if before is not None:
        assert repr(body) == before, "validate_request changed its input"
    again = validate_request(body, headers=headers, endpoint=endpoint)
    assert [x.to_dict() for x in again] == [x.to_dict() for x in first], "not deterministic"
    return first


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, prefix + (i,)))
    return out


def _parent(body: Any, path: tuple[Any, ...]) -> Any:
    node = body
    for part in path[:-1]:
        node = node[part]
    return node


@st.composite
def mutated_bodies(draw: st.DrawFn) -> Any:
    body = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [p for p in _paths(body) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(body, path)
        action = draw(st.sampled_from(["drop", "replace", "retype", "add"]))
        key = path[-1]
        if action == "drop":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(json_value)
        elif action == "retype":
            old = parent[key]
            parent[key] = draw(st.sampled_from([None, 0, -1, 1.5, "", "x", [], {}, True, [old], {"type": old}]))
        elif isinstance(parent[key], dict):
            parent[key][draw(st.sampled_from(KEYS))] = draw(json_value)
        elif isinstance(parent[key], list):
            parent[key].append(draw(json_value))
    return body


def test_seeds_exist() -> None:
    """The mutation fuzzer has valid bodies to start from."""
    assert len(SEEDS) > 20


@FUZZ
@given(body=json_value, headers=headers_strategy, endpoint=st.sampled_from(ENDPOINTS))
def test_arbitrary_json_never_raises(body: Any, headers: Any, endpoint: str) -> None:
    """Any JSON value, any headers, any endpoint: a list of Violations, never an exception."""
    _check(body, headers, endpoint)


@FUZZ
@given(body=mutated_bodies(), headers=headers_strategy, endpoint=st.sampled_from(ENDPOINTS[:4]))
def test_mutated_valid_bodies_never_raise(body: Any, headers: Any, endpoint: str) -> None:
    """Valid bodies with keys dropped, replaced, retyped or added deep in the tree never crash a rule."""
    _check(body, headers, endpoint)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    """Arbitrary bytes (mostly not JSON, often not UTF-8) become invalid_json, never an exception."""
    found = _check(data)
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        assert found[0].code == "invalid_json" and found[0].severity == "error"
    else:
        if not isinstance(parsed, dict):
            assert found[0].code == "invalid_json"


@settings(max_examples=40, deadline=None, derandomize=True)
@given(body=mutated_bodies())
def test_mutated_bodies_as_text_and_bytes_agree(body: Any) -> None:
    """A body judged as a dict, as JSON text and as UTF-8 bytes gives the same violations."""
    as_dict = _check(body)
    text = json.dumps(body)
    assert [v.to_dict() for v in _check(text)] == [v.to_dict() for v in as_dict]
    assert [v.to_dict() for v in _check(text.encode("utf-8"))] == [v.to_dict() for v in as_dict]


NOT_UTF8 = [b"\xff\xfe{}", b'{"model": "\xc3\x28"}', b"\x80" * 10, "{}".encode("utf-16")]


@pytest.mark.parametrize("data", NOT_UTF8)
def test_non_utf8_bytes_are_invalid_json(data: bytes) -> None:
    """Bytes that are not UTF-8 are reported as invalid_json at the body."""
    found = _check(data)
    assert found[0].code == "invalid_json" and found[0].path == ""


def _nested_list(depth: int) -> Any:
    node: Any = "x"
    for _ in range(depth):
        node = [node]
    return node


def _nested_dict(depth: int) -> Any:
    node: Any = {"type": "text", "text": "x"}
    for _ in range(depth):
        node = {"type": "tool_result", "tool_use_id": "t", "content": [node]}
    return node


EXTREME: list[Any] = [
    {"model": "claude-sonnet-4-6", "max_tokens": 10, "messages": _nested_list(10_000)},
    {"model": "claude-sonnet-4-6", "max_tokens": 10, "messages": [{"role": "user", "content": _nested_list(10_000)}]},
    {"model": "claude-sonnet-4-6", "max_tokens": 10, "messages": [{"role": "user", "content": [_nested_dict(3_000)]}]},
    {"model": "claude-sonnet-4-6", "max_tokens": 10,
     "output_config": {"format": {"type": "json_schema", "schema": _nested_dict(5_000)}},
     "messages": [{"role": "user", "content": "hi"}]},
    {"model": "x" * 1_000_000, "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]},
    {"model": "claude-sonnet-4-6", "max_tokens": 10 ** 400, "messages": [{"role": "user", "content": "y" * 5_000_000}]},
    {"model": "claude-sonnet-4-6", "max_tokens": float("nan"), "temperature": float("inf"),
     "messages": [{"role": "user", "content": "hi"}]},
    {"model": "claude-sonnet-4-6", "max_tokens": 10, "tools": [{"name": "t", "input_schema": _nested_dict(5_000)}],
     "messages": [{"role": "user", "content": "hi"}]},
    {"requests": [{"custom_id": str(i), "params": {"model": "claude-haiku-4-5", "max_tokens": 5,
                                                   "messages": [{"role": "user", "content": "hi"}]}}
                  for i in range(2_000)]},
    {"model": "claude-sonnet-4-6", "max_tokens": 10, "messages": [{"role": "user", "content": [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "!!!not base64!!!" * 1000}}]}]},
]


@pytest.mark.parametrize("body", EXTREME, ids=[f"extreme{i}" for i in range(len(EXTREME))])
@pytest.mark.parametrize("endpoint", ["/v1/messages", "/v1/messages/batches"])
def test_extreme_bodies_finish(body: Any, endpoint: str) -> None:
    """Deep nesting (10,000 levels), huge strings and numbers, NaN and infinity: an answer, fast."""
    _check(body, {"anthropic-version": "2023-06-01", "x-api-key": "k"}, endpoint, strict=False)


@pytest.mark.parametrize("depth", [2, 10_000])
def test_deep_nesting_is_diagnosed_like_shallow_nesting(depth: int) -> None:
    """A 10,000-level nested list in messages gets the same diagnosis as a 2-level one (no engine_error)."""
    body = {"model": "claude-sonnet-4-6", "max_tokens": 10, "messages": [_nested_list(depth)]}
    found = validate_request(body, headers={"anthropic-version": "2023-06-01", "x-api-key": "k"})
    assert found, "no violations"
    assert (found[0].code, found[0].path) == ("param_wrong_type", "messages.0"), found[0].message


@pytest.mark.parametrize("close", [True, False], ids=["well-formed", "unclosed"])
def test_deeply_nested_json_text_is_a_warning_not_checked(close: bool) -> None:
    """JSON text nested past the parser's recursion limit: an invalid_json warning saying its content was not
    checked (whether the API's parser reads it is unknown), never a RecursionError nor an error."""
    text = '{"model": "claude-sonnet-4-6", "max_tokens": 5, "messages": ' + "[" * 100_000
    text += "]" * 100_000 + "}" if close else ""
    found = _check(text)
    assert [(v.code, v.severity) for v in found] == [("invalid_json", "warning")]
    assert "was not checked" in found[0].message


def test_unusual_python_values_never_raise() -> None:
    """Values JSON cannot hold (sets, objects, bytes inside dicts, tuples, non-string keys) are judged: an error
    each (none of these bodies is a valid request), never a crash or an engine_error."""
    odd: list[Any | None] = [
        {"model": object(), "max_tokens": {1, 2}, "messages": ({"role": "user", "content": b"hi"},)},
        {"model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": [object()]}]},
        {1: 2, None: 3},
        object(),
    ]
    for body in odd:
        found = validate_request(body)
        assert found and found[0].severity == "error", found
        assert all(v.code != "engine_error" for v in found), [v.message for v in found]


def test_self_referencing_body_never_raises() -> None:
    """A body that contains itself is judged as far as it can be read, not a crash."""
    body: dict[str, Any] = {"model": "claude-sonnet-4-6", "max_tokens": 5}
    msg: dict[str, Any] = {"role": "user", "content": []}
    msg["content"].append({"type": "tool_result", "tool_use_id": "t", "content": msg["content"]})
    body["messages"] = [msg]
    assert [(v.code, v.path) for v in validate_request(body)] == [
        ("block_type_invalid", "messages.0.content.0.tool_result.content.0"),
        ("tool_result_without_use", "messages.0.content.0"),
    ]


def test_seed_case_files_are_readable() -> None:
    """The seeds come from files that exist (guards against moving the cases folder)."""
    assert Path(CASES / "valid").is_dir()


RETYPES: list[Any] = [{"k": 1}, ["k"], None, 1.5, True]


def test_every_node_retyped_never_crashes_a_rule() -> None:
    """Each node of each seed body replaced by an object, array, null, float or bool: no rule crashes."""
    crashes: dict[str, str] = {}
    for seed in SEEDS:
        for path in [p for p in _paths(seed) if p]:
            for value in RETYPES:
                body = copy.deepcopy(seed)
                _parent(body, path)[path[-1]] = value
                for v in validate_request(body, headers={"anthropic-version": "2023-06-01", "x-api-key": "k"}):
                    if v.code == "engine_error":
                        crashes.setdefault(v.message, f"{'.'.join(map(str, path))} = {value!r}")
    assert not crashes, "rules crashed:\n" + "\n".join(f"  {m}  <- {where}" for m, where in crashes.items())
