"""``validate_request``: would the Messages API reject this request, and why?  Pure: no pytest, no HTTP.

Nothing slow or fallible runs while a request is checked: :func:`preload` reads the cause catalog, the model
table and the schemas, compiles the validators and imports jsonschema once, before the first request (the plugin
calls it when pytest configures; ``validate_request`` calls it on its first use otherwise).  After it, checking a
request opens no file, imports no module and touches no network, so it is safe inside a running event loop
(BlockBuster and the like).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import _evidence
from . import _schemas
from . import _media
from . import _sdk_fields
from . import _strict_json
from ._causes import causes, engine_error, make_violation
from ._context import Context, Endpoint, normalize_headers, parse_endpoint
from ._models import Registry, default_registry
from ._rules import BATCH_RULES, ENVELOPE_RULES, REQUEST_RULES, Rule
from ._rules import preload as _preload_rules
from ._rules import _gates
from ._rules._gates import Planner, features
from ._violation import Violation

__all__ = ["validate_request", "preload", "MAX_BODY_BYTES"]

# Bodies beyond the API's largest limit (256 MB, Message Batches) are refused unparsed; the 32 MB limit of
# Messages and count_tokens is judged by the media rules, which also see parsed bodies.
MAX_BODY_BYTES = 256 * 1024 * 1024

_PLANNER = Planner(REQUEST_RULES)


def _too_large(size: int, kind: Optional[str]) -> Violation:
    if kind == "batches":
        return make_violation("batch_too_large", "", size=size)
    return make_violation("request_too_large", "", size=size, limit=32 * 1024 * 1024)


def _parse_body(body: Any, kind: Optional[str] = None) -> Tuple[Any, Optional[Violation], Optional[int]]:
    """-> (parsed value, violation, raw byte length if known).

    The violation is an error when the body cannot be parsed (the value is then None), or a warning beside a
    parsed value when a strict JSON parser may refuse or read it differently (NaN, a repeated key: see
    `_strict_json`).  Never raises.
    """
    raw_len: Optional[int] = None
    if isinstance(body, (bytes, bytearray, memoryview)):
        data = body if type(body) is bytes else bytes(body)  # bytes(b) costs an exception raised and caught inside
        raw_len = len(data)
        if raw_len > MAX_BODY_BYTES:
            return None, _too_large(raw_len, kind), raw_len
        try:
            body = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, make_violation("invalid_json", "", reason=f"the body is not UTF-8 ({exc.reason})"), raw_len
    if isinstance(body, str):
        if raw_len is None:
            raw_len = len(body)  # characters; exact bytes only matter near the limit
        if raw_len > MAX_BODY_BYTES:
            return None, _too_large(raw_len, kind), raw_len
        try:
            body, strictness = _strict_json.loads(body)
        except RecursionError:  # well-formed or not, nested past what Python's parser reads: the API's limit is unknown
            reason = ("the body nests deeper than claude-guard's JSON parser reads (Python's recursion limit): its "
                      "content was not checked")
            return None, make_violation("invalid_json", "", severity="warning", reason=reason), raw_len
        except ValueError as exc:
            reason = ascii(str(exc).splitlines()[0][:200])[1:-1] if str(exc) else type(exc).__name__
            return None, make_violation("invalid_json", "", reason=f"the body is not valid JSON ({reason})"), raw_len
    elif isinstance(body, dict):  # given parsed: judged as its JSON text would be
        strictness = _strict_json.inspect_value(body)
    else:
        strictness = _strict_json.Strictness()
    if not isinstance(body, dict):
        kind = "null" if body is None else type(body).__name__
        kind = {"list": "array", "str": "string", "int": "number", "float": "number", "bool": "boolean"}.get(kind, kind)
        return None, make_violation("invalid_json", "", reason=f"the body is a JSON {kind}, not an object"), raw_len
    if strictness.surrogate is not None:  # "no low surrogate in string" / "invalid high surrogate in string"
        reason = f"the body is not valid JSON: {strictness.surrogate} in a string; encode text as valid UTF-8"
        return None, make_violation("invalid_json", "", reason=reason), raw_len
    if strictness.nonfinite or strictness.duplicates:  # parsed, but a strict parser may refuse or read it differently
        reason = "the body is not strict JSON: " + "; ".join(strictness.warnings())
        return body, make_violation("invalid_json", "", severity="warning", reason=reason), raw_len
    return body, None, raw_len


# bodies in these encodings are judged decoded (the adapters decode them); any other encoding (br, zstd) is read here
# as sent, so bytes that do not parse are not known to be bad JSON
_DECODED_ENCODINGS = frozenset({"", "identity", "gzip", "x-gzip", "deflate"})


def _undecoded(problem: Violation, headers: Optional[Mapping[str, str]]) -> Violation:
    """An unparsable body sent in an encoding not decoded here (br, zstd) may be valid JSON once the API decodes
    it: a warning that it was not checked, not an error."""
    encoding = (headers or {}).get("content-encoding", "").strip().lower()
    if problem.code != "invalid_json" or encoding in _DECODED_ENCODINGS:
        return problem
    reason = (f"the body is sent with Content-Encoding {encoding[:40]!r}, which claude-guard does not decode: its "
              "content was not checked")
    return make_violation("invalid_json", "", severity="warning", reason=reason)


def _run(rules: Tuple[Rule, ...], ctx: Context) -> None:
    for rule in rules:
        try:
            rule(ctx)
        except Exception as exc:  # noqa: BLE001 - the engine never raises; a rule bug becomes a warning
            ctx.found.append(engine_error(ctx.path(), getattr(rule, "__name__", "rule"), exc))


def _run_request_rules(ctx: Context) -> None:
    """The request rules, less those whose trigger the body does not hold (``_rules/_gates``: same answer)."""
    if not _gates.GATING:
        _run(REQUEST_RULES, ctx)
        return
    try:
        present = features(ctx)
        plan = _PLANNER.plan(present)
    except Exception:  # noqa: BLE001 - a walk that fails opens every gate
        plan = REQUEST_RULES
    _run(plan, ctx)


def _sort_key(v: Violation, order: Dict[str, int]) -> Tuple[int, int, int]:
    """Errors first; a 413 (the body is refused before anything is read) before the rest; then catalog order."""
    return (0 if v.severity == "error" else 1, 0 if v.status == 413 else 1, order.get(v.code, 10_000))


def _dedupe(found: List[Violation]) -> List[Violation]:
    seen = set()
    out = []
    for v in found:
        key = (v.code, v.path, v.message)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def validate_request(
    body: Any,
    *,
    headers: Optional[Mapping[str, Any]] = None,
    endpoint: str = "/v1/messages",
    registry: Optional[Registry] = None,
) -> List[Violation]:
    """Return every reason the Messages API would (or may) reject this request, most decisive first.

    ``body``: a JSON value, or ``bytes``/``str`` to parse.  ``headers``: the request headers
    (case-insensitive), or ``None`` when unknown (header-dependent rules then warn at most).
    ``endpoint``: ``/v1/messages``, ``/v1/messages/count_tokens``, ``/v1/messages/batches``, a full URL,
    or a Bedrock/Vertex URL.  Never raises: a failure of the engine itself (a package data file that cannot be
    read included) is an ``engine_error`` violation.  The first call runs :func:`preload` unless it already ran.
    """
    try:
        _preloaded()
        ep = parse_endpoint(endpoint)
        if ep.kind is None:
            return []
        return _validate(body, normalize_headers(headers), ep, registry or default_registry())
    except Exception as exc:  # noqa: BLE001 - last line of defence: never raise, read no file
        return [engine_error("", "validate_request", exc)]


def validate_normalized(
    body: Any, headers: Optional[Dict[str, str]], endpoint: Endpoint, registry: Optional[Registry]
) -> List[Violation]:
    """:func:`validate_request` for a caller that already parsed the endpoint (``parse_endpoint``: a Messages
    endpoint) and normalised the headers (``normalize_headers``), as the pytest plugin does for every request."""
    try:
        _preloaded()
        return _validate(body, headers, endpoint, registry or default_registry())
    except Exception as exc:  # noqa: BLE001 - as validate_request
        return [engine_error("", "validate_request", exc)]


def preload(*, sdk: bool = True) -> None:
    """Load everything checking a request needs, so that checking one later reads no file and imports nothing.

    Reads the cause catalog, the built-in model table and every schema, compiles every validator and imports
    jsonschema (about a third of a second, once per process; later calls return at once).  Importing the package
    does not run it: the pytest plugin calls it when pytest configures, and :func:`validate_request` on its first
    call.  Call it yourself before the first request is checked inside an event loop (or anywhere blocking file
    I/O is refused).  Raises what stopped it (``OSError`` when the package data cannot be read); a later call
    tries again.  ``sdk=False`` (the pytest plugin) leaves out reading the installed SDK's request types unless the
    SDK is already imported (importing it costs seconds); the plugin reads them when the code under test imports it.
    """
    _preloaded()
    if sdk:
        _sdk_fields.preload()


@lru_cache(maxsize=1)
def _preloaded() -> bool:
    """Runs the loads once: a success is cached, a failure is not (the next call retries)."""
    _code_order()  # the cause catalog, in order
    default_registry()
    _schemas.preload()
    _preload_rules()
    _evidence.preload()
    return True


def _validate(body: Any, hdrs: Optional[Dict[str, str]], ep: Endpoint, registry: Registry) -> List[Violation]:
    parsed, problem, raw_len = _parse_body(body, ep.kind)
    ctx = Context(body=parsed if isinstance(parsed, dict) else {}, endpoint=ep, headers=hdrs, registry=registry,
                  raw_len=raw_len)
    if problem is not None and parsed is not None:  # a warning beside a parsed body (_parse_body)
        ctx.found.append(problem)
    elif problem is not None:
        ctx.found.append(_undecoded(problem, hdrs))
        _run(ENVELOPE_RULES, ctx)  # headers are still judged
        return _finish(ctx.found, ctx)
    _run(ENVELOPE_RULES, ctx)
    if ep.kind == "batches" and ep.platform != "anthropic":
        ctx.report("batch_on_platform", "", platform=ep.platform.title())  # no such endpoint: nothing else matters
        return _finish(ctx.found, ctx)
    if ep.kind == "batches":
        _media.begin_request()  # the media budget the batch's items share (a single request's scan starts its own)
        _run(BATCH_RULES, ctx)
        found = _evidence.scoped(list(ctx.found), ctx)
        requests = parsed.get("requests")
        if isinstance(requests, list):
            for i, item in enumerate(requests):
                params = item.get("params") if isinstance(item, dict) else None
                if not isinstance(params, dict):
                    continue
                sub = Context(
                    body=params,
                    endpoint=Endpoint("messages", ep.platform, None),
                    headers=hdrs,
                    registry=registry,
                    prefix=f"requests.{i}.params",
                    in_batch=True,
                )
                _run_request_rules(sub)
                found.extend(_evidence.scoped(sub.found, sub))
        return _finish(found)
    _run_request_rules(ctx)
    return _finish(ctx.found, ctx)


def _finish(found: List[Violation], ctx: Optional[Context] = None) -> List[Violation]:
    """Dedupe and sort; with ``ctx``, first scope severities to the evidence ledger (_evidence.scoped)."""
    if not found:
        return found  # the common case: nothing to scope, dedupe or sort
    order = _code_order()
    unique = _dedupe(_evidence.scoped(found, ctx) if ctx is not None else found)
    # stable sort: errors first, then the catalog's most decisive causes, then discovery order
    return sorted(unique, key=lambda v: _sort_key(v, order))


@lru_cache(maxsize=1)
def _code_order() -> Dict[str, int]:
    """Causes sort in the order of the catalog data, which lists the most decisive first."""
    return {code: i for i, code in enumerate(causes())}
