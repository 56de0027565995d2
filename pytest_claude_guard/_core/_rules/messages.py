"""Rules: messages, roles, empty content, whitespace, prefill, 2026-10-21 content restrictions."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

from .. import _evidence
from .._context import Context
from ._walk import Turn, blocks_of, in_block, is_server_tool_block, iter_blocks, turns

MAX_MESSAGES = 100_000


def too_many(ctx: Context) -> None:
    msgs = ctx.body.get("messages")
    if isinstance(msgs, list) and len(msgs) > MAX_MESSAGES:
        ctx.report("messages_too_many", "messages", count=len(msgs))


def _final_assistant(ts: List[Turn]) -> bool:
    return bool(ts) and ts[-1].role == "assistant"


def empty_content(ctx: Context) -> None:
    """A merged turn whose every message is empty, unless it is the final assistant turn."""
    ts = turns(ctx)
    for n, turn in enumerate(ts):
        if turn.role not in ("user", "assistant"):
            continue
        if n == len(ts) - 1 and turn.role == "assistant":
            continue
        if all(_is_empty(m) for m in turn.messages):
            ctx.report("empty_content_non_final", "messages", turn.indices[0], api_path=f"messages.{turn.indices[0]}")


def _is_empty(m: Dict[str, Any]) -> bool:
    c = m.get("content")
    return c == "" or c == []


def text_blocks(ctx: Context) -> None:
    """Empty and whitespace-only text (string content or text blocks), outside the final assistant message."""
    ts = turns(ctx)
    final_idx = ts[-1].indices[-1] if _final_assistant(ts) else -1
    for i, m in ctx.iter_messages():
        content = m.get("content")
        if i == final_idx:
            continue
        # real traffic: a whitespace-only assistant text block beside other content is accepted (dev corpus:
        # ruby_llm web search, llm-anthropic tools); an assistant message of whitespace only is not
        # (nick1udwig/kibitz#78, anomalyco/opencode#31259: "text content blocks must contain non-whitespace text")
        user = m.get("role") == "user" or (m.get("role") == "assistant" and _only_whitespace_text(content))
        if isinstance(content, str):
            if user and content and not content.strip():
                ctx.report("text_block_whitespace_only", "messages", i, "content")
            continue
        if not isinstance(content, list):
            continue
        for j, b in enumerate(content):
            if not isinstance(b, dict) or b.get("type") != "text" or not isinstance(b.get("text"), str):
                continue
            text = b["text"]
            if text == "":
                if b.get("cache_control") is not None:
                    continue  # cache_control_on_empty_text says it better
                ctx.report("text_block_empty", "messages", i, "content", j)
            elif user and not text.strip():
                ctx.report("text_block_whitespace_only", "messages", i, "content", j)


def _only_whitespace_text(content: Any) -> bool:
    """String content, or every block a text block, made of whitespace only (and not empty)."""
    if isinstance(content, str):
        return bool(content) and not content.strip()
    if not isinstance(content, list) or not content:
        return False
    texts = [b.get("text") if isinstance(b, dict) and b.get("type") == "text" else None for b in content]
    return all(isinstance(t, str) and t and not t.strip() for t in texts)


def system_text_blocks(ctx: Context) -> None:
    system = ctx.body.get("system")
    if not isinstance(system, list):
        return
    for j, b in enumerate(system):
        if isinstance(b, dict) and b.get("type") == "text" and b.get("text") == "" and b.get("cache_control") is None:
            ctx.report("text_block_empty", "system", j)


def _final_text_tail(turn: Turn) -> Tuple[str, str]:
    """(path suffix, text) of the last text of the final assistant message, if it ends with text."""
    i = turn.indices[-1]
    m = turn.messages[-1]
    content = m.get("content")
    if isinstance(content, str):
        return f"{i}.content", content
    blocks = blocks_of(m)
    if blocks and isinstance(blocks[-1], dict) and blocks[-1].get("type") == "text":
        text = blocks[-1].get("text")
        if isinstance(text, str):
            return f"{i}.content.{len(blocks) - 1}.text", text
    return "", ""


def prefill(ctx: Context) -> None:
    """Final assistant message: unsupported prefill, trailing whitespace, prefill with structured output."""
    ts = turns(ctx)
    if not _final_assistant(ts):
        return
    turn = ts[-1]
    last = turn.messages[-1]
    i = turn.indices[-1]
    if all(_is_empty(m) for m in turn.messages):
        return  # an empty final assistant message is accepted
    blocks = blocks_of(last)
    if blocks and is_server_tool_block(blocks[-1]):
        return  # a paused server-tool turn sent back (pause_turn): exempt
    model = ctx.model
    if model is not None and model.prefill is False:
        ctx.report("prefill_not_supported", "messages", i, model=model.id)
        return
    suffix, text = _final_text_tail(turn)
    if suffix and text and text != text.rstrip():
        tail = text[len(text.rstrip()):]
        ctx.report("final_assistant_trailing_whitespace", "messages", i, tail=tail)
    output = ctx.body.get("output_config")
    if model is not None and model.prefill and isinstance(output, dict) and output.get("format") is not None:
        ctx.report("prefill_with_structured_output", "messages", i)


_PLATFORM_NAMES = {"bedrock": "Bedrock", "vertex": "Vertex", "foundry": "Foundry", "mantle": "Bedrock Mantle"}


def system_role(ctx: Context) -> None:
    """role 'system' inside messages, as the model's facts say for the platform (``mid_conversation_system_on``,
    data/models.json with its evidence): rejected -> the API's answer; accepted -> placement checks; unknown on
    this platform while the first-party API accepts it -> a warning; unknown -> silent (but at messages[0], which
    no model accepts)."""
    model = ctx.model
    ep = ctx.endpoint
    platform = _evidence.platform_of(ep.platform, ep.service, ep.host)
    note = f" on {_PLATFORM_NAMES[platform]}" if platform in _PLATFORM_NAMES else ""
    for i, m in ctx.iter_messages():
        if m.get("role") != "system":
            continue
        accepted = model.mid_conversation_system_on(platform) if model is not None else None
        if model is not None and accepted is False:
            ctx.report("role_system_unsupported_model", "messages", i, model=model.id, platform_note=note)
        elif accepted:
            _system_position(ctx, i, m)
        elif model is not None and platform != "anthropic" and model.mid_conversation_system:
            ctx.report("role_system_unsupported_model", "messages", i, severity="warning", model=model.id,
                       platform_note=f"{note} (not observed there; the first-party API accepts it)")
        elif i == 0:  # rejected on every model: unsupported, or not allowed at messages[0]
            ctx.report("role_system_position", "messages", i,
                       detail="a system message cannot open the conversation on any model; use the top-level "
                              "'system' parameter")


def _system_position(ctx: Context, i: int, m: Dict[str, Any]) -> None:
    if i == 0:
        ctx.report("role_system_position", "messages", i,
                   detail="use the top-level 'system' parameter for the initial system prompt")
    elif _is_empty(m):
        ctx.report("role_system_position", "messages", i, detail="system content must contain at least one block")


def version_2026_content(ctx: Context) -> None:
    """API version 2026-10-21: no document blocks in assistant turns, no citations on user text."""
    if ctx.api_version != "2026-10-21":
        return
    for parts, b, role in iter_blocks(ctx, nested=False):
        if role == "assistant" and b.get("type") == "document":
            ctx.report("document_in_assistant", *parts)
        if role == "user" and b.get("type") == "text" and b.get("citations"):
            # no API message on record: the text block's field at the API's tagged path (see in_block)
            ctx.report("citations_on_user_text", *in_block(parts, b, "citations"))


RULES: Tuple[Callable[[Context], None], ...] = (
    too_many,
    system_role,
    empty_content,
    text_blocks,
    system_text_blocks,
    prefill,
    version_2026_content,
)
