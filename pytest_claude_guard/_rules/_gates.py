"""Which rules can fire on a request: one walk over the body notes the block types, roles and cache markers it
holds, and a rule whose trigger is absent is not run.

A gate only skips a rule that would have returned without a finding (each rule below reads nothing but blocks of
the named types, or cache markers, or assistant messages), so the gated engine answers exactly what the ungated one
does: ``tests/test_gates.py`` runs every case both ways, and fails on a gate naming a rule that no longer exists.
The walk is bounded: a body nested deeper than :data:`MAX_DEPTH` (or holding a block type that is not a string)
opens every gate.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple

from .._context import Context

__all__ = ["Features", "features", "GATES", "gated", "rule_name"]

MAX_DEPTH = 16


@dataclass(frozen=True)
class Features:
    """What a request body holds, anywhere a rule looks: message blocks, nested contents, system, tools."""

    types: FrozenSet[str]  # every block ``type`` (a string message content counts as "text")
    roles: FrozenSet[str]  # every message role that is a string
    cache_control: bool  # a ``cache_control`` key on any block or tool, or at the top level
    complete: bool = True  # False: the walk gave up (too deep): every gate opens


_EVERYTHING = Features(frozenset(), frozenset(), True, complete=False)


class _TooDeep(Exception):
    pass


def features(ctx: Context) -> Features:
    """The request's features, computed once per context."""
    found = ctx.memo.get("features")
    if found is None:
        found = ctx.memo["features"] = _walk(ctx.body)
    return found


def _walk(body: Dict[str, Any]) -> Features:
    types: Set[str] = set()
    roles: Set[str] = set()
    marks: List[bool] = ["cache_control" in body]

    def blocks(items: List[Any], depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _TooDeep
        for block in items:
            if isinstance(block, dict):
                one(block, depth)

    def one(block: Dict[str, Any], depth: int) -> None:
        kind = block.get("type")
        if isinstance(kind, str):
            types.add(kind)
        elif kind is not None:
            raise _TooDeep  # an odd block: judge it with every rule
        if "cache_control" in block:
            marks[0] = True
        for key in ("content", "source"):
            inner = block.get(key)
            if isinstance(inner, list):
                blocks(inner, depth + 1)
            elif isinstance(inner, dict):
                if depth + 1 > MAX_DEPTH:
                    raise _TooDeep
                one(inner, depth + 1)

    try:
        system = body.get("system")
        if isinstance(system, list):
            blocks(system, 0)
        elif isinstance(system, str):
            types.add("text")
        tools = body.get("tools")
        if isinstance(tools, list):
            for tool in tools:
                if isinstance(tool, dict) and "cache_control" in tool:
                    marks[0] = True
        messages = body.get("messages")
        if isinstance(messages, list):
            for message in messages:
                if not isinstance(message, dict):
                    continue
                role = message.get("role")
                if isinstance(role, str):
                    roles.add(role)
                content = message.get("content")
                if isinstance(content, str):
                    types.add("text")
                elif isinstance(content, list):
                    blocks(content, 0)
    except (_TooDeep, RecursionError):
        return _EVERYTHING
    return Features(frozenset(types), frozenset(roles), marks[0])


Gate = Callable[[Features], bool]

_TOOL_USE = frozenset({"tool_use", "tool_result"})
_USE_IDS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})


def _server_results(f: Features) -> bool:
    return any(t.endswith("_tool_result") and t != "tool_result" for t in f.types)


# rule ("module.function") -> when it can find anything; a rule not listed always runs
GATES: Dict[str, Gate] = {
    "tools.pairing": lambda f: bool(f.types & _TOOL_USE),
    "tools.duplicate_ids": lambda f: bool(f.types & _USE_IDS),
    "tools.server_tool_results": _server_results,
    "tools.tool_references": lambda f: "tool_reference" in f.types,
    "caching.breakpoints": lambda f: f.cache_control,
    "caching.ttl_order": lambda f: f.cache_control,
    "caching.empty_text": lambda f: f.cache_control,
    "output.citations": lambda f: "document" in f.types,
    "media.image_bytes": lambda f: "image" in f.types,
    "media.image_dimensions": lambda f: "image" in f.types,
    "media.image_count": lambda f: "image" in f.types or "document" in f.types,
    "media.pdfs": lambda f: "document" in f.types,
    "thinking.assistant_blocks": lambda f: "assistant" in f.roles,
}


def rule_name(rule: Callable[..., Any]) -> str:
    return f"{getattr(rule, '__module__', '').rpartition('.')[2]}.{getattr(rule, '__name__', '')}"


def gated(rules: Tuple[Callable[[Context], None], ...]) -> Tuple[Tuple[Callable[[Context], None], Optional[Gate]], ...]:
    """The rules, each with its gate (None: always runs)."""
    return tuple((rule, GATES.get(rule_name(rule))) for rule in rules)
