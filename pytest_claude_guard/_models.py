"""Models as data: ids, aliases, limits, lifecycle and capabilities (``data/models.json``).

``None`` for any capability means *unknown*: rules that need it stay silent.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple, Union

__all__ = ["ModelInfo", "Lookup", "Registry", "default_registry", "load_registry"]

THINKING_TYPES = ("adaptive", "enabled", "disabled", "between_tools")


@dataclass(frozen=True)
class ModelInfo:
    id: str
    snapshot: Optional[str] = None
    aliases: Tuple[str, ...] = ()
    lifecycle: str = "active"  # active | deprecated | retired
    retired_on: Optional[str] = None
    context_window: Optional[int] = None
    max_output: Optional[int] = None
    max_output_batch: Optional[int] = None  # higher ceiling accepted through Message Batches
    thinking: Mapping[str, Optional[bool]] = field(default_factory=dict)
    thinking_default_on: Optional[bool] = None
    prefill: Optional[bool] = None
    sampling_restricted: Optional[bool] = None  # 2023-06-01: temperature != 1 / top_p < .99 / top_k -> 400
    temperature_top_p_exclusive: Optional[bool] = None
    effort_levels: Optional[Tuple[str, ...]] = None  # () = effort unsupported; None = unknown
    disabled_max_effort: Optional[str] = None  # thinking disabled only with effort <= this
    structured_outputs: Optional[bool] = None
    citations: Optional[bool] = None
    mid_conversation_system: Optional[bool] = None
    forced_tool_choice: Optional[bool] = None
    inference_geo: Optional[bool] = None
    max_images: Optional[int] = None
    max_pdf_pages: Optional[int] = None
    legacy_computer_tools: Optional[bool] = None  # computer_20250124/20251124 still accepted

    @property
    def display_id(self) -> str:
        """The id the API names in its messages (the dated snapshot where one exists)."""
        return self.snapshot or self.id

    def thinking_supported(self, kind: str) -> Optional[bool]:
        return self.thinking.get(kind)


@dataclass(frozen=True)
class Lookup:
    status: str  # "known" | "retired" | "unknown"
    info: Optional[ModelInfo] = None
    suggestion: Optional[str] = None


def _info_from(raw: Mapping[str, Any]) -> ModelInfo:
    data = dict(raw)
    data["aliases"] = tuple(data.get("aliases") or ())
    if data.get("effort_levels") is not None:
        data["effort_levels"] = tuple(data["effort_levels"])
    data["thinking"] = dict(data.get("thinking") or {})
    known = set(ModelInfo.__dataclass_fields__)
    return ModelInfo(**{k: v for k, v in data.items() if k in known})


class Registry:
    """Read-only lookup of model ids, aliases and snapshots."""

    def __init__(self, models: Mapping[str, ModelInfo], retired: Mapping[str, str], retired_prefixes: Tuple[str, ...]):
        self._models = dict(models)
        self._by_name: Dict[str, ModelInfo] = {}
        for info in models.values():
            for name in (info.id, info.snapshot, *info.aliases):
                if name:
                    self._by_name[name] = info
        self._retired = dict(retired)
        self._retired_prefixes = retired_prefixes
        self._suggestions: Dict[str, Optional[str]] = {}

    @property
    def models(self) -> Mapping[str, ModelInfo]:
        return self._models

    def names(self) -> Tuple[str, ...]:
        return tuple(sorted(self._by_name))

    def lookup(self, model: str) -> Lookup:
        info = self._by_name.get(model)
        if info is not None:
            if info.lifecycle == "retired":
                return Lookup("retired", info)
            return Lookup("known", info)
        if model in self._retired or any(model.startswith(p) for p in self._retired_prefixes):
            return Lookup("retired", None, self._suggest(model))
        return Lookup("unknown", None, self._suggest(model))

    def _suggest(self, model: str) -> Optional[str]:
        if model not in self._suggestions:
            if len(self._suggestions) > 4096:
                self._suggestions.clear()
            self._suggestions[model] = self._closest(model)
        return self._suggestions[model]

    def _closest(self, model: str) -> Optional[str]:
        active = [n for n, i in self._by_name.items() if i.lifecycle != "retired"]
        lowered = model.strip().lower()
        for name in active:
            if name.lower() == lowered:
                return name
        close = difflib.get_close_matches(lowered, active, n=1, cutoff=0.6)
        return close[0] if close else None

    def with_overrides(self, models: Mapping[str, ModelInfo]) -> "Registry":
        merged = dict(self._models)
        merged.update(models)
        return Registry(merged, self._retired, self._retired_prefixes)


def _registry_from(raw: Mapping[str, Any]) -> Registry:
    models = {m["id"]: _info_from(m) for m in raw.get("models", [])}
    retired = {r: "retired" for r in raw.get("retired_ids", [])}
    prefixes = tuple(raw.get("retired_prefixes", []))
    return Registry(models, retired, prefixes)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The built-in registry: every model anthropic 2.12.0 knows plus the retired ids."""
    text = resources.files(__package__).joinpath("data", "models.json").read_text("utf-8")
    return _registry_from(json.loads(text))


def load_registry(path: Union[str, Path]) -> Registry:
    """The built-in registry with a registry file (``claude-guard models refresh``) laid over it, field by field.

    A field the file leaves out keeps its built-in value, so a refresh never switches a rule off by accident.
    """
    raw = json.loads(Path(path).read_text("utf-8"))
    base = default_registry()
    known_fields = set(ModelInfo.__dataclass_fields__)
    merged: Dict[str, ModelInfo] = {}
    for item in raw.get("models", []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        known = base.lookup(item["id"]).info
        if known is None:
            merged[item["id"]] = _info_from(item)
            continue
        fields = {k: v for k, v in item.items() if k in known_fields and k != "id"}
        if "thinking" in fields:
            fields["thinking"] = {**known.thinking, **(fields["thinking"] or {})}
        if "aliases" in fields:
            fields["aliases"] = tuple(fields["aliases"] or ())
        if fields.get("effort_levels") is not None:
            fields["effort_levels"] = tuple(fields["effort_levels"])
        merged[known.id] = dataclasses.replace(known, **fields)
    return base.with_overrides(merged)
