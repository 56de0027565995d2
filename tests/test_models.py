"""``claude-guard models``: the table, and ``refresh`` from a mocked Models API on a loopback server."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest
from server_support import serving


from pytest_claude_guard import load_registry, validate_request
from pytest_claude_guard._cli import main
from pytest_claude_guard._core._models import today_as
from pytest_claude_guard._cli.models_refresh import build_registry_file, model_entry

CANARY = "sk-ant-api03-CANARY-never-printed-0123456789"


def support(flag: bool) -> Dict[str, bool]:
    return {"supported": flag}


def capabilities(
    *,
    thinking: Tuple[bool, bool, bool, bool] = (True, False, True, False),
    effort: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    adaptive, enabled, disabled, between = thinking
    return {
        "batch": support(True),
        "citations": support(True),
        "code_execution": support(True),
        "context_management": {"supported": True},
        "effort": effort
        if effort is not None
        else {
            "supported": True,
            "low": support(True),
            "medium": support(True),
            "high": support(True),
            "xhigh": support(False),
            "max": support(True),
        },
        "image_input": support(True),
        "pdf_input": support(False),
        "server_tools": {"supported": True, "code_execution": support(True), "web_search": support(True)},
        "structured_outputs": support(False),
        "thinking": {
            "supported": True,
            "types": {
                "adaptive": support(adaptive),
                "enabled": support(enabled),
                "disabled": support(disabled),
                "between_tools": support(between),
            },
        },
    }


def model_info(model_id: str, **overrides: Any) -> Dict[str, Any]:
    info: Dict[str, Any] = {
        "type": "model",
        "id": model_id,
        "display_name": model_id.replace("-", " ").title(),
        "created_at": "2026-11-01T00:00:00Z",
        "lifecycle": "active",
        "deprecated_at": None,
        "retires_at": None,
        "max_input_tokens": 1_000_000,
        "max_tokens": 64_000,
        "capabilities": capabilities(),
    }
    info.update(overrides)
    return info


PAGES: List[List[Dict[str, Any]]] = [
    [model_info("claude-newt-6", max_tokens=1000), model_info("claude-haiku-4-5-20251001", max_tokens=64000)],
    [model_info("claude-2.1", lifecycle="retired", max_tokens=4096, capabilities=None)],
]


class FakeModelsAPI(BaseHTTPRequestHandler):
    """GET /v1/models in pages of two; the first page says has_more and names its last id."""

    log: List[Tuple[str, Dict[str, str]]] = []
    status = 200

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        type(self).log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        if type(self).status != 200:
            body = {
                "type": "error",
                "error": {"type": "authentication_error", "message": "invalid x-api-key"},
            }
            self._send(type(self).status, body)
            return
        query = parse_qs(urlsplit(self.path).query)
        page = 1 if query.get("after_id") == ["claude-haiku-4-5-20251001"] else 0
        data = PAGES[page]
        self._send(
            200,
            {"data": data, "has_more": page == 0, "first_id": data[0]["id"], "last_id": data[-1]["id"]},
        )

    def _send(self, status: int, body: Dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the default stderr log
        return


@pytest.fixture
def models_api() -> Iterator[Tuple[str, type[FakeModelsAPI]]]:
    handler = type("Handler", (FakeModelsAPI,), {"log": [], "status": 200})
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as url:  # stopped by a signal, not a 0.5 s poll
        yield url, handler


def refresh(
    tmp_path: Path, base_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Tuple[int, str, str, Path]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", CANARY)
    output = tmp_path / "models.json"
    code = main(["models", "refresh", "--output", str(output), "--base-url", base_url])
    out, err = capsys.readouterr()
    return code, out, err, output


# --- mapping ModelInfo -> registry entry -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        pytest.param(
            model_info("claude-newt-6", max_tokens=1000, retires_at="2027-06-30T00:00:00Z"),
            {
                "id": "claude-newt-6",
                "display_name": "Claude Newt 6",
                "lifecycle": "active",
                "retired_on": "2027-06-30",
                "context_window": 1_000_000,
                "max_output": 1000,
                "thinking": {"adaptive": True, "enabled": False, "disabled": True, "between_tools": False},
                "effort_levels": ["low", "medium", "high", "max"],
                "structured_outputs": False,
                "citations": True,
                "image_input": True,
                "pdf_input": False,
                "batch": True,
            },
            id="full",
        ),
        pytest.param(
            {"id": "claude-haiku-4-5-20251001", "lifecycle": "active", "max_tokens": 64000},
            {
                "id": "claude-haiku-4-5",
                "snapshot": "claude-haiku-4-5-20251001",
                "lifecycle": "active",
                "max_output": 64000,
            },
            id="snapshot-maps-to-builtin-id",
        ),
        pytest.param(
            {"id": "claude-x", "capabilities": {"effort": {"supported": False}}},
            {"id": "claude-x", "effort_levels": []},
            id="effort-unsupported",
        ),
        pytest.param(
            {
                "id": "claude-x",
                "capabilities": capabilities(effort={"supported": True, "low": support(True)}),
            },
            {
                "id": "claude-x",
                "thinking": {"adaptive": True, "enabled": False, "disabled": True, "between_tools": False},
                "structured_outputs": False,
                "citations": True,
                "image_input": True,
                "pdf_input": False,
                "batch": True,
            },
            id="incomplete-effort-is-left-out",
        ),
        pytest.param(
            {
                "id": "claude-x",
                "max_tokens": None,
                "max_input_tokens": 0,
                "lifecycle": "soon",
                "capabilities": None,
            },
            {"id": "claude-x"},
            id="unknowns-stay-absent",
        ),
    ],
)
def test_model_entry(info: Dict[str, Any], expected: Dict[str, Any]) -> None:
    """Each ModelInfo field maps to its registry field; what the API does not state stays absent."""
    assert model_entry(info) == expected


def test_registry_document_is_sorted_and_merged() -> None:
    """Entries are sorted by id; a snapshot and its alias listed twice become one entry."""
    doc = build_registry_file(
        [
            model_info("claude-zed-1"),
            {"id": "claude-haiku-4-5-20251001", "max_tokens": 1},
            {"id": "claude-haiku-4-5"},
        ],
        base_url="http://x",
    )
    assert [m["id"] for m in doc["models"]] == ["claude-haiku-4-5", "claude-zed-1"]
    assert doc["models"][0] == {
        "id": "claude-haiku-4-5",
        "snapshot": "claude-haiku-4-5-20251001",
        "max_output": 1,
    }
    assert doc["source"] == "http://x/v1/models"


# --- refresh ----------------------------------------------------------------------------------------------


def test_refresh_paginates_with_the_right_headers(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    models_api: Tuple[str, type[FakeModelsAPI]],
) -> None:
    """Two pages (has_more, last_id, after_id, limit=1000, all lifecycles); x-api-key + anthropic-version."""
    base_url, handler = models_api
    code, out, err, output = refresh(tmp_path, base_url, capsys, monkeypatch)
    assert code == 0
    paths = [path for path, _ in handler.log]
    assert paths == [
        "/v1/models?limit=1000&lifecycle%5B%5D=active&lifecycle%5B%5D=deprecated&lifecycle%5B%5D=retired",
        "/v1/models?limit=1000&lifecycle%5B%5D=active&lifecycle%5B%5D=deprecated&lifecycle%5B%5D=retired"
        "&after_id=claude-haiku-4-5-20251001",
    ]
    for _, headers in handler.log:
        assert headers["x-api-key"] == CANARY
        assert headers["anthropic-version"] == "2023-06-01"
    document = json.loads(output.read_text("utf-8"))
    assert [m["id"] for m in document["models"]] == ["claude-2.1", "claude-haiku-4-5", "claude-newt-6"]
    assert err.splitlines()[0] == f"wrote 3 model(s) to {output} (1 not in the built-in table or the installed SDK: claude-newt-6)"
    assert out == ""


def test_refreshed_registry_changes_engine_behaviour(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    models_api: Tuple[str, type[FakeModelsAPI]],
) -> None:
    """A refreshed file makes a new model known and applies its max_tokens limit; retired ids give 404."""
    code, _, _, output = refresh(tmp_path, models_api[0], capsys, monkeypatch)
    assert code == 0
    body: Dict[str, Any] = {
        "model": "claude-newt-6",
        "max_tokens": 500,
        "messages": [{"role": "user", "content": "hi"}],
    }
    before = [v.code for v in validate_request(body)]
    assert before == ["model_not_found"]
    registry = load_registry(output)
    assert validate_request(body, registry=registry) == []
    too_many = [v.code for v in validate_request(dict(body, max_tokens=2000), registry=registry)]
    assert too_many == ["max_tokens_above_model_limit"]
    retired = validate_request(dict(body, model="claude-2.1"), registry=registry)
    assert [(v.code, v.status) for v in retired] == [("model_retired", 404)]


def test_refresh_keeps_builtin_values_the_api_does_not_report(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    models_api: Tuple[str, type[FakeModelsAPI]],
) -> None:
    """Fields absent from the file (prefill, aliases, ...) keep their built-in values after a refresh."""
    code, _, _, output = refresh(tmp_path, models_api[0], capsys, monkeypatch)
    assert code == 0
    haiku = load_registry(output).lookup("claude-haiku-4-5-20251001").info
    assert haiku is not None
    assert (haiku.id, haiku.prefill, haiku.max_output, haiku.context_window) == (
        "claude-haiku-4-5",
        True,
        64000,
        1_000_000,
    )


def test_refresh_without_a_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ANTHROPIC_API_KEY: one clear line, exit 2, nothing written."""
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    output = tmp_path / "models.json"
    code = main(["models", "refresh", "--output", str(output)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err == (
        "claude-guard models refresh: ANTHROPIC_API_KEY is not set; it is needed to read GET /v1/models "
        "(the built-in model table stays in use)\n"
    )
    assert not output.exists()


def test_refresh_http_error_is_one_line_without_the_key(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    models_api: Tuple[str, type[FakeModelsAPI]],
) -> None:
    """An HTTP error: one line naming status and API message, exit 1, the key never shown."""
    base_url, handler = models_api
    handler.status = 401
    code, out, err, output = refresh(tmp_path, base_url, capsys, monkeypatch)
    assert code == 1
    assert err == (
        f"claude-guard models refresh: GET {base_url}/v1/models failed: "
        "HTTP 401: authentication_error: invalid x-api-key\n"
    )
    assert CANARY not in out + err
    assert not output.exists()


def test_refresh_connection_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing listening: one line, exit 1, no traceback."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out, err, _ = refresh(tmp_path, f"http://127.0.0.1:{port}", capsys, monkeypatch)
    assert code == 1
    assert err.startswith(f"claude-guard models refresh: GET http://127.0.0.1:{port}/v1/models failed: ")
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_refresh_to_stdout(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    models_api: Tuple[str, type[FakeModelsAPI]],
) -> None:
    """--output - writes the document to stdout and the summary to stderr."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", CANARY)
    code = main(["models", "refresh", "--output", "-", "--base-url", models_api[0]])
    out, err = capsys.readouterr()
    assert code == 0
    assert [m["id"] for m in json.loads(out)["models"]] == ["claude-2.1", "claude-haiku-4-5", "claude-newt-6"]
    assert err.startswith("wrote 3 model(s) to stdout")
    assert CANARY not in out + err


# --- list -------------------------------------------------------------------------------------------------


def test_models_list_table(capsys: pytest.CaptureFixture[str]) -> None:
    """The registry: today and the sources merged, a header, a rule, one row per model with ? for unknowns."""
    with today_as("2026-11-15"):
        assert main(["models", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "today: 2026-11-15 (set_today())"
    assert lines[1].startswith("sources, newest last (it wins): built-in")
    assert lines[2] == ""
    header, rule, rows = lines[3], lines[4], lines[5:]
    assert header.split() == [
        "id", "snapshot", "lifecycle", "source", "context", "max", "out", "thinking", "prefill", "effort", "other",
        "sources",
    ]  # fmt: skip
    assert set(rule) <= {"-", " "}
    by_id = {line.split()[0]: line for line in rows}
    assert by_id["claude-haiku-4-5"].split() == [
        "claude-haiku-4-5", "claude-haiku-4-5-20251001", "active", "built-in", "200K", "64K", "enabled,disabled",
        "yes", "no", "-",
    ]  # fmt: skip
    assert by_id["claude-opus-4-6"].split()[4:8] == ["1M", "128K", "adaptive,enabled,disabled", "no"]
    assert "deprecated until 2026-11-30 (15 days left)" in by_id["claude-sonnet-4-5"]
    assert "retired (end of life 2026-06-30)" in by_id["claude-mythos-preview"]


def test_models_alone_lists(capsys: pytest.CaptureFixture[str]) -> None:
    """``claude-guard models`` with no subcommand is ``models list``."""
    with today_as("2026-11-15"):
        assert main(["models"]) == 0
        alone = capsys.readouterr().out
        assert main(["models", "list"]) == 0
    assert alone == capsys.readouterr().out


def test_models_list_with_registry_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--models shows the file's models laid over the built-in ones; --format json is parseable."""
    path = tmp_path / "models.json"
    path.write_text(json.dumps({"models": [{"id": "claude-newt-6", "max_output": 1000}]}), encoding="utf-8")
    assert main(["models", "list", "--models", str(path), "--format", "json"]) == 0
    models = {m["id"]: m for m in json.loads(capsys.readouterr().out)["models"]}
    assert models["claude-newt-6"]["max_output"] == 1000
    assert "claude-opus-4-6" in models


def test_models_list_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A missing registry file is a usage error with one line."""
    assert main(["models", "list", "--models", str(tmp_path / "nope.json")]) == 2
    assert (
        capsys.readouterr().err
        == f"claude-guard models list: --models {tmp_path / 'nope.json'}: no such file\n"
    )


# --- model ids: grammar, misspellings, and who answers ----------------------------------------------------------


def _model_finding(model: str, endpoint: str = "/v1/messages") -> List[Tuple[str, str]]:
    body = {"model": model, "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
    headers = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-placeholder"}
    with today_as("2026-11-15"):
        return [(v.code, v.severity) for v in validate_request(body, headers=headers, endpoint=endpoint)]


@pytest.mark.parametrize(
    ("model", "severity"),
    [
        pytest.param("claude-sonet-4-5", "error", id="misspelled-family"),
        pytest.param("claude-opsu-4-6", "error", id="transposed-letters"),
        pytest.param("claude-4-sonnet", "error", id="number-first-generation-4"),
        pytest.param("claude-3.5-sonnet", "error", id="dotted-version"),
        pytest.param("Claude-Sonnet-4-6", "error", id="capitals"),
        pytest.param("anthropic/claude-sonnet-4-5", "error", id="gateway-prefix-on-anthropic"),
        pytest.param("claude-opus-6", "warning", id="newer-than-the-table"),
        pytest.param("claude-newt-6", "warning", id="new-family-word"),
        pytest.param("claude-sonnet-4-7", "warning", id="new-minor"),
    ],
)
def test_unknown_model_ids_on_anthropic(model: str, severity: str) -> None:
    """Where Anthropic answers, an id outside its grammar or a misspelling is a 404 error; a plausible newer id warns."""
    assert _model_finding(model) == [("model_not_found", severity)]


def test_misspelled_model_suggests_the_id_it_meant() -> None:
    """The did-you-mean of a misspelling is the id with the family word corrected."""
    body = {"model": "claude-sonet-4-6", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
    found = validate_request(body, headers={"anthropic-version": "2023-06-01", "x-api-key": "k"})
    assert found[0].code == "model_not_found" and "did you mean claude-sonnet-4-6?" in found[0].message


@pytest.mark.parametrize(
    ("host", "severity"),
    [
        pytest.param("api.anthropic.com", "error", id="anthropic-api"),
        pytest.param("my-resource.services.ai.azure.com", "warning", id="foundry-deployment-name"),
        pytest.param("litellm.corp.example", "warning", id="gateway"),
        pytest.param("localhost", "warning", id="local-proxy"),
    ],
)
def test_unknown_model_severity_follows_who_answers(host: str, severity: str) -> None:
    """An id outside the grammar is an error where Anthropic answers; on a gateway's host at most a warning."""
    import dataclasses

    from pytest_claude_guard._core._context import Context, Endpoint
    from pytest_claude_guard._core._models import default_registry
    from pytest_claude_guard._core._rules import model as model_rules

    @dataclasses.dataclass(frozen=True)
    class HostedEndpoint(Endpoint):
        host: str = ""

    ctx = Context(body={"model": "anthropic/claude-sonnet-4-5", "max_tokens": 16, "messages": []},
                  endpoint=HostedEndpoint("messages", host=host), headers={}, registry=default_registry())
    model_rules.model_id(ctx)
    assert [(v.code, v.severity) for v in ctx.found] == [("model_not_found", severity)]


def test_unknown_bedrock_model_only_warns() -> None:
    """Bedrock answers unknown ids with its own 400, not the API's 404: a misspelled Bedrock id is a warning."""
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonet-4-5-20250929-v1:0/invoke"
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
    with today_as("2026-11-15"):
        found = validate_request(body, headers={}, endpoint=url)
    assert [(v.code, v.severity) for v in found] == [("model_not_found", "warning")]
