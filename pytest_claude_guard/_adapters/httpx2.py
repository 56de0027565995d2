"""Raw ``httpx2`` calls (and the anthropic SDK >= 1.0, which sends through httpx2): hook ``httpx2._client``."""

from __future__ import annotations

from types import ModuleType

from ._common import Interceptor, Uninstall
from ._httpx_family import install_send_hooks

__all__ = ["MODULE", "install"]

MODULE = "httpx2._client"


def install(module: ModuleType, guard: Interceptor) -> Uninstall:
    return install_send_hooks(module, guard, "httpx2")
