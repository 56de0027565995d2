"""Secrets never leave the process: API keys, ``Authorization`` and AWS signature headers are masked."""

from __future__ import annotations

import re
from typing import Any, Dict

__all__ = ["redact_text", "redact_headers", "MASK"]

MASK = "[redacted]"
_KEY = re.compile(r"sk-ant-[A-Za-z0-9_\-]*")
# Header values that may be shown: what the API and the SDK send that carries no credential.  Every other
# header's value is masked (gateway auth headers have names of their own: cf-aig-authorization,
# x-portkey-api-key, x-custom-auth, ...).
_SHOWN_HEADERS = frozenset(
    {
        "host", "accept", "accept-encoding", "connection", "content-type", "content-length", "content-encoding",
        "user-agent", "anthropic-version", "anthropic-beta", "anthropic-dangerous-direct-browser-access",
        "x-stainless-lang", "x-stainless-package-version", "x-stainless-os", "x-stainless-arch",
        "x-stainless-runtime", "x-stainless-runtime-version", "x-stainless-async", "x-stainless-retry-count",
        "x-stainless-timeout", "x-stainless-read-timeout", "x-stainless-helper-method", "x-stainless-stream-helper",
        "x-stainless-helper", "idempotency-key", "x-amz-date", "x-amz-content-sha256", "x-amzn-bedrock-accept",
    }
)


def redact_text(text: str) -> str:
    if "sk-ant-" not in text:  # the common case, on every request: no regex
        return text
    return _KEY.sub("sk-ant-" + MASK, text)


def _secret(name: str) -> bool:
    return name not in _SHOWN_HEADERS


def redact_headers(headers: Any) -> Dict[str, str]:
    """Lower-cased headers; values masked unless the header is on the allow-list (and any ``sk-ant-`` string anywhere)."""
    out: Dict[str, str] = {}
    try:
        items = list(headers.items())
    except AttributeError:
        return out
    for key, value in items:
        name = (key.decode("latin-1") if isinstance(key, bytes) else str(key)).lower()
        if _secret(name):
            out[name] = MASK
        else:
            out[name] = redact_text(value.decode("latin-1") if isinstance(value, bytes) else str(value))
    return out
