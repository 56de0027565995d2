"""Reading README.md the way its tests need it: fenced code blocks, sections by heading, and the anchors a link
can point at (GitHub's heading slugs and explicit ``<a id>`` tags)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Set

__all__ = ["README", "Block", "fenced_blocks", "section", "between", "files_of", "commands_of", "anchors", "slug"]

README = Path(__file__).resolve().parent.parent / "README.md"
_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_FILE = re.compile(r"^# ([\w./-]+\.(?:py|ini|toml|cfg))\s*$")


@dataclass(frozen=True)
class Block:
    lang: str
    text: str

    @property
    def path(self) -> str:
        """The file a block is, named by its first line (``# tests/test_x.py``); empty for other blocks."""
        first = self.text.split("\n", 1)[0]
        match = _FILE.match(first)
        return match.group(1) if match else ""


def _without_code(markdown: str) -> str:
    """The text with every fenced block blanked out, same length (a ``# comment`` inside code is not a heading)."""
    return _FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)


def fenced_blocks(markdown: str) -> List[Block]:
    return [Block(m.group(1), m.group(2)) for m in _FENCE.finditer(markdown)]


def section(markdown: str, heading: str) -> str:
    """The text under ``heading`` (its exact title, without the #s) up to the next heading of its level or above."""
    prose = _without_code(markdown)
    found = [m for m in _HEADING.finditer(prose) if m.group(2) == heading]
    assert len(found) == 1, f"README has {len(found)} headings titled {heading!r}"
    level = len(found[0].group(1))
    end = len(markdown)
    for m in _HEADING.finditer(prose, found[0].end()):
        if len(m.group(1)) <= level:
            end = m.start()
            break
    return markdown[found[0].end() : end]


def between(markdown: str, name: str) -> str:
    """The text between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", markdown, re.S)
    assert match is not None, f"README lacks the {name}:start / {name}:end markers"
    return match.group(1)


def files_of(blocks: Iterable[Block]) -> Dict[str, str]:
    """Path -> content of every block that names its file; blocks naming the same file add up, in order."""
    files: Dict[str, str] = {}
    for block in blocks:
        if block.path:
            files[block.path] = files[block.path] + "\n\n" + block.text if block.path in files else block.text
    return files


def commands_of(blocks: Iterable[Block]) -> List[List[str]]:
    """The ``pytest`` command lines of the ``console`` blocks, as argument lists (without ``pytest``)."""
    return [
        line.split()[1:]
        for block in blocks
        if block.lang == "console"
        for line in block.text.splitlines()
        if line.split()[:1] == ["pytest"]
    ]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, markup and punctuation dropped, spaces to hyphens."""
    text = re.sub(r"<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(markdown: str) -> Set[str]:
    """Every anchor a ``README.md#...`` link can land on: heading slugs (GitHub numbers repeats ``-1``, ``-2``,
    ...) and explicit ``<a id="...">`` / ``<a name="...">`` tags outside code."""
    prose = _without_code(markdown)
    found: Set[str] = set()
    seen: Dict[str, int] = {}
    for m in _HEADING.finditer(prose):
        base = slug(m.group(2))
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    found.update(re.findall(r"""<a\s+(?:id|name)=["']([^"']+)["']""", prose))
    return found
