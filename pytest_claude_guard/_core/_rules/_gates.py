"""Which rules can fire on a request: one walk over the body notes the block types, roles and cache markers it
holds, and a rule whose trigger is absent is not run.

A gate only skips a rule that would have returned without a finding (each rule below reads nothing but blocks of
the named types, or cache markers, or assistant messages), so the gated engine answers exactly what the ungated one
does: ``tests/test_gates.py`` runs every case both ways, and fails on a gate naming a rule that no longer exists.
The walk is bounded: a body nested deeper than :data:`MAX_DEPTH` (or holding a block type that is not a string)
opens every gate.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, List, NamedTuple, Optional, Set, Tuple

from .._context import Context

__all__ = ["Features", "features", "may_hold", "GATES", "GATING", "gated", "rule_name", "Planner"]

MAX_DEPTH = 16
# rules (and the shape rule's file-source scan) skipped where the body lacks their trigger; False runs every rule
# and every scan (tests compare both)
GATING = True


class Features(NamedTuple):
    """What a request body holds, anywhere a rule looks: message blocks, nested contents, system, tools (a tuple:
    it keys the plan cache, hashed and compared in C)."""

    types: FrozenSet[str]  # every block ``type`` (a string message content counts as "text")
    roles: FrozenSet[str]  # every message role that is a string
    cache_control: bool  # a ``cache_control`` key on any block or tool, or at the top level
    complete: bool = True  # False: the walk gave up (too deep): every gate opens
    keys: FrozenSet[str] = frozenset()  # the body's top-level keys
    empty: bool = False  # a message whose content is "" or []
    small: bool = False  # the body as received is at most SMALL bytes (or characters): no size limit is near
    blank: bool = False  # a message's string content, or a text block's text, that is empty or whitespace only
    citations: bool = False  # a block with a ``citations`` key


# a body this small holds under 100,000 characters of text (at most 400,000 UTF-8 bytes, ~17,000 tokens by the
# media rules' estimate): below every size limit and every context window
SMALL = 100_000


_EVERYTHING = Features(frozenset(), frozenset(), True, complete=False)


class _TooDeep(Exception):
    pass


def features(ctx: Context) -> Features:
    """The request's features, computed once per context."""
    found = ctx.memo.get("features")
    if found is None:
        raw_len = ctx.raw_len
        found = ctx.memo["features"] = _walk(ctx.body, raw_len is not None and raw_len <= SMALL)
    return found


class _Walk:
    """One walk's findings (a plain object: the recursion below reads and writes it, no closures to build)."""

    __slots__ = ("types", "marks", "blank", "citations")

    def __init__(self, types: Set[str]) -> None:
        self.types = types  # shared with the caller's set
        self.marks = False
        self.blank = False
        self.citations = False


def _blocks(walk: _Walk, items: List[Any], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise _TooDeep
    for block in items:
        if isinstance(block, dict):
            _one(walk, block, depth)


def _one(walk: _Walk, block: Dict[str, Any], depth: int) -> None:
    kind = block.get("type")
    if isinstance(kind, str):
        walk.types.add(kind)
        if kind == "text":
            text = block.get("text")
            if isinstance(text, str) and (not text or text.isspace()):
                walk.blank = True
    elif kind is not None:
        raise _TooDeep  # an odd block: judge it with every rule
    if "cache_control" in block:
        walk.marks = True
    if "citations" in block:
        walk.citations = True
    for key in ("content", "source"):
        inner = block.get(key)
        if isinstance(inner, list):
            _blocks(walk, inner, depth + 1)
        elif isinstance(inner, dict):
            if depth + 1 > MAX_DEPTH:
                raise _TooDeep
            _one(walk, inner, depth + 1)


def _walk(body: Dict[str, Any], small: bool = False) -> Features:
    types: Set[str] = set()
    roles: Set[str] = set()
    walk: Optional[_Walk] = None  # made when a list of blocks is met (a plain string content needs none)
    empty = blank = False
    try:
        system = body.get("system")
        if isinstance(system, str):
            types.add("text")
        elif isinstance(system, list):
            walk = _Walk(types)
            _blocks(walk, system, 0)
        tools = body.get("tools")
        if isinstance(tools, list):
            for tool in tools:
                if isinstance(tool, dict) and "cache_control" in tool:
                    walk = walk or _Walk(types)
                    walk.marks = True
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
                    if not content or content.isspace():
                        empty = empty or not content
                        blank = True
                elif isinstance(content, list):
                    empty = empty or not content
                    walk = walk or _Walk(types)
                    _blocks(walk, content, 0)
    except (_TooDeep, RecursionError):
        return _EVERYTHING
    marks, citations = "cache_control" in body, False
    if walk is not None:
        marks, blank, citations = marks or walk.marks, blank or walk.blank, walk.citations
    return Features(frozenset(types), frozenset(roles), marks, True, frozenset(body), empty, small, blank, citations)


def may_hold(ctx: Context, types: FrozenSet[str]) -> bool:
    """Whether the body may hold blocks of these types (True when gating is off or the walk gave up)."""
    if not GATING:
        return True
    found = features(ctx)
    return not found.complete or bool(found.types & types)


Gate = Callable[[Features], bool]

_TOOL_USE = frozenset({"tool_use", "tool_result"})
_USE_IDS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})


def _server_results(f: Features) -> bool:
    return any(t.endswith("_tool_result") and t != "tool_result" for t in f.types)


def _key(*names: str) -> Gate:
    """The rule reads nothing but these top-level parameters: absent, it returns at once."""
    wanted = frozenset(names)
    return lambda f: bool(f.keys & wanted)


_SAMPLING = _key("temperature", "top_p", "top_k")
_THINKING_BLOCKS = frozenset({"thinking", "redacted_thinking"})


def _final_turn(f: Features) -> bool:
    """Thinking blocks in a final assistant turn, or thinking on with a tool result answered."""
    return bool(f.types & _THINKING_BLOCKS) or ("thinking" in f.keys and "tool_result" in f.types)


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
    "media.request_size": lambda f: not f.small,
    "media.text_bytes": lambda f: not f.small,
    "media.prompt_length": lambda f: not f.small or "image" in f.types or "document" in f.types,
    "thinking.assistant_blocks": lambda f: "assistant" in f.roles,
    "messages.system_role": lambda f: "system" in f.roles,
    "messages.prefill": lambda f: "assistant" in f.roles,
    "messages.empty_content": lambda f: f.empty,
    "messages.text_blocks": lambda f: f.blank,
    "messages.version_2026_content": lambda f: "document" in f.types or f.citations,
    "messages.system_text_blocks": _key("system"),
    "system.system_whitespace_blocks": _key("system"),
    "thinking.type_supported": _key("thinking"),
    "thinking.budget": _key("thinking"),
    "thinking.disabled_with_effort": _key("thinking"),
    "thinking.final_turn": _final_turn,
    "tools.duplicate_tool_names": _key("tools"),
    "tools.tool_choice": _key("tool_choice"),
    "tools.container": _key("container"),
    "tools.server_tool_versions": _key("tools"),
    "sampling.removed_2026": _SAMPLING,
    "sampling.minus_one": _SAMPLING,
    "sampling.legacy_rules": _SAMPLING,
    "output.effort": _key("output_config"),
    "output.structured_output": _key("output_config", "output_format"),
    "output.stop_sequences": _key("stop_sequences"),
    "output.inference_geo": _key("inference_geo"),
}


def rule_name(rule: Callable[..., Any]) -> str:
    return f"{getattr(rule, '__module__', '').rpartition('.')[2]}.{getattr(rule, '__name__', '')}"


Rule = Callable[[Context], None]


def gated(rules: Tuple[Rule, ...]) -> Tuple[Tuple[Rule, Optional[Gate]], ...]:
    """The rules, each with its gate (None: always runs)."""
    return tuple((rule, GATES.get(rule_name(rule))) for rule in rules)


class Planner:
    """The rules to run for a request's features, worked out once per distinct set of features (a suite sends a
    handful of request shapes): one dictionary lookup per request instead of a gate call per rule."""

    MAX_PLANS = 512

    def __init__(self, rules: Tuple[Rule, ...]) -> None:
        self.rules = rules
        self._gated = gated(rules)
        self._plans: Dict[Features, Tuple[Rule, ...]] = {}

    def plan(self, present: Features) -> Tuple[Rule, ...]:
        found = self._plans.get(present)
        if found is None:
            if not present.complete:
                return self.rules
            found = tuple(rule for rule, gate in self._gated if gate is None or gate(present))
            if len(self._plans) < self.MAX_PLANS:
                self._plans[present] = found
        return found
