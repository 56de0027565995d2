"""Fetch the live Models API (``GET /v1/models``) and turn it into a registry file ``load_registry`` reads.

Stdlib only (``urllib.request``).  The API key is sent in ``x-api-key`` and never printed, logged or stored.
Fields the Models API does not report (prefill, sampling restrictions, mid-conversation ``system``, ...)
are left out of the file, so the built-in values for them stay in force.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from .._core._models import THINKING_TYPES, Registry, default_registry
from .._core._secrets import clean_url, redact_text

__all__ = [
    "DEFAULT_BASE_URL",
    "API_VERSION",
    "RefreshError",
    "fetch_models",
    "model_entry",
    "build_registry_file",
    "EFFORT_LEVELS",
]

DEFAULT_BASE_URL = "https://api.anthropic.com"
API_VERSION = "2023-06-01"
PAGE_LIMIT = 1000
MAX_PAGES = 100  # a runaway cursor never loops forever
TIMEOUT_SECONDS = 30.0
EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
LIFECYCLES = ("active", "deprecated", "retired")

Opener = Callable[..., Any]  # urllib.request.urlopen's signature: (request, timeout=...) -> response


class RefreshError(Exception):
    """A one-line, key-free explanation of why the Models API could not be read."""


def _page_url(base_url: str, after_id: Optional[str]) -> str:
    query: List[Tuple[str, str]] = [("limit", str(PAGE_LIMIT))]
    query.extend(("lifecycle[]", stage) for stage in LIFECYCLES)
    if after_id:
        query.append(("after_id", after_id))
    return f"{base_url.rstrip('/')}/v1/models?{urllib.parse.urlencode(query)}"


def _api_error_text(body: bytes) -> str:
    try:
        error = json.loads(body.decode("utf-8", "replace")).get("error", {})
        return f": {error.get('type', 'error')}: {str(error.get('message', ''))[:200]}"
    except (ValueError, AttributeError):
        return ""


def _get_json(url: str, api_key: str, opener: Opener) -> Dict[str, Any]:
    request = urllib.request.Request(
        url,
        headers={"x-api-key": api_key, "anthropic-version": API_VERSION, "accept": "application/json"},
        method="GET",
    )
    try:
        return _read_json(request, url, opener)
    except RefreshError as exc:  # whatever a server echoed back: any key-shaped string, any fragment of the key
        raise RefreshError(redact_text(str(exc), known=(api_key,))) from None


def _read_json(request: urllib.request.Request, url: str, opener: Opener) -> Dict[str, Any]:
    try:
        with opener(request, timeout=TIMEOUT_SECONDS) as response:
            payload = response.read()
    except urllib.error.HTTPError as exc:
        detail = _api_error_text(exc.read() if exc.fp is not None else b"")
        raise RefreshError(f"GET {_redact(url)} failed: HTTP {exc.code}{detail}") from None
    except urllib.error.URLError as exc:
        raise RefreshError(f"GET {_redact(url)} failed: {exc.reason}") from None
    except (OSError, ValueError) as exc:  # timeouts, bad URLs
        raise RefreshError(f"GET {_redact(url)} failed: {type(exc).__name__}: {exc}") from None
    try:
        data = json.loads(payload)
    except ValueError:
        raise RefreshError(f"GET {_redact(url)}: the answer is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise RefreshError(f"GET {_redact(url)}: unexpected answer (no 'data' list)")
    return data


def _redact(url: str) -> str:
    """The URL without userinfo (a proxy password), query string or fragment."""
    return clean_url(url)


def fetch_models(
    api_key: str, *, base_url: str = DEFAULT_BASE_URL, opener: Optional[Opener] = None
) -> List[Dict[str, Any]]:
    """Every ``ModelInfo`` the Models API lists (all lifecycle stages), following ``has_more``/``last_id``."""
    open_url: Opener = opener if opener is not None else urllib.request.urlopen
    models: List[Dict[str, Any]] = []
    after_id: Optional[str] = None
    for _ in range(MAX_PAGES):
        page = _get_json(_page_url(base_url, after_id), api_key, open_url)
        models.extend(m for m in page["data"] if isinstance(m, dict) and isinstance(m.get("id"), str))
        last_id = page.get("last_id")
        if not page.get("has_more") or not isinstance(last_id, str) or not last_id or last_id == after_id:
            return models
        after_id = last_id
    raise RefreshError(f"GET {base_url.rstrip('/')}/v1/models: more than {MAX_PAGES} pages, giving up")


def _supported(node: Any) -> Optional[bool]:
    """``{"supported": true}`` -> True; anything else -> None (unknown)."""
    if isinstance(node, Mapping) and isinstance(node.get("supported"), bool):
        return bool(node["supported"])
    return None


def _thinking(capabilities: Mapping[str, Any]) -> Optional[Dict[str, bool]]:
    types = (
        capabilities.get("thinking", {}).get("types")
        if isinstance(capabilities.get("thinking"), Mapping)
        else None
    )
    if not isinstance(types, Mapping):
        return None
    out = {kind: flag for kind in THINKING_TYPES if (flag := _supported(types.get(kind))) is not None}
    return out or None


def _effort_levels(capabilities: Mapping[str, Any]) -> Optional[List[str]]:
    """Levels the model offers; [] when effort is unsupported; None when the answer is incomplete."""
    effort = capabilities.get("effort")
    if not isinstance(effort, Mapping) or not isinstance(effort.get("supported"), bool):
        return None
    if not effort["supported"]:
        return []
    levels: List[str] = []
    for level in EFFORT_LEVELS:
        flag = _supported(effort.get(level))
        if flag is None:
            return None  # e.g. no "xhigh" key: we cannot say it is unsupported, so claim nothing
        if flag:
            levels.append(level)
    return levels


def _date(value: Any) -> Optional[str]:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def _positive_int(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def model_entry(info: Mapping[str, Any], builtin: Optional[Registry] = None) -> Dict[str, Any]:
    """One ``ModelInfo`` (as JSON) -> one registry entry.  Only what the API states is written.

    A dated id the built-in table knows as a snapshot (``claude-haiku-4-5-20251001``) is written under the
    built-in id with ``snapshot`` set, so both names keep resolving to one model.
    """
    api_id = str(info["id"])
    registry = builtin if builtin is not None else default_registry()
    known = registry.lookup(api_id).info
    entry: Dict[str, Any] = {"id": api_id}
    if known is not None and known.id != api_id:
        entry = {"id": known.id, "snapshot": api_id}
    if isinstance(info.get("display_name"), str):
        entry["display_name"] = info["display_name"]
    if info.get("lifecycle") in LIFECYCLES:
        entry["lifecycle"] = info["lifecycle"]
    retires = _date(info.get("retires_at"))
    if retires:
        entry["retired_on"] = retires
    for source, target in (("max_input_tokens", "context_window"), ("max_tokens", "max_output")):
        value = _positive_int(info.get(source))
        if value is not None:
            entry[target] = value
    capabilities = info.get("capabilities")
    if isinstance(capabilities, Mapping):
        thinking = _thinking(capabilities)
        if thinking is not None:
            entry["thinking"] = thinking
        effort = _effort_levels(capabilities)
        if effort is not None:
            entry["effort_levels"] = effort
        for key in ("structured_outputs", "citations", "image_input", "pdf_input", "batch"):
            flag = _supported(capabilities.get(key))
            if flag is not None:
                entry[key] = flag
    return entry


def build_registry_file(
    models: List[Dict[str, Any]], *, base_url: str = DEFAULT_BASE_URL, now: Optional[datetime] = None
) -> Dict[str, Any]:
    """The registry document: ``{"source", "fetched_at", "models": [...]}``, sorted by id for stable diffs."""
    builtin = default_registry()
    entries: Dict[str, Dict[str, Any]] = {}
    for info in models:
        entry = model_entry(info, builtin)
        entries.setdefault(entry["id"], {}).update(entry)
    stamp = (now or datetime.now(timezone.utc)).replace(microsecond=0).isoformat()
    return {
        "_comment": (
            "Written by 'claude-guard models refresh' from GET /v1/models. Only fields the Models API "
            "reports are present; the built-in table supplies the rest."
        ),
        "source": f"{base_url.rstrip('/')}/v1/models",
        "fetched_at": stamp,
        "models": [entries[k] for k in sorted(entries)],
    }
