"""Every recorder's cassettes: the same recorded 400 written in each format real suites use reads back alike.

Each fixture is a small synthetic cassette in one recorder's layout (vcrpy YAML/JSON, ``!!binary``, base64,
gzip/deflate request bodies, the parsed bodies custom vcrpy serializers write such as pydantic-ai's
``parsed_body:``, typed ``body: {type, content}`` mappings, Ruby VCR/betamax ``base64_string``).  Each holds
a prefill request the API answered with a 400: the reader must decode both sides for the linter to find the
cause and agree with the recorded message.
"""

from __future__ import annotations

import json
import textwrap
import zlib
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_claude_guard._cassettes.reader import decode_body, load_cassette, recorded_body
from pytest_claude_guard._cassettes.lint import lint_paths

from .conftest import PREFILL_BODY, VALID_BODY, api_error, b64, gzip_bytes

PREFILL_API = (
    "This model does not support assistant message prefill. The conversation must end with a user message."
)
ERROR = json.loads(api_error(PREFILL_API))
URI = "https://api.anthropic.com/v1/messages"
JSON_HEADERS = {"anthropic-version": ["2023-06-01"], "content-type": ["application/json"]}


def _vcrpy(request_body: Any, response_body: Any, **extra_headers: List[str]) -> Dict[str, Any]:
    """A vcrpy interaction with the given stored bodies (stored exactly as given)."""
    return {
        "request": {
            "body": request_body,
            "headers": {**JSON_HEADERS, **{k.replace("_", "-"): v for k, v in extra_headers.items()}},
            "method": "POST",
            "uri": URI,
        },
        "response": {
            "body": response_body,
            "headers": {"content-type": ["application/json"]},
            "status": {"code": 400, "message": "Bad Request"},
        },
    }


def _parsed(key: str = "parsed_body", **request_extra: Any) -> Dict[str, Any]:
    """A custom serializer's interaction: the bodies stored as parsed mappings under ``key``."""
    return {
        "request": {"method": "POST", "uri": URI, "headers": JSON_HEADERS, key: PREFILL_BODY, **request_extra},
        "response": {"status": {"code": 400, "message": "Bad Request"}, "headers": {}, key: ERROR},
    }


def _typed(request_body: Dict[str, Any], response_body: Dict[str, Any]) -> Dict[str, Any]:
    """A typed-body recorder (``body: {type: json | text | binary | none, content: ...}``, an int status)."""
    return {
        "request": {"method": "POST", "uri": URI, "headers": JSON_HEADERS, "body": request_body},
        "response": {"status": 400, "headers": {}, "body": response_body},
        "recorded_at": "2026-03-06T19:26:02+00:00",
    }


PREFILL_TEXT = json.dumps(PREFILL_BODY)
ERROR_TEXT = json.dumps(ERROR)

# name -> (file name, interaction (or the whole file text), key the request body is stored under)
FORMATS: Dict[str, Tuple[str, Any, str]] = {
    "vcrpy-yaml-str": ("c.yaml", _vcrpy(PREFILL_TEXT, {"string": ERROR_TEXT}), "body"),
    "vcrpy-json": ("c.json", _vcrpy(PREFILL_TEXT, {"string": ERROR_TEXT}), "body"),
    "yaml-binary-gzip-request": (
        "c.yaml",
        _vcrpy(gzip_bytes(PREFILL_BODY), {"string": gzip_bytes(ERROR)}, content_encoding=["gzip"]),
        "body",
    ),
    "yaml-binary-deflate-request": (
        "c.yaml",
        _vcrpy(zlib.compress(PREFILL_TEXT.encode()), {"string": ERROR_TEXT}, content_encoding=["deflate"]),
        "body",
    ),
    "base64-request": ("c.yaml", _vcrpy(b64(PREFILL_TEXT.encode()), {"string": b64(gzip_bytes(ERROR))}), "body"),
    "json-base64-gzip-request": (
        "c.json",
        _vcrpy(b64(gzip_bytes(PREFILL_BODY)), {"string": ERROR_TEXT}, content_encoding=["gzip"]),
        "body",
    ),
    "request-string-mapping": ("c.yaml", _vcrpy({"string": PREFILL_TEXT}, {"string": ERROR_TEXT}), "body"),
    "request-base64-string-mapping": (
        "c.json",
        _vcrpy({"encoding": "ASCII-8BIT", "base64_string": b64(gzip_bytes(PREFILL_BODY))}, {"string": ERROR_TEXT}),
        "body",
    ),
    "pydantic-ai-parsed-body": ("c.yaml", _parsed(), "parsed_body"),
    "pydantic-ai-parsed-body-json-file": ("c.json", _parsed(), "parsed_body"),
    "parsed-body-beside-empty-body": ("c.yaml", _parsed(body=""), "parsed_body"),
    "request-json-key": ("c.yaml", _parsed("json"), "json"),
    "body-json-mapping": ("c.yaml", _vcrpy({"json": PREFILL_BODY}, {"json": ERROR}), "body"),
    "body-content-mapping": ("c.yaml", _vcrpy({"content": PREFILL_TEXT}, {"content": ERROR_TEXT}), "body"),
    "body-is-the-parsed-mapping": ("c.yaml", _vcrpy(PREFILL_BODY, ERROR), "body"),
    "typed-json": (
        "c.yaml",
        _typed({"type": "json", "content": PREFILL_BODY}, {"type": "json", "content": ERROR}),
        "body",
    ),
    "typed-text": (
        "c.yaml",
        _typed({"type": "text", "content": PREFILL_TEXT}, {"type": "text", "content": ERROR_TEXT}),
        "body",
    ),
    "typed-binary-gzip": (
        "c.json",
        _typed(
            {"type": "binary", "content": b64(gzip_bytes(PREFILL_BODY))},
            {"type": "binary", "content": b64(ERROR_TEXT.encode())},
        ),
        "body",
    ),
}

PYDANTIC_AI_TEXT = textwrap.dedent(
    """\
    interactions:
    - request:
        headers:
          accept:
          - application/json
          content-type:
          - application/json
          host:
          - api.anthropic.com
        method: POST
        parsed_body:
          max_tokens: 1024
          messages:
          - content:
            - text: Name a colour.
              type: text
            role: user
          - content:
            - text: The colour is
              type: text
            role: assistant
          model: claude-opus-4-6
          stream: false
        uri: https://api.anthropic.com/v1/messages?beta=true
      response:
        headers:
          content-type:
          - application/json
        parsed_body:
          error:
            message: This model does not support assistant message prefill. The conversation must end with a user
              message.
            type: invalid_request_error
          type: error
        status:
          code: 400
          message: Bad Request
    version: 1
    """
)


def _write(path: Path, interaction: Any) -> Path:
    data = {"interactions": [interaction], "version": 1}
    path.write_text(json.dumps(data, indent=2) if path.suffix == ".json" else yaml.dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_reads_the_request_and_the_recorded_error(tmp_path: Path, fmt: str) -> None:
    """The request body decodes to the recorded request, its line is the body's, and the recorded 400 agrees."""
    name, interaction, key = FORMATS[fmt]
    path = _write(tmp_path / name, interaction)
    [it] = load_cassette(str(path)).interactions
    assert json.loads(it.request_body or "") == PREFILL_BODY
    assert json.loads(it.response_body or "") == ERROR
    body_line = path.read_text().splitlines()[it.body_line - 1].lstrip()
    assert body_line.startswith((f'"{key}":', f"{key}:"))
    findings = lint_paths([str(path)]).findings
    assert [(f.code, f.line) for f in findings] == [
        ("prefill_not_supported", it.body_line),
        ("recorded_error", it.body_line),
    ]
    assert findings[1].recorded is not None and findings[1].recorded.agreement == "agrees"


def test_pydantic_ai_cassette_as_written(tmp_path: Path) -> None:
    """A cassette in pydantic-ai's serializer layout (parsed_body on both sides, no body) is fully checked."""
    path = tmp_path / "test_prefill.yaml"
    path.write_text(PYDANTIC_AI_TEXT)
    result = lint_paths([str(path)])
    assert (result.requests, result.errors, result.warnings) == (1, 1, 0)
    assert [(f.code, f.line) for f in result.findings] == [("prefill_not_supported", 11), ("recorded_error", 11)]
    assert PYDANTIC_AI_TEXT.splitlines()[10].strip() == "parsed_body:"
    assert "no request body recorded" not in "\n".join(f.message for f in result.findings)


def test_pydantic_ai_folder_has_no_unchecked_bodies(tmp_path: Path) -> None:
    """A folder of parsed-body cassettes (Messages, count_tokens, an event stream, a GET) leaves no request
    body unchecked: the 321 "no request body recorded" findings on pydantic-ai's cassettes are gone."""
    count_tokens = {**_parsed(), "response": {"status": {"code": 200}, "parsed_body": {"input_tokens": 5}}}
    count_tokens["request"] = {
        **count_tokens["request"],
        "uri": URI + "/count_tokens",
        "parsed_body": {"model": "claude-opus-4-6", "messages": [{"role": "user", "content": "Hi"}]},
    }
    stream = {
        "request": {"method": "POST", "uri": URI, "headers": JSON_HEADERS, "parsed_body": {**VALID_BODY, "stream": True}},
        "response": {
            "status": {"code": 200},
            "headers": {"content-type": ["text/event-stream"]},
            "body": {"string": "event: message_stop\ndata: {}\n\n"},
        },
    }
    models = {"request": {"method": "GET", "uri": "https://api.anthropic.com/v1/models", "body": None}, "response": {}}
    for i, interaction in enumerate([_parsed(), count_tokens, stream, models]):
        _write(tmp_path / f"t{i}.yaml", interaction)
    result = lint_paths([str(tmp_path)])
    assert (result.files, result.interactions, result.requests) == (4, 4, 3)
    assert not [f for f in result.findings if f.code == "cassette_unreadable"]
    assert [f.code for f in result.findings] == [
        "prefill_not_supported",
        "recorded_error",
        "cassette_foreign",
    ]


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ({"body": "x", "parsed_body": {"a": 1}}, ("x", "body")),
        ({"body": "", "parsed_body": {"a": 1}}, ({"a": 1}, "parsed_body")),
        ({"body": None, "json": [1]}, ([1], "json")),
        ({"content": "c"}, ("c", "content")),
        ({"body": ""}, ("", "body")),
        ({}, (None, "body")),
    ],
    ids=["body-first", "empty-body-gives-way", "json-key", "content-key", "only-empty", "none"],
)
def test_recorded_body_picks_the_stored_copy(part: Dict[str, Any], expected: Tuple[Any, str]) -> None:
    """``body`` is preferred; an empty or missing one gives way to a serializer's parsed copy."""
    assert recorded_body(part) == expected


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        pytest.param({"model": "m", "n": 1}, '{"model": "m", "n": 1}', id="mapping"),
        pytest.param({"type": "message", "content": [{"type": "text", "text": "é"}]},
                     '{"type": "message", "content": [{"type": "text", "text": "é"}]}', id="parsed-response-not-a-wrapper"),
        pytest.param({"type": "json", "content": '{"a": 1}'}, '{"a": 1}', id="typed-json-text"),
        pytest.param({"type": "none"}, None, id="typed-none"),
        pytest.param({"json": [1, {"a": None}]}, '[1, {"a": null}]', id="json-array"),
        pytest.param([{"a": 1}], '[{"a": 1}]', id="parsed-array"),
        pytest.param({"content": "hi", "compression": "deflate"}, "hi", id="content-text"),
        pytest.param({"content": b64(zlib.compress(b"{}")), "type": "binary", "compression": "deflate"}, "{}",
                     id="typed-binary-deflate"),
    ],
)
def test_decode_body_parsed_and_typed(stored: Any, text: Any) -> None:
    """Parsed mappings are re-encoded as JSON; typed and keyed wrappers are unwrapped."""
    assert decode_body(stored) == (text, None)


def test_decode_body_yaml_values_in_a_parsed_body() -> None:
    """Values a YAML loader builds inside a parsed body (dates, bytes) still give JSON text."""
    stored = yaml.safe_load("d: 2026-01-02\nb: !!binary aGk=\nraw: !!binary /w==\n")
    assert decode_body(stored) == ('{"d": "2026-01-02", "b": "hi", "raw": "/w=="}', None)


MALFORMED: Dict[str, Tuple[str, str]] = {
    "bad-base64": (
        "    body: {type: binary, content: '%%% not base64 %%%'}\n",
        "request body not checked: a base64 body that is not valid base64",
    ),
    "bad-base64-string": (
        "    body: {base64_string: '!!!!'}\n",
        "request body not checked: a base64 body that is not valid base64",
    ),
    "parsed-binary-garbage": (
        "    parsed_body: !!binary /w==\n",
        "request body not checked: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
    ),
    "typed-none": ("    body: {type: none}\n", "request body not checked: no request body recorded"),
    "truncated-gzip": (
        "    body: !!binary H4sIAAAAAAAA\n    headers: {content-encoding: [gzip]}\n",
        "request body not checked: truncated compressed body",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_custom_bodies_get_one_line(tmp_path: Path, case: str) -> None:
    """A body that is stored but cannot be decoded gets one clear warning on its interaction, no crash."""
    body, message = MALFORMED[case]
    path = tmp_path / "c.yaml"
    path.write_text(
        "interactions:\n- request:\n    method: POST\n    uri: https://api.anthropic.com/v1/messages\n"
        + body
        + "  response: {status: {code: 200}}\n"
    )
    findings = lint_paths([str(path)]).findings
    assert [(f.code, f.severity, f.line, f.message) for f in findings] == [
        ("cassette_unreadable", "warning", 5, message)
    ]


_WRAPPER_KEY = st.sampled_from(
    ["string", "base64_string", "json", "content", "parsed", "type", "encoding", "compression", "model"]
)
_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.binary(max_size=30),
    st.sampled_from(["json", "text", "binary", "none", "gzip", "deflate", "H4sI", "e30="]),
)
_BODY = st.recursive(
    _LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_WRAPPER_KEY, inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(stored=_BODY, encoding=st.sampled_from([None, "gzip", "deflate", "br", ""]))
def test_decode_body_never_raises(stored: Any, encoding: Any) -> None:
    """Any stored value, wrapper-shaped or not, gives text or a one-line problem, never an exception."""
    text, problem = decode_body(stored, encoding)
    assert text is None or problem is None
    assert problem is None or "\n" not in problem


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=st.dictionaries(st.sampled_from(["body", "parsed_body", "json", "content", "method"]), _BODY))
def test_lint_never_crashes_on_odd_request_bodies(tmp_path: Path, request: Dict[str, Any]) -> None:
    """Cassettes whose request holds odd bodies under any key lint without an exception."""
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.dump({"interactions": [{"request": {**request, "method": "POST", "uri": URI}}]}))
    result = lint_paths([str(path)])
    assert result.files == 1 and all("\n" not in f.message for f in result.findings)

