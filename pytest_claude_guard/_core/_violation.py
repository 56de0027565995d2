"""The one diagnostic type: everything the engine finds becomes a `Violation`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

__all__ = ["Violation", "SEVERITIES", "CONFIDENCES"]

SEVERITIES = ("error", "warning")
CONFIDENCES = ("confirmed", "likely", "uncertain")


@dataclass(frozen=True)
class Violation:
    """Why the Messages API would reject (or may reject) a request.

    ``code`` is a stable cause id (the catalog's rule id), ``path`` uses the API's own dotted style
    (``messages.3.content.0.text``), ``status``/``error_type``/``api_message`` are what the API answers.
    """

    code: str
    severity: str
    path: str
    message: str
    fix: str
    status: int
    error_type: str
    api_message: Optional[str]
    confidence: str
    docs: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> Dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "message": self.message,
            "fix": self.fix,
            "status": self.status,
            "error_type": self.error_type,
            "api_message": self.api_message,
            "confidence": self.confidence,
            "docs": self.docs,
        }
