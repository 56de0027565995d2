"""Secrets never leave the process: API keys, ``Authorization`` and AWS signature headers are masked."""

from __future__ import annotations

import re
from typing import Any, Dict

__all__ = ["redact_text", "redact_headers", "MASK"]

MASK = "[redacted]"
_KEY = re.compile(r"sk-ant-[A-Za-z0-9_\-]*")
_SECRET_HEADERS = ("x-api-key", "authorization", "proxy-authorization", "cookie", "set-cookie", "api-key")


def redact_text(text: str) -> str:
    return _KEY.sub("sk-ant-" + MASK, text)


def _secret(name: str) -> bool:
    return name in _SECRET_HEADERS or name.startswith("x-amz-") or "token" in name or "secret" in name


def redact_headers(headers: Any) -> Dict[str, str]:
    """Lower-cased headers with secret values masked (and any ``sk-ant-`` string anywhere)."""
    out: Dict[str, str] = {}
    try:
        items = list(headers.items())
    except AttributeError:
        return out
    for key, value in items:
        name = (key.decode("latin-1") if isinstance(key, bytes) else str(key)).lower()
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        out[name] = MASK if _secret(name) else redact_text(text)
    return out
