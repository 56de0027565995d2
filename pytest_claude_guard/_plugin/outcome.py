"""What a test's requests mean for the test: the failure text, and warnings that never fail a test.

The failure text starts with the cause codes (pytest's FAILED line shows that first line), then each request:
where the user's code made it, what was done with it, and the diagnosis.  Warnings are emitted so that no
warning filter (``filterwarnings = error``, ``-W error``) can turn them into failures: a finding that is not
a failure never changes a test's outcome.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import List, Optional, Sequence, Set, Tuple

from .._core._render import render_line, render_text
from .._core._violation import Violation
from .api import ClaudeGuardWarning
from .._core._secrets import redact_text
from .state import Capture, CapturedRequest

__all__ = ["settle", "failure_text", "emit_warnings"]

Failing = List[Tuple[CapturedRequest, List[Violation]]]


def _action(req: CapturedRequest, bad: Sequence[Violation]) -> List[str]:
    if req.blocked:
        return ["not sent: answered with the API's error"]
    batch = [(req.custom_id(v.path), v) for v in bad if v.path.startswith("requests.")]
    if batch and all(custom_id is not None for custom_id, _ in batch):
        ids = ", ".join(dict.fromkeys(repr(custom_id) for custom_id, _ in batch))
        return [
            "sent: the API accepts this batch; in production the request(s) "
            f"{ids} end with result type `errored` (the error below) when the batch is processed"
        ]
    if req.drift and all(v in req.drift for v in bad):
        return [f"replayed from {req.replayed}: re-recording it will fail"]
    return ["sent"]


def failure_text(failing: Failing) -> str:
    codes = list(dict.fromkeys(v.code for _, bad in failing for v in bad))
    count = len(failing)
    noun = "request" if count == 1 else "requests"
    # the first line is what pytest's FAILED line shows: the causes first
    parts = [f"{', '.join(codes)} (claude-guard: {count} {noun} in this test the Anthropic API would reject)"]
    for req, bad in failing:
        parts.append("")
        parts.append(render_text(bad, header=f"{req.label()}: {'; '.join(_action(req, bad))}"))
        if req.note:
            parts.append(req.note)
    return redact_text("\n".join(parts))


def emit_warnings(requests: Sequence[CapturedRequest], filename: str, lineno: int) -> None:
    """One ``ClaudeGuardWarning`` per finding that does not fail; never raised, whatever the filters."""
    texts = []
    for req in requests:
        for v in req.violations:
            if v.code in req.expected or v in req.drift:
                continue
            texts.append(redact_text(f"claude-guard: {render_line(v, source=req.label())} Fix: {v.fix}"))
    if not texts:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("always", ClaudeGuardWarning)  # shown in pytest's warnings summary, never an error
        for text in texts:
            try:
                warnings.warn_explicit(ClaudeGuardWarning(text), ClaudeGuardWarning, filename, lineno)
            except Exception:  # noqa: BLE001 - a user's showwarning hook must not change the outcome
                pass


def settle(capture: Capture, drift_fails: bool, filename: str, lineno: int) -> Optional[str]:
    """Turn the requests checked since the last settle into warnings and, when some fail, the failure text."""
    start, capture.reported = capture.reported, len(capture.requests)
    fresh = capture.requests[start:]
    if not any(req.violations for req in fresh):
        return None
    failing: Failing = []
    quiet: List[CapturedRequest] = []
    for req in fresh:
        bad = req.failing(capture.settings, drift_fails)
        if bad:
            failing.append((req, bad))
        if any(v not in bad for v in req.violations):
            quiet.append(req)
    failed_codes = {id(v) for _, bad in failing for v in bad}
    emit_warnings([_without(req, failed_codes) for req in quiet], filename, lineno)
    return failure_text(failing) if failing else None


def _without(req: CapturedRequest, failed: Set[int]) -> CapturedRequest:
    """The request with only the findings that did not fail (those are in the failure text already)."""
    return replace(req, violations=[v for v in req.violations if id(v) not in failed])
