"""Secrets: found by header and by shape, shown only as fingerprints."""

from __future__ import annotations

from typing import Optional

import pytest

from pytest_claude_guard._secrets import check_header, fingerprint, is_placeholder, redact, scan_text

from .conftest import make_canary

SIG = "ab" * 32
SIGV4 = (
    "AWS4-HMAC-SHA256 Credential=ASIAQEXAMPLEKEYID123/20260101/us-east-1/bedrock/aws4_request, "
    f"SignedHeaders=host;x-amz-date, Signature={SIG}"
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("sk-ant-api03-" + "a" * 93 + "AA", "sk-ant-…(redacted, 108 chars)"),
        ("sk-ant-admin01-" + "b" * 40, "sk-ant-admin…(redacted, 55 chars)"),
        ("Bearer " + "t" * 40, "Bearer …(redacted, 40 chars)"),
        (SIGV4, f"AWS4-HMAC-SHA256 …(redacted, {len(SIGV4)} chars)"),
        ("q" * 30, "…(redacted, 30 chars)"),
    ],
)
def test_fingerprint_keeps_only_prefix_and_length(value: str, shown: str) -> None:
    """A fingerprint shows a harmless prefix and the length, never the secret."""
    assert fingerprint(value) == shown


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("REDACTED", True),
        ("<ANTHROPIC_API_KEY>", True),
        ("sk-ant-xxxxxxxxxxxxxxxxxxxxxxxxxx", True),
        ("sk-ant-api03-FAKE-KEY-FOR-TESTS-0000000", True),
        ("Bearer ***", True),
        ("sk-ant-00000000000000000000000000", True),
        ("test-key", True),
        pytest.param(make_canary(), False, id="canary"),
        ("Bearer ya29.a0AfH6SMBx7Qz_free_token_value", False),
    ],
)
def test_placeholders_are_not_secrets(value: str, placeholder: bool) -> None:
    """Values recorders put in place of a credential are not reported."""
    assert is_placeholder(value) is placeholder


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        pytest.param("x-api-key", make_canary(), "anthropic_api_key", id="x-api-key-canary"),
        pytest.param("X-Api-Key", make_canary("sk-ant-admin01-"), "anthropic_admin_key", id="admin-canary"),
        ("Authorization", "Bearer ya29.a0AfH6SMBx7Qz_abcdefghijklmnop", "bearer_token"),
        ("authorization", SIGV4, "aws_signature"),
        (
            "X-Amz-Security-Token",
            "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ",
            "aws_session_token",
        ),
        ("api-key", "0123456789abcdef0123456789abcdef", "api_key"),
        ("x-api-key", "REDACTED", None),
        ("authorization", "", None),
        ("X-Amz-Date", "20260101T000000Z", None),
        pytest.param("content-type", make_canary(), None, id="content-type-canary"),
    ],
)
def test_check_header(name: str, value: str, kind: Optional[str]) -> None:
    """Credential headers with a real-looking value are secrets; placeholders and other headers are not."""
    secret = check_header(name, value)
    assert (secret.kind if secret else None) == kind
    if secret is not None:
        assert value.split()[-1] not in secret.shown


def test_scan_text_finds_keys_and_signatures_without_returning_them(canary: str) -> None:
    """Keys and SigV4 signatures are found anywhere in text; only fingerprints come back."""
    text = f'{{"note": "{canary}"}}\nAuthorization: {SIGV4}\nurl?X-Amz-Signature={SIG}&x=1'
    found = list(scan_text(text))
    assert [s.kind for _, s in found] == ["anthropic_api_key", "aws_signature", "aws_signature"]
    assert all(canary not in s.shown and SIG not in s.shown for _, s in found)
    assert found[0][0] == text.index(canary)


def test_redact_replaces_every_secret(canary: str) -> None:
    """redact() leaves text readable and secret-free."""
    text = f"key={canary} auth=Bearer abcdefghijklmnopqrstuvwxyz {SIGV4}"
    assert redact(text) == (
        "key=sk-ant-…(redacted, 108 chars) auth=Bearer …(redacted, 26 chars) "
        f"AWS4-HMAC-SHA256 …(redacted, {len(SIGV4)} chars)"
    )
