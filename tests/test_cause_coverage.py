"""Every cause the engine can emit is tied to request-body cases: one that triggers it, one that nearly does."""
from __future__ import annotations

import json
from pathlib import Path

from pytest_claude_guard._core._causes import causes

CASES = Path(__file__).parent / "cases"


def _rule_codes() -> set[str]:
    return {code for code, c in causes().items() if c.kind == "rule"}


def _invalid_codes() -> set[str]:
    return {p.parent.name for p in (CASES / "invalid").rglob("*.json")}


def _near_miss_codes() -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in (CASES / "valid").glob("*.json"):
        code = json.loads(p.read_text("utf-8")).get("near_miss_of")
        if isinstance(code, str):
            counts[code] = counts.get(code, 0) + 1
    return counts


def test_every_rule_code_has_an_invalid_case() -> None:
    """Each cause of kind 'rule' has at least one case under tests/cases/invalid/<code>/."""
    missing = sorted(_rule_codes() - _invalid_codes())
    assert not missing, "causes without an invalid case in tests/cases/invalid/<code>/: " + ", ".join(missing)


def test_every_rule_code_has_a_near_miss_case() -> None:
    """Each cause of kind 'rule' has at least one valid case naming it in near_miss_of."""
    missing = sorted(_rule_codes() - set(_near_miss_codes()))
    assert not missing, "causes without a near-miss valid case (near_miss_of): " + ", ".join(missing)


def test_case_folders_name_real_codes() -> None:
    """Invalid-case folders and near_miss_of values name causes that exist (no typos, no stale codes)."""
    known = set(causes())
    stale = sorted((_invalid_codes() | set(_near_miss_codes())) - known)
    assert not stale, "case files name unknown cause codes: " + ", ".join(stale)


def test_cases_never_target_documentation_only_causes() -> None:
    """Causes that are not rules (not_an_error, sdk_side, ...) never have invalid cases: the engine must not emit them."""
    not_rules = {code for code, c in causes().items() if c.kind != "rule"}
    wrong = sorted(_invalid_codes() & not_rules)
    assert not wrong, "invalid cases for causes the engine never emits: " + ", ".join(wrong)


def test_internal_cause_is_exempt() -> None:
    """engine_error is the engine's own (kind 'internal'): no case can or should trigger it."""
    assert causes()["engine_error"].kind == "internal"
    assert "engine_error" not in _rule_codes()
