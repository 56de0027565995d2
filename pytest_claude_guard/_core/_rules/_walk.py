"""Walking a request body: messages, turns (consecutive same-role messages merged), blocks, tools."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from .._context import Context

__all__ = ["Turn", "turns", "blocks_of", "iter_blocks", "in_block", "tool_names", "thinking_type", "thinking_on",
           "nonempty"]

SERVER_TOOL_BLOCKS_SUFFIX = "_tool_result"

Parts = Tuple[Any, ...]


def in_block(where: Parts, block: Any, *field: Any) -> Parts:
    """The path parts the API prints for ``field`` inside the content block at ``where`` (``messages.3.content.0``):
    the block's type tag goes between the block's index and its fields, as the API's validation messages name them
    (``messages.3.content.0.tool_result.content.1.tool_reference.tool_name``: anthropics/claude-code#21492;
    ``messages.2.content.0.image.source.base64``: #19631; ``messages.65.content.1.tool_use.text``: #4378).  The
    block itself is named without its tag (``messages.48.content.1``: #13460), and so is a block with no string
    type.  ``system`` blocks are not tagged by the API (``system.1.cache_control.ttl``): do not pass them here."""
    if not field:
        return where
    kind = block.get("type") if isinstance(block, dict) else None
    return (*where, kind, *field) if isinstance(kind, str) and kind else (*where, *field)


def blocks_of(message: Dict[str, Any]) -> List[Any]:
    """A message's content as a list of blocks (a string is one text block)."""
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if isinstance(content, list):
        return content
    return []


def nonempty(message: Dict[str, Any]) -> bool:
    content = message.get("content")
    if isinstance(content, str):
        return content != ""
    if isinstance(content, list):
        return len(content) > 0
    return True  # wrong types are the shape rule's business


@dataclass
class Turn:
    """Consecutive messages of one role, merged as the API merges them."""

    role: str
    indices: List[int] = field(default_factory=list)
    messages: List[Dict[str, Any]] = field(default_factory=list)

    def blocks(self) -> Iterator[Tuple[int, int, Any]]:
        """(message index, block index, block) over the whole turn."""
        for i, m in zip(self.indices, self.messages):
            for j, b in enumerate(blocks_of(m)):
                yield i, j, b


def turns(ctx: Context) -> List[Turn]:
    """The request's turns (computed once per request; rules must not mutate them)."""
    cached = ctx.memo.get("turns")
    if cached is None:
        cached = ctx.memo["turns"] = _turns(ctx)
    return cached


def _turns(ctx: Context) -> List[Turn]:
    out: List[Turn] = []
    for i, m in ctx.iter_messages():
        role = m.get("role")
        if not isinstance(role, str):
            role = "?"
        if out and out[-1].role == role and role != "system":
            out[-1].indices.append(i)
            out[-1].messages.append(m)
        else:
            out.append(Turn(role, [i], [m]))
    return out


Located = Tuple[Parts, Dict[str, Any], str]


def iter_blocks(ctx: Context, *, nested: bool = True) -> List[Located]:
    """(path parts, block, role) for every dict block in messages, including tool_result content when nested (at the
    API's tagged path ``messages.N.content.M.tool_result.content.K``, see ``in_block``)."""
    key = "blocks_nested" if nested else "blocks"
    cached = ctx.memo.get(key)
    if cached is None:
        cached = ctx.memo[key] = list(_iter_blocks(ctx, nested))
    return cached


def _iter_blocks(ctx: Context, nested: bool) -> Iterator[Located]:
    for i, m in ctx.iter_messages():
        role = m.get("role") if isinstance(m.get("role"), str) else "?"
        content = m.get("content")
        if not isinstance(content, list):
            continue
        for j, b in enumerate(content):
            if not isinstance(b, dict):
                continue
            where = ("messages", i, "content", j)
            yield where, b, str(role)
            if nested and b.get("type") == "tool_result" and isinstance(b.get("content"), list):
                for k, inner in enumerate(b["content"]):
                    if isinstance(inner, dict):
                        yield in_block(where, b, "content", k), inner, str(role)


def tool_names(ctx: Context) -> List[Tuple[int, str]]:
    tools = ctx.body.get("tools")
    out: List[Tuple[int, str]] = []
    if isinstance(tools, list):
        for i, t in enumerate(tools):
            if isinstance(t, dict) and isinstance(t.get("name"), str):
                out.append((i, t["name"]))
    return out


def thinking_type(ctx: Context) -> Optional[str]:
    th = ctx.body.get("thinking")
    if isinstance(th, dict) and isinstance(th.get("type"), str):
        return str(th["type"])
    return None


def thinking_on(ctx: Context) -> Optional[bool]:
    """True/False when decidable; None when it depends on an unknown model's default."""
    kind = thinking_type(ctx)
    if kind in ("enabled", "adaptive", "between_tools"):
        return True
    if kind == "disabled":
        return False
    if ctx.body.get("thinking") is None:
        model = ctx.model
        return None if model is None else model.thinking_default_on
    return None


def is_server_tool_block(block: Any) -> bool:
    if not isinstance(block, dict):
        return False
    kind = block.get("type")
    return isinstance(kind, str) and (kind == "server_tool_use" or (kind.endswith(SERVER_TOOL_BLOCKS_SUFFIX) and kind != "tool_result"))
