"""An ordinary test suite for a small weather assistant built on the anthropic SDK.

The code under test comes first (three of its functions have bugs), then its tests.  Nothing here mentions
claude-guard except the two tests that use its fixtures on purpose.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import anthropic
import pytest

# --- the code under test ----------------------------------------------------------------------------------

MODEL = "claude-opus-4-6"
WEATHER_TOOL: Dict[str, Any] = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def _text(message: Any) -> str:
    return "".join(block.text for block in message.content if block.type == "text")


def ask(client: anthropic.Anthropic, question: str, *, model: str = MODEL) -> str:
    message = client.messages.create(
        model=model, max_tokens=512, messages=[{"role": "user", "content": question}]
    )
    return _text(message)


def ask_twice(client: anthropic.Anthropic, first: str, second: str) -> str:
    """Two user turns in a row: fine (the API merges them), whatever some articles say."""
    message = client.messages.create(
        model=MODEL,
        max_tokens=512,
        messages=[{"role": "user", "content": first}, {"role": "user", "content": second}],
    )
    return _text(message)


def ask_json(client: anthropic.Anthropic, question: str) -> str:
    """BUG: prefills "{" to force JSON, which claude-opus-4-6 rejects (use output_config.format)."""
    message = client.messages.create(
        model=MODEL,
        max_tokens=512,
        messages=[{"role": "user", "content": question}, {"role": "assistant", "content": "{"}],
    )
    return "{" + _text(message)


def answer_tool_call(
    client: anthropic.Anthropic, history: List[Dict[str, Any]], tool_use_id: str, result: str
) -> str:
    """Sends the tool result after the conversation so far."""
    messages: Any = history + [
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool_use_id, "content": result}]}
    ]
    tools: Any = [WEATHER_TOOL]
    message = client.messages.create(model=MODEL, max_tokens=512, tools=tools, messages=messages)
    return _text(message)


def resume(client: anthropic.Anthropic, history: List[Dict[str, Any]], tool_use_id: str, result: str) -> str:
    """BUG: to save tokens, keeps only the opening question, dropping the assistant turn with the tool_use."""
    return answer_tool_call(client, history[:1], tool_use_id, result)


def safe_ask(client: anthropic.Anthropic, question: str, *, model: str) -> Optional[str]:
    """BUG (hidden): the model is retired, and the error is swallowed, so production silently degrades."""
    try:
        return ask(client, question, model=model)
    except anthropic.APIStatusError:
        return None


def thinking_request(question: str, *, max_tokens: int = 2048) -> Dict[str, Any]:
    """BUG: builds a request whose thinking budget is not below max_tokens."""
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": max_tokens,
        "thinking": {"type": "enabled", "budget_tokens": max_tokens},
        "messages": [{"role": "user", "content": question}],
    }


def plain_request(question: str) -> Dict[str, Any]:
    return {"model": MODEL, "max_tokens": 1024, "messages": [{"role": "user", "content": question}]}


# --- its tests ---------------------------------------------------------------------------------------


def test_ask_returns_the_answer(client: anthropic.Anthropic) -> None:
    """A valid call passes."""
    assert ask(client, "Weather in Paris?") == "It is sunny."


def test_two_user_turns_in_a_row(client: anthropic.Anthropic) -> None:
    """Consecutive user turns are valid (the API merges them)."""
    assert ask_twice(client, "Hello", "Weather in Paris?") == "It is sunny."


def test_tool_round_trip(client: anthropic.Anthropic) -> None:
    """A tool_result right after its tool_use passes."""
    history: List[Dict[str, Any]] = [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Paris"}}
            ],
        },
    ]
    assert answer_tool_call(client, history, "toolu_01A", "18 C") == "It is sunny."


def test_ask_json(client: anthropic.Anthropic) -> None:
    """Fails: prefill on claude-opus-4-6 (the plugin raises BadRequestError and the request is never sent)."""
    assert ask_json(client, "Weather in Paris as JSON").startswith("{")


def test_resume_after_trimming(client: anthropic.Anthropic) -> None:
    """Fails: the trimmed history leaves a tool_result without its tool_use."""
    history: List[Dict[str, Any]] = [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": "toolu_01B", "name": "get_weather", "input": {"city": "Paris"}}
            ],
        },
    ]
    resume(client, history, "toolu_01B", "18 C")


def test_fallback_when_the_api_fails(client: anthropic.Anthropic) -> None:
    """Fails even though the code swallows the error: the model is retired (404 in production)."""
    assert safe_ask(client, "Weather in Paris?", model="claude-2.1") is None


def test_prefill_error_is_handled(client: anthropic.Anthropic, claude_guard: Any) -> None:
    """Passes: an error path tested on purpose with claude_guard.expect(...)."""
    with claude_guard.expect("prefill_not_supported"), pytest.raises(anthropic.BadRequestError):
        ask_json(client, "Weather in Paris as JSON")


def test_plain_request_payload(assert_valid_request: Callable[..., None]) -> None:
    """Passes: assert_valid_request on a payload built without sending it."""
    assert_valid_request(plain_request("Weather in Paris?"))


def test_thinking_request_payload(assert_valid_request: Callable[..., None]) -> None:
    """Fails: assert_valid_request names the thinking budget problem."""
    assert_valid_request(thinking_request("Plan a trip to Paris."))
