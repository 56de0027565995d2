"""Under BlockBuster (blocking file I/O inside a running event loop raises) every async request is still checked:
the plugin loads the catalog, models, schemas and validators when pytest configures, so checking a request reads
no file and imports nothing.  Each SDK line runs in a fresh process (nothing warmed up by our own suite)."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("blockbuster")

BLOCKBUSTER_SUITE = """
import asyncio, base64, anthropic, pytest
from blockbuster import BlockingError, blockbuster_ctx
from conftest import BATCH, PREFILL, USER

PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
PDF = base64.b64encode(b"%PDF-1.4\\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\\n"
                       b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\\n"
                       b"3 0 obj << /Type /Page /Parent 2 0 R >> endobj\\ntrailer << /Root 1 0 R >>\\n%%EOF\\n").decode()
MEDIA = [{"role": "user", "content": [
    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
    {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": PDF}},
    {"type": "text", "text": "Describe both."}]}]
TOOLS = [{"name": "get_weather", "description": "Weather for a city",
          "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
BAD_BLOCK = [{"role": "user", "content": [{"type": "txt", "text": "Hello"}]}]
NOT_A_PDF = [{"role": "user", "content": [
    {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": PNG}}]}]
WRONG_MEDIA = [{"role": "user", "content": [
    {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": PNG}}]}]


@pytest.fixture(autouse=True)
def blockbuster():
    with blockbuster_ctx() as bb:
        yield bb


def test_blockbuster_is_active():
    async def main():
        with open(__file__, "rb") as f:
            f.read()
    with pytest.raises(BlockingError):
        asyncio.run(main())


def test_valid_requests(aclient, transport):
    async def main():
        await aclient.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER)
        await aclient.messages.create(model="claude-sonnet-4-6", max_tokens=5, messages=MEDIA, tools=TOOLS)
        stream = await aclient.messages.create(model="claude-opus-4-6", max_tokens=5, messages=USER, stream=True)
        [event async for event in stream]
        await aclient.messages.count_tokens(model="claude-opus-4-6", messages=USER, tools=TOOLS)
        await aclient.messages.batches.create(requests=[
            {"custom_id": "a", "params": {"model": "claude-opus-4-6", "max_tokens": 5, "messages": MEDIA}}])
    asyncio.run(main())
    assert len(transport.requests) == 5


@pytest.mark.parametrize("code, kwargs", [
    ("prefill_not_supported", {"model": "claude-opus-4-6", "messages": PREFILL}),
    ("block_type_invalid", {"model": "claude-opus-4-6", "messages": BAD_BLOCK}),
    ("pdf_encrypted_or_invalid", {"model": "claude-opus-4-6", "messages": NOT_A_PDF}),
    ("model_retired", {"model": "claude-3-opus-20240229", "messages": USER}),
])
def test_invalid_requests_are_blocked(aclient, transport, claude_guard, code, kwargs):
    async def main():
        with claude_guard.expect(code), pytest.raises((anthropic.BadRequestError, anthropic.NotFoundError)):
            await aclient.messages.create(max_tokens=5, **kwargs)
    asyncio.run(main())
    assert transport.requests == []


@pytest.mark.parametrize("code, kwargs", [
    ("image_bytes_mismatch", {"model": "claude-opus-4-6", "messages": WRONG_MEDIA}),
    ("model_not_found", {"model": "claude-opus-4-6-typo", "messages": USER}),
])
def test_warnings_are_diagnosed(aclient, transport, claude_guard, code, kwargs):
    async def main():
        with claude_guard.expect(code):
            await aclient.messages.create(max_tokens=5, **kwargs)
    asyncio.run(main())
    assert len(transport.requests) == 1


def test_unexpected_violation_fails_the_test(aclient):
    async def main():
        try:
            await aclient.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
        except anthropic.BadRequestError:
            pass
    asyncio.run(main())
"""


def test_async_suite_under_blockbuster(suite: Any, pytester: pytest.Pytester) -> None:
    """A fresh async suite under BlockBuster: no engine_error; invalid requests are diagnosed, valid ones sent."""
    suite.write(BLOCKBUSTER_SUITE)
    report = pytester.path / "report.json"
    result = suite.run(f"--claude-guard-report={report}", subprocess=True)
    data = json.loads(report.read_text("utf-8"))
    internal = [v["message"] for v in data["violations"] if v["code"] == "engine_error"]
    assert internal == [], "\n".join(internal)  # e.g. "... (BlockingError: Blocking call to os.getcwd)"
    result.assert_outcomes(passed=8, failed=1)
    result.stdout.fnmatch_lines(["*test_unexpected_violation_fails_the_test*", "prefill_not_supported (error, *) at messages.1*"])
    result.stdout.no_fnmatch_line("*BlockingError*")
    assert data["requests_checked"] == 12
    assert sorted({v["code"] for v in data["violations"]}) == sorted(
        {"prefill_not_supported", "block_type_invalid", "pdf_encrypted_or_invalid", "model_retired",
         "image_bytes_mismatch", "model_not_found"}
    )
