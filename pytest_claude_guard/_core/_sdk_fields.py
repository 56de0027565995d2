"""What the installed anthropic SDK's request types know, for when the committed schemas predate it.

The schemas in ``schemas/`` were generated from one SDK release (their ``$comment`` names it).  A user on a newer
SDK may send a field or a block type that release did not have; the SDK defines it, so the API takes it, and the
shape rule must not call it extra.  This module reads the installed SDK's request TypedDicts once (``preload()``,
never while a request is checked) into an :class:`SdkIndex`:

* ``fields``: for every TypedDict reachable from the endpoints' request types, the names of its keys, under the
  name ``scripts/gen_schemas.py`` gives its ``$defs`` entry (the class name); each endpoint's body under
  ``$root:<schema name>`` (``$root:messages.beta``), without the keys the SDK sends as headers;
* ``unions``: for every union of TypedDicts that share a literal ``type`` (or ``role``) key, its member names and
  the tags they carry; ``located``: the same tags by where the union sits (owner TypedDict or root, property).

Nothing is learnt when the installed SDK is not newer than the schemas' (an older SDK knows nothing they don't), or
when it lacks these modules or their shapes changed: the index is then empty and the schemas judge alone.
"""
from __future__ import annotations

import importlib
import re
import sys
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Set, Tuple

__all__ = ["SdkIndex", "EMPTY", "ENDPOINTS", "HEADER_KEYS", "build_index", "installed_roots", "installed_version",
           "is_newer", "sdk_index", "preload"]

# schema name -> (module, root TypedDict): the types scripts/gen_schemas.py generates each schema from
ENDPOINTS: Mapping[str, Tuple[str, str]] = {
    "messages": ("anthropic.types.message_create_params", "MessageCreateParamsBase"),
    "messages.beta": ("anthropic.types.beta.message_create_params", "MessageCreateParamsBase"),
    "count_tokens": ("anthropic.types.message_count_tokens_params", "MessageCountTokensParams"),
    "count_tokens.beta": ("anthropic.types.beta.message_count_tokens_params", "MessageCountTokensParams"),
    "batches": ("anthropic.types.messages.batch_create_params", "BatchCreateParams"),
    "batches.beta": ("anthropic.types.beta.messages.batch_create_params", "BatchCreateParams"),
}
# Keys the SDK sends as headers, not in the body (as in scripts/gen_schemas.py).
HEADER_KEYS = frozenset({"user_profile_id", "workspace_id", "betas"})
DISCRIMINATOR_KEYS = ("type", "role")
BATCH_ITEM = "Request"  # gen_schemas.py's $defs name for a batch's requests[] item
_VERSION = re.compile(r"^\s*(\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class SdkIndex:
    """Field names per TypedDict and tags per discriminated union, as the installed SDK defines them."""

    version: str = ""
    fields: Mapping[str, FrozenSet[str]] = field(default_factory=dict)
    unions: Tuple[Tuple[str, FrozenSet[str], FrozenSet[str]], ...] = ()  # (tag key, member names, tags)
    located: Mapping[Tuple[str, str, str], FrozenSet[str]] = field(default_factory=dict)  # (owner, key, tag key)

    def __bool__(self) -> bool:
        return bool(self.fields or self.unions)

    def fields_of(self, owner: str) -> FrozenSet[str]:
        """The keys the SDK defines for ``owner`` (a ``$defs`` name or ``$root:<schema>``); empty when unknown.
        A beta type also takes what its GA twin does (``BetaTextBlockParam`` / ``TextBlockParam``)."""
        found = self.fields.get(owner, frozenset())
        twin = _ga_twin(owner)
        return found | self.fields.get(twin, frozenset()) if twin else found

    def knows_tag(self, key: str, members: Iterable[str], tag: Any, where: Optional[Tuple[str, str]] = None) -> bool:
        """Whether the SDK's union at ``where`` (owner, property), or else the smallest union that holds every one
        of ``members``, has a branch tagged ``tag``: a block, tool or source type newer than the schemas.  A beta
        type's union also takes the tags of its GA twin's."""
        names = list(members)
        if not isinstance(tag, str) or not names:
            return False
        if where is not None:
            owner, prop = where
            twin = _ga_twin(owner)
            found = [self.located.get((o, prop, key)) for o in (owner, twin) if o]
            if any(tags is not None for tags in found):
                return any(tag in tags for tags in found if tags is not None)
        if self._smallest_union_has(key, frozenset(names), tag):
            return True
        twins = [_ga_twin(name) for name in names]
        return all(twins) and self._smallest_union_has(key, frozenset(str(t) for t in twins), tag)

    def _smallest_union_has(self, key: str, wanted: FrozenSet[str], tag: str) -> bool:
        fitting = [(len(names), tags) for k, names, tags in self.unions if k == key and wanted <= names]
        return bool(fitting) and tag in min(fitting, key=lambda item: item[0])[1]


EMPTY = SdkIndex()


def _ga_twin(name: str) -> Optional[str]:
    """The GA name of a beta type or endpoint (``BetaToolParam`` -> ``ToolParam``, ``$root:messages.beta`` ->
    ``$root:messages``); None for a GA name."""
    if name.startswith("$root:") and name.endswith(".beta"):
        return name[: -len(".beta")]
    if name.startswith("Beta") and name[4:5].isupper():
        return name[4:]
    return None


# --- reading types -----------------------------------------------------------------------------------------------
# The SDK's annotations are strings (``from __future__ import annotations``).  They are parsed here, and the names
# in them looked up in their module, rather than evaluated with ``typing.get_type_hints``: evaluating builds new
# typing objects, and typing's cache then hands out ``Literal[...]``s in another order, which would make the next
# schema generation in this process differ from a fresh one.  Nothing here subscripts a typing object.
Node = Tuple[str, Any]  # ("td", class) | ("union", [Node]) | ("literal", [value]) | ("args", [Node]) | NONE | LEAF
LEAF: Node = ("leaf", None)
NONE: Node = ("none", None)
_UNION_NAMES = frozenset({"Union", "Optional", "UnionType"})
_WRAPPER_NAMES = frozenset({"Required", "NotRequired", "Annotated", "ReadOnly", "Final", "ClassVar"})


def _is_typeddict(tp: Any) -> bool:
    if not isinstance(tp, type) or not issubclass(tp, dict):
        return False
    import typing_extensions

    return bool(typing_extensions.is_typeddict(tp))


def _form_name(obj: Any) -> str:
    """``Union``, ``Literal``, ``Iterable``, ... for a typing form, an alias's origin or a generic class."""
    name = getattr(obj, "_name", None) or getattr(obj, "__name__", None)
    return str(name) if name else ""


def _from_object(obj: Any, depth: int = 0) -> Node:
    """A node for an already built type (an alias in a module, or an annotation that was not a string)."""
    if obj is None or obj is type(None):
        return NONE
    if depth > 40:
        return LEAF
    if isinstance(obj, typing.ForwardRef):
        return _from_string(obj.__forward_arg__, getattr(obj, "__forward_module__", None), depth + 1)
    if isinstance(obj, str):
        return LEAF  # a bare string with no module to read it in
    if _is_typeddict(obj):
        return ("td", obj)
    origin = typing.get_origin(obj)
    if origin is None:
        return LEAF
    args = typing.get_args(obj)
    return _combine(_form_name(origin), [_from_object(a, depth + 1) for a in args], args)


def _combine(form: str, nodes: List[Node], literals: Iterable[Any]) -> Node:
    if form == "Literal":
        return ("literal", [v for v in literals if isinstance(v, (str, int, bool))])
    if form in _UNION_NAMES:
        return ("union", nodes)
    if form in _WRAPPER_NAMES:
        return nodes[0] if nodes else LEAF
    return ("args", nodes)


def _from_string(text: str, module: Optional[str], depth: int = 0) -> Node:
    import ast
    import sys

    if depth > 40 or not module or module not in sys.modules:
        return LEAF
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return LEAF
    return _from_ast(tree.body, vars(sys.modules[module]), depth + 1)


def _lookup(expr: Any, names: Mapping[str, Any]) -> Any:
    import ast
    import builtins

    if isinstance(expr, ast.Name):
        return names[expr.id] if expr.id in names else getattr(builtins, expr.id, None)
    if isinstance(expr, ast.Attribute):
        owner = _lookup(expr.value, names)
        return getattr(owner, expr.attr, None) if owner is not None else None
    return None


def _from_ast(expr: Any, names: Mapping[str, Any], depth: int) -> Node:
    import ast

    if depth > 40:
        return LEAF
    if isinstance(expr, ast.Subscript):
        form = _form_name(_lookup(expr.value, names))
        parts = list(expr.slice.elts) if isinstance(expr.slice, ast.Tuple) else [expr.slice]
        values = [p.value for p in parts if isinstance(p, ast.Constant)]
        return _combine(form, [_from_ast(p, names, depth + 1) for p in parts], values)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):  # X | Y
        return ("union", [_from_ast(expr.left, names, depth + 1), _from_ast(expr.right, names, depth + 1)])
    if isinstance(expr, ast.Constant) and expr.value is None:
        return NONE
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):  # a quoted forward reference
        try:
            inner = ast.parse(expr.value, mode="eval").body
        except SyntaxError:
            return LEAF
        return _from_ast(inner, names, depth + 1)
    if isinstance(expr, (ast.Name, ast.Attribute)):
        return _from_object(_lookup(expr, names), depth + 1)
    return LEAF


class _Reader:
    """Walks request types from their roots, recording every TypedDict's keys and every tagged union."""

    def __init__(self) -> None:
        self.fields: Dict[str, Set[str]] = {}
        self.unions: Dict[Tuple[str, FrozenSet[str]], Set[str]] = {}
        self.located: Dict[Tuple[str, str, str], Set[str]] = {}
        self.seen: Set[type] = set()
        self.hints: Dict[type, Dict[str, Node]] = {}

    def hints_of(self, cls: type) -> Dict[str, Node]:
        """Each key's type, as a node (inherited keys included; ``__annotations__`` of a TypedDict has them)."""
        if cls not in self.hints:
            annotations = dict(getattr(cls, "__annotations__", {}))
            module = getattr(cls, "__module__", None)
            self.hints[cls] = {
                key: _from_string(ann, module) if isinstance(ann, str) else _from_object(ann)
                for key, ann in annotations.items()
            }
        return self.hints[cls]

    @staticmethod
    def keys_of(cls: type) -> Set[str]:
        keys = set(getattr(cls, "__required_keys__", ())) | set(getattr(cls, "__optional_keys__", ()))
        return keys or set(getattr(cls, "__annotations__", {}))

    def record(self, name: str, cls: type, skip: FrozenSet[str] = frozenset()) -> None:
        self.fields.setdefault(name, set()).update(self.keys_of(cls) - skip)

    def visit_class(self, cls: type, skip: FrozenSet[str] = frozenset()) -> None:
        if cls in self.seen:
            return
        self.seen.add(cls)
        self.record(cls.__name__, cls)
        module = str(getattr(cls, "__module__", "")).rsplit(".", 1)[-1]  # gen_schemas' name on a clash
        self.record("".join(part.title() for part in module.split("_")) + cls.__name__, cls)
        for key, node in self.hints_of(cls).items():
            if key not in skip:
                self.visit(node, (cls.__name__, key))

    @staticmethod
    def members(node: Node) -> List[Node]:
        """A union's members, nested unions spliced in (anything else is its own only member)."""
        if node[0] != "union":
            return [node]
        return [m for sub in node[1] for m in _Reader.members(sub)]

    def visit(self, node: Node, where: Tuple[str, str], depth: int = 0) -> None:
        """Record what ``node`` (the type of property ``where`` = (owner, key), or part of it) holds."""
        kind, value = node
        if depth > 40:
            return
        if kind == "td":
            self.union([value], where)
            self.visit_class(value)
        elif kind == "union":
            members = self.members(node)
            self.union([m[1] for m in members if m[0] == "td"], where)
            for member in members:
                if member[0] != "td":
                    self.visit(member, where, depth + 1)
                else:
                    self.visit_class(member[1])
        elif kind == "args":
            for sub in value:
                self.visit(sub, where, depth + 1)

    def literal_values(self, node: Node) -> Optional[List[Any]]:
        """The values of a ``Literal`` (through ``Optional``); None when ``node`` is not a literal type."""
        values: List[Any] = []
        for member in self.members(node):
            if member[0] == "literal":
                values.extend(member[1])
            elif member != NONE:
                return None
        return values

    def union(self, tds: List[type], where: Tuple[str, str]) -> None:
        if not tds:
            return
        for key in DISCRIMINATOR_KEYS:
            tags: Set[str] = set()
            for cls in tds:
                values = self.literal_values(self.hints_of(cls).get(key, LEAF))
                if not values:
                    break
                tags.update(v for v in values if isinstance(v, str))
            else:
                names = frozenset(cls.__name__ for cls in tds)
                self.unions.setdefault((key, names), set()).update(tags)
                self.located.setdefault((*where, key), set()).update(tags)
                return


def build_index(roots: Mapping[str, type], version: str = "") -> SdkIndex:
    """The index of the request types ``roots`` (schema name -> the SDK's root TypedDict for it)."""
    reader = _Reader()
    for name, root in roots.items():
        reader.record(f"$root:{name}", root, HEADER_KEYS)
        hints = reader.hints_of(root)
        if name.split(".")[0] == "batches":  # requests[] items; their params are a Messages body
            item = _batch_item(reader, hints.get("requests", LEAF))
            if item is not None:
                reader.record(BATCH_ITEM, item)
            continue
        for key, node in hints.items():
            if key not in HEADER_KEYS:
                reader.visit(node, (f"$root:{name}", key))
    return SdkIndex(
        version=version,
        fields={name: frozenset(keys) for name, keys in reader.fields.items()},
        unions=tuple(sorted(((key, names, frozenset(tags)) for (key, names), tags in reader.unions.items()),
                            key=lambda u: (u[0], sorted(u[1])))),
        located={where: frozenset(tags) for where, tags in reader.located.items()},
    )


def _batch_item(reader: _Reader, node: Node) -> Optional[type]:
    """The TypedDict of one ``requests[]`` item (``Iterable[Request]``)."""
    if node[0] == "args" and node[1] and node[1][0][0] == "td":
        item: type = node[1][0][1]
        return item
    return None


# --- the installed SDK --------------------------------------------------------------------------------------------
def installed_version() -> str:
    """The installed anthropic SDK's version, from its package metadata (no import); "" when it is missing."""
    from importlib import metadata

    try:
        return str(metadata.version("anthropic"))
    except Exception:  # noqa: BLE001 - not installed as a distribution: ask the module itself, if any
        pass
    try:
        from anthropic import __version__
    except Exception:  # noqa: BLE001 - no SDK, or one that fails to import: nothing to learn from
        return ""
    return str(__version__)


def installed_roots() -> Dict[str, type]:
    """The installed SDK's root request type per schema name (those it lacks are left out)."""
    roots: Dict[str, type] = {}
    for name, (module_name, class_name) in ENDPOINTS.items():
        try:
            root = getattr(importlib.import_module(module_name), class_name)
        except Exception:  # noqa: BLE001 - an SDK without this endpoint's types
            continue
        if _is_typeddict(root):
            roots[name] = root
    return roots


def _parse(version: str) -> Optional[Tuple[int, ...]]:
    match = _VERSION.match(version)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def is_newer(installed: str, schemas: str) -> bool:
    """Whether the installed SDK is newer than the one the schemas were made from (unparsable: assume newer)."""
    mine, theirs = _parse(installed), _parse(schemas)
    if mine is None or theirs is None:
        return bool(installed) and installed != schemas
    return mine > theirs


@lru_cache(maxsize=1)
def sdk_index() -> SdkIndex:
    """The installed SDK's index, built once; empty when the SDK is missing, not newer than the schemas, or
    unreadable.  Never raises."""
    from . import _schemas

    try:
        version = installed_version()
        if not version or not is_newer(version, _schemas.schemas_sdk_version()):
            return EMPTY
        return build_index(installed_roots(), version)
    except Exception:  # noqa: BLE001 - shapes this reader does not understand: the schemas judge alone
        return EMPTY


def built_index() -> SdkIndex:
    """The index if it has been built, else the empty one: what the request path reads (it never builds: building
    imports the SDK's types)."""
    info = getattr(sdk_index, "cache_info", None)
    return sdk_index() if info is None or info().currsize else EMPTY


def preload(*, import_sdk: bool = True) -> None:
    """Build the index now, so that checking a request imports and reads nothing.  ``import_sdk=False`` (the
    pytest plugin at start-up) builds it only if the SDK is already imported: importing anthropic costs seconds, so
    the plugin builds it when the code under test imports the SDK instead (a post-import hook)."""
    if import_sdk or "anthropic" in sys.modules:
        sdk_index()
