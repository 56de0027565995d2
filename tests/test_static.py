"""The strict gates run with the suite: ruff (E, F, W, B) over the tree and mypy --strict over the package."""
from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", "--quiet", "."],
        [sys.executable, "-m", "mypy", "--no-error-summary"],
    ],
    ids=["ruff", "mypy"],
)
def test_gate(command: list[str]) -> None:
    """The gate passes on the whole tree (configuration in pyproject.toml)."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
