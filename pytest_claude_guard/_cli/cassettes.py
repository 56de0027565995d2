"""``claude-guard lint-cassettes``: the command around the cassette linter (``_cassettes.lint``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._cassettes.lint import CASSETTE_CODES, lint_paths, render_json, render_lines
from .._core._causes import causes
from .._core._render import printable

__all__ = ["add_parser", "run"]


# --- command line -------------------------------------------------------------------------------------


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "lint-cassettes",
        help="validate the Messages requests recorded in vcrpy cassettes and find leaked keys",
        description=(
            "Validate every Anthropic Messages request recorded in vcrpy cassettes (YAML or JSON; files, "
            "folders or globs), compare with the errors the API recorded, and flag API keys and signatures "
            "without printing them.  Exit status: 0 every file read and nothing failing found; 1 error-severity "
            "findings or secrets; 2 usage error (an unknown code, a path that matches nothing); 3 a cassette or a "
            "recorded request body was not read (not a regular file, too large, invalid YAML/JSON, an alias or "
            "compression bomb, an undecodable body: each is a cassette_unreadable line saying why), nothing "
            "else failing.  1 wins over 3."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a cassette file, a folder, or a glob")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="CODE", help="skip a cause code (repeatable)"
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    known = set(causes()) | set(CASSETTE_CODES)
    unknown = [c for c in args.ignore if c not in known]
    if unknown:
        print(
            f"claude-guard lint-cassettes: error: unknown cause code(s) in --ignore: {', '.join(unknown)}",
            file=sys.stderr,
        )
        return 2
    result = lint_paths(args.paths, ignore=args.ignore)
    if result.missing:
        for arg in result.missing:
            print(f"claude-guard lint-cassettes: error: no cassette found at {arg}", file=sys.stderr)
        return 2
    if args.format == "json":
        text = json.dumps(render_json(result), indent=2, ensure_ascii=False)
    else:
        text = "\n".join(render_lines(result))
    print(printable(text))  # a lone surrogate from a cassette is printed as an escape, never a crash
    return result.status
