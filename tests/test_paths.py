"""Where each rule's finding is: one path style, the API's own (golden table: cause -> request -> path).

The API names a place inside a content block with the block's type tag between the block's index and its fields,
as its validation messages print them (``messages.3.content.0.tool_result.content.1.tool_reference.tool_name``),
and a block itself without it (``messages.48.content.1``).  A few of its own checks name a block's field untagged
(``...content.0.type``, ``...cache_control.ttl``): those are kept as recorded.  Each row names its evidence: the
thread quoting the API's message, or "pattern" where the API's form for that place is not on record and the row
follows the recorded ones.
"""
from __future__ import annotations

import base64
from typing import Any, Dict, List, Optional

import pytest
from test_cases import CASE_TODAY, make_pdf, make_png

from pytest_claude_guard import validate_request
from pytest_claude_guard._core._models import today_as
from pytest_claude_guard._core._rules._walk import in_block

HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-placeholder"}
V2026 = {**HEADERS, "anthropic-version": "2026-10-21"}
TOOL = {"name": "get_weather", "description": "Weather", "input_schema": {"type": "object"}}
USE = {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Paris"}}
CC = {"type": "ephemeral"}
CC_1H = {"type": "ephemeral", "ttl": "1h"}


def body(*messages: Dict[str, Any], **extra: Any) -> Dict[str, Any]:
    return {"model": "claude-sonnet-4-6", "max_tokens": 1024, "messages": list(messages), **extra}


def user(*blocks: Any) -> Dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def assistant(*blocks: Any) -> Dict[str, Any]:
    return {"role": "assistant", "content": list(blocks)}


def text(value: str = "Hi", **fields: Any) -> Dict[str, Any]:
    return {"type": "text", "text": value, **fields}


def result(*blocks: Any, tool_use_id: str = "toolu_01A") -> Dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": tool_use_id, "content": list(blocks)}


def answered(*inner: Any) -> Dict[str, Any]:
    """A request whose third message answers a tool_use with a tool_result holding ``inner``."""
    return body(user(text("Go")), assistant(USE), user(result(*inner)), tools=[TOOL])


def image(data: bytes, media_type: str = "image/png") -> Dict[str, Any]:
    source = {"type": "base64", "media_type": media_type, "data": base64.b64encode(data).decode("ascii")}
    return {"type": "image", "source": source}


def pdf(data: bytes) -> Dict[str, Any]:
    source = {"type": "base64", "media_type": "application/pdf", "data": base64.b64encode(data).decode("ascii")}
    return {"type": "document", "source": source}


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
FILE_IMAGE = {"type": "image", "source": {"type": "file", "file_id": "file_011"}}
REF = {"type": "tool_reference", "tool_name": "get_stock_price"}
DEFERRED = {**TOOL, "name": "create_invoice", "defer_loading": True}

# (cause, request body, headers, endpoint, expected paths of that cause in order, evidence)
ROWS: List[Any] = [
    # --- blocks named without their tag ---------------------------------------------------------------------------
    ("tool_result_without_use", body(user(result(text()))), HEADERS, None, ["messages.0.content.0"],
     "anthropics/claude-code#18947: messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks"),
    ("tool_use_without_result", body(user(text("Go")), assistant(USE), user(text("and?"))), HEADERS, None,
     ["messages.1"], "anthropics/claude-code#8210: messages.167: `tool_use` ids were found without `tool_result`"),
    ("tool_use_id_duplicate", body(user(text("Go")), assistant(USE, USE)), HEADERS, None, ["messages.1.content.1"],
     "anthropics/claude-code#21317: messages.1.content.1: `tool_use` ids must be unique"),
    ("thinking_not_first_block",
     body(user(text("Go")), assistant(text("Sure"), {"type": "thinking", "thinking": "t", "signature": "s"}, text())),
     HEADERS, None, ["messages.1.content.0"],
     "anthropics/claude-code#20705: messages.51.content.0: If an assistant message contains any thinking blocks"),
    ("empty_content_non_final", body(user(), assistant(text("ok")), user(text())), HEADERS, None, ["messages.0"],
     "dev corpus: messages.0: all messages must have non-empty content"),
    ("text_block_empty", body(user(text(""), text())), HEADERS, None, ["messages.0.content.0"],
     "pattern (the API says `messages: text content blocks must be non-empty`: the block is named here)"),
    # --- a block's fields: its type tag first ------------------------------------------------------------------------
    ("thinking_signature_missing", body(user(text("Go")), assistant({"type": "thinking", "thinking": "t"}, USE),
                                        user(result(text())), tools=[TOOL]), HEADERS, None,
     ["messages.1.content.0.thinking.signature"],
     "justlovemaki/AIClient2API#437: messages.1.content.0.thinking.signature: Field required"),
    ("block_extra_field", body(user(text("Go")), assistant({**USE, "index": 0}), user(result(text())), tools=[TOOL]),
     HEADERS, None, ["messages.1.content.0.tool_use.index"],
     "langchain-ai/langchain#31208: messages.1.content.1.tool_use.index: Extra inputs are not permitted"),
    ("citations_on_user_text", body(user(text(citations=[{"type": "char_location", "cited_text": "Hi",
                                                          "document_index": 0, "start_char_index": 0,
                                                          "end_char_index": 2}]))),
     V2026, None, ["messages.0.content.0.text.citations"], "pattern (no API message on record)"),
    ("image_bytes_mismatch", body(user(image(JPEG))), HEADERS, None, ["messages.0.content.0.image.source.base64"],
     "vybestack/llxprt-code#2130: ...image.source.base64: The image was specified using the image/jpeg media type"),
    ("image_bytes_mismatch", body(user({"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                                                     "data": "iVBOR$$$"}})),
     HEADERS, None, ["messages.0.content.0.image.source.base64.data"],
     "anthropics/claude-code#15746: ...image.source.base64.data: Image does not match the provided media type"),
    ("pdf_encrypted_or_invalid", body(user(pdf(make_png(1, 1)), text())), HEADERS, None,
     ["messages.0.content.0.document.source.base64.data"],
     "req_011Ce5uM3sAo1L9SPHL55PHt: messages.0.content.0.document.source.base64.data: The PDF specified was not valid."),
    ("pdf_too_many_pages", {**body(user(pdf(make_pdf(101)), text())), "model": "claude-haiku-4-5"}, HEADERS, None,
     ["messages.0.content.0.pdf.source.base64.data"],
     "messages.1.content.22.pdf.source.base64.data: A maximum of 600 PDF pages may be provided (quoted in public tests)"),
    ("tool_input_schema_invalid", body(user(text()), tools=[{**TOOL, "input_schema": {"type": "object", "oneOf": []}}]),
     HEADERS, None, ["tools.0.custom.input_schema"],
     "Hmbown/Codewhale#4329: tools.1.custom.input_schema: input_schema does not support oneOf, allOf, or anyOf"),
    ("tool_name_invalid", body(user(text()), tools=[{**TOOL, "name": "get weather"}]), HEADERS, None,
     ["tools.0.custom.name"], "anthropics/claude-code#96152: tools.18.custom.name: String should have at most 128"),
    # --- inside a tool_result: tool_result.content.K ----------------------------------------------------------------
    ("image_dimension_too_large", answered(image(make_png(9000, 10))), HEADERS, None,
     ["messages.2.content.0.tool_result.content.0.image.source.base64.data"],
     "anthropics/claude-code#9375: messages.109.content.2.image.source.base64.data: At least one of the image"),
    ("tool_reference_unresolved",
     body(user(text("Go")), assistant(USE), user(result(text("Found"), REF)), tools=[TOOL, DEFERRED]),
     HEADERS, None, ["messages.2.content.0.tool_result.content.1"],
     "pattern (anthropics/claude-code#21492: ...tool_result.content.1.tool_reference.tool_name)"),
    ("file_source_requires_beta", answered(FILE_IMAGE), HEADERS, None,
     ["messages.2.content.0.tool_result.content.0.image.source"],
     "pattern (anthropics/claude-code#8227: ...tool_result.content.0.image.source.base64)"),
    ("cache_control_on_empty_text", answered(text("", cache_control=CC), text()), HEADERS, None,
     ["messages.2.content.0.tool_result.content.0.text"], "pattern (NousResearch/hermes-agent#1216 at top level)"),
    # --- untagged, as the API's own checks print them ----------------------------------------------------------------
    ("thinking_final_assistant_must_start_with_thinking",
     body(user(text("Go")), assistant(text("Let me check."), USE), user(result(text())), tools=[TOOL],
          thinking={"type": "enabled", "budget_tokens": 2048}),
     HEADERS, None, ["messages.1.content.0.type"],
     "anthropics/claude-code#20705: messages.47.content.0.type: Expected `thinking` or `redacted_thinking`"),
    ("cache_control_on_empty_text", body(user(text("", cache_control=CC), text())), HEADERS, None,
     ["messages.0.content.0.text"],
     "NousResearch/hermes-agent#1216: messages.29.content.0.text: cache_control cannot be set for empty text blocks"),
    ("cache_ttl_order", body(user(text()), system=[text("a", cache_control=CC), text("b", cache_control=CC_1H)]),
     HEADERS, None, ["system.1.cache_control.ttl"],
     "kristianvast/hermes-claude-auth#31: system.1.cache_control.ttl: a ttl='1h' cache_control block must not"),
    ("cache_ttl_order", body(user(text("x", cache_control=CC_1H)), system=[text("a", cache_control=CC)]),
     HEADERS, None, ["messages.0.content.0.cache_control.ttl"],
     "cnighswonger/claude-code-cache-fix#44: messages.0.content.4.cache_control.ttl: a ttl='1h' cache_control"),
    ("cache_ttl_order", {**answered(text("x", cache_control=CC_1H)), "system": [text("a", cache_control=CC)]},
     HEADERS, None, ["messages.2.content.0.tool_result.content.0.cache_control.ttl"], "pattern"),
    ("cache_ttl_order", body(user(text()), tools=[{**TOOL, "cache_control": CC},
                                                  {**TOOL, "name": "b", "cache_control": CC_1H}]),
     HEADERS, None, ["tools.1.cache_control.ttl"], "pattern"),
    ("tool_choice_tool_unknown", body(user(text()), tools=[TOOL], tool_choice={"type": "tool", "name": "nope"}),
     HEADERS, None, ["tool_choice.name"], "pattern (the API's own checks name top-level fields untagged)"),
    # --- a batch item: the same path under requests.N.params ---------------------------------------------------------
    ("tool_reference_unresolved",
     {"requests": [{"custom_id": "a", "params": body(user(text("Go")), assistant(USE), user(result(text("Found"), REF)),
                                                     tools=[TOOL, DEFERRED])}]},
     HEADERS, "/v1/messages/batches", ["requests.0.params.messages.2.content.0.tool_result.content.1"], "pattern"),
]


def _id(row: Any) -> str:
    return f"{row[0]}@{row[4][0]}"


@pytest.mark.parametrize(("code", "request_body", "headers", "endpoint", "paths", "evidence"), ROWS,
                         ids=[_id(r) for r in ROWS])
def test_path_of_each_finding(code: str, request_body: Dict[str, Any], headers: Dict[str, str],
                              endpoint: Optional[str], paths: List[str], evidence: str) -> None:
    """The cause is reported exactly at the API-style path(s) of the table."""
    with today_as(CASE_TODAY):
        found = validate_request(request_body, headers=headers, endpoint=endpoint or "/v1/messages")
    got = [v.path for v in found if v.code == code]
    assert got == paths, f"{code}: expected {paths} ({evidence}), got {[(v.code, v.path) for v in found]}"


def test_every_api_message_template_names_the_violation_path() -> None:
    """No message reads a place the violation does not name: the API-style path is the violation's own, so no
    template appends a field to it (``{path}.ttl`` was the cache_ttl_order template before its path named ttl)."""
    from pytest_claude_guard._core._causes import causes

    bad = [code for code, c in causes().items() if "{path}." in (c.api_message or "") or "{path}." in c.message]
    assert not bad, bad


@pytest.mark.parametrize(
    ("where", "block", "field", "expected"),
    [
        (("messages", 3, "content", 0), {"type": "tool_result"}, ("content", 1), ("messages", 3, "content", 0,
                                                                                   "tool_result", "content", 1)),
        (("messages", 2, "content", 0), {"type": "image"}, ("source", "base64"), ("messages", 2, "content", 0,
                                                                                   "image", "source", "base64")),
        (("messages", 48, "content", 1), {"type": "tool_result"}, (), ("messages", 48, "content", 1)),
        (("messages", 0, "content", 0), {"text": "no type"}, ("text",), ("messages", 0, "content", 0, "text")),
    ],
)
def test_in_block(where: Any, block: Any, field: Any, expected: Any) -> None:
    """in_block puts the block's type tag between its index and its fields; the block alone has no tag."""
    assert in_block(where, block, *field) == expected
