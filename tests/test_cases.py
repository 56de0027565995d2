"""Request-body cases as data: ``tests/cases/valid/*.json`` and ``tests/cases/invalid/<code>/*.json``.

A case file is ``{"description", "endpoint"?, "headers"?, "body", "generate"?, "models"?, "violations",
"expect" | "near_miss_of"}``:

* ``violations`` (every case): the whole list the engine returns, in its order, as ``[code, path, severity]``
  triples; the case asserts exactly that list (an extra finding beside the case's cause fails it as surely as a
  missing one).  A valid case's list holds no error.
* ``expect`` (invalid cases): ``{"code", "path", "severity"}``, the cause the case documents.  With severity
  ``error`` (the default) it is the first error-severity violation.  With ``warning`` there is no error at all and
  it is the first warning.
* ``near_miss_of`` (valid cases): the cause this request almost triggers.
* ``headers``: omitted = a raw-HTTP default (``anthropic-version: 2023-06-01`` plus a placeholder key); ``null``
  = unknown headers.
* ``generate``: binary or large payloads made here before validating: ``[{"at": "messages.0.content.0.source.data",
  "kind": "png"|"jpeg"|"gif"|"webp"|"pdf"|"text", "width", "height", "pages", "bytes", "encrypted"}]``.
* ``{"$repeat": N, "item": X}`` inside a list stands for N copies of X (``generate`` paths may go through
  ``item``); with ``"$number": "key"`` each copy's ``key`` gets ``-1``, ``-2``, ... appended (unique ids).
* ``models``: model entries (``data/models.json`` format) laid over the built-in registry, for causes that only
  exist for models the built-in table no longer serves.
"""
from __future__ import annotations

import base64
import json
import re
import struct
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from pytest_claude_guard import Violation, load_registry, validate_request
from pytest_claude_guard._core._causes import DOCS_BASE, causes
from pytest_claude_guard._core._models import Registry, today_as

CASES = Path(__file__).parent / "cases"
DEFAULT_HEADERS: dict[str, str] = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-placeholder"}
# lifecycles are judged by date: the case verdicts are written for this day (claude-sonnet-4-5 deprecated, served)
CASE_TODAY = "2026-11-15"
CASE_KEYS = {"description", "endpoint", "headers", "body", "generate", "models", "expect", "near_miss_of",
             "violations"}
SEVERITIES = ("error", "warning")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?\}")


# --- payload generators (pure Python: struct + zlib) ------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_png(width: int, height: int, pad: int = 0) -> bytes:
    """A PNG with the given header size; the image data is one compressed empty row repeated (tiny)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    raw = zlib.compress(b"\x00" * min(width + 1, 1 << 16) * 1, 9)
    out = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", raw)
    if pad > 0:
        out += _png_chunk(b"tEXt", b"pad\x00" + b"a" * pad)
    return out + _png_chunk(b"IEND", b"")


def make_jpeg(width: int, height: int, pad: int = 0) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    body = b"\x00" * pad
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00" + body + b"\xff\xd9"


def make_gif(width: int, height: int, pad: int = 0) -> bytes:
    return b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0) + b"\x00" * pad + b";"


def make_webp(width: int, height: int, pad: int = 0) -> bytes:
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (
        height - 1
    ).to_bytes(3, "little")
    extra = b"JUNK" + struct.pack("<I", pad) + b"\x00" * pad if pad else b""
    payload = b"WEBP" + vp8x + extra
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def make_pdf(pages: int, encrypted: bool = False, pad: int = 0) -> bytes:
    """A small well-formed PDF with ``pages`` blank pages (and an /Encrypt entry when asked)."""
    objs: list[bytes] = []
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for _ in range(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>")
    if encrypted:
        objs.append(b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -44 /O <00> /U <00> >>")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + obj + b"\nendobj\n"
    if pad:
        out += b"%" + b"a" * pad + b"\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    trailer = f"<< /Size {len(objs) + 1} /Root 1 0 R"
    if encrypted:
        trailer += f" /Encrypt {len(objs)} 0 R /ID [<00> <00>]"
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


_PROSE = "The quick brown fox jumps over the lazy dog while the committee reviews quarterly results. "
_IMAGE_MAKERS = {"png": make_png, "jpeg": make_jpeg, "gif": make_gif, "webp": make_webp}


def generate(spec: dict[str, Any]) -> str:
    """The string a ``generate`` entry stands for: base64 image/PDF data, or plain text of ``bytes`` length."""
    kind = spec["kind"]
    size = int(spec.get("bytes", 0))
    if kind == "text":
        return (_PROSE * (size // len(_PROSE) + 1))[:size]
    if kind == "pdf":
        data = make_pdf(int(spec.get("pages", 1)), bool(spec.get("encrypted", False)))
    else:
        data = _IMAGE_MAKERS[kind](int(spec.get("width", 8)), int(spec.get("height", 8)))
    if size:  # pad so that the base64 text is at least ``bytes`` characters long
        missing = max(0, size * 3 // 4 - len(data) + 64)
        if kind == "pdf":
            data = make_pdf(int(spec.get("pages", 1)), bool(spec.get("encrypted", False)), pad=missing)
        else:
            data = _IMAGE_MAKERS[kind](int(spec.get("width", 8)), int(spec.get("height", 8)), missing)
    return base64.b64encode(data).decode("ascii")


def _set_at(body: Any, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = body
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _expand_repeat(body: Any) -> Any:
    """``{"$repeat": N, "item": X}`` inside a list expands to N copies of X (large, cheap fixtures)."""
    if isinstance(body, dict):
        return {k: _expand_repeat(v) for k, v in body.items()}
    if isinstance(body, list):
        out: list[Any] = []
        for item in body:
            if isinstance(item, dict) and set(item) - {"$number"} == {"$repeat", "item"}:
                copies = [_expand_repeat(item["item"]) for _ in range(int(item["$repeat"]))]
                key = item.get("$number")
                if key is not None:
                    for n, copy in enumerate(copies, start=1):
                        copy[key] = f"{copy[key]}-{n}"
                out.extend(copies)
            else:
                out.append(_expand_repeat(item))
        return out
    return body


# --- loading and running ----------------------------------------------------------------------------------

def case_files() -> list[Path]:
    """The hand-written cases (``valid/``, ``invalid/``); ``mined/`` is read by ``test_mined_cases.py``."""
    return sorted(p for p in CASES.rglob("*.json") if p.relative_to(CASES).parts[0] in ("valid", "invalid"))


def load_case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text("utf-8"))
    case["_path"] = path
    return case


def case_id(path: Path) -> str:
    return str(path.relative_to(CASES).with_suffix(""))


def _registry_for(case: dict[str, Any], tmp_dir: Path) -> Registry | None:
    models = case.get("models")
    if not models:
        return None
    target = tmp_dir / "models.json"
    target.write_text(json.dumps({"models": models}), "utf-8")
    return load_registry(target)


def case_body(case: dict[str, Any], expand: bool = True) -> Any:
    """The body a case describes: a copy, its generated payloads set, and (``expand``) each ``$repeat`` expanded."""
    body = json.loads(json.dumps(case["body"]))
    for spec in case.get("generate") or []:  # before expansion: a repeated item carries its payload
        _set_at(body, spec["at"], generate(spec))
    return _expand_repeat(body) if expand else body


def run_case(case: dict[str, Any], tmp_dir: Path) -> list[Violation]:
    """Build the request a case describes and validate it."""
    body = case_body(case)
    headers = case.get("headers", DEFAULT_HEADERS)
    endpoint = case.get("endpoint", "/v1/messages")
    with today_as(CASE_TODAY):
        return validate_request(body, headers=headers, endpoint=endpoint, registry=_registry_for(case, tmp_dir))


def describe(found: list[Violation]) -> str:
    return "\n".join(f"  {v.severity}: {v.code} at {v.path!r}: {v.message[:160]}" for v in found) or "  (none)"


def listed(found: list[Violation] | tuple[Violation, ...]) -> list[list[str]]:
    """Violations as a case file's ``violations`` list: ``[code, path, severity]`` in the engine's order."""
    return [[v.code, v.path, v.severity] for v in found]


@lru_cache(maxsize=None)
def judged(path: Path) -> tuple[Violation, ...]:
    """The engine's verdict on one case file, computed once per process: the case test, the golden texts and the
    message hygiene checks all read this one run of the table."""
    with tempfile.TemporaryDirectory() as tmp:
        return tuple(run_case(load_case(path), Path(tmp)))


def check_invalid(case: dict[str, Any], found: list[Violation]) -> None:
    expect = case["expect"]
    severity = expect.get("severity", "error")
    errors = [v for v in found if v.severity == "error"]
    if severity == "warning":
        assert not errors, f"expected only warnings, got errors:\n{describe(found)}"
        pool = [v for v in found if v.severity == "warning"]
    else:
        pool = errors
    assert pool, f"expected {expect['code']} ({severity}) at {expect['path']!r}, got:\n{describe(found)}"
    first = pool[0]
    assert (first.code, first.path) == (expect["code"], expect["path"]), (
        f"expected {expect['code']} at {expect['path']!r} first, got:\n{describe(found)}"
    )


def check_valid(case: dict[str, Any], found: list[Violation]) -> None:
    errors = [v for v in found if v.severity == "error"]
    assert not errors, f"a valid request got errors (a false alarm):\n{describe(found)}"


def check_listed(case: dict[str, Any], found: list[Violation]) -> None:
    """The engine returns exactly the case's ``violations``, in order."""
    assert listed(found) == case["violations"], (
        f"the case lists {json.dumps(case['violations'])}; the engine returned:\n{describe(found)}\n"
        f"as a list: {json.dumps(listed(found))}"
    )


def check_wording(found: list[Violation]) -> None:
    """What a user reads is complete: message, fix and api_message fully formatted, a fix and the code's anchor."""
    for v in found:
        for field in ("message", "fix", "api_message"):
            text = getattr(v, field) or ""
            assert not PLACEHOLDER.search(text), f"{v.code}.{field} has an unformatted placeholder: {text[:200]}"
        assert v.code in causes(), f"{v.code}: not in the cause catalog"
        assert v.fix.strip(), f"{v.code}: empty fix"
        assert v.docs == DOCS_BASE + v.code, f"{v.code}: docs {v.docs!r} is not the anchor {DOCS_BASE + v.code!r}"


# A block's fields the API's own checks name without the block's tag: "messages.47.content.0.type: Expected
# `thinking`..." (anthropics/claude-code#20705), "messages.0.content.4.cache_control.ttl: a ttl='1h'..."
# (cnighswonger/claude-code-cache-fix#44).  Any other field of a content block follows the block's type tag.
UNTAGGED_FIELDS = ("type", "cache_control")
# The API's tag for a PDF document where its page limit names it: "messages.1.content.22.pdf.source.base64.data:
# A maximum of 600 PDF pages may be provided" (quoted in public tests; Bedrock: "...content.1.pdf.source...").
TAG_ALIASES = {"document": ("pdf",)}


def path_style_problem(body: Any, path: str) -> str | None:
    """Why ``path`` is not in the API's style for ``body`` (see tests/test_paths.py), or None.  Inside a message's
    content block the next name is the block's type tag (``...content.0.tool_use.input``), and a tool_result's
    blocks are at ``tool_result.content.K``.  Places the body does not hold (a generated payload) are not judged."""
    parts = path.split(".")
    if parts[:1] == ["requests"] and len(parts) > 3 and parts[2] == "params" and parts[1].isdigit():
        items = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(items, list) or int(parts[1]) >= len(items) or not isinstance(items[int(parts[1])], dict):
            return None
        body, parts = items[int(parts[1])].get("params"), parts[3:]
    if len(parts) < 4 or parts[0] != "messages" or parts[2] != "content" or not (parts[1] + parts[3]).isdigit():
        return None
    messages = body.get("messages") if isinstance(body, dict) else None
    try:
        block = messages[int(parts[1])]["content"][int(parts[3])]  # type: ignore[index]
    except (IndexError, KeyError, TypeError):
        return None
    k = 4
    while k < len(parts) and isinstance(block, dict):
        tag, name = block.get("type"), parts[k]
        if name != tag and name not in TAG_ALIASES.get(str(tag), ()):
            if name in UNTAGGED_FIELDS or not isinstance(tag, str):
                return None
            return f"{path}: {'.'.join(parts[:k])} is a {tag!r} block, so its fields follow {tag!r}, not {name!r}"
        if tag != "tool_result" or parts[k + 1:k + 2] != ["content"] or k + 2 >= len(parts):
            return None
        inner = block.get("content")
        index = parts[k + 2]
        if not index.isdigit() or not isinstance(inner, list) or int(index) >= len(inner):
            return None
        block, k = inner[int(index)], k + 3
    return None


def check_path_style(case: dict[str, Any], found: list[Violation]) -> None:
    body = _expand_repeat(json.loads(json.dumps(case["body"])))
    problems = [p for p in (path_style_problem(body, v.path) for v in found) if p]
    assert not problems, "paths not in the API's style:\n" + "\n".join(problems)


ALL = case_files()


@pytest.mark.parametrize("path", ALL, ids=[case_id(p) for p in ALL])
def test_case(path: Path) -> None:
    """Each case file gets exactly the verdict it documents: its whole list of violations, its cause first, every
    path in the API's style, and every message fully formatted with a fix and a docs anchor."""
    case = load_case(path)
    found = list(judged(path))
    if path.relative_to(CASES).parts[0] == "invalid":
        check_invalid(case, found)
    else:
        check_valid(case, found)
    check_listed(case, found)
    check_wording(found)
    check_path_style(case, found)


@pytest.mark.parametrize("path", ALL, ids=[case_id(p) for p in ALL])
def test_case_file_is_well_formed(path: Path) -> None:
    """Case files use only the documented keys, list their violations, and their kind matches their folder."""
    case = load_case(path)
    rel = path.relative_to(CASES).parts
    assert set(case) - {"_path"} <= CASE_KEYS, set(case) - CASE_KEYS - {"_path"}
    assert isinstance(case.get("description"), str) and case["description"].strip()
    assert "body" in case
    listed_ = case.get("violations")
    assert isinstance(listed_, list), "a case lists the violations it produces (an empty list when none)"
    for entry in listed_:
        assert isinstance(entry, list) and len(entry) == 3 and all(isinstance(x, str) for x in entry), entry
        assert entry[0] in causes() and entry[2] in SEVERITIES, entry
    if rel[0] == "invalid":
        assert len(rel) == 3 and "expect" in case and "near_miss_of" not in case
        assert case["expect"]["code"] == rel[1], "an invalid case lives in the folder named for its code"
        assert case["expect"].get("severity", "error") in SEVERITIES
        expect = [case["expect"]["code"], case["expect"]["path"], case["expect"].get("severity", "error")]
        assert expect in listed_, "the case's own cause is among its violations"
    else:
        assert rel[0] == "valid" and len(rel) == 2 and "expect" not in case
        assert isinstance(case.get("near_miss_of"), str)
        assert all(entry[2] == "warning" for entry in listed_), "a valid case lists warnings only"


def test_cases_exist() -> None:
    """The case folders are not empty (a wrong path would make every table test vacuous)."""
    assert any(p.relative_to(CASES).parts[0] == "valid" for p in ALL)
    assert any(p.relative_to(CASES).parts[0] == "invalid" for p in ALL)


def test_some_cases_list_more_than_their_cause() -> None:
    """The table covers requests with several findings (the whole-list assertion is not vacuous)."""
    several = [case_id(p) for p in ALL if len(load_case(p)["violations"]) > 1]
    assert len(several) >= 5, several


def test_the_same_finding_twice_is_reported_once() -> None:
    """The engine's last step keeps one of two identical findings (no rule in the table relies on it: each case's
    whole list is asserted, so a rule reporting a finding twice shows there)."""
    from pytest_claude_guard._core import _engine
    from pytest_claude_guard._core._causes import make_violation

    first = make_violation("tool_use_id_duplicate", "messages.1.content.1", id="toolu_1")
    again = make_violation("tool_use_id_duplicate", "messages.1.content.1", id="toolu_1")
    other = make_violation("tool_use_id_duplicate", "messages.3.content.0", id="toolu_1")
    assert _engine._finish([first, again, other]) == [first, other]


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("messages.2.content.0.tool_result.content.1", False),
        ("messages.2.content.0.content.1", True),
        ("messages.1.content.0.tool_use.input", False),
        ("messages.1.content.0.input", True),
        ("messages.1.content.0.type", False),
        ("messages.1.content.0.cache_control.ttl", False),
        ("requests.0.params.messages.2.content.0.content.1", True),
        ("system.0.cache_control.ttl", False),
    ],
)
def test_path_style_check(path: str, problem: bool) -> None:
    """The style check of the case table tells the API's tagged paths from plain ones."""
    use = {"type": "tool_use", "id": "toolu_1", "name": "t", "input": {}}
    nested = {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "a"}] * 2}
    params = {"messages": [{"role": "user", "content": "Go"}, {"role": "assistant", "content": [use]},
                           {"role": "user", "content": [nested]}]}
    body = {**params, "requests": [{"custom_id": "a", "params": params}]}
    assert (path_style_problem(body, path) is not None) is problem


def test_expand_repeat_numbers_the_copies() -> None:
    """``$number`` makes each repeated item's key unique (a batch of copies without duplicate custom_ids)."""
    body = {"requests": [{"$repeat": 3, "item": {"custom_id": "doc", "params": {}}, "$number": "custom_id"}]}
    assert [r["custom_id"] for r in _expand_repeat(body)["requests"]] == ["doc-1", "doc-2", "doc-3"]


@pytest.mark.parametrize(
    ("kind", "magic"),
    [("png", b"\x89PNG"), ("jpeg", b"\xff\xd8"), ("gif", b"GIF89a"), ("webp", b"RIFF"), ("pdf", b"%PDF-")],
)
def test_generators_make_real_signatures(kind: str, magic: bytes) -> None:
    """Generated payloads start with the file signature of their kind and honour ``bytes``."""
    text = generate({"kind": kind, "width": 10, "height": 20, "pages": 2, "bytes": 5000})
    data = base64.b64decode(text)
    assert data.startswith(magic)
    assert len(text) >= 5000


def test_png_generator_header_dimensions() -> None:
    """The PNG header carries the requested width and height."""
    data = make_png(3000, 1200)
    assert struct.unpack(">II", data[16:24]) == (3000, 1200)


def test_pdf_generator_page_count() -> None:
    """The PDF page tree counts the requested pages."""
    data = make_pdf(7)
    assert b"/Count 7" in data and data.count(b"/Type /Page ") == 7
