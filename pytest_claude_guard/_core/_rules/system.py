"""Rules: the top-level ``system`` prompt's text blocks.

A whitespace-only system text block is rejected: ``system: text content blocks must contain non-whitespace text``
(BoltAI/BoltAI#165, Claude 3.5 Sonnet, 2024; anomalyco/opencode#35101, Opus 4.7+, 2026; a ``cache_control``
breakpoint on it does not save it: NousResearch/hermes-agent#86643).  Seen on Anthropic's API: a warning on
Bedrock and Vertex, where no evidence covers it.  An empty block is ``text_block_empty`` (messages rules); a
whitespace-only ``system`` *string* is not judged (an empty string is accepted; nothing public shows the rest)."""
from __future__ import annotations

from typing import Callable, Tuple

from .._context import Context


def system_whitespace_blocks(ctx: Context) -> None:
    system = ctx.body.get("system")
    if not isinstance(system, list):
        return
    severity = None if ctx.endpoint.platform == "anthropic" else "warning"
    for j, b in enumerate(system):
        if not isinstance(b, dict) or b.get("type") != "text":
            continue
        text = b.get("text")
        if isinstance(text, str) and text and not text.strip():
            ctx.report("system_text_whitespace_only", "system", j, "text", severity=severity)


RULES: Tuple[Callable[[Context], None], ...] = (system_whitespace_blocks,)
