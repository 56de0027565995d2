"""Shape rules: every schema problem maps to one cause code at the API's own path (table-driven)."""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_claude_guard import validate_request
from pytest_claude_guard._core._causes import causes
from pytest_claude_guard._core._context import Context, normalize_headers, parse_endpoint
from pytest_claude_guard._core._models import default_registry
from pytest_claude_guard._core._rules import shape

HEADERS: Dict[str, str] = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-placeholder"}
FILES = {**HEADERS, "anthropic-beta": "files-api-2025-04-14"}
BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-6/invoke"
BASE: Dict[str, Any] = {"model": "claude-sonnet-4-6", "max_tokens": 1024,
                        "messages": [{"role": "user", "content": "Hello"}]}
TOOL = {"name": "get_weather", "description": "Weather", "input_schema": {"type": "object"}}
TOOL_USE = {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Paris"}}
MISSING = object()

Found = List[Tuple[str, str, str]]


def run_shape(body: Dict[str, Any], headers: Optional[Dict[str, str]] = HEADERS,
              endpoint: str = "/v1/messages") -> Found:
    """(code, path, severity) of everything the shape rules report, in order."""
    ctx = Context(body=body, endpoint=parse_endpoint(endpoint), headers=normalize_headers(headers),
                  registry=default_registry())
    for rule in (*shape.RULES, *shape.BATCH_RULES):
        rule(ctx)
    return [(v.code, v.path, v.severity) for v in ctx.found]


def body_with(**changes: Any) -> Dict[str, Any]:
    body = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is MISSING:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def msgs(*content: Any) -> List[Dict[str, Any]]:
    """A user message holding ``content`` blocks (after an assistant tool_use turn when they answer it)."""
    return [{"role": "user", "content": list(content)}]


def turn(*blocks: Any) -> List[Dict[str, Any]]:
    return [{"role": "user", "content": "Go"}, {"role": "assistant", "content": list(blocks)}]


def doc(**fields: Any) -> Dict[str, Any]:
    return {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "x"}, **fields}


def image(media_type: str = "image/png", kind: str = "base64") -> Dict[str, Any]:
    return {"type": "image", "source": {"type": kind, "media_type": media_type, "data": "iVBORw0KGgo="}}


# (id, body, headers, endpoint, expected [(code, path, severity)])
INVALID: List[Tuple[str, Dict[str, Any], Optional[Dict[str, str]], str, Found]] = [
    ("missing_required_param", body_with(max_tokens=MISSING), HEADERS, "/v1/messages",
     [("missing_required_param", "max_tokens", "error")]),
    ("param_wrong_type", body_with(max_tokens=10.5), HEADERS, "/v1/messages",
     [("param_wrong_type", "max_tokens", "error")]),
    ("param_wrong_type_content", body_with(messages=[{"role": "user", "content": None}]), HEADERS, "/v1/messages",
     [("param_wrong_type", "messages.0.content", "error")]),
    ("param_null_model", body_with(model=None), HEADERS, "/v1/messages", [("param_null", "model", "error")]),
    ("param_null_system", body_with(system=None), HEADERS, "/v1/messages", [("param_null", "system", "warning")]),
    ("unknown_top_level_param", body_with(response_format={"type": "json_object"}), HEADERS, "/v1/messages",
     [("unknown_top_level_param", "response_format", "error")]),
    ("unknown_beta_key", body_with(context_management={"edits": []}), HEADERS, "/v1/messages",
     [("unknown_top_level_param", "context_management", "error")]),
    ("count_tokens_extra_param", body_with(), HEADERS, "/v1/messages/count_tokens",
     [("count_tokens_extra_param", "max_tokens", "error")]),
    ("metadata_extra", body_with(metadata={"user_id": "u", "session": "s"}), HEADERS, "/v1/messages",
     [("metadata_invalid", "metadata.session", "error")]),
    ("metadata_long", body_with(metadata={"user_id": "u" * 513}), HEADERS, "/v1/messages",
     [("metadata_invalid", "metadata.user_id", "error")]),
    ("service_tier_invalid", body_with(service_tier="priority"), HEADERS, "/v1/messages",
     [("service_tier_invalid", "service_tier", "error")]),
    ("stop_sequences_type", body_with(stop_sequences=["END", 5]), HEADERS, "/v1/messages",
     [("stop_sequences_type", "stop_sequences.1", "error")]),
    ("messages_empty", body_with(messages=[]), HEADERS, "/v1/messages", [("messages_empty", "messages", "error")]),
    ("message_missing_role", body_with(messages=[{"content": "hi"}]), HEADERS, "/v1/messages",
     [("message_missing_field", "messages.0.role", "error")]),
    ("message_missing_content", body_with(messages=[{"role": "user"}]), HEADERS, "/v1/messages",
     [("message_missing_field", "messages.0.content", "error")]),
    ("message_extra_field", body_with(messages=[{"role": "user", "content": "hi", "name": "bob"}]), HEADERS,
     "/v1/messages", [("message_extra_field", "messages.0.name", "error")]),
    ("role_invalid", body_with(messages=[{"role": "human", "content": "hi"}]), HEADERS, "/v1/messages",
     [("role_invalid", "messages.0.role", "error")]),
    ("block_type_unknown", body_with(messages=msgs({"type": "image_url", "image_url": {"url": "x"}})), HEADERS,
     "/v1/messages", [("block_type_invalid", "messages.0.content.0", "error")]),
    ("block_type_missing", body_with(messages=msgs({"text": "hi"})), HEADERS, "/v1/messages",
     [("block_type_invalid", "messages.0.content.0.type", "error")]),
    ("block_extra_field", body_with(messages=turn({**TOOL_USE, "text": "calling"})), HEADERS, "/v1/messages",
     [("block_extra_field", "messages.1.content.0.tool_use.text", "error")]),
    ("block_missing_field", body_with(messages=turn({k: v for k, v in TOOL_USE.items() if k != "input"})),
     HEADERS, "/v1/messages", [("block_missing_field", "messages.1.content.0.tool_use.input", "error")]),
    ("thinking_signature_missing", body_with(messages=turn({"type": "thinking", "thinking": "hmm"}, TOOL_USE)),
     HEADERS, "/v1/messages", [("thinking_signature_missing", "messages.1.content.0.thinking.signature", "error")]),
    ("source_type_invalid", body_with(messages=msgs(image(kind="path"))), HEADERS, "/v1/messages",
     [("source_type_invalid", "messages.0.content.0.image.source", "error")]),
    ("file_source_requires_beta", body_with(messages=msgs(
        {"type": "document", "source": {"type": "file", "file_id": "file_01"}})), HEADERS, "/v1/messages",
     [("file_source_requires_beta", "messages.0.content.0.document.source", "error")]),
    ("file_source_headers_unknown", body_with(messages=msgs(
        {"type": "image", "source": {"type": "file", "file_id": "file_01"}})), None, "/v1/messages",
     [("file_source_requires_beta", "messages.0.content.0.image.source", "warning")]),
    ("tool_use_id_pattern", body_with(messages=turn({**TOOL_USE, "id": "call_1.2"})), HEADERS, "/v1/messages",
     [("tool_use_id_pattern", "messages.1.content.0.tool_use.id", "error")]),
    ("tool_result_id_pattern", body_with(messages=msgs({"type": "tool_result", "tool_use_id": "a:b"})), HEADERS,
     "/v1/messages", [("tool_use_id_pattern", "messages.0.content.0.tool_result.tool_use_id", "error")]),
    ("server_tool_use_id_pattern", body_with(messages=turn(
        {"type": "server_tool_use", "id": "toolu_01", "name": "web_search", "input": {}})), HEADERS, "/v1/messages",
     [("tool_use_id_pattern", "messages.1.content.0.server_tool_use.id", "error")]),
    ("tool_use_name_invalid", body_with(messages=turn({**TOOL_USE, "name": ""})), HEADERS, "/v1/messages",
     [("tool_use_name_invalid", "messages.1.content.0.tool_use.name", "error")]),
    ("tool_use_input_invalid", body_with(messages=turn({**TOOL_USE, "input": '{"city": "Paris"}'})), HEADERS,
     "/v1/messages", [("tool_use_input_invalid", "messages.1.content.0.tool_use.input", "error")]),
    ("tool_reference_invalid", body_with(messages=msgs({"type": "tool_result", "tool_use_id": "toolu_1", "content": [
        {"type": "tool_reference", "tool_name": "t" * 70}]})), HEADERS, "/v1/messages",
     [("tool_reference_invalid", "messages.0.content.0.tool_result.content.0.tool_reference.tool_name", "error")]),
    ("tool_type_invalid", body_with(tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}]),
     HEADERS, "/v1/messages", [("tool_type_invalid", "tools.0", "error")]),
    ("tool_name_invalid", body_with(tools=[{**TOOL, "name": "get weather"}]), HEADERS, "/v1/messages",
     [("tool_name_invalid", "tools.0.custom.name", "error")]),
    ("tool_extra_field", body_with(tools=[{**TOOL, "parameters": {}}]), HEADERS, "/v1/messages",
     [("tool_extra_field", "tools.0.custom.parameters", "error")]),
    ("input_schema_missing", body_with(tools=[{"name": "f"}]), HEADERS, "/v1/messages",
     [("tool_input_schema_invalid", "tools.0.custom.input_schema", "error")]),
    ("input_schema_type", body_with(tools=[{**TOOL, "input_schema": {"type": "array"}}]), HEADERS, "/v1/messages",
     [("tool_input_schema_invalid", "tools.0.custom.input_schema.type", "error")]),
    ("input_schema_any_of", body_with(tools=[{**TOOL, "input_schema": {"type": "object", "anyOf": []}}]), HEADERS,
     "/v1/messages", [("tool_input_schema_invalid", "tools.0.custom.input_schema", "error")]),
    ("input_schema_draft4", body_with(tools=[{**TOOL, "input_schema": {
        "type": "object", "properties": {"a": {"type": "string", "required": True}}}}]), HEADERS, "/v1/messages",
     [("tool_input_schema_invalid", "tools.0.custom.input_schema", "error")]),
    ("tool_choice_type_invalid", body_with(tool_choice={"type": "required"}), HEADERS, "/v1/messages",
     [("tool_choice_type_invalid", "tool_choice", "error")]),
    ("tool_choice_tool_name_missing", body_with(tool_choice={"type": "tool"}), HEADERS, "/v1/messages",
     [("tool_choice_tool_name_missing", "tool_choice.tool.name", "error")]),
    ("param_extra_field", body_with(tool_choice={"type": "none", "disable_parallel_tool_use": True}), HEADERS,
     "/v1/messages", [("param_extra_field", "tool_choice.none.disable_parallel_tool_use", "error")]),
    ("thinking_budget_missing", body_with(thinking={"type": "enabled"}), HEADERS, "/v1/messages",
     [("thinking_field_missing", "thinking.enabled.budget_tokens", "error")]),
    ("thinking_extra", body_with(thinking={"type": "adaptive", "budget_tokens": 2048}), HEADERS, "/v1/messages",
     [("thinking_field_missing", "thinking.adaptive.budget_tokens", "error")]),
    ("thinking_display_invalid", body_with(thinking={"type": "adaptive", "display": "full"}), HEADERS,
     "/v1/messages", [("thinking_display_invalid", "thinking.adaptive.display", "error")]),
    ("thinking_budget_below_min", body_with(thinking={"type": "enabled", "budget_tokens": 512}), HEADERS,
     "/v1/messages", [("thinking_budget_below_min", "thinking.enabled.budget_tokens", "error")]),
    ("effort_invalid_value", body_with(output_config={"effort": "extreme"}), HEADERS, "/v1/messages",
     [("effort_invalid_value", "output_config.effort", "error")]),
    ("output_format_shape", body_with(output_config={"format": {"type": "json", "schema": {"type": "object"}}}),
     HEADERS, "/v1/messages", [("output_format_shape", "output_config.format.type", "error")]),
    ("output_format_legacy_param", body_with(output_format={"type": "json_schema", "schema": {}}), HEADERS,
     "/v1/messages", [("output_format_legacy_param", "output_format", "error")]),
    ("cache_control_scope", body_with(system=[{"type": "text", "text": "x", "cache_control": {
        "type": "ephemeral", "scope": "global"}}]), HEADERS, "/v1/messages",
     [("cache_control_invalid", "system.0.cache_control.ephemeral.scope", "error")]),
    ("cache_control_ttl", body_with(cache_control={"type": "ephemeral", "ttl": "10m"}), HEADERS, "/v1/messages",
     [("cache_control_invalid", "cache_control.ephemeral.ttl", "error")]),
    ("cache_control_type", body_with(tools=[{**TOOL, "cache_control": {"type": "persistent"}}]), HEADERS,
     "/v1/messages", [("cache_control_invalid", "tools.0.custom.cache_control", "error")]),
    ("image_media_type_invalid", body_with(messages=msgs(image("image/jpg"))), HEADERS, "/v1/messages",
     [("image_media_type_invalid", "messages.0.content.0.image.source.base64.media_type", "error")]),
    ("pdf_media_type_invalid", body_with(messages=msgs({"type": "document", "source": {
        "type": "base64", "media_type": "application/msword", "data": "AAAA"}})), HEADERS, "/v1/messages",
     [("pdf_media_type_invalid", "messages.0.content.0.document.source.base64.media_type", "error")]),
    ("document_title_context", body_with(messages=msgs(doc(title=""))), HEADERS, "/v1/messages",
     [("document_title_context", "messages.0.content.0.document.title", "error")]),
    ("server_tool_max_uses", body_with(tools=[{"type": "web_search_20250305", "name": "web_search", "max_uses": 0}]),
     HEADERS, "/v1/messages", [("server_tool_param_invalid", "tools.0.web_search_20250305.max_uses", "error")]),
    ("server_tool_country", body_with(tools=[{"type": "web_search_20250305", "name": "web_search",
                                              "user_location": {"type": "approximate", "country": "USA"}}]),
     HEADERS, "/v1/messages",
     [("server_tool_param_invalid", "tools.0.web_search_20250305.user_location.country", "error")]),
    ("container_invalid", body_with(container=5), HEADERS, "/v1/messages", [("container_invalid", "container", "error")]),
    ("max_tokens_negative", body_with(max_tokens=-1), HEADERS, "/v1/messages",
     [("max_tokens_negative", "max_tokens", "error")]),
    ("model_empty", body_with(model=""), HEADERS, "/v1/messages", [("model_empty", "model", "error")]),
    ("beta_key_headers_unknown", body_with(mcp_servers="oops"), None, "/v1/messages",
     [("param_wrong_type", "mcp_servers", "error")]),
    ("bedrock_version_missing", {"max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}, HEADERS, BEDROCK,
     [("missing_required_param", "anthropic_version", "error")]),
    ("batch_requests_count", {"requests": []}, HEADERS, "/v1/messages/batches",
     [("batch_requests_count", "requests", "error")]),
    ("batch_custom_id_invalid", {"requests": [{"custom_id": "req 1", "params": BASE}]}, HEADERS,
     "/v1/messages/batches", [("batch_custom_id_invalid", "requests.0.custom_id", "error")]),
    ("batch_extra_key", {"requests": [{"custom_id": "r1", "params": BASE, "method": "POST"}]}, HEADERS,
     "/v1/messages/batches", [("param_extra_field", "requests.0.method", "error")]),
]


@pytest.mark.parametrize("body,headers,endpoint,expected", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_body_gives_exactly_one_violation(body: Dict[str, Any], headers: Optional[Dict[str, str]],
                                                  endpoint: str, expected: Found) -> None:
    """One schema problem is one violation, with the API's path (tag included) and the right code."""
    assert run_shape(body, headers, endpoint) == expected


VALID: List[Tuple[str, Dict[str, Any], Optional[Dict[str, str]], str]] = [
    ("max_tokens_zero", body_with(max_tokens=0), HEADERS, "/v1/messages"),
    ("max_tokens_numeric_string", body_with(max_tokens="1024"), HEADERS, "/v1/messages"),
    ("max_tokens_integral_float", body_with(max_tokens=1024.0), HEADERS, "/v1/messages"),
    ("stream_lax_bool", body_with(stream="true"), HEADERS, "/v1/messages"),
    ("nulls_counted_as_absent", body_with(metadata=None, stop_sequences=None, cache_control=None, container=None,
                                          inference_geo=None, output_config={"format": None, "effort": None},
                                          thinking={"type": "adaptive", "display": None}), HEADERS, "/v1/messages"),
    ("empty_tools_and_system", body_with(tools=[], system=""), HEADERS, "/v1/messages"),
    ("final_assistant_empty", body_with(messages=[{"role": "user", "content": "Hi"},
                                                  {"role": "assistant", "content": ""}]), HEADERS, "/v1/messages"),
    ("role_system_in_messages", body_with(messages=[{"role": "user", "content": "Hi"},
                                                    {"role": "system", "content": "Be brief."}]), HEADERS,
     "/v1/messages"),
    ("sampling_ignored", body_with(temperature=-1, top_p=-1, top_k="x"), HEADERS, "/v1/messages"),
    ("custom_tool_with_type", body_with(tools=[{**TOOL, "type": "custom", "name": "a" * 128}]), HEADERS,
     "/v1/messages"),
    ("tool_choice_none", body_with(tools=[TOOL], tool_choice={"type": "none"}), HEADERS, "/v1/messages"),
    ("free_form_objects", body_with(
        tools=[{**TOOL, "input_schema": {"type": "object", "$defs": {"a": {"type": "string"}},
                                         "properties": {"x": {"$ref": "#/$defs/a"}}, "additionalProperties": False}}],
        messages=turn({**TOOL_USE, "input": {"anything": [1, {"deep": None}]}}),
        output_config={"format": {"type": "json_schema", "schema": {"type": "object", "whatever": 1}}}),
     HEADERS, "/v1/messages"),
    ("file_source_with_beta", body_with(messages=msgs(
        {"type": "document", "source": {"type": "file", "file_id": "file_01"}})), FILES, "/v1/messages"),
    ("output_format_with_beta", body_with(output_format={"type": "json_schema", "schema": {}}),
     {**HEADERS, "anthropic-beta": "structured-outputs-2025-11-13"}, "/v1/messages"),
    ("beta_key_with_beta_header", body_with(context_management={"edits": []}),
     {**HEADERS, "anthropic-beta": "context-management-2025-06-27"}, "/v1/messages"),
    ("bedrock_body", {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10,
                      "messages": [{"role": "user", "content": "hi"}]}, HEADERS, BEDROCK),
    ("count_tokens_body", {k: v for k, v in BASE.items() if k != "max_tokens"}, HEADERS,
     "/v1/messages/count_tokens"),
    ("document_fields", body_with(messages=msgs(doc(title="t" * 500, context="c")), ), HEADERS, "/v1/messages"),
    ("batch_ok", {"requests": [{"custom_id": "a" * 64, "params": {"anything": "checked separately"}}]}, HEADERS,
     "/v1/messages/batches"),
    ("placeholder_value", body_with(metadata="<normalized>"), None, "/v1/messages"),
]


@pytest.mark.parametrize("body,headers,endpoint", [c[1:] for c in VALID], ids=[c[0] for c in VALID])
def test_near_miss_bodies_give_no_error(body: Dict[str, Any], headers: Optional[Dict[str, str]],
                                        endpoint: str) -> None:
    """Accepted shapes (real traffic and the catalog's 'not an error' list) never give an error."""
    assert [f for f in run_shape(body, headers, endpoint) if f[2] == "error"] == []


def test_headers_unknown_beta_only_key_is_a_warning() -> None:
    """Without headers, a key only beta requests accept is a header-dependent warning, not an error."""
    assert run_shape(body_with(context_management={"edits": []}), None) == [
        ("unknown_top_level_param", "context_management", "warning")]


def test_beta_endpoint_flag_selects_the_beta_schema() -> None:
    """An endpoint marked beta (``?beta=true``) is judged by the beta schema even without a beta header."""

    class BetaEndpoint:
        kind, platform, url_model, beta = "messages", "anthropic", None, True

    ctx = Context(body=body_with(context_management={"edits": []}), endpoint=BetaEndpoint(),  # type: ignore[arg-type]
                  headers=normalize_headers(HEADERS), registry=default_registry())
    shape.check_shape(ctx)
    assert ctx.found == []


def test_batch_params_are_checked_with_their_prefix() -> None:
    """Batch items are validated as Messages bodies; their paths start with requests.N.params."""
    body = {"requests": [{"custom_id": "r1", "params": body_with(max_tokens=-5)}]}
    found = [(v.code, v.path) for v in validate_request(body, headers=HEADERS, endpoint="/v1/messages/batches")
             if v.code == "max_tokens_negative"]
    assert found == [("max_tokens_negative", "requests.0.params.max_tokens")]


GOLDEN = [
    (body_with(tools=[{**TOOL, "name": "get weather"}]), "tool_name_invalid",
     "tools.0.custom.name 'get weather' does not match ^[a-zA-Z0-9_-]{1,128}$",
     "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"),
    (body_with(response_format={}), "unknown_top_level_param",
     "response_format is not a parameter of this endpoint (it is an OpenAI Chat Completions parameter)",
     "response_format: Extra inputs are not permitted"),
    (body_with(max_tokens=1.5), "param_wrong_type", "max_tokens must be an integer, got the fraction 1.5",
     "max_tokens: Input should be a valid integer"),
    (body_with(thinking={"type": "enabled", "budget_tokens": 100}), "thinking_budget_below_min",
     "budget_tokens 100 is below 1024",
     "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"),
    (body_with(messages=turn({**TOOL_USE, "text": "x"})), "block_extra_field",
     "messages.1.content.0.tool_use.text is not a field of tool_use blocks",
     "messages.1.content.0.tool_use.text: Extra inputs are not permitted"),
    (body_with(tools=[{**TOOL, "input_schema": {"type": "object", "oneOf": []}}]), "tool_input_schema_invalid",
     "input_schema does not support oneOf, allOf, or anyOf at the top level",
     "tools.0.custom.input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12 "
     "(https://json-schema.org/draft/2020-12). Learn more about tool use at "
     "https://platform.claude.com/docs/en/agents-and-tools/tool-use/overview."),
    (body_with(messages=msgs(image("image/jpg"))), "image_media_type_invalid",
     "messages.0.content.0.image.source.base64.media_type media_type 'image/jpg' is not image/jpeg, image/png, "
     "image/gif or image/webp",
     "messages.0.content.0.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', "
     "'image/gif' or 'image/webp'"),
]


@pytest.mark.parametrize("body,code,message,api_message", GOLDEN, ids=[g[1] for g in GOLDEN])
def test_golden_text(body: Dict[str, Any], code: str, message: str, api_message: str) -> None:
    """What a user reads for the commonest shape errors, word for word."""
    ctx = Context(body=body, endpoint=parse_endpoint("/v1/messages"), headers=normalize_headers(HEADERS),
                  registry=default_registry())
    shape.check_shape(ctx)
    assert [(v.code, v.message, v.api_message) for v in ctx.found] == [(code, message, api_message)]


def test_every_emitted_code_has_a_case() -> None:
    """Each code the shape rules can emit has an invalid case here."""
    emitted = {code for _, body, headers, endpoint, expected in INVALID for code, _, _ in expected}
    assert emitted >= {
        "missing_required_param", "param_wrong_type", "param_null", "unknown_top_level_param",
        "count_tokens_extra_param", "metadata_invalid", "service_tier_invalid", "stop_sequences_type",
        "messages_empty", "message_missing_field", "message_extra_field", "role_invalid", "block_type_invalid",
        "block_extra_field", "block_missing_field", "source_type_invalid", "file_source_requires_beta",
        "tool_use_id_pattern", "tool_use_name_invalid", "tool_use_input_invalid", "tool_reference_invalid",
        "tool_type_invalid", "tool_name_invalid", "tool_extra_field", "tool_input_schema_invalid",
        "tool_choice_type_invalid", "tool_choice_tool_name_missing", "thinking_field_missing",
        "thinking_display_invalid", "thinking_budget_below_min", "effort_invalid_value", "output_format_shape",
        "output_format_legacy_param", "cache_control_invalid", "image_media_type_invalid", "pdf_media_type_invalid",
        "document_title_context", "server_tool_param_invalid", "container_invalid", "max_tokens_negative",
        "model_empty", "batch_requests_count", "batch_custom_id_invalid", "param_extra_field",
        "thinking_signature_missing"}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(["model", "max_tokens", "messages", "system", "tools", "tool_choice", "thinking",
                        "metadata", "output_config", "container", "cache_control", "stop_sequences", "x"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patch=st.dictionaries(KEYS, JSON_VALUES, max_size=4), headers_known=st.booleans(),
       endpoint=st.sampled_from(["/v1/messages", "/v1/messages/count_tokens", "/v1/messages/batches", BEDROCK]))
def test_shape_rules_never_raise(patch: Dict[str, Any], headers_known: bool, endpoint: str) -> None:
    """Mutated bodies give violations, never an exception, and every violation has a known code."""
    body = {**copy.deepcopy(BASE), **patch}
    if endpoint.endswith("batches"):
        body = {"requests": [{"custom_id": "r1", "params": body}], **patch}
    found = run_shape(body, HEADERS if headers_known else None, endpoint)
    assert all(code in causes() for code, _, _ in found)
