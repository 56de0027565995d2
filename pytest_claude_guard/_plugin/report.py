"""The run's report: the terminal summary section, the JSON file, and the xdist worker payload."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence

from .redact import redact_text

__all__ = ["summary_lines", "report_document", "write_report", "worker_payload", "merge_payload", "PAYLOAD_KEY"]

PAYLOAD_KEY = "claude_guard"
REPORT_VERSION = 1


def _counted(records: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """Violations a user should act on: expected ones (``claude_guard.expect``) are not counted."""
    return [r for r in records if not r.get("expected")]


def summary_lines(records: Sequence[Mapping[str, Any]], checked: int) -> List[str]:
    """Violations by cause: count, severity and the first test where each occurred (most frequent first)."""
    counted = _counted(records)
    if not counted:
        return [f"{checked} request(s) checked, no violations"] if checked else []
    errors = sum(1 for r in counted if r["severity"] == "error")
    tests = len({r["test_id"] for r in counted})
    lines = [
        f"{checked} request(s) checked: {len(counted)} violation(s) in {tests} test(s) "
        f"({errors} error(s), {len(counted) - errors} warning(s))"
    ]
    by_code: Counter[str] = Counter(r["code"] for r in counted)
    first: Dict[str, Mapping[str, Any]] = {}
    for r in counted:
        first.setdefault(r["code"], r)
    width = max(len(code) for code in by_code)
    for code, count in sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        r = first[code]
        lines.append(f"  {code:<{width}}  {r['severity']:<7}  {count:>3}x  first: {r['test_id']}")
    return lines


def report_document(records: Sequence[Mapping[str, Any]], checked: int) -> Dict[str, Any]:
    return {"version": REPORT_VERSION, "requests_checked": checked, "violations": [dict(r) for r in records]}


def write_report(path: Path, records: Sequence[Mapping[str, Any]], checked: int) -> None:
    text = json.dumps(report_document(records, checked), indent=2, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(redact_text(text) + "\n", encoding="utf-8")


def worker_payload(records: Sequence[Mapping[str, Any]], checked: int) -> Dict[str, Any]:
    """What an xdist worker sends to the controller (through ``workeroutput``: plain JSON values only)."""
    return {"checked": checked, "records": [dict(r) for r in records]}


def merge_payload(records: List[Dict[str, Any]], payload: Any) -> int:
    """Append a worker's records; returns how many requests it checked."""
    if not isinstance(payload, Mapping):
        return 0
    records.extend(dict(r) for r in payload.get("records", ()) if isinstance(r, Mapping))
    return int(payload.get("checked", 0))
