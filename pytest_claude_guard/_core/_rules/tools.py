"""Rules: tool_use / tool_result pairing, tool definitions, tool_choice, containers."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Set, Tuple

from .._context import Context
from ._walk import Turn, iter_blocks, thinking_type, tool_names, turns


def _tool_use_ids(turn: Turn) -> List[str]:
    return [b["id"] for _, _, b in turn.blocks() if isinstance(b, dict) and b.get("type") == "tool_use" and isinstance(b.get("id"), str)]


def pairing(ctx: Context) -> None:
    """Every tool_use is answered in the next (merged) user turn; every tool_result answers the previous turn."""
    ts = turns(ctx)
    for n, turn in enumerate(ts):
        if turn.role == "assistant":
            ids = _tool_use_ids(turn)
            if not ids or n == len(ts) - 1:
                continue
            nxt = ts[n + 1]
            if nxt.role != "user":
                # system messages between turns are not judged; a role the API does not know ("tool", none) is the
                # shape rule's (role_invalid, message_missing_field): the only problem there
                continue
            results = [b for _, _, b in nxt.blocks() if isinstance(b, dict) and b.get("type") == "tool_result"]
            answered = {b["tool_use_id"] for b in results if isinstance(b.get("tool_use_id"), str)}
            unnamed = len(results) - sum(1 for b in results if isinstance(b.get("tool_use_id"), str))
            missing = [i for i in ids if i not in answered]
            if len(missing) > unnamed:
                # a tool_result without a tool_use_id (the shape rule's block_missing_field) may answer any one of
                # them: only more unanswered ids than such results are sure to be missing
                ctx.report("tool_use_without_result", "messages", turn.indices[-1], ids=", ".join(missing))
            _results_first(ctx, nxt)
        elif turn.role == "user":
            prev = ts[n - 1] if n > 0 else None
            if prev is not None and prev.role == "system":
                continue  # system messages between turns: not judged
            known = set(_tool_use_ids(prev)) if prev is not None and prev.role == "assistant" else set()
            for i, j, b in turn.blocks():
                if isinstance(b, dict) and b.get("type") == "tool_result":
                    tid = b.get("tool_use_id")
                    if isinstance(tid, str) and tid not in known:
                        ctx.report("tool_result_without_use", "messages", i, "content", j, ids=tid)


def _results_first(ctx: Context, turn: Turn) -> None:
    """In the turn answering tool_use, tool_result blocks come before anything else."""
    seen_other = None
    for i, _j, b in turn.blocks():
        kind = b.get("type") if isinstance(b, dict) else None
        if kind == "tool_result":
            if seen_other is not None:
                count = sum(1 for _, _, x in turn.blocks() if isinstance(x, dict) and x.get("type") == "tool_result")
                ctx.report("tool_result_not_first", "messages", seen_other, count=count)
                return
        elif seen_other is None:
            seen_other = i


def duplicate_ids(ctx: Context) -> None:
    seen: Dict[str, Tuple[Any, ...]] = {}
    for parts, b, _ in iter_blocks(ctx, nested=False):
        if b.get("type") in ("tool_use", "server_tool_use", "mcp_tool_use") and isinstance(b.get("id"), str):
            if b["id"] in seen:
                ctx.report("tool_use_id_duplicate", *parts, id=b["id"])
            else:
                seen[b["id"]] = parts


def server_tool_results(ctx: Context) -> None:
    """``*_tool_result`` blocks need a matching earlier ``server_tool_use`` (``mcp_tool_result``: ``mcp_tool_use``)."""
    seen: Set[str] = set()
    mcp_seen: Set[str] = set()
    for parts, b, _ in iter_blocks(ctx, nested=False):
        kind = b.get("type")
        if not isinstance(kind, str):
            continue
        if kind == "server_tool_use" and isinstance(b.get("id"), str):
            seen.add(b["id"])
        elif kind == "mcp_tool_use" and isinstance(b.get("id"), str):
            mcp_seen.add(b["id"])
        elif kind.endswith("_tool_result") and kind not in ("tool_result",):
            tid = b.get("tool_use_id")
            pool = mcp_seen if kind == "mcp_tool_result" else seen
            if isinstance(tid, str) and tid not in pool:
                ctx.report("server_tool_result_without_use", *parts, block=kind, ids=tid)


def duplicate_tool_names(ctx: Context) -> None:
    seen: Set[str] = set()
    for i, name in tool_names(ctx):
        if name in seen:
            ctx.report("tool_name_duplicate", "tools", i, name=name)
        seen.add(name)


def tool_choice(ctx: Context) -> None:
    choice = ctx.body.get("tool_choice")
    if not isinstance(choice, dict):
        return
    kind = choice.get("type")
    if kind not in ("any", "tool"):
        return
    _forced_with_thinking(ctx, kind)
    model = ctx.model
    if model is not None and model.forced_tool_choice is False:
        ctx.report("forced_tool_use_model_unsupported", "tool_choice", model=model.id, choice=repr(kind))
    name = choice.get("name")
    if kind == "tool" and isinstance(name, str):
        names = {n for _, n in tool_names(ctx)}
        if name not in names:
            ctx.report("tool_choice_tool_unknown", "tool_choice", "name", name=name)


def _forced_with_thinking(ctx: Context, kind: str) -> None:
    """Forced tool use with thinking: an error with ``enabled`` on /v1/messages (many recorded 400s).

    count_tokens: adaptive is accepted (recorded); ``enabled`` is unobserved there, so a warning.  Adaptive on
    /v1/messages: a warning on the models whose fact ``adaptive_forced_tool_rejected`` is set, silent elsewhere.
    """
    thinking = thinking_type(ctx)
    endpoint = ctx.endpoint.kind
    if thinking == "enabled":
        severity = None if endpoint == "messages" else "warning"
        ctx.report("forced_tool_use_with_thinking", "tool_choice", severity=severity, choice=repr(kind))
    elif thinking == "adaptive" and endpoint == "messages":
        # the model fact adaptive_forced_tool_rejected (data/models.json, with its evidence): recorded rejected
        # before the API accepted it and documented it as supported: a warning there, silent elsewhere
        model = ctx.model
        if model is not None and model.adaptive_forced_tool_rejected:
            ctx.report("forced_tool_use_with_thinking", "tool_choice", severity="warning",
                       choice=f"{kind!r} (adaptive thinking: rejected on {model.id} until mid-2026, documented as "
                              "supported since)")


def _tool_types(ctx: Context) -> List[Tuple[int, str]]:
    tools = ctx.body.get("tools")
    out = []
    if isinstance(tools, list):
        for i, t in enumerate(tools):
            if isinstance(t, dict) and isinstance(t.get("type"), str):
                out.append((i, t["type"]))
    return out


def container(ctx: Context) -> None:
    value = ctx.body.get("container")
    if value is None or "container" not in ctx.body:
        return
    if isinstance(value, dict):
        return  # skills containers: the shape rule judges them
    if not any(kind.startswith("code_execution") for _, kind in _tool_types(ctx)):
        ctx.report("container_without_code_execution", "container")


def tool_references(ctx: Context) -> None:
    names = {n for _, n in tool_names(ctx)}
    if not names:
        return
    for parts, b, _ in iter_blocks(ctx):
        if b.get("type") == "tool_reference" and isinstance(b.get("tool_name"), str) and b["tool_name"] not in names:
            ctx.report("tool_reference_unresolved", *parts, name=b["tool_name"])


LEGACY_COMPUTER = ("computer_20250124", "computer_20251124")


def server_tool_versions(ctx: Context) -> None:
    model = ctx.model
    if model is None or model.legacy_computer_tools is not False:
        return
    for i, kind in _tool_types(ctx):
        if kind in LEGACY_COMPUTER:
            ctx.report("server_tool_version_unsupported", "tools", i, model=model.id, tool=kind)


RULES: Tuple[Callable[[Context], None], ...] = (
    pairing,
    duplicate_ids,
    server_tool_results,
    duplicate_tool_names,
    tool_choice,
    container,
    tool_references,
    server_tool_versions,
)
