"""The cassette linter: check recorded Messages requests, compare with recorded errors, find keys.

`lint_paths` collects `Finding`s (for ``claude-guard lint-cassettes`` in ``_cli.cassettes`` and
``pytest --claude-guard-cassettes`` in ``_plugin.cassettes``); `render_lines` and `render_json` turn them into
compiler-style lines or JSON.  Secrets are only ever shown as fingerprints.  Pure: no pytest, no argument parsing.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from .reader import Cassette, CassetteError, Interaction, expand_paths, load_cassette
from .._core._context import parse_endpoint
from .._core._engine import validate_request
from .recorded_errors import expected_codes
from .._core._render import render_line
from .._core._secrets import check_header, redact, scan_text
from .._core._violation import Violation

__all__ = [
    "Counts",
    "Finding",
    "LintResult",
    "count",
    "lint_paths",
    "lint_cassette",
    "expected_codes",
    "render_lines",
    "render_json",
    "CASSETTE_CODES",
]

# Codes of this command's own findings (the engine's codes come from data/causes.json).
CASSETTE_CODES = {
    "secret_in_cassette": "error",
    "cassette_unreadable": "warning",
    "cassette_foreign": "note",
    "recorded_error": "note",
    "recorded_accepted": "note",
}
EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREAD = 0, 1, 2, 3
PLACEHOLDER_KEY = "sk-ant-claude-guard-placeholder"  # stands in for a credential the recorder filtered out
_MAX_SHOWN = 300

# --- findings -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What the API answered when the cassette was recorded, and whether our diagnosis agrees."""

    status: int
    error_type: Optional[str]
    message: str
    agreement: str  # agrees | differs | missed | not_predictable | unknown_message
    expected: Tuple[str, ...]

    def to_dict(self) -> Dict[str, Any]:
        return {
            "status": self.status,
            "error_type": self.error_type,
            "message": redact(self.message),
            "agreement": self.agreement,
            "expected_codes": list(self.expected),
        }


@dataclass(frozen=True)
class Finding:
    """One line of lint output: a violation in a recorded request, a secret, or a note about a file."""

    file: str
    line: int
    code: str
    severity: str  # error | warning | note
    message: str
    interaction: Optional[int] = None
    path: str = ""
    violation: Optional[Violation] = None
    recorded: Optional[Recorded] = None

    @property
    def fails(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "interaction": self.interaction,
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "message": self.message,
        }
        if self.violation is not None:
            v = self.violation.to_dict()
            out.update({k: redact(v[k]) if isinstance(v[k], str) else v[k] for k in v if k not in out})
        if self.recorded is not None:
            out["recorded"] = self.recorded.to_dict()
        return out


@dataclass(frozen=True)
class Counts:
    """The totals both outputs print.  Every finding counts once: a secret, else by its severity."""

    files: int
    interactions: int
    requests: int  # Messages requests validated
    errors: int  # error-severity findings other than secrets
    warnings: int
    notes: int
    secrets: int

    def to_dict(self) -> Dict[str, int]:
        return {
            "files": self.files,
            "interactions": self.interactions,
            "requests": self.requests,
            "errors": self.errors,
            "warnings": self.warnings,
            "notes": self.notes,
            "secrets": self.secrets,
        }

    def summary(self) -> str:
        return (
            f"{self.files} cassette(s), {self.interactions} interaction(s), "
            f"{self.requests} Messages request(s): {self.errors} error(s), {self.warnings} warning(s), "
            f"{self.notes} note(s), {self.secrets} secret(s)"
        )


def count(result: LintResult) -> Counts:
    """The one place findings are counted, for the text summary, ``--format json`` and the pytest section."""
    tally = {"error": 0, "warning": 0, "note": 0, "secret": 0}
    for f in result.findings:
        kind = "secret" if f.code == "secret_in_cassette" else f.severity
        tally[kind if kind in tally else "note"] += 1
    return Counts(
        files=result.files,
        interactions=result.interactions,
        requests=result.requests,
        errors=tally["error"],
        warnings=tally["warning"],
        notes=tally["note"],
        secrets=tally["secret"],
    )


@dataclass
class LintResult:
    findings: List[Finding] = field(default_factory=list)
    files: int = 0
    interactions: int = 0
    requests: int = 0  # Messages requests validated
    missing: List[str] = field(default_factory=list)  # arguments that matched no file

    def counts(self) -> Counts:
        return count(self)

    @property
    def errors(self) -> int:
        """Error-severity findings other than secrets (see `secrets`)."""
        return self.counts().errors

    @property
    def secrets(self) -> int:
        return self.counts().secrets

    @property
    def warnings(self) -> int:
        return self.counts().warnings

    @property
    def unread(self) -> int:
        """Files or recorded request bodies refused or not read (``cassette_unreadable``), or requests the engine
        could not finish judging (``engine_error``): never "clean"."""
        return sum(1 for f in self.findings if f.code in ("cassette_unreadable", "engine_error"))

    @property
    def exit_code(self) -> int:
        """1 on error findings or secrets, else 0: what fails a pytest run (``--claude-guard-cassettes``)."""
        c = self.counts()
        return EXIT_FINDINGS if c.errors or c.secrets else EXIT_CLEAN

    @property
    def status(self) -> int:
        """The command's exit status: `EXIT_FINDINGS` on error findings or secrets, else `EXIT_UNREAD` when a
        file or a recorded request was not read, else `EXIT_CLEAN` (usage errors are `EXIT_USAGE`, from `run`)."""
        if self.exit_code:
            return self.exit_code
        return EXIT_UNREAD if self.unread else EXIT_CLEAN

    def summary(self) -> str:
        return self.counts().summary()


def _shorten(text: str) -> str:
    one = " ".join(redact(text).split())
    return one if len(one) <= _MAX_SHOWN else one[: _MAX_SHOWN - 1] + "…"


def _recorded_error(body: Optional[str]) -> Tuple[Optional[str], str]:
    """(error type, message) of a recorded error body; (None, raw text) when not the API's JSON shape."""
    if not body:
        return None, ""
    try:
        data = json.loads(body)
    except ValueError:
        return None, body.strip()
    err = data.get("error") if isinstance(data, dict) else None
    if isinstance(err, dict):
        return (str(err["type"]) if err.get("type") else None), str(err.get("message") or "")
    if isinstance(data, dict) and "message" in data:  # Bedrock/Vertex shapes
        return None, str(data.get("message") or "")
    return None, body.strip()


def _headers_for(it: Interaction) -> Optional[Dict[str, str]]:
    """The recorded request headers when an anthropic-version was recorded; None (unknown) otherwise."""
    version = it.header("anthropic-version")
    if version is None or version.strip().upper() in ("", "REDACTED", "FILTERED"):
        return None
    headers: Dict[str, str] = {}
    for key, value in it.request_headers:
        k = key.lower()
        headers[k] = f"{headers[k]}, {value}" if k in headers else value
    if not headers.get("x-api-key") and not headers.get("authorization"):
        headers["x-api-key"] = PLACEHOLDER_KEY  # recorders filter credentials out: not a missing key
    return headers


def _compare(it: Interaction, errors: Sequence[Violation]) -> Optional[Recorded]:
    if it.status not in (400, 404, 413):
        return None
    etype, message = _recorded_error(it.response_body)
    ours = {v.code for v in errors}
    matched, expected = expected_codes(message) if message else (False, frozenset())
    if it.status == 413 and not matched:
        matched, expected = True, frozenset({"request_too_large", "batch_too_large"})
    if it.status == 404 and expected is not None and not (expected & {"model_not_found", "model_retired"}):
        matched, expected = (
            True,
            None,
        )  # a 404 that is not about the model (an unknown batch id, a wrong path)
    if expected is None:
        agreement = "not_predictable"
    elif not matched:
        agreement = "unknown_message"
    elif ours & expected:
        agreement = "agrees"
    elif ours:
        agreement = "differs"
    else:
        agreement = "missed"
    return Recorded(it.status, etype, message, agreement, tuple(sorted(expected or ())))


def _recorded_finding(path: str, it: Interaction, rec: Recorded, errors: Sequence[Violation]) -> Finding:
    answered = f"the API answered HTTP {rec.status}" + (f" {rec.error_type}" if rec.error_type else "")
    answered += f': "{_shorten(rec.message)}"' if rec.message else " (no message recorded)"
    ours = ", ".join(dict.fromkeys(v.code for v in errors))
    pointed = ", ".join(rec.expected)
    agreeing = ", ".join(dict.fromkeys(v.code for v in errors if v.code in rec.expected))
    verdict = {
        "agrees": f"our diagnosis agrees ({agreeing})",
        "differs": f"our diagnosis differs (we found {ours}; the message points to {pointed})",
        "missed": f"we predicted no error (the message points to {', '.join(rec.expected)})",
        "not_predictable": "not predictable from the request alone" + (f" (we found {ours})" if ours else ""),
        "unknown_message": "a message claude-guard does not know" + (f" (we found {ours})" if ours else ""),
    }[rec.agreement]
    severity = "warning" if rec.agreement in ("missed", "differs") else "note"
    return Finding(
        path, it.body_line, "recorded_error", severity, f"{answered}; {verdict}", it.index, "", None, rec
    )


def _violation_finding(
    path: str, it: Interaction, v: Violation, ignored: FrozenSet[str]
) -> Optional[Finding]:
    if v.code in ignored:
        return None
    return Finding(path, it.body_line, v.code, v.severity, redact(v.message), it.index, v.path, v)


def _secret_findings(c: Cassette) -> List[Finding]:
    """Secrets on the file's own lines (exact line), then in decoded bodies and in credential headers."""
    found: List[Finding] = []
    seen: Set[Tuple[Optional[int], str]] = set()
    starts = sorted((it.line, it.index) for it in c.interactions if it.line)
    start_lines = [start for start, _ in starts]

    def owner(line: int) -> Optional[int]:
        """The interaction a line belongs to (the last one starting at or before it): a binary search."""
        k = bisect.bisect_right(start_lines, line)
        return starts[k - 1][1] if k else None

    def where(it_index: Optional[int], line: int) -> str:
        if it_index is None:
            return ""
        it = c.interactions[it_index]
        for name, hline in it.header_lines.items():
            if hline in (line, line - 1):
                return f"the {name} header"
        return "the recorded traffic"

    on_line: Set[Tuple[Optional[int], str, int]] = set()  # (interaction, fingerprint, line) found by line
    for lineno, text in enumerate(c.text.splitlines(), 1):
        for _, secret in scan_text(text):
            idx = owner(lineno)
            seen.add((idx, secret.shown))
            on_line.add((idx, secret.shown, lineno))
            place = where(idx, lineno) or "the file"
            found.append(_secret(c.path, lineno, idx, f"{place} holds {secret.label} ({secret.shown})"))
    for it in c.interactions:
        for label, body in (("request body", it.request_body), ("response body", it.response_body)):
            for _, hidden in scan_text(body or ""):
                if (it.index, hidden.shown) not in seen:
                    seen.add((it.index, hidden.shown))
                    msg = f"the {label} (encoded in the file) holds {hidden.label} ({hidden.shown})"
                    found.append(_secret(c.path, it.body_line, it.index, msg))
        for name, value in it.request_headers:
            held = check_header(name, value)
            if held is None:
                continue
            line = it.header_lines.get(name.lower(), it.line)
            # two headers may hold secrets of one length: only the same header's line found by the scan counts
            if (it.index, held.shown, line) in on_line or (it.index, held.shown, line + 1) in on_line:
                continue
            on_line.add((it.index, held.shown, line))
            msg = f"the {name.lower()} header holds {held.label} ({held.shown})"
            found.append(_secret(c.path, line, it.index, msg))
    return found


_RAW_CHUNK = 8 * 1024 * 1024
_RAW_OVERLAP = 4096  # longer than any secret scan_text reports


def _raw_secret_findings(path: str) -> List[Finding]:
    """A cassette that could not be read as one (too large, not YAML) is still searched for secrets, as text,
    in chunks: a 70 MB file holding a real key is never "0 secret(s)".  Regular files only (never a FIFO or a
    device); unreadable bytes are decoded as latin-1."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return []
        found: List[Finding] = []
        seen: Set[Tuple[int, str]] = set()
        with open(path, "rb") as fh:
            offset, line, tail = 0, 1, ""  # tail: the end of the previous chunk, scanned again
            while True:
                chunk = fh.read(_RAW_CHUNK)
                if not chunk:
                    break
                text = tail + chunk.decode("latin-1")
                base_line = line - tail.count("\n")
                for at, secret in scan_text(text):
                    where = (offset - len(tail) + at, secret.shown)
                    if where in seen:
                        continue
                    seen.add(where)
                    lineno = base_line + text.count("\n", 0, at)
                    found.append(_secret(path, lineno, None, f"the file holds {secret.label} ({secret.shown})"))
                line += chunk.count(b"\n")
                offset += len(chunk)
                tail = text[-_RAW_OVERLAP:]
        return found
    except OSError:
        return []


def _secret(path: str, line: int, index: Optional[int], what: str) -> Finding:
    fix = "remove it and filter it when recording (pytest_claude_guard.vcr.vcr_config)"
    return Finding(path, line, "secret_in_cassette", "error", f"{what}: {fix}", index)


def lint_cassette(
    c: Cassette, *, ignore: Iterable[str] = (), registry: Any = None
) -> Tuple[List[Finding], int]:
    """Findings for one loaded cassette -> (findings, number of Messages requests validated)."""
    ignored = frozenset(ignore)
    findings: List[Finding] = []
    requests = 0
    hosts: List[str] = []
    for it in c.interactions:
        if it.method != "POST" or parse_endpoint(it.uri).kind is None:
            host = re.sub(r"^\w+://", "", it.uri).split("/")[0]
            if host and host not in hosts:
                hosts.append(host)
            continue
        requests += 1
        if it.request_body is None:
            why = it.request_body_problem or "no request body recorded"
            findings.append(
                Finding(
                    c.path,
                    it.body_line,
                    "cassette_unreadable",
                    "warning",
                    f"request body not checked: {why}",
                    it.index,
                )
            )
            continue
        violations = validate_request(
            it.request_body, headers=_headers_for(it), endpoint=it.uri, registry=registry
        )
        for v in violations:
            f = _violation_finding(c.path, it, v, ignored)
            if f is not None:
                findings.append(f)
        errors = [v for v in violations if v.severity == "error" and v.code not in ignored]
        rec = _compare(it, errors)
        if rec is not None:
            findings.append(_recorded_finding(c.path, it, rec, errors))
        elif errors and it.status is not None and 200 <= it.status < 300:
            findings.append(
                Finding(
                    c.path,
                    it.body_line,
                    "recorded_accepted",
                    "note",
                    f"the API accepted this request when it was recorded (HTTP {it.status}); "
                    "re-record to confirm it still does",
                    it.index,
                )
            )
    if not requests:
        if c.interactions:
            others = f": {', '.join(hosts[:3])}" if hosts else ""
            msg = f"no Anthropic Messages requests in {len(c.interactions)} interaction(s){others}"
        else:
            msg = "empty cassette: no interactions"
        findings.append(Finding(c.path, 0, "cassette_foreign", "note", msg))
    findings.extend(f for f in _secret_findings(c) if f.code not in ignored)
    return findings, requests


def lint_paths(paths: Sequence[str], *, ignore: Iterable[str] = (), registry: Any = None) -> LintResult:
    """Lint every cassette named by ``paths`` (files, folders, globs).  Never raises on bad input."""
    result = LintResult()
    files, result.missing = expand_paths(paths)
    for path in files:
        result.files += 1
        try:
            cassette = load_cassette(path)
        except CassetteError as exc:
            result.findings.append(Finding(path, exc.line, "cassette_unreadable", "warning", str(exc)))
            result.findings.extend(f for f in _raw_secret_findings(path) if f.code not in frozenset(ignore))
            continue
        except Exception as exc:  # a lint tool reports and goes on to the next file
            reason = f"cannot read the cassette ({type(exc).__name__}: {str(exc)[:150]})"
            result.findings.append(Finding(path, 0, "cassette_unreadable", "warning", reason))
            result.findings.extend(f for f in _raw_secret_findings(path) if f.code not in frozenset(ignore))
            continue
        result.interactions += len(cassette.interactions)
        found, requests = lint_cassette(cassette, ignore=ignore, registry=registry)
        result.requests += requests
        result.findings.extend(found)
    return result


# --- rendering ----------------------------------------------------------------------------------------


def render_line_for(f: Finding) -> str:
    """``file.yaml:LINE: interaction N: messages.1: prefill_not_supported: <message>``."""
    where = f"{f.file}:{f.line}" if f.line else f.file
    if f.interaction is not None:
        where += f": interaction {f.interaction}"
    if f.violation is not None:
        return redact(render_line(f.violation, source=where))
    sev = "" if f.severity == "error" else f" [{f.severity}]"
    return redact(f"{where}: {f.code}{sev}: {f.message}")


def render_lines(result: LintResult) -> List[str]:
    lines = [render_line_for(f) for f in result.findings]
    lines.append(result.summary())
    return lines


def render_json(result: LintResult) -> Dict[str, Any]:
    """The counts (the same `Counts` as the text summary) and every finding."""
    out: Dict[str, Any] = dict(result.counts().to_dict())
    out["findings"] = [f.to_dict() for f in result.findings]
    return out
