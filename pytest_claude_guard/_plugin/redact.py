"""The plugin's names for the one redaction module, `pytest_claude_guard._secrets` (pure, shared with the CLI
and the cassette linter): secrets are masked at capture time, so nothing unredacted is ever stored."""

from __future__ import annotations

from .._secrets import MASK, SHOWN_HEADERS, clean_url, redact_body, redact_headers, redact_text

__all__ = ["redact_text", "redact_headers", "redact_body", "clean_url", "MASK", "SHOWN_HEADERS"]
