"""The README's "How it works" tree is the package's: every entry it names exists, and every module and package
of the top level and of the core is named (a moved or added module fails here until the README says so)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import List, Set

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pytest_claude_guard"


def _tree() -> List[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## How it works\n", 1)[1]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    return block.splitlines()


def _named() -> Set[str]:
    """Paths relative to the package, as the tree nests them ("_core/_engine.py", "data/")."""
    out: Set[str] = set()
    stack: List[str] = []
    for line in _tree()[1:]:
        m = re.match(r"^((?:│   |    )*)[├└]── (\S+)", line)
        assert m, f"not a tree line: {line!r}"
        depth = len(m.group(1)) // 4
        stack[depth:] = [m.group(2).rstrip("/")]
        out.add("/".join(stack[:depth] + [m.group(2)]))
    return out


def _entries(folder: Path) -> Set[str]:
    return {p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()
            if p.name != "__pycache__" and not p.name.startswith(".") and p.name != "py.typed"
            and (p.is_dir() or p.suffix == ".py")}


def test_every_named_entry_exists() -> None:
    for path in _named():
        assert (PACKAGE / path.rstrip("/")).exists(), f"README names {path}, which does not exist"


def test_every_top_level_and_core_entry_is_named() -> None:
    named = _named()
    for entry in _entries(PACKAGE):
        assert entry in named, f"pytest_claude_guard/{entry} is missing from the README's tree"
    for entry in _entries(PACKAGE / "_core") - {"__init__.py"}:
        assert f"_core/{entry}" in named, f"pytest_claude_guard/_core/{entry} is missing from the README's tree"
