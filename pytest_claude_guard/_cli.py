"""``claude-guard``: check payload files, run the demo, refresh the model registry, lint cassettes."""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

__all__ = ["main"]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claude-guard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    from . import _check_cmd, _demo

    _check_cmd.add_parser(sub)
    _demo.add_parser(sub)
    try:
        from . import _models_cmd

        _models_cmd.add_parser(sub)
    except ImportError:  # pragma: no cover - during development only
        pass
    try:
        from . import _cassettes_cmd

        _cassettes_cmd.add_parser(sub)
    except ImportError:  # pragma: no cover - during development only
        pass
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # pragma: no cover - e.g. `claude-guard check | head`
        return 0
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
