"""Per-model facts as data: each fact a rule needs comes from the registry (data/models.json, with its evidence).

Table-driven: for each fact, a model that has it gets the API's answer (error, with the API's exact message where
public evidence quotes one); the same request on a model whose fact is unknown gets nothing from that rule.
``found`` runs the request rules on a Context (the rule's own answer: the cause's default severity, never a
self-downgrade); ``validate_request``'s severity is then the evidence ledger's (``_evidence``): an error where the
ledger covers the model, a warning elsewhere (``policy``).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional, Tuple

import pytest

from pytest_claude_guard import _evidence, preload, validate_request
from pytest_claude_guard._causes import cause
from pytest_claude_guard._context import Context, normalize_headers, parse_endpoint
from pytest_claude_guard._rules import REQUEST_RULES
from pytest_claude_guard._models import FACT_FIELDS, ModelInfo, Registry, builtin_registry, default_registry

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


def reported(request: Dict[str, Any], code: str) -> List[str]:
    """Severities of ``code`` in validate_request's answer (the public entry point)."""
    out = validate_request(request, headers=HEADERS, registry=registry_with_unknown())
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
    """The 300k output beta is a fact of claude-opus-5 (with its evidence), unknown elsewhere."""
    reg = builtin_registry()
    opus5 = reg.find("claude-opus-5")
    assert opus5 is not None and opus5.max_output_betas == {"output-300k-2026-03-24": 300000}
    assert opus5.evidence_for("max_output_betas")
    assert reg.find("claude-opus-4-8").max_output_betas == {}  # type: ignore[union-attr]


# every fact a rule reads, stated for a model, names its evidence
EVIDENCED = ("effort_levels", "thinking", "prefill", "sampling_restricted", "temperature_top_p_exclusive",
             "minus_one_rejected", "structured_outputs", "citations", "mid_conversation_system",
             "mid_conversation_system_platforms", "max_output", "max_output_betas", "disabled_max_effort",
             "between_tools_max_effort")


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


def test_rules_hold_no_per_model_tables() -> None:
    """The rule modules name no model id: per-model facts live in the registry."""
    import inspect
    import re

    from pytest_claude_guard._rules import output, sampling, thinking

    for module in (output, sampling, thinking):
        assert not re.search(r"[\"']claude-", inspect.getsource(module)), module.__name__
