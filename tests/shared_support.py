"""``../shared`` (the workspace's corpus and reference, beside the checkout): tests that read it skip, naming
it, in a plain clone; in CI (``CLAUDE_GUARD_REQUIRE_SHARED=1``, set by ``.ci/run``) they must run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

__all__ = ["SHARED", "shared_path"]

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
# .ci/run sets this: there ../shared is always beside the clone, so a test that needs it must run, not skip
REQUIRE_SHARED = os.environ.get("CLAUDE_GUARD_REQUIRE_SHARED") == "1"


def shared_path(*parts: str) -> Path:
    """A path under ``../shared`` (the workspace's corpus and reference, beside the checkout); skips the test
    with a reason naming it when absent (a plain clone), fails instead where CI requires it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"needs {path} (the workspace's shared corpus beside the checkout): absent in this clone"
        if REQUIRE_SHARED:
            pytest.fail(reason + ", and CLAUDE_GUARD_REQUIRE_SHARED=1 says it must be there")
        pytest.skip(reason)
    return path
