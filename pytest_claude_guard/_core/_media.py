"""Images and PDFs from base64 strings: format, size, dimensions, page count.  Pure and cheap.

Nothing here raises on bad input, and no image is ever decoded whole: the format comes from the first
bytes, the byte length from the string length and its padding, and the dimensions from the header
(PNG ``IHDR``, GIF logical screen, WebP ``VP8``/``VP8L``/``VP8X``, JPEG's first ``SOFn`` marker, reached by
decoding only the few bytes of each segment header, so a large EXIF block before it costs nothing).
A PDF is decoded (its size is bounded by the request limit) to count pages and spot encryption, within one
`Budget` per request shared by every document in it (bytes inflated, objects read, seconds): a decompression or
slice bomb stops there, and says so (``PdfProbe.incomplete``).
"""
from __future__ import annotations

import binascii
import bisect
import re
import struct
import time
import zlib
from collections import deque
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Deque, Dict, Iterator, List, Optional, Tuple

__all__ = [
    "Budget",
    "begin_request",
    "request_budget",
    "ImageProbe",
    "PdfProbe",
    "IMAGE_TYPES",
    "b64_decoded_length",
    "sniff_format",
    "image_dimensions",
    "probe_image",
    "probe_pdf",
    "probe_pdf_bytes",
]

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
"""The media types the API accepts for base64 images."""

_B64_CHARS = re.compile(r"[A-Za-z0-9+/]*")
_BAD_CHAR = re.compile(r"[^A-Za-z0-9+/=]")
_WS = re.compile(r"\s")
_DATA_URL = re.compile(r"data:[^,]{0,200},")

_JPEG_SCAN_LIMIT = 1 << 20  # bytes of JPEG walked before giving up on finding SOFn
_JPEG_MAX_SEGMENTS = 512
_SOF_MARKERS = frozenset((0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF))
_JPEG_STANDALONE = frozenset((0x01, *range(0xD0, 0xD8)))

_HEIF_BRANDS = frozenset(
    (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1")
)
_AVIF_BRANDS = frozenset((b"avif", b"avis"))


@dataclass(frozen=True)
class ImageProbe:
    """What a base64 image string holds, as far as its first bytes tell."""

    size: int  # characters of the string as sent (the API's image limit counts these)
    byte_length: int  # decoded bytes, from the length and padding alone
    format: Optional[str]  # sniffed media type ("image/png", "application/pdf", ...); None = unrecognised
    width: Optional[int] = None
    height: Optional[int] = None
    problem: Optional[str] = None  # set when the data cannot be decoded as base64 at all
    data_url: Optional[str] = None  # a "data:image/png;base64," prefix found at the start
    padding_missing: bool = False  # length not a multiple of 4 (lenient decoders accept it)

    @property
    def decodable(self) -> bool:
        return self.problem is None and self.data_url is None

    @property
    def dimensions(self) -> Optional[Tuple[int, int]]:
        if self.width is None or self.height is None:
            return None
        return self.width, self.height


@dataclass(frozen=True)
class PdfProbe:
    """What a base64 PDF holds: is it a PDF, is it encrypted, how many pages."""

    is_pdf: bool
    encrypted: bool = False
    pages: Optional[int] = None
    pages_reliable: bool = False  # True when read from the root page tree's /Count
    problem: Optional[str] = None  # why it is not a usable PDF (undecodable base64, no %PDF- header, ...)
    data_url: Optional[str] = None
    incomplete: Optional[str] = None  # why reading stopped early (the request's budget ran out: a bomb?)


# --- base64 ---------------------------------------------------------------------------------------------


def b64_decoded_length(text: str) -> int:
    """Decoded byte length of a base64 string (no whitespace), from its length and padding alone."""
    n = len(text)
    pad = 2 if text.endswith("==") else 1 if text.endswith("=") else 0
    full, rest = divmod(n, 4)
    extra = {0: 0, 1: 0, 2: 1, 3: 2}[rest]
    return max(full * 3 - pad + extra, 0)


class _Reader:
    """Random access to the bytes behind a base64 string, decoding only the requested windows."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.normalised = False
        self.problem: Optional[str] = None
        self.length = b64_decoded_length(text)

    def _normalise(self) -> bool:
        if self.normalised:
            return False
        self.normalised = True
        self.text = "".join(self.text.split())
        self.length = b64_decoded_length(self.text)
        return True

    def read(self, offset: int, n: int) -> Optional[bytes]:
        """Bytes ``[offset, offset+n)`` (shorter at the end); None when that window is not valid base64."""
        if self.problem is not None:
            return None
        while True:
            q0, q1 = offset // 3, -(-(offset + n) // 3)
            chunk = self.text[q0 * 4 : q1 * 4]
            at_end = q1 * 4 >= len(self.text)
            body = chunk.rstrip("=") if at_end else chunk
            if _B64_CHARS.fullmatch(body) and len(chunk) - len(body) <= 2:
                break
            if _WS.search(chunk) and self._normalise():
                continue  # MIME-style line breaks: strip all whitespace once and retry
            self.problem = _why_not_base64(body, q0 * 4)
            return None
        try:
            raw = binascii.a2b_base64(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            self.problem = "the data is not valid base64"
            return None
        start = offset - q0 * 3
        return raw[start : start + n]


def _why_not_base64(body: str, base: int) -> str:
    bad = _BAD_CHAR.search(body) or re.search("=", body)
    if bad is None:
        return "the data is not valid base64 (too much padding)"
    return f"the data is not valid base64 (character {body[bad.start()]!r} at position {base + bad.start()})"


def _split_data_url(data: str) -> Tuple[str, Optional[str]]:
    if data[:5].lower() != "data:":
        return data, None
    m = _DATA_URL.match(data)
    if m is None:
        return data, data[:40]
    return data[m.end() :], m.group(0)


def _prepare(data: str) -> Tuple[_Reader, Optional[str], Optional[str]]:
    """-> (reader, data-URL prefix or None, problem or None)."""
    text, prefix = _split_data_url(data)
    if _WS.search(text, 0, 4096) or text[-1:].isspace():
        text = "".join(text.split())
    reader = _Reader(text)
    if not text:
        return reader, prefix, "the data is empty"
    if len(reader.text) % 4 == 1:
        stray = f"{len(reader.text)} characters leave one stray character"
        return reader, prefix, f"the data is not valid base64 ({stray})"
    return reader, prefix, None


# --- formats --------------------------------------------------------------------------------------------


def sniff_format(head: bytes) -> Optional[str]:
    """The media type the first bytes (32 or more) announce, or None when unrecognised."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.lstrip()[:5] == b"%PDF-":
        return "application/pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[:2] == b"BM" and len(head) >= 26 and head[6:10] == b"\x00\x00\x00\x00":
        return "image/bmp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _AVIF_BRANDS:
            return "image/avif"
        if brand in _HEIF_BRANDS:
            return "image/heic"
        return None
    return _sniff_text(head)


def _sniff_text(head: bytes) -> Optional[str]:
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    stripped = text.lstrip()[:256].lower()
    if stripped.startswith((b"<svg", b"<!doctype svg")):
        return "image/svg+xml"
    if stripped.startswith(b"<?xml"):
        return "image/svg+xml" if b"<svg" in stripped else "text/xml"
    if stripped.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    sample = text[:64]
    if len(sample) >= 4 and all(32 <= c < 127 or c in (9, 10, 13) for c in sample):
        return "text/plain"
    return None


def image_dimensions(head: bytes) -> Optional[Tuple[int, int]]:
    """(width, height) from a PNG, GIF or WebP header (the first 30 bytes); JPEG needs ``probe_image``."""
    fmt = sniff_format(head)
    try:
        if fmt == "image/png" and head[12:16] == b"IHDR":
            w, h = struct.unpack(">II", head[16:24])
        elif fmt == "image/gif":
            w, h = struct.unpack("<HH", head[6:10])
        elif fmt == "image/webp":
            return _webp_dimensions(head)
        else:
            return None
    except struct.error:
        return None
    return (w, h) if w and h else None


def _webp_dimensions(head: bytes) -> Optional[Tuple[int, int]]:
    chunk = head[12:16]
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a" and len(head) >= 30:
        w, h = struct.unpack("<HH", head[26:30])
        w, h = w & 0x3FFF, h & 0x3FFF
    elif chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = struct.unpack("<I", head[21:25])[0]
        w, h = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    elif chunk == b"VP8X" and len(head) >= 30:
        w = int.from_bytes(head[24:27], "little") + 1
        h = int.from_bytes(head[27:30], "little") + 1
    else:
        return None
    return (w, h) if w and h else None


def _jpeg_dimensions(reader: _Reader) -> Optional[Tuple[int, int]]:
    """Walk JPEG segments to the first SOFn, decoding only each 9-byte segment header."""
    pos = 2
    for _ in range(_JPEG_MAX_SEGMENTS):
        if pos >= min(reader.length, _JPEG_SCAN_LIMIT):
            return None
        head = reader.read(pos, 16)
        if head is None or len(head) < 4:
            return None
        if head[0] != 0xFF:
            return None
        i = 1
        while i < len(head) and head[i] == 0xFF:  # fill bytes
            i += 1
        if i >= len(head) - 2:
            pos += i
            continue
        marker = head[i]
        pos += i + 1
        if marker in _JPEG_STANDALONE or marker == 0xD8:
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan before any frame header
            return None
        seg = reader.read(pos, 7)
        if seg is None or len(seg) < 2:
            return None
        length = struct.unpack(">H", seg[:2])[0]
        if marker in _SOF_MARKERS:
            if len(seg) < 7:
                return None
            h, w = struct.unpack(">HH", seg[3:7])
            return (w, h) if w and h else None
        if length < 2:
            return None
        pos += length
    return None


def probe_image(data: str) -> ImageProbe:
    """Inspect a base64 image string: size, format and (for PNG/JPEG/GIF/WebP) dimensions."""
    if not isinstance(data, str):
        return ImageProbe(0, 0, None, problem="the data is not a string")
    size = len(data)
    reader, prefix, problem = _prepare(data)
    padding_missing = len(reader.text) % 4 in (2, 3)
    if problem is not None:
        return ImageProbe(size, reader.length, None, problem=problem, data_url=prefix)
    head = reader.read(0, 64)
    if head is None:
        return ImageProbe(size, reader.length, None, problem=reader.problem, data_url=prefix)
    fmt = sniff_format(head)
    dims = _jpeg_dimensions(reader) if fmt == "image/jpeg" else image_dimensions(head)
    return ImageProbe(
        size=size,
        byte_length=reader.length,
        format=fmt,
        width=dims[0] if dims else None,
        height=dims[1] if dims else None,
        problem=reader.problem,
        data_url=prefix,
        padding_missing=padding_missing,
    )


# --- the budget of one request -------------------------------------------------------------------------


@dataclass
class Budget:
    """What the media parsers of one request may still spend, every PDF and image of it together: bytes
    inflated, objects read, and seconds.  A hostile document (a decompression or slice bomb) spends it and
    stops; the next one finds it spent instead of starting over, so two bombs cost what one does."""

    inflate_bytes: int = 32 << 20  # the Messages body limit: no honest object stream inflates past it
    objects: int = 200_000
    seconds: float = 1.0
    started: float = field(default_factory=time.perf_counter)
    stopped: Optional[str] = None  # why reading stopped, once it did

    def stop(self, why: str) -> None:
        if self.stopped is None:
            self.stopped = why

    def out_of_time(self) -> bool:
        if self.stopped is None and time.perf_counter() - self.started > self.seconds:
            self.stop(f"the {self.seconds:g} s spent reading this request's media ran out")
        return self.stopped is not None

    def take_objects(self, n: int) -> bool:
        """Charge ``n`` objects; False (and stopped) when that is more than is left."""
        if self.stopped is not None:
            return False
        if n > self.objects:
            self.stop(f"it holds more than {MAX_OBJECTS_NOTE} objects")
            return False
        self.objects -= n
        return True


MAX_OBJECTS_NOTE = Budget.objects
_REQUEST_BUDGET: ContextVar[Optional[Budget]] = ContextVar("claude_guard_media_budget", default=None)


def begin_request() -> Budget:
    """Start the budget of a new request (the engine calls it as it parses the body); returns it."""
    budget = Budget()
    _REQUEST_BUDGET.set(budget)
    return budget


def request_budget() -> Budget:
    """The budget of the request being checked (a fresh one outside `validate_request`)."""
    budget = _REQUEST_BUDGET.get()
    return budget if budget is not None else begin_request()


# --- PDF ------------------------------------------------------------------------------------------------

_OBJ_HEAD = re.compile(rb"(?<![0-9])(\d{1,10})\s+\d{1,5}\s+obj$")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_ROOT = re.compile(rb"/Root\s+(\d{1,10})\s+\d{1,5}\s+R")
_PAGES_REF = re.compile(rb"/Pages\s+(\d{1,10})\s+\d{1,5}\s+R")
_COUNT = re.compile(rb"/Count\s+(\d{1,9})(?!\s*\d*\s+R)(?![0-9])")
_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
_TRAILER_MARK = re.compile(rb"trailer|/XRef")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_STREAM = re.compile(rb"stream\r?\n")
_INT = re.compile(rb"/(N|First)\s+(\d{1,9})\b")
_DIGITS = re.compile(rb"\d+")
_PAIR_CHARS = 24  # "num off " of one object stream entry: at most 10 + 1 + 10 + separators
_TIME_CHECK = 2048  # loop iterations between two looks at the clock


def probe_pdf(data: str, budget: Optional[Budget] = None) -> PdfProbe:
    """Inspect a base64 PDF: header, encryption, page count (root /Count, else page objects).  ``budget``:
    what this request may still spend (a fresh `Budget` when None)."""
    if not isinstance(data, str):
        return PdfProbe(False, problem="the data is not a string")
    reader, prefix, problem = _prepare(data)
    if problem is not None:
        return PdfProbe(False, problem=problem, data_url=prefix)
    if prefix is not None:
        return PdfProbe(False, problem=f"the data starts with a data-URL prefix {prefix!r}", data_url=prefix)
    text = reader.text
    body = text.rstrip("=")
    if not _B64_CHARS.fullmatch(body) or len(text) - len(body) > 2:
        return PdfProbe(False, problem=_why_not_base64(body, 0))
    try:
        raw = binascii.a2b_base64(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return PdfProbe(False, problem="the data is not valid base64")
    return probe_pdf_bytes(raw, budget)


def probe_pdf_bytes(raw: bytes, budget: Optional[Budget] = None) -> PdfProbe:
    """Inspect PDF bytes: header, encryption, page count, within ``budget`` (``incomplete`` says when not)."""
    start = raw.find(b"%PDF-", 0, 1024)
    if start < 0:
        fmt = sniff_format(raw[:64])
        what = f"looks like {fmt}" if fmt else "has no %PDF- header"
        return PdfProbe(False, problem=f"the data is not a PDF: it {what}")
    budget = budget if budget is not None else Budget()
    spent_before = budget.stopped
    try:
        encrypted = _encrypted(raw)
        objects = _objects(raw, budget)
        pages, reliable = _page_count(raw, objects, budget)
    except (RecursionError, MemoryError, ValueError):  # pragma: no cover - defensive
        return PdfProbe(True, incomplete="it could not be read")
    incomplete = None
    if budget.stopped is not None:
        incomplete = (budget.stopped if spent_before is None
                      else f"the request's media budget was spent before it ({budget.stopped})")
        if not reliable:
            pages = None  # a partial count of page objects says nothing
    return PdfProbe(True, encrypted=encrypted, pages=pages, pages_reliable=reliable, incomplete=incomplete)


def _encrypted(raw: bytes) -> bool:
    """An /Encrypt entry within 4 KB after a trailer or an xref stream's /XRef: one pass over each."""
    marks = [m.start() for m in _TRAILER_MARK.finditer(raw)]
    if not marks:
        return False
    for m in _ENCRYPT.finditer(raw, marks[0]):  # only an entry after some trailer can count
        k = bisect.bisect_left(marks, m.start())  # marks before the match: marks[:k]
        if k and m.start() - marks[k - 1] <= 4096:
            return True
    return False


def _objects(raw: bytes, budget: Budget) -> Dict[int, bytes]:
    """Object number -> object text (latest definition wins), including objects inside /ObjStm streams."""
    table: Dict[int, bytes] = {}
    streams: List[bytes] = []
    heads = list(_object_heads(raw, budget))
    if not budget.take_objects(len(heads)):
        heads = heads[: max(budget.objects, 0)]
    for i, (num, start) in enumerate(heads):
        if i % _TIME_CHECK == 0 and budget.out_of_time():
            break
        nxt = heads[i + 1][1] if i + 1 < len(heads) else len(raw)
        end = raw.find(b"endobj", start, nxt)
        text = raw[start : end if end >= 0 else nxt]
        table[num] = text
        if _OBJSTM.search(text, 0, 2048):
            streams.append(text)
    for text in streams:
        if budget.stopped is not None:
            break
        _read_objstm(text, table, budget)
    return table


def _object_heads(raw: bytes, budget: Budget) -> Iterator[Tuple[int, int]]:
    """(object number, offset after "N G obj") for every object header, found by the literal "obj"."""
    pos = raw.find(b"obj")
    seen = 0
    while pos >= 0:
        seen += 1
        if seen % _TIME_CHECK == 0 and budget.out_of_time():
            return
        after = raw[pos + 3 : pos + 4]
        if pos >= 3 and not (after.isalnum() or after == b"_"):
            m = _OBJ_HEAD.search(raw, max(0, pos - 24), pos + 3)
            if m is not None:
                yield int(m.group(1)), pos + 3
        pos = raw.find(b"obj", pos + 3)


def _read_objstm(text: bytes, table: Dict[int, bytes], budget: Budget) -> None:
    """The objects of one /ObjStm, charged to ``budget``: its inflated bytes, its objects.  Entries must sit
    in order inside the stream, so the object texts copied never add up to more than the stream itself."""
    sm = _STREAM.search(text)
    if sm is None:
        return
    head = text[: sm.start()]
    if b"/FlateDecode" not in head or b"/DecodeParms" in head:
        return
    nums = {k.decode(): int(v) for k, v in _INT.findall(head)}
    n, first = nums.get("N"), nums.get("First")
    if not n or first is None:
        return
    if not budget.take_objects(n):
        return
    stream = text[sm.end() :]
    cut = stream.rfind(b"endstream")
    if cut >= 0:
        stream = stream[:cut]
    try:
        d = zlib.decompressobj()
        inflated = d.decompress(stream, budget.inflate_bytes + 1)
    except zlib.error:
        return
    if len(inflated) > budget.inflate_bytes:
        budget.stop(f"its object streams inflate past {Budget.inflate_bytes >> 20} MB (a decompression bomb?)")
        return
    budget.inflate_bytes -= len(inflated)
    if first > len(inflated):
        return
    header = inflated[: min(first, _PAIR_CHARS * n)]
    pairs = [int(x) for x in _DIGITS.findall(header)][: 2 * n]
    entries = list(zip(pairs[0::2], pairs[1::2]))
    size = len(inflated) - first
    previous = 0
    for k, (num, off) in enumerate(entries):
        end = entries[k + 1][1] if k + 1 < len(entries) else size
        if not previous <= off <= end <= size:
            return  # offsets out of order: not a stream any writer makes; what was read so far stays
        previous = off
        table.setdefault(num, inflated[first + off : first + end])


def _dict_end(text: bytes) -> int:
    """Where an object's dictionary ends (its stream, if any, is not searched)."""
    sm = _STREAM.search(text)
    return sm.start() if sm else len(text)


def _page_count(raw: bytes, objects: Dict[int, bytes], budget: Budget) -> Tuple[Optional[int], bool]:
    """-> (pages, reliable): the root /Pages /Count when it resolves, else the number of page objects."""
    roots: Deque[int] = deque(maxlen=64)  # the last /Root entries (incremental updates append new ones)
    for m in _ROOT.finditer(raw):
        num = int(m.group(1))
        if not roots or roots[-1] != num:
            roots.append(num)
    for root in reversed(roots):
        catalog = objects.get(root)
        if catalog is None:
            continue
        ref = _PAGES_REF.search(catalog)
        node = objects.get(int(ref.group(1))) if ref else None
        if node is not None:
            count = _COUNT.search(node)
            if count is not None:
                return int(count.group(1)), True
        break
    leaves = 0
    for i, text in enumerate(objects.values()):
        if i % _TIME_CHECK == 0 and budget.out_of_time():
            break
        if _PAGE.search(text, 0, _dict_end(text)):
            leaves += 1
    return (leaves if leaves else None), False
