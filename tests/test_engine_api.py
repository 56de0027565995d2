"""The public API: what ``validate_request`` accepts and returns, its order, and header-dependent severities."""
from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

import pytest_claude_guard
from pytest_claude_guard import Violation, validate_request

BODY: dict[str, Any] = {"model": "claude-sonnet-4-6", "max_tokens": 1024, "messages": [{"role": "user", "content": "Hi"}]}
H23 = {"anthropic-version": "2023-06-01", "x-api-key": "k"}
H26 = {"anthropic-version": "2026-10-21", "x-api-key": "k"}
VIOLATION_KEYS = ["code", "severity", "path", "message", "fix", "status", "error_type", "api_message", "confidence", "docs"]


def _codes(found: list[Violation]) -> list[tuple[str, str, str]]:
    return [(v.code, v.severity, v.path) for v in found]


def test_public_names() -> None:
    """__all__ is the small public surface, and every name in it exists."""
    assert {"validate_request", "Violation"} <= set(pytest_claude_guard.__all__)
    for name in pytest_claude_guard.__all__:
        assert hasattr(pytest_claude_guard, name), name
    assert not [n for n in pytest_claude_guard.__all__ if n.startswith("_") and n != "__version__"]


def test_violation_is_frozen() -> None:
    """A Violation cannot be changed after the engine made it."""
    v = validate_request(dict(BODY, max_tokens=-1), headers=H23)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.code = "other"  # type: ignore[misc]


def test_violation_to_dict_keys_and_json() -> None:
    """to_dict has exactly the documented keys, in order, and is JSON-serialisable."""
    v = validate_request(dict(BODY, max_tokens=-1), headers=H23)[0]
    d = v.to_dict()
    assert list(d) == VIOLATION_KEYS
    assert json.loads(json.dumps(d)) == d
    assert d["code"] == "max_tokens_negative" and d["status"] == 400 and d["error_type"] == "invalid_request_error"
    assert v.is_error


def test_valid_request_has_no_violations() -> None:
    """A plain valid request gives an empty list."""
    assert validate_request(BODY, headers=H23) == []
    assert validate_request(BODY, headers=H26) == []


@pytest.mark.parametrize("form", ["dict", "str", "bytes", "bytearray", "memoryview"])
def test_body_forms_agree(form: str) -> None:
    """A body given as dict, JSON text or bytes is judged the same."""
    body = dict(BODY, model="claude-opus-4-6", messages=[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "{"}])
    text = json.dumps(body)
    given: Any = {"dict": body, "str": text, "bytes": text.encode(), "bytearray": bytearray(text.encode()),
                  "memoryview": memoryview(text.encode())}[form]
    assert _codes(validate_request(given, headers=H23)) == [("prefill_not_supported", "error", "messages.1")]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (None, "the body is a JSON null, not an object"),
        ([], "the body is a JSON array, not an object"),
        ("[1, 2]", "the body is a JSON array, not an object"),
        (42, "the body is a JSON number, not an object"),
        ("\"hello\"", "the body is a JSON string, not an object"),
        (True, "the body is a JSON boolean, not an object"),
    ],
)
def test_non_object_bodies_are_invalid_json(body: Any, reason: str) -> None:
    """A JSON value that is not an object is one invalid_json error at the body, with a plain reason."""
    found = validate_request(body, headers=H23)
    assert _codes(found) == [("invalid_json", "error", "")]
    assert found[0].message == reason


@pytest.mark.parametrize("body", ["", "{", "{'model': 'x'}", b"\xff\xfe", "{\"a\": 1,}"])
def test_unparsable_bodies_are_invalid_json(body: Any) -> None:
    """Text that is not JSON (or bytes that are not UTF-8) is invalid_json."""
    found = validate_request(body, headers=H23)
    assert found[0].code == "invalid_json" and found[0].severity == "error"


def test_headers_are_still_judged_when_the_body_is_invalid() -> None:
    """An unparsable body does not hide a missing anthropic-version header."""
    found = validate_request("{", headers={"x-api-key": "k"})
    assert {v.code for v in found} == {"invalid_json", "version_header_missing"}


def test_errors_come_before_warnings() -> None:
    """Errors sort before warnings, whatever the order the rules found them in."""
    body = dict(BODY, model="claude-future-9", max_tokens=-1, tools=[{"name": "a", "input_schema": {"type": "object"}}],
                tool_choice={"type": "tool", "name": "b"})
    found = validate_request(body, headers=H23)
    severities = [v.severity for v in found]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert "error" in severities and "warning" in severities


def test_order_is_deterministic_and_most_decisive_first() -> None:
    """The same request always gives the same list; a 404 model cause comes before body shape problems."""
    body = dict(BODY, model="claude-3-opus-20240229", max_tokens=-1, stop_sequences=[""])
    first = validate_request(body, headers=H23)
    for _ in range(3):
        assert [v.to_dict() for v in validate_request(body, headers=H23)] == [v.to_dict() for v in first]
    assert first[0].code == "model_retired" and first[0].status == 404


def test_input_is_not_modified() -> None:
    """validate_request leaves the caller's body untouched."""
    body = dict(BODY, messages=[{"role": "user", "content": [{"type": "text", "text": ""}]}])
    before = json.dumps(body, sort_keys=True)
    validate_request(body, headers=H23)
    assert json.dumps(body, sort_keys=True) == before


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (None, [("sampling_param_unsupported_model", "warning", "temperature")]),
        (H23, [("sampling_param_unsupported_model", "error", "temperature")]),
        # no public evidence of the 2026-10-21 rejection yet (data/evidence.json): a warning
        (H26, [("sampling_param_removed_2026_10_21", "warning", "temperature")]),
    ],
)
def test_header_dependent_severity(headers: dict[str, str] | None, expected: list[tuple[str, str, str]]) -> None:
    """temperature on Opus 4.7: a warning with headers unknown, an error under 2023-06-01, removed under 2026-10-21."""
    found = validate_request(dict(BODY, model="claude-opus-4-7", temperature=0.5), headers=headers)
    assert _codes(found) == expected


def test_headers_none_never_judges_headers() -> None:
    """Unknown headers: no header causes at all (no missing version, no missing key)."""
    assert validate_request(BODY, headers=None) == []


def test_empty_headers_are_judged() -> None:
    """Known-but-empty headers: the version is missing (error) and credentials are missing (warning)."""
    found = validate_request(BODY, headers={})
    assert _codes(found) == [("version_header_missing", "error", ""), ("auth_missing", "warning", "")]


def test_temperature_and_top_p_unknown_version_warns() -> None:
    """temperature + top_p on Sonnet 4.6 with headers unknown is a warning, under 2023-06-01 an error."""
    body = dict(BODY, temperature=0.5, top_p=0.9)
    assert _codes(validate_request(body, headers=None)) == [("temperature_and_top_p_both", "warning", "top_p")]
    assert _codes(validate_request(body, headers=H23)) == [("temperature_and_top_p_both", "error", "top_p")]


def test_unknown_model_only_warns() -> None:
    """An unknown, plausible model id is a warning with a 404 status, and model-dependent rules stay silent."""
    body = dict(BODY, model="claude-future-9", max_tokens=500_000,
                messages=[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "{"}])
    found = validate_request(body, headers=H23)
    assert _codes(found) == [("model_not_found", "warning", "model")]
    assert found[0].status == 404 and found[0].error_type == "not_found_error"


def test_registry_argument_overrides_models(tmp_path: Any) -> None:
    """A registry file laid over the built-in one decides model rules (here a new model's output limit); no evidence
    covers a model nobody has observed, so the finding is a warning (severity follows evidence)."""
    path = tmp_path / "models.json"
    path.write_text(json.dumps({"models": [{"id": "claude-future-9", "max_output": 1000, "prefill": True}]}), "utf-8")
    registry = pytest_claude_guard.load_registry(path)
    found = validate_request(dict(BODY, model="claude-future-9", max_tokens=2000), headers=H23, registry=registry)
    assert _codes(found) == [("max_tokens_above_model_limit", "warning", "max_tokens")]


def test_every_violation_field_is_filled() -> None:
    """Violations carry a confidence level, an API status/type, a message and a docs anchor."""
    body = dict(BODY, model="claude-opus-4-6", max_tokens=-1, messages=[{"role": "assistant", "content": "{"}])
    for v in validate_request(body, headers=H23):
        assert v.confidence in ("confirmed", "likely", "uncertain")
        assert v.status in (400, 401, 404, 413) and v.error_type
        assert v.message and v.fix and v.docs.endswith("#" + v.code)


@pytest.mark.parametrize(
    "encoding,severity",
    [("br", "warning"), ("zstd", "warning"), ("gzip", "error"), ("deflate", "error"), (None, "error")],
)
def test_undecodable_encodings_are_not_called_bad_json(encoding: str | None, severity: str) -> None:
    """Bytes that do not parse: bad JSON when sent plain or as gzip/deflate (decoded before the engine sees them);
    only "not checked" (a warning) in an encoding claude-guard does not decode, which the API may read fine."""
    headers = {"anthropic-version": "2023-06-01", "x-api-key": "k"}
    if encoding:
        headers["content-encoding"] = encoding
    found = [v for v in validate_request(b"\x8b\x02\x80 not json", headers=headers) if v.code == "invalid_json"]
    assert [v.severity for v in found] == [severity]
