"""Generate ``schemas/*.json`` (JSON Schema draft 2020-12) from the installed anthropic SDK's request TypedDicts.

Run: ``python scripts/gen_schemas.py [--spec PATH] [--check]``.

* Key sets, types and unions come from the SDK (``typing.get_type_hints(..., include_extras=True)``); every
  TypedDict becomes a ``$defs`` entry keyed by its class name, closed with ``additionalProperties: false``
  unless the SDK marks it ``extra: allow`` (tool ``input_schema``) or it is a free-form ``Dict[str, object]``.
* Unions of TypedDicts that share a literal ``type`` (or ``role``) key become ``anyOf`` plus an
  ``x-discriminator`` (``propertyName``, ``mapping`` tag -> ``#/$defs/Name``, optional ``default`` for the
  branch whose tag may be absent); each branch records its API tag as ``x-tag``.
* Numeric and pattern limits are read from the official OpenAPI spec (``--spec``; default
  ``../shared/reference/anthropic-openapi-2026-08.json`` next to the repository) at the JSON pointers listed in
  ``SPEC_LIMITS``; nothing is retyped here.  Each tightened node names its source in ``x-spec``.

The output is deterministic (sorted keys); ``tests/test_schemas.py`` regenerates it in memory and fails when
the installed SDK drifts from the committed files.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import types
import typing
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import typing_extensions

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "schemas"
DEFAULT_SPEC = ROOT.parent / "shared" / "reference" / "anthropic-openapi-2026-08.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

Json = Dict[str, Any]

SAMPLING_KEYS = ("temperature", "top_k", "top_p")
# endpoint file -> (module, root TypedDict); keys the SDK sends as headers; union tags: one definition, shared with
# the engine's reader of the installed SDK's types
from pytest_claude_guard._core._sdk_fields import DISCRIMINATOR_KEYS, ENDPOINTS, HEADER_KEYS  # noqa: E402
# The spec models these as one-branch discriminated unions, so the API puts their tag in error paths
# (``system.1.cache_control.ephemeral.scope``) although the SDK types them as a plain TypedDict.
ONE_BRANCH_UNIONS = ("CacheControlEphemeralParam", "BetaCacheControlEphemeralParam")

# (SDK TypedDict name, property, spec pointer, keywords).  A name also applies to its "Beta" twin.
# "$root" is the endpoint's body.  Pointers are relative to components/schemas.
SPEC_LIMITS: Tuple[Tuple[str, str, str, Tuple[str, ...]], ...] = (
    ("$messages", "max_tokens", "CreateMessageParams/properties/max_tokens", ("minimum",)),
    ("MetadataParam", "user_id", "Metadata/properties/user_id/anyOf/0", ("maxLength",)),
    ("ThinkingConfigEnabledParam", "budget_tokens", "ThinkingConfigEnabled/properties/budget_tokens", ("minimum",)),
    ("ToolParam", "name", "Tool/properties/name", ("pattern",)),
    ("ToolUseBlockParam", "name", "RequestToolUseBlock/properties/name", ("minLength", "maxLength")),
    ("ToolUseBlockParam", "id", "RequestToolUseBlock/properties/id", ("pattern",)),
    ("ToolResultBlockParam", "tool_use_id", "RequestToolResultBlock/properties/tool_use_id", ("pattern",)),
    ("ServerToolUseBlockParam", "id", "RequestServerToolUseBlock/properties/id", ("pattern",)),
    ("WebSearchToolResultBlockParam", "tool_use_id", "RequestWebSearchToolResultBlock/properties/tool_use_id",
     ("pattern",)),
    ("WebFetchToolResultBlockParam", "tool_use_id", "RequestWebFetchToolResultBlock/properties/tool_use_id",
     ("pattern",)),
    ("CodeExecutionToolResultBlockParam", "tool_use_id",
     "RequestCodeExecutionToolResultBlock/properties/tool_use_id", ("pattern",)),
    ("BashCodeExecutionToolResultBlockParam", "tool_use_id",
     "RequestBashCodeExecutionToolResultBlock/properties/tool_use_id", ("pattern",)),
    ("TextEditorCodeExecutionToolResultBlockParam", "tool_use_id",
     "RequestTextEditorCodeExecutionToolResultBlock/properties/tool_use_id", ("pattern",)),
    ("ToolSearchToolResultBlockParam", "tool_use_id", "RequestToolSearchToolResultBlock/properties/tool_use_id",
     ("pattern",)),
    ("DocumentBlockParam", "title", "RequestDocumentBlock/properties/title/anyOf/0", ("minLength", "maxLength")),
    ("DocumentBlockParam", "context", "RequestDocumentBlock/properties/context/anyOf/0", ("minLength",)),
    ("ContainerParams", "skills", "ContainerParams/properties/skills/anyOf/0", ("maxItems",)),
    ("SkillParams", "skill_id", "SkillParams/properties/skill_id", ("minLength", "maxLength")),
    ("SkillParams", "version", "SkillParams/properties/version", ("minLength", "maxLength")),
    ("WebSearchTool20250305Param", "max_uses", "WebSearchTool_20250305/properties/max_uses/anyOf/0",
     ("exclusiveMinimum",)),
    ("WebSearchTool20260209Param", "max_uses", "WebSearchTool_20260209/properties/max_uses/anyOf/0",
     ("exclusiveMinimum",)),
    ("WebSearchTool20260318Param", "max_uses", "WebSearchTool_20260318/properties/max_uses/anyOf/0",
     ("exclusiveMinimum",)),
    ("UserLocationParam", "country", "UserLocation/properties/country/anyOf/0", ("minLength", "maxLength")),
    ("WebFetchTool20250910Param", "max_content_tokens",
     "WebFetchTool_20250910/properties/max_content_tokens/anyOf/0", ("exclusiveMinimum",)),
    ("WebFetchTool20260209Param", "max_content_tokens",
     "WebFetchTool_20260209/properties/max_content_tokens/anyOf/0", ("exclusiveMinimum",)),
    ("WebFetchTool20260309Param", "max_content_tokens",
     "WebFetchTool_20260309/properties/max_content_tokens/anyOf/0", ("exclusiveMinimum",)),
    ("WebFetchTool20260318Param", "max_content_tokens",
     "WebFetchTool_20260318/properties/max_content_tokens/anyOf/0", ("exclusiveMinimum",)),
    ("CacheControlEphemeralParam", "ttl", "CacheControlEphemeral/properties/ttl", ("enum",)),
    ("$batches", "requests", "CreateMessageBatchParams/properties/requests", ("minItems", "maxItems")),
    ("Request", "custom_id", "MessageBatchIndividualRequestParams/properties/custom_id", ("pattern",)),
    ("ToolReferenceBlockParam", "tool_name", "RequestToolReferenceBlock/properties/tool_name", ("minLength",)),
)


# Limits the recorded API enforces where the August 2026 spec says otherwise ("the recording wins",
# api-rules.md §0.6).  Each names its evidence; keep this list short.
OBSERVED_LIMITS: Tuple[Tuple[str, str, Json], ...] = (
    ("ToolReferenceBlockParam", "tool_name", {
        "maxLength": 64,
        "x-evidence": "recorded 400: '...tool_reference.tool_name: String should have at most 64 characters' "
                      "(the spec's 256 is not what the API enforces)",
    }),
)


class GenerationError(Exception):
    """The SDK uses a type this generator does not understand: extend ``Walker._convert``."""


def _origin(tp: Any) -> Any:
    return typing_extensions.get_origin(tp)


def _args(tp: Any) -> Tuple[Any, ...]:
    return typing_extensions.get_args(tp)


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and typing_extensions.is_typeddict(tp)


def _strip(tp: Any) -> Any:
    """Remove Required/NotRequired/Annotated wrappers."""
    while True:
        origin = _origin(tp)
        if origin in (typing_extensions.Required, typing_extensions.NotRequired, typing.Required,
                      typing.NotRequired):
            tp = _args(tp)[0]
        elif origin is typing_extensions.Annotated or origin is getattr(typing, "Annotated", None):
            tp = _args(tp)[0]
        else:
            return tp


def _is_union(tp: Any) -> bool:
    return _origin(tp) in (typing.Union, types.UnionType)


def _literal_values(tp: Any) -> Optional[Tuple[Any, ...]]:
    """Values of a Literal (through Optional); None when ``tp`` is not a literal type."""
    tp = _strip(tp)
    if _origin(tp) in (typing.Literal, typing_extensions.Literal):
        return tuple(_args(tp))
    if _is_union(tp):
        values: List[Any] = []
        for arg in _args(tp):
            if arg is type(None):
                continue
            inner = _literal_values(arg)
            if inner is None:
                return None
            values.extend(inner)
        return tuple(values)
    return None


def _allows_extra(cls: type) -> bool:
    config = getattr(cls, "__pydantic_config__", None) or {}
    return bool(config.get("extra") == "allow")


def _is_json_type(tp: Any) -> bool:
    """False for the SDK's file-upload alternatives (IO, PathLike) that never reach the wire as JSON."""
    tp = _strip(tp)
    if tp in (str, int, float, bool, object, type(None)):
        return True
    if isinstance(tp, type) and hasattr(tp, "model_fields"):
        return False  # a response model the SDK also accepts; its wire shape is the param TypedDict's
    origin = _origin(tp) or tp
    name = getattr(origin, "__name__", "") or str(origin)
    return name not in ("IO", "PathLike", "BinaryIO", "IOBase", "bytes", "Path")


class Walker:
    """Turns SDK types into JSON Schema nodes, collecting TypedDicts into ``defs``."""

    def __init__(self) -> None:
        self.defs: Dict[str, Json] = {}
        self.names: Dict[type, str] = {}
        self.hints: Dict[type, Dict[str, Any]] = {}

    # --- TypedDicts ---------------------------------------------------------------------------------------
    def def_name(self, cls: type) -> str:
        known = self.names.get(cls)
        if known is not None:
            return known
        name = cls.__name__
        taken = {n for c, n in self.names.items() if c is not cls}
        if name in taken:
            module = cls.__module__.rsplit(".", 1)[-1]
            name = "".join(part.title() for part in module.split("_")) + name
        self.names[cls] = name
        return name

    def type_hints(self, cls: type) -> Dict[str, Any]:
        if cls not in self.hints:
            self.hints[cls] = typing.get_type_hints(cls, include_extras=True)
        return self.hints[cls]

    def ref(self, cls: type) -> Json:
        name = self.def_name(cls)
        if name not in self.defs:
            self.defs[name] = {}  # placeholder: recursion stops here
            self.defs[name] = self.object_schema(cls)
        return {"$ref": f"#/$defs/{name}"}

    def object_schema(self, cls: type, *, skip: Iterable[str] = ()) -> Json:
        hints = self.type_hints(cls)
        required = sorted(k for k in _required_keys(cls, hints) if k not in skip)
        props = {key: self.convert(tp) for key, tp in hints.items() if key not in skip}
        node: Json = {"type": "object", "properties": props}
        if required:
            node["required"] = required
        if not _allows_extra(cls):
            node["additionalProperties"] = False
        return node

    def tag_of(self, cls: type) -> Optional[str]:
        """The API's name for a ``type``-discriminated branch (it appears in error paths)."""
        values = [v for v in _literal_values(self.type_hints(cls).get("type", type(None))) or () if v is not None]
        return str(values[0]) if len(values) == 1 and isinstance(values[0], str) else None

    # --- unions ---------------------------------------------------------------------------------------------
    def discriminated(self, members: List[type]) -> Optional[Json]:
        for key in DISCRIMINATOR_KEYS:
            mapping: Dict[str, str] = {}
            default: Optional[str] = None
            ok = True
            for cls in members:
                hints = self.type_hints(cls)
                if key not in hints:
                    ok = False
                    break
                values = _literal_values(hints[key])
                if not values:
                    ok = False
                    break
                ref = f"#/$defs/{self.def_name(cls)}"
                optional = key not in _required_keys(cls, hints) or None in values
                if optional:
                    if default is not None:
                        ok = False
                        break
                    default = ref
                for value in values:
                    if value is None:
                        continue
                    if not isinstance(value, str) or value in mapping:
                        ok = False
                        break
                    mapping[value] = ref
                if not ok:
                    break
            if ok and mapping:
                disc: Json = {"propertyName": key, "mapping": dict(sorted(mapping.items()))}
                if default is not None:
                    disc["default"] = default
                refs = [self.ref(cls) for cls in members]
                if key == "type":
                    for cls in members:
                        tag = self.tag_of(cls)
                        if tag is not None:
                            self.defs[self.def_name(cls)]["x-tag"] = tag
                return {"anyOf": refs, "x-discriminator": disc}
        return None

    def union(self, args: Tuple[Any, ...]) -> Json:
        members = [a for a in _flatten(args) if _is_json_type(a)]
        nullable = any(_strip(a) is type(None) for a in members)
        members = [a for a in members if _strip(a) is not type(None)]
        tds = [_strip(a) for a in members if _is_typeddict(_strip(a))]
        # InputSchema = Union[InputSchemaTyped (extra allowed), Dict[str, object]]: the TypedDict is the shape
        if any(_allows_extra(t) for t in tds):
            members = [a for a in members if not _is_free_dict(a)]
        branches: List[Json] = []
        if len(tds) >= 2 or (len(tds) == 1 and tds[0].__name__ in ONE_BRANCH_UNIONS):
            disc = self.discriminated(tds)
            if disc is not None:
                branches.append(disc)
                members = [a for a in members if not _is_typeddict(_strip(a))]
        branches.extend(self.convert(a) for a in members)
        if {"type": "string"} in branches:  # Union[Literal["claude-..."], str] is just a string
            branches = [b for b in branches if not _is_string_literal(b)]
        literal_branches = [b for b in branches if set(b) == {"enum"}]
        if len(literal_branches) > 1:  # Union[Literal[...], Literal[...]] -> one enum
            merged = sorted({v for b in literal_branches for v in b["enum"]}, key=str)
            branches = [b for b in branches if b not in literal_branches] + [{"enum": merged}]
        if nullable:
            branches.append({"type": "null"})
        branches = _dedupe(branches)
        if len(branches) == 1:
            return branches[0]
        return {"anyOf": branches}

    # --- everything -----------------------------------------------------------------------------------------
    def convert(self, tp: Any) -> Json:
        tp = _strip(tp)
        if tp is str:
            return {"type": "string"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is object or tp is typing.Any:
            return {}
        if tp is type(None):
            return {"type": "null"}
        if _is_typeddict(tp):
            if tp.__name__ in ONE_BRANCH_UNIONS:
                return self.union((tp,))
            return self.ref(tp)
        origin = _origin(tp)
        if origin in (typing.Literal, typing_extensions.Literal):
            values = list(_args(tp))
            return {"enum": values} if len(values) != 1 else {"const": values[0]}
        if _is_union(tp):
            return self.union(_args(tp))
        name = getattr(origin, "__name__", "")
        if origin in (list, tuple, set, frozenset) or name in ("Iterable", "Sequence", "SequenceNotStr",
                                                                "Collection", "MutableSequence"):
            (item,) = _args(tp)[:1] or (object,)
            return {"type": "array", "items": self.convert(item)}
        if origin in (dict,) or name in ("Mapping", "MutableMapping", "Dict"):
            args = _args(tp)
            value = self.convert(args[1]) if len(args) == 2 else {}
            node: Json = {"type": "object"}
            if value:
                node["additionalProperties"] = value
            return node
        if getattr(tp, "__name__", "") == "SequenceNotStr" or name == "SequenceNotStr":
            return {"type": "array", "items": self.convert(_args(tp)[0])}
        raise GenerationError(f"unsupported SDK type: {tp!r}")


def _required_keys(cls: type, hints: Mapping[str, Any]) -> frozenset:
    """Required keys, also when ``from __future__ import annotations`` hid ``Required[...]`` from the class."""
    base = set(getattr(cls, "__required_keys__", ()))
    out = set()
    for key, tp in hints.items():
        origin = _origin(tp)
        if origin in (typing_extensions.Required, typing.Required):
            out.add(key)
        elif origin not in (typing_extensions.NotRequired, typing.NotRequired) and key in base:
            out.add(key)
    return frozenset(out)


def _flatten(args: Tuple[Any, ...]) -> List[Any]:
    """Union members, with nested (Annotated) unions spliced in."""
    out: List[Any] = []
    for arg in args:
        inner = _strip(arg)
        if _is_union(inner):
            out.extend(_flatten(_args(inner)))
        else:
            out.append(arg)
    return out


def _is_string_literal(node: Json) -> bool:
    values = node.get("enum", [node["const"]] if "const" in node else None)
    return set(node) <= {"enum", "const"} and bool(values) and all(isinstance(v, str) for v in values)


def _is_free_dict(tp: Any) -> bool:
    tp = _strip(tp)
    origin = _origin(tp)
    return origin is dict or getattr(origin, "__name__", "") in ("Dict", "Mapping")


def _dedupe(branches: List[Json]) -> List[Json]:
    out: List[Json] = []
    seen = set()
    for b in branches:
        key = json.dumps(b, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(b)
    return out


# --- the spec -----------------------------------------------------------------------------------------------
def load_spec_limits(spec_path: Path) -> Dict[Tuple[str, str], Json]:
    """(def, property) -> {keyword: value, "x-spec": pointer}, read from the OpenAPI file at SPEC_LIMITS."""
    spec = json.loads(spec_path.read_text("utf-8"))
    schemas = spec["components"]["schemas"]
    out: Dict[Tuple[str, str], Json] = {}
    for def_name, prop, pointer, keywords in SPEC_LIMITS:
        node: Any = schemas
        for part in pointer.split("/"):
            node = node[int(part)] if isinstance(node, list) else node[part]
        limits: Json = {}
        for keyword in keywords:
            if keyword not in node:
                raise GenerationError(f"spec node {pointer} has no {keyword!r}")
            limits[keyword] = node[keyword]
        limits["x-spec"] = f"#/components/schemas/{pointer}"
        out[(def_name, prop)] = limits
    return out


def limits_from_schemas(schemas: Mapping[str, Json]) -> Dict[Tuple[str, str], Json]:
    """Recover the spec limits from committed schemas (their nodes carry ``x-spec``): the drift test's
    fallback when the OpenAPI file is not next to the repository."""
    out: Dict[Tuple[str, str], Json] = {}
    for def_name, prop, pointer, keywords in SPEC_LIMITS:
        wanted = f"#/components/schemas/{pointer}"
        for schema in schemas.values():
            for node in _iter_nodes(schema):
                if isinstance(node, dict) and node.get("x-spec") == wanted:
                    out[(def_name, prop)] = {k: node[k] for k in (*keywords, "x-spec")}
    return out


def _iter_nodes(node: Any) -> Iterable[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _iter_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _iter_nodes(value)


def _tighten(node: Json, limits: Json) -> bool:
    """Apply limits to the (possibly nullable) value schema ``node`` in place."""
    if "anyOf" in node and "x-discriminator" not in node:
        done = False
        for branch in node["anyOf"]:
            if branch.get("type") != "null" and "$ref" not in branch:
                done = _tighten(branch, limits) or done
        return done
    if "enum" in limits and "enum" in node:
        node["enum"] = list(limits["enum"])
        node["x-spec"] = limits["x-spec"]
        return True
    for key, value in limits.items():
        node[key] = value
    return True


def apply_limits(schema: Json, root_kind: str, limits: Mapping[Tuple[str, str], Json]) -> List[Tuple[str, str]]:
    """Tighten ``schema`` in place; returns the (def, property) pairs that applied."""
    applied: List[Tuple[str, str]] = []
    defs = schema.get("$defs", {})
    for (def_name, prop), lim in sorted(limits.items()):
        targets: List[Json] = []
        if def_name == f"${root_kind}":
            targets.append(schema)
        for name in (def_name, "Beta" + def_name):
            if name in defs:
                targets.append(defs[name])
        for target in targets:
            node = target.get("properties", {}).get(prop)
            if node is not None and _tighten(node, lim):
                applied.append((def_name, prop))
    return applied


# --- endpoints ------------------------------------------------------------------------------------------------
def sdk_version() -> str:
    import anthropic

    return str(anthropic.__version__)


def build(name: str, limits: Mapping[Tuple[str, str], Json]) -> Json:
    module_name, class_name = ENDPOINTS[name]
    module = importlib.import_module(module_name)
    root_cls = getattr(module, class_name)
    walker = Walker()
    kind = name.split(".")[0]
    if kind == "batches":
        request_cls = walker.type_hints(root_cls)["requests"]
        item_cls = _strip(_args(_strip(request_cls))[0])
        walker.names[item_cls] = "Request"
        item = walker.object_schema(item_cls, skip=("params",))
        item["properties"]["params"] = {
            "type": "object",
            "description": "validated on its own against messages%s.json" % (".beta" if "beta" in name else ""),
        }
        item["required"] = sorted(set(item.get("required", [])) | {"params"})
        walker.defs["Request"] = item
        root = walker.object_schema(root_cls, skip=HEADER_KEYS)
        root["properties"]["requests"] = {"type": "array", "items": {"$ref": "#/$defs/Request"}}
    else:
        root = walker.object_schema(root_cls, skip=HEADER_KEYS)
        if kind == "messages":
            root["properties"]["stream"] = {"type": "boolean"}
        for key in SAMPLING_KEYS:
            root["properties"][key] = {"type": "number", "x-api-versions": ["2023-06-01"]}
        root.pop("x-tag", None)
    schema: Json = {
        "$schema": DRAFT,
        "$comment": f"Generated by scripts/gen_schemas.py from anthropic {sdk_version()} "
        f"({module_name}.{class_name}); limits from the official OpenAPI spec. Do not edit.",
        "title": name,
        **root,
        "$defs": dict(sorted(walker.defs.items())),
    }
    schema["x-applied-limits"] = apply_limits(schema, kind, limits)
    for def_name, prop, observed in OBSERVED_LIMITS:
        for name_ in (def_name, "Beta" + def_name):
            node = schema["$defs"].get(name_, {}).get("properties", {}).get(prop)
            if node is not None:
                _tighten(node, observed)
    return schema


def build_all(limits: Mapping[Tuple[str, str], Json]) -> Dict[str, Json]:
    """Every endpoint's schema; fails when a SPEC_LIMITS entry no longer matches any SDK field."""
    out = {name: build(name, limits) for name in ENDPOINTS}
    applied = {tuple(pair) for schema in out.values() for pair in schema.pop("x-applied-limits")}
    missing = sorted(set(limits) - applied)
    if missing:
        raise GenerationError(f"spec limits that match no SDK field (update SPEC_LIMITS): {missing}")
    return out


def render(schema: Json) -> str:
    return json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=Path(os.environ.get("CLAUDE_GUARD_OPENAPI_SPEC", DEFAULT_SPEC)))
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed files differ")
    args = parser.parse_args(argv)
    limits = load_spec_limits(args.spec)
    schemas = build_all(limits)
    stale = []
    for name, schema in schemas.items():
        path = args.out / f"{name}.json"
        text = render(schema)
        if args.check:
            if not path.exists() or path.read_text("utf-8") != text:
                stale.append(path.name)
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {len(schema['$defs'])} defs")
    if stale:
        print("stale: " + ", ".join(stale) + " (run: python scripts/gen_schemas.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
