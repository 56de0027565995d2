"""Models as data: ids, aliases, limits, lifecycle and capabilities, in three layers.

The registry the rules use is, field by field, the newest source winning:

1. the built-in table (``data/models.json``);
2. what the installed ``anthropic`` SDK knows (``_models_sdk``): its model ids and aliases, the end-of-life dates
   of its deprecated models, the models on which ``thinking.type=enabled`` is deprecated but accepted;
3. a registry file from ``claude-guard models refresh`` (the live Models API), when one is given.

``None`` for any capability means *unknown*: rules that need it stay silent.  Each model records which source
each of its facts came from (``ModelInfo.sources``; a fact not listed there is the built-in table's).

Lifecycle is judged by date: a model whose end of life (``retired_on``) has passed is retired from the next day
on, whatever its declared stage.  "Today" is read once, at preload: ``CLAUDE_GUARD_TODAY=YYYY-MM-DD`` when set,
else the system clock; :func:`set_today` / :func:`configure_today` override it (library, plugin ini key).
"""
from __future__ import annotations

import dataclasses
import difflib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple, Union

from ._models_sdk import SdkFacts, parse_end_of_life, read_sdk

__all__ = [
    "ModelInfo",
    "Lookup",
    "Registry",
    "Today",
    "TodayError",
    "TODAY_ENV",
    "BUILTIN",
    "SDK",
    "default_registry",
    "builtin_registry",
    "load_registry",
    "today",
    "today_info",
    "set_today",
    "today_as",
    "configure_today",
]

THINKING_TYPES = ("adaptive", "enabled", "disabled", "between_tools")
TODAY_ENV = "CLAUDE_GUARD_TODAY"
BUILTIN = "built-in"
SDK = "SDK"
LIFECYCLE_FIELDS = ("lifecycle", "retired_on")
_STAGES = {"active": 0, "deprecated": 1, "retired": 2}


@dataclass(frozen=True)
class ModelInfo:
    id: str
    snapshot: Optional[str] = None
    aliases: Tuple[str, ...] = ()
    lifecycle: str = "active"  # active | deprecated | retired, as declared; see Registry.lifecycle_on for today's
    retired_on: Optional[str] = None  # end of life: the last day served (YYYY-MM-DD; YYYY-MM = the month's end)
    context_window: Optional[int] = None
    max_output: Optional[int] = None
    # the highest ceiling reachable through Message Batches (with a beta of max_output_betas; rules read those)
    max_output_batch: Optional[int] = None
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
    # 2023-06-01: the sampling params whose -1 ("unset" on older models) gets a 400; None = unknown
    minus_one_rejected: Optional[Tuple[str, ...]] = None
    between_tools_max_effort: Optional[str] = None  # between_tools thinking only with effort <= this
    # role "system" inside messages, per platform other than the first-party API (which is
    # mid_conversation_system): "bedrock" | "vertex" | "foundry" -> True (seen accepted) / False (rejected)
    mid_conversation_system_platforms: Mapping[str, Optional[bool]] = field(default_factory=dict)
    # max_tokens ceilings a beta header raises in Message Batches: beta value -> tokens
    # (e.g. output-300k-2026-03-24 -> 300000); {} = none known
    max_output_betas: Mapping[str, int] = field(default_factory=dict)
    # forced tool_choice (any / tool) with *adaptive* thinking on /v1/messages: True = recorded rejected ("Thinking
    # may not be enabled when tool_choice forces tool use.") before the API documented it as supported (a warning);
    # False = recorded accepted; None = unknown
    adaptive_forced_tool_rejected: Optional[bool] = None
    # the day a source saw it served (a Models API file's fetched_at, for a stage it states other than retired):
    # a deprecated model seen served after its end of life is overdue, not retired ("lifecycle is the signal")
    served_on: Optional[str] = None
    # which source each fact came from (field -> BUILTIN | SDK | the registry file's label); absent = BUILTIN
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)
    # the public evidence behind each built-in fact (field -> docs URLs, issue threads with the API's message, SDK
    # modules); data/models.json's "evidence", with "@name" references resolved from its "references"
    evidence: Mapping[str, Tuple[str, ...]] = field(default_factory=dict, compare=False)

    @property
    def display_id(self) -> str:
        """The id the API names in its messages (the dated snapshot where one exists)."""
        return self.snapshot or self.id

    def thinking_supported(self, kind: str) -> Optional[bool]:
        return self.thinking.get(kind)

    def mid_conversation_system_on(self, platform: str) -> Optional[bool]:
        """Whether role "system" inside messages is accepted on ``platform`` (the evidence ledger's names:
        "anthropic", "bedrock", "vertex", "foundry", "mantle"); None = unknown (no fact for that platform)."""
        if platform == "anthropic":
            return self.mid_conversation_system
        return self.mid_conversation_system_platforms.get(platform)

    def evidence_for(self, fact: str) -> Tuple[str, ...]:
        return tuple(self.evidence.get(fact, ()))

    def source_of(self, fact: str) -> str:
        return self.sources.get(fact, BUILTIN)

    @property
    def end_of_life(self) -> Optional[date]:
        return _end_of_life(self.retired_on)


@dataclass(frozen=True)
class Lookup:
    status: str  # "known" (served today, active or deprecated) | "retired" | "unknown"
    info: Optional[ModelInfo] = None
    suggestion: Optional[str] = None
    lifecycle: str = "active"  # today's stage: active | deprecated | retired ("retired" for unknown retired ids)
    end_of_life: Optional[date] = None
    today: Optional[date] = None

    @property
    def days_left(self) -> Optional[int]:
        """Days from today to the end of life (0: today is the last day served); None when either is unknown."""
        if self.end_of_life is None or self.today is None:
            return None
        return (self.end_of_life - self.today).days


# --- today ------------------------------------------------------------------------------------------------------


class TodayError(ValueError):
    """A date for "today" that is not YYYY-MM-DD; the message names where it came from."""


@dataclass(frozen=True)
class Today:
    day: date
    source: str  # "CLAUDE_GUARD_TODAY", "ini claude_guard_today", "set_today()", "system clock"


def parse_day(text: str, source: str) -> date:
    """``YYYY-MM-DD`` -> date; anything else -> :class:`TodayError` naming ``source``."""
    value = text.strip()
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise TodayError(f"{source}={text!r} is not a date: expected YYYY-MM-DD, e.g. 2027-01-23") from None


def _read_today() -> Today:
    """``CLAUDE_GUARD_TODAY`` when set (and valid), else the system clock."""
    raw = os.environ.get(TODAY_ENV, "")
    if raw.strip():
        return Today(parse_day(raw, TODAY_ENV), TODAY_ENV)
    return Today(date.today(), "system clock")


@lru_cache(maxsize=1)
def _process_today() -> Today:
    """Read once per process (at preload, by ``default_registry``), never per request."""
    return _read_today()


class _TodayOverride:
    """The one settable cell: a date set by :func:`set_today` (library) or :func:`configure_today` (plugin ini)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: Optional[Today] = None


_OVERRIDE = _TodayOverride()


def today_info() -> Today:
    """The date lifecycles are judged against, and where it came from."""
    return _OVERRIDE.value or _process_today()


def today() -> date:
    """The date lifecycles are judged against (see :func:`today_info`)."""
    return today_info().day


def set_today(value: Union[date, str, None], *, source: str = "set_today()") -> Today:
    """Judge lifecycles as of ``value`` (a date or ``YYYY-MM-DD``) from now on; ``None`` goes back to
    ``CLAUDE_GUARD_TODAY`` or the system clock.  A bad string raises :class:`TodayError` naming ``source``.
    Returns the date now in force.  Cheap: reads no file."""
    if value is None:
        _OVERRIDE.value = None
    elif isinstance(value, date):
        _OVERRIDE.value = Today(value, source)
    else:
        _OVERRIDE.value = Today(parse_day(str(value), source), source)
    return today_info()


@contextmanager
def today_as(value: Union[date, str]) -> Iterator[Today]:
    """``with today_as("2027-01-23"): ...`` judges lifecycles as of that date inside the block, then restores
    whatever was in force (tests, reproducible checks)."""
    previous = _OVERRIDE.value
    try:
        yield set_today(value)
    finally:
        _OVERRIDE.value = previous


def configure_today(ini_value: Optional[str], *, source: str = "ini claude_guard_today") -> Today:
    """For the pytest plugin: ``CLAUDE_GUARD_TODAY`` > the ini value > the system clock.  Returns the date in force
    and its source (for the report); a bad value raises :class:`TodayError` naming the variable or the ini key."""
    env = _process_today()
    if env.source == TODAY_ENV or ini_value is None or not str(ini_value).strip():
        _OVERRIDE.value = None
        return env
    return set_today(str(ini_value), source=source)


# --- the registry -----------------------------------------------------------------------------------------------


def _end_of_life(text: Optional[str]) -> Optional[date]:
    """``YYYY-MM-DD`` (or any date ``parse_end_of_life`` reads); ``YYYY-MM`` = the last day of that month."""
    if not text:
        return None
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        year, month = int(text[:4]), int(text[5:])
        if 1 <= month <= 12:
            nxt = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return None
    return parse_end_of_life(text)


def _effective_end(info: ModelInfo) -> Optional[date]:
    """The end of life that retires the model by date; None when a source saw it served after that day."""
    eol = info.end_of_life
    served = _end_of_life(info.served_on)
    if eol is not None and served is not None and served > eol:
        return None
    return eol


_TUPLE_FIELDS = ("effort_levels", "minus_one_rejected")
_MAP_FIELDS = ("thinking", "mid_conversation_system_platforms", "max_output_betas")
FACT_FIELDS = frozenset(ModelInfo.__dataclass_fields__) - {"sources", "served_on", "evidence"}


def _normalise(data: Dict[str, Any]) -> Dict[str, Any]:
    """JSON lists -> tuples, JSON objects -> dicts, for the fields that hold them."""
    for key in _TUPLE_FIELDS:
        if data.get(key) is not None:
            data[key] = tuple(data[key])
    for key in _MAP_FIELDS:
        if key in data:
            data[key] = dict(data[key] or {})
    return data


def _resolve_evidence(raw: Any, references: Mapping[str, str]) -> Dict[str, Tuple[str, ...]]:
    """``{"fact": ["@name", "text"]}`` -> ``{"fact": ("<references[name]>", "text")}``."""
    if not isinstance(raw, dict):
        return {}
    out: Dict[str, Tuple[str, ...]] = {}
    for fact, items in raw.items():
        listed = [items] if isinstance(items, str) else list(items or ())
        out[fact] = tuple(references.get(i[1:], i) if isinstance(i, str) and i.startswith("@") else str(i)
                          for i in listed)
    return out


def _info_from(raw: Mapping[str, Any], source: Optional[str] = None,
               references: Optional[Mapping[str, str]] = None) -> ModelInfo:
    data = _normalise(dict(raw))
    data["aliases"] = tuple(data.get("aliases") or ())
    data["thinking"] = dict(data.get("thinking") or {})
    fields = {k: v for k, v in data.items() if k in FACT_FIELDS}
    if source is not None and source != BUILTIN:
        fields["sources"] = {k: source for k in fields if k != "id" and fields[k] not in (None, (), {})}
    if references is not None:
        fields["evidence"] = _resolve_evidence(data.get("evidence"), references)
    return ModelInfo(**fields)


class Registry:
    """Read-only lookup of model ids, aliases and snapshots, with each model's lifecycle as of :func:`today`."""

    def __init__(
        self,
        models: Mapping[str, ModelInfo],
        retired: Mapping[str, str],
        retired_prefixes: Tuple[str, ...],
        layers: Tuple[str, ...] = (BUILTIN,),
    ):
        self._models = dict(models)
        self._by_name: Dict[str, ModelInfo] = {}
        for info in models.values():
            for name in (info.id, info.snapshot, *info.aliases):
                if name:
                    self._by_name[name] = info
        self._eol = {info.id: _effective_end(info) for info in models.values()}  # the date that retires it
        self._stated_eol = {info.id: info.end_of_life for info in models.values()}  # the date shown
        self._retired = dict(retired)
        self._retired_prefixes = retired_prefixes
        self._layers = layers
        self._suggestions: Dict[Tuple[str, date], Optional[str]] = {}
        self._lookups: Dict[Tuple[str, date], Lookup] = {}  # (model, day) -> its lookup: a Lookup is immutable

    @property
    def models(self) -> Mapping[str, ModelInfo]:
        return self._models

    @property
    def layers(self) -> Tuple[str, ...]:
        """The sources merged into this registry, oldest first (built-in, the SDK, a registry file)."""
        return self._layers

    def names(self) -> Tuple[str, ...]:
        return tuple(sorted(self._by_name))

    def find(self, name: str) -> Optional[ModelInfo]:
        """The model an id, snapshot or alias names, whatever its lifecycle; None when unknown."""
        return self._by_name.get(name)

    def is_retired_id(self, name: str) -> bool:
        """An id listed as retired without a model entry (``retired_ids``, ``retired_prefixes``)."""
        return name in self._retired or any(name.startswith(p) for p in self._retired_prefixes)

    def lifecycle_on(self, info: ModelInfo, day: date) -> str:
        """``retired`` when declared so or when ``day`` is after the end of life; else the declared stage."""
        eol = self._eol[info.id] if self._models.get(info.id) is info else _effective_end(info)
        if info.lifecycle == "retired" or (eol is not None and day > eol):
            return "retired"
        return info.lifecycle if info.lifecycle in _STAGES else "active"

    def lookup(self, model: str) -> Lookup:
        day = today()
        key = (model, day)
        found = self._lookups.get(key)
        if found is None:
            found = self._lookup(model, day)
            if len(self._lookups) >= 4096:
                self._lookups.clear()
            self._lookups[key] = found
        return found

    def _lookup(self, model: str, day: date) -> Lookup:
        info = self._by_name.get(model)
        if info is not None:
            stage = self.lifecycle_on(info, day)
            eol = self._stated_eol[info.id] if self._models.get(info.id) is info else info.end_of_life
            # no suggestion for a model we know: closeness of spelling does not name its successor
            return Lookup("retired" if stage == "retired" else "known", info, None, stage, eol, day)
        if self.is_retired_id(model):
            return Lookup("retired", None, self._suggest(model, day), "retired", None, day)
        return Lookup("unknown", None, self._suggest(model, day), "active", None, day)

    def _suggest(self, model: str, day: date) -> Optional[str]:
        key = (model, day)
        if key not in self._suggestions:
            if len(self._suggestions) > 4096:
                self._suggestions.clear()
            self._suggestions[key] = self._closest(model, day)
        return self._suggestions[key]

    def _closest(self, model: str, day: date) -> Optional[str]:
        """The closest name served on ``day`` (models not deprecated first), never ``model`` itself."""
        lowered = model.strip().lower()
        stages = {n: self.lifecycle_on(i, day) for n, i in self._by_name.items()}
        for wanted in (("active",), ("active", "deprecated")):
            names = [n for n, s in stages.items() if s in wanted and n != model]
            for name in names:
                if name.lower() == lowered:
                    return name
            close = difflib.get_close_matches(lowered, names, n=1, cutoff=0.6)
            if close:
                return close[0]
        return None

    def with_overrides(self, models: Mapping[str, ModelInfo], layer: Optional[str] = None) -> "Registry":
        merged = dict(self._models)
        merged.update(models)
        layers = self._layers + ((layer,) if layer else ())
        return Registry(merged, self._retired, self._retired_prefixes, layers)


def _registry_from(raw: Mapping[str, Any]) -> Registry:
    references = raw.get("references") or {}
    models = {m["id"]: _info_from(m, references=references) for m in raw.get("models", [])}
    retired = {r: "retired" for r in raw.get("retired_ids", [])}
    prefixes = tuple(raw.get("retired_prefixes", []))
    return Registry(models, retired, prefixes, (BUILTIN,))


def _merge(known: ModelInfo, fields: Mapping[str, Any], source: str) -> ModelInfo:
    """``known`` with ``fields`` laid over it (thinking key by key), each new fact credited to ``source``."""
    changes = _normalise(dict(fields))
    for key in _MAP_FIELDS:  # laid over key by key
        if key in changes:
            changes[key] = {**getattr(known, key), **changes[key]}
    if "aliases" in changes:
        changes["aliases"] = tuple(changes["aliases"] or ())
    sources = dict(known.sources)
    sources.update((k, source) for k in changes)
    return dataclasses.replace(known, **changes, sources=sources)


@lru_cache(maxsize=1)
def builtin_registry() -> Registry:
    """The built-in table alone (``data/models.json``)."""
    text = resources.files("pytest_claude_guard").joinpath("data", "models.json").read_text("utf-8")
    return _registry_from(json.loads(text))


@lru_cache(maxsize=1)
def sdk_facts() -> Optional[SdkFacts]:
    """What the installed SDK knows about models (read once per process; None without a readable SDK)."""
    return read_sdk()


def _dated_parent(name: str) -> Optional[str]:
    """``claude-x-20251001`` -> ``claude-x`` (a dated snapshot's model id); else None."""
    head, _, tail = name.rpartition("-")
    return head if head and len(tail) == 8 and tail.isdigit() else None


def with_sdk(base: Registry, facts: Optional[SdkFacts]) -> Registry:
    """``base`` with the SDK's facts laid over it, field by field (the same whatever the date).

    * An id the SDK's model types name that ``base`` does not know becomes known: as an alias of its model when it
      is a dated snapshot of one, else as a model of its own whose capabilities are unknown.  An id ``base``
      lists as retired stays retired (an older SDK still names models retired since).
    * A name in the SDK's deprecation data: its model becomes ``deprecated`` with that end of life (the SDK's
      date wins); a model declared retired stays retired.
    * A model on which the SDK deprecates ``thinking.type=enabled`` accepts it.
    """
    if facts is None:
        return base
    merged: Dict[str, ModelInfo] = {}

    def model_for(name: str) -> Optional[ModelInfo]:
        info = base.find(name)
        if info is not None:
            return merged.get(info.id, info)
        return next((m for m in merged.values() if name == m.id or name in m.aliases), None)

    def known(name: str) -> Optional[ModelInfo]:
        """The model ``name`` names, made known when it is new; None for an id retired in ``base``."""
        info = model_for(name)
        if info is not None or base.is_retired_id(name):
            return info
        parent_id = _dated_parent(name)
        parent = model_for(parent_id) if parent_id else None
        if parent is not None:
            merged[parent.id] = _merge(parent, {"aliases": (*parent.aliases, name)}, SDK)
        else:
            merged[name] = ModelInfo(id=name, sources={"id": SDK})
        return model_for(name)

    for name in facts.model_ids:
        known(name)
    for name, eol in facts.end_of_life.items():
        info = known(name)
        if info is None or info.lifecycle == "retired":
            continue
        fields: Dict[str, Any] = {"lifecycle": "deprecated"}
        if eol is not None:
            fields["retired_on"] = eol.isoformat()
        merged[info.id] = _merge(info, fields, SDK)
    for name in facts.thinking_enabled_deprecated:
        info = model_for(name)
        if info is not None and info.lifecycle != "retired" and info.thinking_supported("enabled") is not True:
            merged[info.id] = _merge(info, {"thinking": {"enabled": True}}, SDK)
    return base.with_overrides(merged, f"{facts.label} ({facts.location})")


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The built-in table with the installed SDK's facts laid over it.  Built once per process, at preload; that
    is also when "today" is read (``CLAUDE_GUARD_TODAY``: a bad value raises :class:`TodayError`)."""
    _process_today()
    return with_sdk(builtin_registry(), sdk_facts())


def load_registry(path: Union[str, Path]) -> Registry:
    """The default registry (built-in + SDK) with a registry file (``claude-guard models refresh``) laid over it,
    field by field: the file is the newest source, so what it states wins.

    A field the file leaves out keeps its value, so a refresh never switches a rule off by accident; except that
    a ``lifecycle`` comes with its end of life: a file stating a stage without ``retired_on`` means no retirement
    is scheduled (the Models API's ``retires_at`` is null while a model is active); and a stage other than
    ``retired`` stated by a file fetched after the end of life means retirement is overdue, not done: the model
    stays served (with the deprecation warning) until a newer file says ``retired``.
    """
    raw = json.loads(Path(path).read_text("utf-8"))
    base = default_registry()
    label = f"file {Path(path).name}"
    fetched_day = parse_end_of_life(raw.get("fetched_at"))
    fetched = fetched_day.isoformat() if fetched_day else None
    known_fields = FACT_FIELDS
    merged: Dict[str, ModelInfo] = {}
    for item in raw.get("models", []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        known = base.find(item["id"])
        if known is None:
            merged[item["id"]] = _info_from(item, label)
            continue
        known = merged.get(known.id, known)
        fields = {k: v for k, v in item.items() if k in known_fields and k != "id"}
        if "lifecycle" in fields:  # a stage and its date are one fact: no date stated = none scheduled
            fields.setdefault("retired_on", None)
            if fields["lifecycle"] != "retired" and fetched:
                fields["served_on"] = fetched
        merged[known.id] = _merge(known, fields, label)
    return base.with_overrides(merged, f"{label} ({Path(path)})")

