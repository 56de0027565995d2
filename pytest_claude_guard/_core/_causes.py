"""Cause catalog as data (``data/causes.json``) and the one factory that turns a cause into a Violation."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Dict, Mapping, Optional

from ._evidence import has_evidence
from ._secrets import redact_text
from ._violation import Violation

__all__ = ["Cause", "causes", "cause", "make_violation", "engine_error", "ENGINE_ERROR", "DOCS_BASE", "KINDS"]

DOCS_BASE = "https://github.com/pytest-claude-guard/pytest-claude-guard/blob/main/README.md#"
# rule: the engine emits it.  not_an_error / not_checkable / sdk_side / not_request_shape: documented only.
KINDS = ("rule", "not_an_error", "not_checkable", "sdk_side", "not_request_shape", "internal", "alias")


@dataclass(frozen=True)
class Cause:
    code: str
    section: str
    title: str
    confidence: str
    status: int
    error_type: str
    api_message: Optional[str]
    message: str
    fix: str
    kind: str

    @property
    def docs(self) -> str:
        return DOCS_BASE + self.code

    @property
    def default_severity(self) -> str:
        """``error`` only for a rule that is not uncertain and has evidence of a rejection somewhere (the evidence
        ledger, ``data/evidence.json``); the engine then narrows it to the situations that evidence covers."""
        if self.confidence == "uncertain" or self.kind == "internal":
            return "warning"
        return "error" if has_evidence(self.code) else "warning"


class _Defaulting(Dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fmt(template: Optional[str], params: Mapping[str, Any]) -> Optional[str]:
    if template is None:
        return None
    try:
        return template.format_map(_Defaulting(params))
    except (ValueError, IndexError, AttributeError):
        return template


ENGINE_ERROR = Cause(
    code="engine_error",
    section="-",
    title="The validator hit an internal error",
    confidence="uncertain",
    status=0,
    error_type="",
    api_message=None,
    message="the validator could not check this request ({rule}: {error})",
    fix="Please report this with the request body (secrets removed).",
    kind="internal",
)
"""The catalog's ``engine_error`` entry, in code: the violation that reports a failure of the engine itself
(the catalog unreadable included) must be buildable without reading a file.  A test keeps the two identical."""


@lru_cache(maxsize=1)
def causes() -> Dict[str, Cause]:
    """Every documented cause, keyed by its stable code (read once)."""
    raw = json.loads(resources.files("pytest_claude_guard").joinpath("data", "causes.json").read_text("utf-8"))
    return {code: Cause(code=code, **fields) for code, fields in raw["causes"].items()}


def cause(code: str) -> Cause:
    found = causes().get(code)
    if found is None:  # a programming error in a rule; never reached from user input
        raise KeyError(f"unknown cause code {code!r}: add it to data/causes.json")
    return found


def make_violation(
    code: str,
    path: str,
    *,
    severity: Optional[str] = None,
    api_path: Optional[str] = None,
    **params: Any,
) -> Violation:
    """Build a Violation for ``code`` at ``path``; ``params`` fill the message templates.

    ``{path}`` is always available to templates; ``api_path`` overrides the path shown inside the
    API's own message when it differs from ours.
    """
    params.setdefault("path", api_path if api_path is not None else path)
    return _violation(cause(code), path, severity, params)


def engine_error(path: str, rule: str, exc: BaseException) -> Violation:
    """The ``engine_error`` violation for ``exc`` raised in ``rule``.  Never raises, reads no file."""
    return _violation(ENGINE_ERROR, path, None, {"path": path, "rule": rule, "error": _describe(exc)})


def _describe(exc: BaseException) -> str:
    try:
        text = f"{type(exc).__name__}: {exc}"
    except Exception:  # noqa: BLE001 - an exception whose str() fails still gets reported
        text = type(exc).__name__
    return text[:200]


def _violation(c: Cause, path: str, severity: Optional[str], params: Mapping[str, Any]) -> Violation:
    return Violation(
        code=c.code,
        severity=severity or c.default_severity,
        path=path,
        message=redact_text(_fmt(c.message, params) or c.title),  # secrets masked at creation (a key as `model`)
        fix=redact_text(_fmt(c.fix, params) or ""),
        status=c.status,
        error_type=c.error_type,
        api_message=redact_text(_fmt(c.api_message, params)),
        confidence=c.confidence,
        docs=c.docs,
    )
