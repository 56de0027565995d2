"""Builders of hostile inputs (decompression, slice and alias bombs, huge cassettes) for tests/test_hostile.py.

Everything is built in memory from a few lines: no file of the corpus is stored in the repository.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from typing import List


def _objstm_pdf(header: bytes, body_zeros: int, *, n: int, first: int, streams: int = 1) -> bytes:
    """A PDF 1.5 with ``streams`` object streams, each inflating to ``header`` + ``body_zeros`` bytes."""
    packed = zlib.compress(header + b" " * body_zeros, 9)
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    for k in range(streams):
        out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
            900000 + k, n, first, len(packed))
        out += packed + b"\nendstream\nendobj\n"
    return out + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def objstm_bomb(streams: int = 1) -> bytes:
    """An object stream whose header claims millions of objects, all inflated from ~100 KB of zlib."""
    n = 10_000_000
    header = b"1 0 " * (n // 4)
    return _objstm_pdf(header, 64 << 20, n=n, first=len(header), streams=streams)


def slice_bomb(streams: int = 1) -> bytes:
    """An object stream whose offsets alternate 0 and the end: every object is the whole stream, copied."""
    n = 200_000
    big = 60 << 20
    header = b"".join(b"%d %d " % (i + 1, 0 if i % 2 else big) for i in range(n))
    return _objstm_pdf(header, big, n=n, first=len(header), streams=streams)


def encrypt_marker_flood(count: int = 300_000) -> bytes:
    """A PDF whose body repeats ``/Encrypt <<`` (each match used to scan 4 KB before it)."""
    return b"%PDF-1.4\n" + b"/Encrypt <<" * count + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def pdf_request(*pdfs: bytes) -> dict:
    """A Messages request with each PDF as a base64 document block."""
    blocks: List[dict] = [
        {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": b64(p)}}
        for p in pdfs
    ]
    blocks.append({"type": "text", "text": "Summarise."})
    return {"model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [{"role": "user", "content": blocks}]}


def cassette_yaml(interactions: int) -> str:
    """A vcrpy cassette of ``interactions`` valid Messages requests."""
    body = '{"model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}'
    one = (
        "- request:\n"
        f"    body: '{body}'\n"
        "    headers:\n"
        "      anthropic-version: ['2023-06-01']\n"
        "    method: POST\n"
        "    uri: https://api.anthropic.com/v1/messages\n"
        "  response:\n"
        "    body: {string: ''}\n"
        "    headers: {}\n"
        "    status: {code: 200, message: OK}\n"
    )
    return "interactions:\n" + one * interactions + "version: 1\n"


def alias_bomb_yaml() -> str:
    """A 1 KB "billion laughs": nine levels of nine aliases, used as a parsed request body."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for k in range(1, 9):
        prev, cur = chr(ord("a") + k - 1), chr(ord("a") + k)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines += [
        "interactions:",
        "- request:",
        "    body: {model: claude-sonnet-4-6, max_tokens: 5, messages: *i}",
        "    method: POST",
        "    uri: https://api.anthropic.com/v1/messages",
        "  response: {status: {code: 200}}",
    ]
    return "\n".join(lines) + "\n"


def gzip_bomb_yaml(bodies: int = 60, size: int = 60 << 20) -> str:
    """``bodies`` request bodies, each a gzip of ``size`` bytes of JSON whitespace (~60 KB each)."""
    bomb = b64(gzip.compress(b"{" + b" " * size + b"}", 9))
    one = (
        "- request:\n"
        "    body: !!binary |\n"
        f"      {bomb}\n"
        "    headers: {}\n"
        "    method: POST\n"
        "    uri: https://api.anthropic.com/v1/messages\n"
        "  response: {status: {code: 200}}\n"
    )
    return "interactions:\n" + one * bodies
