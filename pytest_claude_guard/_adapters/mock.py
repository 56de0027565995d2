"""``unittest.mock``: the calls a test recorded on a mock that replaced ``messages.create``."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

__all__ = ["recorded_calls"]


def recorded_calls(mock: Any) -> List[Tuple[int, Dict[str, Any]]]:
    """(call index, keyword arguments) of every call recorded on ``mock`` (the SDK's methods take keywords only)."""
    calls = getattr(mock, "call_args_list", None)
    if calls is None:
        raise TypeError(f"check_mock expects a unittest.mock object, got {type(mock).__name__}")
    return [(i, dict(call.kwargs)) for i, call in enumerate(calls)]
