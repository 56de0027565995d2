"""Rules: output_config (effort, structured outputs), citations, stop sequences, inference_geo."""
from __future__ import annotations

from typing import Any, Callable, Iterator, List, Tuple

from .._context import Context
from ._walk import iter_blocks

GEO = ("global", "us")
_SCHEMA_CHILDREN = ("items", "additionalItems", "contains", "not", "if", "then", "else", "propertyNames")
_SCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas")


LEVELS = ("low", "medium", "high", "xhigh", "max")
# Which levels each model offers is a model fact (``ModelInfo.effort_levels``, data/models.json with its evidence;
# a refreshed Models API file wins): () = effort unsupported, None = unknown (not judged).


def effort(ctx: Context) -> None:
    oc = ctx.body.get("output_config")
    model = ctx.model
    if not isinstance(oc, dict) or model is None:
        return
    value = oc.get("effort")
    if value is None or not isinstance(value, str):
        return
    levels = model.effort_levels
    if levels == ():
        ctx.report("effort_unsupported_model", "output_config", "effort", model=model.id)
    elif levels and value in LEVELS and value not in levels:
        # the API lists the supported levels in alphabetical order
        ctx.report("effort_level_unsupported", "output_config", "effort", model=model.id, value=value,
                   levels=", ".join(levels), api_levels=", ".join(sorted(levels)))


def _object_schemas(schema: Any, path: Tuple[Any, ...], depth: int = 0) -> Iterator[Tuple[Tuple[Any, ...], Any]]:
    """Every object-typed subschema (type "object" or with properties) lacking additionalProperties: false."""
    if not isinstance(schema, dict) or depth > 64:
        return
    kind = schema.get("type")
    is_object = kind == "object" or (isinstance(kind, list) and "object" in kind) or ("properties" in schema and kind is None)
    if is_object and schema.get("additionalProperties") is not False:
        yield path, schema
    for key in _SCHEMA_CHILDREN:
        if key in schema:
            yield from _object_schemas(schema[key], path + (key,), depth + 1)
    for key in _SCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            for n, sub in enumerate(schema[key]):
                yield from _object_schemas(sub, path + (key, n), depth + 1)
    for key in _SCHEMA_MAPS:
        if isinstance(schema.get(key), dict):
            for name, sub in schema[key].items():
                yield from _object_schemas(sub, path + (key, name), depth + 1)


def structured_output(ctx: Context) -> None:
    oc = ctx.body.get("output_config")
    fmt = oc.get("format") if isinstance(oc, dict) else None
    where: Tuple[Any, ...] = ("output_config", "format")
    if fmt is None and isinstance(ctx.body.get("output_format"), dict):
        fmt, where = ctx.body["output_format"], ("output_format",)
    if not isinstance(fmt, dict):
        return
    info = ctx.lookup.info if ctx.lookup is not None else None
    if info is not None and info.structured_outputs is False:
        ctx.report("structured_output_unsupported_model", *where, model=info.display_id)
    schema = fmt.get("schema")
    if fmt.get("type") == "json_schema" and isinstance(schema, dict):
        for sub_path, _ in _object_schemas(schema, ()):
            ctx.report("structured_output_schema_unsupported", *where, "schema", *sub_path)
            break  # the API names the first one
    if _documents_with_citations(ctx)[0]:
        ctx.report("structured_output_with_citations", *where)


def _documents_with_citations(ctx: Context) -> Tuple[List[str], List[str]]:
    on: List[str] = []
    off: List[str] = []
    for parts, b, _ in iter_blocks(ctx):
        if b.get("type") != "document":
            continue
        cit = b.get("citations")
        enabled = isinstance(cit, dict) and cit.get("enabled") is True
        (on if enabled else off).append(ctx.path(*parts))
    return on, off


def citations(ctx: Context) -> None:
    on, off = _documents_with_citations(ctx)
    if not on:
        return
    info = ctx.lookup.info if ctx.lookup is not None else None
    if info is not None and info.citations is False:
        ctx.report("citations_unsupported_model", "messages", model=info.display_id)
    if off:
        ctx.report("citations_mixed", "messages", paths=", ".join(on[:2] + off[:2]))


def stop_sequences(ctx: Context) -> None:
    seqs = ctx.body.get("stop_sequences")
    if not isinstance(seqs, list):
        return
    for i, s in enumerate(seqs):
        if s == "":
            ctx.report("stop_sequence_empty", "stop_sequences", i)
        elif isinstance(s, str) and not s.strip():
            ctx.report("stop_sequence_whitespace", "stop_sequences", i, value=s)


def inference_geo(ctx: Context) -> None:
    geo = ctx.body.get("inference_geo")
    if geo is None or not isinstance(geo, str):
        return
    if geo not in GEO:
        ctx.report("inference_geo_invalid", "inference_geo", detail=f"inference_geo {geo!r} is not 'global' or 'us'")
    elif ctx.model is not None and ctx.model.inference_geo is False:
        ctx.report("inference_geo_invalid", "inference_geo", detail=f"{ctx.model.id} does not support inference_geo")


RULES: Tuple[Callable[[Context], None], ...] = (effort, structured_output, citations, stop_sequences, inference_geo)
