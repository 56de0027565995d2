"""Rules: the request's shape, checked against the generated schemas (``schemas/*.json``).

Every jsonschema error is mapped to a cause code explicitly, by keyword, instance path and the ``$defs``
entry (or union tag) it came from; never through ``best_match``.  One schema problem gives one violation.
Beta gating: a beta request (any ``anthropic-beta`` value, or a ``?beta=true`` endpoint) is judged by the
beta schema, any other by the plain one; with headers unknown the beta schema decides errors and what only
the plain schema rejects is a header-dependent warning.  With beta values known, a beta-only shape whose own
beta is not among them (``data/betas.json``: which value unlocks which field, tool, block or source) gets the
plain schema's answer, an error where the API's rejection is on record, else a warning.
Newer SDKs: where the installed anthropic SDK is newer than the schemas, a field or a block / tool / source type
that its request types define is not extra (``_sdk_fields``, read once by ``preload``): the schema errors it would
give are dropped before mapping.  A field unknown to both stays an error.
This module holds the mapping only; how each finding reads (details, hints, type names, the API's phrases) is in
``_shape_words``.
"""
from __future__ import annotations

import dataclasses

import difflib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

if TYPE_CHECKING:  # imported by preload(), not with the package (start-up cost)
    from jsonschema import ValidationError

from .. import _schemas as S
from .. import _sdk_fields as K
from .._context import Context
from . import _input_schema
from . import _shape_words as W
from ._gates import may_hold
from ._walk import in_block

__all__ = ["RULES", "BATCH_RULES", "check_shape", "check_batch_envelope", "preload"]

Path = Tuple[Any, ...]

SAMPLING_KEYS = frozenset({"temperature", "top_p", "top_k"})
REQUIRED_NULL_IS_ERROR = frozenset({"messages", "model", "max_tokens"})
# [proxy-measured]: null is the same as leaving these out.
NULL_IS_ABSENT = frozenset({
    ("metadata",), ("stop_sequences",), ("cache_control",), ("container",), ("inference_geo",),
    ("output_config", "format"), ("output_config", "effort"), ("thinking", "display"),
})
MESSAGES_ONLY = frozenset({"max_tokens", "stream", "metadata", "stop_sequences", "service_tier", "container",
                           "inference_geo", "diagnostics"})
FILES_BETA = "files-api-2025-04-14"
STRUCTURED_OUTPUTS_BETA = "structured-outputs-2025-11-13"
_PLACEHOLDER = re.compile(r"^<[A-Za-z0-9_ .:-]{1,40}>$|^\[?REDACTED\]?$|^\*{3,}$")
_REQUIRED = re.compile(r"^'(.+)' is a required property$")
LAX_BOOLS = frozenset({"true", "false", "0", "1", "yes", "no", "on", "off", "t", "f", "y", "n"})


@dataclass(frozen=True)
class Finding:
    """One mapped schema problem: ``ctx.report(code, *path, **params)``."""

    code: str
    path: Path
    params: Tuple[Tuple[str, Any], ...] = ()
    severity: Optional[str] = None

    @property
    def key(self) -> Tuple[str, str]:
        return self.code, ".".join(str(p) for p in self.path)


def _f(code: str, path: Sequence[Any], severity: Optional[str] = None, **params: Any) -> Finding:
    return Finding(code, tuple(path), tuple(sorted(params.items())), severity)


# --- entry points -----------------------------------------------------------------------------------------------
def check_shape(ctx: Context) -> None:
    """The Messages / count_tokens body against its schema, plus the direct shape checks."""
    kind = ctx.endpoint.kind
    if kind not in ("messages", "count_tokens"):
        return
    for finding in _direct_checks(ctx, kind):
        _emit(ctx, finding)
    mapper = _MAPPERS[kind]
    try:
        _schema_checks(ctx, kind, ctx.endpoint.platform, mapper)
    except RecursionError:
        # absurdly deep nesting: judge a copy cut off deep down, which yields the same shallow diagnosis
        clipped = dataclasses.replace(ctx, body=_clip(ctx.body), memo={})
        _schema_checks(clipped, kind, ctx.endpoint.platform, mapper)


_CLIP_DEPTH = 64


def _clip(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with containers below ``_CLIP_DEPTH`` levels replaced by None."""
    if depth >= _CLIP_DEPTH:
        return None
    if isinstance(value, dict):
        return {k: _clip(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_clip(v, depth + 1) for v in value]
    return value


def check_batch_envelope(ctx: Context) -> None:
    """``POST /v1/messages/batches``: the envelope only (each ``params`` is validated as a Messages body)."""
    if ctx.endpoint.kind != "batches":
        return
    _schema_checks(ctx, "batches", "anthropic", _batch_mapper)


RULES: Tuple[Callable[[Context], None], ...] = (check_shape,)
BATCH_RULES: Tuple[Callable[[Context], None], ...] = (check_batch_envelope,)


def _beta_mode(ctx: Context) -> str:
    """"beta" | "plain" | "unknown" (headers unknown)."""
    if getattr(ctx.endpoint, "beta", False):
        return "beta"
    betas = ctx.betas
    if betas is None:
        return "unknown"
    return "beta" if betas else "plain"


Mapper = Callable[[Context, "ValidationError"], List[Finding]]


def _schema_checks(ctx: Context, kind: str, platform: str, mapper: Mapper) -> None:
    mode = _beta_mode(ctx)
    body = ctx.body
    if mode == "unknown" and S.is_valid(kind, platform, body):
        return  # valid without betas: what the beta schema alone would reject depends on headers (warn at most)
    primary = f"{kind}.beta" if mode != "plain" else kind
    found: List[Finding] = []
    if not S.is_valid(primary, platform, body):
        found = _map_all(ctx, _screen(primary, S.iter_errors(primary, platform, body)), mapper)
        for finding in found:
            _emit(ctx, finding)
    if mode == "unknown":
        covered = [tuple(str(p) for p in f.path) for f in found]
        for finding in _map_all(ctx, _screen(kind, S.iter_errors(kind, platform, body)), mapper):
            where = tuple(str(p) for p in finding.path)
            if not any(_related(where, other) for other in covered):  # one problem, one violation
                _emit(ctx, finding, header_dependent=True)
    elif mode == "beta" and ctx.betas:
        _beta_gate_checks(ctx, kind, platform, mapper, found)


def _beta_gate_checks(ctx: Context, kind: str, platform: str, mapper: Mapper, found: List[Finding]) -> None:
    """Beta values known and not empty: a beta-only shape (``data/betas.json``) none of whose betas is sent is
    judged by the plain schema (the request does not have the beta that defines it), at its gate's severity.
    No beta values at all on a ``?beta=true`` endpoint: not judged here (as before)."""
    sent = ctx.betas or frozenset()
    locked = [(tuple(str(p) for p in path), gate) for path, gate in S.gated_shapes(ctx.body)
              if not gate.unlocked_by(sent)]
    if not locked:
        return
    covered = [tuple(str(p) for p in f.path) for f in found]
    for finding in _map_all(ctx, _screen(kind, S.iter_errors(kind, platform, ctx.body)), mapper):
        where = tuple(str(p) for p in finding.path)
        gate = next((g for path, g in locked if where[:len(path)] == path), None)
        if gate is None or any(_related(where, other) for other in covered):
            continue  # not a locked shape's problem, or already reported by the beta schema
        _emit(ctx, _locked(finding, gate))


def _locked(finding: Finding, gate: "S.BetaGate") -> Finding:
    """``finding`` (the plain schema's answer) worded for a beta-only shape whose beta the request lacks."""
    params = dict(finding.params)
    if finding.code == "unknown_top_level_param":
        params["reason"] = W.REASON["locked_beta"].format(names=gate.names)
        params["hint"] = W.HINT["locked_beta"].format(beta=gate.betas[0])
    elif "detail" in params:
        params["detail"] = W.detail("detail_without_beta", detail=params["detail"], names=gate.names)
    return dataclasses.replace(finding, params=tuple(sorted(params.items())), severity=gate.severity)


def _screen(name: str, errors: List[ValidationError]) -> List[ValidationError]:
    """Schema ``name``'s errors without what the installed SDK's request types define: an unknown tag the SDK's
    union has is dropped; an extra key the SDK's TypedDict has is marked known (``_extras`` skips it)."""
    index = K.built_index()
    if not index:
        return errors
    out: List[ValidationError] = []
    for error in errors:
        if error.validator == "additionalProperties":
            known = index.fields_of(_owner_def(name, error))
            if known:
                error._cg_sdk_known = known  # type: ignore[attr-defined]
        elif error.validator == "x-discriminator" and _sdk_tag(index, name, error):
            continue  # a branch newer than the schemas: nothing here can judge its content
        out.append(error)
    return out


def _owner_def(name: str, error: ValidationError) -> str:
    """The ``$defs`` entry whose object ``error`` is about (``$root:<schema>`` for the body; "" if inline)."""
    path = list(error.absolute_path)
    found = S.def_of(error)
    if found is None:
        return "" if _real(path) else f"$root:{name}"
    below = path[len(path) - found[1]:] if found[1] else []
    return found[0] if all(isinstance(p, S.Tag) for p in below) else ""  # a union branch adds its tag


def _sdk_tag(index: K.SdkIndex, name: str, error: ValidationError) -> bool:
    disc = getattr(error, "discriminator", None)
    if not isinstance(disc, dict) or not isinstance(error.instance, dict):
        return False
    refs = [*disc.get("mapping", {}).values(), *([disc["default"]] if "default" in disc else [])]
    members = [str(ref).rsplit("/", 1)[-1] for ref in refs]
    prop = str(disc.get("propertyName"))
    return index.knows_tag(prop, members, error.instance.get(prop), _union_place(name, error))


def _union_place(name: str, error: ValidationError) -> Optional[Tuple[str, str]]:
    """(owner ``$defs`` entry or ``$root:<schema>``, property) of the union ``error`` is about, when known."""
    path = list(error.absolute_path)
    found = S.def_of(error)
    owner, below = (f"$root:{name}", path) if found is None else (found[0], path[len(path) - found[1]:] if found[1] else [])
    keys = [p for p in below if isinstance(p, str) and not isinstance(p, S.Tag)]
    return (owner, keys[0]) if keys else None


def _related(a: Tuple[str, ...], b: Tuple[str, ...]) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _emit(ctx: Context, finding: Finding, header_dependent: bool = False) -> None:
    ctx.report(finding.code, *finding.path, header_dependent=header_dependent, severity=finding.severity,
               **dict(finding.params))


def _map_all(ctx: Context, errors: Iterable[ValidationError], mapper: Mapper) -> List[Finding]:
    by_path: Dict[Path, List[ValidationError]] = {}
    for error in errors:
        by_path.setdefault(tuple(error.absolute_path), []).append(error)
    out: List[Finding] = []
    seen = set()
    for path in sorted(by_path, key=lambda p: [str(x) for x in p]):
        group = by_path[path]
        if any(e.validator == "type" for e in group):  # a wrong type makes the other checks moot
            group = [e for e in group if e.validator == "type"][:1]
        for error in group:
            for finding in mapper(ctx, error):
                if finding.key not in seen:
                    seen.add(finding.key)
                    out.append(finding)
    return out


# --- direct checks (no schema keyword says these) ----------------------------------------------------------------
def _direct_checks(ctx: Context, kind: str) -> Iterable[Finding]:
    body = ctx.body
    if body.get("messages") == []:
        yield _f("messages_empty", ("messages",))
    if body.get("model") == "":
        yield _f("model_empty", ("model",))
    if "output_format" in body:
        yield from _legacy_output_format(ctx)
    if may_hold(ctx, _FILE_BLOCKS):
        yield from _file_source_checks(ctx, body)
    tools = body.get("tools")
    if isinstance(tools, list):
        for i, tool in enumerate(tools):
            if isinstance(tool, dict) and tool.get("type") in (None, "custom"):
                problem = _input_schema.problem(tool.get("input_schema"))
                if problem is not None:
                    yield _f("tool_input_schema_invalid", ("tools", i, "custom", "input_schema"), detail=problem)


_FILE_BLOCKS = frozenset({"image", "document"})  # the blocks a file source can sit in


def _file_source_checks(ctx: Context, body: Dict[str, Any]) -> Iterable[Finding]:
    gate = S.beta_gate("source", "file")
    betas = ctx.betas
    files = None if betas is None else gate.unlocked_by(betas) if gate is not None else any(
        b.startswith(FILES_BETA) for b in betas)
    if files is not True:
        for path in _file_sources(body):
            yield _f("file_source_requires_beta", path,
                     severity="warning" if files is None else gate.severity if gate is not None else None)


def _legacy_output_format(ctx: Context) -> Iterable[Finding]:
    beta = ctx.has_beta(STRUCTURED_OUTPUTS_BETA)
    version = ctx.api_version
    if beta is True and version != "2026-10-21":
        return
    if beta is None:
        yield _f("output_format_legacy_param", ("output_format",), severity="warning",
                 detail=W.detail("legacy_output_format_unknown", beta=STRUCTURED_OUTPUTS_BETA))
        return
    why = W.detail("legacy_output_format_version") if beta else W.detail("without_beta", names=STRUCTURED_OUTPUTS_BETA)
    yield _f("output_format_legacy_param", ("output_format",), detail=W.detail("legacy_output_format", why=why))


def _file_sources(body: Dict[str, Any]) -> Iterable[Path]:
    messages = body.get("messages")
    if not isinstance(messages, list):
        return
    for i, message in enumerate(messages):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            continue
        for j, block in enumerate(content):
            if not isinstance(block, dict):
                continue
            where = ("messages", i, "content", j)
            yield from _file_source_in(block, where)
            inner = block.get("content")
            if block.get("type") == "tool_result" and isinstance(inner, list):
                for k, sub in enumerate(inner):
                    if isinstance(sub, dict):
                        yield from _file_source_in(sub, in_block(where, block, "content", k))


def _file_source_in(block: Dict[str, Any], path: Path) -> Iterable[Path]:
    source = block.get("source")
    if block.get("type") in ("image", "document") and isinstance(source, dict) and source.get("type") == "file":
        yield in_block(path, block, "source")


def preload() -> None:
    """Build the input_schema checkers and run them once, so that checking an ``input_schema`` imports nothing;
    read what the installed SDK's request types know (once per process)."""
    _input_schema.preload()
    K.preload(import_sdk=False)  # the engine's preload(sdk=True) builds it in full


def _is_placeholder(value: Any) -> bool:
    """A recorder's redaction marker (``"<normalized>"``, ``"<REDACTED>"``) where a structure was: the real
    request's value is unknown, so it is not an error."""
    return isinstance(value, str) and _PLACEHOLDER.match(value) is not None


def _lax_coercible(error: ValidationError) -> bool:
    """Numeric strings, integral floats and bool-like values: Pydantic's lax mode may accept them."""
    inst = error.instance
    expected = set(W.expected_types(error))
    if expected & {"integer", "number"}:
        if isinstance(inst, bool):
            return True
        if isinstance(inst, str):
            try:
                number = float(inst.strip())
            except ValueError:
                return False
            return "number" in expected or number.is_integer()
    if "boolean" in expected:
        if isinstance(inst, str) and inst.strip().lower() in LAX_BOOLS:
            return True
        if isinstance(inst, (int, float)) and not isinstance(inst, bool) and inst in (0, 1):
            return True
    return False


# --- mapping: Messages / count_tokens -----------------------------------------------------------------------------
def _schema_mapper(kind: str) -> Mapper:
    def mapper(ctx: Context, error: ValidationError) -> List[Finding]:
        return _map_request_error(ctx, kind, error)

    return mapper


_MAPPERS: Dict[str, Mapper] = {kind: _schema_mapper(kind) for kind in ("messages", "count_tokens")}


def _real(path: Sequence[Any]) -> List[Any]:
    return [p for p in path if not isinstance(p, S.Tag)]


def _extras(error: ValidationError) -> List[str]:
    inst = error.instance if isinstance(error.instance, dict) else {}
    props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    known: FrozenSet[str] = getattr(error, "_cg_sdk_known", frozenset())  # defined by the installed SDK (see _screen)
    return [_key_text(k) for k in inst if k not in props and k not in known]


def _key_text(key: Any) -> str:
    """A dict key as the JSON body names it: a Python body's non-string key (``1``, ``None``) is sent as ``"1"``,
    ``"null"``."""
    if isinstance(key, str):
        return key
    try:
        return json.dumps(key) if key is None or isinstance(key, (bool, int, float)) else str(key)
    except ValueError:  # nan / inf
        return str(key)


def _missing(error: ValidationError) -> List[str]:
    match = _REQUIRED.match(error.message)
    return [match.group(1)] if match else []


def _def_name(error: ValidationError) -> str:
    found = S.def_of(error)
    name = found[0] if found else ""
    return name[4:] if name.startswith("Beta") else name


def _map_request_error(ctx: Context, kind: str, error: ValidationError) -> List[Finding]:
    path = tuple(error.absolute_path)
    real = _real(path)
    if real and real[0] in SAMPLING_KEYS:
        return []  # the sampling rules own temperature / top_p / top_k
    kw = error.validator
    if kw == "type" and _lax_coercible(error):
        return []
    if kw == "type" and _is_placeholder(error.instance):
        finding = _wrong_type_or_value(error, path)
        return [Finding(finding.code, finding.path, finding.params, "warning")]
    if kw == "additionalProperties":
        return [f for key in _extras(error) for f in _map_extra(ctx, kind, error, path, key)]
    if kw == "required":
        return [f for key in _missing(error) for f in _map_missing(ctx, error, path, key)]
    if error.instance is None and kw in ("type", "const", "enum"):
        return _map_null(path, real, error)
    top = real[0] if real else None
    if "cache_control" in real:
        return [_f("cache_control_invalid", path, detail=W.human(error, W.dotted(path)), api_detail=W.api_text(error))]
    if len(real) == 1:
        return _map_top_value(error, path, str(top))
    area = {
        "metadata": _map_metadata, "stop_sequences": _map_stop_sequences, "thinking": _map_thinking,
        "tool_choice": _map_tool_choice, "output_config": _map_output_config, "container": _map_container,
        "tools": _map_tool, "messages": _map_message, "system": _map_block,
    }.get(str(top))
    if area is not None:
        return area(error, path)
    return [_wrong_type_or_value(error, path)]


def _wrong_type_or_value(error: ValidationError, path: Path) -> Finding:
    where = W.dotted(path)
    if error.validator == "type":
        types = [t for t in W.expected_types(error) if t != "null"]
        return _f("param_wrong_type", path, param=where, expected=W.expected_human(error), got=W.got(error.instance),
                  expected_api=W.PYDANTIC_TYPE.get(types[0], "value") if types else "value")
    text = W.api_text(error)
    expected = text[len("Input should be "):] if text.startswith("Input should be ") else text
    return _f("param_wrong_type", path, param=where, expected=expected, got=repr(error.instance)[:80],
              expected_api=expected)


def _map_null(path: Path, real: Sequence[Any], error: ValidationError) -> List[Finding]:
    key = tuple(str(p) for p in real)
    if key in NULL_IS_ABSENT:
        return []
    where = W.dotted(path)
    if error.validator == "type":
        expected_api = ([W.PYDANTIC_TYPE.get(t, t) for t in W.expected_types(error) if t != "null"] or ["value"])[0]
    else:  # an enum or const of strings
        expected_api = "string"
    if len(key) == 1 and key[0] in REQUIRED_NULL_IS_ERROR:
        return [_f("param_null", path, severity="error", param=where, expected=expected_api)]
    if len(key) == 3 and key[0] == "messages" and key[2] == "content":
        return [_f("param_wrong_type", path, param=where, expected=W.detail("content_expected"),
                   got="null", expected_api="list")]
    return [_f("param_null", path, param=where, expected=expected_api)]


def _map_top_value(error: ValidationError, path: Path, top: str) -> List[Finding]:
    kw, _, inst = W.parts(error)
    if top == "max_tokens" and kw == "minimum":
        return [_f("max_tokens_negative", path, value=inst)]
    if top == "service_tier" and kw == "enum":
        return [_f("service_tier_invalid", path, value=inst)]
    if top == "metadata":
        return [_f("metadata_invalid", path, detail=W.detail("metadata_not_object", got=W.got(inst)),
                   api_detail=W.API_TEXT["dictionary"])]
    if top == "container":
        return [_f("container_invalid", path, got=W.got(inst))]
    if top == "thinking" and kw == "x-discriminator":
        return [_f("thinking_field_missing", path, detail=W.detail("thinking_type_unknown", tag=inst.get("type")),
                   api_detail=W.api_text(error))]
    if top == "tool_choice" and kw == "x-discriminator":
        return [_f("tool_choice_type_invalid", path, value=inst.get("type"))]
    return [_wrong_type_or_value(error, path)]


def _map_missing(ctx: Context, error: ValidationError, path: Path, key: str) -> List[Finding]:
    real = _real(path)
    full = (*path, key)
    where = W.dotted(full)
    if not real:
        return [_f("missing_required_param", full, param=key)]
    top = str(real[0])
    name = _def_name(error)
    if top == "messages":
        if len(real) == 2:
            return [_f("message_missing_field", full)]
        if len(real) == 4 and key == "type":
            return [_f("block_type_invalid", full, detail=W.detail("required", where=where), allowed=W.allowed(error),
                       api_detail=W.API_TEXT["required"])]
    if top == "thinking":
        return [_f("thinking_field_missing", full, detail=W.detail("required", where=where), api_detail=W.API_TEXT["required"])]
    if top == "tool_choice":
        if key == "name":
            return [_f("tool_choice_tool_name_missing", full)]
        return [_f("tool_choice_type_invalid", full, value=None)]
    if top == "output_config" and len(real) >= 2 and real[1] == "format":
        return [_f("output_format_shape", full, detail=W.detail("required", where=where), api_detail=W.API_TEXT["required"])]
    if "cache_control" in real:
        return [_f("cache_control_invalid", full, detail=W.detail("required", where=where), api_detail=W.API_TEXT["required"])]
    if top == "tools":
        if key == "input_schema" and name == "ToolParam":
            return [_f("tool_input_schema_invalid", full, detail=W.detail("required", where=where))]
        if "input_schema" in real:
            return [_f("tool_input_schema_invalid", full, detail=W.detail("required_input_schema_type", where=where))]
        return [_f("block_missing_field", full, field=key, block=W.tool_label(path))]
    if top == "metadata":
        return [_f("metadata_invalid", full, detail=W.detail("required", where=where), api_detail=W.API_TEXT["required"])]
    if (key == "signature" and name == "ThinkingBlockParam") or (key == "data" and name == "RedactedThinkingBlockParam"):
        return [_f("thinking_signature_missing", full)]
    if top in ("messages", "system") and key == "type" and name == "":
        return [_f("block_type_invalid", full, detail=W.detail("required", where=where), allowed=W.allowed(error),
                   api_detail=W.API_TEXT["required"])]
    if top in ("messages", "system"):
        return [_f("block_missing_field", full, field=key, block=W.block_label(path, name))]
    return [_f("block_missing_field", full, field=key, block=W.owner_label(path))]


def _map_extra(ctx: Context, kind: str, error: ValidationError, path: Path, key: str) -> List[Finding]:
    real = _real(path)
    full = (*path, key)
    where = W.dotted(full)
    if not real:
        return _map_top_extra(ctx, kind, key)
    top = str(real[0])
    name = _def_name(error)
    if "cache_control" in real:
        return [_f("cache_control_invalid", full, detail=W.detail("cache_control_extra", where=where),
                   api_detail=W.API_TEXT["extra"])]
    if top == "messages" and len(real) == 2:
        return [_f("message_extra_field", full, key=key)]
    if top in ("messages", "system"):
        return [_f("block_extra_field", full, field=key, block=W.block_label(path, name))]
    if top == "metadata":
        return [_f("metadata_invalid", full, detail=W.detail("metadata_extra", where=where),
                   api_detail=W.API_TEXT["extra"])]
    if top == "thinking":
        return [_f("thinking_field_missing", full, detail=W.detail("thinking_extra", where=where),
                   api_detail=W.API_TEXT["extra"])]
    if top == "output_config" and len(real) >= 2 and real[1] == "format":
        return [_f("output_format_shape", full, detail=W.detail("output_format_extra", where=where),
                   api_detail=W.API_TEXT["extra"])]
    if top == "tools":
        if "input_schema" in real:
            return []  # input_schema is free-form apart from its type
        return [_f("tool_extra_field", full, field=key, tool=W.tool_label(path))]
    return [_f("param_extra_field", full, field=key, owner=W.owner_label(path))]


def _map_top_extra(ctx: Context, kind: str, key: str) -> List[Finding]:
    if key in SAMPLING_KEYS or key == "output_format":
        return []  # the sampling rules / the legacy output_format check own these
    if ctx.endpoint.platform != "anthropic" and key in ("anthropic_version", "anthropic_beta"):
        return []
    if kind == "count_tokens" and key in MESSAGES_ONLY:
        return [_f("count_tokens_extra_param", (key,), param=key)]
    if key in ("anthropic_version", "anthropic_beta"):
        return [_f("unknown_top_level_param", (key,), param=key,
                   reason=W.REASON["platform_body_field"],
                   hint=W.HINT["platform_body_field"].format(header=key.replace("_", "-")))]
    if key in W.OPENAI_HINTS:
        return [_f("unknown_top_level_param", (key,), param=key, reason=W.REASON["openai"], hint=W.OPENAI_HINTS[key])]
    beta_props = S.load_schema(f"{kind}.beta")["properties"]
    if key in beta_props or key in K.built_index().fields_of(f"$root:{kind}.beta"):
        return [_f("unknown_top_level_param", (key,), param=key, reason=W.REASON["beta"], hint=W.HINT["beta"])]
    props = sorted(S.load_schema(kind)["properties"])
    close = difflib.get_close_matches(key, props, n=1, cutoff=0.75)
    hint = W.HINT["did_you_mean"].format(close=close[0]) if close else ""
    return [_f("unknown_top_level_param", (key,), param=key, reason="", hint=hint)]


def _map_metadata(error: ValidationError, path: Path) -> List[Finding]:
    where = W.dotted(path)
    return [_f("metadata_invalid", path, detail=W.human(error, where), api_detail=W.api_text(error))]


def _map_stop_sequences(error: ValidationError, path: Path) -> List[Finding]:
    return [_f("stop_sequences_type", path)]


def _map_thinking(error: ValidationError, path: Path) -> List[Finding]:
    real = _real(path)
    last = str(real[-1])
    if last == "budget_tokens" and error.validator == "minimum":
        return [_f("thinking_budget_below_min", path, value=error.instance)]
    if last == "display":
        return [_f("thinking_display_invalid", path, value=error.instance)]
    if error.validator == "type":
        return [_wrong_type_or_value(error, path)]
    return [_f("thinking_field_missing", path, detail=W.human(error, W.dotted(path)), api_detail=W.api_text(error))]


def _map_tool_choice(error: ValidationError, path: Path) -> List[Finding]:
    return [_wrong_type_or_value(error, path)]


def _map_output_config(error: ValidationError, path: Path) -> List[Finding]:
    real = _real(path)
    if str(real[1]) == "effort":
        return [_f("effort_invalid_value", path, value=error.instance)]
    if str(real[1]) == "format":
        return [_f("output_format_shape", path, detail=W.human(error, W.dotted(path)), api_detail=W.api_text(error))]
    return [_wrong_type_or_value(error, path)]


def _map_container(error: ValidationError, path: Path) -> List[Finding]:
    real = _real(path)
    if "skills" in real:
        return [_f("server_tool_param_invalid", path, detail=W.human(error, W.dotted(path)),
                   api_detail=W.api_text(error))]
    return [_f("container_invalid", path, got=W.got(error.instance))] if len(real) == 1 else [
        _wrong_type_or_value(error, path)]


def _map_tool(error: ValidationError, path: Path) -> List[Finding]:
    real = _real(path)
    where = W.dotted(path)
    kw = error.validator
    if len(real) == 2:
        inst = error.instance
        if kw == "x-discriminator" and isinstance(inst, dict):
            tag = inst.get("type")
            openai = W.detail("tool_type_openai") if tag == "function" else ""
            return [_f("tool_type_invalid", path, tag=tag,
                       detail=W.detail("tool_type_unknown", where=where, tag=tag, openai=openai))]
        return [_wrong_type_or_value(error, path)]
    if "cache_control" in real:
        return [_f("cache_control_invalid", path, detail=W.human(error, where), api_detail=W.api_text(error))]
    if "input_schema" in real:
        return [_f("tool_input_schema_invalid", path, detail=W.detail("input_schema_not_object",
                                                                       human=W.human(error, where)))]
    name = _def_name(error)
    if name == "ToolParam":
        if str(real[-1]) == "name":
            if kw == "type":
                return [_wrong_type_or_value(error, path)]
            return [_f("tool_name_invalid", path, value=error.instance)]
        return [_wrong_type_or_value(error, path)]
    return [_f("server_tool_param_invalid", path, detail=W.human(error, where), api_detail=W.api_text(error))]


def _map_message(error: ValidationError, path: Path) -> List[Finding]:
    real = _real(path)
    kw, _, inst = W.parts(error)
    if len(real) == 2:
        if kw == "x-discriminator" and isinstance(inst, dict):
            return [_f("role_invalid", (*path, "role"), role=inst.get("role"))]
        return [_wrong_type_or_value(error, path)]
    if len(real) == 3:  # messages.N.content / messages.N.role
        return [_wrong_type_or_value(error, path)]
    return _map_block(error, path)


def _map_block(error: ValidationError, path: Path) -> List[Finding]:
    real = _real(path)
    where = W.dotted(path)
    kw, _, inst = W.parts(error)
    name = _def_name(error)
    last = str(real[-1])
    if "cache_control" in real:
        return [_f("cache_control_invalid", path, detail=W.human(error, where), api_detail=W.api_text(error))]
    if last == "source" or (kw == "x-discriminator" and "source" in real[-2:]):
        if kw == "x-discriminator" and isinstance(inst, dict):
            tag = inst.get("type")
            allowed = W.quote_list(list(getattr(error, "discriminator", {}).get("mapping", {})))
            return [_f("source_type_invalid", path, tag=tag, allowed=allowed,
                       detail=W.detail("source_type_unknown", where=where, tag=tag, allowed=allowed))]
        return [_wrong_type_or_value(error, path)]
    block_level = (real[0] == "messages" and len(real) == 4) or (real[0] == "system" and len(real) == 2)
    if kw == "x-discriminator" or (block_level and kw == "type") or (last == "type" and kw == "const"
                                                                       and name == "TextBlockParam"):
        tag = inst.get("type") if isinstance(inst, dict) else inst
        detail = (W.detail("block_not_object", where=where, got=W.got(inst)) if block_level and kw == "type"
                  else W.detail("block_type_not_here", where=where, tag=tag))
        return [_f("block_type_invalid", path, detail=detail, allowed=W.allowed(error), api_detail=W.api_text(error))]
    if last == "media_type" and name == "Base64ImageSourceParam":
        return [_f("image_media_type_invalid", path, value=inst)]
    if last == "media_type" and name == "Base64PDFSourceParam":
        return [_f("pdf_media_type_invalid", path, value=inst)]
    if kw == "pattern" and last in ("id", "tool_use_id"):
        return [_f("tool_use_id_pattern", path, value=inst, pattern=error.validator_value)]
    if name == "ToolUseBlockParam" and last == "name" and kw in ("minLength", "maxLength"):
        return [_f("tool_use_name_invalid", path)]
    if name == "ToolUseBlockParam" and last == "input":
        return [_f("tool_use_input_invalid", path, got=W.got(inst))]
    if name == "ToolReferenceBlockParam" and last == "tool_name" and kw in ("minLength", "maxLength"):
        return [_f("tool_reference_invalid", path)]
    if name == "DocumentBlockParam" and last in ("title", "context") and kw != "type":
        return [_f("document_title_context", path, detail=W.human(error, where), api_detail=W.api_text(error))]
    return [_wrong_type_or_value(error, path)]


# --- mapping: the batches envelope ----------------------------------------------------------------------------------
def _batch_mapper(ctx: Context, error: ValidationError) -> List[Finding]:
    path = tuple(error.absolute_path)
    kw = error.validator
    if kw == "type" and _lax_coercible(error):
        return []
    if kw == "additionalProperties":
        if not path:
            return [_f("unknown_top_level_param", (k,), param=k, reason=W.REASON["batches"],
                       hint=W.HINT["batches"].format()) for k in _extras(error)]
        return [_f("param_extra_field", (*path, k), field=k, owner=W.detail("batch_owner")) for k in _extras(error)]
    if kw == "required":
        return [_f("missing_required_param", (*path, k), param=W.dotted((*path, k))) for k in _missing(error)]
    if path == ("requests",) and kw in ("minItems", "maxItems"):
        return [_f("batch_requests_count", path, count=len(W.parts(error)[2]))]
    if len(path) == 3 and path[2] == "custom_id":
        return [_f("batch_custom_id_invalid", path, value=error.instance)]
    return [_wrong_type_or_value(error, path)]
