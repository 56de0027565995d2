"""The words of the shape rule: how a mapped schema problem reads, to the user and as the API phrases it.

Tables (type names, hints for other APIs' parameters, detail templates) and the functions that format an error
with them.  Which cause a jsonschema error maps to, and at which path, is decided in ``shape.py``; nothing here
chooses a code.  The API's own phrases (Pydantic's: "Field required", "Input should be a valid dictionary") are
kept as the API prints them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Sequence, Tuple

from .. import _schemas as S

if TYPE_CHECKING:
    from jsonschema import ValidationError

__all__ = [
    "OPENAI_HINTS", "PYDANTIC_TYPE", "HUMAN_TYPE", "DETAIL", "REASON", "HINT", "detail", "parts", "dotted",
    "expected_types", "got", "quote_list", "api_text", "human", "expected_human", "allowed", "block_label",
    "tool_label", "owner_label",
]

# Parameters of OpenAI's Chat Completions API sent to the Messages API: what to write instead ("" = nothing).
OPENAI_HINTS = {
    "response_format": "; for JSON output use output_config={'format': {'type': 'json_schema', 'schema': ...}}",
    "n": "; the Messages API returns one completion per request",
    "frequency_penalty": "; the Messages API has no penalties",
    "presence_penalty": "; the Messages API has no penalties",
    "logit_bias": "",
    "logprobs": "",
    "top_logprobs": "",
    "seed": "",
    "user": "; to tag the end user use metadata={'user_id': ...}",
    "reasoning_effort": "; use output_config={'effort': ...} (and thinking) instead",
    "max_completion_tokens": "; the Messages API calls it max_tokens",
    "functions": "; define tools with name, description and input_schema in `tools`",
    "function_call": "; use tool_choice instead",
    "parallel_tool_calls": "; use tool_choice={'type': 'auto', 'disable_parallel_tool_use': True}",
    "stream_options": "",
    "modalities": "",
    "extra_body": "; `extra_body` is an SDK keyword argument: its contents belong at the top level of the body",
    "extra_headers": "; `extra_headers` is an SDK keyword argument, not a body field",
    "betas": "; betas go in the anthropic-beta header (client.beta.messages.create(..., betas=[...]))",
}
# JSON Schema type -> the name Pydantic (and so the API) gives it in "Input should be a valid ..."
PYDANTIC_TYPE = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
                 "array": "list", "object": "dictionary", "null": "null"}
# JSON Schema type -> how our own messages name it
HUMAN_TYPE = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
              "array": "an array", "object": "an object", "null": "null"}

# The ``detail`` (and other) parameters the shape rule fills into its causes' templates, by situation.
DETAIL = {
    "required": "{where} is required",
    "required_input_schema_type": "{where} is required (input_schema needs \"type\": \"object\")",
    "cache_control_extra": "{where} is not a cache_control field",
    "metadata_extra": "{where} is not a metadata field (only user_id is)",
    "metadata_not_object": "metadata must be an object, got {got}",
    "thinking_extra": "{where} is not a field of this thinking type",
    "thinking_type_unknown": "thinking type {tag!r} is not 'enabled', 'adaptive', 'disabled' or 'between_tools'",
    "output_format_extra": "{where} is not a field of output_config.format (it takes type and schema only)",
    "tool_type_unknown": "{where} type {tag!r} is not a tool type this API knows{openai}",
    "tool_type_openai": " (OpenAI's {{'type': 'function', 'function': {{...}}}} format)",
    "input_schema_not_object": "{human} (input_schema must be a JSON Schema object with \"type\": \"object\")",
    "source_type_unknown": "{where} type {tag!r} is not one of {allowed}",
    "block_not_object": "{where} must be a content block object, got {got}",
    "block_type_not_here": "{where}: block type {tag!r} is not accepted here",
    "legacy_output_format_unknown": "output_format is the structured-outputs beta's old name: it needs the {beta} beta "
                                    "header (headers unknown here)",
    "legacy_output_format": "output_format is the structured-outputs beta's old name and is rejected {why}",
    "legacy_output_format_version": "under anthropic-version 2026-10-21",
    "without_beta": "without the {names} beta header",
    "detail_without_beta": "{detail} without the {names} beta header",
    "input_schema_union_root": "input_schema does not support oneOf, allOf, or anyOf at the top level",
    "input_schema_not_draft_2020_12": "input_schema is not valid JSON Schema draft 2020-12 ({where}{text})",
    "input_schema_too_deep": "input_schema is nested too deeply to check",
    "content_expected": "a string or an array of content blocks",
    "batch_owner": "a batch request ({{custom_id, params}})",
}
# ``unknown_top_level_param``'s ``reason`` (after the parameter's name) and ``hint`` (after the fix), by situation.
REASON = {
    "platform_body_field": " (Bedrock and Vertex take it in the body; the Anthropic API takes headers)",
    "openai": " (it is an OpenAI Chat Completions parameter)",
    "beta": " without a beta header",
    "locked_beta": " without the {names} beta header",
    "batches": " of the batches endpoint",
}
HINT = {
    "platform_body_field": " and send the {header} header instead",
    "beta": " or send the beta header that enables it (client.beta.messages.create(..., betas=[...]))",
    "locked_beta": " or add {beta} to the anthropic-beta header",
    "did_you_mean": " (did you mean `{close}`?)",
    "batches": " (each request goes in requests[] as {{custom_id, params}})",
}
API_TEXT = {
    "required": "Field required",
    "extra": "Extra inputs are not permitted",
    "dictionary": "Input should be a valid dictionary",
}
DEFAULT_ALLOWED_BLOCKS = "text, image, document, tool_use, tool_result, ..."


def detail(key: str, **params: Any) -> str:
    return DETAIL[key].format(**params)


def parts(error: ValidationError) -> Tuple[Any, Any, Any]:
    """(keyword, keyword value, instance), typed loosely."""
    kw: Any = error.validator
    value: Any = error.validator_value
    inst: Any = error.instance
    return kw, value, inst


def dotted(path: Sequence[Any]) -> str:
    return ".".join(str(p) for p in path)


def expected_types(error: ValidationError) -> List[str]:
    value = error.validator_value
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def got(value: Any) -> str:
    kinds = S.json_types(value)
    for kind in ("null", "boolean", "string", "array", "object"):
        if kind in kinds:
            return HUMAN_TYPE[kind]
    if isinstance(value, float) and not value.is_integer():
        return f"the fraction {value!r}"
    return "a number"


def quote_list(values: Sequence[Any]) -> str:
    quoted = [repr(v) if not isinstance(v, str) else f"'{v}'" for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def api_text(error: ValidationError) -> str:
    """Pydantic-style wording, as the API phrases schema errors."""
    kw, value, inst = parts(error)
    if kw == "required":
        return API_TEXT["required"]
    if kw == "additionalProperties":
        return API_TEXT["extra"]
    if kw == "pattern":
        return f"String should match pattern '{value}'"
    if kw == "minLength":
        return f"String should have at least {value} character{'s' if value != 1 else ''}"
    if kw == "maxLength":
        return f"String should have at most {value} characters"
    if kw == "minimum":
        return f"Input should be greater than or equal to {value}"
    if kw == "exclusiveMinimum":
        return f"Input should be greater than {value}"
    if kw == "maxItems":
        return f"List should have at most {value} items after validation, not {len(inst)}"
    if kw == "minItems":
        return f"List should have at least {value} item after validation, not {len(inst)}"
    if kw == "enum":
        return f"Input should be {quote_list(value)}"
    if kw == "const":
        return f"Input should be {quote_list([value])}"
    if kw == "x-discriminator":
        return error.message
    if kw == "type":
        names = [PYDANTIC_TYPE.get(t, t) for t in expected_types(error) if t != "null"]
        return f"Input should be a valid {names[0] if names else 'value'}"
    return error.message


def human(error: ValidationError, where: str) -> str:
    """Our own wording of a schema error at ``where``."""
    kw, value, inst = parts(error)
    if kw == "required":
        return detail("required", where=where)
    if kw == "pattern":
        return f"{where} {inst!r} does not match {value}"
    if kw in ("minLength", "maxLength"):
        return f"{where} has {len(inst)} characters ({api_text(error).lower().replace('string should', 'it must')})"
    if kw in ("minimum", "exclusiveMinimum"):
        op = ">=" if kw == "minimum" else ">"
        return f"{where} is {inst!r}; it must be {op} {value}"
    if kw in ("minItems", "maxItems"):
        bound = "at least" if kw == "minItems" else "at most"
        return f"{where} has {len(inst)} items; it must have {bound} {value}"
    if kw == "enum":
        return f"{where} {inst!r} is not one of {quote_list(value)}"
    if kw == "const":
        return f"{where} {inst!r} must be {value!r}"
    if kw == "type":
        return f"{where} must be {expected_human(error)}, got {got(inst)}"
    return f"{where}: {error.message}"


def expected_human(error: ValidationError) -> str:
    names = [HUMAN_TYPE.get(t, t) for t in expected_types(error) if t != "null"]
    if not names:
        return "a valid value"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def allowed(error: ValidationError) -> str:
    """The tags a union accepts, as a list for the message."""
    disc = getattr(error, "discriminator", None)
    if isinstance(disc, dict):
        return ", ".join(disc.get("mapping", {}))
    return DEFAULT_ALLOWED_BLOCKS


def block_label(path: Sequence[Any], name: str) -> str:
    """What a block is called in "... is not a field of {block} blocks": its tag, else its schema's name."""
    tags = [p for p in path if isinstance(p, S.Tag)]
    if tags:
        return str(tags[-1])
    return "text" if name == "TextBlockParam" else (name or "content")


def tool_label(path: Sequence[Any]) -> str:
    tags = [p for p in path if isinstance(p, S.Tag)]
    return str(tags[0]) if tags else "custom"


def owner_label(path: Sequence[Any]) -> str:
    return dotted(path) or "the request"
