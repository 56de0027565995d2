"""SDK-style keyword arguments (``model=..., messages=..., max_tokens=...``) become the exact request the
installed SDK would send: the SDK itself builds it against a capturing transport that never sends.

Public SDK surface only: ``anthropic.Anthropic``, ``DefaultHttpxClient``, ``APIConnectionError``.
"""

from __future__ import annotations

import json
import sys
import warnings
from typing import Any, Callable, ContextManager, Dict, List, Mapping, Optional, Tuple

__all__ = ["Built", "request_from_kwargs", "PLACEHOLDER_KEY"]

PLACEHOLDER_KEY = "claude-guard-placeholder"
_BASE_URL = "http://claude-guard.invalid"
_CONTROL = ("extra_headers", "extra_query", "extra_body", "timeout", "betas")

Built = Tuple[str, Optional[Dict[str, str]], Any]  # (endpoint url, headers or None if unknown, body)


class _Captured(Exception):
    pass


def _method(client: Any, endpoint: str, kwargs: Mapping[str, Any]) -> Any:
    beta = "betas" in kwargs
    messages = client.beta.messages if beta else client.messages
    if endpoint.rstrip("/").endswith("/count_tokens"):
        return messages.count_tokens
    if endpoint.rstrip("/").endswith("/batches"):
        return messages.batches.create
    return messages.create


def _plain(kwargs: Mapping[str, Any]) -> Dict[str, Any]:
    """Fallback when the SDK refuses the arguments itself: the body as written, headers unknown."""
    body = {k: v for k, v in kwargs.items() if k not in _CONTROL}
    extra = kwargs.get("extra_body")
    if isinstance(extra, Mapping):
        body.update(extra)
    parsed: Dict[str, Any] = json.loads(json.dumps(body, default=str))
    return parsed


def request_from_kwargs(kwargs: Mapping[str, Any], endpoint: str, quiet: Callable[[], ContextManager[Any]]) -> Built:
    """(url, headers, body) the installed SDK builds for ``kwargs``; ``quiet`` keeps the guard out of it."""
    try:
        import anthropic
    except ImportError:  # pragma: no cover - anthropic is a dependency
        return endpoint, None, _plain(kwargs)
    captured: List[Any] = []

    def handler(request: Any) -> Any:
        captured.append(request)
        raise _Captured()

    base = next(c for c in anthropic.DefaultHttpxClient.__mro__ if c.__name__ == "Client")
    lib = sys.modules[base.__module__.split(".")[0]]
    http_client = anthropic.DefaultHttpxClient(transport=lib.MockTransport(handler))
    client = anthropic.Anthropic(api_key=PLACEHOLDER_KEY, base_url=_BASE_URL, max_retries=0, http_client=http_client)
    try:
        with quiet(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. the SDK's DeprecationWarning for old models
            _method(client, endpoint, kwargs)(**kwargs)
    except anthropic.APIConnectionError:
        pass
    except (TypeError, ValueError):
        return endpoint, None, _plain(kwargs)
    finally:
        client.close()
    if not captured:
        return endpoint, None, _plain(kwargs)
    request = captured[0]
    headers = {k.lower(): v for k, v in request.headers.items()}
    return str(request.url), headers, bytes(request.content)
