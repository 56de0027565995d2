"""``claude-guard explain CODE``: one cause in full, from the package's data.

What triggers it and the API's answer (``data/causes.json``), the fix, the evidence and where the cause is an
error rather than a warning (``data/evidence.json`` through ``.._evidence``), the docs anchor, and an invalid
request with its valid counterpart (``data/examples.json``, made from the repository's case files by
``scripts/gen_examples.py``).  An unknown code is a usage error (exit 2) that names the closest codes.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from functools import lru_cache
from importlib import resources
from typing import Any, Dict, List, Mapping, Optional, Sequence, TextIO

from .._core._causes import Cause, causes
from .._core._evidence import _NAMES as _PLATFORM_NAMES  # the ledger's platform names, as the README says them
from .._core._evidence import DIMENSIONS, describe_scope, ledger
from .._core._render import printable
from .._core._secrets import redact_text

__all__ = ["add_parser", "run", "explain", "render_explanation", "examples", "normalise_code", "closest_codes",
           "KIND_NOTES", "EXIT_OK", "EXIT_USAGE"]

EXIT_OK, EXIT_USAGE = 0, 2

KIND_NOTES: Dict[str, str] = {
    "rule": "the engine reports it",
    "not_an_error": "documented, never reported: the API accepts this request; listed so you know it was considered",
    "not_checkable": "documented, never reported: the request alone does not show it (it depends on the key, the "
                     "account, or state the API holds)",
    "sdk_side": "documented, never reported: the SDK raises or warns before any request is sent",
    "not_request_shape": "documented, never reported: a state of the account or its billing, not of the request",
    "alias": "documented under another code: the engine reports it under the code its title names",
    "internal": "the validator's own failure, never the API's answer: the request was not fully checked",
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:![rsa])?(?::[^{}]*)?\}")
_NO_ANSWER = {  # a cause without an HTTP status: why there is no answer
    "rule": "no rejection yet: the API serves this request today (the finding warns ahead of a change)",
    "sdk_side": "nothing: the SDK stops before the request is sent",
    "internal": "nothing: the validator failed, not the API",
}
_REPEAT_NOTE = '{"$repeat": N, "item": X} in a list stands for N copies of X'


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser(
        "explain",
        help="explain a cause code: what triggers it, the API's answer, the fix, the evidence, examples",
        description=(
            "Explain one cause code (as printed in a finding, e.g. prefill_not_supported): what triggers it, "
            "what the API answers, the fix, its evidence and where it is an error rather than a warning, the docs "
            "anchor, and an invalid request with its valid counterpart. Exit status: 0 explained; 2 unknown code "
            "(the closest codes are named)."
        ),
    )
    p.add_argument("code", nargs="?", metavar="CODE", help="a cause code (or its README anchor URL)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--list", action="store_true", help="list every cause code with its title instead")
    p.set_defaults(func=run)


@lru_cache(maxsize=1)
def examples() -> Dict[str, Dict[str, Any]]:
    """cause code -> ``{"invalid": case, "valid": case}`` (``data/examples.json``; read on first use)."""
    raw = json.loads(resources.files("pytest_claude_guard").joinpath("data", "examples.json").read_text("utf-8"))
    found: Dict[str, Dict[str, Any]] = raw["examples"]
    return found


def normalise_code(text: str) -> str:
    """What a user may paste for a code: ``Prefill-Not-Supported``, ``...README.md#prefill_not_supported``."""
    return text.strip().rpartition("#")[2].strip().strip("`'\"").lower().replace("-", "_")


def closest_codes(text: str, n: int = 5) -> List[str]:
    """The known codes nearest to ``text``, closest first: codes containing it (``thinking``, ``max_token``), then
    difflib's nearest spellings; after a plain typo (a near-exact match) only the near-exact ones."""
    known = list(causes())
    ratio = {code: difflib.SequenceMatcher(None, text, code).ratio() for code in known}
    ranked = sorted(known, key=lambda code: -ratio[code])
    containing = [code for code in ranked if len(text) >= 4 and text in code]
    floor = max(0.5, ratio[ranked[0]] - 0.15) if ranked else 1.0
    spelled = [code for code in ranked if ratio[code] >= floor and code not in containing]
    return (containing + spelled)[:n]


def _say(text: str, file: TextIO) -> None:
    print(printable(text), file=file)


def run(args: argparse.Namespace, *, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    if args.list:
        if args.format == "json":
            _say(json.dumps([{"code": c.code, "title": c.title, "kind": c.kind} for c in causes().values()],
                            indent=2, ensure_ascii=False), out)
        else:
            width = max(len(code) for code in causes())
            for c in causes().values():
                _say(f"{c.code:<{width}}  {c.title}" + ("" if c.kind == "rule" else f" [{c.kind}]"), out)
        return EXIT_OK
    if not args.code:
        _say("claude-guard explain: give a cause code (e.g. claude-guard explain prefill_not_supported), "
             "or --list for every code", err)
        return EXIT_USAGE
    code = normalise_code(args.code)
    if code not in causes():
        near = closest_codes(code)
        hint = f"; closest: {', '.join(near)}" if near else ""
        _say(f"claude-guard explain: unknown cause code {redact_text(args.code.strip())!r}{hint} "
             "(claude-guard explain --list shows every code)", err)
        return EXIT_USAGE
    data = explain(code)
    if args.format == "json":
        _say(json.dumps(data, indent=2, ensure_ascii=False), out)
    else:
        _say(render_explanation(data), out)
    return EXIT_OK


# --- the explanation as data ---------------------------------------------------------------------------------

def placeholders_shown(template: Optional[str]) -> Optional[str]:
    """A catalog template with its fields shown as ``<name>`` (``{model!s} ...`` -> ``<model> ...``); literal
    braces (``{'type': 'tool'}``, ``{1,64}``) stay as they are."""
    return None if template is None else _PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", template)


def _severity(c: Cause) -> Dict[str, Any]:
    if c.kind != "rule":
        return {"default": "never reported" if c.kind != "internal" else "warning",
                "where": KIND_NOTES[c.kind], "scope": []}
    entry = ledger()["causes"].get(c.code) or {}
    scope = list(entry.get("scope") or ())
    if c.default_severity == "warning":
        why = ("the rule is uncertain: it never fails a test by default" if c.confidence == "uncertain"
               else "no public evidence of a rejection covers any situation yet")
        return {"default": "warning", "where": f"warning everywhere: {why}", "scope": scope}
    where = describe_scope(c.code)
    return {"default": "error", "where": where, "scope": scope}


def _answer_note(c: Cause) -> Optional[str]:
    if not c.status:
        return _NO_ANSWER.get(c.kind, _NO_ANSWER["rule"])
    if c.status < 400:
        return "the API accepts the request"
    return None if c.api_message else "no message on record"


def explain(code: str) -> Dict[str, Any]:
    """Everything ``explain`` shows for ``code`` (a known code), as JSON-ready data."""
    c = causes()[code]
    entry = ledger()["causes"].get(code) or {}
    return {
        "code": c.code,
        "title": c.title,
        "kind": c.kind,
        "kind_note": KIND_NOTES[c.kind],
        "section": c.section,
        "confidence": c.confidence,
        "finding": placeholders_shown(c.message),
        "api_answer": {
            "status": c.status or None,
            "error_type": c.error_type or None,
            "message": placeholders_shown(c.api_message),
            "note": _answer_note(c),
        },
        "fix": placeholders_shown(c.fix),
        "severity": _severity(c),
        "evidence": list(entry.get("evidence") or ()),
        "docs": c.docs,
        "examples": examples().get(code),
    }


# --- text ----------------------------------------------------------------------------------------------------

def _situation(e: Mapping[str, Any]) -> str:
    parts: List[str] = []
    for dim in DIMENSIONS:
        values = [str(v) for v in e.get(dim) or ()]
        if dim == "platforms":
            values = [_PLATFORM_NAMES.get(v, v) for v in values]
        elif dim == "versions":
            values = [f"version {v}" for v in values]
        parts.extend(values)
    return ", ".join(parts)


def _source(e: Mapping[str, Any]) -> str:
    kind = e.get("kind")
    if kind == "issue":
        return f"issue {e.get('repo')}#{e.get('number')} {e.get('url')}"
    if kind == "recorded":
        where = e.get("url") or f"corpus {e.get('corpus', '')} {e.get('id', '')}".strip()
        return f"recorded answer {where}"
    if kind == "docs":
        return f"docs {e.get('url')}"
    if kind == "sdk":
        return f"SDK {e.get('module', '')} {e.get('file', '')}".replace("  ", " ").strip()
    return str(kind)


def _evidence_lines(evidence: Sequence[Mapping[str, Any]]) -> List[str]:
    lines: List[str] = []
    messages: List[str] = []
    for e in evidence:
        msg = e.get("message")
        if isinstance(msg, str) and msg and msg not in messages:
            messages.append(msg)
    for msg in messages:
        lines.append(f"  the API printed: {msg}")
    for e in evidence:
        seen = _situation(e)
        date = e.get("date")
        meta = "; ".join(x for x in (f"seen with {seen}" if seen else "", str(date) if date else "") if x)
        lines.append(f"  - {_source(e)}" + (f" ({meta})" if meta else ""))
        if e.get("note"):
            lines.append(f"    {e['note']}")
    return lines


def _example_lines(label: str, ex: Mapping[str, Any]) -> List[str]:
    lines = [f"{label} ({ex['source']}):", f"  {ex.get('description', '')}".rstrip()]
    lines.append(f"  POST {ex.get('endpoint', '/v1/messages')}")
    if "headers" in ex:
        headers = ex["headers"]
        if headers is None:
            lines.append("  headers: unknown (none given: header rules only warn)")
        else:
            lines.extend(f"  {name}: {value}" for name, value in headers.items())
    for spec in ex.get("generate") or ():
        lines.append(f"  {spec['at']}: {_generated(spec)}")
    if ex.get("models"):
        lines.append("  with a model registry entry: " + json.dumps(ex["models"], ensure_ascii=False))
    body = json.dumps(_shown_body(ex), indent=2, ensure_ascii=False)
    lines.extend("  " + line for line in body.splitlines())
    if "$repeat" in body:
        lines.append(f"  ({_REPEAT_NOTE})")
    return lines


def _generated(spec: Mapping[str, Any]) -> str:
    """What a case's ``generate`` entry stands for, in words."""
    kind = spec["kind"]
    if kind == "text":
        return f"generated text, {spec.get('bytes', 0)} bytes"
    if kind == "pdf":
        what = f"a generated PDF, {spec.get('pages', 1)} page(s)" + (", encrypted" if spec.get("encrypted") else "")
    else:
        what = f"a generated {kind.upper()} image, {spec.get('width', 8)}x{spec.get('height', 8)} pixels"
    if spec.get("bytes"):
        return what + f", as {spec['bytes']} base64 characters"
    return what + ", as base64"


def _shown_body(ex: Mapping[str, Any]) -> Any:
    """The example's body with each generated value shown as ``<generated: ...>``."""
    body = json.loads(json.dumps(ex["body"]))
    for spec in ex.get("generate") or ():
        node = body
        parts = str(spec["at"]).split(".")
        try:
            for part in parts[:-1]:
                node = _step(node, part)
            if isinstance(node, list):
                node[int(parts[-1])] = f"<{_generated(spec)}>"
            else:
                node[parts[-1]] = f"<{_generated(spec)}>"
        except (KeyError, IndexError, ValueError, TypeError):
            continue  # a path through something else: the line above the body already says what it is
    return body


def _step(node: Any, part: str) -> Any:
    if isinstance(node, list):
        node = node[int(part)]
        return node["item"] if isinstance(node, dict) and "$repeat" in node else node
    return node[part]


def render_explanation(data: Mapping[str, Any]) -> str:
    """The text form of :func:`explain`."""
    sev = data["severity"]
    api = data["api_answer"]
    lines = [
        f"{data['code']}: {data['title']}",
        f"  kind: {data['kind']} ({data['kind_note']}); confidence: {data['confidence']}; section {data['section']}",
        "",
        "What triggers it:",
        f"  {data['title']}. "
        + (f"The finding reads: {data['finding']}" if data["kind"] == "rule" else f"The catalog notes: {data['finding']}"),
        "",
        "The API answers:",
    ]
    if not api["status"]:
        lines.append(f"  {api['note']}")
    elif api["status"] < 400:
        lines.append(f"  HTTP {api['status']}: {api['note']}")
    else:
        answer = f"  HTTP {api['status']} {api['error_type']}"
        lines.append(answer + (f": {api['message']}" if api["message"] else f" ({api['note']})"))
    lines += ["", "Fix:", f"  {data['fix']}", ""]
    if data["kind"] == "rule":
        lines += [f"Severity: {sev['default']} by default", f"  {sev['where']}"]
    else:
        lines += [f"Severity: {sev['default']}", f"  {sev['where']}"]
    whys = [box["why"] for box in sev["scope"] if box.get("why")]
    lines.extend(f"  why: {why}" for i, why in enumerate(whys) if why not in whys[:i])
    lines += ["", f"Evidence ({len(data['evidence'])} source(s)):"]
    lines += _evidence_lines(data["evidence"]) or ["  none on record: " + (
        "this cause is documented only" if data["kind"] != "rule" else "it is a warning until a rejection is seen")]
    lines += ["", f"Docs: {data['docs']}", ""]
    ex = data["examples"]
    if ex:
        lines += _example_lines("Invalid request", ex["invalid"]) + [""]
        lines += _example_lines("Valid counterpart", ex["valid"])
    else:
        lines.append(f"Examples: none ({data['kind_note']})")
    return "\n".join(lines)
