"""Rules: thinking types per model, budgets, thinking blocks in assistant turns."""
from __future__ import annotations

from typing import Any, Callable, Dict, Tuple

from .._context import Context
from ._walk import blocks_of, is_server_tool_block, thinking_on, thinking_type, turns

EFFORT_ORDER = ("low", "medium", "high", "xhigh", "max")
THINKING_BLOCKS = ("thinking", "redacted_thinking")


def _effort(ctx: Context) -> Any:
    oc = ctx.body.get("output_config")
    return oc.get("effort") if isinstance(oc, dict) else None


def type_supported(ctx: Context) -> None:
    model = ctx.model
    kind = thinking_type(ctx)
    if model is None or kind is None or model.thinking_supported(kind) is not False:
        return
    if kind == "adaptive":
        api = "adaptive thinking is not supported on this model"
        fix = 'Use {"type": "enabled", "budget_tokens": N} on this model.'
    else:
        api = (f'"thinking.type.{kind}" is not supported for this model. Use "thinking.type.adaptive" and '
               '"output_config.effort" to control thinking behavior.')
        fix = 'Use {"type": "adaptive"} and output_config.effort to control thinking on this model.'
    ctx.report("thinking_type_unsupported", "thinking", "type", model=model.id, kind=kind, api_detail=api, fix_detail=fix)


def budget(ctx: Context) -> None:
    th = ctx.body.get("thinking")
    if not isinstance(th, dict) or th.get("type") != "enabled" or ctx.endpoint.kind != "messages":
        return
    b, mt = th.get("budget_tokens"), ctx.body.get("max_tokens")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (b, mt)):
        return
    if b < mt:  # type: ignore[operator]
        return
    has_tools = bool(ctx.body.get("tools"))
    interleaved = ctx.has_beta("interleaved-thinking")
    if has_tools and interleaved:
        return  # interleaved thinking lets the budget exceed max_tokens
    severity = "warning" if has_tools and interleaved is None else None
    ctx.report("thinking_budget_not_below_max_tokens", "thinking", "budget_tokens", severity=severity, budget=b, max_tokens=mt)


def disabled_with_effort(ctx: Context) -> None:
    model = ctx.model
    effort = _effort(ctx)
    kind = thinking_type(ctx)
    if model is None or effort not in EFFORT_ORDER:
        return
    if kind == "disabled" and model.disabled_max_effort in EFFORT_ORDER:
        if EFFORT_ORDER.index(effort) > EFFORT_ORDER.index(model.disabled_max_effort):
            ctx.report("thinking_disabled_with_high_effort", "thinking",
                       detail=f"{model.id} rejects thinking disabled with effort {effort!r} (at most {model.disabled_max_effort!r})")
    top = model.between_tools_max_effort
    if kind == "between_tools" and top in EFFORT_ORDER and EFFORT_ORDER.index(effort) > EFFORT_ORDER.index(top):
        ctx.report("thinking_disabled_with_high_effort", "thinking",
                   detail=f"{model.id} rejects between_tools thinking with effort {effort!r} (at most {top!r})")


def _kind(b: Any) -> Any:
    return b.get("type") if isinstance(b, dict) else None


def assistant_blocks(ctx: Context) -> None:
    """Thinking blocks first, never last (final message)."""
    ts = turns(ctx)
    final_i = ts[-1].indices[-1] if ts and ts[-1].role == "assistant" else -1
    for i, m in ctx.iter_messages():
        if m.get("role") != "assistant" or not isinstance(m.get("content"), list):
            continue
        blocks = m["content"]
        kinds = [_kind(b) for b in blocks]
        if any(k in THINKING_BLOCKS for k in kinds) and kinds[0] not in THINKING_BLOCKS \
                and not is_server_tool_block(blocks[0]):
            # The evidence (anthropics/claude-code#20705 "Found text", anomalyco/opencode#3077 "found tool_use")
            # covers turns that open with text or tool_use.  A turn the API itself produced around a server tool
            # (code execution, web search) can open with server_tool_use and think after the result; such turns
            # are echoed back as received (BerriAI/litellm#23093, defog-ai/defog#268): exempt.
            ctx.report("thinking_not_first_block", "messages", i, "content", 0, found=kinds[0])
        if i == final_i and kinds and kinds[-1] == "thinking":
            ctx.report("thinking_last_block", "messages", i)
    # a thinking block without its signature (redacted_thinking without data) is the shape rule's: the schema
    # requires the field, and the API answers "messages.1.content.0.thinking.signature: Field required"


def final_turn(ctx: Context) -> None:
    """Thinking on: the tool-use turn being answered starts with thinking.  Off: no thinking in a final assistant."""
    ts = turns(ctx)
    if not ts:
        return
    on = thinking_on(ctx)
    last = ts[-1]
    if last.role == "assistant" and on is False:
        for i, j, b in last.blocks():
            if _kind(b) in THINKING_BLOCKS:
                ctx.report("thinking_in_final_assistant_when_disabled", "messages", i, "content", j)
                break
    if thinking_type(ctx) != "enabled" or last.role != "user" or len(ts) < 2:
        return
    has_results = any(_kind(b) == "tool_result" for _, _, b in last.blocks())
    prev = ts[-2]
    if not has_results or prev.role != "assistant":
        return
    msg: Dict[str, Any] = prev.messages[-1]
    blocks = blocks_of(msg)
    if not any(_kind(b) == "tool_use" for b in blocks):
        return
    first = _kind(blocks[0]) if blocks else None
    if first not in THINKING_BLOCKS:
        # the API names the block's type field, untagged: "messages.47.content.0.type: Expected `thinking` or
        # `redacted_thinking`, but found `text`" (anthropics/claude-code#20705, lbjlaq/Antigravity-Manager#139)
        ctx.report("thinking_final_assistant_must_start_with_thinking", "messages", prev.indices[-1], "content", 0,
                   "type", found=first or "nothing")


RULES: Tuple[Callable[[Context], None], ...] = (type_supported, budget, disabled_with_effort, assistant_blocks, final_turn)
