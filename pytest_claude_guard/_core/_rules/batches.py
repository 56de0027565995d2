"""Rules: the Message Batches envelope (the shape rule checks count and custom_id patterns)."""
from __future__ import annotations

from typing import Any, Callable, Dict, Tuple

from .._context import Context
from . import shape

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


BATCH_LIMIT = 256 * 1024 * 1024


def _string_chars(value: Any) -> int:
    """A lower bound of the serialized size: the characters of every string (iterative, no recursion)."""
    total, stack = 0, [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            total += len(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
            total += sum(len(k) for k in v if isinstance(k, str))
        elif isinstance(v, list):
            stack.extend(v)
    return total


def size(ctx: Context) -> None:
    """Over 256 MB: the raw size when known (larger raw bodies are refused unparsed), else a lower bound."""
    if ctx.raw_len is not None:
        return
    estimate = _string_chars(ctx.body.get("requests"))
    if estimate > BATCH_LIMIT:
        ctx.report("batch_too_large", "", size=estimate)


RULES: Tuple[Callable[[Context], None], ...] = (*getattr(shape, "BATCH_RULES", ()), custom_ids, size)
