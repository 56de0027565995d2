"""Rules: prompt-caching breakpoints (count, TTL order, empty text)."""
from __future__ import annotations

from typing import Any, Callable, Iterator, List, Tuple

from .._context import Context
from ._walk import iter_blocks

MAX_BREAKPOINTS = 4


def _markers(ctx: Context) -> Iterator[Tuple[Tuple[Any, ...], Any]]:
    """(path parts, cache_control) in processing order: tools, system, messages."""
    tools = ctx.body.get("tools")
    if isinstance(tools, list):
        for i, t in enumerate(tools):
            if isinstance(t, dict) and isinstance(t.get("cache_control"), dict):
                yield ("tools", i), t["cache_control"]
    system = ctx.body.get("system")
    if isinstance(system, list):
        for i, b in enumerate(system):
            if isinstance(b, dict) and isinstance(b.get("cache_control"), dict):
                yield ("system", i), b["cache_control"]
    for parts, b, _ in iter_blocks(ctx):
        if isinstance(b.get("cache_control"), dict):
            yield parts, b["cache_control"]


def breakpoints(ctx: Context) -> None:
    found: List[Tuple[Any, ...]] = [p for p, _ in _markers(ctx)]
    if isinstance(ctx.body.get("cache_control"), dict):
        found.append(("cache_control",))
    if len(found) > MAX_BREAKPOINTS:
        paths = ", ".join(ctx.path(*p) for p in found)
        ctx.report("cache_breakpoints_exceeded", "", count=len(found), paths=paths)


def ttl_order(ctx: Context) -> None:
    first_5m = None
    for parts, cc in _markers(ctx):
        ttl = cc.get("ttl", "5m")
        if ttl == "5m" and first_5m is None:
            first_5m = parts
        elif ttl == "1h" and first_5m is not None:
            # the API names the ttl field, untagged, after a system or message block: "system.1.cache_control.ttl"
            # (kristianvast/hermes-claude-auth#31), "messages.0.content.4.cache_control.ttl"
            # (cnighswonger/claude-code-cache-fix#44); a tool's is not on record and follows them
            ctx.report("cache_ttl_order", *parts, "cache_control", "ttl", earlier=ctx.path(*first_5m))
            return


def empty_text(ctx: Context) -> None:
    candidates: List[Tuple[Tuple[Any, ...], Any]] = []
    system = ctx.body.get("system")
    if isinstance(system, list):
        candidates.extend((("system", i), b) for i, b in enumerate(system))
    candidates.extend((parts, b) for parts, b, _ in iter_blocks(ctx))
    for parts, b in candidates:
        if isinstance(b, dict) and b.get("type") == "text" and b.get("text") == "" and b.get("cache_control") is not None:
            # "messages.29.content.0.text: cache_control cannot be set for empty text blocks" (NousResearch/hermes-agent#1216)
            ctx.report("cache_control_on_empty_text", *parts, "text")


RULES: Tuple[Callable[[Context], None], ...] = (breakpoints, ttl_order, empty_text)
