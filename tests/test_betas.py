"""Betas unlock only their own shapes: a beta-only field, tool type or block type (``data/betas.json``) sent with
beta values none of which is its own gets the plain schema's answer; with its own beta it passes.

Table-driven over every gate in the data: one minimal sample per shape (valid under the beta schema), judged with
an unrelated beta value, with the shape's own beta (and another dated value of the same family), with no beta
header, with headers unknown, and on a ``?beta=true`` endpoint.
"""

from __future__ import annotations

import json
import typing
from typing import Any, Dict, List, Mapping, Optional, Tuple

import pytest

from pytest_claude_guard._core import _evidence

from pytest_claude_guard import validate_request
from pytest_claude_guard._core import _schemas as S
from pytest_claude_guard._core._causes import cause
from pytest_claude_guard._core._rules.shape import FILES_BETA

anthropic = pytest.importorskip("anthropic")

BASE = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-placeholder"}
UNRELATED = "interleaved-thinking-2025-05-14"
USER = {"role": "user", "content": "Hi"}
MCP_TURNS = [USER, {"role": "assistant", "content": [
    {"type": "mcp_tool_use", "id": "mcptoolu_1", "name": "search", "server_name": "ex", "input": {}}]},
    {"role": "user", "content": [{"type": "mcp_tool_result", "tool_use_id": "mcptoolu_1", "content": "ok"},
                                 {"type": "text", "text": "go on"}]}]
SAMPLES: Dict[Tuple[str, str], Dict[str, Any]] = {
    ("param", "context_management"): {"context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]}},
    ("param", "mcp_servers"): {"mcp_servers": [{"type": "url", "url": "https://mcp.example.com/sse", "name": "ex"}]},
    ("param", "compaction"): {"compaction": {"type": "summarize"}},
    ("param", "fallbacks"): {"fallbacks": [{"model": "claude-opus-4-8"}]},
    ("param", "fallback_credit_token"): {"fallback_credit_token": "fct_123"},
    ("param", "thread"): {"thread": {"type": "create"}},
    ("param", "billing_policy"): {"billing_policy": {"type": "billing_policy", "bill_to": "self"}},
    ("tool", "mcp_toolset"): {"tools": [{"type": "mcp_toolset", "mcp_server_name": "ex"}]},
    ("tool", "advisor_20260301"): {"tools": [{"type": "advisor_20260301", "name": "advisor", "model": "claude-opus-4-8"}]},
    ("tool", "computer_20241022"): {"tools": [{"type": "computer_20241022", "name": "computer",
                                               "display_width_px": 1024, "display_height_px": 768}]},
    ("tool", "bash_20241022"): {"tools": [{"type": "bash_20241022", "name": "bash"}]},
    ("tool", "text_editor_20241022"): {"tools": [{"type": "text_editor_20241022", "name": "str_replace_editor"}]},
    ("tool", "computer_20250124"): {"tools": [{"type": "computer_20250124", "name": "computer",
                                               "display_width_px": 1024, "display_height_px": 768}]},
    ("tool", "computer_20251124"): {"tools": [{"type": "computer_20251124", "name": "computer",
                                               "display_width_px": 1024, "display_height_px": 768}]},
    ("block", "mcp_tool_use"): {"messages": MCP_TURNS},
    ("block", "mcp_tool_result"): {"messages": MCP_TURNS},
    ("block", "mcp_tool_listing"): {"messages": [USER, {"role": "assistant", "content": [
        {"type": "mcp_tool_listing", "mcp_server_name": "ex", "tools": []}, {"type": "text", "text": "Listed."}]},
        {"role": "user", "content": "Thanks"}]},
    ("block", "compaction"): {"messages": [{"role": "user", "content": [
        {"type": "compaction", "content": "Summary so far."}, {"type": "text", "text": "Go on"}]}]},
    ("block", "advisor_tool_result"): {"messages": [USER, {"role": "assistant", "content": [
        {"type": "server_tool_use", "id": "srvtoolu_1", "name": "advisor", "input": {}},
        {"type": "advisor_tool_result", "tool_use_id": "srvtoolu_1", "content": {"type": "advisor_result", "text": "Advice."}},
        {"type": "text", "text": "Done."}]}, {"role": "user", "content": "Thanks"}]},
    ("block", "fallback"): {"messages": [USER, {"role": "assistant", "content": [
        {"type": "fallback", "from": {"model": "claude-opus-4-8"}, "to": {"model": "claude-opus-4-6"}},
        {"type": "text", "text": "Answer."}]}, {"role": "user", "content": "Thanks"}]},
    ("block", "tool_addition"): {"messages": [{"role": "user", "content": [
        {"type": "tool_addition", "tool": {"type": "tool_reference", "name": "get_weather"}}, {"type": "text", "text": "Hi"}]}]},
    ("block", "tool_removal"): {"messages": [{"role": "user", "content": [
        {"type": "tool_removal", "tool": {"type": "tool_reference", "name": "get_weather"}}, {"type": "text", "text": "Hi"}]}]},
    ("source", "file"): {"messages": [{"role": "user", "content": [
        {"type": "document", "source": {"type": "file", "file_id": "file_011"}}, {"type": "text", "text": "Summarise"}]}]},
}
GATES = sorted(S.beta_gates().values(), key=lambda g: (g.kind, g.name))
IDS = [f"{g.kind}:{g.name}" for g in GATES]
# the shapes the schemas tell apart (a file source is a direct check of its own: file_source_requires_beta)
SCHEMA_GATES = [g for g in GATES if g.kind != "source"]
SCHEMA_IDS = [f"{g.kind}:{g.name}" for g in SCHEMA_GATES]


def body(gate: S.BetaGate) -> Dict[str, Any]:
    out: Dict[str, Any] = {"model": "claude-sonnet-4-6", "max_tokens": 1024, "messages": [USER]}
    out.update(SAMPLES[(gate.kind, gate.name)])
    return out


def headers(*betas: str) -> Dict[str, str]:
    return {**BASE, "anthropic-beta": ",".join(betas)} if betas else dict(BASE)


def shape_path(gate: S.BetaGate) -> str:
    """Where the shape sits in its sample (dotted, the API's style)."""
    if gate.kind == "source":
        return "messages.0.content.0.document.source"
    path = next(p for p, g in S.gated_shapes(body(gate)) if g == gate)
    return ".".join(str(p) for p in path)


def at_shape(gate: S.BetaGate, hdrs: Optional[Mapping[str, str]], endpoint: str = "/v1/messages") -> List[Tuple[str, str]]:
    """(code, severity) of the violations at (or under) the shape's path."""
    where = shape_path(gate)
    out = validate_request(body(gate), headers=hdrs, endpoint=endpoint)
    return [(v.code, v.severity) for v in out if v.path == where or v.path.startswith(where + ".")]


def policy(code: str, platform: str = "anthropic") -> str:
    """An error's final severity: the cause's default narrowed to the evidence ledger's cover (``_evidence``)."""
    situation = _evidence.Situation("claude-sonnet-4-6", "messages", platform, "2023-06-01")
    if cause(code).default_severity == "error" and _evidence.covered(code, situation):
        return "error"
    return "warning"


def expected(gate: S.BetaGate, code: str, platform: str = "anthropic") -> str:
    """A warning gate: warning; an error gate: the ledger's word for that code there."""
    return "warning" if gate.severity == "warning" else policy(code, platform)


@pytest.mark.parametrize("gate", GATES, ids=IDS)
def test_unrelated_beta_does_not_unlock(gate: S.BetaGate) -> None:
    """Only an unrelated beta value sent: the shape is reported at the gate's severity, naming its beta."""
    found = at_shape(gate, headers(UNRELATED))
    assert found, f"{gate.name}: not reported with only {UNRELATED}"
    assert all(sev == expected(gate, code) for code, sev in found), found
    messages = [v.message for v in validate_request(body(gate), headers=headers(UNRELATED))
                if v.path.startswith(shape_path(gate))]
    assert any(gate.betas[0] in m for m in messages), messages


@pytest.mark.parametrize("gate", GATES, ids=IDS)
@pytest.mark.parametrize("endpoint", ["/v1/messages", "/v1/messages?beta=true"])
def test_own_beta_unlocks(gate: S.BetaGate, endpoint: str) -> None:
    """Each of the shape's own beta values (beside an unrelated one) unlocks it, on either endpoint."""
    for beta in gate.betas:
        assert at_shape(gate, headers(UNRELATED, beta), endpoint) == [], beta


@pytest.mark.parametrize("gate", GATES, ids=IDS)
def test_same_family_other_date_unlocks(gate: S.BetaGate) -> None:
    """Another dated value of the same beta counts (which dated values the API takes is rarely public)."""
    other = S.beta_family(gate.betas[0]) + "-2099-01-01"
    assert at_shape(gate, headers(other)) == []


@pytest.mark.parametrize("gate", GATES, ids=IDS)
def test_no_beta_header_is_an_error(gate: S.BetaGate) -> None:
    """No anthropic-beta at all on the plain endpoint: the plain schema's error (unchanged behaviour)."""
    found = at_shape(gate, headers())
    assert found and found[0][1] == policy(found[0][0]) == "error"


@pytest.mark.parametrize("gate", GATES, ids=IDS)
def test_headers_unknown_warn_at_most(gate: S.BetaGate) -> None:
    """Headers unknown: at most a warning, as before."""
    assert {sev for _, sev in at_shape(gate, None)} <= {"warning"}


@pytest.mark.parametrize("gate", SCHEMA_GATES, ids=SCHEMA_IDS)
def test_beta_endpoint_without_beta_values_passes(gate: S.BetaGate) -> None:
    """``?beta=true`` with no anthropic-beta value: judged by the beta schema alone (the endpoint's behaviour kept)."""
    assert at_shape(gate, headers(), "/v1/messages?beta=true") == []


@pytest.mark.parametrize("gate", SCHEMA_GATES, ids=SCHEMA_IDS)
def test_bedrock_body_betas_gate_too(gate: S.BetaGate) -> None:
    """Bedrock takes betas in the body (anthropic_beta): the same gating."""
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-6/invoke"
    request = body(gate)
    request.pop("model")
    request["anthropic_version"] = "bedrock-2023-05-31"
    where = shape_path(gate)
    locked = dict(request, anthropic_beta=[UNRELATED])
    unlocked = dict(request, anthropic_beta=[gate.betas[0]])
    got = [(v.code, v.severity) for v in validate_request(locked, headers={}, endpoint=url) if v.path.startswith(where)]
    assert got and all(sev == expected(gate, code, "bedrock") for code, sev in got), got
    assert [v for v in validate_request(unlocked, headers={}, endpoint=url) if v.path.startswith(where)] == []


# --- the data -----------------------------------------------------------------------------------------------------
def test_every_gate_has_a_sample() -> None:
    assert {(g.kind, g.name) for g in GATES} == set(SAMPLES)


@pytest.mark.parametrize("gate", SCHEMA_GATES, ids=SCHEMA_IDS)
def test_gate_is_a_beta_only_shape(gate: S.BetaGate) -> None:
    """Each gated shape is valid under the beta schema and rejected by the plain one (the gate never invents a
    rejection the schemas do not make)."""
    request = body(gate)
    assert S.iter_errors("messages.beta", "anthropic", request) == []
    assert S.iter_errors("messages", "anthropic", request) != []


def _sdk_betas() -> List[str]:
    from anthropic.types import anthropic_beta_param

    literal = [a for a in typing.get_args(anthropic_beta_param.AnthropicBetaParam) if typing.get_origin(a) is typing.Literal]
    return [v for lit in literal for v in typing.get_args(lit)]


@pytest.mark.parametrize("gate", GATES, ids=IDS)
def test_gate_betas_are_sdk_beta_names_with_evidence(gate: S.BetaGate) -> None:
    """Every beta value named is one the SDK ships (AnthropicBetaParam), and every gate cites its evidence."""
    known = set(_sdk_betas())
    if known:
        assert set(gate.betas) <= known, set(gate.betas) - known
    assert gate.evidence and all(isinstance(e, str) and e for e in gate.evidence)
    assert gate.severity in (None, "warning")


def test_errors_only_where_rejection_is_on_record() -> None:
    """Error severity is kept for the gates whose evidence records the API's rejection."""
    errors = sorted(g.name for g in GATES if g.severity is None)
    assert errors == ["context_management", "file"]


def test_ga_shapes_are_plain() -> None:
    """Shapes the data lists as no longer beta (e.g. container.skills) pass the plain schema with no beta."""
    from importlib import resources

    data = json.loads(resources.files("pytest_claude_guard").joinpath("data", "betas.json").read_text("utf-8"))
    assert {g["name"] for g in data["ga"]} == {"container.skills", "tools.code_execution_20250825"}
    request = {"model": "claude-sonnet-4-6", "max_tokens": 1024, "messages": [USER],
               "container": {"skills": [{"type": "anthropic", "skill_id": "pptx", "version": "latest"}]},
               "tools": [{"type": "code_execution_20250825", "name": "code_execution"}]}
    assert S.iter_errors("messages", "anthropic", request) == []
    assert [v for v in validate_request(request, headers=headers(UNRELATED)) if v.severity == "error"] == []


def test_files_beta_constant_matches_the_data() -> None:
    gate = S.beta_gate("source", "file")
    assert gate is not None and gate.betas == (FILES_BETA,)
