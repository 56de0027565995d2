"""Reading recorded cassettes: vcrpy YAML and JSON (and Ruby VCR's layout), with the line of every part.

Bodies come back as text whatever the recorder stored, all through `decode_body`: ``str``, ``bytes``
(``!!binary``), base64, gzip or deflate, ``{"string": ...}`` / ``{"base64_string": ...}`` wrappers, and the
parsed bodies of custom serializers (``parsed_body:`` beside or instead of ``body:``, ``body: {type: json,
content: ...}``, ``{json: ...}``, ``{content: ...}``, or the JSON mapping itself), which are re-encoded as
JSON.  A file that cannot be read raises `CassetteError` with a one-line reason; nothing else escapes.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime
import glob
import io
import json
import os
import re
import stat
import zlib
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

import yaml  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "Cassette",
    "CassetteError",
    "Interaction",
    "load_cassette",
    "expand_paths",
    "decode_body",
    "recorded_body",
    "BODY_KEYS",
    "MAX_CASSETTE_BYTES",
    "MAX_FILE_INFLATED_BYTES",
    "CASSETTE_SUFFIXES",
    "InflateBudget",
]

MAX_CASSETTE_BYTES = 64 * 1024 * 1024
MAX_BODY_BYTES = 32 * 1024 * 1024  # decompressed, per body (the Messages body limit)
MAX_FILE_INFLATED_BYTES = 32 * 1024 * 1024  # decompressed, all bodies of one cassette together
# YAML aliases: a cassette whose aliases expand it past this many nodes+characters is refused ("billion laughs").
# vcrpy's dumper writes anchors for repeated objects, so aliases themselves are fine; their expansion is not.
MAX_YAML_EXPANSION = 32 * 1024 * 1024
CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")
_B64 = re.compile(r"[A-Za-z0-9+/=\s]+")
_GZIP_MAGIC = b"\x1f\x8b"
# Where recorders keep a request's or response's body, in order of preference: vcrpy's ``body``, then the
# parsed copies custom serializers write (pydantic-ai's ``parsed_body``, ``json``, ...).
BODY_KEYS = ("body", "parsed_body", "json", "body_json", "content")
# A mapping made only of these keys wraps a body; any other mapping is a parsed JSON body itself.
_WRAPPER_KEYS = frozenset(
    {"string", "base64_string", "json", "content", "parsed", "type", "encoding", "compression"}
)
_WRAPPER_PAYLOADS = ("string", "base64_string", "json", "parsed", "content")
_WRAPPER_TYPES = frozenset({"json", "text", "string", "binary", "base64", "bytes", "none"})


class CassetteError(Exception):
    """A cassette that cannot be read; ``str(exc)`` is a one-line reason, ``line`` where (0 = unknown)."""

    def __init__(self, reason: str, line: int = 0) -> None:
        super().__init__(reason)
        self.line = line


@dataclass
class Interaction:
    """One recorded request and its response, with the lines they sit on (1-based; 0 = unknown)."""

    index: int
    line: int
    method: str
    uri: str
    request_headers: List[Tuple[str, str]]
    request_body: Optional[str]
    request_body_problem: Optional[str]
    request_body_line: int
    status: Optional[int]
    response_headers: List[Tuple[str, str]]
    response_body: Optional[str]
    header_lines: Dict[str, int] = field(default_factory=dict)  # lower-cased request header -> line

    def header(self, name: str) -> Optional[str]:
        """A request header's value (case-insensitive; repeated values joined with ``, ``)."""
        values = [v for k, v in self.request_headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None

    @property
    def body_line(self) -> int:
        return self.request_body_line or self.line


@dataclass
class Cassette:
    path: str
    format: str  # "yaml" | "json"
    text: str
    interactions: List[Interaction]


# --- finding files ----------------------------------------------------------------------------------------


def expand_paths(args: Sequence[str]) -> Tuple[List[str], List[str]]:
    """Files named by ``args`` (a file, a folder searched recursively, a glob) -> (files, unmatched args).

    Each file once, however many names reach it (a symlink loop under a ``**`` glob, a file named twice): paths
    are deduplicated on their resolved path.  A folder walk does not follow symlinked folders.  What is listed
    but not a regular file (a FIFO, a device, a symlink to one) stays in the list: `load_cassette` refuses it
    with its reason, so it is reported, never silently dropped and never opened.
    """
    files: List[str] = []
    seen: Set[str] = set()
    missing: List[str] = []
    for arg in args:
        found: List[str] = []
        if os.path.isdir(arg):
            for root, dirs, names in os.walk(arg):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(
                    os.path.join(root, n) for n in sorted(names) if n.lower().endswith(CASSETTE_SUFFIXES)
                )
        elif os.path.lexists(arg) and not os.path.isdir(arg):
            found.append(arg)
        elif glob.has_magic(arg):
            found.extend(p for p in sorted(glob.glob(arg, recursive=True)) if not os.path.isdir(p))
        if not found:
            missing.append(arg)
        for path in found:
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files, missing


# --- bodies -----------------------------------------------------------------------------------------------


class InflateBudget:
    """Bytes one cassette may still decompress, all bodies together (a cap per body alone lets 60 gzip bombs
    of 60 MB each through)."""

    def __init__(self, total: int = MAX_FILE_INFLATED_BYTES) -> None:
        self.left = total
        self.total = total


def _inflate(data: bytes, wbits: int, budget: Optional[InflateBudget] = None) -> bytes:
    """Decompress one body: at most `MAX_BODY_BYTES`, and at most what the cassette's ``budget`` has left.
    What a refused body inflated is spent too, so a file of bombs costs one cap, not one per body."""
    if budget is not None and budget.left <= 0:
        raise ValueError(_over_file_cap(budget))
    cap = MAX_BODY_BYTES if budget is None else min(MAX_BODY_BYTES, budget.left)
    d = zlib.decompressobj(wbits)
    out = d.decompress(data, cap + 1)
    if budget is not None:
        budget.left -= min(len(out), cap)
    if len(out) > cap or d.unconsumed_tail:
        if cap < MAX_BODY_BYTES and budget is not None:
            raise ValueError(_over_file_cap(budget))
        raise ValueError(f"decompressed body exceeds {MAX_BODY_BYTES // (1024 * 1024)} MB (a compression bomb?)")
    if not d.eof:
        raise ValueError("truncated compressed body")
    return out


def _over_file_cap(budget: InflateBudget) -> str:
    return (f"the cassette's decompressed bodies exceed {budget.total // (1024 * 1024)} MB in all "
            "(a compression bomb?): not decompressed")


def _maybe_base64(text: str) -> Optional[bytes]:
    stripped = text.strip()
    if len(stripped) < 8 or stripped[0] in '{["' or not _B64.fullmatch(stripped):
        return None
    try:
        raw = base64.b64decode("".join(stripped.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if raw.startswith(_GZIP_MAGIC) or raw.lstrip()[:1] in (b"{", b"[") else None


def decode_body(
    value: Any, encoding: Optional[str] = None, budget: Optional[InflateBudget] = None
) -> Tuple[Optional[str], Optional[str]]:
    """A recorded body as text -> (text or None, problem or None).  ``encoding``: the Content-Encoding;
    ``budget``: the bytes the whole cassette may still decompress (each body is capped at `MAX_BODY_BYTES`).

    The one place a recorded body is decoded, whatever the recorder stored (see the module docstring).
    """
    try:
        return _decode(value, (encoding or "").strip().lower(), budget), None
    except (ValueError, zlib.error, UnicodeDecodeError, TypeError, OSError, RecursionError) as exc:
        return None, str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _json_default(value: Any) -> Any:
    """JSON for what a YAML loader may have built inside a parsed body (dates, ``!!binary``, sets)."""
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"a parsed body holding a {type(value).__name__}")


def _dump(parsed: Any) -> str:
    """A body a serializer stored parsed, back to JSON text."""
    return json.dumps(parsed, ensure_ascii=False, default=_json_default)


def _is_wrapper(value: Dict[Any, Any]) -> bool:
    keys = set(value)
    kind = str(value.get("type") or "json").lower()
    if not keys <= _WRAPPER_KEYS or kind not in _WRAPPER_TYPES:
        return False  # e.g. a parsed Messages response: {"type": "message", "content": [...], "id": ...}
    return kind == "none" or any(k in value for k in _WRAPPER_PAYLOADS)


def _unwrap(value: Dict[Any, Any], encoding: str, budget: Optional[InflateBudget]) -> Optional[str]:
    """``{"string"}`` (vcrpy responses), ``{"base64_string"}`` (Ruby VCR, betamax), ``{"type", "content"}``
    (typed bodies: json | text | binary | base64 | none), ``{"json"}`` / ``{"parsed"}`` / ``{"content"}``."""
    kind = str(value.get("type") or "").lower()
    encoding = str(value.get("compression") or encoding).strip().lower()
    if "base64_string" in value:
        return _decode(_b64decode(value["base64_string"]), encoding, budget)
    if "string" in value:
        return _decode(value["string"], encoding, budget)
    payload = next((value[k] for k in ("json", "parsed", "content") if k in value), None)
    if kind == "none" or payload is None:
        return None
    if kind in ("binary", "base64", "bytes") and isinstance(payload, str):
        return _decode(_b64decode(payload), encoding, budget)
    if kind == "json" and isinstance(payload, str):
        return payload  # the JSON text itself
    return _decode(payload, encoding, budget)


def _b64decode(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    try:
        return base64.b64decode("".join(str(value).split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a base64 body that is not valid base64") from None


def _decode(value: Any, encoding: str, budget: Optional[InflateBudget] = None) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, dict):
        return _unwrap(value, encoding, budget) if _is_wrapper(value) else _dump(value)
    if isinstance(value, io.BytesIO):
        value = value.getvalue()
    elif isinstance(value, (list, tuple, Iterator)):
        parts = list(value)
        if not all(isinstance(p, (bytes, bytearray, str)) for p in parts):
            return _dump(parts)  # a parsed JSON array
        # an iterator body recorded as a list of chunks
        value = b"".join(bytes(p) if isinstance(p, (bytes, bytearray)) else str(p).encode("utf-8") for p in parts)
    if isinstance(value, str):
        if value.startswith("\x1f\x8b"):
            return _decode(value.encode("latin-1"), encoding, budget)
        raw = _maybe_base64(value)
        if raw is not None:
            return _decode(raw, encoding, budget)
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        if data.startswith(_GZIP_MAGIC):
            data = _inflate(data, zlib.MAX_WBITS | 16, budget)
        elif encoding == "deflate":
            try:
                data = _inflate(data, zlib.MAX_WBITS, budget)
            except zlib.error:
                data = _inflate(data, -zlib.MAX_WBITS, budget)
        elif encoding in ("br", "zstd") and data.lstrip()[:1] not in (b"{", b"["):
            raise ValueError(f"a {encoding}-compressed body (not decoded by claude-guard)")
        return data.decode("utf-8")
    if isinstance(value, (int, float, bool)):
        return json.dumps(value)
    raise TypeError(f"a body of type {type(value).__name__}")


def recorded_body(part: Dict[Any, Any]) -> Tuple[Any, str]:
    """The stored body of a recorded request or response mapping -> (value, the key it was under).

    ``body`` first, then the parsed copies of custom serializers (`BODY_KEYS`); an empty ``body`` gives way
    to a parsed copy.
    """
    fallback: Tuple[Any, str] = (part.get("body"), "body")
    for key in BODY_KEYS:
        value = part.get(key)
        if value is None:
            continue
        if value in ("", b"") or value == {"string": ""}:
            fallback = fallback if fallback[0] is not None else (value, key)
            continue
        return value, key
    return fallback


# --- parsing with line numbers ----------------------------------------------------------------------------

_Path = Tuple[Any, ...]


def _yaml_loader_class() -> Any:
    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        """A safe loader that reads the benign Python tags vcrpy writes and never builds objects."""

    def _scalar(loader: Any, node: Any) -> Any:
        return loader.construct_scalar(node)

    def _tuple(loader: Any, node: Any) -> Any:
        return tuple(loader.construct_sequence(node))

    def _bytesio(loader: Any, node: Any) -> Any:
        mapping = loader.construct_mapping(node, deep=True)
        state = mapping.get("state") or (b"",)
        data = state[0] if state else b""
        return io.BytesIO(data.encode("utf-8") if isinstance(data, str) else bytes(data or b""))

    def _iter(loader: Any, node: Any) -> Any:
        mapping = loader.construct_mapping(node, deep=True)
        args: Any = mapping.get("args") or ([],)
        return list(args[0] if args else [])

    def _other(loader: Any, suffix: str, node: Any) -> Any:
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node, deep=True)
        return loader.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:python/str", _scalar)
    Loader.add_constructor("tag:yaml.org,2002:python/unicode", _scalar)
    Loader.add_constructor("tag:yaml.org,2002:python/tuple", _tuple)
    Loader.add_constructor("tag:yaml.org,2002:python/object/new:_io.BytesIO", _bytesio)
    Loader.add_constructor("tag:yaml.org,2002:python/object/apply:builtins.iter", _iter)
    Loader.add_multi_constructor("", _other)
    return Loader


_LOADER = _yaml_loader_class()


def _yaml_lines(node: Any, path: _Path, out: Dict[_Path, int]) -> None:
    """Lines of the shallow parts of a cassette: interactions, their request/response, header names."""
    if len(path) > 5:
        return
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                continue
            out.setdefault(path + (str(key),), key_node.start_mark.line + 1)
            if len(path) < 4:
                _yaml_lines(value_node, path + (str(key),), out)
    elif isinstance(node, yaml.SequenceNode) and len(path) < 2:
        for i, item in enumerate(node.value):
            _yaml_lines(item, path + (i,), out)


# an anchor property ("&id001") where a node starts; inside a quoted string it only costs the full count
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)


def _expansion(root: Any, limit: int) -> None:
    """Raise `CassetteError` when building ``root`` would make more than ``limit`` nodes and characters once
    its aliases are expanded (a 1 KB "billion laughs" is gigabytes once a body is re-encoded as JSON), or when
    an alias refers to a node holding it.  Linear in the distinct nodes: each node's size is computed once."""
    size: Dict[int, int] = {}
    on_path: Set[int] = set()
    stack: List[Tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = node.value if isinstance(node, yaml.SequenceNode) else (
            [part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode) else None
        )
        if done:
            on_path.discard(key)
            total = 1 + sum(size[id(c)] for c in children or ())
            size[key] = min(total, limit + 1)
            if total > limit:
                raise CassetteError(
                    f"YAML aliases expand the file past {limit} nodes and characters (an alias bomb?): not read"
                )
            continue
        if key in size:
            continue
        if children is None:  # a scalar
            size[key] = 1 + len(node.value)
            continue
        if key in on_path:
            raise CassetteError("a YAML alias refers to a node that holds it (a recursive structure): not read")
        on_path.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in on_path:
                raise CassetteError(
                    "a YAML alias refers to a node that holds it (a recursive structure): not read"
                )
            if id(child) not in size:
                stack.append((child, False))


def _parse_yaml(text: str) -> Tuple[Any, Dict[_Path, int]]:
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if _ANCHOR.search(text):  # no anchor, no alias: nothing can expand (the common case costs one scan)
            _expansion(node, max(MAX_YAML_EXPANSION, 2 * len(text)))
        lines: Dict[_Path, int] = {}
        _yaml_lines(node, (), lines)
        return loader.construct_document(node), lines
    finally:
        loader.dispose()


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]', re.DOTALL)


def _json_lines(text: str) -> Dict[_Path, int]:
    """Lines of the shallow parts of a JSON cassette (the json module keeps no positions)."""
    offsets: Dict[_Path, int] = {}
    stack: List[List[Any]] = []  # [kind "o"|"a", key or index, expecting_key]
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group(0)
        here: _Path = tuple(frame[1] for frame in stack)
        c = tok[0]
        if c == '"' and stack and stack[-1][0] == "o" and stack[-1][2]:
            try:
                stack[-1][1] = json.loads(tok)
            except ValueError:
                stack[-1][1] = tok[1:-1]
            stack[-1][2] = False
            key_path = here[:-1] + (stack[-1][1],)
            if len(key_path) <= 5:
                offsets.setdefault(key_path, m.start())
        elif c in "{[":
            if len(here) <= 5:
                offsets.setdefault(here, m.start())
            stack.append(["o", None, True] if c == "{" else ["a", 0, False])
        elif c in "}]":
            if stack:
                stack.pop()
        elif c == "," and stack:
            if stack[-1][0] == "a":
                stack[-1][1] += 1
            else:
                stack[-1][2] = True
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return {path: bisect.bisect_right(starts, off) for path, off in offsets.items()}


def _headers(raw: Any) -> List[Tuple[str, str]]:
    out: List[Tuple[str, str]] = []
    if isinstance(raw, dict):
        items: Any = raw.items()
    elif isinstance(raw, list):
        items = [tuple(x) for x in raw if isinstance(x, (list, tuple)) and len(x) == 2]
    else:
        return out
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if isinstance(v, bytes):
                v = v.decode("latin-1")
            out.append((str(key), "" if v is None else str(v)))
    return out


def _status(raw: Any) -> Optional[int]:
    if isinstance(raw, dict):
        raw = raw.get("code")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def _interactions(data: Any) -> Tuple[List[Any], Tuple[Any, ...]]:
    """The interaction list and its path, for vcrpy (v1 and old lists) and Ruby VCR layouts."""
    if isinstance(data, dict):
        for key in ("interactions", "http_interactions"):
            if isinstance(data.get(key), list):
                return data[key], (key,)
        keys = ", ".join(sorted(str(k) for k in data)[:5]) or "none"
        raise CassetteError(f"not a vcrpy cassette: no `interactions` list (top-level keys: {keys})")
    if isinstance(data, list) and all(isinstance(x, dict) and "request" in x for x in data):
        return data, ()
    kind = "empty" if data is None else type(data).__name__
    raise CassetteError(
        f"not a vcrpy cassette: the file holds a {kind} value, not a mapping with `interactions`"
    )


def _header_lines(lines: Dict[_Path, int]) -> Dict[_Path, Dict[str, int]]:
    """Interaction path -> {lower-cased request header -> line}, in one pass (not one pass per interaction)."""
    out: Dict[_Path, Dict[str, int]] = {}
    for k, line in lines.items():
        if len(k) >= 3 and k[-3:-1] == ("request", "headers"):
            out.setdefault(k[:-3], {})[str(k[-1]).lower()] = line
    return out


def _build(
    index: int,
    raw: Any,
    base: _Path,
    lines: Dict[_Path, int],
    header_lines: Optional[Dict[_Path, Dict[str, int]]] = None,
    budget: Optional[InflateBudget] = None,
) -> Interaction:
    p = base + (index,)
    req = raw.get("request") if isinstance(raw, dict) else None
    resp = raw.get("response") if isinstance(raw, dict) else None
    req = req if isinstance(req, dict) else {}
    resp = resp if isinstance(resp, dict) else {}
    req_headers = _headers(req.get("headers"))
    enc = next((v for k, v in req_headers if k.lower() == "content-encoding"), None)
    stored, body_key = recorded_body(req)
    body, problem = decode_body(stored, enc, budget)
    resp_headers = _headers(resp.get("headers"))
    resp_enc = next((v for k, v in resp_headers if k.lower() == "content-encoding"), None)
    resp_body, _ = decode_body(recorded_body(resp)[0], resp_enc, budget)
    if header_lines is None:
        header_lines = _header_lines(lines)
    return Interaction(
        index=index,
        line=lines.get(p, 0),
        method=str(req.get("method") or "").upper(),
        uri=str(req.get("uri") or req.get("url") or ""),
        request_headers=req_headers,
        request_body=body,
        request_body_problem=problem,
        request_body_line=lines.get(p + ("request", body_key), 0),
        status=_status(resp.get("status", resp.get("status_code"))),
        response_headers=resp_headers,
        response_body=resp_body,
        header_lines=dict(header_lines.get(p, {})),
    )


def load_cassette(path: str) -> Cassette:
    """Read one cassette; raises `CassetteError` with a one-line reason when it cannot be read."""
    try:
        st = os.stat(path)  # follows a symlink: its target is what would be read
        if not stat.S_ISREG(st.st_mode):
            what = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode) or \
                stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "a directory" if \
                stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise CassetteError(f"not a regular file ({what}{', through a symlink' if os.path.islink(path) else ''})"
                                ": never read")
        if st.st_size > MAX_CASSETTE_BYTES:
            raise CassetteError(f"file too large to lint ({st.st_size} bytes > {MAX_CASSETTE_BYTES})")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a file swapped for a FIFO never blocks
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise CassetteError("not a regular file: never read")
            raw = fh.read(MAX_CASSETTE_BYTES + 1)
        if len(raw) > MAX_CASSETTE_BYTES:
            raise CassetteError(f"file too large to lint (over {MAX_CASSETTE_BYTES} bytes)")
    except OSError as exc:
        raise CassetteError(f"cannot read the file ({exc.strerror or exc})") from None
    if b"\x00" in raw[:8192]:
        raise CassetteError("not a text file (binary data)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CassetteError(f"not UTF-8 text (byte {exc.start})") from None
    is_json = path.lower().endswith(".json") or text.lstrip()[:1] in ("{", "[")
    lines: Dict[_Path, int]
    try:
        if is_json:
            try:
                data = json.loads(text)
            except (ValueError, RecursionError) as exc:
                if path.lower().endswith(".json"):
                    lineno = getattr(exc, "lineno", 0)
                    raise CassetteError(f"invalid JSON ({getattr(exc, 'msg', exc)})", lineno) from None
                is_json = False
            else:
                lines = _json_lines(text)
        if not is_json:
            data, lines = _parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        lineno = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CassetteError(f"invalid YAML ({problem})", lineno) from None
    except RecursionError:
        raise CassetteError("nested too deeply to read") from None
    items, base = _interactions(data)
    by_interaction = _header_lines(lines)
    budget = InflateBudget()
    interactions = [_build(i, item, base, lines, by_interaction, budget) for i, item in enumerate(items)]
    return Cassette(path=path, format="json" if is_json else "yaml", text=text, interactions=interactions)
