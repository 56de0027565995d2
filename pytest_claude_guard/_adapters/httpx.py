"""Raw ``httpx`` calls (and the 0.x anthropic SDK, which sends through httpx): hook ``httpx._client``."""

from __future__ import annotations

from types import ModuleType

from ._common import Interceptor, Uninstall
from ._httpx_family import install_send_hooks

__all__ = ["MODULE", "install"]

MODULE = "httpx._client"


def install(module: ModuleType, guard: Interceptor) -> Uninstall:
    return install_send_hooks(module, guard, "httpx")
