"""Helpers for the cassette tests: write cassettes in every encoding, run the command, plant a canary key."""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import secrets
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Callable, ClassVar, Dict, Iterator, List, Optional, Tuple

import pytest
import yaml
from server_support import serving

from pytest_claude_guard._cli import cassettes as lint_command

DATA = Path(__file__).parent / "data"
CORPUS = ("corpus", "cassettes")  # under ../shared: use tests.conftest.shared_path(*CORPUS)

VALID_BODY = {
    "model": "claude-opus-4-6",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "Hello"}],
}
PREFILL_BODY = {
    "model": "claude-opus-4-6",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Sure"}],
}


def make_canary(prefix: str = "sk-ant-api03-") -> str:
    """A fresh key-shaped canary (108 characters like a real key), never stored in the repository."""
    return prefix + secrets.token_urlsafe(120)[: 108 - len(prefix) - 2] + "AA"


@pytest.fixture
def canary() -> str:
    return make_canary()


def interaction(
    body: Any = None,
    *,
    headers: Optional[Dict[str, List[str]]] = None,
    uri: str = "https://api.anthropic.com/v1/messages",
    method: str = "POST",
    status: int = 200,
    response: Any = "{}",
    response_headers: Optional[Dict[str, List[str]]] = None,
) -> Dict[str, Any]:
    """A vcrpy interaction dict; ``body`` dicts are JSON-encoded, str/bytes are stored as given."""
    if isinstance(body, dict):
        body = json.dumps(body)
    return {
        "request": {
            "body": body,
            "headers": {"anthropic-version": ["2023-06-01"]} if headers is None else headers,
            "method": method,
            "uri": uri,
        },
        "response": {
            "status": {"code": status, "message": "OK" if status < 400 else "Error"},
            "headers": response_headers or {},
            "body": {"string": response},
        },
    }


def api_error(message: str, error_type: str = "invalid_request_error") -> str:
    return json.dumps({"type": "error", "error": {"type": error_type, "message": message}})


def gzip_bytes(obj: Any) -> bytes:
    text = obj if isinstance(obj, str) else json.dumps(obj)
    return gzip.compress(text.encode("utf-8"))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


WriteCassette = Callable[..., Path]


@pytest.fixture
def write_cassette(tmp_path: Path) -> WriteCassette:
    """write_cassette(interactions, name="c.yaml") -> path; YAML (bytes become !!binary) or JSON by suffix."""

    def write(interactions: List[Dict[str, Any]], name: str = "c.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"interactions": interactions, "version": 1}
        if name.endswith(".json"):
            path.write_text(json.dumps(data, indent=4), encoding="utf-8")
        else:
            path.write_text(yaml.dump(data), encoding="utf-8")
        return path

    return write


def run_lint(*args: str) -> int:
    """Run ``claude-guard lint-cassettes ARGS`` through the subcommand's own parser -> exit code."""
    parser = argparse.ArgumentParser(prog="claude-guard")
    sub = parser.add_subparsers(dest="command", required=True)
    lint_command.add_parser(sub)
    ns = parser.parse_args(["lint-cassettes", *args])
    return int(ns.func(ns))


@pytest.fixture
def lint(capsys: pytest.CaptureFixture[str]) -> Callable[..., Tuple[int, str, str]]:
    """lint(*args) -> (exit code, stdout, stderr) of ``claude-guard lint-cassettes``."""

    def call(*args: str) -> Tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = run_lint(*args)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return call


MESSAGE = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-opus-4-6",
    "content": [{"type": "text", "text": "hi"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 1, "output_tokens": 1},
}


class _Handler(BaseHTTPRequestHandler):
    canary = ""
    received: ClassVar[List[str]] = []

    def do_POST(self) -> None:  # http.server's naming
        self.received.append(self.rfile.read(int(self.headers.get("content-length", 0))).decode("utf-8"))
        payload = gzip.compress(json.dumps({**MESSAGE, "echo": self.canary}).encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Set-Cookie", "session=" + self.canary)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_server(canary: str) -> Iterator[Tuple[str, str, List[str]]]:
    """A local HTTP server (127.0.0.1, no network) answering like the API, echoing the canary and a cookie
    -> (base URL, canary, bodies received)."""
    received: ClassVar[List[str]] = []
    handler = type("Handler", (_Handler,), {"canary": canary, "received": received})
    with serving(HTTPServer(("127.0.0.1", 0), handler)) as url:  # stopped by a signal, not a 0.5 s poll
        yield url, canary, received
