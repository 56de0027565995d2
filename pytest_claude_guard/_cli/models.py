"""``claude-guard models``: ``list`` the model registry (the default: ``claude-guard models``), ``refresh`` it from
the live Models API.

The list shows each model's lifecycle as of today (``CLAUDE_GUARD_TODAY`` or the system clock) with its end of
life and the source of each fact: the built-in table, the installed SDK, or a registry file (``--models``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, TextIO

from .._core._models import (
    BUILTIN,
    LIFECYCLE_FIELDS,
    THINKING_TYPES,
    ModelInfo,
    Registry,
    TodayError,
    default_registry,
    load_registry,
    today_info,
)
from .models_refresh import DEFAULT_BASE_URL, Opener, RefreshError, build_registry_file, fetch_models

__all__ = ["add_parser", "run_list", "run_refresh", "format_table", "DEFAULT_OUTPUT"]

DEFAULT_OUTPUT = "claude-guard-models.json"
KEY_ENV = "ANTHROPIC_API_KEY"
BASE_URL_ENV = "ANTHROPIC_BASE_URL"


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser("models", help="show or refresh the model table the rules use")
    p.add_argument("--models", metavar="PATH", help="a registry file from 'claude-guard models refresh'")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_list)  # `claude-guard models` alone lists
    sub = p.add_subparsers(dest="models_command")

    ls = sub.add_parser(
        "list",
        help="print the model registry: built-in table < installed SDK < registry file, with lifecycles by date",
    )
    ls.add_argument("--models", metavar="PATH", help="a registry file from 'claude-guard models refresh'")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    ls.set_defaults(func=run_list)

    rf = sub.add_parser(
        "refresh",
        help="write a registry file from GET /v1/models (needs ANTHROPIC_API_KEY)",
        description=(
            "Read every model from the live Models API (GET /v1/models, all pages, all lifecycle stages) and "
            "write a registry file for --models or the claude_guard_models ini option. Needs "
            "ANTHROPIC_API_KEY; "
            "the key is sent only to the Models API and never printed."
        ),
    )
    rf.add_argument(
        "--output",
        "-o",
        default=DEFAULT_OUTPUT,
        help=f"where to write (default: {DEFAULT_OUTPUT}; '-' = stdout)",
    )
    rf.add_argument(
        "--base-url",
        default=None,
        help=f"API base URL (default: ${BASE_URL_ENV} or {DEFAULT_BASE_URL})",
    )
    rf.set_defaults(func=run_refresh)


# --- list -------------------------------------------------------------------------------------------------


def _tokens(value: Optional[int]) -> str:
    if value is None:
        return "?"
    if value >= 1_000_000 and value % 1_000_000 == 0:
        return f"{value // 1_000_000}M"
    if value >= 1000 and value % 1000 == 0:
        return f"{value // 1000}K"
    return str(value)


def _flag(value: Optional[bool]) -> str:
    return "?" if value is None else ("yes" if value else "no")


def _thinking(info: ModelInfo) -> str:
    kinds = [k for k in THINKING_TYPES if info.thinking_supported(k)]
    unknown = any(info.thinking_supported(k) is None for k in THINKING_TYPES)
    text = ",".join(kinds) or "-"
    return text + (" ?" if unknown else "")


def _effort(info: ModelInfo) -> str:
    if info.effort_levels is None:
        return "?"
    return ",".join(info.effort_levels) if info.effort_levels else "no"


COLUMNS = ("id", "snapshot", "lifecycle", "source", "context", "max out", "thinking", "prefill", "effort", "other sources")


def _lifecycle(registry: Registry, info: ModelInfo, day: date) -> str:
    """``deprecated until 2027-01-22 (53 days left)``, ``retired (end of life 2026-06-30)``, ``active``."""
    stage = registry.lifecycle_on(info, day)
    eol = info.end_of_life
    if eol is None:
        return stage + (f" ({info.retired_on})" if info.retired_on else "")
    if stage == "retired":
        return f"retired (end of life {eol.isoformat()})"
    days = (eol - day).days
    if days < 0:
        left = f"retirement overdue, served on {info.served_on}" if info.served_on else "retirement overdue"
    else:
        left = "last day" if days == 0 else f"{days} day{'s' if days != 1 else ''} left"
    return f"{stage} until {eol.isoformat()} ({left})"


def _lifecycle_source(info: ModelInfo) -> str:
    sources = [info.source_of(f) for f in LIFECYCLE_FIELDS if f == "lifecycle" or info.retired_on]
    return "+".join(dict.fromkeys(sources))


def _other_sources(info: ModelInfo) -> str:
    """Facts other than the lifecycle that do not come from the built-in table, grouped by source."""
    by_source: Dict[str, List[str]] = {}
    for fact, source in info.sources.items():
        if fact not in LIFECYCLE_FIELDS and source != BUILTIN:
            by_source.setdefault(source, []).append(fact)
    return "; ".join(f"{source}: {','.join(sorted(facts))}" for source, facts in sorted(by_source.items())) or "-"


def format_table(registry: Registry, day: Optional[date] = None) -> str:
    """One row per model, sorted by id; ``?`` marks what is unknown (rules stay silent there)."""
    when = day or today_info().day
    rows: List[Sequence[str]] = [COLUMNS]
    for info in sorted(registry.models.values(), key=lambda m: m.id):
        rows.append(
            (
                info.id,
                info.snapshot or "-",
                _lifecycle(registry, info, when),
                _lifecycle_source(info),
                _tokens(info.context_window),
                _tokens(info.max_output),
                _thinking(info),
                _flag(info.prefill),
                _effort(info),
                _other_sources(info),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_header(registry: Registry) -> str:
    """Two lines: the date lifecycles are judged against, and the sources merged (the newest wins)."""
    now = today_info()
    return f"today: {now.day.isoformat()} ({now.source})\nsources, newest last (it wins): " + " < ".join(
        registry.layers
    )


def _model_json(registry: Registry, info: ModelInfo, day: date) -> Dict[str, Any]:
    data = asdict(info)
    data["thinking"] = dict(info.thinking)
    eol = info.end_of_life
    data["lifecycle_today"] = registry.lifecycle_on(info, day)
    data["end_of_life"] = eol.isoformat() if eol else None
    data["days_left"] = (eol - day).days if eol else None
    data["sources"] = {k: info.source_of(k) for k in data if k in ModelInfo.__dataclass_fields__ and k != "sources"
                       and data[k] not in (None, [], (), {})}
    return data


def run_list(
    args: argparse.Namespace, *, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None
) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        registry = _registry(args.models)
    except TodayError as exc:
        print(f"claude-guard models: {exc}", file=err)
        return 2
    except FileNotFoundError:
        print(f"claude-guard models list: --models {args.models}: no such file", file=err)
        return 2
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        print(f"claude-guard models list: --models {args.models}: not a registry file ({exc})", file=err)
        return 2
    now = today_info()
    if args.format == "json":
        models = [_model_json(registry, m, now.day) for m in sorted(registry.models.values(), key=lambda m: m.id)]
        document = {"today": now.day.isoformat(), "today_source": now.source, "sources": list(registry.layers),
                    "models": models}
        print(json.dumps(document, indent=2), file=out)
    else:
        print(format_header(registry) + "\n\n" + format_table(registry, now.day), file=out)
    return 0


def _registry(path: Optional[str]) -> Registry:
    default = default_registry()  # reads CLAUDE_GUARD_TODAY (TodayError) and the installed SDK
    return load_registry(path) if path else default


# --- refresh ----------------------------------------------------------------------------------------------


def run_refresh(
    args: argparse.Namespace,
    *,
    stdout: Optional[TextIO] = None,
    stderr: Optional[TextIO] = None,
    opener: Optional[Opener] = None,
) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    api_key = os.environ.get(KEY_ENV, "").strip()
    if not api_key:
        print(
            f"claude-guard models refresh: {KEY_ENV} is not set; it is needed to read GET /v1/models "
            "(the built-in model table stays in use)",
            file=err,
        )
        return 2
    base_url = args.base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    try:
        models = fetch_models(api_key, base_url=base_url, opener=opener)
    except RefreshError as exc:
        print(f"claude-guard models refresh: {str(exc).replace(api_key, '***')}", file=err)
        return 1
    document = build_registry_file(models, base_url=base_url)
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    known = default_registry()
    new_ids = [m["id"] for m in document["models"] if known.find(m["id"]) is None and not known.is_retired_id(m["id"])]
    note = f" ({len(new_ids)} not in the built-in table or the installed SDK: {', '.join(new_ids)})" if new_ids else ""
    if args.output == "-":
        out.write(text)
    else:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"claude-guard models refresh: cannot write {args.output}: {exc.strerror or exc}", file=err)
            return 2
    where = "stdout" if args.output == "-" else args.output
    print(f"wrote {len(document['models'])} model(s) to {where}{note}", file=err)
    if args.output != "-":
        print(
            f"use it with: claude-guard check --models {args.output} ..."
            f"  or ini: claude_guard_models = {args.output}",
            file=err,
        )
    return 0
