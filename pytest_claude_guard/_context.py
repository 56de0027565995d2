"""One request, normalised for the rules: endpoint kind, platform, API version, betas, model."""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Tuple
from urllib.parse import urlsplit

from ._causes import make_violation
from ._models import Lookup, ModelInfo, Registry
from ._violation import Violation

__all__ = ["Context", "Endpoint", "parse_endpoint", "normalize_headers", "KNOWN_VERSIONS", "SDK_DEFAULT_VERSION"]

KNOWN_VERSIONS = ("2023-06-01", "2026-10-21", "2023-01-01")
SDK_DEFAULT_VERSION = "2026-10-21"

_BEDROCK = re.compile(r"/model/(?P<model>[^/]+)/(?P<op>invoke|invoke-with-response-stream|count-tokens)$")
_VERTEX = re.compile(r"/publishers/anthropic/models/(?P<model>[^/:]+):(?P<op>rawPredict|streamRawPredict)$")


@dataclass(frozen=True)
class Endpoint:
    kind: Optional[str]  # "messages" | "count_tokens" | "batches" | None (not a Messages endpoint)
    platform: str = "anthropic"  # "anthropic" | "bedrock" | "vertex"
    url_model: Optional[str] = None  # Bedrock/Vertex carry the model in the URL
    beta: bool = False  # `?beta=true`: the SDK's beta namespace (client.beta.messages...)


def parse_endpoint(endpoint: Any) -> Endpoint:
    """Understand ``/v1/messages``, ``/v1/messages?beta=true``, full URLs, and Bedrock/Vertex URLs."""
    return _parse_endpoint(str(endpoint or "/v1/messages").strip())


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
    if m and ("bedrock" in host or not host or path.startswith("/model/")):
        from urllib.parse import unquote

        model = unquote(m.group("model"))
        kind = "count_tokens" if m.group("op") == "count-tokens" else "messages"
        return Endpoint(kind, "bedrock", model)
    m = _VERTEX.search(path)
    if m:
        model = m.group("model")
        if model == "count-tokens":
            return Endpoint("count_tokens", "vertex", None)
        return Endpoint("messages", "vertex", model)
    platform = "bedrock" if "bedrock" in host else "vertex" if host.endswith("aiplatform.googleapis.com") else "anthropic"
    if path.endswith("/messages/count_tokens"):
        return Endpoint("count_tokens", platform, beta=beta)
    if path.endswith("/messages/batches"):
        return Endpoint("batches", platform, beta=beta)
    if path.endswith("/messages"):
        return Endpoint("messages", platform, beta=beta)
    return Endpoint(None)


def normalize_headers(headers: Any) -> Optional[Dict[str, str]]:
    """Lower-cased header names; repeated headers joined with ", " (as they reach the API)."""
    if headers is None:
        return None
    out: Dict[str, str] = {}
    try:
        items = headers.items() if hasattr(headers, "items") else headers
        if hasattr(headers, "multi_items"):
            items = headers.multi_items()
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
        return {}
    return out


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
        v = self.headers.get("anthropic-version", "").strip()
        return v if v in KNOWN_VERSIONS else None

    @property
    def betas(self) -> Optional[FrozenSet[str]]:
        """Beta flags from ``anthropic-beta`` (and Bedrock's body ``anthropic_beta``); None = unknown."""
        if "betas" not in self.memo:  # read by several rules per request: parse the header once
            self.memo["betas"] = self._parse_betas()
        betas: Optional[FrozenSet[str]] = self.memo["betas"]
        return betas

    def _parse_betas(self) -> Optional[FrozenSet[str]]:
        values: List[str] = []
        body_beta = self.body.get("anthropic_beta") if self.endpoint.platform != "anthropic" else None
        if isinstance(body_beta, list):
            values.extend(str(b) for b in body_beta)
        if self.headers is None:
            return None if not values else frozenset(values)
        raw = self.headers.get("anthropic-beta", "")
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
        return m if isinstance(m, str) else None

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
        msgs = self.body.get("messages")
        if isinstance(msgs, list):
            for i, m in enumerate(msgs):
                if isinstance(m, dict):
                    yield i, m
