"""Per-model facts as data: each fact a rule needs comes from the registry (data/models.json, with its evidence).

Table-driven: for each fact, a model that has it gets the API's answer (error, with the API's exact message where
public evidence quotes one); the same request on a model whose fact is unknown gets nothing from that rule.
``found`` runs the request rules on a Context (the rule's own answer: the cause's default severity, never a
self-downgrade); ``validate_request``'s severity is then the evidence ledger's (``_evidence``): an error where the
ledger covers the model, a warning elsewhere (``policy``).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Dict, List, Optional, Tuple

import pytest

from pytest_claude_guard._core import _evidence

from pytest_claude_guard import preload, validate_request
from pytest_claude_guard._core._causes import cause
from pytest_claude_guard._core._context import Context, normalize_headers, parse_endpoint
from pytest_claude_guard._core._rules import REQUEST_RULES
from pytest_claude_guard._core._models import FACT_FIELDS, ModelInfo, Registry, builtin_registry, default_registry

HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-placeholder"}
UNKNOWN = "claude-test-unknown-facts"  # a model the registry knows, every capability unknown


def registry_with_unknown() -> Registry:
    """The default registry plus a model whose facts are all unknown (None / empty)."""
    return default_registry().with_overrides({UNKNOWN: ModelInfo(id=UNKNOWN)})


def body(model: str, **extra: Any) -> Dict[str, Any]:
    out: Dict[str, Any] = {"model": model, "max_tokens": 1024, "messages": [{"role": "user", "content": "Hi"}]}
    out.update(extra)
    return out


def prefill_body(model: str) -> Dict[str, Any]:
    return body(model, messages=[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "{"}])


def system_body(model: str) -> Dict[str, Any]:
    return body(model, messages=[{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be brief."},
                                 {"role": "assistant", "content": "Ok"}, {"role": "user", "content": "Go"}])


def found(request: Dict[str, Any], code: str, endpoint: str = "/v1/messages",
          registry: Optional[Registry] = None) -> List[Tuple[str, Optional[str]]]:
    """(severity, api_message) of each ``code`` the request rules report, as they report it."""
    preload(sdk=False)
    ctx = Context(body=request, endpoint=parse_endpoint(endpoint), headers=normalize_headers(HEADERS),
                  registry=registry or registry_with_unknown())
    for rule in REQUEST_RULES:
        rule(ctx)
    return [(v.severity, v.api_message) for v in ctx.found if v.code == code]


def reported(request: Dict[str, Any], code: str, endpoint: str = "/v1/messages") -> List[str]:
    """Severities of ``code`` in validate_request's answer (the public entry point)."""
    out = validate_request(request, headers=HEADERS, endpoint=endpoint, registry=registry_with_unknown())
    return [v.severity for v in out if v.code == code]


def policy(code: str, model: str, platform: str = "anthropic") -> str:
    """The severity the engine gives ``code`` on ``model``: the cause's default, narrowed to the ledger's cover."""
    info = registry_with_unknown().find(model)
    situation = _evidence.Situation(info.id if info else model, "messages", platform, "2023-06-01")
    if cause(code).default_severity == "error" and _evidence.covered(code, situation):
        return "error"
    return "warning"


THINK_DOCS = "Please consult our documentation at https://platform.claude.com/docs/en/build-with-claude/extended-thinking"
EFFORT_XHIGH = "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium."
ENABLED_5X = ('"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and '
              '"output_config.effort" to control thinking behavior.')
PREFILL = "This model does not support assistant message prefill. The conversation must end with a user message."

# (fact, code, request builder, model with the fact, expected (severity, api_message))
CASES: List[Tuple[str, str, Any, str, Optional[Tuple[str, Optional[str]]]]] = [
    ("effort_levels: xhigh not offered", "effort_level_unsupported",
     lambda m: body(m, output_config={"effort": "xhigh"}), "claude-opus-4-6", ("error", EFFORT_XHIGH)),
    ("effort_levels: xhigh not offered (sonnet 4.6)", "effort_level_unsupported",
     lambda m: body(m, output_config={"effort": "xhigh"}), "claude-sonnet-4-6", ("error", EFFORT_XHIGH)),
    ("effort_levels: max not offered (opus 4.5)", "effort_level_unsupported",
     lambda m: body(m, output_config={"effort": "max"}), "claude-opus-4-5",
     ("error", "This model does not support effort level 'max'. Supported levels: high, low, medium.")),
    ("effort_levels: effort unsupported", "effort_unsupported_model",
     lambda m: body(m, output_config={"effort": "low"}), "claude-haiku-4-5",
     ("error", "This model does not support the effort parameter.")),
    ("thinking: adaptive unsupported", "thinking_type_unsupported",
     lambda m: body(m, thinking={"type": "adaptive"}), "claude-sonnet-4-5",
     ("error", "adaptive thinking is not supported on this model")),
    ("thinking: enabled unsupported", "thinking_type_unsupported",
     lambda m: body(m, max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 2048}), "claude-opus-4-7",
     ("error", ENABLED_5X)),
    ("thinking: disabled unsupported (adaptive only)", "thinking_type_unsupported",
     lambda m: body(m, thinking={"type": "disabled"}), "claude-fable-5",
     ("error", ENABLED_5X.replace("enabled", "disabled", 1))),
    ("disabled_max_effort", "thinking_disabled_with_high_effort",
     lambda m: body(m, thinking={"type": "disabled"}, output_config={"effort": "max"}), "claude-opus-5",
     ("error", None)),
    ("between_tools_max_effort", "thinking_disabled_with_high_effort",
     lambda m: body(m, thinking={"type": "between_tools"}, output_config={"effort": "xhigh"}), "claude-sonnet-5-5",
     ("error", None)),
    ("prefill", "prefill_not_supported", prefill_body, "claude-opus-4-6", ("error", PREFILL)),
    ("sampling_restricted", "sampling_param_unsupported_model",
     lambda m: body(m, temperature=0.2), "claude-opus-4-7", ("error", "`temperature` is deprecated for this model.")),
    ("temperature_top_p_exclusive", "temperature_and_top_p_both",
     lambda m: body(m, temperature=0.5, top_p=0.9), "claude-sonnet-4-6",
     ("error", "`temperature` and `top_p` cannot both be specified for this model. Please use only one.")),
    ("minus_one_rejected: temperature", "sampling_param_minus_one",
     lambda m: body(m, temperature=-1), "claude-opus-4-6",
     ("error", "`temperature` cannot be set to -1 for this model")),
    ("minus_one_rejected: top_p", "sampling_param_minus_one",
     lambda m: body(m, top_p=-1), "claude-haiku-4-5", ("error", "`top_p` cannot be set to -1 for this model")),
    ("structured_outputs", "structured_output_unsupported_model",
     lambda m: body(m, output_config={"format": {"type": "json_schema", "schema": {
         "type": "object", "properties": {}, "additionalProperties": False}}}),
     "claude-3-5-haiku-20241022", None),  # retired: judged below on a live copy
    ("mid_conversation_system", "role_system_unsupported_model", system_body, "claude-opus-4-6",
     ("error", 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not '
               '"system" as an input message role.')),
]


@pytest.mark.parametrize("fact, code, build, model, expected", [c for c in CASES if c[4] is not None],
                         ids=[c[0] for c in CASES if c[4] is not None])
def test_fact_set_gives_the_api_answer(fact: str, code: str, build: Any, model: str,
                                       expected: Tuple[str, Optional[str]]) -> None:
    """A model with the fact: the rule reports with the API's message where evidence quotes one."""
    got = found(build(model), code)
    assert got, f"{fact}: no {code} on {model}"
    severity, api = expected
    assert severity == "error" and got[0][0] == cause(code).default_severity  # the rule never downgrades itself
    if api is not None:
        assert got[0][1] == api
    assert reported(build(model), code)[:1] == [policy(code, model)]


@pytest.mark.parametrize("fact, code, build, model, expected", CASES, ids=[c[0] for c in CASES])
def test_fact_unknown_is_silent(fact: str, code: str, build: Any, model: str, expected: Any) -> None:
    """The same request on a model whose facts are unknown: nothing from that rule (-1 sentinels: a warning at most,
    see below)."""
    got = found(build(UNKNOWN), code)
    if fact.startswith("minus_one_rejected"):
        assert all(severity == "warning" for severity, _ in got)
    else:
        assert got == []
        assert reported(build(UNKNOWN), code) == []


def test_minus_one_without_the_fact_is_a_warning() -> None:
    """temperature=-1 on a known model without minus_one_rejected: a warning from the rule itself."""
    assert found(body(UNKNOWN, temperature=-1), "sampling_param_minus_one") == [
        ("warning", "`temperature` cannot be set to -1 for this model")]


def test_structured_outputs_false_is_reported() -> None:
    """structured_outputs=False on a served model: the API's "does not support output format" answer."""
    model = dataclasses.replace(builtin_registry().models["claude-3-5-haiku-20241022"], lifecycle="active",
                                retired_on=None)
    reg = default_registry().with_overrides({model.id: model})
    request = CASES[-2][2](model.id)
    code = "structured_output_unsupported_model"
    assert [s for s, _ in found(request, code, registry=reg)] == [cause(code).default_severity]


@pytest.mark.parametrize("model, effort", [
    ("claude-opus-4-7", "xhigh"), ("claude-opus-4-8", "xhigh"), ("claude-opus-5", "max"), ("claude-sonnet-5", "xhigh"),
    ("claude-opus-4-6", "max"), ("claude-sonnet-4-6", "max"), ("claude-opus-4-5", "high"),
])
def test_effort_level_offered_passes(model: str, effort: str) -> None:
    """A level the model offers (per the effort docs and live checks): no effort violation."""
    assert found(body(model, output_config={"effort": effort}), "effort_level_unsupported") == []


@pytest.mark.parametrize("model, platform, accepted", [
    ("claude-opus-4-8", "anthropic", True), ("claude-opus-4-8", "bedrock", True), ("claude-opus-4-8", "vertex", True),
    ("claude-opus-4-8", "foundry", True), ("claude-sonnet-5", "bedrock", True), ("claude-opus-5", "foundry", True),
    ("claude-opus-5", "bedrock", None),  # not observed on Bedrock: unknown
    ("claude-opus-4-7", "anthropic", False), ("claude-opus-4-7", "foundry", False), ("claude-opus-4-6", "bedrock", False),
    ("claude-mythos-preview", "anthropic", False), ("claude-fable-5-1", "anthropic", None), (UNKNOWN, "vertex", None),
])
def test_mid_conversation_system_per_platform(model: str, platform: str, accepted: Optional[bool]) -> None:
    """role "system" inside messages, per platform: accepted / rejected where evidence says so, else unknown."""
    info = registry_with_unknown().find(model)
    assert info is not None and info.mid_conversation_system_on(platform) is accepted


def test_output_beta_ceiling_is_data() -> None:
    """The 300k output beta is a fact of the models documented with it (with its evidence), unknown elsewhere."""
    reg = builtin_registry()
    for model in ("claude-opus-5", "claude-opus-4-8", "claude-opus-4-6", "claude-sonnet-4-6"):
        info = reg.find(model)
        assert info is not None and info.max_output_betas == {"output-300k-2026-03-24": 300000}, model
        assert info.evidence_for("max_output_betas"), model
    assert reg.find("claude-opus-4-5").max_output_betas == {}  # type: ignore[union-attr]
    assert reg.find("claude-fable-5").max_output_betas == {}  # type: ignore[union-attr]


# every fact a rule reads, stated for a model, names its evidence
EVIDENCED = ("effort_levels", "thinking", "prefill", "sampling_restricted", "temperature_top_p_exclusive",
             "minus_one_rejected", "structured_outputs", "citations", "mid_conversation_system",
             "mid_conversation_system_platforms", "max_output", "max_output_betas", "disabled_max_effort",
             "between_tools_max_effort", "adaptive_forced_tool_rejected")


@pytest.mark.parametrize("model_id", sorted(builtin_registry().models))
def test_every_stated_fact_has_evidence(model_id: str) -> None:
    """A fact the built-in table states (not null / empty) carries its source in the data."""
    info = builtin_registry().models[model_id]
    missing = []
    for fact in EVIDENCED:
        value = getattr(info, fact)
        stated = value is not None and value != {} and (fact != "thinking" or any(v is not None for v in value.values()))
        if stated and not info.evidence_for(fact):
            missing.append(fact)
    assert not missing, f"{model_id}: facts without evidence: {missing}"
    for fact, sources in info.evidence.items():
        assert fact in FACT_FIELDS, fact
        assert all(s and not s.startswith("@") for s in sources), (fact, sources)  # every @reference resolved


def _names_in_strings(module: Any) -> List[str]:
    """Model names the registry knows (ids, snapshots, aliases, retired ids) inside the module's string literals,
    docstrings aside (they may show the id grammar with examples)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(module))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    reg = builtin_registry()
    known = set(reg.names()) | {name for name in _retired_ids()}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words = set(re.findall(r"claude-[a-z0-9-]+", node.value))
            out.extend(sorted(w for w in words if w in known or any(w.startswith(f"{k}-") for k in known)))
    return out


def _retired_ids() -> List[str]:
    import json
    from importlib import resources

    raw = json.loads(resources.files("pytest_claude_guard").joinpath("data", "models.json").read_text("utf-8"))
    return list(raw.get("retired_ids", []))


def test_rules_hold_no_per_model_tables() -> None:
    """The rule modules name no model id: per-model facts live in the registry."""
    import inspect

    from pytest_claude_guard._core._rules import messages, model, output, sampling, thinking, tools

    for module in (output, sampling, thinking, messages, tools):
        assert not re.search(r"[\"']claude-", inspect.getsource(module)), module.__name__
    # model.py judges the grammar of ids ("claude-" prefixes, f-strings): it names no model the registry knows
    for module in (output, sampling, thinking, messages, tools, model):
        assert _names_in_strings(module) == [], module.__name__


# --- mid_conversation_system_platforms: role "system" inside messages, per platform ---------------------------

BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.{model}/invoke"
VERTEX = "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/{model}:rawPredict"
FOUNDRY = "https://my-resource.services.ai.azure.com/anthropic/v1/messages"
MANTLE = "https://bedrock-mantle.us-east-1.api.aws/anthropic/v1/messages"
PLATFORM_URLS = {"bedrock": BEDROCK, "vertex": VERTEX, "foundry": FOUNDRY, "mantle": MANTLE}
UNEXPECTED_SYSTEM = ('messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, '
                     'not "system" as an input message role.')


def platform_request(platform: str, model: str) -> Tuple[Dict[str, Any], str]:
    """A mid-conversation system message for ``model`` on ``platform`` (the model in the URL where it goes)."""
    url = PLATFORM_URLS[platform]
    request = system_body(model)
    if "{model}" in url:
        request.pop("model")
        request["anthropic_version"] = "bedrock-2023-05-31" if platform == "bedrock" else "vertex-2023-10-16"
        return request, url.format(model=model)
    return request, url


# (platform, model, expected (severity, api message) of role_system_unsupported_model; None = none)
SYSTEM_PLATFORM_CASES: List[Tuple[str, str, Optional[Tuple[str, str]]]] = [
    ("bedrock", "claude-sonnet-4-6", ("error", UNEXPECTED_SYSTEM)),  # rejected: the fact says so
    ("vertex", "claude-opus-4-6", ("error", UNEXPECTED_SYSTEM)),
    ("foundry", "claude-opus-4-7", ("error", UNEXPECTED_SYSTEM)),  # BerriAI/litellm#33807 live probe
    ("bedrock", "claude-opus-4-8", None),  # accepted: BerriAI/litellm#30443
    ("bedrock", "claude-sonnet-5", None),  # accepted: BerriAI/litellm#32882
    ("vertex", "claude-opus-4-8", None),
    ("foundry", "claude-opus-5", None),
    ("bedrock", "claude-opus-5", ("warning", UNEXPECTED_SYSTEM)),  # accepted first-party, unobserved on Bedrock
    ("mantle", "claude-opus-4-7", None),  # no fact for Bedrock Mantle: unknown, silent
    ("bedrock", "claude-fable-5-1", None),  # every fact unknown
    ("bedrock", UNKNOWN, None),
    ("vertex", UNKNOWN, None),
    ("foundry", UNKNOWN, None),
]


@pytest.mark.parametrize("platform, model, expected", SYSTEM_PLATFORM_CASES,
                         ids=[f"{p}-{m}" for p, m, _ in SYSTEM_PLATFORM_CASES])
def test_mid_conversation_system_rule_reads_the_platform_fact(platform: str, model: str,
                                                               expected: Optional[Tuple[str, str]]) -> None:
    """role "system" after a user turn: the API's answer where the model's fact for the platform says rejected,
    a warning where only the first-party API is known to accept it, nothing where accepted or unknown."""
    request, endpoint = platform_request(platform, model)
    got = found(request, "role_system_unsupported_model", endpoint=endpoint)
    assert got == ([expected] if expected else [])
    if expected is None:
        assert reported(request, "role_system_unsupported_model", endpoint) == []
    elif expected[0] == "error":
        assert reported(request, "role_system_unsupported_model", endpoint) == [policy(
            "role_system_unsupported_model", model, platform)]


def test_mid_conversation_system_accepted_keeps_placement_checks() -> None:
    """Where the platform fact says accepted, placement is still judged (messages[0] is never a place for it)."""
    request, endpoint = platform_request("bedrock", "claude-opus-4-8")
    request["messages"] = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    assert [s for s, _ in found(request, "role_system_position", endpoint=endpoint)] == [
        cause("role_system_position").default_severity]
    assert found(request, "role_system_unsupported_model", endpoint=endpoint) == []


# --- max_output_betas: the output-300k beta in Message Batches -------------------------------------------------

BETA_300K = "output-300k-2026-03-24"


def limit_found(model: str, max_tokens: int, *, betas: Optional[str], in_batch: bool,
                registry: Optional[Registry] = None) -> List[Tuple[str, Optional[str]]]:
    """max_tokens_above_model_limit as the request rules report it; ``betas=None``: headers unknown."""
    preload(sdk=False)
    headers = None if betas is None else normalize_headers({**HEADERS, **({"anthropic-beta": betas} if betas else {})})
    ctx = Context(body=body(model, max_tokens=max_tokens), endpoint=parse_endpoint("/v1/messages"),
                  headers=headers, registry=registry or registry_with_unknown(),
                  prefix="requests.0.params" if in_batch else "", in_batch=in_batch)
    for rule in REQUEST_RULES:
        rule(ctx)
    return [(v.severity, v.api_message) for v in ctx.found if v.code == "max_tokens_above_model_limit"]


def above(value: int, limit: int, model: str) -> str:
    return f"max_tokens: {value} > {limit}, which is the maximum allowed number of output tokens for {model}"


# (case, model, max_tokens, anthropic-beta ("" none, None headers unknown), in a batch, expected findings)
BETA_CASES: List[Tuple[str, str, int, Optional[str], bool, List[Tuple[str, Optional[str]]]]] = [
    ("batch with the beta: up to the beta ceiling", "claude-opus-5", 300000, BETA_300K, True, []),
    ("batch with the beta (opus 4.8)", "claude-opus-4-8", 250000, f"files-api-2025-04-14,{BETA_300K}", True, []),
    ("batch with the beta: above it", "claude-opus-5", 300001, BETA_300K, True,
     [("error", above(300001, 300000, "claude-opus-5"))]),
    ("batch without the beta: the plain ceiling", "claude-opus-5", 200000, "", True,
     [("error", above(200000, 128000, "claude-opus-5"))]),
    ("batch, headers unknown: a warning up to the beta ceiling", "claude-opus-5", 200000, None, True,
     [("warning", above(200000, 128000, "claude-opus-5"))]),
    ("batch, headers unknown: above every ceiling", "claude-opus-5", 300001, None, True,
     [("error", above(300001, 128000, "claude-opus-5"))]),
    ("messages with the beta: documented for batches only", "claude-opus-5", 200000, BETA_300K, False,
     [("warning", above(200000, 128000, "claude-opus-5"))]),
    ("messages without the beta", "claude-opus-5", 200000, "", False,
     [("error", above(200000, 128000, "claude-opus-5"))]),
    ("messages, headers unknown", "claude-opus-5", 200000, None, False,
     [("warning", above(200000, 128000, "claude-opus-5"))]),
    ("a model without the beta fact: the beta raises nothing", "claude-opus-4-5", 100000, BETA_300K, True,
     [("error", above(100000, 64000, "claude-opus-4-5-20251101"))]),
    ("unknown model: silent", UNKNOWN, 400000, BETA_300K, True, []),
    ("unknown model, headers unknown: silent", UNKNOWN, 400000, None, False, []),
]


@pytest.mark.parametrize("case, model, max_tokens, betas, in_batch, expected", BETA_CASES,
                         ids=[c[0] for c in BETA_CASES])
def test_output_beta_ceiling_rule(case: str, model: str, max_tokens: int, betas: Optional[str], in_batch: bool,
                                  expected: List[Tuple[str, Optional[str]]]) -> None:
    """max_output_betas: the beta's ceiling in a batch with the beta header; the plain ceiling (the API's answer)
    without it; at most a warning when the headers are unknown or outside a batch."""
    assert limit_found(model, max_tokens, betas=betas, in_batch=in_batch) == expected


def test_output_beta_ceiling_through_a_batch() -> None:
    """The public entry point: a batch item on claude-opus-5 with the beta header passes; without it, the plain
    ceiling's answer at the item's path."""
    request = {"requests": [{"custom_id": "a", "params": body("claude-opus-5", max_tokens=300000)}]}
    ok = validate_request(request, headers={**HEADERS, "anthropic-beta": BETA_300K}, endpoint="/v1/messages/batches",
                          registry=registry_with_unknown())
    assert [v.code for v in ok] == []
    bad = validate_request(request, headers=HEADERS, endpoint="/v1/messages/batches", registry=registry_with_unknown())
    assert [(v.code, v.path) for v in bad] == [("max_tokens_above_model_limit", "requests.0.params.max_tokens")]


# --- adaptive_forced_tool_rejected: forced tool_choice with adaptive thinking ----------------------------------

FORCED_ADAPTIVE = "Thinking may not be enabled when tool_choice forces tool use."


def forced_adaptive_body(model: str) -> Dict[str, Any]:
    return body(model, thinking={"type": "adaptive"}, tool_choice={"type": "any"},
                tools=[{"name": "f", "input_schema": {"type": "object", "properties": {}}}])


# (model, expected findings of forced_tool_use_with_thinking)
FORCED_CASES: List[Tuple[str, List[Tuple[str, Optional[str]]]]] = [
    ("claude-opus-4-8", [("warning", FORCED_ADAPTIVE)]),  # recorded rejected (maruel/genai, 2026-05-30)
    ("claude-sonnet-4-6", [("warning", FORCED_ADAPTIVE)]),
    ("claude-opus-4-6", []),  # recorded accepted (pydantic/pydantic-ai#7200)
    ("claude-opus-5", []),  # unknown
    (UNKNOWN, []),
]


@pytest.mark.parametrize("model, expected", FORCED_CASES, ids=[c[0] for c in FORCED_CASES])
def test_adaptive_forced_tool_rule_reads_the_fact(model: str, expected: List[Tuple[str, Optional[str]]]) -> None:
    """A model recorded rejecting forced tool use with adaptive thinking: a warning with the API's message (the
    API has accepted it since); recorded accepted or unknown: silent."""
    assert found(forced_adaptive_body(model), "forced_tool_use_with_thinking") == expected
    assert reported(forced_adaptive_body(model), "forced_tool_use_with_thinking") == [s for s, _ in expected]


def test_adaptive_forced_tool_fact_is_data() -> None:
    """The fact lives in data/models.json with its evidence, and a registry file can state it for a new model."""
    reg = builtin_registry()
    assert reg.find("claude-opus-4-8").adaptive_forced_tool_rejected is True  # type: ignore[union-attr]
    assert reg.find("claude-opus-4-6").adaptive_forced_tool_rejected is False  # type: ignore[union-attr]
    assert reg.find("claude-opus-5").adaptive_forced_tool_rejected is None  # type: ignore[union-attr]
    assert reg.find("claude-opus-4-8").evidence_for("adaptive_forced_tool_rejected")  # type: ignore[union-attr]
    stated = registry_with_unknown().with_overrides(
        {UNKNOWN: ModelInfo(id=UNKNOWN, adaptive_forced_tool_rejected=True)})
    got = found(forced_adaptive_body(UNKNOWN), "forced_tool_use_with_thinking", registry=stated)
    assert got == [("warning", FORCED_ADAPTIVE)]
