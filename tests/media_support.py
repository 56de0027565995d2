"""Shared by the media tests: the pure-Python media builders in ``fixtures/media/build.py``."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def media_builders() -> ModuleType:
    path = Path(__file__).parent / "fixtures" / "media" / "build.py"
    spec = importlib.util.spec_from_file_location("media_fixture_builders", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
