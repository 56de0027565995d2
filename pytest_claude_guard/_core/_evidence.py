"""The evidence ledger (``data/evidence.json``): which situations each cause has been seen rejected in.

Severity follows evidence.  A cause is an error only in the situations its evidence covers: the model, the
endpoint (``messages``, ``count_tokens``, ``batches``), the platform (``anthropic``, ``bedrock``, ``vertex``,
``foundry``, ``mantle``) and the API version.  Beyond them (a model, endpoint, platform or version no entry
covers) the same finding is a warning, and a cause without any covered situation is a warning everywhere.

Each cause in the ledger lists its evidence entries (what was seen, where) and its ``scope``: the boxes of
situations it covers, each dimension either ``"*"`` (with the reason the evidence holds for every value) or the
values the entries were seen with.  :func:`preload` compiles the boxes once; :func:`scope` then costs a dict
lookup and a few set tests per error, and nothing when a request has no error.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

from ._violation import Violation

__all__ = ["Situation", "Box", "ledger", "boxes", "covered", "scope", "scoped", "situation_of", "preload", "KINDS", "DIMENSIONS",
           "ENDPOINTS", "PLATFORMS", "VERSIONS", "platform_of", "describe_scope", "has_evidence", "short_ref"]

KINDS = ("recorded", "issue", "docs", "sdk")
DIMENSIONS = ("models", "endpoints", "platforms", "versions")
ENDPOINTS = ("messages", "count_tokens", "batches")
PLATFORMS = ("anthropic", "bedrock", "vertex", "foundry", "mantle")
VERSIONS = ("2023-06-01", "2026-10-21", "2023-01-01")

_ANY: Optional[FrozenSet[str]] = None  # a dimension that covers every value


@dataclass(frozen=True)
class Situation:
    """Where one finding was made: the model (its canonical id; None when unknown), the endpoint kind (a batch
    item counts as ``batches``), the platform and the API version (None when the headers are unknown)."""

    model: Optional[str]
    endpoint: str
    platform: str
    version: Optional[str]


@dataclass(frozen=True)
class Box:
    """One covered region: per dimension, the covered values, or None for every value."""

    models: Optional[FrozenSet[str]]
    endpoints: Optional[FrozenSet[str]]
    platforms: Optional[FrozenSet[str]]
    versions: Optional[FrozenSet[str]]

    def covers(self, s: Situation) -> bool:
        if self.models is not None and (s.model is None or s.model not in self.models):
            return False
        if self.endpoints is not None and s.endpoint not in self.endpoints:
            return False
        if self.platforms is not None and s.platform not in self.platforms:
            return False
        # an unknown version (no headers) is judged by the other dimensions: header-dependent rules already warn
        return self.versions is None or s.version is None or s.version in self.versions


@lru_cache(maxsize=1)
def ledger() -> Dict[str, Any]:
    """The ledger as shipped (read once)."""
    data: Dict[str, Any] = json.loads(
        resources.files("pytest_claude_guard").joinpath("data", "evidence.json").read_text("utf-8"))
    return data


def _dim(value: Any) -> Optional[FrozenSet[str]]:
    return _ANY if value == "*" else frozenset(str(v) for v in value)


@lru_cache(maxsize=1)
def boxes() -> Dict[str, Tuple[Box, ...]]:
    """cause code -> the boxes its evidence covers (compiled once, at preload)."""
    out: Dict[str, Tuple[Box, ...]] = {}
    for code, entry in ledger()["causes"].items():
        out[code] = tuple(Box(*(_dim(b[d]) for d in DIMENSIONS)) for b in entry.get("scope", ()))
    return out


def preload() -> None:
    boxes()


def has_evidence(code: str) -> bool:
    """Is ``code`` an error anywhere (does its evidence cover any situation)?"""
    return bool(boxes().get(code))


def covered(code: str, situation: Situation) -> bool:
    """Does any evidence of ``code`` cover ``situation``?"""
    return any(b.covers(situation) for b in boxes().get(code, ()))


def platform_of(platform: str, service: str, host: str) -> str:
    """The ledger's platform name for an endpoint: Bedrock and Vertex by URL, Bedrock Mantle and Microsoft Foundry
    by host; Anthropic's own API otherwise (its hosts, a bare path, gateways forwarding to it)."""
    if platform != "anthropic":
        return platform
    if service == "bedrock-mantle":
        return "mantle"
    if host.endswith(".services.ai.azure.com") or host.endswith(".azure.com"):
        return "foundry"
    return "anthropic"


def scope(found: Sequence[Violation], situation: Situation) -> List[Violation]:
    """``found`` with each error outside its cause's evidence turned into a warning (the rest unchanged)."""
    table = boxes()
    out: List[Violation] = []
    for v in found:
        if v.severity == "error" and not any(b.covers(situation) for b in table.get(v.code, ())):
            v = replace(v, severity="warning")
        out.append(v)
    return out


def describe_scope(code: str) -> str:
    """Where the cause is an error by default, for the README: ``error``, ``error (<where>); warning elsewhere``
    or ``warning`` (no evidence of a rejection covers any situation)."""
    entry = ledger()["causes"].get(code) or {}
    scope_ = entry.get("scope") or ()
    if not scope_:
        return "warning"
    if all(all(b[d] == "*" for d in DIMENSIONS) for b in scope_):
        return "error"
    parts = []
    for b in scope_:
        where = [_say(b, d) for d in ("platforms", "endpoints", "models", "versions")]
        parts.append(", ".join(w for w in where if w))
    return f"error ({'; '.join(parts)}); warning elsewhere"


def short_ref(code: str) -> str:
    """The cause's first piece of evidence as a short Markdown link (or corpus id / SDK file), for the README."""
    entries = (ledger()["causes"].get(code) or {}).get("evidence") or ()
    rank = {"issue": 0, "recorded": 1, "docs": 2, "sdk": 3}
    for e in sorted(entries, key=lambda e: rank.get(e["kind"], 9)):
        if e["kind"] == "issue":
            return f"[{e['repo']}#{e['number']}]({e['url']})"
        if e["kind"] == "recorded":
            return f"[{e['url'].split('github.com/')[-1]}]({e['url']})" if "url" in e else f"corpus `{e['id'].split('@')[0]}`"
        if e["kind"] == "docs":
            return f"[docs]({e['url']})"
        return f"SDK `{e['file']}`"
    return "—"


_NAMES = {"anthropic": "Anthropic API", "bedrock": "Bedrock", "vertex": "Vertex", "foundry": "Foundry",
          "mantle": "Bedrock Mantle"}


def _say(box: Mapping[str, Any], dim: str) -> str:
    value = box[dim]
    if value == "*":
        return ""
    if dim == "platforms":
        return " / ".join(_NAMES.get(v, v) for v in value)
    if dim == "endpoints":
        return " / ".join(value)
    if dim == "versions":
        return "version " + " / ".join(value)
    return ", ".join(value)


def situation_of(ctx: Any) -> Situation:
    """The situation of a request Context (duck-typed: ``_context`` imports nothing from here)."""
    ep = ctx.endpoint
    lookup = ctx.lookup
    model = lookup.info.id if lookup is not None and lookup.info is not None else ctx.model_name
    return Situation(model=model if isinstance(model, str) else None,
                     endpoint="batches" if ctx.in_batch else str(ep.kind),
                     platform=platform_of(ep.platform, ep.service, ep.host),
                     version=ctx.api_version)


def scoped(found: List[Violation], ctx: Any) -> List[Violation]:
    """:func:`scope` for a Context's findings; free when nothing is an error."""
    if not any(v.severity == "error" for v in found):
        return found
    return scope(found, situation_of(ctx))
