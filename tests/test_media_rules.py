"""Media rules: image bytes/format/dimensions/count, PDFs, text bytes, request size, prompt length."""

from __future__ import annotations

from media_support import media_builders

import random
import string
from typing import Any, Dict, List, Optional, Tuple

import pytest

from pytest_claude_guard import validate_request
from pytest_claude_guard._core._context import Context, normalize_headers, parse_endpoint
from pytest_claude_guard._core._models import default_registry
from pytest_claude_guard._core._rules import media
from pytest_claude_guard._core._violation import Violation


B = media_builders()

HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "placeholder"}
MEDIA_CODES = {
    "image_bytes_mismatch",
    "image_too_large_bytes",
    "image_dimension_too_large",
    "too_many_images",
    "pdf_too_many_pages",
    "pdf_encrypted_or_invalid",
    "text_bytes_too_large",
    "request_too_large",
    "prompt_too_long",
}


def image(data: bytes, media_type: str = "image/png", **extra: Any) -> Dict[str, Any]:
    return {
        "type": "image",
        "source": {"type": "base64", "media_type": media_type, "data": B.b64(data)},
        **extra,
    }


def image_b64(data: str, media_type: str = "image/png") -> Dict[str, Any]:
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}


def pdf_doc(data: bytes) -> Dict[str, Any]:
    return {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": B.b64(data)},
    }


def url_image() -> Dict[str, Any]:
    return {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}


def req(*blocks: Any, model: str = "claude-opus-4-8", **extra: Any) -> Dict[str, Any]:
    return {
        "model": model,
        "max_tokens": 100,
        "messages": [{"role": "user", "content": list(blocks)}],
        **extra,
    }


def run(
    body: Dict[str, Any],
    *,
    headers: Optional[Dict[str, str]] = HEADERS,
    endpoint: str = "/v1/messages",
    raw_len: Optional[int] = None,
    in_batch: bool = False,
) -> List[Violation]:
    """The media rules alone, on one request context."""
    ctx = Context(
        body=body,
        endpoint=parse_endpoint(endpoint),
        headers=normalize_headers(headers),
        registry=default_registry(),
        in_batch=in_batch,
    )
    if raw_len is not None:
        ctx.raw_len = raw_len  # type: ignore[attr-defined]
    for rule in media.RULES:
        rule(ctx)
    return ctx.found


def summary(found: List[Violation]) -> List[Tuple[str, str, str]]:
    return [(v.code, v.severity, v.path) for v in found]


PNG_HEAD = B.b64(B.png(1, 1))
TEN_MB = 10_485_760
FIVE_MB = 5_242_880


def padded_png(total: int) -> str:
    """A base64 string of exactly ``total`` characters that starts with a valid 1x1 PNG."""
    return PNG_HEAD + "A" * (total - len(PNG_HEAD))


def prose(words: int) -> str:
    """Varied, non-repetitive text: ``words`` words drawn at random from 4,000 random 3-8 letter words."""
    rng = random.Random(words)
    vocabulary = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 8))) for _ in range(4000)]
    return " ".join(rng.choices(vocabulary, k=words))


PROSE = prose(200_000)  # 1,300,628 characters: at least ~216K tokens


def tool_result(*blocks: Any) -> Dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": "toolu_1", "content": list(blocks)}


DATA = "messages.0.content.0.image.source.base64.data"
BASE64 = "messages.0.content.0.image.source.base64"  # where the API names "...appears to be a image/png image"

INVALID = [
    (
        "jpeg-declared-png",
        req(image(B.jpeg(10, 10), "image/png")),
        {},
        [("image_bytes_mismatch", "error", BASE64)],
    ),
    (
        "gif-declared-png",
        req(image(B.gif(10, 10), "image/png")),
        {},
        [("image_bytes_mismatch", "error", BASE64)],
    ),
    ("pdf-declared-jpeg", req(image(B.pdf(1), "image/jpeg")), {}, [("image_bytes_mismatch", "error", BASE64)]),
    (
        "text-declared-webp",
        req(image(b"not an image at all", "image/webp")),
        {},
        [("image_bytes_mismatch", "error", BASE64)],
    ),
    (
        "png-declared-jpeg-warns",
        req(image(B.png(10, 10), "image/jpeg")),
        {},
        [("image_bytes_mismatch", "warning", BASE64)],
    ),
    (
        "unknown-bytes-warns",
        req(image(b"\x00\x01\x02\x03" * 8, "image/gif")),
        {},
        [("image_bytes_mismatch", "warning", DATA)],
    ),
    ("undecodable", req(image_b64("iVBOR$$$", "image/png")), {}, [("image_bytes_mismatch", "error", DATA)]),
    (
        "truncated-base64",
        req(image_b64(PNG_HEAD[:-3], "image/png")),
        {},
        [("image_bytes_mismatch", "error", DATA)],
    ),
    (
        "data-url",
        req(image_b64("data:image/png;base64," + PNG_HEAD)),
        {},
        [("image_bytes_mismatch", "error", DATA)],
    ),
    (
        "over-10mb",
        req(image_b64(padded_png(TEN_MB + 4))),
        {},
        [("image_too_large_bytes", "error", "messages.0.content.0.image.source.base64")],
    ),
    (
        "over-5mb-bedrock",
        req(image_b64(padded_png(FIVE_MB + 4)), anthropic_version="bedrock-2023-05-31"),
        {
            "endpoint": "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-opus-4-8/invoke"
        },
        [("image_too_large_bytes", "error", "messages.0.content.0.image.source.base64")],
    ),
    ("side-9000", req(image(B.png(9000, 10))), {}, [("image_dimension_too_large", "error", DATA)]),
    (
        "side-in-tool-result",
        req(tool_result(image(B.webp_vp8x(10, 8001), "image/webp"))),
        {},
        [
            (
                "image_dimension_too_large",
                "error",
                "messages.0.content.0.tool_result.content.0.image.source.base64.data",
            )
        ],
    ),
    (
        "side-transformations-error",
        req(image(B.png(9000, 10), transformations={"oversized_image": "error"})),
        {},
        [("image_dimension_too_large", "error", DATA)],
    ),
    (
        "many-images-2001",
        req(image(B.jpeg(2001, 100, app1=30_000), "image/jpeg"), *[url_image() for _ in range(20)]),
        {},
        [("image_dimension_too_large", "error", DATA)],
    ),
    (
        "too-many-images-200k",
        req(*[url_image() for _ in range(100)], pdf_doc(B.pdf(1)), model="claude-opus-4-5"),
        {},
        [("too_many_images", "error", "messages")],
    ),
    (
        "too-many-images-1m",
        req(*[url_image() for _ in range(601)]),
        {},
        [("too_many_images", "error", "messages")],
    ),
    (
        "pdf-101-pages",
        req(pdf_doc(B.pdf(101)), model="claude-haiku-4-5"),
        {},
        [("pdf_too_many_pages", "error", "messages.0.content.0.pdf.source.base64.data")],
    ),
    (
        "pdf-objstm-601-pages",
        req(pdf_doc(B.pdf_object_stream(601))),
        {},
        [("pdf_too_many_pages", "error", "messages.0.content.0.pdf.source.base64.data")],
    ),
    (
        "pdf-pages-unreliable-warns",
        req(pdf_doc(B.pdf(101, count=False)), model="claude-haiku-4-5"),
        {},
        [("pdf_too_many_pages", "warning", "messages.0.content.0.pdf.source.base64.data")],
    ),
    (
        "pdf-not-a-pdf",
        req(pdf_doc(B.png(1, 1))),
        {},
        [("pdf_encrypted_or_invalid", "error", "messages.0.content.0.document.source.base64.data")],
    ),
    (
        "pdf-encrypted-warns",
        req(pdf_doc(B.pdf(1, encrypted=True))),
        {},
        [("pdf_encrypted_or_invalid", "warning", "messages.0.content.0.document.source.base64.data")],
    ),
    (
        "text-bytes",
        req({"type": "text", "text": "é" * 4_500_001}),
        {},
        [("text_bytes_too_large", "error", "messages")],
    ),
    (
        "text-bytes-across-turns",
        {
            "model": "claude-opus-4-8",
            "max_tokens": 1,
            "system": "s" * 3_000_000,
            "messages": [
                {"role": "user", "content": "u" * 3_000_000},
                {"role": "assistant", "content": [{"type": "text", "text": "a" * 1_000_000}]},
                {"role": "user", "content": [tool_result({"type": "text", "text": "t" * 2_000_001})]},
            ],
        },
        {},
        [("text_bytes_too_large", "error", "messages")],
    ),
    (
        "request-too-large-raw",
        req({"type": "text", "text": "hi"}),
        {"raw_len": 33_554_433},
        [("request_too_large", "error", "")],
    ),
    (
        "request-too-large-estimated",
        req(*[image_b64(padded_png(8_400_000)) for _ in range(4)]),
        {},
        [("request_too_large", "error", "")],
    ),
    (
        "prompt-too-long-200k",
        req({"type": "text", "text": PROSE}, model="claude-haiku-4-5"),
        {},
        [("prompt_too_long", "error", "messages")],
    ),
]

VALID = [
    ("png-as-png", req(image(B.png(8000, 8000)))),
    ("jpeg-as-jpeg", req(image(B.jpeg(3000, 2000, app1=40_000), "image/jpeg"))),
    ("gif-webp", req(image(B.gif(10, 10), "image/gif"), image(B.webp_vp8l(10, 10), "image/webp"))),
    ("bad-media-type-left-to-schema-rule", req(image(B.jpeg(10, 10), "image/jpg"))),
    ("url-image", req(url_image())),
    ("exactly-10mb", req(image_b64(padded_png(TEN_MB)))),
    ("over-5mb-first-party", req(image_b64(padded_png(FIVE_MB + 4)))),
    ("side-9000-downsized", req(image(B.png(9000, 10), transformations={"oversized_image": "downsize"}))),
    ("20-images-2001px", req(image(B.png(2001, 10)), *[url_image() for _ in range(19)])),
    ("21-images-2000px", req(image(B.png(2000, 10)), *[url_image() for _ in range(20)])),
    ("100-images-200k", req(*[url_image() for _ in range(99)], pdf_doc(B.pdf(1)), model="claude-opus-4-5")),
    (
        "text-docs-not-counted",
        req(
            *[url_image() for _ in range(100)],
            model="claude-opus-4-5",
            system=[{"type": "text", "text": "x"}],
        )
        | {
            "messages": [
                {
                    "role": "user",
                    "content": [
                        *[url_image() for _ in range(100)],
                        {
                            "type": "document",
                            "source": {"type": "text", "media_type": "text/plain", "data": "hello"},
                        },
                    ],
                }
            ]
        },
    ),
    ("600-images-1m", req(*[url_image() for _ in range(600)])),
    ("unknown-model-no-count", req(*[url_image() for _ in range(700)], model="claude-made-up")),
    ("pdf-100-pages", req(pdf_doc(B.pdf(100)), model="claude-haiku-4-5")),
    ("pdf-600-pages-1m", req(pdf_doc(B.pdf_object_stream(600)))),
    ("pdf-3-pages", req(pdf_doc(B.read_sample("three_pages.pdf")))),
    ("text-9m-bytes", req({"type": "text", "text": "x" * 9_000_000})),
    ("prompt-under-window", req({"type": "text", "text": PROSE[:1_190_000]}, model="claude-haiku-4-5")),
    ("prompt-unknown-model", req({"type": "text", "text": PROSE}, model="claude-made-up")),
    ("prompt-count-tokens", {"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": PROSE}]}),
    ("request-size-under", req(*[image_b64(padded_png(8_000_000)) for _ in range(4)])),
]


@pytest.mark.parametrize(
    ("body", "options", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid(body: Dict[str, Any], options: Dict[str, Any], expected: List[Tuple[str, str, str]]) -> None:
    """Each invalid request yields exactly the expected media violations (code, severity, path)."""
    assert summary(run(body, **options)) == expected


@pytest.mark.parametrize("body", [c[1] for c in VALID], ids=[c[0] for c in VALID])
def test_near_miss_valid(body: Dict[str, Any]) -> None:
    """Requests just inside every limit yield no media violation at all."""
    endpoint = "/v1/messages/count_tokens" if "max_tokens" not in body else "/v1/messages"
    assert summary(run(body, endpoint=endpoint)) == []


def test_every_media_code_has_invalid_and_valid_cases() -> None:
    """Every code this module emits appears in the invalid table; the valid table is non-trivial."""
    assert {code for case in INVALID for code, _, _ in case[3]} == MEDIA_CODES
    assert len(VALID) >= len(MEDIA_CODES)


def test_headers_unknown_lift_200k_models_to_the_1m_tier() -> None:
    """Without headers the context-1m beta may be on: 200K-model limits become the 1M-tier ones."""
    body = req(*[url_image() for _ in range(101)], model="claude-sonnet-4-5")
    assert summary(run(body, headers=None)) == []
    assert summary(run(body)) == [("too_many_images", "error", "messages")]
    assert summary(run(body, headers={**HEADERS, "anthropic-beta": "context-1m-2025-08-07"})) == []


def test_batch_items_skip_request_size_and_keep_prefix() -> None:
    """Inside a batch the 32 MB body rule is the envelope's; other paths carry the batch prefix."""
    ctx = Context(
        body=req(image(B.png(9000, 1))),
        endpoint=parse_endpoint("/v1/messages"),
        headers=HEADERS,
        registry=default_registry(),
        prefix="requests.3.params",
        in_batch=True,
    )
    ctx.raw_len = 40_000_000  # type: ignore[attr-defined]
    for rule in media.RULES:
        rule(ctx)
    assert summary(ctx.found) == [("image_dimension_too_large", "error", f"requests.3.params.{DATA}")]


def test_images_in_nested_blocks_are_counted() -> None:
    """Images inside tool results and content-source documents count toward the many-image rule."""
    nested_doc = {
        "type": "document",
        "source": {"type": "content", "content": [url_image() for _ in range(10)]},
    }
    body = req(image(B.png(2100, 10)), tool_result(*[url_image() for _ in range(10)]), nested_doc)
    scan = media.scan(
        Context(
            body=body, endpoint=parse_endpoint("/v1/messages"), headers=HEADERS, registry=default_registry()
        )
    )
    assert len(scan.images) == 21
    assert summary(run(body)) == [("image_dimension_too_large", "error", DATA)]


GOLDEN = [
    (
        req(image(B.jpeg(10, 10), "image/png")),
        {},
        "messages.0.content.0.image.source.base64 is declared image/png but the bytes are image/jpeg",
        "messages.0.content.0.image.source.base64: The image was specified using the image/png media type, but the "
        "image appears to be a image/jpeg image",
    ),
    (
        req(image_b64("data:image/png;base64," + PNG_HEAD)),
        {},
        "messages.0.content.0.image.source.base64.data starts with a data-URL prefix 'data:image/png;base64,' "  # noqa: E501 - golden text
        "(the rest looks like image/png): send only the base64 data",
        None,
    ),
    (
        req(image_b64("iVBOR$$$")),
        {},
        "messages.0.content.0.image.source.base64.data cannot be decoded: "
        "the data is not valid base64 (character '$' at position 5)",
        None,
    ),
    (
        req(image_b64(padded_png(8_259_148)), anthropic_version="vertex-2023-10-16"),
        {
            "endpoint": "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/"
            "anthropic/models/claude-opus-4-8:rawPredict"
        },
        "messages.0.content.0.image.source.base64 is 8259148 bytes of base64, over 5242880 bytes on Vertex AI",  # noqa: E501 - golden text
        "messages.0.content.0.image.source.base64: image exceeds 5 MB maximum: 8259148 bytes > 5242880 bytes",
    ),
    (
        req(image_b64(padded_png(23_045_044))),
        {},
        "messages.0.content.0.image.source.base64 is 23045044 bytes of base64, over 10485760 bytes on the "
        "first-party API",
        "messages.0.content.0.image.source.base64: image exceeds 10 MB maximum: 23045044 bytes > 10485760 bytes",  # noqa: E501 - golden text
    ),
    (
        req(image(B.png(1440, 8570))),
        {},
        "messages.0.content.0.image.source.base64.data is 1440x8570 px; no side may exceed 8000 px",
        "messages.0.content.0.image.source.base64.data: At least one of the image dimensions exceed max allowed "  # noqa: E501 - golden text
        "size: 8000 pixels",
    ),
    (
        req(image(B.png(2560, 1440)), *[url_image() for _ in range(20)]),
        {},
        "messages.0.content.0.image.source.base64.data is 2560x1440 px and the request holds 21 images; with more "  # noqa: E501 - golden text
        "than 20 images no side may exceed 2000 px",
        "messages.0.content.0.image.source.base64.data: At least one of the image dimensions exceed max allowed "  # noqa: E501 - golden text
        "size for many-image requests: 2000 pixels",
    ),
    (
        req(*[url_image() for _ in range(104)], pdf_doc(B.pdf(1)), model="claude-sonnet-4-5"),
        {},
        "104 images + 1 documents exceed 100 for claude-sonnet-4-5-20250929",
        "too many images and documents: 104 + 1 > 100",
    ),
    (
        req({"type": "text", "text": "x"}, pdf_doc(B.pdf(601))),
        {},
        "messages.0.content.1.pdf.source.base64.data has 601 pages, over 600 for claude-opus-4-8",
        "messages.0.content.1.pdf.source.base64.data: A maximum of 600 PDF pages may be provided",
    ),
    (
        req(pdf_doc(b"<html>oops</html>")),
        {},
        "messages.0.content.0.document.source.base64.data is not a usable PDF: the data is not a PDF: it looks "  # noqa: E501 - golden text
        "like text/html",
        None,
    ),
    (
        req(pdf_doc(B.pdf(1, encrypted=True))),
        {},
        "messages.0.content.0.document.source.base64.data is an encrypted PDF; the API refuses password-protected "  # noqa: E501 - golden text
        "PDFs",
        None,
    ),
    (
        req(*[{"type": "text", "text": "x" * 1_000_000} for _ in range(10)], {"type": "text", "text": "Hi"}),
        {},
        "the request holds 10000002 bytes of text, over the 9,000,000-byte limit",
        "too many total text bytes: 10000002 > 9000000",
    ),
    (
        req({"type": "text", "text": "hi"}),
        {"raw_len": 40_000_000},
        "the request body is 40000000 bytes, over the 33554432-byte limit of this endpoint",
        "Request exceeds the maximum allowed number of bytes.",
    ),
    (
        req({"type": "text", "text": PROSE}, model="claude-haiku-4-5"),
        {},
        "the prompt is at least ~216771 tokens, over the 200000-token context window of claude-haiku-4-5-20251001",  # noqa: E501 - golden text
        "prompt is too long: 216771 tokens > 200000 maximum",
    ),
]


@pytest.mark.parametrize(("body", "options", "message", "api_message"), GOLDEN)
def test_golden_messages(
    body: Dict[str, Any], options: Dict[str, Any], message: str, api_message: Optional[str]
) -> None:
    """The first media violation's message and API message read exactly as written here."""
    found = run(body, **options)
    assert found, "expected a violation"
    assert (found[0].message, found[0].api_message if api_message is not None else None) == (
        message,
        api_message,
    )


def test_repetitive_text_uses_a_longer_token_length() -> None:
    """Highly repetitive text counts one token per 32 characters, natural text one per 6."""
    assert media._text_tokens("a" * 64_000) == 2_000
    assert media._text_tokens("short text") == 1
    scan = media.MediaScan(
        texts=["x" * 600],
        images=[media.Image(("messages", 0, "content", 0), image(B.png(1000, 1000)))],
    )
    assert media.estimate_tokens(scan) == 100 + 1250


def test_end_to_end_through_validate_request() -> None:
    """validate_request reports the media causes on the request's own path (engine wiring)."""
    found = validate_request(req(image(B.jpeg(10, 10), "image/png"), image(B.png(9000, 10))), headers=HEADERS)
    ours = [(v.code, v.path) for v in found if v.code in MEDIA_CODES]
    assert ours == [
        ("image_bytes_mismatch", BASE64),
        ("image_dimension_too_large", "messages.0.content.1.image.source.base64.data"),
    ]
