"""The generated schemas: in sync with the installed SDK, valid draft 2020-12, and the validators built on them."""
from __future__ import annotations

import copy
import difflib
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, List

import pytest
from jsonschema import Draft202012Validator

from pytest_claude_guard import _schemas as S

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schemas"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_schemas", REPO / "scripts" / "gen_schemas.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _committed() -> Dict[str, Any]:
    return {name: json.loads((SCHEMAS / f"{name}.json").read_text("utf-8")) for name in S.SCHEMA_NAMES}


BASE: Dict[str, Any] = {"model": "claude-sonnet-4-6", "max_tokens": 1024,
                        "messages": [{"role": "user", "content": "Hello"}]}
VALID_BODIES: List[Dict[str, Any]] = [
    BASE,
    {**BASE, "system": "", "tools": [], "cache_control": None, "metadata": {"user_id": "u-1"}},
    {**BASE, "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
     "thinking": {"type": "enabled", "budget_tokens": 2048}, "stream": True, "temperature": 0.2},
    {**BASE, "tools": [{"name": "get_weather", "description": "Weather", "input_schema": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
        "additionalProperties": False}}], "tool_choice": {"type": "tool", "name": "get_weather"},
     "messages": [
         {"role": "user", "content": "Weather in Paris?"},
         {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01A", "name": "get_weather",
                                            "input": {"city": "Paris"}}]},
         {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01A", "content": "Sunny"}]},
         {"role": "assistant", "content": ""}]},
    {**BASE, "output_config": {"effort": "high", "format": {"type": "json_schema", "schema": {"type": "object"}}},
     "messages": [{"role": "user", "content": [
         {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
         {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "notes"},
          "title": "Notes", "citations": {"enabled": True}}]},
         {"role": "system", "content": "Answer in French."}]},
]


def _content(schema: Any) -> Any:
    """A schema without its generator stamp (``$comment`` names the SDK version it was made from)."""
    if isinstance(schema, dict):
        # ``enum`` order has no meaning, and the SDK spells one Literal in two orders: typing's cache keeps whichever
        # the process built first, so the generated order depends on import order
        return {
            k: sorted(v, key=json.dumps) if k == "enum" and isinstance(v, list) else _content(v)
            for k, v in schema.items()
            if k != "$comment"
        }
    if isinstance(schema, list):
        return [_content(v) for v in schema]
    return schema


def test_committed_schemas_match_the_installed_sdk() -> None:
    """Regenerating from the installed SDK's request types gives the committed content; the version stamp
    alone never fails (a newer SDK with the same types is not drift), nor does the order of enum values."""
    gen = _generator()
    committed = _committed()
    spec_path = gen.DEFAULT_SPEC
    limits = gen.load_spec_limits(spec_path) if spec_path.is_file() else gen.limits_from_schemas(committed)
    fresh = gen.build_all(limits)
    diffs = []
    for name in S.SCHEMA_NAMES:
        old = gen.render(_content(committed[name])).splitlines()
        new = gen.render(_content(fresh[name])).splitlines()
        if old != new:
            fresh_name = f"{name} from anthropic {gen.sdk_version()}"
            diff = list(difflib.unified_diff(old, new, f"schemas/{name}.json", fresh_name, lineterm="", n=2))
            diffs.append("\n".join(diff[:60]) + ("\n..." if len(diff) > 60 else ""))
    assert not diffs, (
        "the installed anthropic SDK's request types differ from the committed schemas; review the difference and run "
        "`python scripts/gen_schemas.py`:\n" + "\n".join(diffs)
    )


def test_every_spec_limit_is_recorded_in_the_schemas() -> None:
    """Each SPEC_LIMITS entry lands on a schema node that names its source in x-spec."""
    gen = _generator()
    recovered = gen.limits_from_schemas(_committed())
    assert set(recovered) == {(d, p) for d, p, _, _ in gen.SPEC_LIMITS}


@pytest.mark.parametrize("name", S.SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    """Every committed schema passes the draft 2020-12 meta-schema and names its SDK version."""
    schema = S.load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$comment"].startswith("Generated by scripts/gen_schemas.py from anthropic ")


@pytest.mark.parametrize("body", VALID_BODIES, ids=[f"body{i}" for i in range(len(VALID_BODIES))])
@pytest.mark.parametrize("name", ["messages", "messages.beta"])
def test_real_valid_bodies_validate(name: str, body: Dict[str, Any]) -> None:
    """Valid bodies pass both a stock Draft202012Validator, our validator and the compiled fast path."""
    schema = S.load_schema(name)
    assert list(Draft202012Validator(schema).iter_errors(body)) == []
    assert S.iter_errors(name, "anthropic", body) == []
    assert S.is_valid(name, "anthropic", body)


def test_header_keys_stay_out_of_the_body_schema() -> None:
    """user_profile_id / workspace_id / betas are headers in SDK 2.12.0, not body keys."""
    for name in ("messages", "messages.beta", "count_tokens", "count_tokens.beta", "batches", "batches.beta"):
        props = S.load_schema(name)["properties"]
        assert not {"user_profile_id", "workspace_id", "betas"} & set(props)


def test_discriminated_union_shape() -> None:
    """Tool unions carry x-discriminator with a default branch for custom tools, tagged 'custom'."""
    schema = S.load_schema("messages")
    tools = schema["properties"]["tools"]["items"]
    disc = tools["x-discriminator"]
    assert disc["propertyName"] == "type"
    assert disc["default"] == "#/$defs/ToolParam"
    assert disc["mapping"]["custom"] == "#/$defs/ToolParam"
    assert schema["$defs"]["ToolParam"]["x-tag"] == "custom"
    assert schema["$defs"]["ThinkingConfigEnabledParam"]["x-tag"] == "enabled"


def test_spec_limits_and_free_form_objects() -> None:
    """Spec numbers land where they belong; input_schema, tool_use.input and format.schema stay open."""
    defs = S.load_schema("messages")["$defs"]
    assert defs["ToolParam"]["properties"]["name"]["pattern"] == "^[a-zA-Z0-9_-]{1,128}$"
    assert defs["ThinkingConfigEnabledParam"]["properties"]["budget_tokens"]["minimum"] == 1024
    assert "additionalProperties" not in defs["InputSchemaTyped"]
    assert defs["InputSchemaTyped"]["required"] == ["type"]
    assert defs["ToolUseBlockParam"]["properties"]["input"] == {"type": "object"}
    assert defs["JSONOutputFormatParam"]["properties"]["schema"] == {"type": "object"}
    assert defs["MetadataParam"]["additionalProperties"] is False
    assert "minLength" not in defs["TextBlockParam"]["properties"]["text"]  # text_block_empty owns it


def test_sampling_keys_are_marked_for_2023_06_01() -> None:
    """temperature / top_p / top_k are optional numbers without ranges, valid under 2023-06-01 only."""
    props = S.load_schema("count_tokens")["properties"]
    for key in ("temperature", "top_p", "top_k"):
        assert props[key] == {"type": "number", "x-api-versions": ["2023-06-01"]}


def test_batches_schema_leaves_params_to_the_messages_schema() -> None:
    """The batches envelope checks custom_id and the count; params is only an object here."""
    schema = S.load_schema("batches")
    request = schema["$defs"]["Request"]
    assert request["properties"]["params"]["type"] == "object"
    assert request["properties"]["custom_id"]["pattern"] == "^[a-zA-Z0-9_-]{1,64}$"
    assert (schema["properties"]["requests"]["minItems"], schema["properties"]["requests"]["maxItems"]) == (1, 100000)


def test_platform_schemas_take_anthropic_version_in_the_body() -> None:
    """Bedrock requires anthropic_version and allows anthropic_beta; the model moves to the URL."""
    bedrock = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "anthropic_beta": ["x"],
               "messages": [{"role": "user", "content": "hi"}]}
    assert S.is_valid("messages", "bedrock", bedrock)
    assert not S.is_valid("messages", "vertex", bedrock)  # Vertex has no anthropic_beta body key
    assert not S.is_valid("messages", "bedrock", {k: v for k, v in bedrock.items() if k != "anthropic_version"})
    assert not S.is_valid("messages", "anthropic", bedrock)


def _paths(name: str, body: Dict[str, Any]) -> List[str]:
    return [".".join(str(p) for p in e.absolute_path) for e in S.iter_errors(name, "anthropic", body)]


def test_discriminator_puts_the_tag_in_the_path() -> None:
    """Errors inside a union branch carry the API's tag: thinking.enabled.budget_tokens, tools.0.custom.name."""
    body = {**BASE, "thinking": {"type": "enabled", "budget_tokens": 5}, "tools": [
        {"name": "a b", "input_schema": {"type": "object"}}]}
    errors = S.iter_errors("messages", "anthropic", body)
    assert [".".join(map(str, e.absolute_path)) for e in errors] == ["thinking.enabled.budget_tokens",
                                                                      "tools.0.custom.name"]
    assert all(isinstance(e.absolute_path[1 if e.absolute_path[0] == "thinking" else 2], S.Tag) for e in errors)
    assert S.def_of(errors[0]) == ("ThinkingConfigEnabledParam", 2)


def test_discriminator_missing_and_unknown_tags_give_one_error() -> None:
    """A missing tag is one 'required' error; an unknown tag one error listing the allowed tags."""
    missing = S.iter_errors("messages", "anthropic", {**BASE, "tool_choice": {"name": "x"}})
    assert [(e.validator, e.message) for e in missing] == [("required", "'type' is a required property")]
    unknown = S.iter_errors("messages", "anthropic", {**BASE, "tool_choice": {"type": "required"}})
    assert [(e.validator, e.message) for e in unknown] == [(
        "x-discriminator",
        "Input tag 'required' found using 'type' does not match any of the expected tags: 'any', 'auto', 'none', "
        "'tool'")]


def test_any_of_descends_into_the_branch_that_fits() -> None:
    """A nullable or string|array union reports the error of the branch whose JSON type fits, not 'anyOf'."""
    body = {**BASE, "messages": [{"role": "user", "content": [{"type": "text", "text": "x", "bogus": 1}]}]}
    assert _paths("messages", body) == ["messages.0.content.0.text"]
    wrong = S.iter_errors("messages", "anthropic", {**BASE, "system": 5})
    assert [(e.validator, e.validator_value) for e in wrong] == [("type", ["array", "string"])]


MUTATIONS: List[Dict[str, Any]] = [
    {"max_tokens": -1}, {"max_tokens": 1.5}, {"model": 3}, {"messages": {}}, {"stream": "yes"},
    {"system": [{"type": "text"}]}, {"tools": [{"type": "bash_20250124", "name": "bash", "x": 1}]},
    {"metadata": {"user_id": "u" * 513}}, {"container": {"skills": [{"skill_id": "", "type": "custom"}]}},
    {"thinking": {"type": "disabled", "display": "omitted"}}, {"output_config": {"format": {"type": "json_schema"}}},
    {"messages": [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a:b"}]}]},
    {"messages": [{"role": "user", "content": None}]}, {"service_tier": "priority"}, {"unknown": 1},
]


@pytest.mark.parametrize("patch", MUTATIONS, ids=[next(iter(m)) + str(i) for i, m in enumerate(MUTATIONS)])
def test_fast_path_agrees_with_jsonschema(patch: Dict[str, Any]) -> None:
    """The compiled is_valid and a stock Draft202012Validator agree on invalid bodies."""
    body = copy.deepcopy({**BASE, **patch})
    schema = S.load_schema("messages.beta")
    assert not Draft202012Validator(schema).is_valid(body)
    assert not S.is_valid("messages.beta", "anthropic", body)
    assert S.iter_errors("messages.beta", "anthropic", body)


def test_validators_are_cached() -> None:
    """One validator object per (schema, platform)."""
    assert S.validator("messages", "anthropic") is S.validator("messages", "anthropic")
