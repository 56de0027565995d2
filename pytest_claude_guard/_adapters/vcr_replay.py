"""vcrpy: which cassettes are open, and whether one of them would answer a request from its recording.

A replayed request is not a live call: a model retired after the recording still replays, and the plugin
reports that as drift instead of failing.  Private vcrpy surface used, and only here:
``vcr.cassette.CassetteContextDecorator._patch_generator(self, cassette)`` (every ``use_cassette``, plain
vcrpy and pytest-recording alike, opens its cassette through it) and the public ``Cassette.can_play_response_for``.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType
from typing import Any, Callable, List, Optional

from ._patch import patch_attr

__all__ = ["MODULE", "ReplayProbe", "install"]

MODULE = "vcr.cassette"


class ReplayProbe:
    """The open cassettes; ``__call__(url, headers, body)`` names the one that would replay the request."""

    def __init__(self) -> None:
        self._open: List[Any] = []
        self._lock = threading.Lock()
        self._request_class: Any = None

    def opened(self, cassette: Any) -> None:
        with self._lock:
            self._open.append(cassette)

    def closed(self, cassette: Any) -> None:
        with self._lock:
            if cassette in self._open:
                self._open.remove(cassette)

    def __call__(self, url: str, headers: Any, body: Any) -> Optional[str]:
        with self._lock:
            cassettes = list(self._open)
        if not cassettes or self._request_class is None:
            return None
        for cassette in reversed(cassettes):  # the innermost first
            try:
                request = self._request_class("POST", url, body, dict(headers.items()) if hasattr(headers, "items") else {})
                if cassette.can_play_response_for(request):
                    return str(getattr(cassette, "_path", None) or "cassette")
            except Exception:  # noqa: BLE001 - a cassette that cannot answer is no replay
                continue
        return None


def install(module: ModuleType, probe: ReplayProbe) -> Callable[[], None]:
    decorator = getattr(module, "CassetteContextDecorator", None)
    if decorator is None or "_patch_generator" not in vars(decorator):
        return lambda: None  # an unknown vcrpy: replays are judged like live calls
    try:  # at install time (when vcrpy is imported), never on the request path
        probe._request_class = getattr(importlib.import_module("vcr.request"), "Request", None)
    except ImportError:
        return lambda: None

    def wrapper(original: Any) -> Any:
        def _patch_generator(self: Any, cassette: Any) -> Any:
            probe.opened(cassette)
            try:
                yield from original(self, cassette)
            finally:
                probe.closed(cassette)

        return _patch_generator

    return patch_attr(decorator, "_patch_generator", wrapper)
