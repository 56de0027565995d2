"""A custom tool's ``input_schema`` against the draft 2020-12 meta-schema (``_rules/_input_schema.py``).

jsonschema-rs decides valid or not, jsonschema words the problem: both must give the same verdict on every schema
users send (the dev corpus, the case files and the edge cases below), and neither asserts ``format``: the API
takes regexes Python's ``re`` cannot compile.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any, Iterator, List

import pytest
from jsonschema import Draft202012Validator

from pytest_claude_guard import validate_request
from pytest_claude_guard._core._rules import _input_schema as I

from shared_support import shared_path

CASES = Path(__file__).parent / "cases"
HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-placeholder"}
# Claude Code's Artifact tool pattern, sent to /v1/messages on every request and accepted (BerriAI/litellm#40358)
ARTIFACT = "^(?!__.*__$)[^\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\"\\\\./[\\]]{1,200}$"

EDGE: List[Any] = [
    {"type": "object", "required": True},
    {"type": "object", "properties": {"a": {"type": "strin"}}},
    {"type": "object", "properties": {"a": {"$ref": "#/$defs/x"}}, "$defs": {"x": {"type": "string"}}},
    {"type": "object", "$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"b": {"type": 1}}},
    {"type": "object", "properties": {"a": {"exclusiveMinimum": True}}},
    {"type": "object", "properties": {"a": {"minLength": -1}}},
    {"type": "object", "properties": {"a": {"minLength": 1.5}}},
    {"type": "object", "properties": {"a": {"minLength": 1.0}}},
    {"type": "object", "properties": {"a": {"enum": []}}},
    {"type": "object", "properties": {"a": {"type": []}}},
    {"type": "object", "properties": {"a": {"type": ["string", "string"]}}},
    {"type": "object", "items": [{"type": "string"}]},
    {"type": "object", "dependencies": {"a": 3}},
    {"type": "object", "required": ["a", "a"]},
    {"type": "object", "format": 3},
    {"type": "object", "$anchor": "1bad"},
    {"type": "object", "$id": "not a uri ::"},
    {"type": "object", "patternProperties": {"[": {}}},
    {"type": "object", "properties": {"a": {"type": "string", "pattern": ARTIFACT}}},
]


def _tool_schemas(body: Any) -> Iterator[Any]:
    if not isinstance(body, dict):
        return
    params = [r.get("params") for r in body.get("requests", []) if isinstance(r, dict)]
    for p in [body, *params]:
        tools = p.get("tools") if isinstance(p, dict) else None
        for tool in tools if isinstance(tools, list) else []:
            if isinstance(tool, dict) and isinstance(tool.get("input_schema"), dict):
                yield tool["input_schema"]


def _case_schemas() -> List[Any]:
    out: List[Any] = []
    for path in sorted(CASES.rglob("*.json")):
        out.extend(_tool_schemas(json.loads(path.read_text("utf-8")).get("body")))
    return out


def _disagreements(schemas: List[Any]) -> List[str]:
    checkers = I._build()
    assert checkers["fast"] is not None, "jsonschema-rs is a dependency: the fast checker must build"
    slow = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    return [json.dumps(s)[:200] for s in schemas if checkers["fast"](s) != slow.is_valid(s)]


def test_fast_and_slow_agree_on_the_case_files_and_edge_cases() -> None:
    schemas = _case_schemas() + EDGE
    assert len(schemas) > 50
    assert _disagreements(schemas) == []


def test_fast_and_slow_agree_on_the_dev_corpus() -> None:
    corpus = shared_path("corpus", "dev.jsonl.gz")
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        schemas = [s for line in fh if line.strip() for s in _tool_schemas(json.loads(line).get("request_body"))]
    assert len(schemas) > 1000
    assert _disagreements(schemas) == []


@pytest.mark.parametrize("pattern, why", [
    (ARTIFACT, "Unicode property escapes: Claude Code's Artifact tool, accepted (BerriAI/litellm#40358)"),
    ("^(?<year>\\d{4})$", "an ECMA-262 named group (Python spells it (?P<year>...))"),
    ("^(?!\\.)(?!.*\\.\\.)[A-Za-z0-9_.+-]+@[A-Za-z0-9-]+\\.[A-Za-z]{2,}$", "lookaround (tombii/better-ccflare#357)"),
])
def test_a_pattern_python_cannot_compile_is_not_a_finding(pattern: str, why: str) -> None:
    body = {"model": "claude-sonnet-4-6", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}],
            "tools": [{"name": "t", "input_schema": {"type": "object", "properties": {
                "field": {"type": "string", "pattern": pattern}}, "patternProperties": {pattern: {}}}}]}
    assert validate_request(body, headers=HEADERS) == [], why


@pytest.mark.parametrize("schema, detail", [
    ({"type": "object", "properties": {"a": {"type": "strin"}}},
     "input_schema is not valid JSON Schema draft 2020-12 (properties.a.type: 'strin' is not valid under any of the "
     "given schemas)"),
    ({"type": "object", "required": True},
     "input_schema is not valid JSON Schema draft 2020-12 (required: True is not of type 'array')"),
    ({"type": "object", "anyOf": [{"required": ["a"]}]},
     "input_schema does not support oneOf, allOf, or anyOf at the top level"),
    ({"type": "object", "properties": {"a": {"type": "string", "pattern": ARTIFACT}}}, None),
    ({"type": "array"}, None),  # the schema check owns a root that is not an object
])
def test_problem_wording(schema: Any, detail: Any) -> None:
    assert I.problem(schema) == detail


def test_a_schema_deeper_than_the_fast_limit_is_judged_by_jsonschema_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """jsonschema-rs crashes the process on a schema nested about 100,000 levels: it never sees one past the limit."""
    seen: List[Any] = []
    fast = I._build()["fast"]
    monkeypatch.setitem(I._checkers, "fast", lambda s: seen.append(s) or fast(s))
    I._meta_problem.cache_clear()
    node: Any = []
    for _ in range(I.FAST_DEPTH):
        node = [node]
    deep = {"type": "object", "default": node}  # deep, yet cheap for jsonschema: it does not descend into default
    try:
        assert I.problem(deep) is None and seen == []
        assert I.problem({"type": "object", "properties": {"a": {"type": "string"}}}) is None and len(seen) == 1
    finally:
        I._meta_problem.cache_clear()


@pytest.mark.parametrize("depth, within", [(0, True), (3, True), (4, False)])
def test_depth_within(depth: int, within: bool) -> None:
    node: Any = 1
    for _ in range(depth):
        node = [node]
    assert I._depth_within({"a": node}, 3) is within
