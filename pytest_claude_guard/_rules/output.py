"""Rules: output."""
from __future__ import annotations

from typing import Callable, Tuple

from .._context import Context

RULES: Tuple[Callable[[Context], None], ...] = ()
