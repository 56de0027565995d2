"""What the installed ``anthropic`` SDK knows about models, read from its source files without importing it.

The only place that knows the SDK's private layout (``_data/``, ``types/model_param.py``): every other module
sees a :class:`SdkFacts` or ``None``.  The files are parsed with :mod:`ast` (no import, so no httpx in the core
and no start-up cost), once per process, at preload (``_models.default_registry``).  Any shape this module does
not recognise (an older or newer SDK, a zipped install, no SDK at all) gives fewer facts or ``None``, never an
error: the built-in table then stands alone.

Read:

* model ids and aliases: every ``"claude-..."`` string in a ``Literal[...]`` of ``types/model_param.py`` and
  ``types/model.py``;
* end-of-life dates: ``DEPRECATED_MODELS`` (``{"claude-opus-4-5": "January 22nd, 2027", ...}``) in
  ``_data/deprecated_models.py`` (SDK 1.x/2.x) or, in older releases, ``resources/messages/messages.py``;
* a capability: ``MODELS_TO_WARN_WITH_THINKING_ENABLED`` lists models on which ``thinking.type=enabled`` is
  deprecated, i.e. still accepted (``_data/models_to_warn_with_thinking_enabled.py`` or the messages module).
"""

from __future__ import annotations

import ast
import calendar
import importlib.util
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

__all__ = ["SdkFacts", "read_sdk", "parse_end_of_life"]

ID_FILES = ("types/model_param.py", "types/model.py")
DEPRECATION_FILES = ("_data/deprecated_models.py", "resources/messages/messages.py", "resources/messages.py")
THINKING_FILES = (
    "_data/models_to_warn_with_thinking_enabled.py",
    "resources/messages/messages.py",
    "resources/messages.py",
)
MAX_SOURCE_BYTES = 2_000_000  # a messages module is ~150 KB; anything far larger is not what we look for


@dataclass(frozen=True)
class SdkFacts:
    """Model facts from one installed SDK (names as the SDK spells them)."""

    version: Optional[str]
    location: str
    model_ids: Tuple[str, ...]  # every id/alias in the SDK's model types, in the SDK's order
    end_of_life: Mapping[str, Optional[date]]  # deprecated name -> its end of life (None: unparsable date)
    end_of_life_text: Mapping[str, str]  # deprecated name -> the SDK's own wording ("January 22nd, 2027")
    thinking_enabled_deprecated: Tuple[str, ...]  # names on which thinking.type=enabled is deprecated (accepted)

    @property
    def label(self) -> str:
        return f"anthropic {self.version}" if self.version else "anthropic (version unknown)"


# --- dates ----------------------------------------------------------------------------------------------------

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")
_MONTH_FIRST = re.compile(r"^\s*([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\s*$")
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]+)\.?,?\s+(\d{4})\s*$")


def parse_end_of_life(text: object) -> Optional[date]:
    """``"January 22nd, 2027"``, ``"Jan 22, 2027"``, ``"22 January 2027"``, ``"2027-01-22"`` -> a date; else None."""
    if isinstance(text, date):
        return text
    if not isinstance(text, str):
        return None
    try:
        m = _ISO.match(text)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _MONTH_FIRST.match(text)
        if m and m.group(1).lower() in _MONTHS:
            return date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
        m = _DAY_FIRST.match(text)
        if m and m.group(2).lower() in _MONTHS:
            return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:  # February 30th
        return None
    return None


# --- reading the package ----------------------------------------------------------------------------------------


def _package_dir(package: str) -> Optional[Path]:
    """The installed package's folder, found without importing it (an imported one is used as it is)."""
    module = sys.modules.get(package)
    spec = getattr(module, "__spec__", None) if module is not None else importlib.util.find_spec(package)
    locations = list(getattr(spec, "submodule_search_locations", None) or [])
    for location in locations:
        path = Path(location)
        if path.is_dir():
            return path
    return None


def _parse(root: Path, relative: str) -> Optional[ast.Module]:
    path = root / relative
    try:
        if not path.is_file() or path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return ast.parse(path.read_text("utf-8"), filename=str(path))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
        return None


def _literal_strings(tree: ast.Module) -> List[str]:
    """Every ``"claude-..."`` string constant inside a ``Literal[...]`` subscript, in source order."""
    found: List[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Subscript):
            continue
        head = node.value
        name = head.id if isinstance(head, ast.Name) else head.attr if isinstance(head, ast.Attribute) else ""
        if name != "Literal":
            continue
        for item in ast.walk(node.slice):
            if isinstance(item, ast.Constant) and isinstance(item.value, str) and item.value.startswith("claude-"):
                found.append(item.value)
    return found


def _assigned(tree: ast.Module, name: str) -> Optional[object]:
    """The literal value of a module-level ``NAME = ...`` / ``NAME: T = ...``; None if absent or not literal."""
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            try:
                found: object = ast.literal_eval(value)
                return found
            except (ValueError, TypeError, SyntaxError, RecursionError):
                return None
    return None


def _first_assigned(root: Path, files: Iterable[str], name: str) -> Optional[object]:
    for relative in files:
        tree = _parse(root, relative)
        if tree is not None:
            value = _assigned(tree, name)
            if value is not None:
                return value
    return None


def _version(root: Path) -> Optional[str]:
    tree = _parse(root, "_version.py")
    value = _assigned(tree, "__version__") if tree is not None else None
    return value if isinstance(value, str) else None


def read_sdk(package: str = "anthropic") -> Optional[SdkFacts]:
    """The installed SDK's model facts, or None when there is no SDK or nothing recognisable in it.  Never raises."""
    try:
        root = _package_dir(package)
        if root is None:
            return None
        return _read(root)
    except Exception:  # noqa: BLE001 - an SDK shape we do not know degrades to the built-in table, silently
        return None


def _read(root: Path) -> Optional[SdkFacts]:
    ids: Dict[str, None] = {}
    for relative in ID_FILES:
        tree = _parse(root, relative)
        if tree is not None:
            ids.update((name, None) for name in _literal_strings(tree))
    eol_text: Dict[str, str] = {}
    deprecated = _first_assigned(root, DEPRECATION_FILES, "DEPRECATED_MODELS")
    if isinstance(deprecated, dict):
        eol_text = {k: str(v) for k, v in deprecated.items() if isinstance(k, str) and k.startswith("claude-")}
    warned = _first_assigned(root, THINKING_FILES, "MODELS_TO_WARN_WITH_THINKING_ENABLED")
    thinking = tuple(m for m in warned if isinstance(m, str)) if isinstance(warned, (list, tuple)) else ()
    if not ids and not eol_text and not thinking:
        return None
    return SdkFacts(
        version=_version(root),
        location=str(root),
        model_ids=tuple(ids),
        end_of_life={name: parse_end_of_life(text) for name, text in eol_text.items()},
        end_of_life_text=eol_text,
        thinking_enabled_deprecated=thinking,
    )
