"""vcrpy: which cassettes are open, and whether one of them would answer a request from its recording.

A replayed request is not a live call: a model retired after the recording still replays, and the plugin
reports that as drift instead of failing.  Private vcrpy surface used, and only here:
``vcr.cassette.CassetteContextDecorator._patch_generator(self, cassette)`` (every ``use_cassette``, plain
vcrpy and pytest-recording alike, opens its cassette through it) and the public ``Cassette.can_play_response_for``,
which the probe asks and also wraps:

asking a cassette costs what vcrpy's own check costs (its request filters deep-copy the request, then every
recorded request is matched), and vcrpy asks again when the request reaches it: the probe's answer is kept, once,
for that next question about the same request (same thread and cassette; same method, URL, body and headers as
sent), so a replay costs one match.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._patch import patch_attr

__all__ = ["MODULE", "ReplayProbe", "install"]

MODULE = "vcr.cassette"


class ReplayProbe:
    """The open cassettes; ``__call__(url, headers, body)`` names the one that would replay the request."""

    def __init__(self) -> None:
        self._open: List[Any] = []
        self._lock = threading.Lock()
        self._request_class: Any = None
        self._ask: Callable[[Any, Any], Any] = lambda cassette, request: cassette.can_play_response_for(request)
        # thread -> the answers of the last probe: [(cassette, request identity, answer)], taken by vcrpy's next question
        self._answers: Dict[int, List[Tuple[Any, Any, Any]]] = {}

    def opened(self, cassette: Any) -> None:
        with self._lock:
            self._open.append(cassette)

    def closed(self, cassette: Any) -> None:
        with self._lock:
            if cassette in self._open:
                self._open.remove(cassette)
            self._answers.clear()

    def __call__(self, url: str, headers: Any, body: Any) -> Optional[str]:
        with self._lock:
            cassettes = list(self._open)
        if not cassettes or self._request_class is None:
            return None
        answers: List[Tuple[Any, Any, Any]] = []
        try:
            return self._first(cassettes, answers, url, headers, body)
        finally:
            self._answers[threading.get_ident()] = answers

    def _first(self, cassettes: List[Any], answers: List[Tuple[Any, Any, Any]], url: str, headers: Any,
               body: Any) -> Optional[str]:
        for cassette in reversed(cassettes):  # the innermost first
            try:
                request = self._request_class("POST", url, body, _as_sent(headers))
                answer = self._ask(cassette, request)
                answers.append((cassette, _identity(request), answer))
                if answer:
                    return str(getattr(cassette, "_path", None) or "cassette")
            except Exception:  # noqa: BLE001 - a cassette that cannot answer is no replay
                continue
        return None

    def recall(self, cassette: Any, request: Any) -> Tuple[bool, Any]:
        """(True, answer) when this thread's last probe asked ``cassette`` about this very request (method, URL,
        body and headers: everything a matcher or filter can read): the answer, given once; (False, None) otherwise."""
        answers = self._answers.pop(threading.get_ident(), None)
        if answers:
            try:
                identity = _identity(request)
            except Exception:  # noqa: BLE001 - not a vcrpy request: ask the cassette
                return False, None
            for asked, asked_identity, answer in answers:
                if asked is cassette and asked_identity == identity:
                    return True, answer
        return False, None


def _as_sent(headers: Any) -> Dict[str, str]:
    """The headers as vcrpy's own stubs read them: names as sent (not lower-cased), repeats joined with ", "."""
    raw = getattr(headers, "raw", None)
    if not isinstance(raw, list):
        return dict(headers.items()) if hasattr(headers, "items") else {}
    out: Dict[str, str] = {}
    for name, value in raw:
        key, text = name.decode("latin-1"), value.decode("latin-1")
        out[key] = f"{out[key]}, {text}" if key in out else text
    return out


def _identity(request: Any) -> Tuple[Any, Any, Any, Dict[Any, Any]]:
    return request.method, request.uri, request.body, dict(request.headers.items())


def install(module: ModuleType, probe: ReplayProbe) -> Callable[[], None]:
    decorator = getattr(module, "CassetteContextDecorator", None)
    cassette_class = getattr(module, "Cassette", None)
    if decorator is None or "_patch_generator" not in vars(decorator):
        return lambda: None  # an unknown vcrpy: replays are judged like live calls
    try:  # at install time (when vcrpy is imported), never on the request path
        probe._request_class = getattr(importlib.import_module("vcr.request"), "Request", None)
    except ImportError:
        return lambda: None

    def wrap_open(original: Any) -> Any:
        def _patch_generator(self: Any, cassette: Any) -> Any:
            probe.opened(cassette)
            try:
                yield from original(self, cassette)
            finally:
                probe.closed(cassette)

        return _patch_generator

    def wrap_ask(original: Any) -> Any:
        probe._ask = original

        def can_play_response_for(self: Any, request: Any) -> Any:
            known, answer = probe.recall(self, request)
            return answer if known else original(self, request)

        return can_play_response_for

    undo = [patch_attr(decorator, "_patch_generator", wrap_open)]
    if cassette_class is not None and "can_play_response_for" in vars(cassette_class):
        undo.append(patch_attr(cassette_class, "can_play_response_for", wrap_ask))

    def uninstall() -> None:
        for step in reversed(undo):
            step()

    return uninstall
