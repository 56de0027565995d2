"""The one marker type for request headers already normalised (lower-cased names, str values, repeats joined):
the engine and the redactor take them as they are instead of normalising again."""
from __future__ import annotations

from typing import Dict

__all__ = ["NormalizedHeaders"]


class NormalizedHeaders(Dict[str, str]):
    """Headers already normalised: normalising them again returns them as they are."""
