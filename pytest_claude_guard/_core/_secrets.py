"""Secrets never leave the process: the one redaction module of the plugin, the CLI and the cassette linter.

Pure: no pytest, no HTTP library.  Two jobs:

* **Redact** at capture time (nothing unredacted is ever stored or shown): `redact_text` masks every
  key-shaped string (``sk-ant-...`` of any length, a fragment of a known key), bearer tokens, SigV4
  signatures and credentials, secret query parameters (``?key=``, ``api_key=``, ``X-Amz-Signature=``, ...)
  and the userinfo of every URL (``https://user:password@proxy``); `clean_url` keeps only scheme, host and
  path; `redact_headers` shows only the values of an allow-list of headers that carry no credential;
  `redact_body` scrubs a captured body (bytes, text or parsed JSON).
* **Find** credentials in recorded traffic (`scan_text`, `check_header`) and show them only as
  fingerprints (`fingerprint`: a harmless prefix and the length, never the secret).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Iterator, Optional, Tuple, overload

from ._headers import NormalizedHeaders

__all__ = [
    "MASK",
    "Secret",
    "SECRET_HEADERS",
    "AWS_SECRET_HEADERS",
    "RECORDER_FILTERED_HEADERS",
    "SECRET_QUERY_PARAMETERS",
    "SHOWN_HEADERS",
    "fingerprint",
    "redact",
    "redact_text",
    "redact_headers",
    "redact_body",
    "clean_url",
    "scan_text",
    "check_header",
    "is_placeholder",
    "is_credential_header",
]

MASK = "[redacted]"
_HIDDEN = "…(redacted, {n} chars)"

# Request headers that carry a credential (lower case).  AWS SigV4 signs with `authorization`.  Gateways
# (Cloudflare AI Gateway, Portkey, Helicone, LiteLLM, Azure, custom proxies) use headers of their own.
SECRET_HEADERS = frozenset(
    {
        "x-api-key", "authorization", "proxy-authorization", "api-key", "x-goog-api-key", "anthropic-admin-key",
        "cf-aig-authorization", "x-portkey-api-key", "x-portkey-virtual-key", "helicone-auth",
        "x-litellm-api-key", "ocp-apim-subscription-key", "x-custom-auth", "x-auth-token", "x-access-token",
        "x-gateway-api-key", "cookie",
    }
)
# AWS headers whose value is a credential or a signature; other x-amz-* (date, content-sha256) are not.
AWS_SECRET_HEADERS = frozenset({"x-amz-security-token", "x-amz-signature", "x-amz-credential"})
# What a safe recorder drops from every request (x-amz-* and cookies are dropped by prefix/name too).
RECORDER_FILTERED_HEADERS = tuple(sorted(SECRET_HEADERS | AWS_SECRET_HEADERS))
# Header values that may be shown: what the API and the SDK send that carries no credential.  Every other
# header's value is masked (an allow-list: a gateway's auth header of a name nobody listed stays hidden).
SHOWN_HEADERS = frozenset(
    {
        "host", "accept", "accept-encoding", "connection", "content-type", "content-length", "content-encoding",
        "user-agent", "anthropic-version", "anthropic-beta", "anthropic-dangerous-direct-browser-access",
        "x-stainless-lang", "x-stainless-package-version", "x-stainless-os", "x-stainless-arch",
        "x-stainless-runtime", "x-stainless-runtime-version", "x-stainless-async", "x-stainless-retry-count",
        "x-stainless-timeout", "x-stainless-read-timeout", "x-stainless-helper-method", "x-stainless-stream-helper",
        "x-stainless-helper", "idempotency-key", "x-amz-date", "x-amz-content-sha256", "x-amzn-bedrock-accept",
    }
)
# Query parameters whose value is a credential (case-insensitive; ``?key=`` is Google's and many gateways').
SECRET_QUERY_PARAMETERS = (
    "key", "api_key", "api-key", "apikey", "token", "access_token", "auth", "password", "secret",
    "client_secret", "sig", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
)

# An Anthropic key: sk-ant-api03-..., sk-ant-admin01-..., sk-ant-oat01-...; real ones are ~108 characters.
_ANTHROPIC_KEY = re.compile(r"sk-ant-[A-Za-z0-9_\-]{20,}")
# any key-shaped string, a truncated one included
_ANY_KEY_MASKED = re.compile(r"sk-ant-[A-Za-z0-9_\-]+")
_ANY_KEY_BYTES = re.compile(rb"sk-ant-[A-Za-z0-9_\-]+")
_AWS_SIGV4 = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=[^\s,]+(?:,\s*SignedHeaders=[^\s,]+)?,\s*Signature=[0-9a-f]{64}"
)
_AWS_QUERY_SIGNATURE = re.compile(r"X-Amz-Signature=[0-9a-f]{64}", re.IGNORECASE)
_BEARER = re.compile(r"\b(Bearer\s+)([A-Za-z0-9._~+/=\-]{16,})", re.IGNORECASE)
_SIGV4_PARTS = re.compile(r"\b(Credential=|Signature=)([^\s,&\"'\\]+)")
_QUERY = re.compile(
    r"([?&;](?:" + "|".join(re.escape(p) for p in SECRET_QUERY_PARAMETERS) + r")=)([^&#\s\"'\\]+)",
    re.IGNORECASE,
)
_USERINFO = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.\-]*://)[^/@?#\s\"'\\]*@")
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{8,}")
_PLACEHOLDER_WORDS = frozenset(
    {
        "redacted", "filtered", "dummy", "fake", "placeholder", "example", "mock", "test", "tests", "testing",
        "key", "api", "apikey", "your", "my", "for", "not", "a", "real", "secret", "token", "anthropic",
        "changeme", "none", "null", "sk", "ant", "api03", "admin01", "oat01", "here", "insert", "replace",
        "value", "invalid", "sample",
    }
)
_PLACEHOLDER_MARKS = re.compile(r"^<[^>]*>$|^\$\{[^}]*\}$|^\{\{[^}]*\}\}$|\*{3,}|\.\.\.|…")
_KEY_PREFIX = re.compile(r"^sk-ant-(?:[a-z]+\d\d-)?")
_CREDENTIAL_NAME = re.compile(r"auth|key|token|secret|cookie|signature|password|credential|session", re.IGNORECASE)


@dataclass(frozen=True)
class Secret:
    """A credential found somewhere: ``kind`` says what, ``shown`` is safe to print."""

    # anthropic_api_key | anthropic_admin_key | aws_signature | aws_session_token | bearer_token | api_key
    # | cookie | query_secret | url_password
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
    "cookie": "a cookie",
    "query_secret": "a secret query parameter",
    "url_password": "a password in a URL",
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
    """Only what recorders and docs put in place of a credential: ``REDACTED``, ``<API_KEY>``, ``${KEY}``,
    ``***``, ``sk-ant-xxxxxxxx``, ``sk-ant-api03-FAKE-KEY-FOR-TESTS-000``, short values.

    A value is a placeholder when it is short, holds a character no key has (``<>``, ``***``, ``...``), or is
    made *only* of placeholder words and runs of one character.  A real key that happens to contain ``mock``,
    ``fake`` or ``xxxx`` somewhere is a secret.
    """
    v = value.strip()
    if v[:7].lower() == "bearer ":
        v = v[7:].strip()
    if len(v) < 16:
        return True
    if _PLACEHOLDER_MARKS.search(v):
        return True
    core = _KEY_PREFIX.sub("", v)
    tokens = [t.lower() for t in re.split(r"[-_\s.:=]+", core) if t]
    if all(t in _PLACEHOLDER_WORDS or len(set(t)) == 1 for t in tokens):
        return True
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
    if "-Amz-Signature=" in text or "-amz-signature=" in text or "-AMZ-SIGNATURE=" in text:
        for m in _AWS_QUERY_SIGNATURE.finditer(text):
            yield m.start(), Secret("aws_signature", "X-Amz-Signature=" + _HIDDEN.format(n=64), 64)
    if "=" in text and ("?" in text or "&" in text or ";" in text):
        for m in _QUERY.finditer(text):
            name, value = m.group(1)[1:-1], m.group(2)
            if name.lower() == "x-amz-signature" or is_placeholder(value) or value.startswith("sk-ant-"):
                continue  # signatures and keys are reported above
            yield m.start(2), Secret("query_secret", f"{name}=" + _HIDDEN.format(n=len(value)), len(value))
    if "@" in text and "://" in text:
        for m in _USERINFO.finditer(text):
            userinfo = m.group(0)[len(m.group(1)):-1]
            user, sep, password = userinfo.partition(":")
            if sep and password and not is_placeholder(password) and password != MASK:
                yield m.start(), Secret("url_password", m.group(1) + _HIDDEN.format(n=len(password)) + "@",
                                        len(password))


def is_credential_header(lname: str) -> bool:
    """A header whose value is a credential: a known one, or one off the allow-list whose name says so."""
    if lname in SECRET_HEADERS or lname in AWS_SECRET_HEADERS:
        return True
    return lname not in SHOWN_HEADERS and bool(_CREDENTIAL_NAME.search(lname))


def check_header(name: str, value: str) -> Optional[Secret]:
    """The secret a recorded header holds, or None (not a credential header, or a placeholder value).

    Credential headers are the known ones (``x-api-key``, ``authorization``, gateways' ``cf-aig-authorization``,
    ``x-portkey-api-key``, ...) and any header outside the shown allow-list whose name says auth, key, token,
    secret, cookie, signature, password or credential (``x-custom-auth``).
    """
    lname = name.strip().lower()
    v = str(value).strip()
    if not is_credential_header(lname):
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
    if lname == "cookie":
        return Secret("cookie", fingerprint(v), len(v))
    if v[:7].lower() == "bearer ":
        return Secret("bearer_token", fingerprint(v), len(v) - 7)
    return Secret("api_key", fingerprint(v), len(v))


def _mask_common(text: str) -> str:
    """URL userinfo, secret query parameters and SigV4 parts: masked the same way in both styles.  Each
    pattern runs only when a plain substring test says it can match (bodies of megabytes of base64 pass in
    milliseconds)."""
    out = text
    if "@" in out and "://" in out:
        out = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", out)
    if "=" in out:
        if "?" in out or "&" in out or ";" in out:
            out = _QUERY.sub(lambda m: m.group(1) + MASK, out)
        if "Credential=" in out or "Signature=" in out:
            out = _SIGV4_PARTS.sub(lambda m: m.group(1) + MASK, out)
    return out


# a body none of these is in holds nothing `redact_text` would mask: it is stored as is (a bytes body undecoded);
# nor is one holding "=" without any of "?&;"
_TRIGGERS = (b"sk-ant-", b"earer", b"EARER", b"@", b"Credential=", b"Signature=")
_QUERY_MARKS = (b"?", b"&", b";")


def _may_hold_secret(raw: bytes) -> bool:
    if len(raw) <= 65536:  # as text (latin-1: one byte a character, never fails): str's ``in`` is the fastest search
        return _text_may_hold_secret(raw.decode("latin-1"))
    # a large body is not copied: ``find``, not ``in`` (bytes' ``in`` first tries its operand as an integer and
    # raises and drops an error)
    find = raw.find
    return any(find(t) >= 0 for t in _TRIGGERS) or (find(b"=") >= 0 and any(find(m) >= 0 for m in _QUERY_MARKS))


def _text_may_hold_secret(text: str) -> bool:
    """False when `redact_text` (with no known secrets) would return ``text`` unchanged: none of the substrings
    its patterns need is in it.  ``_TRIGGERS`` and ``_QUERY_MARKS`` spelled out: one fast C search each, on every
    request (a regex alternation steps through the text a character at a time; a loop costs more than the searches)."""
    return ("sk-ant-" in text or "earer" in text or "EARER" in text or "@" in text or "Credential=" in text
            or "Signature=" in text or ("=" in text and ("?" in text or "&" in text or ";" in text)))


def _mask_known(text: str, known: Iterable[str]) -> str:
    """Every run of 8+ key characters that is part of a known secret (a server may echo most of a key)."""
    secrets = [k for k in known if isinstance(k, str) and len(k) >= 8]
    if not secrets:
        return text

    def hide(m: "re.Match[str]") -> str:
        token = m.group(0)
        for k in secrets:
            if token in k or k in token or any(token[i:i + 12] in k for i in range(len(token) - 11)):
                return MASK
        return token

    return _TOKEN.sub(hide, text)


@overload
def redact_text(text: str, known: Iterable[str] = ()) -> str: ...


@overload
def redact_text(text: Optional[str], known: Iterable[str] = ()) -> Optional[str]: ...


def redact_text(text: Optional[str], known: Iterable[str] = ()) -> Optional[str]:
    """``text`` with every secret masked as ``[redacted]``: any ``sk-ant-`` key-shaped string (of any length),
    bearer tokens, SigV4 signatures and credentials, secret query parameters, URL userinfo, and any fragment
    (8+ characters) of the ``known`` secrets.  Idempotent; anything not a str is returned as is."""
    if not isinstance(text, str):
        return text
    out = _mask_known(text, known)
    if "sk-ant-" in out:
        out = _ANY_KEY_MASKED.sub("sk-ant-" + MASK, out)
    if "earer" in out or "EARER" in out:  # Bearer, bearer, BEARER
        out = _BEARER.sub(lambda m: m.group(1) + MASK, out)
    return _mask_common(out)


def redact(text: str) -> str:
    """``text`` with every Anthropic key, bearer token and AWS signature replaced by its fingerprint (prefix
    and length), and URL userinfo and secret query parameters masked: the linter's style of `redact_text`."""
    out = _AWS_SIGV4.sub(lambda m: fingerprint(m.group(0)), text)
    out = _AWS_QUERY_SIGNATURE.sub("X-Amz-Signature=" + _HIDDEN.format(n=64), out)
    out = _ANY_KEY_MASKED.sub(lambda m: fingerprint(m.group(0)), out)
    out = _BEARER.sub(lambda m: "Bearer " + _HIDDEN.format(n=len(m.group(2))), out)
    return _mask_common(out)


# allow-listed header values that redaction leaves as they are (so they hold no secret): the SDK sends the same
# user-agent and x-stainless-* values on every request, and they are redacted once
_CLEAN_VALUES: Dict[str, None] = {}
_CLEAN_VALUES_MAX = 1024


def _shown(value: str) -> str:
    if value in _CLEAN_VALUES:
        return value
    out = redact_text(value)
    if out == value and len(_CLEAN_VALUES) < _CLEAN_VALUES_MAX:
        _CLEAN_VALUES[value] = None
    return out


def redact_headers(headers: Any) -> Dict[str, str]:
    """Lower-cased headers; values masked unless the header is on the allow-list (and redacted even then)."""
    if type(headers) is NormalizedHeaders:  # names lower-cased, values str: the capture's common case
        copy = dict(headers)
        for name in copy.keys() - SHOWN_HEADERS:  # credentials and unknown headers: a few per request
            copy[name] = MASK
        if _text_may_hold_secret("\n".join(copy.values())):  # rarely: each shown value redacted on its own
            for name, value in copy.items():
                if name in SHOWN_HEADERS:
                    copy[name] = _shown(value)
        return copy
    out: Dict[str, str] = {}
    try:
        items = list(headers.items())
    except AttributeError:
        return out
    except Exception:  # noqa: BLE001 - a hostile mapping never breaks the capture
        return out
    for key, value in items:
        name = (key.decode("latin-1") if isinstance(key, bytes) else str(key)).lower()
        if name not in SHOWN_HEADERS:
            out[name] = MASK
        else:
            out[name] = _shown(value.decode("latin-1") if isinstance(value, bytes) else str(value))
    return out


def redact_body(body: Any) -> Any:
    """A captured body with every secret masked, in the type it came in (bytes, str, parsed JSON)."""
    if isinstance(body, str):
        return redact_text(body)
    if isinstance(body, (bytes, bytearray)):
        raw = body if type(body) is bytes else bytes(body)  # bytes(b) raises and catches an exception inside
        if not _may_hold_secret(raw):
            return body
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # compressed or binary: mask keys byte-wise
            return _ANY_KEY_BYTES.sub(b"sk-ant-" + MASK.encode("ascii"), raw)
        shown = redact_text(text)
        return raw if shown == text else shown.encode("utf-8")
    if isinstance(body, dict):
        return {redact_body(k): redact_body(v) for k, v in body.items()}
    if isinstance(body, list):
        return [redact_body(v) for v in body]
    return body


_CLEAN_URLS: Dict[str, None] = {}  # URLs that cleaning leaves as they are (no query, userinfo or secret in them)


def clean_url(url: str) -> str:
    """The URL without query string, fragment or userinfo (which may carry keys or passwords)."""
    if url in _CLEAN_URLS:
        return url
    base = url.split("?", 1)[0].split("#", 1)[0]
    out = redact_text(_USERINFO.sub(lambda m: m.group(1), base))
    if out == url and len(_CLEAN_URLS) < _CLEAN_VALUES_MAX:
        _CLEAN_URLS[url] = None
    return out

