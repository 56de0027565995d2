"""A client whose HTTP goes to a local MockTransport (httpx or httpx2, whichever the installed SDK uses)."""

from __future__ import annotations

import importlib
import json
from types import ModuleType
from typing import Any, Dict, List

import anthropic
import pytest


def http_library() -> ModuleType:
    """anthropic >= 1 sends through httpx2, 0.x through httpx."""
    for cls in anthropic.DefaultHttpxClient.__mro__:
        root = cls.__module__.split(".")[0]
        if root in ("httpx", "httpx2"):
            return importlib.import_module(root)
    return importlib.import_module("httpx")


@pytest.fixture
def sent() -> List[Dict[str, Any]]:
    """The request bodies that reached the transport (the plugin stops invalid ones before it)."""
    return []


@pytest.fixture
def client(sent: List[Dict[str, Any]]) -> anthropic.Anthropic:
    lib = http_library()

    def handler(request: Any) -> Any:
        body = json.loads(request.content or b"{}")
        sent.append(body)
        reply = {
            "id": "msg_demo",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", "claude-opus-4-6"),
            "content": [{"type": "text", "text": "It is sunny."}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 12, "output_tokens": 5},
        }
        return lib.Response(200, json=reply)

    http_client = lib.Client(transport=lib.MockTransport(handler))
    return anthropic.Anthropic(api_key="demo-key-not-secret", http_client=http_client, max_retries=0)
