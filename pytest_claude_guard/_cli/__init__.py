"""``claude-guard``: check payload files, explain a cause, run the demo, show or refresh the model table, lint
cassettes.

One module per command (``check``, ``explain``, ``models``, ``cassettes``; ``demo`` lives in ``.._demo``), each
with ``add_parser(subparsers)``; this module only builds the parser, answers ``--version`` and maps the outcome to
an exit status.
"""
from __future__ import annotations

import argparse
from typing import Any, List, Optional, Sequence, Union

__all__ = ["main", "version"]

DISTRIBUTION = "pytest-claude-guard"


def version() -> str:
    """The installed distribution's version; the package's ``__version__`` when it is not installed (a source
    tree on ``sys.path``)."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        from .. import __version__

        return str(__version__)


class _VersionAction(argparse.Action):
    """``--version``: like argparse's own, but the version is looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Union[str, Sequence[Any], None],
        option_string: Optional[str] = None,
    ) -> None:
        print(f"{parser.prog} {version()}")
        parser.exit()


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-guard", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True)
    from . import demo as _demo
    from . import cassettes, check, explain, models

    check.add_parser(sub)
    explain.add_parser(sub)
    _demo.add_parser(sub)
    models.add_parser(sub)
    cassettes.add_parser(sub)
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
