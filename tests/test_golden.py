"""Golden text for what users read.

The representative requests are case files: their violations come from the case table's one run
(``test_cases.judged``), which also checks every case's messages for placeholders, fixes and anchors.
Set ``UPDATE_GOLDEN=1`` to rewrite the files under ``tests/golden/`` from the current output.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_cases import CASES, judged

from pytest_claude_guard import Violation, render_text, to_api_error, validate_request
from pytest_claude_guard._core._causes import causes
from pytest_claude_guard._core._render import render_line

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

# golden name -> the case whose violations it renders
REPRESENTATIVE: dict[str, str] = {
    "prefill_not_supported": "invalid/prefill_not_supported/opus_4_6",
    "tool_use_without_result": "invalid/tool_use_without_result/text_reply",
    "model_retired": "invalid/model_retired/claude_3_5_sonnet",
    "max_tokens_above_model_limit": "invalid/max_tokens_above_model_limit/sonnet_4_5_65536",
    "cache_breakpoints_exceeded": "invalid/cache_breakpoints_exceeded/five_markers",
    "model_not_found_warning": "invalid/model_not_found/future_model_warns",
}


def _violations(name: str) -> list[Violation]:
    return list(judged(CASES / (REPRESENTATIVE[name] + ".json")))


def _check_golden(path: Path, actual: str) -> None:
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"missing golden file {path.name}; run with UPDATE_GOLDEN=1 to create it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, "utf-8")
        return
    expected = path.read_text("utf-8")
    assert actual == expected, f"{path.name} differs from the golden text (UPDATE_GOLDEN=1 rewrites it)"


@pytest.mark.parametrize("name", sorted(REPRESENTATIVE))
def test_render_text_golden(name: str) -> None:
    """render_text of a representative request matches its golden text."""
    found = _violations(name)
    _check_golden(GOLDEN / f"{name}.txt", render_text(found) + "\n")


@pytest.mark.parametrize("name", sorted(REPRESENTATIVE))
def test_render_line_golden(name: str) -> None:
    """Compiler-style lines (``req.json: path: code: message``) match their golden text."""
    found = _violations(name)
    lines = "\n".join(render_line(v, "req.json") for v in found)
    _check_golden(GOLDEN / f"{name}.lines.txt", lines + "\n")


@pytest.mark.parametrize("name", sorted(REPRESENTATIVE))
def test_api_error_golden(name: str) -> None:
    """The synthetic API error body for a representative request matches its golden JSON."""
    found = _violations(name)
    body = json.dumps(to_api_error(found), indent=2, ensure_ascii=False, sort_keys=True)
    _check_golden(GOLDEN / f"{name}.api.json", body + "\n")


def test_api_error_uses_the_api_wording_for_body_level_causes() -> None:
    """A body-level cause (empty path) still answers with the API's own message, as the API would."""
    cc = {"type": "ephemeral"}
    body = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "system": [{"type": "text", "text": f"part {i}", "cache_control": cc} for i in range(5)],
        "messages": [{"role": "user", "content": "Hi"}],
    }
    found = validate_request(body, headers={"anthropic-version": "2023-06-01", "x-api-key": "k"})
    error = to_api_error(found)["error"]
    assert error["message"] == "A maximum of 4 blocks with cache_control may be provided. Found 5."


def test_api_error_shape_and_status_fields() -> None:
    """to_api_error gives the API's envelope: type error, error.type from the cause, a request_id."""
    found = validate_request({"model": "claude-2.1", "max_tokens": 10, "messages": [{"role": "user", "content": "Hi"}]},
                             headers={"anthropic-version": "2023-06-01", "x-api-key": "k"})
    out = to_api_error(found)
    assert set(out) == {"type", "error", "request_id"}
    assert out["type"] == "error"
    assert out["error"]["type"] == "not_found_error"
    assert out["error"]["message"] == "model: claude-2.1"
    assert out["error"]["details"]["claude_guard"]["code"] == "model_retired"


def test_render_text_without_violations() -> None:
    """An empty result renders as a plain 'no violations'."""
    assert render_text([]) == "no violations"


def test_every_cause_has_fix_and_anchor() -> None:
    """Every cause in the catalog data has a fix and an anchor URL, ready before any rule fires."""
    for code, c in causes().items():
        assert c.fix.strip(), code
        assert c.docs.startswith("https://") and c.docs.endswith("#" + code), code
