"""The one place violations become text, JSON, or an API-shaped error body."""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Sequence

from ._violation import Violation

__all__ = ["render_text", "render_line", "render_json", "to_api_error", "summary_line", "printable"]


def render_line(v: Violation, source: Optional[str] = None) -> str:
    """Compiler style: ``req.json: messages.1: prefill_not_supported: <message>``."""
    where = v.path or "(body)"
    head = f"{source}: " if source else ""
    sev = "" if v.severity == "error" else " [warning]"
    return f"{head}{where}: {v.code}{sev}: {v.message}"


def render_one(v: Violation) -> str:
    """Several lines for one violation: what, where, what the API answers, the fix and the docs anchor."""
    api = f"HTTP {v.status} {v.error_type}" if v.status else "client-side"
    lines = [
        f"{v.code} ({v.severity}, {v.confidence}) at {v.path or '(body)'}",
        f"  {v.message}",
    ]
    if v.api_message:
        lines.append(f"  API answers: {api}: {v.api_message}")
    elif v.status:
        lines.append(f"  API answers: {api}")
    lines.append(f"  Fix: {v.fix} See {v.docs}")
    return "\n".join(lines)


def render_text(violations: Iterable[Violation], *, header: Optional[str] = None) -> str:
    items = list(violations)
    if not items:
        return "no violations"
    parts = [header] if header else []
    parts.extend(render_one(v) for v in items)
    return "\n".join(parts)


def render_json(violations: Iterable[Violation], **extra: Any) -> List[Dict[str, Any]]:
    return [{**extra, **v.to_dict()} for v in violations]


def summary_line(violations: Sequence[Violation]) -> str:
    errors = sum(1 for v in violations if v.severity == "error")
    warnings = len(violations) - errors
    return f"{errors} error(s), {warnings} warning(s)"


def to_api_error(violations: Sequence[Violation]) -> Dict[str, Any]:
    """A body shaped like the API's error response, for the first (most decisive) error.

    ``{"type": "error", "error": {"type": ..., "message": ..., "details": {...}}, "request_id": ...}``
    """
    errors = [v for v in violations if v.severity == "error"] or list(violations)
    first = errors[0]
    message = first.api_message or (f"{first.path}: {first.message}" if first.path else first.message)
    return {
        "type": "error",
        "error": {
            "type": first.error_type or "invalid_request_error",
            "message": message,
            "details": {
                "claude_guard": {
                    "code": first.code,
                    "path": first.path,
                    "fix": first.fix,
                    "docs": first.docs,
                    "all_codes": [v.code for v in errors],
                }
            },
        },
        "request_id": "req_claude_guard_" + first.code,
    }


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)


def printable(text: str) -> str:
    """``text`` with lone surrogates (a request may hold them) as ``\\udXXX`` escapes: encodable everywhere."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
