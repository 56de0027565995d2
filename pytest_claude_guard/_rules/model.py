"""Rules: the model id (retired, deprecated, unknown) and its output ceiling."""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, Optional, Tuple

from .._context import Context

_BEDROCK_ID = re.compile(r"^(?:[a-z]{2,6}\.)?anthropic\.(?P<id>.+?)(?:-v\d+(?::\d+)?)?$")


def normalize_model(name: str, platform: str) -> str:
    """Bedrock (``us.anthropic.claude-...-v1:0``) and Vertex (``claude-...@20250929``) ids to API ids."""
    if platform == "bedrock":
        m = _BEDROCK_ID.match(name)
        if m:
            return m.group("id")
    if platform == "vertex" and "@" in name:
        base, _, date = name.partition("@")
        return f"{base}-{date}" if date and date != "latest" else base
    return name


def _impossible(name: str) -> bool:
    """No Anthropic model id looks like this: the API surely answers 404."""
    return (not name.strip()) or name != name.strip() or " " in name or not name.startswith("claude-") or name != name.lower()


def _days_note(days: int, served_on: Optional[str]) -> str:
    if days < 0:
        seen = f": a registry file saw it served on {served_on}" if served_on else ""
        return f"retirement overdue by {-days} day{'s' if days != -1 else ''}{seen}"
    if days == 0:
        return "today is the last day it is served"
    return f"{days} day{'s' if days != 1 else ''} left"


def model_id(ctx: Context) -> None:
    name = ctx.model_name
    if name is None or name == "":
        return  # missing / empty / wrong type: the shape rule reports it
    norm = normalize_model(name, ctx.endpoint.platform)
    found = ctx.registry.lookup(norm)
    ctx.lookup = found
    where = "model" if ctx.endpoint.url_model is None else ""
    suggestion = found.suggestion
    params: Dict[str, Any] = {
        "model": name,
        "suggestion_note": f" (did you mean {suggestion}?)" if suggestion else "",
        "suggestion_fix": f", e.g. {suggestion}" if suggestion else "",
    }
    if found.status == "retired":
        retired_on = found.info.retired_on if found.info else None
        params["retired_note"] = f" (end of life {retired_on})" if retired_on else ""
        ctx.report("model_retired", where, **params)
    elif found.lifecycle == "deprecated" and found.end_of_life is not None and found.days_left is not None:
        ctx.report("model_deprecated", where, severity="warning", end_of_life=found.end_of_life.isoformat(),
                   days_note=_days_note(found.days_left, found.info.served_on if found.info else None), **params)
    elif found.status == "unknown":
        platform_default = ctx.endpoint.platform == "anthropic"
        severity = "error" if platform_default and _impossible(name) else "warning"
        ctx.report("model_not_found", where, severity=severity, **params)


def max_tokens_limit(ctx: Context) -> None:
    model = ctx.model
    value = ctx.body.get("max_tokens")
    if model is None or model.max_output is None or ctx.endpoint.kind != "messages":
        return
    if not isinstance(value, int) or isinstance(value, bool):
        return
    limit = model.max_output
    if ctx.in_batch and model.max_output_batch:
        limit = model.max_output_batch
    if value > limit:
        ctx.report("max_tokens_above_model_limit", "max_tokens", value=value, limit=limit, model=model.display_id)


RULES: Tuple[Callable[[Context], None], ...] = (model_id, max_tokens_limit)
