# ruff: noqa: E501  (a data table: one source per call, long strings are the point)
"""Source of pytest_claude_guard/data/evidence.json (run: python scripts/evidence_src.py).

Hand-written entries (issue threads, docs pages, SDK files) come from the evidence column of
../shared/reference/api-rules.md and the threads behind it; ``recorded`` entries are mined from the real
traffic in ../shared/corpus/ (dev.jsonl.gz: one entry per recorded interaction group; issue_cases.jsonl: one per
thread), mapped to causes with ../shared/tools/corpus_score.py's own table.  ../shared is read here only, at
generation time: the package ships the JSON and never reads ../shared.

Each cause gets a ``scope``: boxes of situations (models, endpoints, platforms, API versions) where it is an
error.  A dimension is either the values its entries were seen with or ``"*"`` with the reason the evidence holds
for every value (``why``).  Outside every box the cause is a warning.
"""
from __future__ import annotations

import collections
import json
import pathlib
import re
import sys
from typing import Any, Dict, List, Optional, Sequence

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "pytest_claude_guard" / "data" / "evidence.json"
sys.path.insert(0, str(ROOT))

ANY = "*"
MSG, CT, BAT = "messages", "count_tokens", "batches"
A = "anthropic"
V1 = "2023-06-01"
V2 = "2026-10-21"
SPEC = "anthropics/anthropic-sdk-php scripts/mock (embedded OpenAPI spec, 2026-08-20)"

# why-texts for "*" dimensions (explicit claims, reviewed with the cause)
W_SHAPE = ("a request-schema check: the API answers it with a field path before any model-specific logic, and the "
           "same schema (SDK TypedDicts, the OpenAPI spec) serves every model")
W_VERSION = ("the 2026-10-21 version changed the sampling parameters and legacy fields (api-rules.md §0.1); "
             "nothing public says it changed this check")
W_HEADER = "a header check made before the body or the model is read"
W_SIZE = "a byte limit of the endpoint, applied before the body is parsed"
W_MODEL_ID = "any id the API does not serve: the check is the id itself"

E: Dict[str, Dict[str, Any]] = {}


def _entry(kind: str, message: Optional[str], models: Sequence[str], endpoints: Sequence[str],
           platforms: Sequence[str], versions: Sequence[str], date: Optional[str], note: Optional[str],
           **ref: Any) -> Dict[str, Any]:
    e: Dict[str, Any] = {"kind": kind, **ref, "message": message, "models": list(models),
                         "endpoints": list(endpoints), "platforms": list(platforms), "versions": list(versions),
                         "date": date}
    if note:
        e["note"] = note
    return e


def issue(ref: str, message: Optional[str] = None, models: Sequence[str] = (), endpoints: Sequence[str] = (MSG,),
          platforms: Sequence[str] = (A,), versions: Sequence[str] = (), date: Optional[str] = None,
          note: Optional[str] = None) -> Dict[str, Any]:
    """``owner/repo#123`` (issue or pull request)."""
    repo, _, num = ref.partition("#")
    return _entry("issue", message, models, endpoints, platforms, versions, date, note, repo=repo,
                  number=int(num), url=f"https://github.com/{repo}/issues/{num}")


def docs(url: str, message: Optional[str] = None, models: Sequence[str] = (), endpoints: Sequence[str] = (MSG,),
         platforms: Sequence[str] = (A,), versions: Sequence[str] = (), date: Optional[str] = None,
         note: Optional[str] = None) -> Dict[str, Any]:
    return _entry("docs", message, models, endpoints, platforms, versions, date, note, url=url)


def sdk(file: str, message: Optional[str] = None, models: Sequence[str] = (), endpoints: Sequence[str] = (MSG,),
        platforms: Sequence[str] = (A,), versions: Sequence[str] = (), date: Optional[str] = "2026-11-20",
        module: str = "anthropic 2.12.0", note: Optional[str] = None) -> Dict[str, Any]:
    return _entry("sdk", message, models, endpoints, platforms, versions, date, note, module=module, file=file)


def spec(what: str, endpoints: Sequence[str] = (MSG,)) -> Dict[str, Any]:
    return sdk("scripts/mock", module=SPEC, endpoints=endpoints, date="2026-08-20", versions=(V1,),
               note=f"OpenAPI constraint: {what}")


# The count_tokens and batch-create bodies reuse the Messages request types: a schema rule of Messages is the
# same rule there (the batch item is judged when the batch runs and errors in its result).
CT_TYPES = sdk("types/message_count_tokens_params.py", endpoints=(CT,),
               note="count_tokens takes the same messages/system/tools/tool_choice/thinking types as messages.create")
BATCH_TYPES = sdk("types/messages/batch_create_params.py", endpoints=(BAT,),
                  note="each batch request's params is MessageCreateParamsNonStreaming: the same types as messages.create")


# The request schema is validated the same way where Anthropic's Messages API is served by a partner: schema
# rejections with the API's own Pydantic-style messages are recorded on Bedrock, Vertex and Foundry, and Mantle answers
# the API's own validation messages.  Every schema rule carries these entries, so its scope may name those platforms.
_SCHEMA_NOTE = "the partner runs the Messages API's own request-schema validation (same message form): evidence for every schema rule there"
SCHEMA_PLATFORMS = (
    issue("BerriAI/litellm#13609", "The model returned the following errors: reasoning: Extra inputs are not permitted",
          models=("claude-opus-4-5",), platforms=("bedrock",), note=_SCHEMA_NOTE),
    issue("router-for-me/CLIProxyAPI#512", "messages.1.content.0.thinking.cache_control: Extra inputs are not permitted",
          models=("claude-sonnet-4-5",), platforms=("vertex",), note=_SCHEMA_NOTE + " (request id req_vrtx_...)"),
    issue("microsoft/foundry-dev-tools#349", None, models=("claude-opus-4-6",), platforms=("foundry",), date="2026-02-10",
          note="claude-opus-4-6 deployed on Azure AI Foundry: a body without max_tokens answered 400; " + _SCHEMA_NOTE),
    issue("aaronrussell/anthropix#20", None, models=("claude-sonnet-5",), platforms=("mantle",), date="2026-08-22",
          note="Bedrock Mantle answers the API's own thinking-type rejection for Sonnet 5: the Messages API's validation runs there"),
)
SCHEMA_PLATFORM_NAMES = (A, "bedrock", "vertex", "foundry", "mantle")


def box(models: Any = ANY, endpoints: Any = (MSG,), platforms: Any = (A,), versions: Any = ANY,
        why: str = "") -> Dict[str, Any]:
    b = {"models": models if models == ANY else sorted(models),
         "endpoints": endpoints if endpoints == ANY else list(endpoints),
         "platforms": platforms if platforms == ANY else list(platforms),
         "versions": versions if versions == ANY else list(versions)}
    if why:
        b["why"] = why
    return b


def cause(code: str, *evidence: Dict[str, Any], scope: Sequence[Dict[str, Any]] = (), note: str = "") -> None:
    assert code not in E, code
    E[code] = {"evidence": list(evidence), "scope": list(scope)}
    if note:
        E[code]["note"] = note


def shape(code: str, *evidence: Dict[str, Any], endpoints: Sequence[str] = (MSG, CT, BAT),
          platforms: Sequence[str] = SCHEMA_PLATFORM_NAMES, note: str = "") -> None:
    """A schema rule: every model, every version; the endpoints sharing the schema; the platforms whose schema
    validation is recorded (Anthropic, Bedrock, Vertex, Foundry)."""
    extra = [e for e, ep in ((CT_TYPES, CT), (BATCH_TYPES, BAT)) if ep in endpoints]
    extra += [e for e in SCHEMA_PLATFORMS if e["platforms"][0] in platforms]
    cause(code, *evidence, *extra,
          scope=[box(ANY, endpoints, platforms, ANY, why=f"models: {W_SHAPE}; versions: {W_VERSION}")], note=note)


# ---- A. envelope / headers ---------------------------------------------------------------------------------
cause("invalid_json",
      docs("https://docs.anthropic.com/en/api/errors",
           "There was an issue with the format or content of your request.", date="2026-11",
           note="the errors page's description of invalid_request_error (the body is not a JSON object)"),
      scope=[box(ANY, ANY, ANY, ANY, why=f"models, endpoints and platforms: a body that is not a JSON object cannot be read at all, whatever it names or wherever it goes; versions: {W_VERSION}")])
cause("request_too_large",
      sdk("_exceptions.py / _error_classes.py", "request_body_too_large_after_decoding", endpoints=(MSG, CT)),
      docs("https://docs.anthropic.com/en/api/errors", "Request exceeds the maximum allowed number of bytes.",
           endpoints=(MSG, CT), date="2026-11", note="413 request_too_large; 32 MB for Messages and count_tokens"),
      scope=[box(ANY, (MSG, CT), (A,), ANY, why=f"models: {W_SIZE}; versions: {W_VERSION}")])
cause("request_body_encoding",
      sdk("_error_classes.py", "request_body_encoding_unsupported", note="error_code request_body_encoding_invalid / _unsupported"),
      scope=[box(ANY, ANY, (A,), ANY, why=f"models and endpoints: {W_SIZE}; versions: {W_VERSION}")])
cause("version_header_missing",
      issue("envoyproxy/ai-gateway#1909", "anthropic-version: header is required", date="2026-03"),
      issue("PipedreamHQ/pipedream#9697", "anthropic-version: header is required"),
      scope=[box(ANY, ANY, (A,), ANY, why=f"models and endpoints: {W_HEADER}; versions: {W_VERSION}")])
cause("version_header_invalid",
      issue("decolua/9router#2357", 'anthropic-version: "2023-06-01, 2023-06-01" is not a valid version', date="2026-07"),
      issue("sseshachala/conductai#2179", None, date="2026-09", note='"2024-10-22" answered 400'),
      scope=[box(ANY, ANY, (A,), ANY, why=f"models and endpoints: {W_HEADER}; versions: {W_VERSION}")])
cause("auth_missing",
      issue("n8n-io/n8n#37930", "x-api-key header is required", date="2026-09-07"),
      scope=[box(ANY, ANY, (A,), ANY, why=f"models and endpoints: {W_HEADER}; versions: {W_VERSION}")])
cause("beta_header_unknown",
      issue("zed-industries/zed#42715", "Unexpected value(s) `prompt-caching-2024-07-31` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header.",
            platforms=("vertex",), note="Vertex; on the first-party API retired beta values are accepted (SDK CHANGELOG 2.9.0)"),
      scope=[box(ANY, ANY, ("vertex",), ANY, why=f"models and endpoints: {W_HEADER}; versions: {W_VERSION}")])

# ---- C. model id -----------------------------------------------------------------------------------------------
_MODEL_WHY = f"models: {W_MODEL_ID}; versions: {W_VERSION}"
cause("model_retired",
      issue("promptfoo/promptfoo#10632", "model: claude-sonnet-4-0", date="2026-09-04"),
      issue("browser-use/browser-use#5085", "model: claude-sonnet-4-0", date="2026-06-26"),
      sdk("_data/deprecated_models.py", endpoints=(MSG, CT, BAT), note="retired: inference requests naming it fail (ModelInfo.lifecycle docstring), whichever endpoint"),
      scope=[box(ANY, (MSG, CT, BAT), (A,), ANY, why=_MODEL_WHY)])
cause("model_deprecated", note="deprecation does not reject a request (the SDK only warns): never an error")
cause("model_not_found",
      issue("spring-projects/spring-ai#2387", "model: claude-2.1"),
      issue("browser-use/browser-use#5085", "model: claude-sonnet-4-0", date="2026-06-26"),
      scope=[box(ANY, (MSG,), (A,), ANY, why=_MODEL_WHY)])
cause("model_empty", spec("Model: minLength 1 (string)"),
      scope=[box(ANY, (MSG,), (A,), ANY, why=_MODEL_WHY)])

# ---- B. top-level parameters -----------------------------------------------------------------------------------
shape("missing_required_param",
      issue("microsoft/foundry-dev-tools#385", "max_tokens: Field required", date="2026-04"),
      spec("required: model, messages, max_tokens"))
cause("param_null", note="uncertain (Pydantic may treat null as absent for some fields): warning only")
shape("param_wrong_type",
      sdk("types/message_create_params.py", note="TypedDicts are not validated at runtime: the API answers the type error"),
      spec("types of every top-level field"))
shape("unknown_top_level_param",
      issue("amrit110/oli#7", "response_format: Extra inputs are not permitted"),
      issue("Aider-AI/aider#3367", "extra_body: Extra inputs are not permitted", models=("claude-3-7-sonnet-20250219",)),
      spec("CreateMessageParams additionalProperties: false"))
shape("param_extra_field", spec("additionalProperties: false on every object"))
cause("count_tokens_extra_param",
      issue("Wei-Shaw/sub2api#4913", "max_tokens: Extra inputs are not permitted", endpoints=(CT,)),
      sdk("types/message_count_tokens_params.py", endpoints=(CT,), note="accepted fields: messages, model, cache_control, output_config, speed, system, thinking, tool_choice, tools"),
      scope=[box(ANY, (CT,), (A,), ANY, why=f"models: {W_SHAPE}; versions: {W_VERSION}")])
shape("max_tokens_negative", spec("max_tokens minimum: 0"), sdk("types/message_create_params.py"),
      endpoints=(MSG, BAT))
cause("max_tokens_above_model_limit",
      issue("anthropics/claude-code#24451", "max_tokens: 128001 > 64000, which is the maximum allowed number of output tokens for claude-opus-4-5-20251101", models=("claude-opus-4-5",)),
      issue("Effect-TS/effect#7129", "max_tokens: 9999999 > 128000, which is the maximum allowed number of output tokens for claude-opus-4-8", models=("claude-opus-4-8",)),
      issue("Natively-AI-assistant/natively-cluely-ai-assistant#54", "max_tokens: 65536 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5-20250929", models=("claude-sonnet-4-5",), date="2026-03"),
      issue("BerriAI/litellm#15715", "max_tokens: 200000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5-20250929", models=("claude-sonnet-4-5",), platforms=("vertex",)),
      issue("continuedev/continue#4225", "max_tokens: 8192 > 4096, which is the maximum allowed number of output tokens for claude-3-haiku-20240307", models=("claude-3-haiku-20240307",), date="2025-02-18"),
      issue("BerriAI/litellm#32185", None, models=("claude-haiku-4-5",), platforms=(A, "vertex"), date="2026-07-05",
            note="the limit, not a rejection: Claude Haiku 4.5's maximum output is 64,000 tokens on every provider (Google's Vertex docs quoted: Maximum output tokens: 64,000); the API's check itself is the one the messages above show"),
      scope=[box(("claude-opus-4-5", "claude-opus-4-8", "claude-sonnet-4-5"), (MSG, BAT), (A,), ANY, why=f"versions: {W_VERSION}"),
             box(("claude-sonnet-4-5",), (MSG,), ("vertex",), ANY, why=f"versions: {W_VERSION}")],
      note="the limit is per model: an error only for the models whose limit an API message named")
shape("metadata_invalid", spec("Metadata additionalProperties: false, user_id maxLength 512"), endpoints=(MSG, BAT))
shape("service_tier_invalid", spec("service_tier enum auto, standard_only"),
      sdk("types/message_create_params.py", note='service_tier: Literal["auto", "standard_only"]'), endpoints=(MSG, BAT))
shape("stop_sequences_type", spec("stop_sequences: array of string"), endpoints=(MSG, BAT))
cause("stop_sequence_empty", note="the only source (an issue in 'mcp-web-ui#5') could not be located: warning only")
cause("stop_sequence_whitespace",
      issue("BerriAI/litellm#3286", "stop_sequences: each stop sequence must contain non-whitespace", models=("claude-3-haiku-20240307",), date="2024-04"),
      scope=[box(ANY, (MSG, BAT), (A,), ANY, why=f"models: a value check of stop_sequences made before the model runs; versions: {W_VERSION}")])
cause("inference_geo_invalid", note="only a measuring proxy and docs as quoted by secondary sources: warning only")
shape("container_invalid", spec("container: string or null"), endpoints=(MSG, BAT))
cause("container_without_code_execution", note="only a measuring proxy (no public thread): warning only")

# ---- D. messages -----------------------------------------------------------------------------------------------
shape("messages_empty", issue("danny-avila/LibreChat#6484", "messages: at least one message is required"))
shape("messages_too_many", sdk("resources/messages/messages.py", note='docstring: "There is a limit of 100,000 messages in a single request."'))
shape("message_missing_field", spec("InputMessage required: content, role"))
shape("message_extra_field", spec("InputMessage additionalProperties: false"))
shape("role_invalid", spec("InputMessage role enum"))
cause("role_system_unsupported_model",
      issue("Maol-1997/cursor-claude-connector#3", 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.', models=("claude-sonnet-4-20250514",), date="2025-07"),
      issue("elastic/elasticsearch#149198", 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.', models=("claude-haiku-4-5",)),
      issue("anthropics/claude-code#61412", "role 'system' is not supported on this model", date="2026-05-22"),
      scope=[box(("claude-haiku-4-5", "claude-sonnet-4-20250514"), (MSG, CT, BAT), (A,), ANY, why=f"versions: {W_VERSION}")],
      note="per-model support is uncertain (catalog §D): an error only on the models seen rejecting it")
cause("role_system_position", note="only a measuring proxy and a docs summary: warning only")
shape("empty_content_non_final",
      issue("anthropics/claude-code#6774", "messages.0: all messages must have non-empty content except for the optional final assistant message"),
      issue("tidyverse/ellmer#709", "messages.0: all messages must have non-empty content except for the optional final assistant message"))
shape("text_block_empty", issue("anthropics/claude-code#59812", "messages: text content blocks must be non-empty", date="2026-05"),
      spec("text block text minLength 1"))
shape("text_block_whitespace_only", issue("anthropics/claude-code#23440", "messages: text content blocks must contain non-whitespace text", date="2026-02"))
shape("system_text_whitespace_only", issue("anthropics/claude-code#23440", "messages: text content blocks must contain non-whitespace text", date="2026-02",
                                           note="the same non-whitespace check as message text blocks"))
shape("final_assistant_trailing_whitespace",
      issue("tailcallhq/forgecode#1872", "messages: final assistant content cannot end with trailing whitespace"),
      issue("anomalyco/opencode#1295", "messages: final assistant content cannot end with trailing whitespace"))
shape("block_type_invalid", spec("content block unions dispatch on type"))
shape("block_missing_field", spec("required fields of every content block"))
shape("block_extra_field",
      issue("anthropics/claude-code#4378", "messages.65.content.1.tool_use.text: Extra inputs are not permitted", date="2025-07-25"),
      issue("ericc-ch/copilot-api#145", "system.1.cache_control.ephemeral.scope: Extra inputs are not permitted"))
shape("source_type_invalid", sdk("types/image_block_param.py", note="source: Base64ImageSourceParam | URLImageSourceParam (| FileImageSourceParam with the files beta)"),
      spec("source unions dispatch on type"))
shape("file_source_requires_beta", sdk("types/beta/beta_image_block_param.py", note="a file source exists only in the beta types (files-api beta)"))
cause("document_in_assistant", note="2026-10-21 only; only secondary write-ups of the migration, no public thread or page: warning only")
cause("citations_on_user_text", note="2026-10-21 only; only secondary write-ups of the migration, no public thread or page: warning only")

# ---- E. prefill ------------------------------------------------------------------------------------------------
_PREFILL = "This model does not support assistant message prefill. The conversation must end with a user message."
cause("prefill_not_supported",
      issue("Tarquinen/opencode-dynamic-context-pruning#520", _PREFILL, models=("claude-sonnet-4-6",), date="2026-04-17"),
      issue("cortexkit/magic-context#511", _PREFILL, models=("claude-sonnet-4-6", "claude-sonnet-5"), date="2026-09-23"),
      issue("vybestack/llxprt-code#3695", _PREFILL, models=("claude-fable-5",), date="2026-09-16"),
      issue("Skyvern-AI/skyvern#4795", _PREFILL, models=("claude-opus-4-6",), platforms=(A, "bedrock"), date="2026-02-18"),
      issue("langchain-ai/deepagents#1585", _PREFILL, models=("claude-opus-4-6", "claude-sonnet-4-6")),
      issue("decolua/9router#2302", _PREFILL, models=("claude-opus-4-6",), platforms=("vertex",), date="2026-07-02",
            note="request id req_vrtx_...: answered by Vertex"),
      issue("HKUDS/Vibe-Trading#246", _PREFILL, models=("claude-opus-4-8",), platforms=(A, "bedrock", "vertex"), date="2026-06-16",
            note="through OpenRouter: the same rejection from Anthropic, Amazon Bedrock and Google (req_vrtx_...)"),
      issue("farion1231/cc-switch#3314", "The model that you are using requires the last turn in the conversation to be a user message. Add a user message to the conversation and try again.",
            models=("claude-opus-4-8",), platforms=("bedrock",), date="2026-05-29", note="Bedrock's own wording"),
      issue("anomalyco/opencode#29760", _PREFILL, models=("claude-opus-4-6",), platforms=("bedrock",), date="2026-05-28"),
      issue("anthropics/claude-code#28478", None, models=("claude-opus-4-6",), date="2026-02-25",
            note="HTTP 400 on Opus 4.6 prefill; cites whats-new-claude-4-6#prefill-removal"),
      sdk("resources/messages/messages.py", note="docstring: on models that don't support prefill, a final partial assistant response returns a 400 error"),
      scope=[box(("claude-fable-5", "claude-opus-4-6", "claude-sonnet-4-6", "claude-sonnet-5"), (MSG, BAT), (A,), ANY, why=f"versions: {W_VERSION}"),
             box(("claude-opus-4-6",), (MSG,), ("bedrock", "vertex"), ANY, why=f"versions: {W_VERSION}")],
      note="which models refuse prefill is model data: an error only on the models seen refusing it")
cause("prefill_with_structured_output", note="structured-outputs docs as quoted by secondary sources: warning only")

# ---- F. tool use pairing ---------------------------------------------------------------------------------------
shape("tool_use_without_result",
      issue("anthropics/claude-code#1237", "`tool_use` ids were found without `tool_result` blocks immediately after"),
      issue("anthropics/claude-code#3512", "`tool_use` ids were found without `tool_result` blocks immediately after"),
      issue("UKGovernmentBEIS/inspect_ai#3108", "`tool_use` ids were found without `tool_result` blocks immediately after", endpoints=(CT,)))
shape("tool_result_without_use",
      issue("anthropics/claude-code#13460", "unexpected `tool_use_id` found in `tool_result` blocks"),
      issue("Coneja-Chibi/TunnelVision#6", "unexpected `tool_use_id` found in `tool_result` blocks", date="2026-03"))
shape("tool_result_not_first",
      issue("apify/tester-mcp-client#12", "messages.27: Did not find 1 `tool_result` block(s) at the beginning of this message. Messages following `tool_use` blocks must begin with a matching number of `tool_result` blocks.", date="2025-03"),
      issue("anthropics/claude-code#37", None, date="2025-02"))
shape("tool_use_id_duplicate",
      issue("anthropics/claude-code#21317", "messages.1.content.1: `tool_use` ids must be unique", date="2026-01"),
      issue("NachoSEO/claudegram#12", "`tool_use` ids must be unique"))
shape("tool_use_id_pattern",
      issue("anomalyco/opencode#1279", "messages.1.content.1.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'"),
      issue("BlockRunAI/ClawRouter#17", "tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'", date="2026-02"),
      spec("tool_use.id pattern ^[a-zA-Z0-9_-]+$"))
shape("tool_use_name_invalid", spec("tool_use.name 1..200 characters"))
shape("tool_use_input_invalid",
      issue("anthropics/anthropic-sdk-typescript#648", "messages.3.content.1.tool_use.input: Input should be a valid dictionary"),
      issue("anthropics/claude-code#6696", "messages.61.content.0.tool_use.input: Input should be a valid dictionary"))
shape("server_tool_result_without_use",
      issue("anthropics/claude-code#64383", "messages.7.content.0: unexpected `tool_use_id` found in `advisor_tool_result` blocks", date="2026-06-01"))
shape("tool_reference_invalid",
      issue("anthropics/claude-code#21492", "messages.3.content.0.tool_result.content.1.tool_reference.tool_name: String should have at most 64 characters"))

# ---- G. tools ---------------------------------------------------------------------------------------------------
shape("tool_type_invalid", spec("tools[] union dispatches on type"), sdk("types/tool_union_param.py"))
shape("tool_name_invalid",
      issue("CircleCI-Public/mcp-server-circleci#110", "tools.26.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'", date="2025-07"),
      issue("anthropics/claude-code#96152", "tools.18.custom.name: String should have at most 128 characters"),
      spec("tools[].name pattern ^[a-zA-Z0-9_-]{1,128}$"))
shape("tool_name_duplicate",
      issue("danny-avila/LibreChat#13162", "tools: Tool names must be unique.", date="2026-05"),
      issue("anthropics/claude-code#10687", "tools: Tool names must be unique."))
shape("tool_input_schema_invalid",
      issue("anthropics/claude-code#86664", "tools.17.custom.input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12", date="2026-08"),
      issue("Hmbown/Codewhale#4329", "tools.1.custom.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level"))
shape("tool_extra_field", issue("Wei-Shaw/claude-relay-service#667", "tools.3.custom.input_examples: Extra inputs are not permitted", date="2025-11-15"))
shape("tool_choice_type_invalid", spec("tool_choice union: auto, any, tool, none"), sdk("types/tool_choice_param.py"))
shape("tool_choice_tool_name_missing", spec("ToolChoiceTool required: name, type"))
cause("tool_choice_tool_unknown", note="no source found: warning only")
_FORCED = "Thinking may not be enabled when tool_choice forces tool use."
cause("forced_tool_use_with_thinking",
      issue("workglow-dev/libs#746", _FORCED, models=("claude-haiku-4-5",), date="2026-08-13"),
      issue("mastra-ai/mastra#7507", _FORCED),
      issue("run-llama/llama_index#19641", _FORCED),
      scope=[],  # filled from the recorded entries below (the models they were seen on)
      note="thinking support is per model: an error only on models recorded answering this")
cause("forced_tool_use_model_unsupported",
      issue("can1357/oh-my-pi#12939", 'tool_choice: type "tool" and "any" are not supported for this model.', models=("claude-opus-5-5",), date="2026-09-23",
            note="thinking null: the model refuses forced tool_choice outright"),
      issue("vercel/ai#21364", None, models=("claude-opus-5-5",), platforms=("bedrock",),
            note="Claude Opus 5.5 on Bedrock returns 400 when toolChoice is 'required' or a named tool"),
      issue("Yeachan-Heo/gajae-code#482", "tool_choice forces tool use is not compatible with this model", models=("claude-fable-5",), date="2026-06-10"),
      note="which models refuse forced tool use is model data: an error only on the models seen refusing it")
shape("tool_reference_unresolved", sdk("_error_classes.py", note="error_code tool_reference_unresolved"))
cause("server_tool_version_unsupported", note="what's-new docs as quoted by secondary sources: warning only")
shape("server_tool_param_invalid", spec("web_search max_uses > 0, user_location.country 2 chars, web_fetch max_content_tokens > 0"))

# ---- H. thinking ------------------------------------------------------------------------------------------------
cause("thinking_type_unsupported",
      issue("aaronrussell/anthropix#20", None, models=("claude-sonnet-5",), platforms=("mantle",), date="2026-08-22",
            note='"Bedrock mantle won\'t let me call Sonnet 5 with "enabled". The error says it has to be "adaptive"."'),
      docs("https://github.com/anthropics/skills/blob/0da71c3b54277f20e96146648444590eab1dc82c/skills/claude-api/shared/error-codes.md", None, models=("claude-fable-5", "claude-fable-5-1", "claude-opus-4-7", "claude-opus-4-8", "claude-opus-5"), date="2026-11-30",
           note="Anthropic's claude-api skill (error-codes.md): on Claude Opus 5 / Fable 5/5.1 / Opus 4.8 / 4.7 `thinking: {type: enabled, budget_tokens}` is removed, sending it returns 400; on Fable 5/5.1 an explicit `thinking: {type: disabled}` returns 400"),
      scope=[box(("claude-sonnet-5",), (MSG, CT, BAT), ("mantle",), ANY, why=f"versions: {W_VERSION}"),
             box(("claude-fable-5", "claude-fable-5-1", "claude-opus-4-7", "claude-opus-4-8", "claude-opus-5"), (MSG,), (A,), ANY, why=f"versions: {W_VERSION}")],
      note="which thinking types a model takes is model data: an error only where a rejection was seen")
shape("thinking_budget_below_min",
      issue("themaximalist/llm.js#30", "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024", models=("claude-sonnet-4-6",)),
      issue("danny-avila/LibreChat#8346", "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"),
      spec("thinking.enabled.budget_tokens minimum 1024"))
shape("thinking_budget_not_below_max_tokens",
      issue("ProfSynapse/nexus#17", "`max_tokens` must be greater than `thinking.budget_tokens`.", date="2026-02"),
      issue("logancyang/obsidian-copilot#1591", "`max_tokens` must be greater than `thinking.budget_tokens`."), endpoints=(MSG, BAT))
shape("thinking_field_missing", spec("ThinkingConfig unions: required type, budget_tokens; adaptive additionalProperties false"))
shape("thinking_display_invalid", spec("thinking.display enum summarized, omitted"), sdk("types/thinking_config_enabled_param.py"))
cause("thinking_disabled_with_high_effort",
      docs("https://github.com/anthropics/skills/blob/0da71c3b54277f20e96146648444590eab1dc82c/skills/claude-api/shared/error-codes.md", None, models=("claude-opus-5",), date="2026-11-30",
           note="Anthropic's claude-api skill (error-codes.md): on Claude Opus 5 `thinking: {type: disabled}` returns 400 when effort is xhigh or max"),
      scope=[box(("claude-opus-5",), (MSG,), (A,), ANY, why=f"versions: {W_VERSION}")])
shape("thinking_final_assistant_must_start_with_thinking",
      issue("n8n-io/n8n#22550", "Expected `thinking` or `redacted_thinking`, but found `text`. When `thinking` is enabled, a final `assistant` message must start with a thinking block"),
      issue("lbjlaq/Antigravity-Manager#139", "messages.129.content.0.type: Expected `thinking` or `redacted_thinking`, but found `text`."))
shape("thinking_in_final_assistant_when_disabled",
      issue("tailcallhq/forgecode#1853", "messages.1.content.0: When thinking is disabled, an `assistant` message in the final position cannot contain `thinking`. To use thinking blocks, enable `thinking` in your request."))
shape("thinking_last_block", issue("tailcallhq/forgecode#2107", "messages.1: The final block in an assistant message cannot be `thinking`."))
shape("thinking_not_first_block",
      issue("anthropics/claude-code#20705", "messages.51.content.0: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found text."))
shape("thinking_signature_missing", issue("anthropics/claude-code#26542", "messages.1.content.0.thinking.signature: Field required", date="2026-02"))

# ---- I. sampling ------------------------------------------------------------------------------------------------
cause("sampling_param_removed_2026_10_21",
      note="only secondary write-ups (a release note, blog posts) of the 2026-10-21 change: warning only")
_DEPRECATED = "`temperature` is deprecated for this model."
cause("sampling_param_unsupported_model",
      issue("sipeed/picoclaw#2948", "temperature is deprecated for this model.", models=("claude-opus-4-7",), date="2026-05-26"),
      issue("TestPlanIt/testplanit#220", _DEPRECATED, models=("claude-opus-4-7",), date="2026-04-18"),
      issue("The-PR-Agent/pr-agent#2456", _DEPRECATED, models=("claude-opus-4-8", "claude-fable-5"), date="2026-06-18"),
      issue("RooCodeInc/Roo-Code#12162", _DEPRECATED, models=("claude-opus-4-7",), platforms=("bedrock",), date="2026-04-21"),
      issue("tinovyatkin/amazon-bedrock-copilot-chat#546", "temperature is deprecated for this model.", models=("claude-opus-4-7",), platforms=("bedrock",), date="2026-04-21"),
      issue("DayuanJiang/next-ai-draw-io#861", "temperature is deprecated for this model.", models=("claude-opus-4-7", "claude-opus-4-8"), platforms=("bedrock",), date="2026-06-06"),
      issue("Comfy-Org/ComfyUI#13923", _DEPRECATED),
      issue("github/copilot-sdk#1557", _DEPRECATED),
      spec("temperature/top_p/top_k x-stainless-deprecation-message: rejected with a 400 on models released after Claude Opus 4.6"),
      docs("https://github.com/anthropics/skills/blob/0da71c3b54277f20e96146648444590eab1dc82c/skills/claude-api/shared/error-codes.md", None, models=("claude-fable-5", "claude-fable-5-1", "claude-opus-4-7", "claude-opus-4-8", "claude-opus-5"), date="2026-11-30",
           note="Anthropic's claude-api skill (error-codes.md): temperature, top_p, top_k are removed on Claude Opus 5 / Fable 5/5.1 / Opus 4.8 / 4.7; sending any of them returns 400"),
      scope=[box(("claude-fable-5", "claude-fable-5-1", "claude-opus-4-7", "claude-opus-4-8", "claude-opus-5"), (MSG, CT, BAT), (A,), ANY, why=f"versions: {W_VERSION}"),
             box(("claude-opus-4-7", "claude-opus-4-8"), (MSG, CT), ("bedrock",), ANY, why=f"versions: {W_VERSION}")],
      note="which models refuse sampling parameters is model data: an error only on the models seen refusing them")
cause("temperature_and_top_p_both",
      issue("Vali-98/ChatterUI#564", "`temperature` and `top_p` cannot both be specified for this model. Please use only one.", models=("claude-sonnet-4-6",)),
      issue("anomalyco/opencode#28930", "`temperature` and `top_p` cannot both be specified for this model. Please use only one.", models=("claude-sonnet-4-6",)),
      issue("BerriAI/litellm#15097", "`temperature` and `top_p` cannot both be specified for this model. Please use only one.", models=("claude-sonnet-4-5",)),
      issue("cloud-apim/otoroshi-llm-extension#140", "`temperature` and `top_p` cannot both be specified for this model. Please use only one.", models=("claude-haiku-4-5", "claude-sonnet-4-5")),
      issue("OpenHands/software-agent-sdk#1945", "`temperature` and `top_p` cannot both be specified for this model. Please use only one.", models=("claude-opus-4-6",), date="2026-02-06",
            note="Anthropic API through litellm (AnthropicException)"),
      issue("anomalyco/opencode#1644", "`temperature` and `top_p` cannot both be specified for this model. Please use only one.", models=("claude-opus-4-1",), date="2025-08-06"),
      issue("aws-samples/bedrock-chat#979", "temperature and top_p` cannot both be specified for this model.", models=("claude-opus-4-1",), platforms=("bedrock",), date="2025-11-25"),
      scope=[box(("claude-haiku-4-5", "claude-sonnet-4-5", "claude-sonnet-4-6"), (MSG, BAT), (A,), ANY, why=f"versions: {W_VERSION}")])
cause("sampling_with_thinking",
      issue("MartialBE/one-hub#529", "`temperature` may only be set to 1 when thinking is enabled.", models=("claude-3-7-sonnet-20250219",)),
      issue("quarkiverse/quarkus-langchain4j#1812", "`temperature` may only be set to 1 when thinking is enabled."),
      issue("MayDay-wpf/snow-app#42", "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode."),
      issue("mnfst/modelparams.dev#214", "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode.", models=("claude-opus-4-8",)),
      scope=[box(ANY, (MSG, BAT), (A,), ANY, why=f"models: every thinking-capable model answers it the same way (seen from claude-3-7-sonnet to claude-opus-4-8); the rule fires only with thinking on; versions: {W_VERSION}")])
shape("sampling_param_range", spec("temperature, top_p 0..1; top_k >= 0"), endpoints=(MSG, BAT))
cause("sampling_param_minus_one", note="no public thread: warning only")

# ---- J. effort --------------------------------------------------------------------------------------------------
shape("effort_invalid_value", spec("EffortLevel enum"), sdk("types/output_config_param.py"))
_NO_EFFORT = "This model does not support the effort parameter."
cause("effort_unsupported_model",
      issue("Oaklight/llm-rosetta#289", _NO_EFFORT, models=("claude-haiku-4-5",), date="2026-06-18",
            note="live test against Anthropic's API: claude-haiku-4-5-20251001 with effort -> 400"),
      issue("griffinmartin/opencode-claude-auth#125", _NO_EFFORT, models=("claude-haiku-4-5",), date="2026-04-04"),
      issue("oratis/LISA#218", _NO_EFFORT, models=("claude-haiku-4-5",), date="2026-07-13"),
      issue("anthropics/claude-code#30760", _NO_EFFORT, models=("claude-haiku-4-5",), platforms=("bedrock",), date="2026-03-04"),
      issue("anthropics/claude-code#30795", _NO_EFFORT, models=("claude-sonnet-4-5",), platforms=("bedrock",), date="2026-03-04",
            note="Bedrock GovCloud inference profile of Claude Sonnet 4.5"),
      note="which models take effort is model data: an error only on the models seen refusing it")
cause("effort_level_unsupported",
      issue("SkillfulAgents/SuperAgent#1142", None, models=("claude-opus-4-6", "claude-sonnet-4-6"), date="2026-09-18",
            note="measured live through their platform proxy: claude-sonnet-4-6 and claude-opus-4-6 answer 400 to effort xhigh (and accept max)"),
      scope=[box(("claude-opus-4-6", "claude-sonnet-4-6"), (MSG, CT, BAT), (A,), ANY, why=f"versions: {W_VERSION}")],
      note="which levels a model offers is model data: an error only on the models measured refusing a level")

# ---- K. structured outputs ----------------------------------------------------------------------------------------
shape("output_format_shape",
      issue("langgenius/dify-official-plugins#3886", "output_config.format.schema: Invalid schema: Schema type is missing for schema"),
      spec("JsonOutputFormat required: schema, type; additionalProperties false"))
shape("output_format_legacy_param",
      spec("CreateMessageParams additionalProperties: false; output_format exists only in the beta params (structured-outputs beta)"),
      sdk("types/beta/message_create_params.py", note="output_format is a beta-only parameter"),
      note="the same schema check as unknown_top_level_param")
cause("structured_output_schema_unsupported",
      issue("veryfront/veryfront-code#3918", "output_config.format.schema: For 'object' type, 'additionalProperties' must be explicitly set to false"),
      scope=[])  # filled from the recorded entries below
cause("structured_output_unsupported_model", scope=[])
cause("structured_output_with_citations",
      issue("agno-agi/agno#7513", None, date="2026-04-15", note="Anthropic rejects citations + output_format together with a 400 error"),
      issue("anthropics/claude-code#19417", None, date="2026-01-20",
            note="the structured-outputs docs state citations and structured outputs are incompatible; using both results in a 400"),
      scope=[box(ANY, (MSG,), (A,), ANY, why=f"models: a feature incompatibility the docs state for the API, not for a model; versions: {W_VERSION}")])

# ---- L. caching ---------------------------------------------------------------------------------------------------
shape("cache_breakpoints_exceeded",
      issue("tghamm/Anthropic.SDK#50", "A maximum of 4 blocks with cache_control may be provided. Found 5."),
      issue("Wei-Shaw/sub2api#176", "A maximum of 4 blocks with cache_control may be provided. Found 5."),
      issue("continuedev/continue#6937", "A maximum of 4 blocks with cache_control may be provided. Found 5."))
shape("cache_ttl_order",
      issue("cnighswonger/claude-code-cache-fix#44", "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block."),
      issue("kristianvast/hermes-claude-auth#31", "system.1.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block."))
shape("cache_control_on_empty_text",
      issue("anthropics/claude-code#54013", "cache_control cannot be set for empty text blocks"),
      issue("anthropics/claude-code#50082", "messages.1124.content.6.text: cache_control cannot be set for empty text blocks"),
      issue("NousResearch/hermes-agent#1216", "messages.29.content.0.text: cache_control cannot be set for empty text blocks"))
shape("cache_control_invalid",
      issue("ericc-ch/copilot-api#145", "system.1.cache_control.ephemeral.scope: Extra inputs are not permitted"),
      spec("cache_control.type ephemeral; ttl 5m or 1h"))

# ---- M. images ----------------------------------------------------------------------------------------------------
shape("image_media_type_invalid",
      issue("anthropics/claude-code#8184", "messages.36.content.2.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"),
      spec("image media_type enum"))
cause("image_bytes_mismatch",
      issue("anthropics/claude-code#15746", "messages.6.content.5.image.source.base64.data: Image does not match the provided media type"),
      issue("home-assistant/core#167208", "The image was specified using the image/png media type, but the image appears to be a image/jpeg image", models=("claude-haiku-4-5",)),
      scope=[box(ANY, (MSG, CT, BAT), (A,), ANY, why=f"models: the API decodes the image bytes before any model sees them; versions: {W_VERSION}")])
cause("image_too_large_bytes",
      issue("anthropics/claude-code#19631", "messages.2.content.0.image.source.base64: image exceeds 5 MB maximum: 8259148 bytes > 5242880 bytes"),
      issue("anthropics/claude-code#10612", "messages.0.content.2.image.source.base64: image exceeds 5 MB maximum: 15908784 bytes > 5242880 bytes"),
      issue("gptme/gptme#185", "image exceeds 5 MB maximum", date="2025"),
      issue("earendil-works/pi#424", "image exceeds 5 MB maximum", date="2026-01"),
      scope=[box(ANY, (MSG, CT, BAT), (A,), ANY, why=f"models: a byte limit per image, the same for every model; versions: {W_VERSION}")])
shape("image_dimension_too_large",
      issue("anthropics/claude-code#9375", "At least one of the image dimensions exceed max allowed size for many-image requests: 2000 pixels", models=("claude-sonnet-4-5",)),
      issue("can1357/oh-my-pi#10633", "messages.11.content.8.image.source.base64.data: At least one of the image dimensions exceed max allowed size: 8000 pixels"),
      sdk("_error_classes.py", note="error_code image_dimensions_too_large"))
cause("too_many_images",
      issue("anthropics/claude-code#23392", "too many images and documents: 104 + 1 > 100"),
      scope=[box(ANY, (MSG, CT, BAT), (A,), ANY, why="models: the count limit is model data (100 or 600), read from the model table; versions: " + W_VERSION)])

# ---- N. documents -------------------------------------------------------------------------------------------------
shape("pdf_media_type_invalid", spec("PDF media_type application/pdf"), sdk("types/base64_pdf_source_param.py"))
PDF_DOCS = "https://platform.claude.com/docs/en/build-with-claude/pdf-support"
cause("pdf_too_many_pages",
      docs(PDF_DOCS, None, platforms=(A, "vertex"), date="2026-11-30",
           note="PDF requirements: maximum pages per request 100 (the 1M-context models' 600 is model data); supported via direct API access and Google Vertex AI, all active models"),
      docs("https://docs.aws.amazon.com/he_il/bedrock/latest/userguide/inference-api-restrictions.html", None, platforms=("bedrock",), date="2026-11-30",
           note="Bedrock API restrictions: Claude requires PDF documents to be a maximum of 100 pages per request"),
      scope=[box(ANY, (MSG,), (A, "bedrock", "vertex"), ANY,
                 why=f"models: the page limit is model data (100 or 600) read from the model table, and the docs state it for all active models; versions: {W_VERSION}")])
cause("pdf_encrypted_or_invalid",
      docs(PDF_DOCS, None, platforms=(A, "vertex"), date="2026-11-30", note="PDF requirements: standard PDF (no passwords/encryption)"),
      scope=[box(ANY, (MSG,), (A, "vertex"), ANY, why=f"models: the document is read before any model sees it, and the docs state it for all active models; versions: {W_VERSION}")])
shape("document_title_context", spec("document title 1..500 characters, context at least 1"))
cause("citations_mixed",
      issue("UKGovernmentBEIS/inspect_ai#4527", None, date="2026-07",
            note='quotes the citations docs: "Currently, citations must be enabled on all or none of the documents within a request."'),
      scope=[box(ANY, (MSG, CT, BAT), (A,), ANY, why=f"models: a rule about the request's documents, not the model; versions: {W_VERSION}")])
cause("citations_unsupported_model", scope=[])

# ---- O. context -----------------------------------------------------------------------------------------------------
cause("text_bytes_too_large",
      scope=[box(ANY, (MSG, CT, BAT), (A,), ANY, why=f"models: a byte count of the request's text, answered before any model runs; versions: {W_VERSION}")])
cause("prompt_too_long",
      issue("earendil-works/pi#102", "prompt is too long: 219898 tokens > 200000 maximum", models=("claude-opus-4-5",), date="2025-12"),
      scope=[])

# ---- P. batches -------------------------------------------------------------------------------------------------------
cause("batch_requests_count", spec("requests minItems 1, maxItems 100000", endpoints=(BAT,)),
      scope=[box(ANY, (BAT,), (A,), ANY, why=f"models: a check of the batch envelope; versions: {W_VERSION}")])
cause("batch_custom_id_invalid", spec("custom_id pattern ^[a-zA-Z0-9_-]{1,64}$", endpoints=(BAT,)),
      scope=[box(ANY, (BAT,), (A,), ANY, why=f"models: a check of the batch envelope; versions: {W_VERSION}")])
cause("batch_custom_id_duplicate", spec("custom_id: Must be unique for each request within the Message Batch", endpoints=(BAT,)),
      scope=[box(ANY, (BAT,), (A,), ANY, why=f"models: a check of the batch envelope; versions: {W_VERSION}")])
cause("batch_too_large",
      docs("https://docs.anthropic.com/de/docs/build-with-claude/message-batches", None, endpoints=(BAT,), date="2026-11-30",
           note="batch limits: a Message Batch is limited to 100,000 Message requests or 256 MB in size, whichever comes first"),
      scope=[box(ANY, (BAT,), (A,), ANY, why=f"models: {W_SIZE}; versions: {W_VERSION}")])
cause("batch_fallbacks",
      issue("dust-tt/dust#26813", None, endpoints=(BAT,), date="2026-06-04",
            note="server-side fallback scoped to the streaming path because the Batches API rejects the `fallbacks` param"),
      scope=[box(ANY, (BAT,), (A,), ANY, why=f"models: a parameter the batch endpoint does not take, whatever the model; versions: {W_VERSION}")])
cause("batch_on_platform", note="docs as quoted by secondary sources: warning only")


# ---- recorded entries: the corpus ------------------------------------------------------------------------------------
def _canonical(model: Any) -> Optional[str]:
    from pytest_claude_guard._core._models import default_registry

    if not isinstance(model, str) or not model:
        return None
    found = default_registry().lookup(model)
    return found.info.id if found.info is not None else model


def _platform(host: str) -> str:
    return "vertex" if "aiplatform" in host else "bedrock" if "bedrock" in host else A


def _endpoint(path: str) -> str:
    return CT if path.endswith("count_tokens") else BAT if path.endswith("batches") else MSG


def mine_dev() -> Dict[str, List[Dict[str, Any]]]:
    sys.path.insert(0, str(SHARED / "tools"))
    import corpus_score as cs  # generation time only

    out: Dict[str, List[Dict[str, Any]]] = collections.defaultdict(list)
    records = cs.dedupe_group(cs.read_jsonl(str(SHARED / "corpus" / "dev.jsonl.gz")))
    for r in records:
        if cs.classify(r) != "rejected":
            continue
        label, codes, _ = cs.expected_for(r)
        code = label if label in E else (next(iter(codes)) if codes and len(codes) == 1 else None)
        if code is None and label == "shape_list_expected":
            code = "param_wrong_type"
        if code not in E:
            continue
        body = r.get("request_body") if isinstance(r.get("request_body"), dict) else {}
        model = _canonical(body.get("model"))
        version = (r.get("request_headers") or {}).get("anthropic-version")
        out[code].append(_entry("recorded", cs.error_info(r)[1], [model] if model else [], [_endpoint(r["endpoint"])],
                                [_platform(r.get("host") or "")], [version] if version in (V1, V2) else [], None,
                                "the corpus keeps no date", corpus="dev.jsonl.gz", id=r["id"]))
    return out


def mine_issue_cases() -> Dict[str, List[Dict[str, Any]]]:
    sys.path.insert(0, str(SHARED / "tools"))
    import corpus_score as cs

    out: Dict[str, List[Dict[str, Any]]] = collections.defaultdict(list)
    for line in (SHARED / "corpus" / "issue_cases.jsonl").read_text("utf-8").splitlines():
        case = json.loads(line)
        record = {"status": case["status"], "response_error": {"type": "error", "error": {"message": case["error_message"]}},
                  "request_body": case.get("request_body")}
        label, codes, _ = cs.expected_for(record)
        code = label if label in E else (next(iter(codes)) if codes and len(codes) == 1 else None)
        if code not in E:
            continue
        body = case.get("request_body") if isinstance(case.get("request_body"), dict) else {}
        text = case["request_description"]
        model = _canonical(body.get("model")) or _canonical((re.findall(r"claude-[a-z0-9.-]*\d", text) or [None])[0])
        platform = "vertex" if "Vertex" in text else "bedrock" if "Bedrock" in text else A
        endpoint = CT if "count_tokens" in text else MSG
        out[code].append(_entry("recorded", case["error_message"], [model] if model else [], [endpoint], [platform],
                                [], None, case.get("note"), corpus="issue_cases.jsonl", url=case["url"]))
    return out


def mine_mined_cases() -> Dict[str, List[Dict[str, Any]]]:
    """tests/cases/mined/rejected/<code>/*.json: public rejections rebuilt as requests (each names its thread)."""
    from pytest_claude_guard._core._context import Context, normalize_headers, parse_endpoint
    from pytest_claude_guard._core._evidence import platform_of
    from pytest_claude_guard._core._models import default_registry
    from pytest_claude_guard._core._rules.model import normalize_model

    out: Dict[str, List[Dict[str, Any]]] = collections.defaultdict(list)
    for path in sorted((ROOT / "tests" / "cases" / "mined" / "rejected").glob("*/*.json")):
        case = json.loads(path.read_text("utf-8"))
        code = path.parent.name
        m = re.match(r"^https://github\.com/([^/]+/[^/]+)/(issues|pull)/(\d+)", case["source"])
        if code not in E or m is None or "evidence.json" not in case.get("xfail_reason", "evidence.json"):
            continue
        ep = parse_endpoint(case.get("endpoint") or "/v1/messages")
        body = case.get("body") if isinstance(case.get("body"), dict) else {}
        ctx = Context(body=body, endpoint=ep, headers=normalize_headers(case.get("headers")), registry=default_registry())
        name = ctx.model_name
        model = _canonical(normalize_model(name, ep.platform)) if isinstance(name, str) and name else None
        version = (case.get("headers") or {}).get("anthropic-version")
        entry = _entry("issue", case.get("api_message"), [model] if model and model.startswith("claude-") else [],
                       [str(ctx.endpoint.kind or MSG)], [platform_of(ep.platform, ep.service, ep.host)],
                       [version] if version in (V1, V2) else [], None, case.get("note"),
                       repo=m.group(1), number=int(m.group(3)), url=case["source"].split("#")[0])
        out[code].append(entry)
    return out


def _cover_own_situations() -> None:
    """A rejection seen in a situation covers that situation: the model (when known), endpoint and platform."""
    from pytest_claude_guard._core._evidence import Box, Situation

    for entry in E.values():
        for e in entry["evidence"]:
            if e["kind"] not in ("issue", "recorded") or not e["models"] or not e["platforms"] or not e["endpoints"]:
                continue
            boxes = [Box(*(None if b[d] == ANY else frozenset(b[d]) for d in ("models", "endpoints", "platforms", "versions")))
                     for b in entry["scope"]]
            missing = [m for m in e["models"] for ep in e["endpoints"] for pf in e["platforms"]
                       if not any(b.covers(Situation(m, ep, pf, None)) for b in boxes)]
            if missing:
                entry["scope"].append(box(sorted(set(missing)), list(e["endpoints"]), list(e["platforms"]), ANY,
                                          why=f"versions: {W_VERSION}"))


def _scope_from_recorded(code: str, endpoints: Sequence[str] = (MSG, BAT)) -> None:
    """Causes whose applicability is model data: one box over the models their entries were seen on."""
    entries = E[code]["evidence"]
    models = sorted({m for e in entries for m in e["models"] if A in e["platforms"]})
    if models:
        E[code]["scope"].append(box(models, endpoints, (A,), ANY, why=f"versions: {W_VERSION}"))


def _narrow_to_evidence() -> None:
    """A box claims count_tokens only where an entry saw it there; a box claiming batch items carries the SDK fact
    that a batch item is a messages.create body (the batch runs it as one and reports its error in the result)."""
    for entry in E.values():
        seen = {ep for e in entry["evidence"] for ep in e["endpoints"]}
        for b in entry["scope"]:
            if b["endpoints"] == ANY:
                continue
            if CT in b["endpoints"] and CT not in seen:
                b["endpoints"] = [ep for ep in b["endpoints"] if ep != CT]
            if BAT in b["endpoints"] and BAT not in seen:
                entry["evidence"].append(BATCH_TYPES)
                seen.add(BAT)


def build() -> Dict[str, Any]:
    for source in (mine_dev(), mine_issue_cases(), mine_mined_cases()):
        for code, entries in source.items():
            E[code]["evidence"].extend(entries)
    for code in ("forced_tool_use_with_thinking", "structured_output_unsupported_model", "citations_unsupported_model",
                 "prompt_too_long"):
        _scope_from_recorded(code)
    # structured_output_schema_unsupported: the schema check is answered the same on every model recorded (13)
    E["structured_output_schema_unsupported"]["scope"] = [box(
        ANY, (MSG, BAT), (A,), ANY,
        why=f"models: recorded with the same message on every model that takes structured outputs (claude-3-5-haiku to claude-opus-5); versions: {W_VERSION}")]
    _cover_own_situations()
    _narrow_to_evidence()
    return {
        "_comment": "Generated by scripts/evidence_src.py; see pytest_claude_guard/_core/_evidence.py for what scope means.",
        "causes": E,
    }


def main() -> int:
    data = build()
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    n = sum(len(c["evidence"]) for c in data["causes"].values())
    print(f"{OUT.relative_to(ROOT)}: {len(data['causes'])} causes, {n} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
