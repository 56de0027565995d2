"""The README stays true: its cause table and its two-command Quickstart."""
from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import gen_readme  # noqa: E402


def test_cause_table_matches_the_catalog_data() -> None:
    """The README's cause table is exactly what scripts/gen_readme.py generates from causes.json."""
    text = (ROOT / "README.md").read_text("utf-8")
    assert gen_readme.render(text) == text, "run: python scripts/gen_readme.py"


def test_every_cause_has_a_docs_anchor() -> None:
    """Each cause's docs link points at an anchor that exists in the README."""
    from pytest_claude_guard._causes import causes

    text = (ROOT / "README.md").read_text("utf-8")
    for cause in causes().values():
        anchor = cause.docs.rsplit("#", 1)[1]
        assert f'<a id="{anchor}"></a>' in text, anchor


def test_quickstart_has_two_commands_and_runs_the_demo_first() -> None:
    """The Quickstart block holds exactly two commands: the demo (with its installs) then the tests."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"<!-- quickstart:start -->(.*?)<!-- quickstart:end -->", text, re.S)
    assert block is not None
    lines = [ln for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("```")]
    assert len(lines) == 2
    assert "claude-guard demo" in lines[0]
    assert "pytest" in lines[1]
