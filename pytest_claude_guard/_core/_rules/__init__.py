"""The semantic rules, grouped by what they own.  Each module exposes ``RULES``: functions ``(ctx) -> None``
that call ``ctx.report(...)``.  The order here is the order of evaluation."""
from __future__ import annotations

from typing import Callable, Tuple

from .._context import Context
from . import batches, caching, envelope, media, messages, model, output, sampling, shape, system, thinking, tools

__all__ = ["Rule", "ENVELOPE_RULES", "BATCH_RULES", "REQUEST_RULES", "preload"]

Rule = Callable[[Context], None]

ENVELOPE_RULES: Tuple[Rule, ...] = envelope.RULES
BATCH_RULES: Tuple[Rule, ...] = batches.RULES
REQUEST_RULES: Tuple[Rule, ...] = (
    *shape.RULES,
    *model.RULES,
    *messages.RULES,
    *system.RULES,
    *tools.RULES,
    *thinking.RULES,
    *sampling.RULES,
    *output.RULES,
    *caching.RULES,
    *media.RULES,
)


def preload() -> None:
    """Import and warm what the rules would otherwise load on first use (see ``_engine.preload``)."""
    shape.preload()
