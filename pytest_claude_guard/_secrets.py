"""Finding credentials in recorded traffic, and showing them only as redacted fingerprints.

Pure: no pytest, no HTTP library.  Nothing here ever returns or prints a secret itself: every value that
leaves this module went through `fingerprint`, which keeps a harmless prefix and the length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional, Tuple

__all__ = [
    "Secret",
    "SECRET_HEADERS",
    "AWS_SECRET_HEADERS",
    "RECORDER_FILTERED_HEADERS",
    "fingerprint",
    "redact",
    "scan_text",
    "check_header",
    "is_placeholder",
]

# Request headers that carry a credential (lower case).  AWS SigV4 signs with `authorization`.
SECRET_HEADERS = frozenset(
    {"x-api-key", "authorization", "proxy-authorization", "api-key", "x-goog-api-key", "anthropic-admin-key"}
)
# AWS headers whose value is a credential or a signature; other x-amz-* (date, content-sha256) are not.
AWS_SECRET_HEADERS = frozenset({"x-amz-security-token", "x-amz-signature", "x-amz-credential"})
# What a safe recorder drops from every request (x-amz-* and cookies are dropped by prefix/name too).
RECORDER_FILTERED_HEADERS = tuple(sorted(SECRET_HEADERS | AWS_SECRET_HEADERS | {"cookie"}))

# An Anthropic key: sk-ant-api03-..., sk-ant-admin01-..., sk-ant-oat01-...; real ones are ~108 characters.
_ANTHROPIC_KEY = re.compile(r"sk-ant-[A-Za-z0-9_\-]{20,}")
_AWS_SIGV4 = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=[^\s,]+(?:,\s*SignedHeaders=[^\s,]+)?,\s*Signature=[0-9a-f]{64}"
)
_AWS_QUERY_SIGNATURE = re.compile(r"X-Amz-Signature=[0-9a-f]{64}", re.IGNORECASE)
_BEARER = re.compile(r"\bBearer\s+([A-Za-z0-9._~+/=\-]{16,})")
_PLACEHOLDER_WORDS = re.compile(
    r"redacted|filtered|dummy|fake|placeholder|example|mock|your[-_]?(api[-_]?)?key|<[^>]*>|x{4,}|\*{3,}|\.\.\.|…",
    re.IGNORECASE,
)
_HIDDEN = "…(redacted, {n} chars)"


@dataclass(frozen=True)
class Secret:
    """A credential found somewhere: ``kind`` says what, ``shown`` is safe to print."""

    # anthropic_api_key | anthropic_admin_key | aws_signature | aws_session_token | bearer_token | api_key
    kind: str
    shown: str  # the redacted fingerprint, e.g. ``sk-ant-…(redacted, 108 chars)``
    length: int

    @property
    def label(self) -> str:
        return _LABELS.get(self.kind, self.kind.replace("_", " "))


_LABELS = {
    "anthropic_api_key": "an Anthropic API key",
    "anthropic_admin_key": "an Anthropic admin key",
    "aws_signature": "an AWS SigV4 signature",
    "aws_session_token": "an AWS session token",
    "bearer_token": "a bearer token",
    "api_key": "an API key",
}


def fingerprint(value: str) -> str:
    """A printable stand-in for a secret: a known harmless prefix plus the length, never the secret."""
    n = len(value)
    if value.startswith("sk-ant-admin"):
        return "sk-ant-admin" + _HIDDEN.format(n=n)
    if value.startswith("sk-ant-"):
        return "sk-ant-" + _HIDDEN.format(n=n)
    if value.startswith("AWS4-HMAC-SHA256"):
        return "AWS4-HMAC-SHA256 " + _HIDDEN.format(n=n)
    if value[:7].lower() == "bearer ":
        return "Bearer " + _HIDDEN.format(n=n - 7)
    return _HIDDEN.format(n=n)


def is_placeholder(value: str) -> bool:
    """Values recorders put in place of a credential (``REDACTED``, ``<API_KEY>``, ``xxxx``, short values)."""
    v = value.strip()
    if v[:7].lower() == "bearer ":
        v = v[7:].strip()
    if len(v) < 16:
        return True
    if _PLACEHOLDER_WORDS.search(v):
        return True
    core = v[7:] if v.startswith("sk-ant-") else v
    return len(set(core.replace("-", "").replace("_", ""))) <= 3  # e.g. sk-ant-00000000000000000000


def _kind_of_key(key: str) -> str:
    return "anthropic_admin_key" if key.startswith("sk-ant-admin") else "anthropic_api_key"


def scan_text(text: str) -> Iterator[Tuple[int, Secret]]:
    """Every secret in free text (a body, a URI, a whole file), with its character offset."""
    for m in _ANTHROPIC_KEY.finditer(text):
        key = m.group(0)
        if not is_placeholder(key):
            yield m.start(), Secret(_kind_of_key(key), fingerprint(key), len(key))
    for m in _AWS_SIGV4.finditer(text):
        yield m.start(), Secret("aws_signature", fingerprint(m.group(0)), len(m.group(0)))
    for m in _AWS_QUERY_SIGNATURE.finditer(text):
        yield m.start(), Secret("aws_signature", "X-Amz-Signature=" + _HIDDEN.format(n=64), 64)


def check_header(name: str, value: str) -> Optional[Secret]:
    """The secret a recorded header holds, or None (not a credential header, or a placeholder value)."""
    lname = name.strip().lower()
    v = str(value).strip()
    if lname not in SECRET_HEADERS and lname not in AWS_SECRET_HEADERS:
        return None
    if _AWS_SIGV4.match(v):  # a signature is a secret whatever its credential id looks like
        return Secret("aws_signature", fingerprint(v), len(v))
    if is_placeholder(v):
        return None
    if "sk-ant-" in v:
        key = _ANTHROPIC_KEY.search(v)
        if key is not None:
            return Secret(_kind_of_key(key.group(0)), fingerprint(key.group(0)), len(key.group(0)))
    if v.startswith("AWS4-HMAC-SHA256"):
        return Secret("aws_signature", fingerprint(v), len(v))
    if lname == "x-amz-security-token":
        return Secret("aws_session_token", fingerprint(v), len(v))
    if lname in AWS_SECRET_HEADERS:
        return Secret("aws_signature", fingerprint(v), len(v))
    if v[:7].lower() == "bearer ":
        return Secret("bearer_token", fingerprint(v), len(v) - 7)
    return Secret("api_key", fingerprint(v), len(v))


def redact(text: str) -> str:
    """``text`` with every Anthropic key, bearer token and AWS signature replaced by its fingerprint."""
    out = _AWS_SIGV4.sub(lambda m: fingerprint(m.group(0)), text)
    out = _AWS_QUERY_SIGNATURE.sub("X-Amz-Signature=" + _HIDDEN.format(n=64), out)
    out = _ANTHROPIC_KEY.sub(lambda m: fingerprint(m.group(0)), out)
    out = _BEARER.sub(lambda m: "Bearer " + _HIDDEN.format(n=len(m.group(1))), out)
    return out
