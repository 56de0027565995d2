"""Rules: headers (anthropic-version, credentials, beta values, content encoding)."""
from __future__ import annotations

from typing import Callable, Tuple

from .._context import KNOWN_VERSIONS, Context

ENCODINGS = {"gzip", "deflate", "br", "zstd", "identity", ""}


def version_header(ctx: Context) -> None:
    if ctx.headers is None or ctx.endpoint.platform != "anthropic":
        return
    value = ctx.headers.get("anthropic-version")
    if value is None:
        ctx.report("version_header_missing", "")
    elif value.strip() not in KNOWN_VERSIONS:
        ctx.report("version_header_invalid", "", value=value)


def credentials(ctx: Context) -> None:
    """No x-api-key and no Authorization: a 401 (a warning: gateways may add credentials on the way).

    Not judged where the service signs the request after it is built (Mantle and AWS: SigV4; Google Cloud: a
    bearer token): the SDK attaches those credentials after the guard has seen the request."""
    if ctx.headers is None or ctx.endpoint.platform != "anthropic" or ctx.endpoint.service:
        return
    if not ctx.headers.get("x-api-key") and not ctx.headers.get("authorization"):
        ctx.report("auth_missing", "", severity="warning")


def beta_values(ctx: Context) -> None:
    """An empty anthropic-beta value is rejected (``Unexpected value(s) `` ...``); other values are not judged."""
    if ctx.headers is None or "anthropic-beta" not in ctx.headers:
        return
    parts = [p.strip() for p in ctx.headers["anthropic-beta"].split(",")]
    if any(p == "" for p in parts):
        ctx.report("beta_header_unknown", "", value="", platform_note=" (an empty value)")


def content_encoding(ctx: Context) -> None:
    if ctx.headers is None:
        return
    enc = ctx.headers.get("content-encoding")
    if enc is not None and enc.strip().lower() not in ENCODINGS:
        ctx.report("request_body_encoding", "", encoding=enc)


RULES: Tuple[Callable[[Context], None], ...] = (version_header, credentials, beta_values, content_encoding)
