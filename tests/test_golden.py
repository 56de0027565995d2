"""Golden text for what users read, and template hygiene for every cause the cases trigger.

Set ``UPDATE_GOLDEN=1`` to rewrite the files under ``tests/golden/`` from the current output.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from test_cases import ALL, CASES, case_id, load_case, run_case

from pytest_claude_guard import Violation, render_text, to_api_error, validate_request
from pytest_claude_guard._causes import DOCS_BASE, causes
from pytest_claude_guard._render import render_line

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?\}")

# golden name -> the case whose violations it renders
REPRESENTATIVE: dict[str, str] = {
    "prefill_not_supported": "invalid/prefill_not_supported/opus_4_6",
    "tool_use_without_result": "invalid/tool_use_without_result/text_reply",
    "model_retired": "invalid/model_retired/claude_3_5_sonnet",
    "max_tokens_above_model_limit": "invalid/max_tokens_above_model_limit/sonnet_4_5_65536",
    "cache_breakpoints_exceeded": "invalid/cache_breakpoints_exceeded/five_markers",
    "model_not_found_warning": "invalid/model_not_found/future_model_warns",
}


def _violations(name: str, tmp_path: Path) -> list[Violation]:
    case = load_case(CASES / (REPRESENTATIVE[name] + ".json"))
    return run_case(case, tmp_path)


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
def test_render_text_golden(name: str, tmp_path: Path) -> None:
    """render_text of a representative request matches its golden text."""
    found = _violations(name, tmp_path)
    _check_golden(GOLDEN / f"{name}.txt", render_text(found) + "\n")


@pytest.mark.parametrize("name", sorted(REPRESENTATIVE))
def test_render_line_golden(name: str, tmp_path: Path) -> None:
    """Compiler-style lines (``req.json: path: code: message``) match their golden text."""
    found = _violations(name, tmp_path)
    lines = "\n".join(render_line(v, "req.json") for v in found)
    _check_golden(GOLDEN / f"{name}.lines.txt", lines + "\n")


@pytest.mark.parametrize("name", sorted(REPRESENTATIVE))
def test_api_error_golden(name: str, tmp_path: Path) -> None:
    """The synthetic API error body for a representative request matches its golden JSON."""
    found = _violations(name, tmp_path)
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


def _all_case_violations(tmp_path: Path) -> list[tuple[str, Violation]]:
    out = []
    for path in ALL:
        case = load_case(path)
        for v in run_case(case, tmp_path):
            out.append((case_id(path), v))
    return out


def test_no_leftover_placeholders_in_any_case(tmp_path: Path) -> None:
    """Every violation the cases produce has its message, fix and api_message fully formatted."""
    bad = []
    for cid, v in _all_case_violations(tmp_path):
        for field in ("message", "fix", "api_message"):
            text = getattr(v, field) or ""
            if PLACEHOLDER.search(text):
                bad.append(f"{cid}: {v.code}.{field}: {text[:200]}")
    assert not bad, "unformatted template placeholders:\n" + "\n".join(bad)


def test_every_violation_has_fix_and_docs_anchor(tmp_path: Path) -> None:
    """Every violation the cases produce carries a non-empty fix and a README anchor for its own code."""
    bad = []
    for cid, v in _all_case_violations(tmp_path):
        if not v.fix.strip():
            bad.append(f"{cid}: {v.code}: empty fix")
        if v.docs != DOCS_BASE + v.code:
            bad.append(f"{cid}: {v.code}: docs {v.docs!r} is not the anchor {DOCS_BASE + v.code!r}")
        if v.code not in causes():
            bad.append(f"{cid}: {v.code}: not in the cause catalog")
    assert not bad, "\n".join(bad)


def test_every_cause_has_fix_and_anchor() -> None:
    """Every cause in the catalog data has a fix and an anchor URL, ready before any rule fires."""
    for code, c in causes().items():
        assert c.fix.strip(), code
        assert c.docs.startswith("https://") and c.docs.endswith("#" + code), code
