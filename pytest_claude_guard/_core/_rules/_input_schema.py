"""Would the API take a custom tool's ``input_schema``?  (the detail of cause ``tool_input_schema_invalid``)

The API answers "JSON schema is invalid. It must match JSON Schema draft 2020-12" for a schema that the draft
2020-12 meta-schema rejects, and "input_schema does not support oneOf, allOf, or anyOf at the top level" for a
union at the root (``data/evidence.json``).  The meta-schema check asserts no ``format``: draft 2020-12 makes it an
annotation, and the API takes ``pattern`` regexes that Python's ``re`` cannot compile (Claude Code's Artifact tool
sends ``^(?!__.*__$)[^\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}...]{1,200}$`` on every request: BerriAI/litellm#40358; lookaround
is accepted too: tombii/better-ccflare#357), so compiling them here would be a false alarm.

jsonschema-rs says whether a schema passes the meta-schema (some 350 times faster than jsonschema, with
the same verdict on every ``input_schema`` of the dev corpus and the case files: ``tests/test_input_schema.py``);
jsonschema words the problem, only for a schema that has one, or judges alone where jsonschema-rs cannot be
imported, cannot read a value (a ``str`` subclass) or would recurse too deep (it crashes the process on a schema
nested some 100,000 levels, so a schema deeper than :data:`FAST_DEPTH` never reaches it).  Verdicts are cached
by the schema's canonical JSON, so a suite pays once per distinct schema.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Callable, Dict, Optional

from . import _shape_words as W

__all__ = ["problem", "preload", "FAST_DEPTH"]

UNION_ROOTS = ("oneOf", "allOf", "anyOf")
FAST_DEPTH = 256  # jsonschema-rs checks schemas nested at most this deep (it was seen fine at 3,000)

_checkers: Dict[str, Any] = {}


def problem(schema: Any) -> Optional[str]:
    """Why the API would call a (type-object) ``input_schema`` invalid; None when it is fine or the schema check owns
    the problem (missing, not an object, type not ``"object"``)."""
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return None
    for keyword in UNION_ROOTS:
        if keyword in schema:
            return W.detail("input_schema_union_root")
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return _meta_problem(key)


def preload() -> None:
    """Build both checkers and run each once (jsonschema reads the meta-schema's vocabularies on first use), so that
    checking an ``input_schema`` imports and reads nothing."""
    _build()
    _meta_problem(json.dumps({"type": "object"}, sort_keys=True))
    _meta_problem(json.dumps({"type": "object", "properties": {"a": {"type": "nope"}}}, sort_keys=True))


@lru_cache(maxsize=1024)
def _meta_problem(schema_json: str) -> Optional[str]:
    try:
        schema = json.loads(schema_json)
    except RecursionError:
        return W.detail("input_schema_too_deep")
    checkers = _build()
    fast: Optional[Callable[[Any], bool]] = checkers["fast"]
    if fast is not None and _depth_within(schema, FAST_DEPTH):
        try:
            if fast(schema):
                return None
        except Exception:  # noqa: BLE001 - a value jsonschema-rs cannot read: jsonschema judges it
            pass
    try:
        error = next(iter(checkers["slow"].iter_errors(schema)), None)
    except RecursionError:
        return W.detail("input_schema_too_deep")
    if error is None:
        return None
    exc = checkers["schema_error"].create_from(error)
    where = ".".join(str(p) for p in exc.absolute_path)
    text = exc.message if len(exc.message) <= 160 else exc.message[:157] + "..."
    return W.detail("input_schema_not_draft_2020_12", where=where + ": " if where else "", text=text)


def _build() -> Dict[str, Any]:
    """The two checkers over the draft 2020-12 meta-schema, neither asserting ``format`` (built once, at preload)."""
    if not _checkers:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        slow = Draft202012Validator(Draft202012Validator.META_SCHEMA)  # no format_checker: formats are annotations
        try:
            import jsonschema_rs

            fast: Optional[Callable[[Any], bool]] = jsonschema_rs.Draft202012Validator(
                Draft202012Validator.META_SCHEMA, validate_formats=False).is_valid
        except Exception:  # noqa: BLE001 - no wheel for this platform (or an older API): jsonschema alone, slower
            fast = None
        _checkers.update(slow=slow, fast=fast, schema_error=SchemaError)
    return _checkers


def _depth_within(node: Any, limit: int) -> bool:
    """True when ``node`` (parsed JSON) nests containers at most ``limit`` deep; iterative, so any depth is safe."""
    stack = [(node, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))
    return True
