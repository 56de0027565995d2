"""Install an adapter when its library is imported, not before: importing the SDK at start-up costs seconds."""

from __future__ import annotations

import sys
import threading
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Callable, Dict, Optional, Sequence, Set

__all__ = ["PostImportHooks"]

Callback = Callable[[ModuleType], None]


class _Loader(Loader):
    """Runs the real loader, then the callback; everything else is the real loader's."""

    def __init__(self, inner: Loader, callback: Callback) -> None:
        self._inner = inner
        self._callback = callback

    def create_module(self, spec: ModuleSpec) -> Optional[ModuleType]:
        return self._inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._inner.exec_module(module)
        self._callback(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class PostImportHooks(MetaPathFinder):
    """``callbacks`` maps a module name to what to do with it once it is imported (or now, if it already is).

    Every import of the name counts, not only the first: a nested in-process pytest run (``pytester``) drops
    the modules it imported when it ends, so the outer session must hook them again when its code re-imports
    them.  Several sessions' hooks stack: each one asks the finders after it, itself excepted."""

    def __init__(self, callbacks: Dict[str, Callback]) -> None:
        self._callbacks = dict(callbacks)
        self._resolving = threading.local()  # names this hook is finding now, per thread (hooks call each other)

    def start(self) -> None:
        for name, callback in self._callbacks.items():
            module = sys.modules.get(name)
            if module is not None:
                callback(module)
        if self._callbacks and self not in sys.meta_path:
            sys.meta_path.insert(0, self)

    def stop(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)

    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Optional[ModuleType] = None) -> Optional[ModuleSpec]:
        callback = self._callbacks.get(fullname)
        if callback is None:
            return None
        busy: Set[str] = self._resolving.__dict__.setdefault("names", set())
        if fullname in busy:
            return None  # another session's hook asked the finders after it, this one among them
        busy.add(fullname)
        try:
            for finder in list(sys.meta_path):
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                        spec.loader = _Loader(spec.loader, callback)
                    return spec
            return None
        finally:
            busy.discard(fullname)
