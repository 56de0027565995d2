# ruff: noqa: E501  (a data table: one cause per call, long strings are the point)
"""Source of data/causes.json (run: python scripts/causes_src.py).  Order = most decisive first."""
import json
import pathlib

IRE = "invalid_request_error"
C = {}


def c(code, section, title, conf, message, fix, api=None, status=400, etype=IRE, kind="rule"):
    assert code not in C, code
    C[code] = dict(section=section, title=title, confidence=conf, status=status, error_type=etype,
                   api_message=api, message=message, fix=fix, kind=kind)


# ---- A. envelope / headers ---------------------------------------------------------------------
c("invalid_json", "A", "Body is not a JSON object", "likely", "{reason}",
  "Send a JSON object body (json.dumps of a dict) with Content-Type: application/json.",
  api="There was an issue with the format or content of your request.")
c("request_too_large", "A", "Request body over the size limit", "confirmed",
  "the request body is {size} bytes, over the {limit}-byte limit of this endpoint",
  "Shrink the request: send large files through the Files API or URLs, or split the work across requests.",
  api="Request exceeds the maximum allowed number of bytes.", status=413, etype="request_too_large")
c("request_body_encoding", "A", "Bad or unsupported Content-Encoding", "confirmed",
  "Content-Encoding {encoding!s} is not one the API decodes",
  "Send the body uncompressed, or with an encoding the API supports (gzip).",
  api="request_body_encoding_unsupported")
c("version_header_missing", "A", "anthropic-version header missing", "confirmed",
  "the request has no anthropic-version header",
  "Send `anthropic-version: 2023-06-01` (or `2026-10-21`); the SDK sets it for you.",
  api="anthropic-version: header is required")
c("version_header_invalid", "A", "anthropic-version is not a published version", "confirmed",
  "anthropic-version {value!s} is not a published API version (known: 2023-06-01, 2026-10-21)",
  "Send exactly one of the published versions: `2023-06-01` or `2026-10-21`.",
  api='anthropic-version: "{value}" is not a valid version')
c("auth_missing", "A", "No credentials", "confirmed",
  "the request has neither an x-api-key nor an Authorization: Bearer header",
  "Set ANTHROPIC_API_KEY (or pass api_key=) so the client sends x-api-key.",
  api="x-api-key header is required", status=401, etype="authentication_error")
c("beta_header_unknown", "A", "Unknown anthropic-beta value", "uncertain",
  "anthropic-beta value {value!s} is not a beta flag the API is known to accept{platform_note}",
  "Remove the value, or use a beta flag listed in the docs for this platform.",
  api="Unexpected value(s) `{value}` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header.")
c("auth_both_headers", "A", "Both x-api-key and Authorization sent", "uncertain",
  "both x-api-key and Authorization are sent", "Send one credential header only.", status=401,
  etype="authentication_error", kind="not_checkable")
c("auth_invalid", "A", "Key wrong, revoked or malformed", "confirmed", "the API key is not valid",
  "Use a valid key from the Console.", api="invalid x-api-key", status=401, etype="authentication_error",
  kind="not_checkable")

# ---- C. model ------------------------------------------------------------------------------------
c("model_retired", "C", "Retired model", "confirmed",
  "model {model!s} is retired{retired_note}: the API answers 404",
  "Move to a current model{suggestion_note}; see the models overview for the replacement.",
  api="model: {model}", status=404, etype="not_found_error")
# Evidence: the SDK's deprecation data (anthropic 2.14.0 `_data/deprecated_models.py`: claude-opus-4-5 ->
# "January 22nd, 2027"; the SDK emits a DeprecationWarning until then) and the docs' model deprecations page
# (a deprecated model keeps being served until its retirement date, then answers 404 like any retired id).
c("model_deprecated", "C", "Deprecated model (end of life announced)", "confirmed",
  "model {model!s} is deprecated: its end of life is {end_of_life} ({days_note}), after which the API answers 404",
  "Move to a current model before {end_of_life}; the model deprecations page "
  "(https://docs.anthropic.com/en/docs/resources/model-deprecations) names the replacement.",
  status=0, etype="")
c("model_not_found", "C", "Unknown model id", "confirmed",
  "model {model!s} is not a model id this plugin knows{suggestion_note}",
  "Use an exact model id or alias (case-sensitive){suggestion_fix}; if it is a new model, point "
  "claude_guard_models at a registry from `claude-guard models refresh`.",
  api="model: {model}", status=404, etype="not_found_error")
c("model_empty", "C", "Empty model id", "likely", "model is an empty string",
  "Set model to a model id such as claude-sonnet-4-6.", api="model: String should have at least 1 character")
c("model_org_restricted", "C", "Model not available to the organisation", "uncertain",
  "model access depends on the organisation", "Check model access in the Console.", kind="not_checkable")

# ---- B. top level ----------------------------------------------------------------------------------
c("missing_required_param", "B", "Required parameter missing", "confirmed",
  "{param} is required", "Add `{param}` to the request.", api="{param}: Field required")
c("param_null", "B", "null for a required parameter", "uncertain",
  "{param} is null", "Send a value for `{param}` or leave it out when it is optional.",
  api="{param}: Input should be a valid {expected}")
c("param_wrong_type", "B", "Parameter of the wrong JSON type", "confirmed",
  "{param} must be {expected}, got {got}", "Send `{param}` as {expected}.",
  api="{path}: Input should be a valid {expected_api}")
c("unknown_top_level_param", "B", "Unknown top-level parameter", "confirmed",
  "{param} is not a parameter of this endpoint{reason}",
  "Remove `{param}`{hint}.", api="{param}: Extra inputs are not permitted")
c("param_extra_field", "B", "Extra key in a nested parameter object", "confirmed",
  "{path} is not a field of {owner}", "Remove `{field}` from {owner}.",
  api="{path}: Extra inputs are not permitted")
c("count_tokens_extra_param", "B", "Messages-only field on count_tokens", "confirmed",
  "{param} is not accepted by /v1/messages/count_tokens",
  "Drop `{param}` from the count_tokens call (it accepts messages, model, system, tools, tool_choice, thinking, "
  "output_config, cache_control, speed).", api="{param}: Extra inputs are not permitted")
c("max_tokens_negative", "B", "Negative max_tokens", "confirmed", "max_tokens is {value}, below 0",
  "Set max_tokens to 0 or more (0 only warms the prompt cache).",
  api="max_tokens: Input should be greater than or equal to 0")
c("max_tokens_above_model_limit", "B", "max_tokens above the model's output limit", "confirmed",
  "max_tokens {value} is above {limit}, the output limit of {model}",
  "Lower max_tokens to at most {limit} for {model}.",
  api="max_tokens: {value} > {limit}, which is the maximum allowed number of output tokens for {model}")
c("metadata_invalid", "B", "Bad metadata", "confirmed", "{detail}",
  "metadata accepts only `user_id`, a string of at most 512 characters.", api="{path}: {api_detail}")
c("service_tier_invalid", "B", "Bad service_tier", "confirmed", "service_tier {value!s} is not 'auto' or 'standard_only'",
  "Use service_tier 'auto' or 'standard_only' ('priority'/'standard' are response values).",
  api="service_tier: Input should be 'auto' or 'standard_only'")
c("stop_sequences_type", "B", "stop_sequences is not an array of strings", "confirmed",
  "{path} must be a string", "Send stop_sequences as a list of strings.", api="{path}: Input should be a valid string")
c("stop_sequence_empty", "B", "Empty stop sequence", "likely", "{path} is an empty string",
  "Remove empty strings from stop_sequences (an empty list is fine).",
  api="stop_sequences: each stop sequence must be non-empty")
c("stop_sequence_whitespace", "B", "Whitespace-only stop sequence", "likely",
  "{path} is whitespace only ({value!r})", "Remove whitespace-only stop sequences such as '\\n'.",
  api="stop_sequences: each stop sequence must contain non-whitespace")
c("inference_geo_invalid", "B", "Bad inference_geo", "likely", "{detail}",
  "Use inference_geo 'global' or 'us', and only on models with data residency (Opus 4.6 and later).",
  api="inference_geo: must be one of ['global', 'us']")
c("container_invalid", "B", "Bad container", "confirmed", "container must be a string id (or null), got {got}",
  "Pass the container id string from a previous response.", api="container: Input should be a valid string")
c("container_without_code_execution", "B", "container without a code-execution tool", "likely",
  "container is set but no code execution tool is in tools",
  "Add the code execution tool to tools, or drop container.",
  api="container: Container identifier can only be provided when using the code execution tool")
c("speed_requires_beta", "B", "speed without the fast-mode beta", "likely",
  "speed is set on {model}, which needs the fast-mode-2026-02-01 beta header",
  "Add `anthropic-beta: fast-mode-2026-02-01` or drop speed.", kind="not_checkable")
c("user_profile_on_unsupported", "B", "user_profile_id where unsupported", "likely",
  "user_profile_id is not supported on {platform}", "Drop user_profile_id on this platform.",
  kind="not_checkable")

# ---- D. messages -----------------------------------------------------------------------------------
c("messages_empty", "D", "No messages", "confirmed", "messages is an empty array",
  "Send at least one message, e.g. [{{'role': 'user', 'content': 'Hello'}}].",
  api="messages: at least one message is required")
c("messages_too_many", "D", "More than 100,000 messages", "confirmed",
  "messages has {count} items, over the limit of 100,000", "Trim or summarise the conversation.")
c("message_missing_field", "D", "Message without role or content", "confirmed", "{path} is required",
  "Every message needs both `role` and `content` (messages must keep their role key).",
  api="{path}: Field required")
c("message_extra_field", "D", "Extra key on a message", "confirmed",
  "{path} is not a message field (messages take only role and content)",
  "Remove `{key}` from the message (OpenAI-style name/tool_calls/tool_call_id are not accepted).",
  api="{path}: Extra inputs are not permitted")
c("role_invalid", "D", "Unknown role", "confirmed", "role {role!s} is not 'user' or 'assistant'",
  "Use role 'user' or 'assistant'; map 'human'->'user', 'model'/'ai'->'assistant', tool results into user tool_result blocks.",
  api='messages: Unexpected role "{role}". Allowed roles are "user" or "assistant"')
c("role_system_unsupported_model", "D", "role 'system' in messages on a model without it", "confirmed",
  "{model} does not accept role 'system' inside messages{platform_note}",
  "Move the text to the top-level `system` parameter.",
  api="messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.")
c("role_system_position", "D", "Mid-conversation system message in a bad place", "likely", "{detail}",
  "Put the initial system prompt in top-level `system`; a system message must follow a user turn and precede an assistant turn or end the array.",
  api="{path}: {detail}")
c("empty_content_non_final", "D", "Empty message content", "confirmed",
  "{path} has empty content and is not the final assistant message",
  "Drop the empty message or give it content; only a final assistant message may be empty.",
  api="{path}: all messages must have non-empty content except for the optional final assistant message")
c("text_block_empty", "D", "Empty text block", "confirmed", "{path} is an empty text block",
  "Remove empty text blocks (filter out parts whose text is '').", api="messages: text content blocks must be non-empty")
c("text_block_whitespace_only", "D", "Whitespace-only text", "confirmed", "{path} contains only whitespace",
  "Remove whitespace-only text or replace it with real content.",
  api="messages: text content blocks must contain non-whitespace text")
# Evidence: BoltAI/BoltAI#165 (2024-09, Claude 3.5 Sonnet) and anomalyco/opencode#35101 (2026-07, Opus 4.7+), both
# "system: text content blocks must contain non-whitespace text"; NousResearch/hermes-agent#86643 (with cache_control).
c("system_text_whitespace_only", "D", "Whitespace-only system text block", "confirmed",
  "{path} is a system text block with only whitespace",
  "Drop whitespace-only blocks from `system` (or give them text); a cache_control breakpoint on one does not save it.",
  api="system: text content blocks must contain non-whitespace text")
c("final_assistant_trailing_whitespace", "D", "Prefill ends in whitespace", "confirmed",
  "the final assistant message ends with whitespace ({tail!r})",
  "Strip trailing whitespace from the prefilled assistant text (text.rstrip()).",
  api="messages: final assistant content cannot end with trailing whitespace")
c("block_type_invalid", "D", "Unknown or missing content block type", "confirmed", "{detail}",
  "Use one of the block types: {allowed}.", api="{path}: {api_detail}")
c("block_missing_field", "D", "Content block without a required field", "confirmed", "{path} is required",
  "Add `{field}` to the {block} block.", api="{path}: Field required")
c("block_extra_field", "D", "Extra key on a content block", "confirmed",
  "{path} is not a field of {block} blocks", "Remove `{field}` from the {block} block.",
  api="{path}: Extra inputs are not permitted")
c("source_type_invalid", "D", "Unknown source type", "confirmed", "{detail}",
  "Use a source type the block accepts: {allowed}.",
  api="{path}: Input tag '{tag}' found using 'type' does not match any of the expected tags: {allowed}")
c("file_source_requires_beta", "D", "File source without the Files API beta", "confirmed",
  "{path} uses source type 'file', which needs the files-api-2025-04-14 beta",
  "Send `anthropic-beta: files-api-2025-04-14` (client.beta.messages.create(..., betas=[...])).",
  api="{path}: Input tag 'file' found using 'type' does not match any of the expected tags: 'base64', 'url'")
c("document_in_assistant", "D", "document block in an assistant message (2026-10-21)", "likely",
  "{path} is a document block in an assistant message, which API version 2026-10-21 rejects",
  "Move documents into user messages.")
c("citations_on_user_text", "D", "citations on user text (2026-10-21)", "likely",
  "{path} carries citations in a user message, which API version 2026-10-21 rejects",
  "Drop `citations` from user text blocks (citations belong to assistant output).")
c("consecutive_same_role", "D", "Consecutive same-role turns", "confirmed", "not an error: consecutive turns are merged",
  "Nothing to fix.", status=200, etype="", kind="not_an_error")
c("first_message_not_user", "D", "Assistant first message", "likely", "not an error on the first-party API",
  "Nothing to fix.", status=200, etype="", kind="not_an_error")

# ---- E. prefill ------------------------------------------------------------------------------------
c("prefill_not_supported", "E", "Final assistant message on a model without prefill", "confirmed",
  "{model} does not support a final assistant message (prefill)",
  "End the conversation with a user message; to shape the output use output_config.format (structured outputs) or instructions in the system prompt.",
  api="This model does not support assistant message prefill. The conversation must end with a user message.")
c("prefill_with_structured_output", "E", "Prefill together with structured output", "likely",
  "a final assistant message cannot be combined with output_config.format",
  "Drop the prefill or the output format.")
c("prefill_exemption_server_tool", "E", "Paused server-tool turn", "uncertain",
  "not an error: a paused server-tool turn may be sent back", "Nothing to fix.", status=200, etype="",
  kind="not_an_error")
c("prefill_with_thinking", "E", "Prefill with thinking", "likely",
  "surfaces as the thinking rules", "See the thinking causes.", kind="not_checkable")

# ---- F. tool pairing -------------------------------------------------------------------------------
c("tool_use_without_result", "F", "tool_use without tool_result in the next message", "confirmed",
  "{path} has tool_use ids with no tool_result in the next user message: {ids}",
  "Answer every tool_use with a tool_result block (same tool_use_id) at the start of the next user message, or drop the tool_use.",
  api="{path}: `tool_use` ids were found without `tool_result` blocks immediately after: {ids}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.")
c("tool_result_without_use", "F", "tool_result without a matching tool_use", "confirmed",
  "{path} answers tool_use id {ids} that is not in the previous assistant message",
  "Keep the assistant message that made the tool_use directly before its tool_result (don't trim history between them), or drop the orphan tool_result.",
  api="{path}: unexpected `tool_use_id` found in `tool_result` blocks: {ids}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.")
c("tool_result_not_first", "F", "tool_result after other content", "likely",
  "{path} puts other content before its {count} tool_result block(s)",
  "Put the tool_result blocks first in the user message; add any text after them.",
  api="{path}: Did not find {count} `tool_result` block(s) at the beginning of this message. Messages following `tool_use` blocks must begin with a matching number of `tool_result` blocks.")
c("tool_use_id_duplicate", "F", "Duplicate tool_use id", "confirmed", "{path} repeats tool_use id {id}",
  "Give every tool_use a unique id (don't replay the same assistant turn twice).",
  api="{path}: `tool_use` ids must be unique")
c("tool_use_id_pattern", "F", "tool_use id with bad characters", "confirmed",
  "{path} {value!r} does not match {pattern}",
  "Use ids made of letters, digits, '_' and '-' only (map OpenAI/Bedrock ids, e.g. re.sub(r'[^a-zA-Z0-9_-]', '_', id)).",
  api="{path}: String should match pattern '{pattern}'")
c("tool_use_name_invalid", "F", "tool_use name empty or too long", "likely", "{path} must be 1 to 200 characters",
  "Give the tool_use the name of the tool it called.", api="{path}: String should have at least 1 character")
c("tool_use_input_invalid", "F", "tool_use input is not an object", "confirmed",
  "{path} must be a JSON object, got {got}",
  "Send tool_use.input as the parsed dict (json.loads the arguments string).",
  api="{path}: Input should be a valid dictionary")
c("server_tool_result_without_use", "F", "Server-tool result without server_tool_use", "confirmed",
  "{path} is a {block} with tool_use_id {ids} and no earlier server_tool_use",
  "Send server tool results back exactly as received, together with their server_tool_use block.",
  api="{path}: unexpected `tool_use_id` found in `{block}` blocks: {ids}. Each `{block}` block must have a corresponding `server_tool_use` block before it.")
c("tool_reference_invalid", "F", "tool_reference tool_name too long", "confirmed", "{path} is longer than 64 characters",
  "Reference tools by their name (at most 64 characters).", api="{path}: String should have at most 64 characters")

# ---- G. tool definitions -------------------------------------------------------------------------
c("tool_type_invalid", "G", "Unknown tool type", "confirmed", "{detail}",
  "Use a custom tool (name, description, input_schema) or a server tool type this API version knows.",
  api="{path}: Input tag '{tag}' found using 'type' does not match any of the expected tags")
c("tool_name_invalid", "G", "Bad tool name", "confirmed", "{path} {value!r} does not match ^[a-zA-Z0-9_-]{{1,128}}$",
  "Use 1-128 letters, digits, '_' or '-' (replace spaces, dots and colons, e.g. MCP 'server.tool' -> 'server_tool').",
  api="{path}: String should match pattern '^[a-zA-Z0-9_-]{{1,128}}$'")
c("tool_name_duplicate", "G", "Two tools with one name", "confirmed", "{path} repeats the tool name {name!r}",
  "Give every tool a unique name (also versus server tools such as web_search).",
  api="tools: Tool names must be unique.")
c("tool_input_schema_invalid", "G", "Bad tool input_schema", "confirmed", "{detail}",
  "Give input_schema a JSON Schema (draft 2020-12) object with \"type\": \"object\".",
  api="{path}: JSON schema is invalid. It must match JSON Schema draft 2020-12 (https://json-schema.org/draft/2020-12). Learn more about tool use at https://platform.claude.com/docs/en/agents-and-tools/tool-use/overview.")
c("tool_extra_field", "G", "Extra key in a tool definition", "confirmed", "{path} is not a field of {tool} tools",
  "Remove `{field}`; OpenAI-style {{'type': 'function', 'function': {{...}}}} must become {{name, description, input_schema}}.",
  api="{path}: Extra inputs are not permitted")
c("tool_choice_type_invalid", "G", "Bad tool_choice type", "confirmed", "tool_choice type {value!s} is not auto, any, tool or none",
  "Use tool_choice {{'type': 'auto'|'any'|'tool'|'none'}} (OpenAI's 'required' is 'any').",
  api="tool_choice: Input tag '{value}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'")
c("tool_choice_tool_name_missing", "G", "tool_choice tool without name", "confirmed",
  "tool_choice {{'type': 'tool'}} needs the tool's name", "Add `name` to tool_choice.", api="tool_choice.tool.name: Field required")
c("tool_choice_tool_unknown", "G", "tool_choice names no defined tool", "uncertain",
  "tool_choice names {name!r}, which is not in tools", "Name one of the tools in `tools`.")
c("forced_tool_use_with_thinking", "G", "Forced tool use with thinking enabled", "confirmed",
  "tool_choice {choice!s} forces tool use while thinking is enabled",
  "Use tool_choice auto (or none) with thinking, or disable thinking for this call.",
  api="Thinking may not be enabled when tool_choice forces tool use.")
c("forced_tool_use_model_unsupported", "G", "Forced tool use on a model without it", "likely",
  "{model} does not accept tool_choice {choice!s}", "Use tool_choice auto and instruct the model to call the tool.")
c("tools_limit_exceeded", "G", "Too many tools", "confirmed", "too many tools", "Use fewer tools or tool search.",
  kind="not_checkable")
c("tool_reference_unresolved", "G", "tool_reference to a missing tool", "confirmed",
  "{path} references tool {name!r}, which is not in tools",
  "Define the referenced tool in tools (defer_loading: true is fine).")
c("server_tool_version_unsupported", "G", "Outdated server tool version", "likely",
  "{model} does not accept the {tool} tool version", "Use computer_toolset_20260801 on this model.")
c("server_tool_param_invalid", "G", "Bad server tool parameter", "confirmed", "{detail}",
  "Fix the server tool's parameter as described.", api="{path}: {api_detail}")

# ---- H. thinking -----------------------------------------------------------------------------------
c("thinking_type_unsupported", "H", "Thinking type not supported by the model", "confirmed",
  "{model} does not accept thinking type {kind!r}",
  "{fix_detail}", api="{api_detail}")
c("thinking_budget_below_min", "H", "budget_tokens below 1024", "confirmed", "budget_tokens {value} is below 1024",
  "Set thinking.budget_tokens to at least 1024.", api="thinking.enabled.budget_tokens: Input should be greater than or equal to 1024")
c("thinking_budget_not_below_max_tokens", "H", "budget_tokens not below max_tokens", "confirmed",
  "thinking.budget_tokens ({budget}) must be smaller than max_tokens ({max_tokens})",
  "Raise max_tokens above budget_tokens or lower the budget.",
  api="`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size")
c("thinking_field_missing", "H", "Bad thinking object", "confirmed", "{detail}",
  "Use {{'type': 'adaptive'}}, {{'type': 'enabled', 'budget_tokens': N}} or {{'type': 'disabled'}}.", api="{path}: {api_detail}")
c("thinking_display_invalid", "H", "Bad thinking.display", "confirmed", "thinking.display {value!s} is not 'summarized' or 'omitted'",
  "Use display 'summarized' or 'omitted'.", api="{path}: Input should be 'summarized' or 'omitted'")
c("thinking_disabled_with_high_effort", "H", "Thinking off with a high effort level", "likely", "{detail}",
  "Lower output_config.effort to high or below, or turn thinking on.")
c("thinking_final_assistant_must_start_with_thinking", "H", "Thinking on, but the tool-use turn has no thinking block", "confirmed",
  "{path} must start with a thinking block because thinking is on and this assistant turn's tool_use is being answered",
  "Send back the assistant turn exactly as received, including its thinking/redacted_thinking blocks, or disable thinking.",
  api="{path}.type: Expected `thinking` or `redacted_thinking`, but found `{found}`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking")
c("thinking_in_final_assistant_when_disabled", "H", "Thinking blocks in the final assistant message with thinking off", "confirmed",
  "{path} is a thinking block in the final assistant message, but thinking is off",
  "Enable thinking, or strip thinking blocks from the final assistant message.",
  api="{path}: When thinking is disabled, an `assistant` message in the final position cannot contain `thinking`. To use thinking blocks, enable `thinking` in your request.")
c("thinking_last_block", "H", "Assistant message ending in a thinking block", "confirmed",
  "{path} ends with a thinking block", "Remove the trailing thinking block, or send the full turn as received.",
  api="{path}: The final block in an assistant message cannot be `thinking`.")
c("thinking_not_first_block", "H", "Thinking block not first", "confirmed",
  "{path} contains thinking blocks but starts with {found}",
  "Keep thinking/redacted_thinking blocks first in the assistant message, in their original order.",
  api="{path}: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found {found}.")
c("thinking_signature_missing", "H", "Thinking block without signature", "confirmed", "{path} is required",
  "Send thinking blocks back with their `signature` (redacted_thinking with `data`) exactly as received.",
  api="{path}: Field required")
c("thinking_blocks_modified", "H", "Thinking blocks modified", "likely", "thinking blocks were modified",
  "Send them back unchanged.", kind="not_checkable")

# ---- I. sampling -----------------------------------------------------------------------------------
c("sampling_param_removed_2026_10_21", "I", "Sampling parameter under API 2026-10-21", "likely",
  "{param} is not a parameter under anthropic-version 2026-10-21",
  "Remove {param}; current models pick sampling themselves (send anthropic-version 2023-06-01 only for an older model that still needs it).",
  api="{param}: Extra inputs are not permitted")
c("sampling_param_unsupported_model", "I", "Sampling parameter on a model that ignores it", "confirmed",
  "{model} rejects {param}={value}", "Remove {param} ({allowed}).", api="`{param}` is deprecated for this model.")
c("temperature_and_top_p_both", "I", "temperature and top_p together", "confirmed",
  "{model} rejects temperature and top_p in the same request", "Send only one of temperature and top_p.",
  api="`temperature` and `top_p` cannot both be specified for this model. Please use only one.")
c("sampling_with_thinking", "I", "Sampling parameter with thinking on", "confirmed", "{detail}",
  "With thinking on, leave temperature at 1 (or unset), top_k unset and top_p in [0.95, 1].", api="{api_detail}")
c("sampling_param_range", "I", "Sampling parameter out of range", "confirmed", "{param}={value} is outside {range}",
  "Keep temperature and top_p within [0, 1] and top_k a non-negative integer.", api="{param}: {api_detail}")
# Evidence: -1 was the "unset" sentinel ("top_p: range: -1 or 0..1", anthropics/anthropic-sdk-typescript#484, 2024;
# "temperature: range: -1 or 0..1", anthropics/anthropic-sdk-python#893, 2025-03) and is still accepted in recordings on
# claude-3-5-sonnet; current models reject it: "`top_p` cannot be set to -1 for this model" on claude-haiku-4-5 and
# claude-sonnet-4-6 (kpjmd/orthoiq-agents CHANGELOG; @langchain/anthropic 0.3.34 stops sending it for haiku-4-5 and
# sonnet-4-5), "`temperature` cannot be set to -1 for this model" (a 2026-09 research log, Haiku/Sonnet) and the
# maintainer's word on anthropic-sdk-python#893 (2026-08-05: "temperature=-1 is now rejected ... on current models").
c("sampling_param_minus_one", "I", "-1 as 'unset' for a sampling parameter", "confirmed",
  "{param}=-1 (the old 'unset' sentinel) is rejected by {model}",
  "Leave {param} out of the request (None / NOT_GIVEN) instead of sending -1.",
  api="`{param}` cannot be set to -1 for this model")

# ---- J. effort -------------------------------------------------------------------------------------
c("effort_invalid_value", "J", "Bad effort value", "confirmed", "output_config.effort {value!s} is not low, medium, high, xhigh or max",
  "Use one of 'low', 'medium', 'high', 'xhigh', 'max'.",
  api="output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'")
# Evidence: "This model does not support the effort parameter." on claude-haiku-4-5 (Oaklight/llm-rosetta#289,
# oratis/LISA#218, griffinmartin/opencode-claude-auth#125) and on Bedrock for Haiku / Sonnet 4.5
# (anthropics/claude-code#30760, #30795).
c("effort_unsupported_model", "J", "effort on a model without it", "confirmed", "{model} does not support output_config.effort",
  "Remove output_config.effort for this model.", api="This model does not support the effort parameter.")
# Evidence: "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium." on
# claude-opus-4-6 and claude-sonnet-4-6 (SkillfulAgents/SuperAgent#1142 live check; issue 8; public code quoting it);
# the levels are listed in alphabetical order.  Vertex words it as a schema error (Input should be 'low', ...).
c("effort_level_unsupported", "J", "Effort level the model does not offer", "confirmed",
  "{model} does not offer effort level {value!r} (it offers {levels})", "Use one of: {levels}.",
  api="This model does not support effort level '{value}'. Supported levels: {api_levels}.")

# ---- K. structured outputs -----------------------------------------------------------------------
c("output_format_shape", "K", "Bad output_config.format", "confirmed", "{detail}",
  "Use output_config={{'format': {{'type': 'json_schema', 'schema': {{...}}}}}} (no OpenAI name/strict wrapper).",
  api="{path}: {api_detail}")
c("output_format_legacy_param", "K", "Legacy top-level output_format", "likely", "{detail}",
  "Move it to output_config={{'format': ...}}, or send the structured-outputs-2025-11-13 beta with the beta client.",
  api="output_format: Extra inputs are not permitted")
c("structured_output_schema_unsupported", "K", "Structured output schema the API rejects", "confirmed",
  "{path} is an object schema without \"additionalProperties\": false",
  "Set \"additionalProperties\": false on every object in the schema (the SDK's transform_schema does it).",
  api="output_config.format.schema: For 'object' type, 'additionalProperties' must be explicitly set to false")
c("structured_output_unsupported_model", "K", "Structured outputs on a model without them", "confirmed",
  "{model} does not support structured outputs (output_config.format)",
  "Use a model with structured outputs, or use a forced tool call instead.", api="'{model}' does not support output format.")
c("structured_output_with_prefill", "K", "Structured output with prefill (reported as prefill_with_structured_output)", "likely",
  "output_config.format cannot be combined with a final assistant message", "Drop the prefill.", kind="alias")
c("structured_output_with_citations", "K", "Structured output with citations", "likely",
  "output_config.format cannot be combined with citations-enabled documents", "Turn citations off or drop the output format.")

# ---- L. caching ------------------------------------------------------------------------------------
c("cache_breakpoints_exceeded", "L", "More than 4 cache_control breakpoints", "confirmed",
  "{count} cache_control breakpoints (at most 4): {paths}",
  "Keep at most 4 cache_control markers across tools, system and messages (top-level cache_control counts as one).",
  api="A maximum of 4 blocks with cache_control may be provided. Found {count}.")
c("cache_ttl_order", "L", "1h cache TTL after a 5m one", "confirmed",
  "{path} has ttl '1h' after a 5m breakpoint at {earlier}",
  "Put 1h breakpoints before 5m ones in the order tools, system, messages.",
  api="{path}.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.")
c("cache_control_on_empty_text", "L", "cache_control on empty text", "confirmed",
  "{path} puts cache_control on an empty text block",
  "Move cache_control to a non-empty block or drop the empty block.",
  api="{path}: cache_control cannot be set for empty text blocks")
c("cache_control_invalid", "L", "Bad cache_control", "confirmed", "{detail}",
  "Use cache_control {{'type': 'ephemeral'}} with optional ttl '5m' or '1h'.", api="{path}: {api_detail}")
c("cache_prefix_too_short", "L", "Short cache prefix", "confirmed", "not an error: the prefix is processed without caching",
  "Nothing to fix.", status=200, etype="", kind="not_an_error")

# ---- M. images -------------------------------------------------------------------------------------
c("image_media_type_invalid", "M", "Unsupported image media type", "confirmed",
  "{path} media_type {value!r} is not image/jpeg, image/png, image/gif or image/webp",
  "Convert the image to PNG/JPEG/GIF/WebP and declare that type ('image/jpg' must be 'image/jpeg').",
  api="{path}: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'")
c("image_bytes_mismatch", "M", "Image bytes don't match media_type", "likely", "{detail}",
  "Declare the media_type the bytes really have (sniff it, don't trust the file extension).",
  api="{api_detail}")
c("image_too_large_bytes", "M", "Image over the size limit", "confirmed",
  "{path} is {size} bytes of base64, over {limit} bytes on {platform}",
  "Downscale or recompress the image below {limit_mb} MB of base64.",
  api="{path}: image exceeds {limit_mb} MB maximum: {size} bytes > {limit} bytes")
c("image_dimension_too_large", "M", "Image side too long", "confirmed", "{detail}",
  "Resize the image so its longest side is at most {limit} px.",
  api="{path}: At least one of the image dimensions exceed max allowed size{many}: {limit} pixels")
c("too_many_images", "M", "Too many images and documents", "likely",
  "{images} images + {documents} documents exceed {limit} for {model}",
  "Send fewer images per request, or summarise old screenshots.",
  api="too many images and documents: {images} + {documents} > {limit}")
c("image_url_unfetchable", "M", "Image URL not fetchable", "uncertain", "URL images are fetched by the API",
  "Check the URL.", kind="not_checkable")

# ---- N. documents ------------------------------------------------------------------------------------
c("pdf_media_type_invalid", "N", "Document media type not PDF", "confirmed",
  "{path} media_type {value!r} is not application/pdf",
  "Send PDFs as application/pdf; plain text as {{'type': 'text', 'media_type': 'text/plain', 'data': ...}}; convert office files first.",
  api="{path}: Input should be 'application/pdf'")
c("pdf_too_many_pages", "N", "PDF over the page limit", "confirmed", "{path} has {pages} pages, over {limit} for {model}",
  "Split the PDF into parts of at most {limit} pages.", api="{path}: A maximum of {limit} PDF pages may be provided")
c("pdf_encrypted_or_invalid", "N", "Encrypted or broken PDF", "likely", "{detail}",
  "Send an unencrypted, valid PDF.")
c("document_title_context", "N", "Bad document title/context", "confirmed", "{detail}",
  "Keep document title 1-500 characters and context non-empty.", api="{path}: {api_detail}")
c("citations_mixed", "N", "Citations on some documents only", "likely",
  "citations are enabled on some documents and not others ({paths})",
  "Enable citations on all documents or on none.")
c("citations_unsupported_model", "N", "Citations on a model without them", "confirmed",
  "{model} does not support citations", "Use a current model or disable citations.",
  api="'{model}' does not support citations.")
c("file_source_problem", "N", "File id not usable", "confirmed", "depends on the Files API state", "Re-upload the file.",
  kind="not_checkable")

# ---- O. context window -----------------------------------------------------------------------------
c("text_bytes_too_large", "O", "Too many text bytes", "confirmed",
  "the request holds {size} bytes of text, over the 9,000,000-byte limit",
  "Send less text per request (split documents, trim history).", api="too many total text bytes: {size} > 9000000")
c("prompt_too_long", "O", "Prompt longer than the context window", "confirmed",
  "the prompt is at least ~{tokens} tokens, over the {limit}-token context window of {model}",
  "Trim the conversation or documents, or use a model with a larger context window.",
  api="prompt is too long: {tokens} tokens > {limit} maximum")
c("input_plus_max_tokens_over_context", "O", "Input + max_tokens over context", "uncertain",
  "older models only", "Lower max_tokens.", kind="not_checkable")

# ---- P. batches ------------------------------------------------------------------------------------
c("batch_requests_count", "P", "Batch with no or too many requests", "confirmed", "requests has {count} items (1 to 100,000 allowed)",
  "Send between 1 and 100,000 requests per batch.", api="requests: List should have at least 1 item after validation, not 0")
c("batch_custom_id_invalid", "P", "Bad batch custom_id", "confirmed", "{path} {value!r} does not match ^[a-zA-Z0-9_-]{{1,64}}$",
  "Use 1-64 letters, digits, '_' or '-' for custom_id.", api="{path}: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'")
c("batch_custom_id_duplicate", "P", "Duplicate batch custom_id", "likely", "{path} repeats custom_id {value!r}",
  "Make every custom_id unique within the batch.")
c("batch_too_large", "P", "Batch body over 256 MB", "likely", "the batch body is {size} bytes, over 256 MB",
  "Split the batch.", status=413, etype="request_too_large")
c("batch_fallbacks", "P", "fallbacks in batch params", "likely", "{path} is not accepted in batch params",
  "Remove fallbacks from batch requests.")
c("batch_params_async", "P", "Batch params validated asynchronously", "uncertain", "see the per-request causes",
  "Fix the request.", kind="not_an_error")
c("batch_on_platform", "P", "Message Batches on Bedrock/Vertex", "likely",
  "{platform} has no Message Batches endpoint", "Use the platform's own batch inference service.",
  status=404, etype="not_found_error")

# ---- Q/R: SDK-side and not request shape ---------------------------------------------------------
for code, title in [("sdk_streaming_required", "SDK requires streaming"), ("sdk_missing_required_arg", "SDK missing argument"),
                    ("sdk_auth_missing", "SDK without credentials"), ("sdk_output_format_conflict", "SDK output_format conflict"),
                    ("sdk_deprecated_model_warning", "SDK deprecation warning"), ("sdk_thinking_enabled_warning", "SDK thinking warning")]:
    c(code, "Q", title, "confirmed", "raised by the SDK before sending", "See the SDK error.", status=0, etype="", kind="sdk_side")
for code, title, st, et in [("account_credit_too_low", "Credit balance too low", 400, IRE),
                            ("organization_on_hold", "Organisation on hold", 400, IRE),
                            ("billing_error", "Billing error", 402, "billing_error")]:
    c(code, "R", title, "confirmed", "not caused by the request", "Check billing in the Console.", status=st, etype=et,
      kind="not_request_shape")

# ---- the engine's own --------------------------------------------------------------------------------
c("engine_error", "-", "The validator hit an internal error", "uncertain",
  "the validator could not check this request ({rule}: {error})",
  "Please report this with the request body (secrets removed).", status=0, etype="", kind="internal")

out = {"_comment": "Generated by scripts/causes_src.py from shared/reference/api-rules.md; rule ids are stable cause codes.",
       "causes": C}
path = pathlib.Path(__file__).resolve().parent.parent / "pytest_claude_guard" / "data" / "causes.json"
path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", "utf-8")
print(len(C), "causes ->", path)
