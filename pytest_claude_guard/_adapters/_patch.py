"""Replace one attribute of a class and put it back; the only place adapters mutate a library."""

from __future__ import annotations

from typing import Any, Callable

from ._common import Uninstall

__all__ = ["patch_attr", "is_guarded", "MARK"]

MARK = "__claude_guard__"


def patch_attr(owner: Any, name: str, make: Callable[[Any], Any]) -> Uninstall:
    """Set ``owner.name = make(original)``; the returned callable restores the original if still ours."""
    original = owner.__dict__[name]
    wrapper = make(original)
    setattr(wrapper, MARK, True)
    wrapper.__wrapped__ = original
    setattr(owner, name, wrapper)

    def uninstall() -> None:
        if owner.__dict__.get(name) is wrapper:
            setattr(owner, name, original)

    return uninstall


def is_guarded(func: Any) -> bool:
    return bool(getattr(func, MARK, False))
