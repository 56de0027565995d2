"""The generated request schemas (``schemas/*.json``) and the validators that run them.

* Schemas ship inside the wheel as ``pytest_claude_guard/schemas`` (hatch force-include); a source checkout
  falls back to the repository's top-level ``schemas/``.
* ``validator(name, platform)`` is a Draft 2020-12 validator extended with ``x-discriminator``: O(1) dispatch on
  the union's tag, one precise error for a missing or unknown tag, and the branch's API tag in the error path
  (``thinking.enabled.budget_tokens``) as a :class:`Tag` element.  ``anyOf`` is replaced where a discriminator
  is present, and elsewhere picks the one branch whose JSON type fits, so that one problem is one error.
* ``is_valid(name, platform, body)`` is the fast path: jsonschema-rs (Rust) over the same schema, where standard
  ``anyOf`` gives the verdict ``x-discriminator`` gives (a test holds every schema to jsonschema's verdict on every
  case and corpus body); ``iter_errors`` runs only when it fails.
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
    return Path(__file__).resolve().parents[2] / "schemas"


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
    if isinstance(value, (list, tuple)):
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


def _make_class(schema: Json) -> Any:
    from jsonschema import Draft202012Validator, ValidationError, validators

    defs = _defs(schema)
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
            if validator.evolve(schema=branch).is_valid(instance):
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

    # a tuple in a body given as a dict is sent as a JSON array (json.dumps), as jsonschema-rs reads it
    array = Draft202012Validator.TYPE_CHECKER.redefine("array", lambda _, value: isinstance(value, (list, tuple)))
    return validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator,
        {"$ref": ref, "x-discriminator": discriminator, "anyOf": any_of},
        type_checker=array,
    )


@lru_cache(maxsize=None)
def validator(name: str, platform: str = "anthropic") -> Any:
    """A (cached) validator instance for schema ``name`` on ``platform``."""
    return _validator_class(name)(schema_for(name, platform))


@lru_cache(maxsize=None)
def _validator_class(name: str) -> Any:
    """One class per schema: the platforms' variants share its ``$defs``."""
    return _make_class(load_schema(name))


def iter_errors(name: str, platform: str, body: Any) -> List[ValidationError]:
    """Every error, in a deterministic order (by path, then keyword)."""
    found = list(validator(name, platform).iter_errors(body))
    return sorted(found, key=lambda e: ([str(p) for p in e.path], str(e.validator)))


# --- the fast path: jsonschema-rs over the same schema ------------------------------------------------------------
def is_valid(name: str, platform: str, body: Any) -> bool:
    """True when ``body`` has no schema error: jsonschema-rs over the same schema (``benchmarks/bench_schemas.py``:
    several times faster than the hand-written compiler it replaced, hundreds of times faster than jsonschema).
    ``iter_errors`` runs only when it fails, and has the last word: a value jsonschema-rs cannot read (a ``str``
    subclass, a non-string key) is judged by the jsonschema validator."""
    try:
        return _fast(name, platform)(body)
    except Exception:  # noqa: BLE001 - ValueError for a value that is not JSON: the slow path knows Python's types
        return bool(validator(name, platform).is_valid(body))


@lru_cache(maxsize=None)
def _fast(name: str, platform: str) -> Check:
    try:
        import jsonschema_rs
    except ImportError:  # a platform without its wheel, installed --no-deps: the same answer, slower
        return validator(name, platform).is_valid  # type: ignore[no-any-return]
    check: Check = jsonschema_rs.Draft202012Validator(schema_for(name, platform)).is_valid
    return check
