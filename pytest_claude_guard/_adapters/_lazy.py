"""Install an adapter when its library is imported, not before: importing the SDK at start-up costs seconds."""

from __future__ import annotations

import sys
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Callable, Dict, Optional, Sequence

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
    """``callbacks`` maps a module name to what to do with it once it is imported (or now, if it already is)."""

    def __init__(self, callbacks: Dict[str, Callback]) -> None:
        self._callbacks = dict(callbacks)

    def start(self) -> None:
        pending = {}
        for name, callback in self._callbacks.items():
            module = sys.modules.get(name)
            if module is not None:
                callback(module)
            else:
                pending[name] = callback
        self._callbacks = pending
        if pending:
            sys.meta_path.insert(0, self)

    def stop(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)

    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Optional[ModuleType] = None) -> Optional[ModuleSpec]:
        callback = self._callbacks.pop(fullname, None)
        if callback is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader, callback)
                return spec
        return None
