"""``claude-guard check``: validate request payload files and print compiler-style diagnostics."""

from __future__ import annotations

import argparse
import io
import json
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, TextIO

from .._core._engine import validate_request
from .._core._models import Registry, load_registry
from .._core._render import printable
from .._core._render import render_json, render_line, render_text, summary_line
from .._core._secrets import is_credential_header, redact_body, redact_text
from .._core._violation import Violation

__all__ = ["add_parser", "run", "Payload", "iter_payloads", "InputError", "ENVELOPE_KEYS"]

# A file holding exactly these keys (with "body") is an envelope, not a request body.
ENVELOPE_KEYS = frozenset({"endpoint", "headers", "body"})
DEFAULT_ENDPOINT = "/v1/messages"
STDIN = "-"
MAX_INPUT_BYTES = 256 * 1024 * 1024  # the API's largest body (Message Batches); more is refused unread
EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
NO_INPUT = ("claude-guard check: no input: give FILE arguments, pipe a body in "
            "(claude-guard check < req.json), or '-' to read standard input")


class InputError(Exception):
    """A problem with the command line or an input file (exit status 2), never a violation."""


@dataclass(frozen=True)
class Payload:
    """One request to judge: where it came from, and what the engine receives."""

    source: str  # "req.json", "calls.jsonl:3", "<stdin>"
    file: str
    line: Optional[int]
    body: Any  # raw bytes/str (the engine parses and measures them) or an already parsed value
    headers: Optional[Mapping[str, Any]]
    endpoint: str


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser(
        "check",
        help="validate request payload files (JSON, JSONL, or stdin)",
        description=(
            "Validate Messages API request payloads. Each FILE holds a bare request body, or an envelope "
            '{"endpoint": ..., "headers": ..., "body": ...}; a .jsonl file holds one payload per line. '
            "Without FILE, the payload is read from standard input when it is a pipe or a redirected file "
            "(claude-guard check < req.json); at a terminal that is a usage error. "
            "Exit status: 0 every payload read and no error found; 1 an error-severity violation was found; "
            "2 usage error, or an input that could not be read (missing, not a regular file, too large): "
            "it was reported and not checked; 3 internal failure of claude-guard (a crash, or an engine_error: part of a "
            "request was not checked; a bug: please report it).  2 wins over 3, 3 over 1."
        ),
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="payload files; '-' reads standard input, as does no FILE when standard input is a pipe or a file",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument(
        "--models", metavar="PATH", help="a model registry file (from 'claude-guard models refresh')"
    )
    p.add_argument(
        "--endpoint",
        default=DEFAULT_ENDPOINT,
        help="endpoint for bare bodies (default: /v1/messages); envelopes carry their own",
    )
    p.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="a request header for bare bodies (repeatable); without any, headers count as unknown",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="show what the API answers, the fix and docs")
    p.set_defaults(func=run)


def parse_header_args(values: Sequence[str]) -> Optional[Dict[str, str]]:
    """``["anthropic-version: 2023-06-01"]`` -> ``{"anthropic-version": "2023-06-01"}``; none -> None."""
    if not values:
        return None
    headers: Dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            # the value may be a key: echo only what cannot be one
            shown = repr(item) if len(item) <= 40 and not is_credential_header(item.lower()) else f"#{values.index(item) + 1}"
            raise InputError(f"--header {redact_text(shown)}: expected 'NAME: VALUE'")
        headers[name.strip()] = value.strip()
    return headers


def _looks_like_envelope(value: Any) -> bool:
    return isinstance(value, dict) and "body" in value and set(value) <= ENVELOPE_KEYS


def _payload_from(
    data: bytes,
    source: str,
    file: str,
    line: Optional[int],
    default_headers: Optional[Mapping[str, Any]],
    default_endpoint: str,
) -> Payload:
    """Unwrap an envelope; a bare body goes to the engine raw, so it reports invalid JSON and sizes itself."""
    if b'"body"' in data:  # cheap test first: huge bare bodies are parsed once, by the engine
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError):
            parsed = None
        if _looks_like_envelope(parsed):
            endpoint = parsed.get("endpoint", default_endpoint)
            headers = parsed.get("headers")
            if not isinstance(endpoint, str):
                raise InputError(f"{source}: envelope 'endpoint' must be a string")
            if headers is not None and not isinstance(headers, dict):
                raise InputError(f"{source}: envelope 'headers' must be an object or null")
            return Payload(source, file, line, parsed["body"], headers, endpoint)
    return Payload(source, file, line, data, default_headers, default_endpoint)


def iter_payloads(
    name: str,
    *,
    headers: Optional[Mapping[str, Any]] = None,
    endpoint: str = DEFAULT_ENDPOINT,
    stdin: Optional[TextIO] = None,
) -> Iterator[Payload]:
    """The payloads of one FILE argument ('-' = stdin; ``.jsonl`` = one payload per non-blank line)."""
    if name == STDIN:
        data = _read_stdin(stdin if stdin is not None else sys.stdin)
        source = "<stdin>"
    else:
        data = _read_file(name)
        source = name
    if name.endswith(".jsonl"):
        for number, raw in enumerate(data.splitlines(), start=1):
            if raw.strip():
                yield _payload_from(raw, f"{source}:{number}", source, number, headers, endpoint)
        return
    yield _payload_from(data, source, source, None, headers, endpoint)


def _read_stdin(stream: Optional[TextIO]) -> bytes:
    """Standard input's bytes (at most `MAX_INPUT_BYTES`); a closed or unreadable stream is an input problem."""
    if stream is None:  # started with standard input closed
        raise InputError("<stdin>: standard input is closed")
    try:
        if hasattr(stream, "buffer"):
            data: bytes = stream.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            data = stream.read(MAX_INPUT_BYTES + 1).encode("utf-8")
    except (OSError, ValueError) as exc:  # EIO, a closed file, a stream that refuses reads
        raise InputError(f"<stdin>: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"<stdin>: input too large to check (over {MAX_INPUT_BYTES} bytes)")
    return data


def stdin_is_interactive(stream: Optional[TextIO] = None) -> bool:
    """Is standard input a terminal (someone typing, not a pipe or a redirected file)?  A closed or broken
    stream counts as interactive: there is nothing to read from it."""
    stream = stream if stream is not None else sys.stdin
    if stream is None:
        return True
    try:
        return bool(stream.isatty())
    except (OSError, ValueError, AttributeError):
        return True


def _read_file(name: str) -> bytes:
    """A regular file's bytes.  A FIFO, device or socket (``/dev/zero``, a named pipe: a read that never
    ends) and a file over `MAX_INPUT_BYTES` are refused unread, with the reason."""
    path = Path(name)
    try:
        st = path.stat()  # follows symlinks: the target is what would be read
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{name}: is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{name}: not a regular file (a FIFO, device or socket is never read)")
    if st.st_size > MAX_INPUT_BYTES:
        raise InputError(f"{name}: file too large to check ({st.st_size} bytes > {MAX_INPUT_BYTES})")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{name}: file too large to check (over {MAX_INPUT_BYTES} bytes)")
    return data


def _load_registry(path: Optional[str]) -> Optional[Registry]:
    if path is None:
        return None
    try:
        return load_registry(path)
    except FileNotFoundError:
        raise InputError(f"--models {path}: no such file") from None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InputError(
            f"--models {path}: not a model registry file ({type(exc).__name__}: {exc})"
        ) from None


def _say(text: str, file: TextIO) -> None:
    """Every line this command prints goes through the redaction module: no key leaves in text, -v or JSON."""
    print(printable(redact_text(text)), file=file)


def run(args: argparse.Namespace, *, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None) -> int:
    """Exit status: `EXIT_CLEAN`, `EXIT_VIOLATIONS`, `EXIT_INPUT` (usage, unreadable input) or `EXIT_INTERNAL`
    (a failure of claude-guard itself, reported in one line: never a traceback, never taken for a verdict)."""
    err = stderr if stderr is not None else sys.stderr
    try:
        return _run(args, stdout=stdout, stderr=stderr)
    except (BrokenPipeError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - distinct from "violations found" and from "could not read input"
        try:
            _say(f"claude-guard check: internal error: {type(exc).__name__}: {str(exc)[:200]} "
                 "(a claude-guard bug: please report it)", err)
        except Exception:  # noqa: BLE001 - even the report of the failure failed: the exit code still tells
            pass
        return EXIT_INTERNAL


def _run(args: argparse.Namespace, *, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        registry = _load_registry(args.models)
        headers = parse_header_args(args.header)
    except InputError as exc:
        _say(f"claude-guard check: {exc}", err)
        return EXIT_INPUT
    files: List[str] = list(args.files)
    stdin: Optional[TextIO] = None
    if not files:  # `... | claude-guard check`, `claude-guard check < req.json`; a terminal: say how instead
        if stdin_is_interactive():
            _say(NO_INPUT, err)
            return EXIT_INPUT
        try:
            piped = _read_stdin(sys.stdin)
        except InputError as exc:
            _say(f"claude-guard check: {exc}", err)
            return EXIT_INPUT
        if not piped:  # `< /dev/null` (a job without input): nothing was given, not an empty body to judge
            _say(f"{NO_INPUT}; standard input was empty", err)
            return EXIT_INPUT
        files, stdin = [STDIN], io.TextIOWrapper(io.BytesIO(piped))

    input_problems = 0
    payload_count = 0
    found: List[Violation] = []
    records: List[Dict[str, Any]] = []
    for name in files:
        try:
            for payload in iter_payloads(name, headers=headers, endpoint=args.endpoint, stdin=stdin):
                payload_count += 1
                violations = validate_request(
                    payload.body, headers=payload.headers, endpoint=payload.endpoint, registry=registry
                )
                found.extend(violations)
                if args.format == "json":
                    extra: Dict[str, Any] = {"file": payload.file}
                    if payload.line is not None:
                        extra["line"] = payload.line
                    records.extend(redact_body(render_json(violations, **extra)))
                elif violations and args.verbose:
                    _say(render_text(violations, header=f"{payload.source}:"), out)
                else:
                    for v in violations:
                        _say(render_line(v, payload.source), out)
        except InputError as exc:
            input_problems += 1
            _say(f"claude-guard check: {exc}", err)

    if args.format == "json":
        _say(json.dumps(records, indent=2, ensure_ascii=False), out)
    else:
        _say(f"checked {payload_count} payload(s): {summary_line(found)}", err)
    if input_problems:
        _say(f"claude-guard check: {input_problems} input(s) could not be read and were not checked", err)
        return EXIT_INPUT
    if any(v.code == "engine_error" for v in found):  # a rule failed: the verdict is incomplete, never "clean"
        return EXIT_INTERNAL
    return EXIT_VIOLATIONS if any(v.severity == "error" for v in found) else EXIT_CLEAN
