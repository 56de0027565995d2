"""Capture state: which test a request belongs to, what it was, what was found, and what to answer.

One :class:`Guard` per pytest run lives in ``config.stash``; it is the adapters' ``Interceptor``.  A request
belongs to the test whose context made it (see :mod:`.origin`); one made outside any test, or after its test
ended, belongs to the session and fails the run.  ``inspect`` never raises: a failure of the guard itself is
recorded as an ``engine_error`` finding and the request is sent unchecked.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import re
import threading
import weakref
from dataclasses import dataclass, field
from typing import AbstractSet, Any, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from .._adapters import stub_note
from .._adapters._common import Block
from .._core._context import normalize_headers, parse_endpoint
from .._core._engine import validate_normalized
from .._core._models import Registry
from .._core._render import to_api_error
from .._core._violation import Violation
from .options import Settings
from .report import shippable
from .origin import Origins, call_site
from .._core._secrets import clean_url, redact_body, redact_headers, redact_text

__all__ = ["Guard", "Capture", "CapturedRequest", "SESSION_ID", "DRIFT_CODES", "ReplayProbe"]

SESSION_ID = "<session>"
# causes that come from the calendar, not from the code: a recording made before them still replays
DRIFT_CODES = frozenset({"model_retired", "model_deprecated"})
_CALLS = 64  # SDK calls whose checked body is kept for comparing their retries with
_BATCH_ITEM = re.compile(r"^requests\.(\d+)\.params(?:\.|$)")

# (url, headers, body) -> the cassette that would answer this request, or None
ReplayProbe = Callable[[str, Any, Any], Optional[str]]


@dataclass
class CapturedRequest:
    """One checked request: where it went, its (redacted) headers, what was found and what was done."""

    url: str
    headers: Dict[str, str]
    raw_body: Any = field(repr=False)
    source: str
    violations: List[Violation]
    blocked: bool
    expected: AbstractSet[str] = frozenset()  # the causes ``claude_guard.expect`` waits for that occurred
    call_site: Optional[str] = None
    replayed: Optional[str] = None  # the cassette that answers it, when it is replayed from a recording
    drift: Sequence[Violation] = ()  # violations that come from time, on a replay
    owner: str = SESSION_ID  # the test whose context made it
    late: bool = False  # made after its test ended (a leaked thread or task)
    note: Optional[str] = None  # why a mock library may add errors of its own beside a blocked request

    @property
    def endpoint(self) -> str:
        return self.url

    @property
    def body(self) -> Any:
        """The JSON body as sent (parsed on use; API keys masked)."""
        raw = self.raw_body
        if isinstance(raw, (bytes, bytearray)):
            raw = bytes(raw).decode("utf-8", "replace")
        if isinstance(raw, str):
            try:
                return json.loads(redact_text(raw))
            except ValueError:
                return None
        return raw

    @property
    def outside_test(self) -> bool:
        return self.late or self.owner == SESSION_ID

    def label(self) -> str:
        where = f", called at {self.call_site}" if self.call_site else ""
        return f"POST {self.endpoint} ({self.source}{where})"

    def failing(self, settings: Settings, drift_fails: bool = False) -> List[Violation]:
        """What fails: errors (warnings too with fail_on=warning) in strict mode, not expected, not drift."""
        return [
            v
            for v in self.violations
            if v.code not in self.expected and settings.fails(v.severity) and (drift_fails or v not in self.drift)
        ]

    def custom_id(self, path: str) -> Optional[str]:
        """The batch item's ``custom_id`` for a path under ``requests.N.params``."""
        m = _BATCH_ITEM.match(path)
        body = self.body if m else None
        if not m or not isinstance(body, dict) or not isinstance(body.get("requests"), list):
            return None
        items = body["requests"]
        index = int(m.group(1))
        item = items[index] if index < len(items) else None
        value = item.get("custom_id") if isinstance(item, dict) else None
        return str(value) if value is not None else f"#{index}"


@dataclass
class Capture:
    """The requests of one test (or of the session, outside any test)."""

    nodeid: str
    settings: Settings
    requests: List[CapturedRequest] = field(default_factory=list)
    expecting: List[Set[str]] = field(default_factory=list)
    reported: int = 0  # requests already turned into failures or warnings
    pending: bool = False  # a request with findings came since the last phase settled
    finished: bool = False


def _batch_items_only(kind: Optional[str], errors: Sequence[Violation]) -> bool:
    """Every error sits inside a batch item's params: the API accepts the batch and fails those items."""
    return kind == "batches" and bool(errors) and all(_BATCH_ITEM.match(v.path) for v in errors)


class Guard:
    """The adapters' interceptor and the run's record of every violation."""

    def __init__(self, settings: Settings, registry: Optional[Registry], *, drift_fails: bool = False) -> None:
        self.settings = settings
        self.registry = registry
        self.drift_fails = drift_fails
        self.records: List[Dict[str, Any]] = []
        self.checked = 0
        self.replay_probe: Optional[ReplayProbe] = None
        self.root = os.getcwd()  # call sites are shown relative to it
        self.today = ""  # the date lifecycles are judged as of, and its source (for the report)
        self._shipped = (0, 0)  # (records, checked) already sent to the xdist controller
        self._active = True
        self._lock = threading.Lock()
        self.origins: Origins[Capture] = Origins()
        self._quiet: contextvars.ContextVar[bool] = contextvars.ContextVar(f"claude_guard_quiet_{id(self)}", default=False)
        self.session = Capture(SESSION_ID, settings)
        # request -> (verdict, what the adapter judged): kept on the request object itself (an attribute named for
        # this guard: one lookup when a later hook sees the request), or here for objects without a __dict__;
        # SDK call (idempotency key) -> (body checked, verdict)
        self._mark = f"_claude_guard_verdict_{id(self):x}"
        self._verdicts: "weakref.WeakKeyDictionary[Any, Tuple[Optional[Block], Any]]" = weakref.WeakKeyDictionary()
        self._calls: Dict[str, Tuple[bytes, Optional[Block]]] = {}

    # --- which test -------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self._active and not self._quiet.get()

    def stop(self) -> None:
        self._active = False

    def capture(self) -> Capture:
        return self.origins.current() or self.session

    def enter(self, capture: Capture) -> Any:
        """Requests made from here on (and from threads and tasks started here) belong to ``capture``."""
        return self.origins.var.set(capture)

    def leave(self, capture: Capture, token: Any) -> None:
        capture.finished = True
        self.origins.var.reset(token)

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Requests built inside are not checked (the guard's own SDK round-trips)."""
        token = self._quiet.set(True)
        try:
            yield
        finally:
            self._quiet.reset(token)

    # --- xdist: records travel to the controller as each test ends -------------------------------
    def unshipped(self) -> Dict[str, Any]:
        with self._lock:
            records, checked = self._shipped
            payload = {"records": [shippable(r) for r in self.records[records:]], "checked": self.checked - checked}
            self._shipped = (len(self.records), self.checked)
        return payload

    # --- the Interceptor protocol --------------------------------------------------------------------
    def remember(self, request: object, block: Optional[Block], judged: Any = None, call: Optional[str] = None) -> None:
        """The verdict on ``request`` and what was judged; ``call``: keep the checked body for the SDK call's
        retries (a reference, no copy or hash; the last ``_CALLS`` calls: retries follow their first attempt)."""
        try:
            vars(request)[self._mark] = (block, judged)
        except TypeError:  # no __dict__ (slots): kept beside it while it lives
            try:
                self._verdicts[request] = (block, judged)
            except TypeError:
                pass
        if call is not None and judged is not None:
            calls = self._calls
            calls[call] = (judged[1], block)  # a new call goes last; the oldest is dropped past _CALLS
            if len(calls) > _CALLS:
                with self._lock:
                    try:
                        while len(calls) > _CALLS:
                            calls.pop(next(iter(calls)), None)
                    except RuntimeError:  # another thread added a call meanwhile: the next one trims
                        pass

    def known(self, request: object) -> Optional[Tuple[Optional[Block], Any]]:
        """(verdict, what was judged) for a request already judged, else None: the later hooks' one lookup (a
        verdict given while checking was active holds for the request wherever it goes next)."""
        try:
            return vars(request).get(self._mark)
        except TypeError:
            try:
                return self._verdicts.get(request)
            except TypeError:
                return None

    def recall(self, request: object) -> Tuple[bool, Optional[Block], Any]:
        try:
            found = vars(request).get(self._mark)
        except TypeError:
            try:
                found = self._verdicts.get(request)
            except TypeError:
                found = None
        return (False, None, None) if found is None else (True, found[0], found[1])

    def repeated(self, call: Optional[str], body: bytes) -> Tuple[bool, Optional[Block]]:
        """(True, verdict) when ``body`` equals the body checked for this SDK call (an identical retry)."""
        checked = self._calls.get(call) if call is not None else None
        if checked is not None and checked[0] == body:
            return True, checked[1]
        return False, None

    def inspect(self, url: str, headers: Any, body: Any, *, source: str) -> Optional[Block]:
        """Never raises (a bug here must not become an SDK connection error); a failure is a finding."""
        try:
            return self._inspect(url, headers, body, source)
        except Exception as exc:  # noqa: BLE001
            self._internal_error(url, source, exc)
            return None

    def _internal_error(self, url: str, source: str, exc: BaseException) -> None:
        try:
            owner = self.capture()
            record = {
                "test_id": owner.nodeid,
                "code": "engine_error",
                "severity": "warning",
                "path": "",
                "message": redact_text(f"claude-guard could not check this request and let it through unchecked "
                                       f"({type(exc).__name__}: {exc})"[:300]),
                "endpoint": clean_url(url),
                "source": source,
                "action": "sent",
                "expected": False,
            }
            with self._lock:
                self.records.append(record)
        except Exception:  # noqa: BLE001 - nothing may escape the send path
            pass

    def _inspect(self, url: str, headers: Any, body: Any, source: str) -> Optional[Block]:
        capture = self.capture()
        settings = capture.settings
        if settings.mode == "off" and not capture.expecting:
            return None
        endpoint = parse_endpoint(url)
        kind = endpoint.kind
        if kind is None:
            return None
        hdrs = normalize_headers(headers)  # once: the engine and the redacted copy both read the plain dict
        found = validate_normalized(body, hdrs, endpoint, self.registry)
        req = CapturedRequest(
            clean_url(url), redact_headers(hdrs), redact_body(body), source, found, False, owner=capture.nodeid,
            late=capture.finished,
        )
        if not found:  # the common case: nothing to record but the request
            with self._lock:
                self.checked += 1
                capture.requests.append(req)
            return None
        violations = req.violations = [v for v in found if v.code not in settings.ignore]
        if capture.expecting:
            expecting: Set[str] = set().union(*capture.expecting)
            req.expected = frozenset(v.code for v in violations if v.code in expecting)
        if violations:
            req.call_site = call_site(self.root, 3)
            if self.replay_probe is not None and any(v.code in DRIFT_CODES for v in violations):
                req.replayed = self.replay_probe(url, headers, body)
                if req.replayed is not None:
                    req.drift = tuple(v for v in violations if v.code in DRIFT_CODES)
        errors = [v for v in violations if v.is_error and v not in req.drift]
        req.blocked = settings.mode == "strict" and bool(errors) and not _batch_items_only(kind, errors)
        if req.blocked:
            req.note = stub_note(source)
        failing = req.failing(settings, self.drift_fails)
        with self._lock:
            self.checked += 1
            capture.requests.append(req)
            capture.pending = capture.pending or bool(violations)
            for v in violations:
                self.records.append(self._record(req, v, v in failing))
        return self._block(errors) if req.blocked else None

    @staticmethod
    def _record(req: CapturedRequest, v: Violation, fails: bool) -> Dict[str, Any]:
        record: Dict[str, Any] = {
            "test_id": req.owner,
            "code": v.code,
            "severity": v.severity,
            "path": v.path,
            "message": redact_text(v.message),
            "endpoint": req.endpoint,
            "source": req.source,
            "action": "blocked" if req.blocked else "sent",
            "expected": v.code in req.expected,
            "fails": fails,
        }
        if req.call_site:
            record["call_site"] = req.call_site
        if v in req.drift:
            record["drift"] = True
            record["cassette"] = req.replayed
            body = req.body
            record["model"] = redact_text(str(body.get("model"))) if isinstance(body, dict) else None
        if req.outside_test:
            record["outside_test"] = "after its test ended" if req.late else "outside any test"
        custom_id = req.custom_id(v.path) if v.path.startswith("requests.") else None
        if custom_id is not None:
            record["custom_id"] = custom_id
        return record

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
