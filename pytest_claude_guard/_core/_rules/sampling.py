"""Rules: temperature / top_p / top_k, judged under the request's API version."""
from __future__ import annotations

from typing import Any, Callable, Dict, Tuple

from .._context import Context
from ._walk import thinking_type

PARAMS = ("temperature", "top_p", "top_k")


def _set(body: Dict[str, Any]) -> Dict[str, Any]:
    """Sampling params that count as set: present, numeric, and not the -1 'unset' sentinel real traffic uses."""
    out = {}
    for p in PARAMS:
        v = body.get(p)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v != -1:
            out[p] = v
    return out


# -1 was the "unset" sentinel of older models (``top_p: range: -1 or 0..1``); current models reject it with
# "`<param>` cannot be set to -1 for this model".  Which params a model rejects it for is a model fact
# (``ModelInfo.minus_one_rejected``, with its evidence in data/models.json): an error there; on a known model
# without that fact, a warning; top_k=-1: no evidence of a rejection, still "unset".


def minus_one(ctx: Context) -> None:
    """``temperature: -1`` / ``top_p: -1`` under 2023-06-01 on a known model (an unknown one: not judged)."""
    version = ctx.api_version
    model = ctx.model
    if version == "2026-10-21" or model is None:
        return
    hd = version is None
    for p in ("temperature", "top_p"):
        v = ctx.body.get(p)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != -1:
            continue
        known = model.minus_one_rejected is not None and p in model.minus_one_rejected
        ctx.report("sampling_param_minus_one", p, header_dependent=hd, severity=None if known else "warning",
                   param=p, model=model.display_id)


def removed_2026(ctx: Context) -> None:
    if ctx.api_version != "2026-10-21":
        return
    for p in PARAMS:
        if p in ctx.body and ctx.body[p] is not None:
            ctx.report("sampling_param_removed_2026_10_21", p, param=p)


def legacy_rules(ctx: Context) -> None:
    """2023-06-01 (or an unknown version, as warnings): ranges, per-model restrictions, thinking."""
    version = ctx.api_version
    if version == "2026-10-21":
        return
    hd = version is None
    values = _set(ctx.body)
    if not values:
        return
    temp, top_p = values.get("temperature"), values.get("top_p")
    if temp is not None and temp > 1:
        ctx.report("sampling_param_range", "temperature", header_dependent=hd, param="temperature", value=temp,
                   range="[0, 1]", api_detail="Input should be less than or equal to 1")
    if top_p is not None and top_p > 1:
        ctx.report("sampling_param_range", "top_p", header_dependent=hd, param="top_p", value=top_p,
                   range="[0, 1]", api_detail="Input should be less than or equal to 1")
    th = thinking_type(ctx)
    if th in ("enabled", "adaptive"):
        _with_thinking(ctx, values, hd)
        return
    model = ctx.model
    if model is None:
        return
    if model.sampling_restricted:
        for p, v in values.items():
            bad = (p == "temperature" and v != 1) or (p == "top_p" and v < 0.99) or p == "top_k"
            if bad:
                allowed = {"temperature": "only 1.0 is accepted", "top_p": "only values >= 0.99 are accepted",
                           "top_k": "no value is accepted"}[p]
                ctx.report("sampling_param_unsupported_model", p, header_dependent=hd, model=model.id, param=p,
                           value=v, allowed=allowed)
    elif model.temperature_top_p_exclusive and "temperature" in values and "top_p" in values:
        ctx.report("temperature_and_top_p_both", "top_p", header_dependent=hd, model=model.id)


def _with_thinking(ctx: Context, values: Dict[str, Any], hd: bool) -> None:
    docs = "Please consult our documentation at https://platform.claude.com/docs/en/build-with-claude/extended-thinking"
    temp, top_p = values.get("temperature"), values.get("top_p")
    if temp is not None and temp != 1:
        ctx.report("sampling_with_thinking", "temperature", header_dependent=hd,
                   detail=f"temperature={temp} with thinking on (only 1 is allowed)",
                   api_detail=f"`temperature` may only be set to 1 when thinking is enabled or in adaptive mode. {docs}")
    if "top_k" in values:
        ctx.report("sampling_with_thinking", "top_k", header_dependent=hd, detail="top_k is set with thinking on",
                   api_detail=f"`top_k` must be unset when thinking is enabled. {docs}")
    if top_p is not None and not 0.95 <= top_p <= 1:
        ctx.report("sampling_with_thinking", "top_p", header_dependent=hd,
                   detail=f"top_p={top_p} with thinking on (only 0.95 to 1 is allowed)",
                   api_detail=f"`top_p` must be between 0.95 and 1 when thinking is enabled. {docs}")


RULES: Tuple[Callable[[Context], None], ...] = (removed_2026, minus_one, legacy_rules)
