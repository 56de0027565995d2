"""Hostile input never hurts: every case finishes in under 2 s and 512 MB with a clear message, never a traceback.

Each case runs in a child process (its peak memory is its own ``ru_maxrss``; an address-space limit keeps a
regression from taking the machine down) and reports what it found.  The corpus is built here, in memory:
PDF object-stream and slice bombs, an /Encrypt flood, lone surrogates, NaN and repeated keys, a cassette of many
interactions, a YAML alias bomb, gzip bombs, a FIFO, a symlink to /dev/zero, a ``**`` glob over a symlink loop.
No network.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import hostile_support as H

# a bound against hangs and blow-ups (quadratic reads, bombs), not a speed target (benchmarks/ holds those): the
# child's CPU time, which a loaded machine barely changes
SECONDS = 10.0
PEAK_MB = 512
ADDRESS_SPACE = 3 << 30  # a runaway child dies of MemoryError instead of swapping the machine
HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only (FIFOs, rlimits)")

# The child: limits itself, loads everything first, then times only the call under test.
_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    try:
        resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    except (ValueError, OSError):  # not settable here (macOS): the peak is still measured
        pass
    from pytest_claude_guard._core._engine import preload
    from pytest_claude_guard import _cli, validate_request
    preload(sdk=False)
    mode, stats_path = sys.argv[1], sys.argv[2]
    start = time.process_time()
    if mode == "engine":
        endpoint, body_path = sys.argv[3], sys.argv[4]
        with open(body_path, "rb") as fh:
            body = fh.read()
        start = time.process_time()
        found = validate_request(body, headers={headers}, endpoint=endpoint)
        result = [[v.code, v.severity, v.message] for v in found]
    else:
        result = _cli.main(sys.argv[3:])
    seconds = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    with open(stats_path, "w") as fh:
        json.dump({{"seconds": seconds, "peak_mb": peak, "result": result}}, fh)
    """
).format(limit=ADDRESS_SPACE, headers=HEADERS)


def _child(tmp_path: Path, *args: str, timeout: float = 60) -> Tuple[Dict[str, Any], str, str]:
    stats = tmp_path / "stats.json"
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, args[0], str(stats), *args[1:]],
        capture_output=True,
        text=True,
        timeout=timeout,  # a hang (a FIFO opened for reading) fails the test here
        cwd=tmp_path,
    )
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr[-3000:]
    assert stats.exists(), f"the child died (exit {proc.returncode}): {proc.stderr[-2000:]}"
    data = json.loads(stats.read_text())
    assert data["seconds"] < SECONDS, f"took {data['seconds']:.2f} s"
    assert data["peak_mb"] < PEAK_MB, f"peak {data['peak_mb']:.0f} MB"
    return data, proc.stdout, proc.stderr


def _engine(tmp_path: Path, body: Any, endpoint: str = "/v1/messages") -> List[List[str]]:
    path = tmp_path / "body.json"
    path.write_bytes(body if isinstance(body, bytes) else json.dumps(body).encode("utf-8"))
    data, _, _ = _child(tmp_path, "engine", endpoint, str(path))
    return data["result"]  # type: ignore[no-any-return]


# --- media: one budget per request ---------------------------------------------------------------------

PDF_BOMBS = {
    "objstm_bomb": (H.objstm_bomb(),),
    "two_objstm_bombs": (H.objstm_bomb(), H.objstm_bomb()),
    "slice_bomb": (H.slice_bomb(),),
    "two_slice_bombs": (H.slice_bomb(), H.slice_bomb()),
    "three_streams_in_one": (H.objstm_bomb(streams=3),),
}


@pytest.mark.parametrize("pdfs", list(PDF_BOMBS.values()), ids=list(PDF_BOMBS))
def test_pdf_bombs_stop_at_the_request_budget(tmp_path: Path, pdfs: Tuple[bytes, ...]) -> None:
    """A decompression or slice bomb (87-700 KB sent) stops at the request's budget with a warning per document;
    a second bomb finds the budget spent instead of starting over."""
    found = _engine(tmp_path, H.pdf_request(*pdfs))
    warned = [m for code, sev, m in found if code == "pdf_encrypted_or_invalid" and sev == "warning"]
    assert len(warned) == len(pdfs), found
    assert all("was not fully inspected: claude-guard stopped reading it because" in m for m in warned)
    if len(pdfs) > 1:
        assert "the request's media budget was spent before it" in warned[1]


def test_encrypt_marker_flood_is_linear(tmp_path: Path) -> None:
    """300,000 ``/Encrypt <<`` markers before the trailer (each used to copy the 4 KB before it: 5 s) are one
    pass; not after a trailer, they are not encryption."""
    found = _engine(tmp_path, H.pdf_request(H.encrypt_marker_flood()))
    assert not [c for c, _, _ in found if c.startswith("pdf")], found


# --- JSON: what a strict parser refuses -------------------------------------------------------------------

BODY = b'{"model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]'
SURROGATES = {
    "model": b'{"model": "\\ud800", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}',
    "system": BODY + b', "system": "ok \\udc80"}',
    "tool_name": BODY + b', "tools": [{"name": "t\\ud83d", "input_schema": {"type": "object"}}]}',
}


@pytest.mark.parametrize("body", list(SURROGATES.values()), ids=list(SURROGATES))
def test_lone_surrogates_are_invalid_json(tmp_path: Path, body: bytes) -> None:
    """A lone surrogate escape anywhere: the API's 400 "no low surrogate in string", and no surrogate in any
    message (it would break the report, xdist and the CLI output)."""
    found = _engine(tmp_path, body)
    assert [(c, s) for c, s, _ in found] == [("invalid_json", "error")]
    assert "lone" in found[0][2] and "surrogate" in found[0][2]
    found[0][2].encode("utf-8")  # printable everywhere


def test_lone_surrogate_in_a_batch_custom_id(tmp_path: Path) -> None:
    """A batch whose custom_id holds a lone surrogate is refused as a whole, like any other request."""
    body = (b'{"requests": [{"custom_id": "\\ud800", "params": {"model": "claude-sonnet-4-6", "max_tokens": 5, '
            b'"messages": [{"role": "user", "content": "hi"}]}}]}')
    found = _engine(tmp_path, body, "/v1/messages/batches")
    assert [(c, s) for c, s, _ in found] == [("invalid_json", "error")]


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        (b', "temperature": NaN}', "it holds NaN, which JSON does not allow"),
        (b', "top_p": -Infinity, "temperature": Infinity}', "it holds -Infinity, Infinity, which JSON does not"),
        (b', "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "x"}]}',
         "an object repeats the key 'messages'"),
    ],
    ids=["nan", "infinity", "duplicate_key"],
)
def test_lax_json_warns(tmp_path: Path, tail: bytes, expected: str) -> None:
    """NaN/Infinity and repeated keys parse in Python but not (or not surely the same way) in the API."""
    found = _engine(tmp_path, BODY + tail)
    warned = [m for c, s, m in found if c == "invalid_json" and s == "warning"]
    assert len(warned) == 1 and expected in warned[0], found


# --- cassettes ------------------------------------------------------------------------------------------


def _lint(tmp_path: Path, *args: str) -> Tuple[Dict[str, Any], str, str]:
    return _child(tmp_path, "cli", "lint-cassettes", *args)


def test_many_interactions_are_linear(tmp_path: Path) -> None:
    """Reading is linear in interactions (header lines were looked up by a scan of every line per interaction:
    8,000 interactions took 97 s)."""
    small, big = tmp_path / "small", tmp_path / "big"
    small.mkdir()
    big.mkdir()
    (small / "c.yaml").write_text(H.cassette_yaml(300))
    (big / "c.yaml").write_text(H.cassette_yaml(1200))
    few, out, _ = _lint(small, "c.yaml")
    assert few["result"] == 0 and "300 interaction(s), 300 Messages request(s)" in out
    stats = tmp_path / "stats_big.json"
    proc = subprocess.run([sys.executable, "-c", _CHILD, "cli", str(stats), "lint-cassettes", "c.yaml"],
                          capture_output=True, text=True, timeout=120, cwd=big)
    many = json.loads(stats.read_text())
    assert many["result"] == 0 and "1200 interaction(s)" in proc.stdout
    assert many["seconds"] < 7 * few["seconds"] + 1.0, (few["seconds"], many["seconds"])  # linear 4x; was 13x


def test_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    """A 1 KB billion laughs used as a parsed body is refused before it is expanded (was 4.8 GB)."""
    (tmp_path / "laughs.yaml").write_text(H.alias_bomb_yaml())
    data, out, _ = _lint(tmp_path, "laughs.yaml")
    assert data["result"] == 3
    assert "laughs.yaml: cassette_unreadable [warning]: YAML aliases expand the file past" in out
    assert "(an alias bomb?): not read" in out


def test_gzip_bombs_share_one_cap_per_file(tmp_path: Path) -> None:
    """60 gzip bombs of 60 MB each: the first spends the file's 32 MB cap, the rest find it spent (was 4 GB)."""
    (tmp_path / "gz.yaml").write_text(H.gzip_bomb_yaml())
    data, out, _ = _lint(tmp_path, "gz.yaml")
    assert data["result"] == 3
    assert ("interaction 0: cassette_unreadable [warning]: request body not checked: decompressed body exceeds "
            "32 MB (a compression bomb?)") in out
    assert "interaction 59: cassette_unreadable [warning]: request body not checked: the cassette's " \
           "decompressed bodies exceed 32 MB in all (a compression bomb?): not decompressed" in out


def test_fifo_and_device_are_reported_not_read(tmp_path: Path) -> None:
    """A FIFO in a folder (a read that never ends) and a symlink to /dev/zero (a read until MemoryError) are
    reported with the reason, exit 3, never opened."""
    folder = tmp_path / "cassettes"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "ok.yaml").write_text(H.cassette_yaml(1))
    data, out, _ = _lint(tmp_path, "cassettes")
    assert data["result"] == 3
    assert "cassettes/pipe.yaml: cassette_unreadable [warning]: not a regular file (a FIFO): never read" in out
    assert ("cassettes/zero.yaml: cassette_unreadable [warning]: not a regular file (a device, through a "
            "symlink): never read") in out
    assert "3 cassette(s), 1 interaction(s)" in out


def test_symlink_loop_reports_each_file_once(tmp_path: Path) -> None:
    """A ``**`` glob through a symlink loop reaches one file by many names: it is read and reported once."""
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "loop").symlink_to(".", target_is_directory=True)
    key = "sk-ant-api03-" + secrets.token_urlsafe(120)[:93] + "AA"
    (folder / "k.yaml").write_text(H.cassette_yaml(1).replace("anthropic-version: ['2023-06-01']",
                                                              f"x-api-key: ['{key}']"))
    data, out, _ = _lint(tmp_path, "c/**/*.yaml")
    assert data["result"] == 1
    assert out.count("secret_in_cassette") == 1, out
    assert "1 cassette(s)" in out


# --- claude-guard check ------------------------------------------------------------------------------------


def _check(tmp_path: Path, *args: str) -> Tuple[Dict[str, Any], str, str]:
    return _child(tmp_path, "cli", "check", *args)


def test_check_refuses_fifo_and_device_inputs(tmp_path: Path) -> None:
    """``check`` on a FIFO or /dev/zero: "could not read input" (exit 2) with the reason, never a hang."""
    os.mkfifo(tmp_path / "pipe.json")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    data, _, err = _check(tmp_path, "pipe.json", "zero.json")
    assert data["result"] == 2
    assert "pipe.json: not a regular file (a FIFO, device or socket is never read)" in err
    assert "zero.json: not a regular file" in err
    assert "2 input(s) could not be read and were not checked" in err


def test_check_lone_surrogate_is_a_violation_not_a_crash(tmp_path: Path) -> None:
    """A lone surrogate in ``model``: exit 1 with an invalid_json line (it crashed with exit 1 before, the same
    code as "violations found"); in --format json too."""
    (tmp_path / "req.json").write_bytes(SURROGATES["model"])
    data, out, _ = _check(tmp_path, "req.json")
    assert data["result"] == 1
    assert "req.json: (body): invalid_json: the body is not valid JSON: a lone high surrogate \\ud800" in out
    data, out, _ = _check(tmp_path, "--format", "json", "req.json")
    assert data["result"] == 1 and json.loads(out)[0]["code"] == "invalid_json"


# --- the pytest plugin under xdist ---------------------------------------------------------------------------


def test_surrogate_request_under_xdist_reports(pytester: pytest.Pytester) -> None:
    """A request holding a lone surrogate fails its test under ``-n 2``; the run ends with its summary and a
    complete JSON report (it was an INTERNALERROR with exit 0 and a 0-byte report)."""
    pytest.importorskip("xdist")
    httpx = pytest.importorskip("httpx")
    pytester.makepyfile(
        f"""
        import {httpx.__name__} as httpx

        def _answer(request):
            return httpx.Response(200, json={{}})

        def test_post():
            client = httpx.Client(transport=httpx.MockTransport(_answer))
            client.post("https://api.anthropic.com/v1/messages", content={SURROGATES["model"]!r},
                        headers={HEADERS!r})
        """
    )
    result = pytester.runpytest_subprocess("-n", "2", "--claude-guard-report=report.json")
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.assert_outcomes(failed=1)
    report = json.loads((pytester.path / "report.json").read_text())
    assert [v["code"] for v in report["violations"]] == ["invalid_json"]
