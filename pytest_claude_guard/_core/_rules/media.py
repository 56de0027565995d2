"""Rules: images, PDFs and sizes (catalog sections M, N, O and the 413 of section A).

One walk of the request collects every image, document and text string (``_scan``, memoised on the
context); each rule then reads that.  Image bytes are inspected lazily and only through ``_media``,
which never decodes a whole image.  Paths use the API's own tagged style
(``messages.2.content.0.image.source.base64``), as its error messages name them.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from .._context import Context
from .._media import IMAGE_TYPES, Budget, ImageProbe, PdfProbe, probe_image, probe_pdf, request_budget
from .._models import ModelInfo
from ._walk import in_block

__all__ = ["RULES", "MediaScan", "scan"]

IMAGE_LIMIT_FIRST_PARTY = 10_485_760  # base64 characters per image, first-party API (late 2026)
IMAGE_LIMIT_CLOUD = 5_242_880  # Bedrock and Vertex AI
MAX_SIDE = 8000
MANY_IMAGES = 20  # more than this many images and the per-side limit drops to MANY_MAX_SIDE
MANY_MAX_SIDE = 2000
TEXT_BYTES_LIMIT = 9_000_000
REQUEST_LIMIT = 32 * 1024 * 1024  # Messages and count_tokens bodies
ONE_MILLION = 1_000_000
ONE_MILLION_TIER_IMAGES = 600  # image/document and PDF page limits of 1M-context models

_PLATFORM_NAMES = {"anthropic": "the first-party API", "bedrock": "Amazon Bedrock", "vertex": "Vertex AI"}
_MAX_DEPTH = 8

Parts = Tuple[Any, ...]


@dataclass
class Image:
    parts: Parts  # the block's place: (..., "content", 2); its fields are named through in_block (the API's tags)
    block: Dict[str, Any]
    _probe: Optional[ImageProbe] = None

    @property
    def base64_data(self) -> Optional[str]:
        """The data of a base64 source with one of the four accepted media types, else None."""
        src = self.block.get("source")
        if not isinstance(src, dict) or src.get("type") != "base64":
            return None
        data = src.get("data")
        if not isinstance(data, str) or src.get("media_type") not in IMAGE_TYPES:
            return None
        return data

    @property
    def declared(self) -> str:
        src = self.block.get("source")
        return str(src.get("media_type")) if isinstance(src, dict) else ""

    def probe(self) -> Optional[ImageProbe]:
        data = self.base64_data
        if data is None:
            return None
        if self._probe is None:
            self._probe = probe_image(data)
        return self._probe


@dataclass
class Document:
    parts: Parts
    block: Dict[str, Any]
    budget: Optional[Budget] = None  # the request's media budget, shared by every document of it
    _probe: Optional[PdfProbe] = None

    @property
    def source_type(self) -> Optional[str]:
        src = self.block.get("source")
        kind = src.get("type") if isinstance(src, dict) else None
        return kind if isinstance(kind, str) else None

    @property
    def counts_as_document(self) -> bool:
        """PDF-like sources count toward the image+document limit; text and content sources do not."""
        return self.source_type in ("base64", "url", "file")

    def probe(self) -> Optional[PdfProbe]:
        src = self.block.get("source")
        if not isinstance(src, dict) or src.get("type") != "base64":
            return None
        if src.get("media_type") != "application/pdf":  # other media types are the schema rule's
            return None
        data = src.get("data")
        if not isinstance(data, str):
            return None
        if self._probe is None:
            self._probe = probe_pdf(data, self.budget if self.budget is not None else Budget())
        return self._probe


@dataclass
class MediaScan:
    """Every image, document and text string in one request."""

    images: List[Image] = field(default_factory=list)
    documents: List[Document] = field(default_factory=list)
    texts: List[str] = field(default_factory=list)
    budget: Optional[Budget] = None  # one per request, made for its first document; batch items share their request's

    @property
    def text_chars(self) -> int:
        return sum(len(t) for t in self.texts)

    def text_bytes(self) -> int:
        """Exact UTF-8 bytes of all text (only encodes non-ASCII strings)."""
        return sum(len(t) if t.isascii() else len(t.encode("utf-8", "surrogatepass")) for t in self.texts)

    def base64_chars(self) -> int:
        total = 0
        blocks = [item.block for item in self.images] + [item.block for item in self.documents]
        for block in blocks:
            src = block.get("source")
            if isinstance(src, dict) and isinstance(src.get("data"), str) and src.get("type") == "base64":
                total += len(src["data"])
        return total


# --- walking ---------------------------------------------------------------------------------------------


def scan(ctx: Context) -> MediaScan:
    """The request's media and text, collected once per context."""
    cached = ctx.memo.get("media_scan")
    if isinstance(cached, MediaScan):
        return cached
    # a batch's items share the budget the engine started for the whole request; any other request has its own,
    # started now (a budget left from an earlier request, its clock run down, would stop this one at once)
    out = MediaScan(budget=request_budget() if ctx.in_batch else None)
    system = ctx.body.get("system")
    if isinstance(system, str):
        out.texts.append(system)
    elif isinstance(system, list):
        _walk(system, ("system",), out, 0)
    for i, message in ctx.iter_messages():
        content = message.get("content")
        if isinstance(content, str):
            out.texts.append(content)
        elif isinstance(content, list):
            _walk(content, ("messages", i, "content"), out, 0)
    ctx.memo["media_scan"] = out
    return out


def _walk(blocks: List[Any], parts: Parts, out: MediaScan, depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    for j, block in enumerate(blocks):
        if isinstance(block, dict):
            _visit(block, (*parts, j), out, depth)


def _visit(block: Dict[str, Any], parts: Parts, out: MediaScan, depth: int) -> None:
    kind = block.get("type")
    if not isinstance(kind, str):
        return
    if kind == "text":
        if isinstance(block.get("text"), str):
            out.texts.append(block["text"])
    elif kind == "image":
        out.images.append(Image(parts, block))
    elif kind == "document":
        if out.budget is None:
            out.budget = Budget()
        out.documents.append(Document(parts, block, out.budget))
        src = block.get("source")
        if isinstance(src, dict):
            data = src.get("data")
            inner = src.get("content")
            if src.get("type") == "text" and isinstance(data, str):
                out.texts.append(data)
            elif src.get("type") == "content":
                if isinstance(inner, str):
                    out.texts.append(inner)
                elif isinstance(inner, list):
                    _walk(inner, in_block(parts, block, "source", "content", "content"), out, depth + 1)
    else:
        content = block.get("content")
        if kind == "tool_result" and isinstance(content, str):
            out.texts.append(content)
        elif isinstance(content, list) and kind in ("tool_result", "search_result"):
            _walk(content, in_block(parts, block, "content"), out, depth + 1)
        elif isinstance(content, dict) and depth < _MAX_DEPTH:  # server tool results (web_fetch, ...)
            _visit(content, in_block(parts, block, "content"), out, depth + 1)


# --- helpers -------------------------------------------------------------------------------------------


def _model(ctx: Context) -> Optional[ModelInfo]:
    """The known model (also when no earlier rule looked it up); None for unknown or retired ids."""
    if ctx.lookup is None and isinstance(ctx.model_name, str):
        lookup = ctx.registry.lookup(ctx.model_name)
        return lookup.info if lookup.status == "known" else None
    return ctx.model


def _maybe_one_million(ctx: Context, model: ModelInfo) -> bool:
    """The 1M-context tier applies: natively, or possibly through the context-1m beta (headers unknown)."""
    if model.context_window is not None and model.context_window >= ONE_MILLION:
        return True
    return ctx.has_beta("context-1m") is not False


def _image_limit(ctx: Context, model: ModelInfo, limit: Optional[int]) -> Optional[int]:
    if limit is None:
        return None
    return max(limit, ONE_MILLION_TIER_IMAGES) if _maybe_one_million(ctx, model) else limit


def _data_parts(item: Image, leaf: bool = True) -> Parts:
    return in_block(item.parts, item.block, "source", "base64", *(("data",) if leaf else ()))


# --- rules -------------------------------------------------------------------------------------------------


def image_bytes(ctx: Context) -> None:
    """image_too_large_bytes and image_bytes_mismatch, per base64 image."""
    limit = IMAGE_LIMIT_FIRST_PARTY if ctx.endpoint.platform == "anthropic" else IMAGE_LIMIT_CLOUD
    platform = _PLATFORM_NAMES.get(ctx.endpoint.platform, ctx.endpoint.platform)
    for item in scan(ctx).images:
        probe = item.probe()
        if probe is None:
            continue
        if probe.size > limit:
            ctx.report(
                "image_too_large_bytes", *_data_parts(item, leaf=False),
                size=probe.size, limit=limit, limit_mb=limit // (1024 * 1024), platform=platform,
            )
        _mismatch(ctx, item, probe)


def _mismatch(ctx: Context, item: Image, probe: ImageProbe) -> None:
    declared = item.declared
    # Bytes that are no image, or not one of the declared type, are named at the data (anthropics/claude-code#15746,
    # #6300: "...image.source.base64.data: Image does not match the provided media type image/png"); an image of
    # another type one level up (vybestack/llxprt-code#2130: "...image.source.base64: The image was specified using
    # the image/jpeg media type, but the image appears to be a image/png image").
    parts = _data_parts(item)
    path = ctx.path(*parts)
    actual = probe.format
    severity: Optional[str] = None
    if probe.data_url is not None:
        rest = f" (the rest looks like {actual})" if actual else ""
        detail = f"{path} starts with a data-URL prefix {probe.data_url!r}{rest}: send only the base64 data"
        actual = "data URL"
    elif probe.problem is not None:
        detail = f"{path} cannot be decoded: {probe.problem}"
        actual = "undecodable"
    elif actual == declared:
        return
    elif actual is None:
        detail = f"{path} is declared {declared} but its bytes are not a recognised image format"
        actual = "unrecognised"
        severity = "warning"
    else:
        parts = _data_parts(item, leaf=False)
        path = ctx.path(*parts)
        if actual in IMAGE_TYPES or actual in ("image/bmp", "image/tiff", "image/heic", "image/avif"):
            detail = f"{path} is declared {declared} but the bytes are {actual}"
            # image/png with JPEG bytes: "The image was specified using the image/png media type, but the image
            # appears to be a image/jpeg image" on the first-party API (home-assistant/core#167208 claude-haiku-4-5,
            # Mercor-Intelligence/archipelago#205 claude-opus-5, BerriAI/litellm#24900, 1jehuang/jcode#465).  A PNG
            # declared image/jpeg: recorded accepted (activeagents/activeagent) and reported rejected
            # (dust-tt/dust#26545): a warning.  Bedrock and Vertex: no evidence either way, so a warning there.
            first_party = ctx.endpoint.platform == "anthropic"
            severity = None if declared == "image/png" and first_party else "warning"
        else:  # a PDF, SVG, HTML page or plain text: no image decoder accepts it
            detail = f"{path} is declared {declared} but the bytes are {actual}, not an image"
    if actual in ("data URL", "undecodable", "unrecognised"):
        api_detail = f"{path}: Image does not match the provided media type {declared}"
    else:
        api_detail = (f"{path}: The image was specified using the {declared} media type, but the image appears to be "
                      f"a {actual} image")
    ctx.report("image_bytes_mismatch", *parts, severity=severity,
               detail=detail, declared=declared, actual=actual, api_detail=api_detail)


def image_dimensions(ctx: Context) -> None:
    """image_dimension_too_large: a side over 8000 px, or over 2000 px when the request has > 20 images."""
    media = scan(ctx)
    many = len(media.images) > MANY_IMAGES
    for item in media.images:
        transformations = item.block.get("transformations")
        if isinstance(transformations, dict) and transformations.get("oversized_image") == "downsize":
            continue  # the API scales the image down instead of rejecting it
        probe = item.probe()
        dims = probe.dimensions if probe is not None else None
        if dims is None:
            continue
        side = max(dims)
        path = ctx.path(*_data_parts(item))
        if side > MAX_SIDE:
            ctx.report("image_dimension_too_large", *_data_parts(item), limit=MAX_SIDE, many="",
                       detail=f"{path} is {dims[0]}x{dims[1]} px; no side may exceed {MAX_SIDE} px")
        elif many and side > MANY_MAX_SIDE:
            ctx.report(
                "image_dimension_too_large", *_data_parts(item),
                limit=MANY_MAX_SIDE, many=" for many-image requests",
                detail=(f"{path} is {dims[0]}x{dims[1]} px and the request holds {len(media.images)} images; "
                        f"with more than {MANY_IMAGES} images no side may exceed {MANY_MAX_SIDE} px"),
            )


def image_count(ctx: Context) -> None:
    """too_many_images: images + documents over the known model's limit."""
    model = _model(ctx)
    if model is None:
        return
    limit = _image_limit(ctx, model, model.max_images)
    if limit is None:
        return
    media = scan(ctx)
    images = len(media.images)
    documents = sum(1 for d in media.documents if d.counts_as_document)
    if images + documents > limit:
        ctx.report("too_many_images", "messages", images=images, documents=documents, limit=limit,
                   model=model.display_id)


def pdfs(ctx: Context) -> None:
    """pdf_encrypted_or_invalid for every base64 PDF; pdf_too_many_pages for known models."""
    model = _model(ctx)
    limit = _image_limit(ctx, model, model.max_pdf_pages) if model is not None else None
    for item in scan(ctx).documents:
        probe = item.probe()
        if probe is None:
            continue
        # an unreadable PDF is named at the document block's tag: "messages.0.content.0.document.source.base64.data:
        # The PDF specified was not valid." (req_011Ce5uM3sAo1L9SPHL55PHt, quoted in public tests); the page limit at
        # the API's "pdf" tag: "messages.1.content.22.pdf.source.base64.data: A maximum of 600 PDF pages may be
        # provided" (quoted in public tests; Bedrock: "messages.38.content.1.pdf.source.base64.data: The PDF
        # specified is password protected.")
        parts = in_block(item.parts, item.block, "source", "base64", "data")
        path = ctx.path(*parts)
        pages_parts = (*item.parts, "pdf", "source", "base64", "data")  # the API's tag here, not the block's type
        if not probe.is_pdf:
            detail = f"{path} is not a usable PDF: {probe.problem}"
            ctx.report("pdf_encrypted_or_invalid", *parts, detail=detail)
            continue
        if probe.incomplete is not None:  # a bomb, or a request whose documents outgrow the budget: say so
            ctx.report("pdf_encrypted_or_invalid", *parts, severity="warning",
                       detail=f"{path} was not fully inspected: claude-guard stopped reading it because "
                              f"{probe.incomplete}; its page count is not checked")
        if probe.encrypted:  # an owner-password-only PDF may still open: warn
            ctx.report("pdf_encrypted_or_invalid", *parts, severity="warning",
                       detail=f"{path} is an encrypted PDF; the API refuses password-protected PDFs")
        if limit is not None and model is not None and probe.pages is not None and probe.pages > limit:
            ctx.report("pdf_too_many_pages", *pages_parts, severity=None if probe.pages_reliable else "warning",
                       pages=probe.pages, limit=limit, model=model.display_id)


def text_bytes(ctx: Context) -> None:
    """text_bytes_too_large: more than 9,000,000 UTF-8 bytes of text in the request."""
    media = scan(ctx)
    if media.text_chars * 4 <= TEXT_BYTES_LIMIT:  # a character is at most 4 UTF-8 bytes
        return
    size = media.text_bytes()
    if size > TEXT_BYTES_LIMIT:
        ctx.report("text_bytes_too_large", "messages", size=size)


def request_size(ctx: Context) -> None:
    """request_too_large: a Messages/count_tokens body over 32 MB (exact when the raw body was given)."""
    if ctx.in_batch or ctx.endpoint.platform != "anthropic":
        return
    raw_len = ctx.raw_len
    if isinstance(raw_len, int):
        size = raw_len
    else:
        media = scan(ctx)
        size = media.base64_chars() + media.text_chars  # a lower bound of the serialized body
    if size > REQUEST_LIMIT:
        ctx.report("request_too_large", size=size, limit=REQUEST_LIMIT)


def prompt_length(ctx: Context) -> None:
    """prompt_too_long: a lower-bound token estimate over the known model's context window."""
    if ctx.endpoint.kind != "messages":
        return
    model = _model(ctx)
    if model is None or model.context_window is None:
        return
    window = model.context_window
    if window < ONE_MILLION and _maybe_one_million(ctx, model):
        window = ONE_MILLION
    media = scan(ctx)
    if not media.documents and media.text_chars // 6 + 1500 * len(media.images) <= window:
        return  # even the largest possible estimate stays inside the window
    tokens = estimate_tokens(media)
    if tokens > window:
        ctx.report("prompt_too_long", "messages", tokens=tokens, limit=window, model=model.display_id)


def estimate_tokens(media: MediaScan) -> int:
    """A conservative lower bound of the prompt's tokens: text, images with known sizes, paged PDFs."""
    tokens = sum(_text_tokens(t) for t in media.texts)
    for item in media.images:
        probe = item.probe()
        dims = probe.dimensions if probe is not None else None
        if dims is not None:
            tokens += min(dims[0] * dims[1] // 800, 1500)
    for doc in media.documents:
        pdf = doc.probe()
        if pdf is not None and pdf.pages is not None and pdf.pages_reliable:
            tokens += pdf.pages * 250
    return tokens


def _text_tokens(text: str) -> int:
    """At least one token per 6 characters, or per 32 for highly repetitive text (long tokens)."""
    if len(text) < 20_000:
        return len(text) // 6
    sample = text[:32_768].encode("utf-8", "surrogatepass")
    ratio = len(sample) / max(len(zlib.compress(sample, 1)), 1)
    return len(text) // (32 if ratio > 8 else 6)


RULES: Tuple[Callable[[Context], None], ...] = (
    request_size,
    image_bytes,
    image_dimensions,
    image_count,
    pdfs,
    text_bytes,
    prompt_length,
)
