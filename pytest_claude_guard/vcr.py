"""A safe recorder configuration for vcrpy and pytest-recording: no key, token or signature is recorded.

One line in ``conftest.py`` (pytest-recording)::

    from pytest_claude_guard.vcr import claude_guard_vcr_config  # noqa: F401  (the `vcr_config` fixture)

Plain vcrpy::

    import vcr
    from pytest_claude_guard.vcr import vcr_config

    my_vcr = vcr.VCR(**vcr_config(cassette_library_dir="tests/cassettes"))

Neither imports vcrpy: the hooks only touch the request and response objects vcrpy hands them.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Callable, Dict, List

import pytest

from ._core._secrets import AWS_SECRET_HEADERS, RECORDER_FILTERED_HEADERS, SECRET_QUERY_PARAMETERS, is_credential_header

__all__ = [
    "vcr_config",
    "claude_guard_vcr_config",
    "scrub_request",
    "scrub_response",
    "scrub_text",
    "KEY_PLACEHOLDER",
]

KEY_PLACEHOLDER = "sk-ant-REDACTED"
# vcrpy matches query names exactly: the redaction module's list, plus AWS's own spelling
FILTERED_QUERY_PARAMETERS = tuple(
    dict.fromkeys((*SECRET_QUERY_PARAMETERS, "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token"))
)
_RESPONSE_DROPPED = frozenset({"set-cookie", "x-api-key", "authorization"}) | AWS_SECRET_HEADERS
_KEY = re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}")
_KEY_BYTES = re.compile(rb"sk-ant-[A-Za-z0-9_\-]{8,}")
_HOOKS = ("before_record_request", "before_record_response")


def scrub_text(value: Any) -> Any:
    """``value`` (str or bytes) with every ``sk-ant-`` key replaced by ``sk-ant-REDACTED``."""
    if isinstance(value, str):
        return _KEY.sub(KEY_PLACEHOLDER, value)
    if isinstance(value, (bytes, bytearray)):
        return _KEY_BYTES.sub(KEY_PLACEHOLDER.encode("ascii"), bytes(value))
    return value


def _secret_request_header(name: str) -> bool:
    n = name.lower()
    return n in RECORDER_FILTERED_HEADERS or n.startswith(("x-amz-", "anthropic-admin")) or is_credential_header(n)


def scrub_request(request: Any) -> Any:
    """vcrpy ``before_record_request`` hook: drop credential, AWS and cookie headers; scrub body keys."""
    headers = getattr(request, "headers", None)
    if headers is not None:
        for name in [n for n in list(headers) if _secret_request_header(str(n))]:
            del headers[name]
    body = getattr(request, "body", None)
    if isinstance(body, (str, bytes, bytearray)):
        scrubbed = scrub_text(body)
        if scrubbed != body:
            request.body = scrubbed
    return request


def scrub_response(response: Any) -> Any:
    """vcrpy ``before_record_response`` hook: drop cookies and echoed credentials; scrub keys in the body."""
    if not isinstance(response, dict):
        return response
    response = copy.deepcopy(response)
    headers = response.get("headers")
    if isinstance(headers, dict):
        for name in [n for n in headers if str(n).lower() in _RESPONSE_DROPPED]:
            del headers[name]
    body = response.get("body")
    if isinstance(body, dict) and "string" in body:
        body["string"] = scrub_text(body["string"])
    return response


def _as_list(hook: Any) -> List[Callable[[Any], Any]]:
    if hook is None:
        return []
    if callable(hook):
        return [hook]
    return list(hook)


def vcr_config(**overrides: Any) -> Dict[str, Any]:
    """Keyword arguments for ``vcr.VCR(...)`` / ``use_cassette(...)`` / pytest-recording's ``vcr_config``.

    Filters every credential header (``x-api-key``, ``authorization``, ``api-key``, admin keys,
    ``x-amz-*``, cookies) and signed query parameters, decodes compressed responses so cassettes stay
    readable, and replaces ``sk-ant-`` keys in bodies.  ``overrides`` are merged: extra
    ``filter_headers``/``filter_query_parameters`` are added, your own ``before_record_*`` hooks run
    after ours, anything else replaces our value.
    """
    config: Dict[str, Any] = {
        "filter_headers": list(RECORDER_FILTERED_HEADERS),
        "filter_query_parameters": list(FILTERED_QUERY_PARAMETERS),
        "decode_compressed_response": True,
        "before_record_request": [scrub_request],
        "before_record_response": [scrub_response],
    }
    for key, value in overrides.items():
        if key in ("filter_headers", "filter_query_parameters"):
            config[key] = config[key] + [v for v in value if v not in config[key]]
        elif key in _HOOKS:
            config[key] = config[key] + _as_list(value)
        else:
            config[key] = value
    return config


@pytest.fixture(name="vcr_config")
def claude_guard_vcr_config() -> Dict[str, Any]:
    """pytest-recording's ``vcr_config`` fixture, made safe: import it into ``conftest.py`` to adopt it."""
    return vcr_config()
