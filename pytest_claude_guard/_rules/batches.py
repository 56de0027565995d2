"""Rules: the Message Batches envelope (the shape rule checks count and custom_id patterns)."""
from __future__ import annotations

from typing import Callable, Dict, Tuple

from .._context import Context
from . import shape

BATCH_LIMIT = 256 * 1024 * 1024


def custom_ids(ctx: Context) -> None:
    requests = ctx.body.get("requests")
    if not isinstance(requests, list):
        return
    seen: Dict[str, int] = {}
    for i, item in enumerate(requests):
        cid = item.get("custom_id") if isinstance(item, dict) else None
        if isinstance(cid, str):
            if cid in seen:
                ctx.report("batch_custom_id_duplicate", "requests", i, "custom_id", value=cid)
            seen[cid] = i
        params = item.get("params") if isinstance(item, dict) else None
        if isinstance(params, dict) and "fallbacks" in params:
            ctx.report("batch_fallbacks", "requests", i, "params", "fallbacks")


def size(ctx: Context) -> None:
    raw = ctx.raw_len
    if isinstance(raw, int) and raw > BATCH_LIMIT:
        ctx.report("batch_too_large", "", size=raw)


def platform(ctx: Context) -> None:
    if ctx.endpoint.platform != "anthropic":
        ctx.report("batch_on_platform", "", platform=ctx.endpoint.platform.title())


RULES: Tuple[Callable[[Context], None], ...] = (platform, *getattr(shape, "BATCH_RULES", ()), custom_ids, size)
