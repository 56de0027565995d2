"""The generated request schemas (``schemas/*.json``) and the validators that run them.

* Schemas ship inside the wheel as ``pytest_claude_guard/schemas`` (hatch force-include); a source checkout
  falls back to the repository's top-level ``schemas/``.
* ``validator(name, platform)`` is a Draft 2020-12 validator extended with ``x-discriminator``: O(1) dispatch on
  the union's tag, one precise error for a missing or unknown tag, and the branch's API tag in the error path
  (``thinking.enabled.budget_tokens``) as a :class:`Tag` element.  ``anyOf`` is replaced where a discriminator
  is present, and elsewhere picks the one branch whose JSON type fits, so that one problem is one error.
* ``is_valid(name, platform, body)`` is the fast path: a compiled checker for exactly the keywords the
  generator emits; ``iter_errors`` runs only when it fails.
* ``preload()`` reads every schema and builds every validator and fast check up front (the engine calls it before
  the first request), so checking a body never reads a file or imports a module.
* Beta vs plain: ``<name>.beta`` is the schema for a request that sends beta values.  Which beta value unlocks
  which beta-only shape (a top-level field, a tool type, a block type, a source type) is data
  (``data/betas.json``, each with its evidence): :func:`beta_gates`, :func:`gated_shapes`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Mapping, Optional, Tuple

if TYPE_CHECKING:  # jsonschema is imported by preload(), not with the package (start-up cost)
    from jsonschema import ValidationError

__all__ = [
    "SCHEMA_NAMES",
    "Tag",
    "load_schema",
    "schema_for",
    "validator",
    "is_valid",
    "iter_errors",
    "json_types",
    "def_of",
    "schema_dir",
    "preload",
    "schemas_sdk_version",
    "PLATFORMS",
    "BetaGate",
    "beta_gates",
    "beta_gate",
    "beta_family",
    "gated_shapes",
]

SCHEMA_NAMES = ("messages", "messages.beta", "count_tokens", "count_tokens.beta", "batches", "batches.beta")
PLATFORMS = ("anthropic", "bedrock", "vertex")
Json = Dict[str, Any]
Check = Callable[[Any], bool]


class Tag(str):
    """A union branch's API tag inside an error path (``tools.3.custom.name``): not a key of the body."""

    __slots__ = ()


# --- loading ----------------------------------------------------------------------------------------------------
def schema_dir() -> Path:
    """Where the schemas are read from: inside the installed package (wheel), else the checkout's schemas/."""
    packaged = Path(str(resources.files("pytest_claude_guard"))) / "schemas"
    if (packaged / "messages.json").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "schemas"


def _read(name: str) -> str:
    return (schema_dir() / f"{name}.json").read_text("utf-8")


@lru_cache(maxsize=None)
def load_schema(name: str) -> Json:
    """The committed schema ``name`` (one of SCHEMA_NAMES), read once.  Treat it as read-only."""
    if name not in SCHEMA_NAMES:
        raise KeyError(name)
    data: Json = json.loads(_read(name))
    return data


@lru_cache(maxsize=None)
def schema_for(name: str, platform: str = "anthropic") -> Json:
    """The schema as a platform takes it: Bedrock and Vertex carry ``anthropic_version`` (and Bedrock
    ``anthropic_beta``) in the body, and the model in the URL."""
    base = load_schema(name)
    if platform == "anthropic" or name.startswith("batches"):
        return base
    props = dict(base["properties"])
    props["anthropic_version"] = {"type": "string"}
    if platform == "bedrock":
        props["anthropic_beta"] = {"type": "array", "items": {"type": "string"}}
    required = sorted((set(base.get("required", ())) - {"model"}) | {"anthropic_version"})
    return {**base, "properties": props, "required": required}


def schemas_sdk_version() -> str:
    """The anthropic SDK release the schemas were generated from (their ``$comment`` stamp; "" when unstamped)."""
    match = re.search(r"from anthropic (\S+)", str(load_schema("messages").get("$comment", "")))
    return match.group(1) if match else ""


def preload() -> None:
    """Read every schema and build its validator and fast check on every platform, jsonschema imported, each run
    once on an empty body, and the beta gates: afterwards checking a body reads no file and imports nothing."""
    beta_gates()
    for name in SCHEMA_NAMES:
        for platform in PLATFORMS:
            is_valid(name, platform, {})
            iter_errors(name, platform, {})


# --- beta gates (data/betas.json) --------------------------------------------------------------------------------
_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$")


def beta_family(value: str) -> str:
    """``mcp-client-2025-11-20`` -> ``mcp-client`` (a beta value without its date)."""
    return _DATED.sub("", value.strip())


@dataclass(frozen=True)
class BetaGate:
    """A beta-only shape and the ``anthropic-beta`` values that unlock it."""

    kind: str  # "param" (top-level field) | "tool" (tools[].type) | "block" (a message content block type) | "source"
    name: str
    betas: Tuple[str, ...]
    severity: Optional[str]  # None: an error (the API's rejection is on record); "warning": the outcome is unknown
    evidence: Tuple[str, ...] = ()

    def unlocked_by(self, sent: Iterable[str]) -> bool:
        """One of ``sent`` is one of the gate's betas, or of the same family (another dated value of it)."""
        families = {beta_family(b) for b in self.betas}
        return any(b in self.betas or beta_family(b) in families for b in sent)

    @property
    def names(self) -> str:
        return " or ".join(self.betas)


@lru_cache(maxsize=1)
def beta_gates() -> Mapping[Tuple[str, str], BetaGate]:
    """(kind, name) -> its gate, from ``data/betas.json`` (read once, at preload)."""
    raw = json.loads(resources.files("pytest_claude_guard").joinpath("data", "betas.json").read_text("utf-8"))
    gates: Dict[Tuple[str, str], BetaGate] = {}
    for item in raw.get("features", []):
        gate = BetaGate(str(item["kind"]), str(item["name"]), tuple(item["betas"]), item.get("severity"),
                        tuple(item.get("evidence", ())))
        gates[(gate.kind, gate.name)] = gate
    return gates


def beta_gate(kind: str, name: str) -> Optional[BetaGate]:
    return beta_gates().get((kind, name))


def gated_shapes(body: Mapping[str, Any]) -> List[Tuple[Tuple[Any, ...], BetaGate]]:
    """Each beta-only shape ``body`` uses (top-level fields, tool types, message content block types), with its
    path in the body.  Source types are left to the rule that owns them (file sources: ``file_source_requires_beta``)."""
    gates = beta_gates()
    found: List[Tuple[Tuple[Any, ...], BetaGate]] = []
    for key in body:
        gate = gates.get(("param", key))
        if gate is not None:
            found.append(((key,), gate))
    tools = body.get("tools")
    if isinstance(tools, list):
        for i, tool in enumerate(tools):
            kind = tool.get("type") if isinstance(tool, dict) else None
            gate = gates.get(("tool", kind)) if isinstance(kind, str) else None
            if gate is not None:
                found.append((("tools", i), gate))
    messages = body.get("messages")
    if isinstance(messages, list):
        for i, message in enumerate(messages):
            content = message.get("content") if isinstance(message, dict) else None
            if not isinstance(content, list):
                continue
            for j, block in enumerate(content):
                kind = block.get("type") if isinstance(block, dict) else None
                gate = gates.get(("block", kind)) if isinstance(kind, str) else None
                if gate is not None:
                    found.append((("messages", i, "content", j), gate))
    return found


# --- the validator class --------------------------------------------------------------------------------------
def _defs(schema: Json) -> Mapping[str, Json]:
    defs: Mapping[str, Json] = schema.get("$defs", {})
    return defs


def def_of(error: ValidationError) -> Optional[Tuple[str, int]]:
    """(innermost $defs name, depth of the error below that definition's instance), when known."""
    found: Optional[Tuple[str, int]] = getattr(error, "_cg_def", None)
    return found


def json_types(value: Any) -> FrozenSet[str]:
    """The JSON Schema types ``value`` satisfies."""
    if value is None:
        return frozenset({"null"})
    if isinstance(value, bool):
        return frozenset({"boolean"})
    if isinstance(value, int):
        return frozenset({"integer", "number"})
    if isinstance(value, float):
        return frozenset({"number", "integer"}) if value.is_integer() else frozenset({"number"})
    if isinstance(value, str):
        return frozenset({"string"})
    if isinstance(value, list):
        return frozenset({"array"})
    if isinstance(value, dict):
        return frozenset({"object"})
    return frozenset()


def _value_type(value: Any) -> str:
    return min(json_types(value) - {"integer"} or {"number"}) if not isinstance(value, dict) else "object"


def _branch_types(branch: Any, defs: Mapping[str, Json], depth: int = 0) -> FrozenSet[str]:
    """The JSON types a branch can accept (empty = any)."""
    if not isinstance(branch, dict) or depth > 20:
        return frozenset()
    if "$ref" in branch:
        target = defs.get(str(branch["$ref"]).rsplit("/", 1)[-1])
        return _branch_types(target, defs, depth + 1)
    if "x-discriminator" in branch:
        return frozenset({"object"})
    kind = branch.get("type")
    if isinstance(kind, str):
        return frozenset({kind, "number"} if kind == "integer" else {kind})
    if "const" in branch:
        return frozenset({_value_type(branch["const"])})
    if "enum" in branch:
        return frozenset(_value_type(v) for v in branch["enum"])
    if "anyOf" in branch:
        out: FrozenSet[str] = frozenset()
        for sub in branch["anyOf"]:
            sub_types = _branch_types(sub, defs, depth + 1)
            if not sub_types:
                return frozenset()
            out |= sub_types
        return out
    return frozenset()


def _mark(errors: Iterator[ValidationError], name: str) -> Iterator[ValidationError]:
    for error in errors:
        if getattr(error, "_cg_def", None) is None:
            error._cg_def = (name, len(error.relative_path))  # type: ignore[attr-defined]
        yield error


def _make_class(schema: Json, compiler: "_Compiler") -> Any:
    from jsonschema import Draft202012Validator, ValidationError, validators

    defs = _defs(schema)
    fast = compiler.check_for
    branch_cache: Dict[int, FrozenSet[str]] = {}

    def types_of(branch: Json) -> FrozenSet[str]:
        key = id(branch)
        if key not in branch_cache:
            branch_cache[key] = _branch_types(branch, defs)
        return branch_cache[key]

    def ref(validator: Any, value: str, instance: Any, node: Json) -> Iterator[ValidationError]:
        if value.startswith("#/$defs/"):
            name = value[len("#/$defs/"):]
            target = defs.get(name)
            if target is not None:
                yield from _mark(validator.descend(instance, target), name)
                return
        fallback: Callable[..., Any] = Draft202012Validator.VALIDATORS["$ref"]  # remote refs: never emitted
        yield from fallback(validator, value, instance, node) or ()

    def discriminator(validator: Any, disc: Json, instance: Any, node: Json) -> Iterator[ValidationError]:
        if not isinstance(instance, dict):
            yield ValidationError(f"{instance!r} is not of type 'object'", validator="type", validator_value="object")
            return
        prop = disc["propertyName"]
        mapping: Mapping[str, str] = disc["mapping"]
        tag = instance.get(prop)
        target = mapping.get(tag) if isinstance(tag, str) else None
        path_tag: Optional[str] = tag if isinstance(tag, str) else None
        if target is None and tag is None and "default" in disc:
            target = disc["default"]
            path_tag = None
        if target is None:
            if prop not in instance or tag is None:
                error = ValidationError(f"{prop!r} is a required property", validator="required",
                                        validator_value=[prop])
            else:
                allowed = ", ".join(repr(t) for t in mapping)
                error = ValidationError(
                    f"Input tag {tag!r} found using {prop!r} does not match any of the expected tags: {allowed}",
                    validator="x-discriminator",
                    validator_value=disc,
                )
            error.discriminator = disc  # type: ignore[attr-defined]
            yield error
            return
        name = target.rsplit("/", 1)[-1]
        branch = defs[name]
        if path_tag is None:
            path_tag = branch.get("x-tag")
        if prop == "type" and path_tag is not None:
            errors = validator.descend(instance, branch, path=Tag(path_tag))
        else:
            errors = validator.descend(instance, branch)
        yield from _mark(errors, name)

    def any_of(validator: Any, branches: List[Json], instance: Any, node: Json) -> Iterator[ValidationError]:
        if "x-discriminator" in node:
            return
        for branch in branches:
            check = fast(branch)
            if check(instance) if check is not None else validator.evolve(schema=branch).is_valid(instance):
                return
        kinds = json_types(instance)
        fitting = [b for b in branches if not types_of(b) or types_of(b) & kinds]
        if fitting:
            yield from validator.descend(instance, fitting[0])
            return
        expected = sorted(set().union(*(types_of(b) for b in branches)) - {"integer"} or {"value"})
        if any(types_of(b) == frozenset({"integer", "number"}) for b in branches):
            expected = sorted((set(expected) - {"number"}) | {"integer"})
        yield ValidationError(
            f"{instance!r} is not of type {', '.join(repr(e) for e in expected)}",
            validator="type",
            validator_value=expected,
        )

    def properties(validator: Any, props: Json, instance: Any, node: Json) -> Iterator[ValidationError]:
        if not isinstance(instance, dict):
            return
        for prop, sub in props.items():
            if prop in instance:
                check = fast(sub)
                if check is not None and check(instance[prop]):
                    continue  # the compiled check accepts this subtree: nothing to report below it
                yield from validator.descend(instance[prop], sub, path=prop, schema_path=prop)

    def items(validator: Any, sub: Json, instance: Any, node: Json) -> Iterator[ValidationError]:
        if not isinstance(instance, list):
            return
        check = fast(sub)
        for index, item in enumerate(instance):
            if check is not None and check(item):
                continue
            yield from validator.descend(item, sub, path=index)

    return validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator,
        {"$ref": ref, "x-discriminator": discriminator, "anyOf": any_of, "properties": properties, "items": items},
    )


@lru_cache(maxsize=None)
def validator(name: str, platform: str = "anthropic") -> Any:
    """A (cached) validator instance for schema ``name`` on ``platform``."""
    return _validator_class(name)(schema_for(name, platform))


@lru_cache(maxsize=None)
def _validator_class(name: str) -> Any:
    """One class per schema: the platforms' variants share its ``$defs`` (and their compiled checks)."""
    return _make_class(load_schema(name), _compiler(name))


def iter_errors(name: str, platform: str, body: Any) -> List[ValidationError]:
    """Every error, in a deterministic order (by path, then keyword)."""
    found = list(validator(name, platform).iter_errors(body))
    return sorted(found, key=lambda e: ([str(p) for p in e.path], str(e.validator)))


# --- the fast path: a compiled checker for the generator's keyword subset -----------------------------------------
def is_valid(name: str, platform: str, body: Any) -> bool:
    """True when ``body`` has no schema error (much faster than jsonschema's own ``is_valid``)."""
    return _root(name, platform)(body)


@lru_cache(maxsize=None)
def _root(name: str, platform: str) -> Check:
    return _compiler(name).compile(schema_for(name, platform))


@lru_cache(maxsize=None)
def _compiler(name: str) -> "_Compiler":
    """One per schema: a platform's variant differs only at the top level, so it reuses every compiled node."""
    return _Compiler(_defs(load_schema(name)))


def _is_int(v: Any) -> bool:
    return (type(v) is int) or (type(v) is float and v.is_integer())


def _is_num(v: Any) -> bool:
    return type(v) is int or type(v) is float


_TYPE_CHECKS: Dict[str, Check] = {
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "string": lambda v: type(v) is str,
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
    "number": _is_num,
    "integer": _is_int,
}


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def _all(checks: List[Check]) -> Check:
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda v: a(v) and b(v)
    rest = _all(checks[2:])
    a, b = checks[0], checks[1]
    return lambda v: a(v) and b(v) and rest(v)


def _any(checks: List[Check], branches: List[Any]) -> Check:
    nullable = [b for b in branches if b == {"type": "null"}]
    rest = [c for c, b in zip(checks, branches) if b != {"type": "null"}]
    if nullable and len(rest) == 1:
        only = rest[0]
        return lambda v: v is None or only(v)
    if nullable:
        inner = _any(rest, [b for b in branches if b != {"type": "null"}])
        return lambda v: v is None or inner(v)
    if len(rest) == 2:
        a, b = rest
        return lambda v: a(v) or b(v)
    return lambda v: any(c(v) for c in rest)


class _Compiler:
    """Compiles a generated schema into closures, one per schema node (memoised by identity, so the
    jsonschema validator can skip subtrees the fast check already accepts); ``$defs`` recursion goes
    through a table."""

    def __init__(self, defs: Mapping[str, Json]) -> None:
        self.defs = defs
        self.table: Dict[str, Check] = {}
        self.by_id: Dict[int, Check] = {}
        self.keep: List[Any] = []  # keeps compiled nodes alive so their ids stay unique

    def check_for(self, node: Any) -> Optional[Check]:
        return self.by_id.get(id(node))

    def ref(self, name: str) -> Check:
        if name not in self.table:
            self.table[name] = lambda v: True  # placeholder while compiling (recursion)
            self.table[name] = self.compile(self.defs[name])
        table = self.table
        return lambda v: table[name](v)

    def compile(self, node: Any) -> Check:
        if isinstance(node, dict):
            found = self.by_id.get(id(node))
            if found is not None:
                return found
        check = self._compile(node)
        if isinstance(node, dict):
            self.by_id[id(node)] = check
            self.keep.append(node)
        return check

    def _compile(self, node: Any) -> Check:
        if node is True or node == {}:
            return lambda v: True
        if node is False:
            return lambda v: False
        checks: List[Check] = []
        if "$ref" in node:
            target = str(node["$ref"])
            if not target.startswith("#/$defs/"):
                raise ValueError(f"unsupported $ref {target}")
            checks.append(self.ref(target[len("#/$defs/"):]))
        if "x-discriminator" in node:
            checks.append(self.discriminator(node["x-discriminator"]))
        elif "anyOf" in node:
            checks.append(_any([self.compile(b) for b in node["anyOf"]], node["anyOf"]))
        kind = node.get("type")
        has_object = "properties" in node or "required" in node or "additionalProperties" in node
        has_array = "items" in node or "minItems" in node or "maxItems" in node
        if has_object:
            checks.append(self.object(node))  # includes the type check
        elif has_array:
            checks.append(self.array(node))
        elif isinstance(kind, str):
            checks.append(_TYPE_CHECKS[kind])
        if "const" in node:
            const = node["const"]
            checks.append(lambda v: _json_equal(v, const))
        if "enum" in node:
            values = list(node["enum"])
            checks.append(lambda v: any(_json_equal(v, e) for e in values))
        checks.extend(self.strings(node))
        checks.extend(self.numbers(node))
        return _all(checks)

    def strings(self, node: Json) -> List[Check]:
        out: List[Check] = []
        if "pattern" in node:
            search = re.compile(node["pattern"]).search
            out.append(lambda v: type(v) is not str or search(v) is not None)
        lo, hi = node.get("minLength"), node.get("maxLength")
        if lo is not None or hi is not None:
            low = lo or 0
            high = hi if hi is not None else float("inf")
            out.append(lambda v: type(v) is not str or low <= len(v) <= high)
        return out

    def numbers(self, node: Json) -> List[Check]:
        out: List[Check] = []
        if "minimum" in node:
            m = node["minimum"]
            out.append(lambda v: not _is_num(v) or v >= m)
        if "maximum" in node:
            mx = node["maximum"]
            out.append(lambda v: not _is_num(v) or v <= mx)
        if "exclusiveMinimum" in node:
            em = node["exclusiveMinimum"]
            out.append(lambda v: not _is_num(v) or v > em)
        return out

    def array(self, node: Json) -> Check:
        item = self.compile(node["items"]) if "items" in node else None
        lo = node.get("minItems", 0)
        hi = node.get("maxItems")
        typed = node.get("type") == "array"

        def check(v: Any) -> bool:
            if type(v) is not list:
                return not typed
            if len(v) < lo or (hi is not None and len(v) > hi):
                return False
            if item is not None:
                for x in v:
                    if not item(x):
                        return False
            return True

        return check

    def object(self, node: Json) -> Check:
        props = {k: self.compile(s) for k, s in node.get("properties", {}).items()}
        required = tuple(node.get("required", ()))
        extra = node.get("additionalProperties", True)
        extra_check = self.compile(extra) if isinstance(extra, dict) else None
        closed = extra is False
        typed = node.get("type") == "object"
        get = props.get

        def check(v: Any) -> bool:
            if type(v) is not dict:
                return not typed
            for key in required:
                if key not in v:
                    return False
            for key, value in v.items():
                sub = get(key)
                if sub is None:
                    if closed:
                        return False
                    if extra_check is not None and not extra_check(value):
                        return False
                elif not sub(value):
                    return False
            return True

        return check

    def discriminator(self, disc: Json) -> Check:
        prop = disc["propertyName"]
        mapping = {tag: self.ref(target.rsplit("/", 1)[-1]) for tag, target in disc["mapping"].items()}
        default = self.ref(disc["default"].rsplit("/", 1)[-1]) if "default" in disc else None
        get = mapping.get

        def check(v: Any) -> bool:
            if type(v) is not dict:
                return False
            tag = v.get(prop)
            branch = get(tag) if type(tag) is str else None
            if branch is None:
                branch = default if tag is None else None
            return branch is not None and branch(v)

        return check
