"""Shared test set-up.  The 0.x anthropic SDK (sends through httpx) lives in ``.legacy-sdk/`` (git-ignored),
installed once when missing; tests reach it through a subprocess with ``PYTHONPATH`` pointing there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LEGACY_SDK = REPO / ".legacy-sdk"
LEGACY_REQUIREMENTS = ("anthropic>=0.70,<1", "httpx", "respx")


def _legacy_ready() -> bool:
    return all((LEGACY_SDK / name).is_dir() for name in ("anthropic", "httpx", "respx"))


@pytest.fixture(scope="session")
def legacy_sdk() -> Path:
    """A folder holding the 0.x anthropic SDK, httpx and respx (pip-installed on first use)."""
    if not _legacy_ready():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(LEGACY_SDK), *LEGACY_REQUIREMENTS],
            check=True,
        )
    return LEGACY_SDK

