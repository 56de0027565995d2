"""One request, normalised for the rules: endpoint kind, platform, API version, betas, model."""
from __future__ import annotations

import base64
import operator
import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Optional, Tuple
from urllib.parse import unquote, urlsplit

from ._causes import make_violation
from ._headers import NormalizedHeaders
from ._models import Lookup, ModelInfo, Registry
from ._violation import Violation

__all__ = ["Context", "Endpoint", "parse_endpoint", "unwrap_body", "normalize_headers", "KNOWN_VERSIONS", "SDK_DEFAULT_VERSION"]

KNOWN_VERSIONS = ("2023-06-01", "2026-10-21", "2023-01-01")
SDK_DEFAULT_VERSION = "2026-10-21"

_BEDROCK = re.compile(r"/model/(?P<model>[^/]+)/(?P<op>invoke|invoke-with-response-stream|count-tokens)$")
_VERTEX = re.compile(r"/publishers/anthropic/models/(?P<model>[^/:]+):(?P<op>rawPredict|streamRawPredict)$")
# A Bedrock model id names its provider: ``[region.]provider.model``; ARNs and other ids do not.
_BEDROCK_PROVIDER = re.compile(r"^(?:[a-z]{2,6}\.)?(?P<provider>[a-z0-9-]+)\.[a-z0-9]")
# Mantle takes Bedrock-style ids in the body (``anthropic.claude-opus-4-6``): the rules judge the Anthropic id.
_MANTLE_MODEL = re.compile(r"^(?:[a-z]{2,6}\.)?anthropic\.(?P<id>claude-.+)$")

# Services that speak the Messages API (the body and headers of api.anthropic.com) on their own hosts and attach
# their own credentials (SigV4, a Google bearer token) after the request is built: (host test, service name).
_SERVICES: Tuple[Tuple[Callable[[str], bool], str], ...] = (
    (lambda host: "bedrock" in host, "bedrock-mantle"),  # bedrock-mantle.<region>.api.aws/anthropic/v1/messages
    (lambda host: host.startswith("aws-external-anthropic."), "aws"),  # AnthropicAWS
    (lambda host: host == "claude.googleapis.com", "google-cloud"),  # AnthropicGoogleCloud
)


@dataclass(frozen=True)
class Endpoint:
    kind: Optional[str]  # "messages" | "count_tokens" | "batches" | None (not a Messages endpoint)
    platform: str = "anthropic"  # "anthropic" | "bedrock" | "vertex": which body format (and rules) apply
    url_model: Optional[str] = None  # Bedrock/Vertex carry the model in the URL
    beta: bool = False  # `?beta=true`: the SDK's beta namespace (client.beta.messages...)
    service: str = ""  # who serves a Messages-format endpoint when not Anthropic: "bedrock-mantle", "aws", ...
    host: str = ""  # the URL's host ("" for a bare path: the SDK's default, Anthropic's API)


def parse_endpoint(endpoint: Any) -> Endpoint:
    """Understand ``/v1/messages``, ``/v1/messages?beta=true``, full URLs, and Bedrock/Vertex URLs."""
    return _parse_endpoint(str(endpoint or "/v1/messages").strip())


def _bedrock_model_is_claude(model: str, host: str, prefix: str) -> bool:
    """Bedrock InvokeModel URLs are ours on any host and under any prefix (gateways, proxies, VPC endpoints) when
    the model id names Anthropic; other providers' models (``amazon.titan-...``, ``meta.llama...``) never are;
    an id naming no provider (an ARN, a provisioned model) is ours on a Bedrock host or path."""
    lowered = model.lower()
    if "anthropic" in lowered or "claude" in lowered:
        return True
    if not lowered.startswith("arn:") and _BEDROCK_PROVIDER.match(lowered):
        return False
    return "bedrock" in host or "bedrock" in prefix.lower() or not host or not prefix


@lru_cache(maxsize=256)
def _parse_endpoint(text: str) -> Endpoint:
    try:
        parts = urlsplit(text)
        path = parts.path or text
        host = (parts.hostname or "").lower()
    except ValueError:
        path, host = text, ""
    path = path.rstrip("/")
    beta = "beta=true" in text.partition("?")[2].lower()
    m = _BEDROCK.search(path)
    if m:
        model = unquote(m.group("model"))
        if not _bedrock_model_is_claude(model, host, path[: m.start()]):
            return Endpoint(None)
        kind = "count_tokens" if m.group("op") == "count-tokens" else "messages"
        return Endpoint(kind, "bedrock", model)
    m = _VERTEX.search(path)
    if m:
        model = m.group("model")
        if model == "count-tokens":
            return Endpoint("count_tokens", "vertex", None)
        return Endpoint("messages", "vertex", model)
    if path.endswith("/messages/batches"):
        # no cloud platform has the Batches endpoint (Mantle included)
        platform = "bedrock" if "bedrock" in host else "vertex" if host.endswith("aiplatform.googleapis.com") else "anthropic"
        return Endpoint("batches", platform, beta=beta, host=host)
    platform = "vertex" if host.endswith("aiplatform.googleapis.com") else "anthropic"
    service = next((name for test, name in _SERVICES if test(host)), "") if platform == "anthropic" else ""
    if path.endswith("/messages/count_tokens"):
        return Endpoint("count_tokens", platform, beta=beta, service=service, host=host)
    if path.endswith("/messages"):
        return Endpoint("messages", platform, beta=beta, service=service, host=host)
    return Endpoint(None)


def unwrap_body(endpoint: Endpoint, body: Dict[str, Any]) -> Tuple[Endpoint, Dict[str, Any], str, Optional[str]]:
    """The body the rules judge: Bedrock CountTokens wraps an InvokeModel body, base64-encoded, in
    ``{"input": {"invokeModel": {"body": ...}}}``; that inner body is judged (as a Messages body when it has
    ``max_tokens``, the InvokeModel body it is, else as a count_tokens body), at path ``input.invokeModel.body``.
    Returns (endpoint, body, path prefix, reason it cannot be read or None).  A ``converse`` input is not a
    Messages body: nothing is judged."""
    wrapper = body.get("input") if endpoint.platform == "bedrock" and endpoint.kind == "count_tokens" else None
    if not isinstance(wrapper, dict):
        return endpoint, body, "", None
    skip = Endpoint(None, endpoint.platform, endpoint.url_model)
    invoke = wrapper.get("invokeModel")
    if not isinstance(invoke, dict):
        return skip, {}, "", None
    inner = _decode_blob(invoke.get("body"))
    if not isinstance(inner, dict):
        return skip, {}, "", "input.invokeModel.body is not the base64 encoding of a JSON object"
    kind = "messages" if "max_tokens" in inner else "count_tokens"
    return replace(endpoint, kind=kind), inner, "input.invokeModel.body", None


def _decode_blob(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if not text.startswith("{"):
            text = base64.b64decode(text, validate=True).decode("utf-8")
        return json.loads(text)
    except (ValueError, RecursionError):  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None


# raw header name (bytes) -> its lower-cased text: a client sends the same few names on every request
_HEADER_NAMES: Dict[bytes, str] = {}
_HEADER_NAMES_MAX = 1024


_ITEM = [operator.itemgetter(i) for i in range(3)]
# a client's header names, joined -> the names as text: a client sends the same names on every request, so their
# text (and its hash) is made once, not per request
_NAME_LISTS: Dict[bytes, Tuple[str, ...]] = {}
_NAME_LISTS_MAX = 256


def _from_raw(raw: List[Any], name: int, value: int) -> Optional[Dict[str, str]]:
    """httpx's raw header tuples (the name at index ``name``, the value at ``value``, both bytes), normalised in a
    few C calls: None when a name repeats (joined with ", " by the loop instead) or a value holds a line break
    (the join below could not be split back)."""
    try:
        joined = b"\n".join(map(_ITEM[name], raw))
        names = _NAME_LISTS.get(joined)
        if names is None:
            names = tuple(joined.lower().decode("latin-1").split("\n"))
            if len(_NAME_LISTS) < _NAME_LISTS_MAX:
                _NAME_LISTS[joined] = names
        values = b"\n".join(map(_ITEM[value], raw)).decode("latin-1").split("\n")
    except (TypeError, IndexError, AttributeError, ValueError):
        return None
    if len(values) != len(raw) or len(names) != len(raw):
        return None
    out = NormalizedHeaders(zip(names, values))
    return out if len(out) == len(raw) else None


def normalize_headers(headers: Any) -> Optional[Dict[str, str]]:
    """Lower-cased header names; repeated headers joined with ", " (as they reach the API)."""
    if headers is None:
        return None
    if type(headers) is NormalizedHeaders:
        return headers
    out: Dict[str, str] = NormalizedHeaders()
    triples = getattr(headers, "_list", None) if hasattr(headers, "multi_items") else None
    if type(triples) is list:  # httpx / httpx2 Headers keep (name, lower-cased name, value) bytes triples
        fast = _from_raw(triples, 1, 2)
        if fast is not None:
            return fast
    try:
        raw = getattr(headers, "raw", None)  # httpx / httpx2 Headers: bytes pairs, no per-call decoding layer
        if isinstance(raw, list) and hasattr(headers, "multi_items"):
            fast = _from_raw(raw, 0, 1)
            if fast is not None:
                return fast
            try:
                names = _HEADER_NAMES
                for key, value in raw:
                    k = names.get(key)
                    if k is None:
                        k = key.decode("latin-1").lower()
                        if len(names) < _HEADER_NAMES_MAX:
                            names[bytes(key)] = k
                    v = value.decode("latin-1")
                    if k in out:
                        out[k] = f"{out[k]}, {v}"
                    else:
                        out[k] = v
                return out
            except (AttributeError, TypeError, ValueError):
                out.clear()  # not bytes pairs after all: the general path below
            items = raw
        elif hasattr(headers, "multi_items"):
            items = headers.multi_items()
        else:
            items = headers.items() if hasattr(headers, "items") else headers
        for key, value in items:
            if isinstance(key, bytes):
                key = key.decode("latin-1")
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            if isinstance(value, (list, tuple)):
                value = ", ".join(str(v) for v in value)
            k = str(key).lower()
            out[k] = f"{out[k]}, {value}" if k in out else str(value)
    except (TypeError, ValueError, AttributeError):
        return NormalizedHeaders()
    return out


_NO_BETAS: FrozenSet[str] = frozenset()


@dataclass
class Context:
    """Everything a rule may read about one request body (a batch item gets its own Context)."""

    body: Dict[str, Any]
    endpoint: Endpoint
    headers: Optional[Dict[str, str]]
    registry: Registry
    prefix: str = ""  # path prefix, e.g. "requests.3.params" for a batch item
    in_batch: bool = False
    lookup: Optional[Lookup] = None
    found: List[Violation] = field(default_factory=list)
    memo: Dict[str, Any] = field(default_factory=dict)  # per-request results shared by rules (turns, blocks)
    raw_len: Optional[int] = None  # exact size of the body as received, when it came as bytes/str

    def __post_init__(self) -> None:
        if self.prefix or self.endpoint.platform != "bedrock":
            return  # a batch item, a copy of a Context already unwrapped, or a body no platform wraps
        endpoint, body, prefix, problem = unwrap_body(self.endpoint, self.body)
        if body is not self.body:
            self.endpoint, self.body, self.prefix = endpoint, body, prefix
        if problem is not None:
            self.report("invalid_json", "input.invokeModel.body", reason=problem)

    # --- headers ------------------------------------------------------------------------------------
    @property
    def headers_known(self) -> bool:
        return self.headers is not None

    @property
    def api_version(self) -> Optional[str]:
        """The version the request is judged under; None when unknown (no headers, or an invalid value)."""
        if self.endpoint.platform != "anthropic":
            return "2023-06-01"  # Bedrock/Vertex pin the version in the body
        if self.headers is None:
            return None
        v = self.headers.get("anthropic-version", "")
        if v not in KNOWN_VERSIONS:
            v = v.strip()
        return v if v in KNOWN_VERSIONS else None

    @property
    def betas(self) -> Optional[FrozenSet[str]]:
        """Beta flags from ``anthropic-beta`` (and Bedrock's body ``anthropic_beta``); None = unknown."""
        if "betas" not in self.memo:  # read by several rules per request: parse the header once
            self.memo["betas"] = self._parse_betas()
        betas: Optional[FrozenSet[str]] = self.memo["betas"]
        return betas

    def _parse_betas(self) -> Optional[FrozenSet[str]]:
        body_beta = self.body.get("anthropic_beta") if self.endpoint.platform != "anthropic" else None
        headers = self.headers
        raw = headers.get("anthropic-beta", "") if headers is not None else ""
        if not raw and not isinstance(body_beta, list):  # the common case: no beta named anywhere
            return None if headers is None else _NO_BETAS
        values: List[str] = [str(b) for b in body_beta] if isinstance(body_beta, list) else []
        if headers is None:
            return None if not values else frozenset(values)
        values.extend(p.strip() for p in raw.split(",") if p.strip())
        return frozenset(values)

    def has_beta(self, prefix: str) -> Optional[bool]:
        """True/False when headers are known; None when unknown."""
        betas = self.betas
        if betas is None:
            return None
        return any(b.startswith(prefix) for b in betas)

    # --- model --------------------------------------------------------------------------------------
    @property
    def model_name(self) -> Optional[str]:
        if self.endpoint.url_model is not None:
            return self.endpoint.url_model
        m = self.body.get("model")
        if not isinstance(m, str):
            return None
        if self.endpoint.service == "bedrock-mantle":
            found = _MANTLE_MODEL.match(m)
            return found.group("id") if found else m
        return m

    @property
    def model(self) -> Optional[ModelInfo]:
        """The known (not retired) model, or None: model-dependent rules then stay silent."""
        if self.lookup is None or self.lookup.status != "known":
            return None
        return self.lookup.info

    # --- paths and reporting --------------------------------------------------------------------------
    def path(self, *parts: Any) -> str:
        joined = ".".join(str(p) for p in parts if p is not None and p != "")
        if self.prefix:
            return f"{self.prefix}.{joined}" if joined else self.prefix
        return joined

    def report(
        self,
        code: str,
        *parts: Any,
        header_dependent: bool = False,
        severity: Optional[str] = None,
        **params: Any,
    ) -> None:
        """Record a violation at ``path(*parts)``; header-dependent ones are warnings when headers are unknown."""
        if header_dependent and self.headers is None:
            severity = "warning"
        self.found.append(make_violation(code, self.path(*parts), severity=severity, **params))

    def iter_messages(self) -> Iterator[Tuple[int, Dict[str, Any]]]:
        """(index, message) for every message that is an object (listed once per request)."""
        listed = self.memo.get("messages")
        if listed is None:
            msgs = self.body.get("messages")
            listed = [(i, m) for i, m in enumerate(msgs) if isinstance(m, dict)] if isinstance(msgs, list) else []
            self.memo["messages"] = listed
        return iter(listed)
