"""Request normalisation: endpoints (paths, full URLs, Bedrock/Vertex), headers, API version and betas."""
from __future__ import annotations

from typing import Any

import pytest

from pytest_claude_guard import validate_request
from pytest_claude_guard._core._context import Context, Endpoint, normalize_headers, parse_endpoint
from pytest_claude_guard._core._models import default_registry

BODY: dict[str, Any] = {"model": "claude-sonnet-4-6", "max_tokens": 1024, "messages": [{"role": "user", "content": "Hi"}]}
H = {"anthropic-version": "2023-06-01", "x-api-key": "k"}


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("/v1/messages", Endpoint("messages")),
        ("/v1/messages/", Endpoint("messages")),
        ("/v1/messages?beta=true", Endpoint("messages")),
        ("https://api.anthropic.com/v1/messages", Endpoint("messages")),
        ("https://api.anthropic.com/v1/messages?beta=true", Endpoint("messages")),
        ("http://localhost:8080/anthropic/v1/messages", Endpoint("messages")),
        ("/v1/messages/count_tokens", Endpoint("count_tokens")),
        ("https://api.anthropic.com/v1/messages/count_tokens?beta=true", Endpoint("count_tokens")),
        ("/v1/messages/batches", Endpoint("batches")),
        ("https://gateway.example.com/proxy/v1/messages/batches", Endpoint("batches")),
        ("https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-6/invoke",
         Endpoint("messages", "bedrock", "anthropic.claude-sonnet-4-6")),
        ("https://bedrock-runtime.us-west-2.amazonaws.com/model/us.anthropic.claude-opus-4-8-v1%3A0/invoke-with-response-stream",
         Endpoint("messages", "bedrock", "us.anthropic.claude-opus-4-8-v1:0")),
        ("https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-haiku-4-5/count-tokens",
         Endpoint("count_tokens", "bedrock", "anthropic.claude-haiku-4-5")),
        (("https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/"
         "claude-sonnet-4-6:rawPredict"), Endpoint("messages", "vertex", "claude-sonnet-4-6")),
        (("https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/anthropic/models/"
         "claude-opus-4-8:streamRawPredict"), Endpoint("messages", "vertex", "claude-opus-4-8")),
        (("https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/"
         "count-tokens:rawPredict"), Endpoint("count_tokens", "vertex", None)),
    ],
)
def test_parse_endpoint(endpoint: str, expected: Endpoint) -> None:
    """Paths, full URLs, ?beta=true, proxies and Bedrock/Vertex URLs map to an endpoint kind and platform."""
    got = parse_endpoint(endpoint)
    assert (got.kind, got.platform, got.url_model) == (expected.kind, expected.platform, expected.url_model)


@pytest.mark.parametrize(
    "endpoint",
    ["/v1/complete", "/v1/models", "https://api.anthropic.com/v1/files", "/v1/messages/batches/msgbatch_01/results",
     "https://api.openai.com/v1/chat/completions", "not a url at all", "/v1/messages/extra"],
)
def test_unknown_endpoints_are_not_judged(endpoint: str) -> None:
    """Anything that is not a Messages endpoint gets no violations at all, whatever the body."""
    assert parse_endpoint(endpoint).kind is None
    assert validate_request({"prompt": "\n\nHuman: hi"}, headers={}, endpoint=endpoint) == []
    assert validate_request("not json", endpoint=endpoint) == []


def test_default_endpoint_is_messages() -> None:
    """An empty or missing endpoint means /v1/messages."""
    assert parse_endpoint("").kind == "messages"
    assert parse_endpoint(None).kind == "messages"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (None, None),
        ({}, {}),
        ({"Anthropic-Version": "2023-06-01", "X-API-Key": "k"}, {"anthropic-version": "2023-06-01", "x-api-key": "k"}),
        ([("anthropic-beta", "a"), ("Anthropic-Beta", "b")], {"anthropic-beta": "a, b"}),
        ({b"anthropic-version": b"2026-10-21"}, {"anthropic-version": "2026-10-21"}),
        ({"anthropic-beta": ["files-api-2025-04-14", "fast-mode-2026-02-01"]},
         {"anthropic-beta": "files-api-2025-04-14, fast-mode-2026-02-01"}),
    ],
)
def test_normalize_headers(headers: Any, expected: dict[str, str] | None) -> None:
    """Header names are lower-cased; repeated headers are joined with ', ' as they reach the API."""
    assert normalize_headers(headers) == expected


class _MultiHeaders:
    """A stand-in for httpx.Headers: ``items()`` merges, ``multi_items()`` keeps repeats."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return list(dict(self._pairs).items())

    def multi_items(self) -> list[tuple[str, str]]:
        return list(self._pairs)


def test_normalize_headers_prefers_multi_items() -> None:
    """httpx-style headers are read through multi_items, so a repeated header is not lost."""
    h = _MultiHeaders([("anthropic-version", "2023-06-01"), ("anthropic-version", "2023-06-01")])
    assert normalize_headers(h) == {"anthropic-version": "2023-06-01, 2023-06-01"}


def test_repeated_version_header_is_invalid() -> None:
    """A version header sent twice reaches the API as one joined value, which is not a version."""
    pairs = [("anthropic-version", "2023-06-01"), ("anthropic-version", "2023-06-01"), ("x-api-key", "k")]
    found = validate_request(BODY, headers=pairs)  # type: ignore[arg-type]  # raw header pairs are accepted too
    assert [(v.code, v.severity) for v in found] == [("version_header_invalid", "error")]
    assert found[0].api_message == 'anthropic-version: "2023-06-01, 2023-06-01" is not a valid version'


def test_headers_are_case_insensitive_in_rules() -> None:
    """Upper-case header names decide the rules exactly like lower-case ones."""
    body = dict(BODY, temperature=0.5)
    lower = validate_request(body, headers={"anthropic-version": "2026-10-21", "x-api-key": "k"})
    upper = validate_request(body, headers={"ANTHROPIC-VERSION": "2026-10-21", "X-Api-Key": "k"})
    assert [v.to_dict() for v in lower] == [v.to_dict() for v in upper]
    assert lower[0].code == "sampling_param_removed_2026_10_21"


def _ctx(headers: dict[str, str] | None, endpoint: str = "/v1/messages", body: dict[str, Any] | None = None) -> Context:
    return Context(body=body or dict(BODY), endpoint=parse_endpoint(endpoint), headers=normalize_headers(headers),
                   registry=default_registry())


@pytest.mark.parametrize(
    ("headers", "endpoint", "version"),
    [
        (None, "/v1/messages", None),
        ({"anthropic-version": "2023-06-01"}, "/v1/messages", "2023-06-01"),
        ({"anthropic-version": " 2026-10-21 "}, "/v1/messages", "2026-10-21"),
        ({"anthropic-version": "2024-10-22"}, "/v1/messages", None),
        ({}, "/v1/messages", None),
        (None, "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-6/invoke", "2023-06-01"),
    ],
)
def test_api_version(headers: dict[str, str] | None, endpoint: str, version: str | None) -> None:
    """The version a request is judged under: its header, unknown without headers, 2023-06-01 on Bedrock/Vertex."""
    assert _ctx(headers, endpoint).api_version == version


def test_betas_unknown_without_headers() -> None:
    """No headers: betas are unknown (None), and has_beta answers None rather than False."""
    ctx = _ctx(None)
    assert ctx.betas is None and ctx.has_beta("files-api") is None


def test_betas_split_and_trimmed() -> None:
    """anthropic-beta is a comma-separated list; blanks around values are ignored."""
    ctx = _ctx({"anthropic-beta": " files-api-2025-04-14 ,interleaved-thinking-2025-05-14"})
    assert ctx.betas == frozenset({"files-api-2025-04-14", "interleaved-thinking-2025-05-14"})
    assert ctx.has_beta("files-api") is True and ctx.has_beta("fast-mode") is False


def test_bedrock_body_betas() -> None:
    """Bedrock carries betas in the body's anthropic_beta list."""
    body = dict(BODY, anthropic_beta=["interleaved-thinking-2025-05-14"])
    ctx = _ctx(None, "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-6/invoke", body)
    assert ctx.has_beta("interleaved-thinking") is True


def test_model_from_url_on_bedrock_and_vertex() -> None:
    """Bedrock and Vertex take the model from the URL, not the body."""
    ctx = _ctx(None, "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-6/invoke")
    assert ctx.model_name == "anthropic.claude-sonnet-4-6"


def test_context_paths_with_prefix() -> None:
    """A batch item's paths are prefixed with requests.N.params."""
    ctx = _ctx(H)
    assert ctx.path("messages", 0, "content") == "messages.0.content"
    ctx.prefix = "requests.3.params"
    assert ctx.path("max_tokens") == "requests.3.params.max_tokens"
    assert ctx.path() == "requests.3.params"


def test_batch_item_violations_carry_the_item_prefix() -> None:
    """A problem inside a batch item is reported at requests.N.params.<path>."""
    body = {"requests": [{"custom_id": "a", "params": BODY},
                         {"custom_id": "b", "params": dict(BODY, model="claude-opus-4-6",
                                                           messages=[{"role": "user", "content": "Hi"},
                                                                     {"role": "assistant", "content": "{"}])}]}
    found = validate_request(body, headers=H, endpoint="/v1/messages/batches")
    assert [(v.code, v.path) for v in found] == [("prefill_not_supported", "requests.1.params.messages.1")]


def test_bedrock_model_id_is_normalised() -> None:
    """A Bedrock inference-profile id maps to the API model: its rules apply (prefill on Opus 4.8)."""
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100,
            "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "{"}]}
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-opus-4-8-v1:0/invoke"
    found = validate_request(body, endpoint=url)
    assert [(v.code, v.path) for v in found if v.severity == "error"] == [("prefill_not_supported", "messages.1")]


def test_vertex_versioned_model_id_is_normalised() -> None:
    """A Vertex id with @date maps to the dated snapshot: the 64K limit of Sonnet 4.5 applies."""
    body = {"anthropic_version": "vertex-2023-10-16", "max_tokens": 65536, "messages": [{"role": "user", "content": "Hi"}]}
    url = ("https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/"
           "claude-sonnet-4-5@20250929:rawPredict")
    found = validate_request(body, endpoint=url)
    assert [(v.code, v.path) for v in found if v.severity == "error"] == [("max_tokens_above_model_limit", "max_tokens")]


def test_endpoint_carries_the_host_so_gateways_are_told_apart() -> None:
    """A full URL's host is kept (a gateway on another host may take any model id); a bare path is Anthropic's."""
    from pytest_claude_guard._core._context import parse_endpoint

    assert parse_endpoint("https://litellm.example.com/v1/messages").host == "litellm.example.com"
    assert parse_endpoint("https://api.anthropic.com/v1/messages/count_tokens").host == "api.anthropic.com"
    assert parse_endpoint("/v1/messages").host == ""


@pytest.mark.parametrize("lib", ["httpx", "httpx2"])
def test_normalize_headers_of_an_http_library(lib: str) -> None:
    """The raw byte pairs of httpx / httpx2 headers: names lower-cased, repeats joined, done once (normalising the
    result again returns it as it is)."""
    http = pytest.importorskip(lib)
    h = http.Headers([("Anthropic-Version", "2023-06-01"), ("anthropic-beta", "a"), ("Anthropic-Beta", "b")])
    once = normalize_headers(h)
    assert once == {"anthropic-version": "2023-06-01", "anthropic-beta": "a, b"}
    assert normalize_headers(once) is once
