"""Regenerate the README's cause table from pytest_claude_guard/data/causes.json (tests keep them in sync)."""
from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pytest_claude_guard._causes import causes  # noqa: E402

START, END = "<!-- causes:start -->", "<!-- causes:end -->"
KIND_NOTE = {
    "rule": "",
    "not_an_error": "not an error: never reported",
    "not_checkable": "not decidable from the request: never reported",
    "sdk_side": "raised by the SDK before sending",
    "not_request_shape": "account state, not the request",
    "internal": "the validator's own",
    "alias": "reported under another code",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table() -> str:
    rows = [
        "| code | § | what | answer | confidence | default | fix |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in causes().values():
        answer = f"{c.status} {c.error_type}" if c.status else "—"
        if c.kind == "rule":
            default = "warning" if c.default_severity == "warning" else "error"
        else:
            default = KIND_NOTE[c.kind]
        rows.append(
            f'| <a id="{c.code}"></a>`{c.code}` | {c.section} | {_cell(c.title)} | {answer} | {c.confidence} | '
            f"{default} | {_cell(c.fix)} |"
        )
    return "\n".join(rows)


def render(readme: str) -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> int:
    path = ROOT / "README.md"
    text = path.read_text("utf-8")
    new = render(text)
    if new != text:
        path.write_text(new, "utf-8")
        print("README.md cause table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
