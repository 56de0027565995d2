"""Reading cassettes: every body encoding, both formats, lines, paths, and bad input as one-line errors."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any, Dict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_claude_guard._cassettes import reader as _cassettes
from pytest_claude_guard._cassettes.reader import CassetteError, decode_body, expand_paths, load_cassette
from pytest_claude_guard._cassettes.lint import lint_paths

from shared_support import shared_path

from .conftest import CORPUS, VALID_BODY, WriteCassette, b64, gzip_bytes, interaction

BODY_TEXT = json.dumps(VALID_BODY)


@pytest.mark.parametrize(
    ("stored", "encoding"),
    [
        pytest.param(BODY_TEXT, None, id="str"),
        pytest.param(BODY_TEXT.encode(), None, id="bytes"),
        pytest.param(b64(BODY_TEXT.encode()), None, id="base64"),
        pytest.param(gzip_bytes(BODY_TEXT), None, id="gzip"),
        pytest.param(b64(gzip_bytes(BODY_TEXT)), None, id="base64-gzip"),
        pytest.param(gzip_bytes(BODY_TEXT).decode("latin-1"), None, id="gzip-as-latin1-str"),
        pytest.param(zlib.compress(BODY_TEXT.encode()), "deflate", id="deflate"),
        pytest.param({"string": BODY_TEXT}, None, id="vcrpy-response-dict"),
        pytest.param(
            {"encoding": "UTF-8", "base64_string": b64(BODY_TEXT.encode())}, None, id="ruby-vcr-base64"
        ),
        pytest.param([BODY_TEXT[:10].encode(), BODY_TEXT[10:].encode()], None, id="chunks"),
    ],
)
def test_decode_body_every_encoding(stored: Any, encoding: str) -> None:
    """Bodies stored as str, bytes, base64, gzip, deflate or chunks all come back as the same text."""
    assert decode_body(stored, encoding) == (BODY_TEXT, None)


@pytest.mark.parametrize(
    ("stored", "encoding", "problem"),
    [
        pytest.param(
            b"\xff\xfe\x00garbage",
            None,
            "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
            id="binary",
        ),
        pytest.param(
            b"\x8b\x00brotli", "br", "a br-compressed body (not decoded by claude-guard)", id="brotli"
        ),
        pytest.param(b"\x1f\x8b\x08\x00broken", None, "truncated compressed body", id="truncated-gzip"),
        pytest.param(
            gzip_bytes("x")[:10] + b"\xff" * 20,
            None,
            "Error -3 while decompressing data: invalid block type",
            id="bad-gzip",
        ),
        pytest.param(object(), None, "a body of type object", id="object"),
    ],
)
def test_decode_body_problems_are_one_line(stored: Any, encoding: str, problem: str) -> None:
    """A body that cannot be decoded gives a one-line reason instead of an exception."""
    assert decode_body(stored, encoding) == (None, problem)


@pytest.mark.parametrize("name", ["c.yaml", "c.json"])
@pytest.mark.parametrize("stored", [BODY_TEXT, b64(gzip_bytes(BODY_TEXT))], ids=["str", "base64-gzip"])
def test_yaml_and_json_cassettes_read_alike(write_cassette: WriteCassette, name: str, stored: str) -> None:
    """The same interactions written as YAML or JSON read back the same, with lines."""
    path = write_cassette(
        [interaction(stored, response=json.dumps({"ok": 1})), interaction(stored, status=400, response="x")],
        name,
    )
    c = load_cassette(str(path))
    assert c.format == name.split(".")[1]
    assert [(i.index, i.method, i.status, i.request_body) for i in c.interactions] == [
        (0, "POST", 200, BODY_TEXT),
        (1, "POST", 400, BODY_TEXT),
    ]
    lines = c.text.splitlines()
    for it in c.interactions:
        assert it.line > 0 and it.body_line >= it.line
        assert "body" in lines[it.body_line - 1]
        assert "anthropic-version" in lines[it.header_lines["anthropic-version"] - 1]


def test_yaml_binary_bodies(write_cassette: WriteCassette) -> None:
    """Bytes bodies (written by YAML as !!binary), gzip included, are decoded."""
    path = write_cassette([interaction(gzip_bytes(BODY_TEXT), response=gzip_bytes({"id": "msg"}))])
    assert "!!binary" in path.read_text()
    it = load_cassette(str(path)).interactions[0]
    assert (it.request_body, it.response_body) == (BODY_TEXT, '{"id": "msg"}')


def test_python_tags_are_read_safely(tmp_path: Path) -> None:
    """vcrpy's benign Python tags load; a dangerous tag is read as plain data, never executed."""
    path = tmp_path / "tags.yaml"
    path.write_text(
        "interactions:\n"
        "- request:\n"
        "    body: !!python/object/new:_io.BytesIO\n"
        "      state: !!python/tuple\n"
        "      - !!binary eyJhIjogMX0=\n"
        "      - 0\n"
        "      - null\n"
        "    headers: {}\n"
        "    method: !!python/str POST\n"
        "    uri: !!python/object/apply:os.system ['echo pwned > " + str(tmp_path / "pwned") + "']\n"
        "  response: {status: {code: 200}}\n"
    )
    it = load_cassette(str(path)).interactions[0]
    assert (it.request_body, it.method) == ('{"a": 1}', "POST")
    assert not (tmp_path / "pwned").exists()


def test_ruby_vcr_layout(tmp_path: Path) -> None:
    """Ruby VCR's http_interactions layout is read too."""
    path = tmp_path / "ruby.yml"
    path.write_text(
        "---\nhttp_interactions:\n- request:\n    method: post\n    uri: https://api.anthropic.com/v1/messages\n"
        f"    body:\n      encoding: UTF-8\n      string: '{BODY_TEXT}'\n    headers:\n      Anthropic-Version:\n"
        "      - '2023-06-01'\n  response:\n    status:\n      code: 200\n      message: OK\n"
        "    body:\n      encoding: ASCII-8BIT\n      base64_string: |\n        e30=\n"
        "recorded_with: VCR 6.2.0\n"
    )
    it = load_cassette(str(path)).interactions[0]
    assert (it.method, it.status, it.request_body, it.response_body) == ("POST", 200, BODY_TEXT, "{}")
    assert it.header("anthropic-version") == "2023-06-01"


def test_real_corpus_cassettes_all_read() -> None:
    """The 16 real cassettes load: 22 interactions, JSON request bodies, gzip responses decoded."""
    files, missing = expand_paths([str(shared_path(*CORPUS))])
    assert (len(files), missing) == (16, [])
    interactions = [it for f in files for it in load_cassette(f).interactions]
    assert len(interactions) == 22
    for it in interactions:
        assert isinstance(json.loads(it.request_body or ""), dict)
        assert it.response_body and it.response_body.lstrip()[:1] in ("{", "e")  # JSON or an event stream


def test_expand_paths_file_folder_glob(tmp_path: Path) -> None:
    """A file, a folder (recursive, cassette suffixes only) and a glob; unmatched arguments are returned."""
    for rel in ("a.yaml", "sub/b.yml", "sub/c.json", "sub/notes.txt", ".hidden/d.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    files, missing = expand_paths(
        [
            str(tmp_path / "a.yaml"),
            str(tmp_path),
            str(tmp_path / "sub" / "*.json"),
            str(tmp_path / "nope*"),
            "gone",
        ]
    )
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == ["a.yaml", "sub/b.yml", "sub/c.json"]
    assert missing == [str(tmp_path / "nope*"), "gone"]


UNREADABLE: Dict[str, Any] = {
    "bad.yaml": (
        "interactions:\n- request:\n    body: 'unterminated\n",
        "invalid YAML (found unexpected end of stream)",
        4,
    ),
    "bad.json": ('{"interactions": [', "invalid JSON (Expecting value)", 1),
    "binary.yaml": (b"\x00\x01\x02garbage", "not a text file (binary data)", 0),
    "latin1.yaml": (b"interactions: caf\xe9", "not UTF-8 text (byte 17)", 0),
    "empty.yaml": (
        "",
        "not a vcrpy cassette: the file holds a empty value, not a mapping with `interactions`",
        0,
    ),
    "scalar.yaml": (
        "hello",
        "not a vcrpy cassette: the file holds a str value, not a mapping with `interactions`",
        0,
    ),
    "mapping.json": (
        '{"log": {"entries": []}}',
        "not a vcrpy cassette: no `interactions` list (top-level keys: log)",
        0,
    ),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_files_raise_one_line(tmp_path: Path, name: str) -> None:
    """Broken, binary, foreign-shaped files give a one-line reason (and the line when known)."""
    content, reason, line = UNREADABLE[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CassetteError) as info:
        load_cassette(str(path))
    assert (str(info.value), info.value.line) == (reason, line)


def test_huge_file_is_refused_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files over the size limit are reported, not parsed."""
    monkeypatch.setattr(_cassettes, "MAX_CASSETTE_BYTES", 10)
    path = tmp_path / "big.yaml"
    path.write_text("interactions: []\n" * 2)
    with pytest.raises(CassetteError, match=r"^file too large to lint \(34 bytes > 10\)$"):
        load_cassette(str(path))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_lint_never_crashes_on_garbage(tmp_path: Path, data: bytes) -> None:
    """Any bytes in a cassette file give findings, never an exception."""
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    result = lint_paths([str(path)])
    assert result.files == 1
    assert all("\n" not in f.message for f in result.findings)


SHARED_ANCHORS = (  # what yaml.dump (vcrpy) writes when two interactions share one headers object
    "interactions:\n"
    "- request:\n"
    "    body: '{}'\n"
    "    headers: &id001\n"
    "      anthropic-version: ['2023-06-01']\n"
    "    method: POST\n"
    "    uri: https://api.anthropic.com/v1/messages\n"
    "  response: {status: {code: 200}, headers: *id001}\n"
    "- request: {body: '{}', headers: *id001, method: POST, uri: 'https://api.anthropic.com/v1/messages'}\n"
    "  response: {status: {code: 200}, headers: *id001}\n"
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param(SHARED_ANCHORS, None, id="vcrpy-anchors-read"),
        pytest.param(
            "a: &a [x, x, x, x, x, x, x, x]\n"
            + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 8)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
            + "interactions: [{request: {body: *i}}]\n",
            "YAML aliases expand the file past 33554432 nodes and characters (an alias bomb?): not read",
            id="alias-bomb-refused",
        ),
        pytest.param(
            "interactions: &loop [{request: {body: *loop}}]\n",
            "a YAML alias refers to a node that holds it (a recursive structure): not read",
            id="recursive-alias-refused",
        ),
    ],
)
def test_yaml_alias_expansion_is_counted(tmp_path: Path, text: str, reason: Any) -> None:
    """Aliases are read as vcrpy writes them; an expansion past the limit or a node holding itself is refused
    before anything is built."""
    path = tmp_path / "c.yaml"
    path.write_text(text)
    if reason is None:
        assert [it.header("anthropic-version") for it in load_cassette(str(path)).interactions] == ["2023-06-01"] * 2
    else:
        with pytest.raises(CassetteError) as info:
            load_cassette(str(path))
        assert str(info.value) == reason


def test_inflate_budget_is_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies that each fit the per-body cap still stop at the file's cap, and a refused body spends it."""
    monkeypatch.setattr(_cassettes, "MAX_BODY_BYTES", 800)
    budget = _cassettes.InflateBudget(1000)
    small = gzip_bytes("{" + " " * 700 + "}")
    assert decode_body(small, budget=budget)[1] is None
    assert decode_body(small, budget=budget) == (
        None, "the cassette's decompressed bodies exceed 0 MB in all (a compression bomb?): not decompressed"
    )
    assert budget.left == 0
    assert decode_body(gzip_bytes("{}"), budget=budget)[0] is None  # spent: nothing more is inflated


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="POSIX FIFOs")
def test_special_files_are_refused_unopened(tmp_path: Path) -> None:
    """A FIFO (opening it would block forever) and a symlink to a device are refused by their kind."""
    import os

    os.mkfifo(tmp_path / "p.yaml")
    (tmp_path / "z.yaml").symlink_to("/dev/zero")
    with pytest.raises(CassetteError, match=r"^not a regular file \(a FIFO\): never read$"):
        load_cassette(str(tmp_path / "p.yaml"))
    with pytest.raises(CassetteError, match=r"^not a regular file \(a device, through a symlink\): never read$"):
        load_cassette(str(tmp_path / "z.yaml"))


def test_paths_are_deduplicated_on_their_target(tmp_path: Path) -> None:
    """One file reached by a symlink loop, a second name and a glob is listed once."""
    (tmp_path / "c.yaml").write_text("interactions: []\n")
    (tmp_path / "loop").symlink_to(".", target_is_directory=True)
    (tmp_path / "alias.yaml").symlink_to(tmp_path / "c.yaml")
    files, missing = expand_paths([str(tmp_path / "**" / "*.yaml"), str(tmp_path / "c.yaml"), str(tmp_path)])
    assert (len(files), missing) == (1, [])
