"""_media: format sniffing, sizes and dimensions from base64 without decoding whole images; PDF probing."""

from __future__ import annotations

from media_support import media_builders

import textwrap
from typing import Optional, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_claude_guard._core._media import (
    ImageProbe,
    PdfProbe,
    b64_decoded_length,
    image_dimensions,
    probe_image,
    probe_pdf,
    probe_pdf_bytes,
    sniff_format,
)


B = media_builders()


@pytest.mark.parametrize(
    ("name", "fmt", "dims"),
    [
        ("tall_9000x10.png", "image/png", (9000, 10)),
        ("exif_app1_3000x2000.jpg", "image/jpeg", (3000, 2000)),
        ("vp8x_8001x20.webp", "image/webp", (8001, 20)),
        ("screen_640x480.gif", "image/gif", (640, 480)),
    ],
)
def test_sample_files_format_and_dimensions(name: str, fmt: str, dims: Tuple[int, int]) -> None:
    """Each committed sample image is sniffed with its format and header dimensions."""
    probe = probe_image(B.b64(B.read_sample(name)))
    assert (probe.format, probe.dimensions, probe.problem) == (fmt, dims, None)


def test_sample_files_match_builders() -> None:
    """The committed sample files are exactly what build.py produces (regenerate with build.py)."""
    for name, data in B.samples().items():
        assert B.read_sample(name) == data, name


@pytest.mark.parametrize(
    ("data", "fmt", "dims"),
    [
        (B.png(1, 1), "image/png", (1, 1)),
        (B.gif(1, 65535), "image/gif", (1, 65535)),
        (B.webp_vp8(300, 200), "image/webp", (300, 200)),
        (B.webp_vp8l(16384, 2), "image/webp", (16384, 2)),
        (B.webp_vp8x(16_777_216, 1), "image/webp", (16_777_216, 1)),
        (B.jpeg(30, 20), "image/jpeg", (30, 20)),
        (B.jpeg(30, 20, sof=0xC2, fill=True), "image/jpeg", (30, 20)),
        (B.jpeg(65535, 8001, app1=65_000), "image/jpeg", (65535, 8001)),
        (
            B.jpeg(123, 45)[:2] + B._jpeg_segment(0xE2, bytes(65_000)) * 12 + B.jpeg(123, 45)[2:],
            "image/jpeg",
            (123, 45),
        ),
    ],
    ids=[
        "png",
        "gif",
        "webp-vp8",
        "webp-vp8l",
        "webp-vp8x",
        "jpeg",
        "jpeg-progressive-fill",
        "jpeg-big-app1",
        "jpeg-many-app2",
    ],
)
def test_dimensions_from_headers(data: bytes, fmt: str, dims: Tuple[int, int]) -> None:
    """Width and height come from PNG IHDR, GIF screen, WebP VP8/VP8L/VP8X and the first JPEG SOFn."""
    probe = probe_image(B.b64(data))
    assert (probe.format, probe.dimensions) == (fmt, dims)
    assert probe.byte_length == len(data)


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (B.png(4, 4)[:20], "image/png"),  # truncated before IHDR's size fields
        (B.jpeg(30, 20)[:40], "image/jpeg"),  # truncated before SOF
        (b"\xff\xd8" + B._jpeg_segment(0xDA, b"\x00" * 8) + b"\xff\xd9", "image/jpeg"),  # scan before frame
        (B.jpeg(0, 20), "image/jpeg"),  # zero width (DNL-style)
        (b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00", "image/webp"),
    ],
    ids=["png-truncated", "jpeg-truncated", "jpeg-sos-first", "jpeg-zero-width", "webp-truncated"],
)
def test_dimensions_unknown_when_header_incomplete(data: bytes, fmt: str) -> None:
    """A recognised format whose header is cut short or odd gives no dimensions, never an exception."""
    probe = probe_image(B.b64(data))
    assert (probe.format, probe.dimensions) == (fmt, None)


def test_image_dimensions_on_raw_header_bytes() -> None:
    """image_dimensions reads PNG/GIF/WebP headers from bytes and declines JPEG and unknown data."""
    assert image_dimensions(B.png(7, 9)[:30]) == (7, 9)
    assert image_dimensions(B.gif(5, 6)) == (5, 6)
    assert image_dimensions(B.jpeg(5, 6)) is None
    assert image_dimensions(b"nothing") is None


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"BM" + b"\x00" * 4 + b"\x00\x00\x00\x00" + b"\x36" + b"\x00" * 20, "image/bmp"),
        (b"BMP is a format", "text/plain"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00", "image/avif"),
        (b"\x00\x00\x00\x1cftypisom\x00\x00\x02\x00", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        (b"\xef\xbb\xbf<?xml version='1.0'?><svg/>", "image/svg+xml"),
        (b"<?xml version='1.0'?><note/>", "text/xml"),
        (b"<!DOCTYPE html><html>", "text/html"),
        (b"hello world", "text/plain"),
        (b"\x00\x01\x02\x03\x04\x05", None),
        (b"", None),
    ],
)
def test_sniff_format(head: bytes, expected: Optional[str]) -> None:
    """Signatures of the four API formats and of the formats people send by mistake are recognised."""
    assert sniff_format(head) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0), ("QQ==", 1), ("QUI=", 2), ("QUJD", 3), ("QUJDRA", 4), ("QUJDREU", 5), ("QUJDREVG", 6)],
)
def test_b64_decoded_length(text: str, expected: int) -> None:
    """Decoded length comes from string length and padding (missing padding tolerated)."""
    assert b64_decoded_length(text) == expected


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("", "the data is empty"),
        ("abcde", "the data is not valid base64 (5 characters leave one stray character)"),
        ("abc$defg", "the data is not valid base64 (character '$' at position 3)"),
        ("ab-_cdef", "the data is not valid base64 (character '-' at position 2)"),
        ("ab=cdefg", "the data is not valid base64 (character '=' at position 2)"),
        ("abcd====", "the data is not valid base64 (too much padding)"),
        (12, "the data is not a string"),
    ],
)
def test_undecodable_base64(data: str, problem: str) -> None:
    """Invalid base64 gives a clear problem string and no format."""
    probe = probe_image(data)
    assert (probe.problem, probe.format, probe.decodable) == (problem, None, False)


def test_data_url_prefix_is_reported_and_payload_still_sniffed() -> None:
    """A data-URL prefix is reported; the payload after it is still sniffed for the message."""
    probe = probe_image("data:image/png;base64," + B.b64(B.png(3, 4)))
    assert probe.data_url == "data:image/png;base64,"
    assert (probe.format, probe.dimensions, probe.decodable) == ("image/png", (3, 4), False)


def test_mime_wrapped_base64_is_read() -> None:
    """Base64 wrapped at 76 columns is read as if unwrapped (JPEG windows included)."""
    wrapped = "\n".join(textwrap.wrap(B.b64(B.jpeg(31, 21, app1=60_000)), 76))
    probe = probe_image(wrapped)
    assert (probe.format, probe.dimensions, probe.problem) == ("image/jpeg", (31, 21), None)
    assert probe.size == len(wrapped)


def test_missing_padding_is_flagged_not_fatal() -> None:
    """Unpadded base64 still decodes; the probe notes the missing padding."""
    probe = probe_image(B.b64(B.png(3, 4)).rstrip("="))
    assert (probe.format, probe.dimensions, probe.problem) == ("image/png", (3, 4), None)
    assert probe.padding_missing


def test_size_counts_base64_characters() -> None:
    """size is the string length the API's limit measures; byte_length the decoded size."""
    data = B.b64(B.png(2, 2)) + "A" * 400
    probe = probe_image(data)
    assert (probe.size, probe.byte_length) == (len(data), len(data) // 4 * 3 - 0)


def test_non_image_payloads_are_sniffed() -> None:
    """Text and PDFs sent as images are recognised as such."""
    assert probe_image(B.b64(b"just some text here")).format == "text/plain"
    assert probe_image(B.b64(B.pdf(1))).format == "application/pdf"
    assert probe_image(B.b64(b"\x00\x01\x02\x03" * 8)).format is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (B.pdf(3), PdfProbe(True, pages=3, pages_reliable=True)),
        (B.pdf(1, encrypted=True), PdfProbe(True, encrypted=True, pages=1, pages_reliable=True)),
        (B.pdf_object_stream(4), PdfProbe(True, pages=4, pages_reliable=True)),
        (B.pdf(7, count=False), PdfProbe(True, pages=7, pages_reliable=False)),
        (b"\n\n" + B.pdf(2), PdfProbe(True, pages=2, pages_reliable=True)),
        (B.pdf(120), PdfProbe(True, pages=120, pages_reliable=True)),
        (b"%PDF-1.4\n%%EOF\n", PdfProbe(True)),
        (B.png(1, 1), PdfProbe(False, problem="the data is not a PDF: it looks like image/png")),
        (b"\x00\x01\x02garbage", PdfProbe(False, problem="the data is not a PDF: it has no %PDF- header")),
    ],
    ids=[
        "3-pages",
        "encrypted",
        "object-stream",
        "no-count",
        "leading-junk",
        "120-pages",
        "no-pages",
        "png",
        "garbage",
    ],
)
def test_probe_pdf(data: bytes, expected: PdfProbe) -> None:
    """PDF probing: root /Count (also inside an /ObjStm), page objects as fallback, /Encrypt, not-a-PDF."""
    assert probe_pdf(B.b64(data)) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("", PdfProbe(False, problem="the data is empty")),
        (
            "JVBE$",
            PdfProbe(False, problem="the data is not valid base64 (5 characters leave one stray character)"),
        ),
        (
            "JVBERi0x!A==",
            PdfProbe(False, problem="the data is not valid base64 (character '!' at position 8)"),
        ),
        (
            "data:application/pdf;base64," + B.b64(B.pdf(1)),
            PdfProbe(
                False,
                problem="the data starts with a data-URL prefix 'data:application/pdf;base64,'",
                data_url="data:application/pdf;base64,",
            ),
        ),
        (None, PdfProbe(False, problem="the data is not a string")),
    ],
    ids=["empty", "stray", "bad-char", "data-url", "not-str"],
)
def test_probe_pdf_undecodable(data: str, expected: PdfProbe) -> None:
    """Undecodable PDF data is reported with a readable reason."""
    assert probe_pdf(data) == expected


def test_probe_pdf_page_object_not_counted_inside_streams() -> None:
    """'/Type /Page' inside a content stream is not mistaken for a page object."""
    data = B.pdf(2, count=False).replace(
        b"%\xe2\xe3\xcf\xd3\n",
        b"%\xe2\xe3\xcf\xd3\n99 0 obj\n<< /Length 20 >>\nstream\n/Type /Page\nendstream\nendobj\n",
        1,
    )
    assert probe_pdf_bytes(data).pages == 2


def _image_sane(probe: ImageProbe, text: str) -> None:
    """An image probe's facts agree: the size is the string's, a size is known only with a format, a problem or a
    data URL means the data was not read as an image."""
    assert probe.size == len(text)
    assert probe.byte_length >= 0
    assert (probe.width is None) == (probe.height is None)
    if probe.width is not None and probe.height is not None:
        assert probe.format is not None and probe.width >= 0 and probe.height >= 0
    if not probe.decodable:
        assert probe.width is None


def _pdf_sane(probe: PdfProbe) -> None:
    """A PDF probe's facts agree: pages only for a PDF, never negative; a reliable count is a count."""
    if probe.pages is not None:
        assert probe.is_pdf and probe.pages >= 0
    if probe.pages_reliable:
        assert probe.pages is not None
    if probe.problem is not None:
        assert not probe.is_pdf


@settings(max_examples=200, deadline=None, database=None)
@given(st.binary(max_size=300))
def test_probe_never_raises_on_any_bytes(data: bytes) -> None:
    """Any byte string, base64-encoded, probes as an image and as a PDF without raising, and what the probes say
    holds together."""
    text = B.b64(data)
    _image_sane(probe_image(text), text)
    _pdf_sane(probe_pdf(text))
    _pdf_sane(probe_pdf_bytes(b"%PDF-1.4\n" + data))


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=200))
def test_probe_never_raises_on_any_text(text: str) -> None:
    """Any string probes without raising."""
    _image_sane(probe_image(text), text)
    _pdf_sane(probe_pdf(text))


@settings(max_examples=100, deadline=None, database=None)
@given(st.binary(min_size=1, max_size=200), st.integers(min_value=0, max_value=400))
def test_probe_never_raises_on_mutated_images(noise: bytes, at: int) -> None:
    """Valid headers with bytes overwritten anywhere still probe without raising."""
    for base in (B.jpeg(10, 10, app1=100), B.png(3, 3), B.webp_vp8x(5, 5), B.pdf_object_stream(2)):
        mutated = base[:at] + noise + base[at + len(noise) :]
        _image_sane(probe_image(B.b64(mutated)), B.b64(mutated))
        _pdf_sane(probe_pdf_bytes(mutated))


def _objstm(header: bytes, body: bytes, n: int) -> bytes:
    packed = __import__("zlib").compress(header + body)
    return (b"%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /N " + str(n).encode() + b" /First " + str(len(header)).encode()
            + b" /Filter /FlateDecode /Length " + str(len(packed)).encode() + b" >>\nstream\n" + packed
            + b"\nendstream\nendobj\ntrailer\n<< /Root 5 0 R >>\n%%EOF\n")


def test_pdf_budget_is_shared_by_the_documents_of_a_request() -> None:
    """The inflate budget is one per request: a document that spends it leaves nothing to the next, which says so
    instead of starting over."""
    from pytest_claude_guard._core._media import Budget, probe_pdf_bytes

    budget = Budget(inflate_bytes=1000)
    bomb = _objstm(b"5 0 ", b" " * 5000, 1)
    first, second = probe_pdf_bytes(bomb, budget), probe_pdf_bytes(bomb, budget)
    assert first.incomplete == "its object streams inflate past 32 MB (a decompression bomb?)"
    assert second.incomplete == ("the request's media budget was spent before it (its object streams inflate past "
                                 "32 MB (a decompression bomb?))")
    assert (first.pages, second.pages) == (None, None)


def test_object_stream_entries_out_of_order_are_not_copied() -> None:
    """Offsets that go back (a slice bomb: each object the whole stream) stop the stream; those before stay."""
    from pytest_claude_guard._core._media import Budget, _read_objstm

    body = b"<< /Type /Catalog /Pages 6 0 R >>" + b" " * 1000
    text = _objstm(b"5 0 6 1000 7 0 ", body, 3).split(b" obj", 1)[1]
    table: dict = {}
    _read_objstm(text, table, Budget())
    assert set(table) == {5}  # 6 would span 1000..end and 7 goes back to 0: not read
