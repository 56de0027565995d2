"""Secrets: found by header and by shape, shown only as fingerprints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pytest

from pytest_claude_guard._cassettes.lint import lint_paths, render_lines
from pytest_claude_guard._core._causes import make_violation
from pytest_claude_guard._core._secrets import (
    MASK,
    check_header,
    clean_url,
    fingerprint,
    is_placeholder,
    redact,
    redact_body,
    redact_headers,
    redact_text,
    scan_text,
)

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


# --- issue 10, Secrets: one redaction module for the plugin, the CLI and the linter ---------------------------


@pytest.mark.parametrize("word", ["mock", "MOCK", "fake", "Fake", "xxxx", "example", "dummy", "redacted", "Test"])
def test_real_format_keys_with_placeholder_words_are_secrets(word: str) -> None:
    """S6: a real-format key that happens to contain `mock`, `fake`, `xxxx` is a secret, not a placeholder."""
    canary = make_canary()
    key = canary[:40] + word + canary[40 + len(word):]
    assert is_placeholder(key) is False
    assert check_header("x-api-key", key) is not None
    assert [s.kind for _, s in scan_text(key)] == ["anthropic_api_key"]


def test_no_random_key_is_a_placeholder() -> None:
    """S6: 20,000 fresh real-format keys (the old word test called about 1 in 4,400 of them placeholders)."""
    assert [k for k in (make_canary() for _ in range(20_000)) if is_placeholder(k)] == []


@pytest.mark.parametrize(
    "value",
    ["sk-ant-api03-REDACTED-0000000000", "<ANTHROPIC_API_KEY>", "${ANTHROPIC_API_KEY}", "sk-ant-api03-xxxxxxxxxxxxxxxxxxxx",
     "Bearer ****************", "sk-ant-api03-your-api-key-here", "sk-ant-api03-...AbCd", "sk-ant-api03-mock-key-for-tests"],
)
def test_known_placeholders_stay_placeholders(value: str) -> None:
    """Only exact known placeholder shapes: placeholder words and single-character runs, `<...>`, `***`, `...`."""
    assert is_placeholder(value) is True


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("cf-aig-authorization", "Bearer a8F3kq9ZpL2mX7vB1nR4tY6w", "bearer_token"),
        ("x-portkey-api-key", "pk-Q7wE2rT9yU4iO1pA6s", "api_key"),
        ("x-custom-auth", "c9D8e7F6g5H4j3K2l1M0", "api_key"),
        ("helicone-auth", "Bearer sk-helicone-" + "a1b2" * 6, "bearer_token"),
        ("Cookie", "session=Yy7Uu8Ii9Oo0Pp1Aa2", "cookie"),
        ("idempotency-key", "stainless-python-retry-" + "0123456789abcdef", None),
    ],
)
def test_gateway_auth_headers_are_secrets(name: str, value: str, kind: Optional[str]) -> None:
    """S6: gateways' own auth headers (and any header off the allow-list named auth/key/token/cookie) hold secrets."""
    secret = check_header(name, value)
    assert (secret.kind if secret else None) == kind


def test_scan_text_finds_query_secrets_and_url_passwords() -> None:
    """S6: a `?key=` query secret and a password in a URL's userinfo are found; placeholders are not."""
    text = "uri: https://u:Pr0xyPassw0rd123456@gw.example/v1/messages?beta=true&key=AIzaSyA1b2C3d4E5f6G7h8\n"
    text += "uri: https://gw.example/v1/messages?key=REDACTED&api_key=<API_KEY>\n"
    found = [s for _, s in scan_text(text)]
    assert [s.kind for s in found] == ["query_secret", "url_password"]
    assert found[0].shown == "key=…(redacted, 22 chars)" and "Pr0xy" not in found[1].shown


def test_redact_text_masks_every_kind_and_is_idempotent(canary: str) -> None:
    """One redaction for plugin and CLI: keys of any length, bearer, SigV4, query secrets, URL userinfo."""
    text = (
        f"{canary} {canary[:30]} Bearer abcdefghijklmnopqrstuv {SIGV4} "
        "http://me:Pr0xyPassw0rd@proxy:8080/v1/messages?beta=true&key=AIzaSyA1b2C3d4E5f6 "
        f"https://h/x?X-Amz-Signature={SIG}&X-Amz-Credential=AKIA%2F2026"
    )
    shown = redact_text(text)
    assert shown == (
        "sk-ant-[redacted] sk-ant-[redacted] Bearer [redacted] AWS4-HMAC-SHA256 Credential=[redacted], "
        "SignedHeaders=host;x-amz-date, Signature=[redacted] "
        "http://[redacted]@proxy:8080/v1/messages?beta=true&key=[redacted] "
        "https://h/x?X-Amz-Signature=[redacted]&X-Amz-Credential=[redacted]"
    )
    assert redact_text(shown) == shown and redact(shown) == shown


def test_redact_text_masks_fragments_of_a_known_key(canary: str) -> None:
    """S5: any 12+ character piece of a known key (a server echoing most of it, without its prefix) is masked."""
    shown = redact_text(f"bad key {canary[13:-8]}; tail {canary[60:]}; head {canary[:-5]}", known=[canary])
    assert shown == "bad key [redacted]; tail [redacted]; head [redacted]"


def test_redact_headers_shows_only_the_allow_list(canary: str) -> None:
    """S1: bearer tokens, SigV4 signatures, cookies and gateway headers are masked; SDK headers are shown."""
    shown = redact_headers(
        {
            "Authorization": SIGV4, "Cookie": "session=abc", "cf-aig-authorization": "Bearer t" * 3,
            "x-portkey-api-key": "pk", "x-whatever": "v", "anthropic-version": "2023-06-01", "user-agent": canary,
        }
    )
    assert shown == {
        "authorization": MASK, "cookie": MASK, "cf-aig-authorization": MASK, "x-portkey-api-key": MASK,
        "x-whatever": MASK, "anthropic-version": "2023-06-01", "user-agent": "sk-ant-[redacted]",
    }


def test_redact_body_keeps_the_type(canary: str) -> None:
    """S1: a captured body is stored redacted (bytes stay bytes, parsed JSON stays JSON)."""
    raw = json.dumps({"model": canary, "messages": [{"role": "user", "content": f"x {canary}"}]})
    assert canary[20:40] not in redact_body(raw.encode()).decode()
    assert redact_body({"a": [canary, 1]}) == {"a": ["sk-ant-[redacted]", 1]}
    assert redact_body(b"\x1f\x8b" + canary.encode()) == b"\x1f\x8bsk-ant-[redacted]"


def test_clean_url_drops_userinfo_query_and_fragment() -> None:
    """S2: the endpoint shown and reported never carries a proxy password or a query key."""
    assert clean_url("https://user:pw@proxy.example:8443/v1/messages?key=abc#f") == "https://proxy.example:8443/v1/messages"


def test_violation_messages_are_redacted_at_creation(canary: str) -> None:
    """S3: a key passed as `model` never reaches Violation.message, .fix or .api_message."""
    v = make_violation("model_not_found", "model", model=canary, suggestion_note="", suggestion_fix="")
    assert "sk-ant-[redacted]" in v.message
    assert all(canary[13:40] not in (text or "") for text in (v.message, v.fix, v.api_message))


def test_a_cassette_too_large_to_lint_is_still_searched_for_secrets(
    tmp_path: Path, canary: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S6: a cassette over the size limit (64 MB; 2 KB here) holding a real x-api-key reports it, exit 1."""
    import pytest_claude_guard._cassettes.reader as cassettes

    monkeypatch.setattr(cassettes, "MAX_CASSETTE_BYTES", 2048)
    path = tmp_path / "big.yaml"
    path.write_text("interactions:\n- request:\n    body: '" + "a" * 4000 + f"'\n    headers:\n      x-api-key:\n      - {canary}\n")
    result = lint_paths([str(path)])
    assert [f.code for f in result.findings] == ["cassette_unreadable", "secret_in_cassette"]
    assert result.findings[1].line == 6
    assert result.exit_code == 1 and result.secrets == 1
    assert canary[13:] not in "\n".join(render_lines(result))


def test_redact_headers_of_normalised_headers_every_time(canary: str) -> None:
    """Normalised headers (the capture's path) are redacted like any mapping, and a clean value remembered for
    speed never lets a later value with a key through."""
    from pytest_claude_guard._core._context import normalize_headers

    clean = normalize_headers({"User-Agent": "Anthropic/Python 2.14.0", "X-Api-Key": canary})
    for _ in range(2):
        assert redact_headers(clean) == {"user-agent": "Anthropic/Python 2.14.0", "x-api-key": MASK}
    dirty = normalize_headers({"user-agent": f"agent {canary}"})
    for _ in range(2):
        assert redact_headers(dirty) == {"user-agent": "agent sk-ant-[redacted]"}
