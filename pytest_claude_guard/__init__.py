"""pytest-claude-guard: catch requests the Anthropic Messages API would reject, before they are sent."""
from __future__ import annotations

from ._core._engine import preload, validate_request
from ._core._models import Registry, load_registry
from ._core._render import render_text, to_api_error
from ._plugin.api import ClaudeGuardWarning, assert_valid_request, check_mock
from ._core._violation import Violation

__all__ = [
    "validate_request",
    "preload",
    "Violation",
    "Registry",
    "load_registry",
    "render_text",
    "to_api_error",
    "assert_valid_request",
    "check_mock",
    "ClaudeGuardWarning",
    "__version__",
]

__version__ = "0.1.0"
