"""Regenerate the README's cause table from pytest_claude_guard/data/causes.json (tests keep them in sync)."""
from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pytest_claude_guard._core._causes import causes  # noqa: E402
from pytest_claude_guard._core._evidence import describe_scope, short_ref  # noqa: E402

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


# Rules that judge part of their evidence's scope a warning on purpose (the reason is in the rule, under
# pytest_claude_guard/_core/_rules/): the default column says so instead of the bare scope.  tests/test_readme.py runs the
# engine over the case table and the demo's examples and fails when a rule warns inside its scope without a line here
# (or a line here no longer matches what the engine does).
WITHIN_SCOPE = {
    "auth_missing": "warning (a gateway may add the credentials on the way)",
    "model_not_found": "error ({where}) for an id no model can have (`bad model`); warning elsewhere, and for an "
    "unknown well-formed id (with a did-you-mean)",
    "image_bytes_mismatch": "error ({where}) for bytes that are no image, cannot be decoded or start with a data-URL "
    "prefix, and for image/png declared on another image type; warning elsewhere (another image type declared "
    "on other image bytes, unrecognised bytes)",
}


def default_column(code: str) -> str:
    """What the table's default column says for a rule: the evidence's scope, or the rule's own narrower line."""
    scope = describe_scope(code)
    note = WITHIN_SCOPE.get(code)
    if note is None:
        return scope
    where = scope[len("error (") : scope.index(")")] if scope.startswith("error (") else "everywhere"
    return note.format(where=where)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table() -> str:
    rows = [
        "| code | § | what | answer | confidence | default | evidence | fix |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in causes().values():
        answer = f"{c.status} {c.error_type}" if c.status else "—"
        if c.kind == "rule":
            # severity follows evidence (data/evidence.json): an error only where a rejection was seen
            default = "warning" if c.default_severity == "warning" else default_column(c.code)
            evidence = short_ref(c.code)
        else:
            default, evidence = KIND_NOTE[c.kind], "—"
        rows.append(
            f'| <a id="{c.code}"></a>`{c.code}` | {c.section} | {_cell(c.title)} | {answer} | {c.confidence} | '
            f"{_cell(default)} | {_cell(evidence)} | {_cell(c.fix)} |"
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
