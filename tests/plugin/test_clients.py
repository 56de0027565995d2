"""Every client the installed SDK exports is intercepted and normalised: enumerated from the SDK itself (never a
copied list), each sends a valid request and has an invalid one (prefill on claude-opus-4-6) blocked with the
diagnosis.  Also the Bedrock shapes that no SDK client sends: InvokeModel through a gateway, CountTokens."""

from __future__ import annotations

import base64
import inspect
import json
import textwrap
from typing import Any as Suite

import pytest

from pytest_claude_guard import validate_request
from pytest_claude_guard._core._context import parse_endpoint


def client_classes() -> list[type]:
    """The concrete client classes (sync and async) of the installed anthropic SDK: every public subclass of its
    SyncAPIClient / AsyncAPIClient once ``anthropic`` and each public ``anthropic.lib`` package is imported."""
    import importlib
    import pkgutil

    import anthropic
    import anthropic.lib
    from anthropic._base_client import AsyncAPIClient, SyncAPIClient

    for info in pkgutil.iter_modules(anthropic.lib.__path__, "anthropic.lib."):
        if not info.name.rpartition(".")[2].startswith("_"):
            try:
                importlib.import_module(info.name)
            except ImportError:  # an optional extra that is not installed: it exports no client
                pass
    found: dict[str, type] = {}
    stack: list[type] = [SyncAPIClient, AsyncAPIClient]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.split(".")[0] == "anthropic" and not sub.__name__.startswith("_"):
                found[f"{sub.__module__}.{sub.__qualname__}"] = sub
    return [found[key] for key in sorted(found)]


CLIENTS = '''
import asyncio

import anthropic
import pytest
from anthropic._base_client import AsyncAPIClient
from conftest import http, PREFILL, USER

# How a test builds each client without network (fake credentials) and the model id it takes; the sync and the
# async class share an entry.  A client the installed SDK exports and this table lacks fails its tests.
SETUP = {
    "Anthropic": (dict(api_key="test-key", base_url="http://127.0.0.1:9"), "claude-opus-4-6"),
    "AnthropicBedrock": (dict(aws_access_key="AKIDEXAMPLE", aws_secret_key="secret", aws_region="us-east-1"),
                         "global.anthropic.claude-opus-4-6-v1"),
    "AnthropicBedrockMantle": (dict(api_key="test-key", aws_region="us-east-1"), "anthropic.claude-opus-4-6"),
    "AnthropicVertex": (dict(region="us-east5", project_id="p", access_token="t"), "claude-opus-4-6"),
    "AnthropicFoundry": (dict(api_key="test-key", resource="r"), "claude-opus-4-6"),
    "AnthropicAWS": (dict(api_key="test-key", aws_region="us-east-1", workspace_id="wrkspc_1"), "claude-opus-4-6"),
    "AnthropicGoogleCloud": (dict(project="p", workspace_id="wrkspc_1", token_provider=lambda: "t"),
                             "claude-opus-4-6"),
}


def create(cls, transport, messages, **options):
    name = cls.__name__.removeprefix("Async")
    if name not in SETUP:
        pytest.fail(f"{cls.__module__}.{cls.__qualname__}: a client of the installed SDK that claude-guard's tests "
                    "do not cover: add it to SETUP in tests/plugin/test_clients.py (and normalise its requests)")
    kwargs, model = SETUP[name]
    kwargs = {**kwargs, **options}
    if issubclass(cls, AsyncAPIClient):
        async def go():
            client = cls(**kwargs, max_retries=0, http_client=http.AsyncClient(transport=http.MockTransport(transport)))
            return await client.messages.create(model=model, max_tokens=5, messages=messages)
        return asyncio.run(go())
    client = cls(**kwargs, max_retries=0, http_client=http.Client(transport=http.MockTransport(transport)))
    return client.messages.create(model=model, max_tokens=5, messages=messages)
'''


def _ids(classes: list[type]) -> list[str]:
    return [cls.__name__ for cls in classes]


def test_the_sdk_clients_are_enumerated() -> None:
    """The enumeration finds the installed SDK's clients, sync and async, the platform ones included."""
    names = set(_ids(client_classes()))
    assert {"Anthropic", "AsyncAnthropic", "AnthropicBedrock", "AsyncAnthropicBedrock"} <= names
    assert all(f"Async{name}" in names for name in names if not name.startswith("Async"))


# Severity follows evidence (data/evidence.json): no public thread shows the prefill rejection on Bedrock Mantle or
# Microsoft Foundry, so there the prefill on claude-opus-4-6 is a warning and the request is sent.
PREFILL_WARNS = frozenset({"AnthropicBedrockMantle", "AnthropicFoundry"})


def test_every_client_sends_a_valid_request_and_is_blocked_on_an_invalid_one(suite_v2: Suite) -> None:
    """Each client the installed SDK exports: a valid request reaches the transport with no finding at all; a
    prefill on claude-opus-4-6 never does, and its test fails with the diagnosis even though the code caught the
    SDK's BadRequestError."""
    suite_v2.write(
        CLIENTS
        + textwrap.dedent(inspect.getsource(client_classes))
        + textwrap.dedent(
            '''
            CLASSES = client_classes()


            @pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
            def test_valid(cls, transport, claude_guard):
                create(cls, transport, USER)
                assert len(transport.requests) == 1
                assert [(r.blocked, r.violations) for r in claude_guard.requests] == [(False, [])]


            @pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
            def test_invalid(cls, transport):
                if cls.__name__.removeprefix("Async") in {PREFILL_WARNS!r}:  # no evidence there: a warning, sent
                    create(cls, transport, PREFILL)
                    assert len(transport.requests) == 1
                    return
                with pytest.raises(anthropic.BadRequestError):
                    create(cls, transport, PREFILL)
                assert transport.requests == []
            '''.replace("{PREFILL_WARNS!r}", repr(PREFILL_WARNS))
        )
    )
    names = _ids(client_classes())
    blocked = [name for name in names if name.removeprefix("Async") not in PREFILL_WARNS]
    result = suite_v2.run()
    result.assert_outcomes(passed=2 * len(names) - len(blocked), failed=len(blocked))
    for name in blocked:
        result.stdout.fnmatch_lines([f"_* test_invalid[[]{name}[]] _*",
                                     "prefill_not_supported (claude-guard: 1 request in this test the Anthropic API would reject)",
                                     "", "POST http*: not sent: answered with the API's error"])
    assert result.stdout.str().count("prefill_not_supported (error, confirmed) at messages.1") == len(blocked)


def test_bedrock_gateway_and_mantle_sigv4(suite_v2: Suite) -> None:
    """Bedrock through a gateway (any host, a path prefix) and Mantle signing with SigV4 are checked alike."""
    suite_v2.write(
        CLIENTS
        + textwrap.dedent(
            '''
            VARIANTS = {
                "gateway": (anthropic.AnthropicBedrock, dict(base_url="http://gateway.example/bedrock")),
                "mantle-sigv4": (anthropic.AnthropicBedrockMantle,
                                 dict(api_key=None, aws_access_key="AKIDEXAMPLE", aws_secret_key="secret")),
            }


            @pytest.mark.parametrize("variant", VARIANTS)
            def test_valid(variant, transport, claude_guard):
                cls, options = VARIANTS[variant]
                create(cls, transport, USER, **options)
                assert [str(r.url) for r in transport.requests] == [claude_guard.requests[0].url]
                assert claude_guard.requests[0].violations == []


            @pytest.mark.parametrize("variant", VARIANTS)
            def test_invalid(variant, transport, claude_guard):
                cls, options = VARIANTS[variant]
                if variant == "mantle-sigv4":  # no evidence of the prefill rejection on Mantle: a warning, sent
                    create(cls, transport, PREFILL, **options)
                    assert len(transport.requests) == 1
                    return
                with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
                    create(cls, transport, PREFILL, **options)
                assert transport.requests == []
            '''
        )
    )
    result = suite_v2.run()
    result.assert_outcomes(passed=4)


def _count_tokens_body(inner: dict[str, object]) -> dict[str, object]:
    blob = base64.b64encode(json.dumps(inner).encode()).decode()
    return {"input": {"invokeModel": {"body": blob}}}


INVOKE = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5, "messages": [{"role": "user", "content": "Hi"}]}
INVOKE_PREFILL = {**INVOKE, "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Sure"}]}


def test_bedrock_count_tokens_judges_the_inner_body(suite_v2: Suite) -> None:
    """A raw Bedrock CountTokens call is judged on the InvokeModel body it wraps, at that body's path."""
    suite_v2.write(
        f"""
        import httpx2, pytest
        from conftest import Counting

        URL = "https://bedrock-runtime.us-east-1.amazonaws.com/model/global.anthropic.claude-opus-4-6-v1/count-tokens"

        @pytest.mark.parametrize("body", [{_count_tokens_body(INVOKE)!r}, {_count_tokens_body(INVOKE_PREFILL)!r}],
                                 ids=["valid", "prefill"])
        def test_count(body):
            transport = Counting()
            with httpx2.Client(transport=httpx2.MockTransport(transport)) as client:
                client.post(URL, json=body)
            assert len(transport.requests) == 1
        """
    )
    result = suite_v2.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["prefill_not_supported (error, confirmed) at input.invokeModel.body.messages.1"])


BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com/model/{}/{}"
MANTLE = "https://bedrock-mantle.us-east-1.api.aws/anthropic/v1/messages"
MESSAGES = {"model": "anthropic.claude-opus-4-6", "max_tokens": 5, "messages": INVOKE_PREFILL["messages"]}


@pytest.mark.parametrize(
    ("endpoint", "body", "codes"),
    [
        ("https://gw.example/bedrock/model/us.anthropic.claude-opus-4-6-v1%3A0/invoke", INVOKE_PREFILL,
         ["prefill_not_supported"]),
        ("http://10.0.0.5:8080/llm/model/anthropic.claude-opus-4-6/invoke-with-response-stream", INVOKE_PREFILL,
         ["prefill_not_supported"]),
        (BEDROCK.format("amazon.titan-text-express-v1", "invoke"), {"inputText": "Hi"}, []),
        (BEDROCK.format("anthropic.claude-opus-4-6", "count-tokens"), _count_tokens_body(INVOKE), []),
        (BEDROCK.format("anthropic.claude-opus-4-6", "count-tokens"),  # prefill on count_tokens: no evidence, a warning
         _count_tokens_body({k: v for k, v in INVOKE_PREFILL.items() if k != "max_tokens"}), []),
        (BEDROCK.format("anthropic.claude-opus-4-6", "count-tokens"), {"input": {"invokeModel": {"body": "%%"}}},
         ["invalid_json"]),
        (BEDROCK.format("anthropic.claude-opus-4-6", "count-tokens"), {"input": {"converse": {"messages": []}}}, []),
        (MANTLE, {**MESSAGES, "messages": MESSAGES["messages"][:1]}, []),
        (MANTLE, MESSAGES, []),  # prefill on Mantle: no evidence, a warning
    ],
    ids=["gateway", "proxy-stream", "titan", "count-tokens", "count-tokens-prefill", "count-tokens-not-base64",
         "count-tokens-converse", "mantle", "mantle-prefill"],
)
def test_platform_shapes(endpoint: str, body: dict[str, object], codes: list[str]) -> None:
    """Bedrock on any host and prefix, another provider's Bedrock model (not judged), CountTokens' inner body,
    and Mantle's Messages body with Bedrock-style model ids: exactly the expected errors."""
    headers = {"anthropic-version": "2023-06-01", "authorization": "AWS4-HMAC-SHA256 ..."}
    found = validate_request(body, headers=headers, endpoint=endpoint)
    assert [v.code for v in found if v.severity == "error"] == codes


def test_mantle_and_first_party_platform_hosts() -> None:
    """Mantle, AWS and Google Cloud hosts take Messages bodies (with the services' own credentials)."""
    for url, service in [
        (MANTLE, "bedrock-mantle"),
        ("https://aws-external-anthropic.us-east-1.api.aws/v1/messages", "aws"),
        ("https://claude.googleapis.com/v1/projects/p/locations/global/workspaces/w/invoke/v1/messages", "google-cloud"),
    ]:
        endpoint = parse_endpoint(url)
        assert (endpoint.kind, endpoint.platform, endpoint.service) == ("messages", "anthropic", service)
    assert parse_endpoint("https://bedrock-mantle.us-east-1.api.aws/anthropic/v1/messages/batches").platform == "bedrock"
