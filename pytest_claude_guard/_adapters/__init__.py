"""Adapters: one module per library turns its requests into ``(url, headers, body)`` for the engine.

``ADAPTERS`` maps the module whose import triggers an adapter to its ``install(module, interceptor)``;
:func:`install_all` hooks each library when it is imported (or at once if it already is).
:func:`stub_note` explains, for a failure's text, errors respx or pytest-httpx may add beside a blocked request.
"""

from __future__ import annotations

from types import MappingProxyType, ModuleType
from typing import Callable, Dict, List, Mapping

from . import anthropic, httpx, httpx2, requests
from ._common import Block, Interceptor, Uninstall, is_messages_url
from ._lazy import PostImportHooks
from .stubs import stub_note

__all__ = ["ADAPTERS", "Block", "Interceptor", "install_all", "is_messages_url", "stub_note"]

Install = Callable[[ModuleType, Interceptor], Uninstall]

ADAPTERS: Mapping[str, Install] = MappingProxyType(
    {
        httpx2.MODULE: httpx2.install,
        httpx.MODULE: httpx.install,
        requests.MODULE: requests.install,
        anthropic.MODULE: anthropic.install,
    }
)


def install_all(guard: Interceptor, extra: Mapping[str, Callable[[ModuleType], Uninstall]] = MappingProxyType({})) -> Uninstall:
    """Hook every supported library for ``guard`` (and run ``extra``'s installers, by module name, the same way);
    the returned callable undoes it all (last in, first out)."""
    undo: List[Uninstall] = []

    def bind(install: Install) -> Callable[[ModuleType], None]:
        def on_import(module: ModuleType) -> None:
            undo.append(install(module, guard))

        return on_import

    callbacks: Dict[str, Callable[[ModuleType], None]] = {name: bind(fn) for name, fn in ADAPTERS.items()}
    for name, install in extra.items():
        callbacks[name] = lambda module, install=install: undo.append(install(module))  # type: ignore[misc]
    hooks = PostImportHooks(callbacks)
    hooks.start()

    def uninstall() -> None:
        hooks.stop()
        while undo:
            undo.pop()()

    return uninstall
