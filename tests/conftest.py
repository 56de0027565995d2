"""Shared test set-up.  The 0.x anthropic SDK (sends through httpx) lives in ``.legacy-sdk/`` (git-ignored),
installed once when missing; tests reach it through a subprocess with ``PYTHONPATH`` pointing there.

``CLAUDE_GUARD_LEGACY_SDK`` names another requirement for that line (``.ci/run`` sets it to the oldest supported
release, after the run with the newest); it gets a folder of its own, ``.legacy-sdk-<version>/``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Model lifecycles are judged by date: this suite judges them as of a fixed day, so that a retirement on the
# calendar never turns it red (tests about other days use today_as / set the variable themselves).
SUITE_TODAY = "2026-11-15"
os.environ.setdefault("CLAUDE_GUARD_TODAY", SUITE_TODAY)
LEGACY_SPEC = os.environ.get("CLAUDE_GUARD_LEGACY_SDK", "").strip()
LEGACY_SDK = REPO / (".legacy-sdk-" + re.sub(r"[^A-Za-z0-9.]+", "_", LEGACY_SPEC) if LEGACY_SPEC else ".legacy-sdk")
# the SDK's own floor on httpx is too loose for old releases (httpx 0.28 dropped `proxies`): pin what they ran on
LEGACY_REQUIREMENTS = (LEGACY_SPEC, "httpx<0.28", "respx<0.22") if LEGACY_SPEC else ("anthropic>=0.70,<1", "httpx", "respx")


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

