"""Where a request comes from: the test whose context made it, and the line of user code that made it.

A request belongs to the test whose context sent it: asyncio tasks inherit the test's context; a thread, or a
``ThreadPoolExecutor`` job, belongs to the test (or fixture) that started or submitted it.  Nothing falls back
to "whatever test is running now", so a leaked thread never turns an unrelated test red.
"""

from __future__ import annotations

import concurrent.futures.thread
import contextvars
import os
import sys
import threading
from typing import Any, Callable, Generic, List, Optional, TypeVar

from .._adapters._patch import patch_attr

__all__ = ["Origins", "call_site"]

T = TypeVar("T")
_ATTR = "_claude_guard_origin"

# the first frame outside these packages is the user's code that made the request
_LIBRARIES = frozenset(
    {
        "anthropic", "httpx", "httpx2", "httpcore", "httpcore2", "requests", "urllib3", "pytest_claude_guard",
        "respx", "pytest_httpx", "vcr", "wrapt", "anyio", "sniffio", "_pytest", "pytest", "pluggy", "boto3",
        "botocore", "pydantic", "pydantic_core", "typing_extensions", "google", "aiohttp", "pytest_asyncio",
        "opentelemetry",
    }
)
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"asyncio", "concurrent", "threading", "contextlib", "functools"}


def call_site(root: str, start: int = 2, limit: int = 80) -> Optional[str]:
    """``app.py:42 in summarize``: the innermost frame that is neither a known library nor the standard library
    (paths relative to ``root``, taken at start-up: no file system call on the request path)."""
    try:
        frame: Any = sys._getframe(start)
    except ValueError:
        return None
    for _ in range(limit):
        if frame is None:
            return None
        top = str(frame.f_globals.get("__name__") or "").split(".", 1)[0]
        if top and top not in _LIBRARIES and top not in _STDLIB:
            filename = frame.f_code.co_filename
            if filename.startswith(root + os.sep):
                filename = filename[len(root) + 1 :]
            return f"{filename}:{frame.f_lineno} in {frame.f_code.co_name}"
        frame = frame.f_back
    return None


class Origins(Generic[T]):
    """The owner (a test's capture) of the current context, thread or executor job."""

    def __init__(self) -> None:
        self.var: contextvars.ContextVar[Optional[T]] = contextvars.ContextVar(f"claude_guard_origin_{id(self)}", default=None)

    def current(self) -> Optional[T]:
        owner = self.var.get()
        if owner is None:
            owner = getattr(threading.current_thread(), _ATTR + str(id(self)), None)
        return owner

    def install(self) -> Callable[[], None]:
        """Threads remember who started them; executor jobs run under who submitted them."""
        attr = _ATTR + str(id(self))
        origins = self

        def wrap_start(original: Any) -> Any:
            def start(thread: Any) -> Any:
                owner = origins.current()
                if owner is not None:
                    try:
                        setattr(thread, attr, owner)
                    except AttributeError:
                        pass
                return original(thread)

            return start

        def wrap_submit(original: Any) -> Any:
            def submit(executor: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
                owner = origins.current()
                if owner is None:
                    return original(executor, fn, *args, **kwargs)

                def run(*a: Any, **k: Any) -> Any:
                    token = origins.var.set(owner)
                    try:
                        return fn(*a, **k)
                    finally:
                        origins.var.reset(token)

                return original(executor, run, *args, **kwargs)

            return submit

        undo: List[Callable[[], None]] = [
            patch_attr(threading.Thread, "start", wrap_start),
            patch_attr(concurrent.futures.thread.ThreadPoolExecutor, "submit", wrap_submit),
        ]

        def uninstall() -> None:
            for step in reversed(undo):
                step()

        return uninstall
