"""``claude-guard models``: ``list`` the model table, ``refresh`` it from the live Models API."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, TextIO

from ._models import THINKING_TYPES, ModelInfo, Registry, default_registry, load_registry
from ._models_refresh import DEFAULT_BASE_URL, Opener, RefreshError, build_registry_file, fetch_models

__all__ = ["add_parser", "run_list", "run_refresh", "format_table", "DEFAULT_OUTPUT"]

DEFAULT_OUTPUT = "claude-guard-models.json"
KEY_ENV = "ANTHROPIC_API_KEY"
BASE_URL_ENV = "ANTHROPIC_BASE_URL"


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser("models", help="show or refresh the model table the rules use")
    sub = p.add_subparsers(dest="models_command", required=True)

    ls = sub.add_parser("list", help="print the model table (built in, or with a registry file laid over it)")
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


COLUMNS = ("id", "snapshot", "lifecycle", "context", "max out", "thinking", "prefill", "effort")


def format_table(registry: Registry) -> str:
    """One row per model, sorted by id; ``?`` marks what is unknown (rules stay silent there)."""
    rows: List[Sequence[str]] = [COLUMNS]
    for info in sorted(registry.models.values(), key=lambda m: m.id):
        lifecycle = info.lifecycle + (f" ({info.retired_on})" if info.retired_on else "")
        rows.append(
            (
                info.id,
                info.snapshot or "-",
                lifecycle,
                _tokens(info.context_window),
                _tokens(info.max_output),
                _thinking(info),
                _flag(info.prefill),
                _effort(info),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _model_json(info: ModelInfo) -> Dict[str, Any]:
    data = asdict(info)
    data["thinking"] = dict(info.thinking)
    return data


def run_list(
    args: argparse.Namespace, *, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None
) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    if args.models:
        try:
            registry = load_registry(args.models)
        except FileNotFoundError:
            print(f"claude-guard models list: --models {args.models}: no such file", file=err)
            return 2
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            print(f"claude-guard models list: --models {args.models}: not a registry file ({exc})", file=err)
            return 2
    else:
        registry = default_registry()
    if args.format == "json":
        models = [_model_json(m) for m in sorted(registry.models.values(), key=lambda m: m.id)]
        print(json.dumps({"models": models}, indent=2), file=out)
    else:
        print(format_table(registry), file=out)
    return 0


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
    builtin = default_registry()
    new_ids = [m["id"] for m in document["models"] if builtin.lookup(m["id"]).status == "unknown"]
    note = f" ({len(new_ids)} not in the built-in table: {', '.join(new_ids)})" if new_ids else ""
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
