"""What the API's recorded error messages say the cause was: message patterns -> acceptable cause codes.

Used by ``lint-cassettes`` to say whether our diagnosis of a recorded 400/404/413 agrees with the API.
Ordered: the first matching pattern wins, specific messages before the generic schema-error shapes.
"""

from __future__ import annotations

import re
from typing import FrozenSet, Optional, Tuple

__all__ = ["RECORDED_MESSAGES", "expected_codes"]

# (pattern searched in the recorded message, acceptable codes; None = not predictable from the request)
_NP = None
# fmt: off
RECORDED_MESSAGES: Tuple[Tuple[str, Optional[FrozenSet[str]]], ...] = tuple(
    (rx, None if codes is None else frozenset(codes))
    for rx, codes in (
        (r"credit balance is too low|[Oo]rganization (is |has been )?(on hold|disabled|suspended)", _NP),
        (r"Unable to download the file|Invalid `signature` in `thinking` block", _NP),
        (r"blocks in the latest assistant message cannot be modified", _NP),
        (r"roles must alternate between|first message must use the \"user\" role", _NP),
        (r"anthropic-version: header is required", {"version_header_missing"}),
        (r"anthropic-version: .* is not a valid version", {"version_header_invalid"}),
        (r"for the `anthropic-beta` header", {"beta_header_unknown"}),
        (r"Thinking may not be enabled when tool_choice forces tool use", {"forced_tool_use_with_thinking"}),
        (r"`max_tokens` must be greater than `thinking\.budget_tokens`",
         {"thinking_budget_not_below_max_tokens"}),
        (r"budget_tokens: Input should be greater than or equal to", {"thinking_budget_below_min"}),
        (r"thinking\.type\.\w+\" is not supported|adaptive thinking is not supported",
         {"thinking_type_unsupported"}),
        (r"Expected `thinking` or `redacted_thinking`, but found",
         {"thinking_final_assistant_must_start_with_thinking"}),
        (r"When thinking is disabled, an `assistant` message", {"thinking_in_final_assistant_when_disabled"}),
        (r"The final block in an assistant message cannot be `thinking`", {"thinking_last_block"}),
        (r"the first block must be thinking or redacted_thinking", {"thinking_not_first_block"}),
        (r"(thinking\.signature|redacted_thinking\.data): Field required", {"thinking_signature_missing"}),
        (r"^thinking[\w.]*display", {"thinking_display_invalid"}),
        (r"^thinking[\w.]*: ", {"thinking_field_missing", "thinking_type_unsupported"}),
        (r"does not support assistant message prefill", {"prefill_not_supported"}),
        (r"final assistant content cannot end with trailing whitespace",
         {"final_assistant_trailing_whitespace"}),
        (r"`temperature` and `top_p` cannot both be specified", {"temperature_and_top_p_both"}),
        (r"`(temperature|top_p|top_k)` (may only be set|must be unset|must be).*thinking",
         {"sampling_with_thinking"}),
        (r"`(temperature|top_p|top_k)` is deprecated for this model", {"sampling_param_unsupported_model"}),
        (r"^(temperature|top_p|top_k): Extra inputs",
         {"sampling_param_removed_2026_10_21", "unknown_top_level_param"}),
        (r"^(temperature|top_p|top_k): ", {"sampling_param_range"}),
        (r"which is the maximum allowed number of output tokens", {"max_tokens_above_model_limit"}),
        (r"^max_tokens: Input should be greater than or equal to", {"max_tokens_negative"}),
        (r"input length and `max_tokens` exceed context limit", {"input_plus_max_tokens_over_context"}),
        (r"prompt is too long", {"prompt_too_long"}),
        (r"too many total text bytes", {"prompt_too_long", "text_bytes_too_large"}),
        (r"Request exceeds the maximum allowed number of bytes|request_too_large", {"request_too_large"}),
        (r"does not support output format", {"structured_output_unsupported_model"}),
        (r"does not support citations", {"citations_unsupported_model"}),
        (r"does not support effort level", {"effort_level_unsupported"}),
        (r"does not support (the )?effort", {"effort_level_unsupported", "effort_unsupported_model"}),
        (r"^output_config\.effort", {"effort_invalid_value"}),
        (r"output_config\.format\.schema: ", {"output_format_shape", "structured_output_schema_unsupported"}),
        (r"^output_config\.format", {"output_format_shape"}),
        (r"^output_format: Extra inputs", {"output_format_legacy_param", "unknown_top_level_param"}),
        (r"messages: at least one message is required", {"messages_empty"}),
        (r"Unexpected role \"system\"", {"role_system_unsupported_model"}),
        (r"role 'system'|top-level 'system' parameter|system (text blocks|content) must",
         {"role_system_position"}),
        (r"Unexpected role|^messages\.\d+\.role: Input should be", {"role_invalid"}),
        (r"all messages must have non-empty content", {"empty_content_non_final"}),
        (r"text content blocks must be non-empty", {"cache_control_on_empty_text", "text_block_empty"}),
        (r"text content blocks must contain non-whitespace text", {"text_block_whitespace_only"}),
        (r"cache_control cannot be set for empty text blocks",
         {"cache_control_on_empty_text", "text_block_empty"}),
        (r"A maximum of \d+ blocks with cache_control", {"cache_breakpoints_exceeded"}),
        (r"ttl='1h' cache_control block must not come after", {"cache_ttl_order"}),
        (r"cache_control[\w.]*: ", {"block_extra_field", "cache_control_invalid"}),
        (r"`tool_use` ids were found without `tool_result` blocks", {"tool_use_without_result"}),
        (r"unexpected `tool_use_id` found in `tool_result` blocks", {"tool_result_without_use"}),
        (r"unexpected `tool_use_id` found in `\w+` blocks", {"server_tool_result_without_use"}),
        (r"`tool_result` block\(s\) at the beginning", {"tool_result_not_first"}),
        (r"ids must be unique", {"tool_use_id_duplicate"}),
        (r"(tool_use|tool_use_id|\.id): String should match pattern", {"tool_use_id_pattern"}),
        (r"tool_use\.name: String should", {"tool_use_name_invalid"}),
        (r"tool_use\.input: Input should be a valid dictionary",
         {"param_wrong_type", "tool_use_input_invalid"}),
        (r"tool_reference\.tool_name: ", {"tool_name_invalid", "tool_reference_invalid"}),
        (r"Tool names must be unique", {"tool_name_duplicate"}),
        (r"^tools\.\d+\.[\w.]*name: String should", {"tool_name_invalid"}),
        (r"input_schema", {"tool_input_schema_invalid"}),
        (r"^tools\.\d+: Input tag",
         {"server_tool_version_unsupported", "tool_extra_field", "tool_type_invalid"}),
        (r"^tools\.\d+[\w.]*\.(max_uses|user_location|allowed_domains|blocked_domains)",
         {"server_tool_param_invalid"}),
        (r"^tools\.\d+[\w.]*: Extra inputs", {"tool_extra_field"}),
        (r"^tool_choice\.tool\.name: Field required", {"tool_choice_tool_name_missing"}),
        (r"^tool_choice[\w.]*: Input tag", {"tool_choice_type_invalid"}),
        (r"tool_choice.*not supported", {"forced_tool_use_model_unsupported"}),
        (r"Container identifier can only be provided", {"container_without_code_execution"}),
        (r"^container[\w.]*: ", {"container_invalid", "param_wrong_type"}),
        (r"^service_tier: ", {"service_tier_invalid"}),
        (r"^inference_geo", {"inference_geo_invalid"}),
        (r"^metadata\.", {"metadata_invalid"}),
        (r"each stop sequence must be non-empty", {"stop_sequence_empty"}),
        (r"each stop sequence must contain non-whitespace", {"stop_sequence_whitespace"}),
        (r"^stop_sequences", {"param_wrong_type", "stop_sequences_type"}),
        (r"^model: String should have at least 1 character", {"model_empty"}),
        (r"^model: ", {"model_not_found", "model_retired"}),
        (r"image exceeds \d+ MB maximum", {"image_too_large_bytes"}),
        (r"image dimensions exceed max allowed size", {"image_dimension_too_large"}),
        (r"too many images", {"too_many_images"}),
        (r"media_type: Input should be 'image/", {"image_media_type_invalid"}),
        (r"media_type: Input should be 'application/pdf'", {"pdf_media_type_invalid"}),
        (r"image appears to be a|does not match the provided media type", {"image_bytes_mismatch"}),
        (r"PDF pages may be provided", {"pdf_too_many_pages"}),
        (r"document\.(title|context): ", {"document_title_context"}),
        (r"citations must be enabled on all or none", {"citations_mixed"}),
        (r"custom_id.*(unique|duplicate)", {"batch_custom_id_duplicate"}),
        (r"^requests\.\d+\.custom_id", {"batch_custom_id_invalid"}),
        (r"^requests: List should have", {"batch_requests_count"}),
        (r"source: Input tag 'file'",
         {"block_type_invalid", "file_source_requires_beta", "source_type_invalid"}),
        (r"source: Input tag", {"block_type_invalid", "source_type_invalid"}),
        (r"^messages\.[\w.]*: Input tag|^messages\.[\w.]*\.type: Field required", {"block_type_invalid"}),
        (r"^messages\.\d+\.content\.\d+[\w.]*: Extra inputs", {"block_extra_field", "param_extra_field"}),
        (r"^messages\.\d+\.\w+: Extra inputs", {"message_extra_field"}),
        (r"^messages\.\d+\.(role|content): Field required", {"message_missing_field"}),
        (r"^messages\.[\w.]*: Field required",
         {"block_missing_field", "block_type_invalid", "message_missing_field"}),
        (r"^(model|messages|max_tokens): Field required", {"missing_required_param"}),
        (r"^[\w-]+: Extra inputs are not permitted", {"count_tokens_extra_param", "unknown_top_level_param"}),
        (r"^[\w.-]+: Extra inputs are not permitted", {"param_extra_field", "unknown_top_level_param"}),
        (r"Input should be a valid|Input should be (less|greater) than|valid list",
         {"param_null", "param_wrong_type"}),
        (r"String should (match pattern|have at)",
         {"batch_custom_id_invalid", "document_title_context", "param_wrong_type", "tool_name_invalid",
          "tool_reference_invalid", "tool_use_id_pattern", "tool_use_name_invalid"}),
        (r"Input should be '",
         {"effort_invalid_value", "image_media_type_invalid", "param_wrong_type",
          "pdf_media_type_invalid", "service_tier_invalid", "thinking_display_invalid"}),
        (r"Field required", {"block_missing_field", "message_missing_field", "missing_required_param"}),
        (r"Extra inputs are not permitted",
         {"block_extra_field", "message_extra_field", "param_extra_field",
          "tool_extra_field", "unknown_top_level_param"}),
        (r"request_body_encoding", {"request_body_encoding"}),
        (r"There was an issue with the format or content of your request", {"invalid_json"}),
    )
)
# fmt: on
_COMPILED = tuple((re.compile(rx, re.S), codes) for rx, codes in RECORDED_MESSAGES)


def expected_codes(message: str) -> Tuple[bool, Optional[FrozenSet[str]]]:
    """-> (matched, codes): the causes a recorded API message points to; codes None = not predictable."""
    for rx, codes in _COMPILED:
        if rx.search(message):
            return True, codes
    return False, frozenset()
