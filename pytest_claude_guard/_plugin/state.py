"""Capture state: which test is running, what its requests were, and what to answer an invalid one.

One :class:`Guard` per pytest run lives in ``config.stash``; it is the adapters' ``Interceptor``.  A request
is attributed to the test whose context made it (asyncio tasks inherit it), else to the test running now
(threads), else to the session.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from .._adapters._common import Block
from .._context import parse_endpoint
from .._engine import validate_request
from .._models import Registry
from .._render import to_api_error
from .._violation import Violation
from .options import Settings
from .redact import redact_headers, redact_text

__all__ = ["Guard", "Capture", "CapturedRequest", "SESSION_ID"]

SESSION_ID = "<session>"


@dataclass
class CapturedRequest:
    """One checked request: where it went, its (redacted) headers, and what was found."""

    url: str
    headers: Dict[str, str]
    raw_body: Any
    source: str
    violations: List[Violation]
    blocked: bool
    expected: Set[str] = field(default_factory=set)

    @property
    def endpoint(self) -> str:
        return redact_text(self.url.split("?", 1)[0])

    @property
    def body(self) -> Any:
        """The JSON body as sent (parsed on first use)."""
        raw = self.raw_body
        if isinstance(raw, (bytes, bytearray, str)):
            try:
                return json.loads(raw)
            except ValueError:
                return None
        return raw

    def label(self) -> str:
        return f"POST {self.endpoint} ({self.source})"


@dataclass
class Capture:
    """The requests of one test (or of the session, outside any test)."""

    nodeid: str
    settings: Settings
    requests: List[CapturedRequest] = field(default_factory=list)
    expecting: List[Set[str]] = field(default_factory=list)
    seen_codes: Set[str] = field(default_factory=set)
    reported: int = 0  # requests already turned into failures or warnings

    def failing(self, start: int = 0) -> List[Tuple[CapturedRequest, List[Violation]]]:
        out = []
        for req in self.requests[start:]:
            bad = [v for v in req.violations if v.code not in req.expected and self.settings.fails(v.severity)]
            if bad:
                out.append((req, bad))
        return out


class Guard:
    """The adapters' interceptor and the run's record of every violation."""

    def __init__(self, settings: Settings, registry: Optional[Registry]) -> None:
        self.settings = settings
        self.registry = registry
        self.records: List[Dict[str, Any]] = []
        self.checked = 0
        self._active = True
        self._lock = threading.Lock()
        self._var: contextvars.ContextVar[Optional[Capture]] = contextvars.ContextVar(f"claude_guard_{id(self)}", default=None)
        self._quiet: contextvars.ContextVar[bool] = contextvars.ContextVar(f"claude_guard_quiet_{id(self)}", default=False)
        self._current: Optional[Capture] = None
        self.session = Capture(SESSION_ID, settings)
        self._verdicts: "weakref.WeakKeyDictionary[Any, Optional[Block]]" = weakref.WeakKeyDictionary()

    # --- which test -------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self._active and not self._quiet.get()

    def stop(self) -> None:
        self._active = False

    def capture(self) -> Capture:
        return self._var.get() or self._current or self.session

    @contextlib.contextmanager
    def running(self, capture: Capture) -> Iterator[Capture]:
        token = self._var.set(capture)
        self._current = capture
        try:
            yield capture
        finally:
            self._current = None
            self._var.reset(token)

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Requests built inside are not checked (the guard's own SDK round-trips)."""
        token = self._quiet.set(True)
        try:
            yield
        finally:
            self._quiet.reset(token)

    # --- the Interceptor protocol --------------------------------------------------------------------
    def remember(self, request: object, block: Optional[Block]) -> None:
        try:
            self._verdicts[request] = block
        except TypeError:
            pass

    def recall(self, request: object) -> Tuple[bool, Optional[Block]]:
        try:
            if request in self._verdicts:
                return True, self._verdicts[request]
        except TypeError:
            pass
        return False, None

    def inspect(self, url: str, headers: Any, body: Any, *, source: str) -> Optional[Block]:
        """Never raises: a bug here must not turn into an SDK connection error."""
        try:
            return self._inspect(url, headers, body, source)
        except Exception:  # noqa: BLE001
            return None

    def _inspect(self, url: str, headers: Any, body: Any, source: str) -> Optional[Block]:
        capture = self.capture()
        settings = capture.settings
        if settings.mode == "off" or parse_endpoint(url).kind is None:
            return None
        found = validate_request(body, headers=headers, endpoint=url, registry=self.registry)
        violations = [v for v in found if v.code not in settings.ignore]
        with self._lock:
            self.checked += 1
        if not violations and not capture.expecting:
            return None
        expecting: Set[str] = set().union(*capture.expecting) if capture.expecting else set()
        expected = {v.code for v in violations if v.code in expecting}
        errors = [v for v in violations if v.is_error]
        blocked = settings.mode == "strict" and bool(errors)
        req = CapturedRequest(url, redact_headers(headers), body, source, violations, blocked, expected)
        with self._lock:
            capture.requests.append(req)
            capture.seen_codes.update(v.code for v in violations)
            for v in violations:
                self.records.append(self._record(capture.nodeid, req, v))
        return self._block(errors) if blocked else None

    @staticmethod
    def _record(nodeid: str, req: CapturedRequest, v: Violation) -> Dict[str, Any]:
        return {
            "test_id": nodeid,
            "code": v.code,
            "severity": v.severity,
            "path": v.path,
            "message": redact_text(v.message),
            "endpoint": req.endpoint,
            "source": req.source,
            "action": "blocked" if req.blocked else "sent",
            "expected": v.code in req.expected,
        }

    @staticmethod
    def _block(errors: Sequence[Violation]) -> Block:
        payload = to_api_error(errors)
        body = redact_text(json.dumps(payload)).encode("utf-8")
        headers = (
            ("content-type", "application/json"),
            ("x-should-retry", "false"),
            ("request-id", str(payload.get("request_id", "req_claude_guard"))),
        )
        return Block(errors[0].status or 400, body, headers)
