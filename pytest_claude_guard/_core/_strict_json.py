"""Parse a request body as the API's strict JSON parser would, and say where Python's ``json`` is laxer.

Python's ``json`` accepts three things the Messages API's parser does not treat the same way:

* a lone UTF-16 surrogate escape (``"\\ud800"`` without its pair).  The API answers 400
  invalid_request_error "The request body is not valid JSON: no low surrogate in string: line 1 column
  195621 (char 195620)" for a lone high surrogate (anthropics/claude-code#60394, #1939, #6508, #8165) and
  "...: invalid high surrogate in string: ..." for a lone low one (anthropics/claude-code#9586): an error.
* ``NaN``, ``Infinity`` and ``-Infinity``, which are not JSON (RFC 8259).  The API's parse errors above and
  "unexpected character: line 8 column 316 (char 466)" (promptfoo/promptfoo#4489) are the messages of a strict
  yyjson/orjson-style parser, which refuses them; no recorded answer to a NaN itself was found: a warning.
* a key repeated in one object.  Python keeps the last copy; which copy the API keeps is not documented and no
  recorded answer was found: a warning naming the key.

Pure: no I/O.  `loads` never raises anything but ``ValueError``/``RecursionError`` (as ``json.loads``).
"""
from __future__ import annotations

import json
import re
import threading
from typing import Any, Dict, List, Optional, Set, Tuple

__all__ = ["Strictness", "loads", "inspect_value", "lone_surrogate"]

# what may be a \uXXXX escape of a surrogate (or a backslash before "ud800" text: the parsed value decides)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_ANY_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE = re.compile("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")
_MAX_NOTED = 5


class Strictness:
    """What a strict parser would refuse or may read differently (one per parse: a plain class, cheap to make)."""

    __slots__ = ("surrogate", "nonfinite", "duplicates")

    def __init__(self) -> None:
        self.surrogate: Optional[str] = None  # "a lone high surrogate \\ud800 in a string at models" ...
        self.nonfinite: Set[str] = set()  # of "NaN", "Infinity", "-Infinity"
        self.duplicates: List[str] = []  # repeated keys, in order of discovery

    def warnings(self) -> List[str]:
        out = []
        if self.nonfinite:
            names = ", ".join(sorted(self.nonfinite))
            out.append(f"it holds {names}, which JSON does not allow (Python's json reads it; the API's strict "
                       "parser does not)")
        if self.duplicates:
            keys = ", ".join(repr(k) for k in list(dict.fromkeys(self.duplicates))[:_MAX_NOTED])
            out.append(f"an object repeats the key {keys}: Python keeps the last copy, and which copy the API "
                       "keeps is unknown; send each key once")
        return out


def lone_surrogate(text: str) -> Optional[str]:
    """A description of the first lone surrogate in ``text`` (escaped for display), or None."""
    m = _LONE.search(text) if _ANY_SURROGATE.search(text) else None  # the plain class first: fast
    if m is None:
        return None
    kind = "high" if "\ud800" <= m.group(0) <= "\udbff" else "low"
    return f"a lone {kind} surrogate {ascii(m.group(0))[1:-1]}"


def _nonfinite_name(value: float) -> Optional[str]:
    if value != value:
        return "NaN"
    if value in (_INF, -_INF):
        return "Infinity" if value > 0 else "-Infinity"
    return None


_INF = float("inf")


def inspect_value(value: Any) -> Strictness:
    """What a strict parser would refuse in a value given already parsed: lone surrogates in its strings and
    keys, NaN and infinities.  Iterative, and a container met twice (a value holding itself) is walked once."""
    notes = Strictness()
    stack: List[Any] = [value]
    seen: Set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if notes.surrogate is None and not item.isascii():
                notes.surrogate = lone_surrogate(item)
        elif isinstance(item, float):
            name = _nonfinite_name(item)
            if name is not None:
                notes.nonfinite.add(name)
        elif isinstance(item, (dict, list, tuple)):
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            else:
                stack.extend(item)
    return notes


class _Hooks(threading.local):
    """The notes of the parse running on this thread (a parse never awaits, so tasks cannot interleave)."""

    notes: Optional[Strictness] = None


_HOOKS = _Hooks()


def _constant(name: str) -> float:
    notes = _HOOKS.notes
    if notes is not None:
        notes.nonfinite.add(name)
    return float(name)


def _pairs(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        notes = _HOOKS.notes
        if notes is not None and len(notes.duplicates) < _MAX_NOTED:
            seen = set()
            for key, _ in pairs:
                if key in seen:
                    notes.duplicates.append(key)
                seen.add(key)
    return obj


# one decoder for every parse (building one per call costs as much as parsing a small body), its scanner called
# directly: what JSONDecoder.decode does, with the same errors, less two Python frames per body
_DECODER = json.JSONDecoder(parse_constant=_constant, object_pairs_hook=_pairs)
_SCAN = _DECODER.scan_once  # type: ignore[attr-defined]
_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _decode(text: str) -> Any:
    # a body that starts with "{" and ends at its value (every SDK's) skips the whitespace scans
    idx = 0 if text[:1] == "{" else _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    try:
        value, end = _SCAN(text, idx)
    except StopIteration as err:
        raise json.JSONDecodeError("Expecting value", text, err.value) from None
    if end != len(text):
        end = _WHITESPACE.match(text, end).end()  # type: ignore[union-attr]
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    return value


def loads(text: str) -> Tuple[Any, Strictness]:
    """``json.loads`` that also reports what a strict parser refuses (lone surrogates, NaN) or may read
    differently (repeated keys).  Raises what ``json.loads`` raises."""
    notes = Strictness()
    outer, _HOOKS.notes = _HOOKS.notes, notes
    try:
        value = _decode(text)
    finally:
        _HOOKS.notes = outer
    # surrogates come as escapes, or as raw characters in a str body; only the parsed strings tell a pair
    # from a lone half, so they are walked only when the text may hold one (plain scans, no lookaround)
    if ("\\u" in text and _SURROGATE_ESCAPE.search(text)) or (not text.isascii() and _ANY_SURROGATE.search(text)):
        notes.surrogate = inspect_value(value).surrogate
    return value, notes
