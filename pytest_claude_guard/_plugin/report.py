"""The run's report: the terminal summary sections, the JSON file, and what xdist workers ship."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence

from .._core._render import printable
from .._core._secrets import redact_text

__all__ = ["summary_lines", "report_document", "write_report", "merge_payload", "run_fails", "PAYLOAD_KEY"]

PAYLOAD_KEY = "claude_guard"
REPORT_VERSION = 2
Record = Mapping[str, Any]


def _counted(records: Sequence[Record]) -> List[Record]:
    """Violations a user should act on: expected ones (``claude_guard.expect``) and replay drift are apart."""
    return [r for r in records if not r.get("expected") and not r.get("drift")]


def run_fails(records: Sequence[Record]) -> bool:
    """A failing finding outside any test (a leaked thread or task) fails the run: no test carries it."""
    return any(r.get("outside_test") and r.get("fails") for r in records)


def _by_code(counted: Sequence[Record]) -> List[str]:
    severities: Dict[str, Counter[str]] = defaultdict(Counter)
    first: Dict[str, Record] = {}
    for r in counted:
        severities[r["code"]][r["severity"]] += 1
        first.setdefault(r["code"], r)
    width = max(len(code) for code in severities)
    lines = []
    for code in sorted(severities, key=lambda c: (-sum(severities[c].values()), c)):
        counts = "  + ".join(f"{sev:<7}  {n:>3}x" for sev, n in sorted(severities[code].items()))
        lines.append(f"  {code:<{width}}  {counts}  first: {first[code]['test_id']}")
    return lines


def _drift(records: Sequence[Record]) -> List[str]:
    drift = [r for r in records if r.get("drift") and not r.get("expected")]
    if not drift:
        return []
    tests = {r["test_id"] for r in drift}
    lines = [
        f"{len(tests)} test(s) replay recordings of retired models: re-recording them will fail "
        "(--claude-guard-drift=fail makes them fail now)"
    ]
    by_model: Dict[str, List[Record]] = defaultdict(list)
    for r in drift:
        by_model[f"{r.get('model')} ({r['code']})"].append(r)
    for model, rows in sorted(by_model.items()):
        names = sorted({r["test_id"] for r in rows})
        more = f" and {len(names) - 1} more" if len(names) > 1 else ""
        lines.append(f"  {model}: {len(names)} test(s), e.g. {names[0]}{more} ({rows[0].get('cassette')})")
    return lines


def _outside(records: Sequence[Record]) -> List[str]:
    outside = [r for r in records if r.get("outside_test") and not r.get("expected")]
    if not outside:
        return []
    failing = sum(1 for r in outside if r.get("fails"))
    lines = [f"{len(outside)} finding(s) in requests made outside their test ({failing} failing the run):"]
    for r in outside[:20]:
        started = "" if r["test_id"] == "<session>" else f" started in {r['test_id']},"
        at = f" at {r['call_site']}" if r.get("call_site") else ""
        lines.append(f"  POST {r['endpoint']}{started} {r['outside_test']}{at}: {r['code']} ({r['severity']})")
    if len(outside) > 20:
        lines.append(f"  ... and {len(outside) - 20} more (see --claude-guard-report)")
    return lines


_LIFECYCLE = frozenset({"model_deprecated", "model_retired"})


def summary_lines(records: Sequence[Record], checked: int, today: str = "") -> List[str]:
    """Violations by cause (errors and warnings counted apart, with the first test of each), then replay
    drift, then requests made outside their test."""
    counted = _counted(records)
    lines: List[str] = []
    if counted:
        errors = sum(1 for r in counted if r["severity"] == "error")
        tests = len({r["test_id"] for r in counted})
        lines.append(
            f"{checked} request(s) checked: {len(counted)} violation(s) in {tests} test(s) "
            f"({errors} error(s), {len(counted) - errors} warning(s))"
        )
        lines.extend(_by_code(counted))
    elif checked:
        lines.append(f"{checked} request(s) checked, no violations")
    if today and any(r["code"] in _LIFECYCLE for r in records):
        lines.append(f"model lifecycles judged as of {today}")
    return [printable(line) for line in lines + _drift(records) + _outside(records)]


def report_document(records: Sequence[Record], checked: int, today: str = "") -> Dict[str, Any]:
    return {"version": REPORT_VERSION, "today": today, "requests_checked": checked, "violations": [dict(r) for r in records]}


def write_report(path: Path, records: Sequence[Record], checked: int, today: str = "") -> None:
    # ASCII escapes: a lone surrogate in a request (a model id, a path) cannot break the file
    text = json.dumps(report_document(records, checked, today), indent=2, ensure_ascii=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(redact_text(text) + "\n", encoding="utf-8")


def shippable(record: Record) -> Dict[str, Any]:
    """A record as plain JSON values an xdist channel carries: lone surrogates (a test id, a file path in a call
    site) escaped, so execnet never fails to send it."""
    return {key: printable(value) if isinstance(value, str) else value for key, value in record.items()}


def merge_payload(records: List[Dict[str, Any]], payload: Any) -> int:
    """Append what a worker shipped (plain JSON values); returns how many requests it checked."""
    if not isinstance(payload, Mapping):
        return 0
    records.extend(dict(r) for r in payload.get("records", ()) if isinstance(r, Mapping))
    try:
        return int(payload.get("checked", 0))
    except (TypeError, ValueError):
        return 0
