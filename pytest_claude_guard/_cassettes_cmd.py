"""``claude-guard lint-cassettes``: validate every recorded Messages request, compare with recorded errors, find keys.

`lint_paths` collects `Finding`s (also used by ``pytest --claude-guard-cassettes``); `render_lines` and
`render_json` turn them into compiler-style lines or JSON.  Secrets are only ever shown as fingerprints.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from ._cassettes import Cassette, CassetteError, Interaction, expand_paths, load_cassette
from ._causes import causes
from ._context import parse_endpoint
from ._engine import validate_request
from ._render import render_line
from ._secrets import check_header, redact, scan_text
from ._violation import Violation

__all__ = [
    "Finding",
    "LintResult",
    "lint_paths",
    "lint_cassette",
    "expected_codes",
    "render_lines",
    "render_json",
    "add_parser",
    "run",
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
PLACEHOLDER_KEY = "sk-ant-claude-guard-placeholder"  # stands in for a credential the recorder filtered out
_MAX_SHOWN = 300

# --- what the API's recorded message says the cause was ----------------------------------------------------
# (pattern searched in the recorded message, acceptable cause codes or None = not predictable from the request)
_NP = None
RECORDED_MESSAGES: Tuple[Tuple[str, Optional[FrozenSet[str]]], ...] = tuple(
    (rx, None if codes is None else frozenset(codes))
    for rx, codes in (
        (r"credit balance is too low|[Oo]rganization (is |has been )?(on hold|disabled|suspended)", _NP),
        (r"Unable to download the file|Invalid `signature` in `thinking` block", _NP),
        (r"blocks in the latest assistant message cannot be modified", _NP),
        (r"roles must alternate between|first message must use the \"user\" role", _NP),
        (r"anthropic-version: header is required", {"version_header_missing"}),
        (r"anthropic-version: .* is not a valid version", {"version_header_invalid"}),
        (r"for the `anthropic-beta` header", {"beta_header_unknown"}),
        (r"Thinking may not be enabled when tool_choice forces tool use", {"forced_tool_use_with_thinking"}),
        (r"`max_tokens` must be greater than `thinking\.budget_tokens`", {"thinking_budget_not_below_max_tokens"}),
        (r"budget_tokens: Input should be greater than or equal to", {"thinking_budget_below_min"}),
        (r"thinking\.type\.\w+\" is not supported|adaptive thinking is not supported", {"thinking_type_unsupported"}),
        (r"Expected `thinking` or `redacted_thinking`, but found", {"thinking_final_assistant_must_start_with_thinking"}),
        (r"When thinking is disabled, an `assistant` message", {"thinking_in_final_assistant_when_disabled"}),
        (r"The final block in an assistant message cannot be `thinking`", {"thinking_last_block"}),
        (r"the first block must be thinking or redacted_thinking", {"thinking_not_first_block"}),
        (r"(thinking\.signature|redacted_thinking\.data): Field required", {"thinking_signature_missing"}),
        (r"^thinking[\w.]*display", {"thinking_display_invalid"}),
        (r"^thinking[\w.]*: ", {"thinking_field_missing", "thinking_type_unsupported"}),
        (r"does not support assistant message prefill", {"prefill_not_supported"}),
        (r"final assistant content cannot end with trailing whitespace", {"final_assistant_trailing_whitespace"}),
        (r"`temperature` and `top_p` cannot both be specified", {"temperature_and_top_p_both"}),
        (r"`(temperature|top_p|top_k)` (may only be set|must be unset|must be).*thinking", {"sampling_with_thinking"}),
        (r"`(temperature|top_p|top_k)` is deprecated for this model", {"sampling_param_unsupported_model"}),
        (r"^(temperature|top_p|top_k): Extra inputs", {"sampling_param_removed_2026_10_21", "unknown_top_level_param"}),
        (r"^(temperature|top_p|top_k): ", {"sampling_param_range"}),
        (r"which is the maximum allowed number of output tokens", {"max_tokens_above_model_limit"}),
        (r"^max_tokens: Input should be greater than or equal to", {"max_tokens_negative"}),
        (r"input length and `max_tokens` exceed context limit", {"input_plus_max_tokens_over_context"}),
        (r"prompt is too long", {"prompt_too_long"}),
        (r"too many total text bytes", {"text_bytes_too_large", "prompt_too_long"}),
        (r"Request exceeds the maximum allowed number of bytes|request_too_large", {"request_too_large"}),
        (r"does not support output format", {"structured_output_unsupported_model"}),
        (r"does not support citations", {"citations_unsupported_model"}),
        (r"does not support effort level", {"effort_level_unsupported"}),
        (r"does not support (the )?effort", {"effort_unsupported_model", "effort_level_unsupported"}),
        (r"^output_config\.effort", {"effort_invalid_value"}),
        (r"output_config\.format\.schema: ", {"structured_output_schema_unsupported", "output_format_shape"}),
        (r"^output_config\.format", {"output_format_shape"}),
        (r"^output_format: Extra inputs", {"output_format_legacy_param", "unknown_top_level_param"}),
        (r"messages: at least one message is required", {"messages_empty"}),
        (r"Unexpected role \"system\"", {"role_system_unsupported_model"}),
        (r"role 'system'|top-level 'system' parameter|system (text blocks|content) must", {"role_system_position"}),
        (r"Unexpected role|^messages\.\d+\.role: Input should be", {"role_invalid"}),
        (r"all messages must have non-empty content", {"empty_content_non_final"}),
        (r"text content blocks must be non-empty", {"text_block_empty", "cache_control_on_empty_text"}),
        (r"text content blocks must contain non-whitespace text", {"text_block_whitespace_only"}),
        (r"cache_control cannot be set for empty text blocks", {"cache_control_on_empty_text", "text_block_empty"}),
        (r"A maximum of \d+ blocks with cache_control", {"cache_breakpoints_exceeded"}),
        (r"ttl='1h' cache_control block must not come after", {"cache_ttl_order"}),
        (r"cache_control[\w.]*: ", {"cache_control_invalid", "block_extra_field"}),
        (r"`tool_use` ids were found without `tool_result` blocks", {"tool_use_without_result"}),
        (r"unexpected `tool_use_id` found in `tool_result` blocks", {"tool_result_without_use"}),
        (r"unexpected `tool_use_id` found in `\w+` blocks", {"server_tool_result_without_use"}),
        (r"`tool_result` block\(s\) at the beginning", {"tool_result_not_first"}),
        (r"ids must be unique", {"tool_use_id_duplicate"}),
        (r"(tool_use|tool_use_id|\.id): String should match pattern", {"tool_use_id_pattern"}),
        (r"tool_use\.name: String should", {"tool_use_name_invalid"}),
        (r"tool_use\.input: Input should be a valid dictionary", {"tool_use_input_invalid", "param_wrong_type"}),
        (r"tool_reference\.tool_name: ", {"tool_reference_invalid", "tool_name_invalid"}),
        (r"Tool names must be unique", {"tool_name_duplicate"}),
        (r"^tools\.\d+\.[\w.]*name: String should", {"tool_name_invalid"}),
        (r"input_schema", {"tool_input_schema_invalid"}),
        (r"^tools\.\d+: Input tag", {"tool_type_invalid", "server_tool_version_unsupported", "tool_extra_field"}),
        (r"^tools\.\d+[\w.]*\.(max_uses|user_location|allowed_domains|blocked_domains)", {"server_tool_param_invalid"}),
        (r"^tools\.\d+[\w.]*: Extra inputs", {"tool_extra_field"}),
        (r"^tool_choice\.tool\.name: Field required", {"tool_choice_tool_name_missing"}),
        (r"^tool_choice[\w.]*: Input tag", {"tool_choice_type_invalid"}),
        (r"tool_choice.*not supported", {"forced_tool_use_model_unsupported"}),
        (r"Container identifier can only be provided", {"container_without_code_execution"}),
        (r"^container[\w.]*: ", {"container_invalid", "param_wrong_type"}),
        (r"^service_tier: ", {"service_tier_invalid"}),
        (r"^inference_geo", {"inference_geo_invalid"}),
        (r"^metadata\.", {"metadata_invalid"}),
        (r"each stop sequence must be non-empty", {"stop_sequence_empty"}),
        (r"each stop sequence must contain non-whitespace", {"stop_sequence_whitespace"}),
        (r"^stop_sequences", {"stop_sequences_type", "param_wrong_type"}),
        (r"^model: String should have at least 1 character", {"model_empty"}),
        (r"^model: ", {"model_not_found", "model_retired"}),
        (r"image exceeds \d+ MB maximum", {"image_too_large_bytes"}),
        (r"image dimensions exceed max allowed size", {"image_dimension_too_large"}),
        (r"too many images", {"too_many_images"}),
        (r"media_type: Input should be 'image/", {"image_media_type_invalid"}),
        (r"media_type: Input should be 'application/pdf'", {"pdf_media_type_invalid"}),
        (r"image appears to be a|does not match the provided media type", {"image_bytes_mismatch"}),
        (r"PDF pages may be provided", {"pdf_too_many_pages"}),
        (r"document\.(title|context): ", {"document_title_context"}),
        (r"citations must be enabled on all or none", {"citations_mixed"}),
        (r"custom_id.*(unique|duplicate)", {"batch_custom_id_duplicate"}),
        (r"^requests\.\d+\.custom_id", {"batch_custom_id_invalid"}),
        (r"^requests: List should have", {"batch_requests_count"}),
        (r"source: Input tag 'file'", {"file_source_requires_beta", "source_type_invalid", "block_type_invalid"}),
        (r"source: Input tag", {"source_type_invalid", "block_type_invalid"}),
        (r"^messages\.[\w.]*: Input tag|^messages\.[\w.]*\.type: Field required", {"block_type_invalid"}),
        (r"^messages\.\d+\.content\.\d+[\w.]*: Extra inputs", {"block_extra_field"}),
        (r"^messages\.\d+\.\w+: Extra inputs", {"message_extra_field"}),
        (r"^messages\.\d+\.(role|content): Field required", {"message_missing_field"}),
        (r"^messages\.[\w.]*: Field required", {"block_missing_field", "message_missing_field", "block_type_invalid"}),
        (r"^(model|messages|max_tokens): Field required", {"missing_required_param"}),
        (r"^[\w-]+: Extra inputs are not permitted", {"unknown_top_level_param", "count_tokens_extra_param"}),
        (r"Input should be a valid|Input should be (less|greater) than|valid list", {"param_wrong_type", "param_null"}),
        (r"Field required", {"missing_required_param", "message_missing_field", "block_missing_field"}),
        (r"Extra inputs are not permitted", {"unknown_top_level_param", "block_extra_field", "message_extra_field"}),
        (r"There was an issue with the format or content of your request", {"invalid_json"}),
    )
)
_COMPILED = tuple((re.compile(rx, re.S), codes) for rx, codes in RECORDED_MESSAGES)


def expected_codes(message: str) -> Tuple[bool, Optional[FrozenSet[str]]]:
    """-> (matched, codes): the causes a recorded API message points to; codes None = not predictable."""
    for rx, codes in _COMPILED:
        if rx.search(message):
            return True, codes
    return False, frozenset()


# --- findings ------------------------------------------------------------------------------------------------


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
            "message": self.message,
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


@dataclass
class LintResult:
    findings: List[Finding] = field(default_factory=list)
    files: int = 0
    interactions: int = 0
    requests: int = 0  # Messages requests validated
    missing: List[str] = field(default_factory=list)  # arguments that matched no file

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def secrets(self) -> int:
        return sum(1 for f in self.findings if f.code == "secret_in_cassette")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def summary(self) -> str:
        return (
            f"{self.files} cassette(s), {self.interactions} interaction(s), {self.requests} Messages request(s): "
            f"{self.errors - self.secrets} error(s), {self.warnings} warning(s), {self.secrets} secret(s)"
        )


def _shorten(text: str) -> str:
    one = " ".join(redact(text).split())
    return one if len(one) <= _MAX_SHOWN else one[: _MAX_SHOWN - 1] + "…"


def _recorded_error(body: Optional[str]) -> Tuple[Optional[str], str]:
    """(error type, message) from a recorded error body; ("", raw text) when it is not the API's JSON shape."""
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
        matched, expected = True, None  # a 404 that is not about the model (an unknown batch id, a wrong path)
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
    verdict = {
        "agrees": f"our diagnosis agrees ({ours})",
        "differs": f"our diagnosis differs (we found {ours}; the message points to {', '.join(rec.expected)})",
        "missed": f"we predicted no error (the message points to {', '.join(rec.expected)})",
        "not_predictable": "not predictable from the request alone" + (f" (we found {ours})" if ours else ""),
        "unknown_message": "a message claude-guard does not know" + (f" (we found {ours})" if ours else ""),
    }[rec.agreement]
    severity = "warning" if rec.agreement in ("missed", "differs") else "note"
    return Finding(path, it.body_line, "recorded_error", severity, f"{answered}; {verdict}", it.index, "", None, rec)


def _violation_finding(path: str, it: Interaction, v: Violation, ignored: FrozenSet[str]) -> Optional[Finding]:
    if v.code in ignored:
        return None
    return Finding(path, it.body_line, v.code, v.severity, redact(v.message), it.index, v.path, v)


def _secret_findings(c: Cassette) -> List[Finding]:
    """Secrets on the file's own lines (exact line), then in decoded bodies and in credential headers."""
    found: List[Finding] = []
    seen: Set[Tuple[Optional[int], str]] = set()
    starts = sorted((it.line, it.index) for it in c.interactions if it.line)

    def owner(line: int) -> Optional[int]:
        idx = None
        for start, index in starts:
            if start <= line:
                idx = index
        return idx

    def where(it_index: Optional[int], line: int) -> str:
        if it_index is None:
            return ""
        it = c.interactions[it_index]
        for name, hline in it.header_lines.items():
            if hline in (line, line - 1):
                return f"the {name} header"
        return "the recorded traffic"

    for lineno, text in enumerate(c.text.splitlines(), 1):
        for _, secret in scan_text(text):
            idx = owner(lineno)
            seen.add((idx, secret.shown))
            place = where(idx, lineno) or "the file"
            found.append(_secret(c.path, lineno, idx, f"{place} holds {secret.label} ({secret.shown})"))
    for it in c.interactions:
        for label, text in (("request body", it.request_body), ("response body", it.response_body)):
            for _, secret in scan_text(text or ""):
                if (it.index, secret.shown) not in seen:
                    seen.add((it.index, secret.shown))
                    msg = f"the {label} (encoded in the file) holds {secret.label} ({secret.shown})"
                    found.append(_secret(c.path, it.body_line, it.index, msg))
        for name, value in it.request_headers:
            secret = check_header(name, value)
            if secret is None or (it.index, secret.shown) in seen or scan_text(value):
                continue
            seen.add((it.index, secret.shown))
            line = it.header_lines.get(name.lower(), it.line)
            found.append(_secret(c.path, line, it.index, f"the {name.lower()} header holds {secret.label} ({secret.shown})"))
    return found


def _secret(path: str, line: int, index: Optional[int], what: str) -> Finding:
    fix = "remove it and filter it when recording (pytest_claude_guard.vcr.vcr_config)"
    return Finding(path, line, "secret_in_cassette", "error", f"{what}: {fix}", index)


def lint_cassette(c: Cassette, *, ignore: Iterable[str] = (), registry: Any = None) -> Tuple[List[Finding], int]:
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
            findings.append(Finding(c.path, it.body_line, "cassette_unreadable", "warning",
                                    f"request body not checked: {why}", it.index))
            continue
        violations = validate_request(it.request_body, headers=_headers_for(it), endpoint=it.uri, registry=registry)
        for v in violations:
            f = _violation_finding(c.path, it, v, ignored)
            if f is not None:
                findings.append(f)
        errors = [v for v in violations if v.severity == "error" and v.code not in ignored]
        rec = _compare(it, errors)
        if rec is not None:
            findings.append(_recorded_finding(c.path, it, rec, errors))
        elif errors and it.status is not None and 200 <= it.status < 300:
            findings.append(Finding(c.path, it.body_line, "recorded_accepted", "note",
                                    f"the API accepted this request when it was recorded (HTTP {it.status}); "
                                    "re-record to confirm it still does", it.index))
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
            continue
        except Exception as exc:  # noqa: BLE001 - a lint tool reports and goes on to the next file
            reason = f"cannot read the cassette ({type(exc).__name__}: {str(exc)[:150]})"
            result.findings.append(Finding(path, 0, "cassette_unreadable", "warning", reason))
            continue
        result.interactions += len(cassette.interactions)
        found, requests = lint_cassette(cassette, ignore=ignore, registry=registry)
        result.requests += requests
        result.findings.extend(found)
    return result


# --- rendering -------------------------------------------------------------------------------------------------


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
    return {
        "files": result.files,
        "interactions": result.interactions,
        "requests": result.requests,
        "errors": result.errors,
        "warnings": result.warnings,
        "secrets": result.secrets,
        "findings": [f.to_dict() for f in result.findings],
    }


# --- command line ------------------------------------------------------------------------------------------------


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "lint-cassettes",
        help="validate the Messages requests recorded in vcrpy cassettes and find leaked keys",
        description=(
            "Validate every Anthropic Messages request recorded in vcrpy cassettes (YAML or JSON; files, "
            "folders or globs), compare with the errors the API recorded, and flag API keys and signatures "
            "without printing them.  Exit 1 on error-severity findings or secrets, 0 otherwise, 2 on usage errors."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a cassette file, a folder, or a glob")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODE", help="skip a cause code (repeatable)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    known = set(causes()) | set(CASSETTE_CODES)
    unknown = [c for c in args.ignore if c not in known]
    if unknown:
        print(f"claude-guard lint-cassettes: error: unknown cause code(s) in --ignore: {', '.join(unknown)}",
              file=sys.stderr)
        return 2
    result = lint_paths(args.paths, ignore=args.ignore)
    if result.missing:
        for arg in result.missing:
            print(f"claude-guard lint-cassettes: error: no cassette found at {arg}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(render_json(result), indent=2, ensure_ascii=False))
    else:
        print("\n".join(render_lines(result)))
    return result.exit_code
