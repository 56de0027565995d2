"""The README stays true: its cause table, its two-command Quickstart, the project's URLs and every docs link
the code prints (each lands on a README heading or anchor that exists)."""
from __future__ import annotations

import pathlib
import re
import sys
from typing import Any, Dict, Iterator, Tuple

import pytest

from readme_support import anchors

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import gen_readme  # noqa: E402

REPOSITORY = "https://github.com/pytest-claude-guard/pytest-claude-guard"
README_URL = REPOSITORY + "/blob/main/README.md"


def _pyproject() -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - the suite runs on 3.11+; tomli ships with pytest's own dependencies below it
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def test_cause_table_matches_the_catalog_data() -> None:
    """The README's cause table is exactly what scripts/gen_readme.py generates from causes.json."""
    text = (ROOT / "README.md").read_text("utf-8")
    assert gen_readme.render(text) == text, "run: python scripts/gen_readme.py"


def test_every_cause_docs_link_lands_on_the_readme() -> None:
    """Each cause's docs link (what the failure text prints after the fix) is the repository's README with an
    anchor that exists there; a Violation carries the same link."""
    from pytest_claude_guard._core._causes import causes, make_violation

    found = anchors((ROOT / "README.md").read_text("utf-8"))
    for cause in causes().values():
        page, _, anchor = cause.docs.partition("#")
        assert page == README_URL, cause.docs
        assert anchor in found, f"{cause.code}: README has no anchor #{anchor}"
    assert make_violation("prefill_not_supported", "messages.1").docs == README_URL + "#prefill_not_supported"


def _readme_links() -> Iterator[Tuple[str, str]]:
    """(where, anchor) for every link into the README: its own ``](#x)`` links, and every ``README.md#x`` the
    package, its data and the golden files print."""
    text = (ROOT / "README.md").read_text("utf-8")
    for anchor in re.findall(r"\]\(#([^)\s]+)\)", text):
        yield "README.md", anchor
    for anchor in re.findall(r"README\.md#([\w-]+)", text):
        yield "README.md", anchor
    for folder in ("pytest_claude_guard", "tests/golden", "scripts"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".json", ".txt", ".md") and "__pycache__" not in path.parts:
                for anchor in re.findall(r"README\.md#([\w-]+)", path.read_text("utf-8", errors="replace")):
                    yield str(path.relative_to(ROOT)), anchor


def test_every_link_into_the_readme_resolves() -> None:
    """No link into the README, in it or printed by the code, points at a section that does not exist."""
    found = anchors((ROOT / "README.md").read_text("utf-8"))
    links = list(_readme_links())
    assert links
    missing = sorted({(where, anchor) for where, anchor in links if anchor not in found})
    assert not missing, missing


@pytest.mark.parametrize(
    ("markdown", "anchor"),
    [
        ("## Quickstart", "quickstart"),
        ("### Cassettes (vcrpy, pytest-recording)", "cassettes-vcrpy-pytest-recording"),
        ("### `filterwarnings = error`", "filterwarnings--error"),
        ("### Error paths: `claude_guard.expect`", "error-paths-claude_guardexpect"),
        ("### Options, ini keys, marker", "options-ini-keys-marker"),
        ('| <a id="model_retired"></a>`model_retired` |', "model_retired"),
    ],
)
def test_anchor_rules(markdown: str, anchor: str) -> None:
    """Headings become GitHub's slugs (lower case, punctuation dropped, spaces to hyphens); explicit ids count."""
    assert anchor in anchors(markdown + "\n")


def test_code_blocks_are_not_headings() -> None:
    """A ``# comment`` line inside a code block is not a heading (no anchor)."""
    assert anchors("```python\n# tests/conftest.py\n```\n") == set()


def test_project_urls() -> None:
    """[project.urls] names the repository the package links to, and Documentation is a README anchor that exists."""
    from pytest_claude_guard._core._causes import DOCS_BASE

    urls = _pyproject()["project"]["urls"]
    assert urls == {
        "Homepage": REPOSITORY,
        "Repository": REPOSITORY,
        "Documentation": README_URL + "#pytest-claude-guard",
        "Issues": REPOSITORY + "/issues",
    }
    assert DOCS_BASE == README_URL + "#"
    assert urls["Documentation"].partition("#")[2] in anchors((ROOT / "README.md").read_text("utf-8"))


def test_quickstart_needs_nothing_outside_the_clone() -> None:
    """The Quickstart's two commands use only what the clone declares: the `test` extra (with pytest-xdist for
    -n), the `claude-guard` script; no `../shared` path."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"<!-- quickstart:start -->(.*?)<!-- quickstart:end -->", text, re.S)
    assert block is not None
    project = _pyproject()["project"]
    assert '".[test]"' in block.group(1) and "test" in project["optional-dependencies"]
    assert any(dep.startswith("pytest-xdist") for dep in project["optional-dependencies"]["test"])
    assert "claude-guard" in project["scripts"]
    assert "../shared" not in block.group(1)


def test_quickstart_has_two_commands_and_runs_the_demo_first() -> None:
    """The Quickstart block holds exactly two commands: the demo (with its installs) then the tests."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"<!-- quickstart:start -->(.*?)<!-- quickstart:end -->", text, re.S)
    assert block is not None
    lines = [ln for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("```")]
    assert len(lines) == 2
    assert "claude-guard demo" in lines[0]
    assert "pytest" in lines[1]


def _warned_inside_scope(monkeypatch: pytest.MonkeyPatch) -> Dict[str, int]:
    """Code -> how many requests (the case table's and the demo's, headers known) the engine reports it for only as
    a warning although the cause's evidence covers the situation."""
    import json

    from pytest_claude_guard._core import _evidence

    from pytest_claude_guard import validate_request
    from pytest_claude_guard._cli.demo import load_examples

    original = _evidence.scoped
    found: Dict[str, int] = {}

    def probe(violations: Any, ctx: Any) -> Any:
        situation = _evidence.situation_of(ctx)
        errors = {v.code for v in violations if v.severity == "error"}
        if situation.version is not None:  # headers unknown: every header-dependent rule warns (said above the table)
            for code in {v.code for v in violations if v.severity == "warning"} - errors:
                if _evidence.covered(code, situation):
                    found[code] = found.get(code, 0) + 1
        return original(violations, ctx)

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("pytest_claude_guard") and getattr(module, "scoped", None) is original:
            monkeypatch.setattr(module, "scoped", probe)
    requests = [(ex.body, ex.headers, ex.endpoint) for ex in load_examples()[1]]
    for path in sorted((ROOT / "tests" / "cases").rglob("*.json")):
        case = json.loads(path.read_text("utf-8"))
        if isinstance(case, dict) and "body" in case:
            requests.append((case["body"], case.get("headers"), case.get("endpoint", "/v1/messages")))
    for body, headers, endpoint in requests:
        validate_request(body, headers=headers, endpoint=endpoint)
    assert found is not None and requests
    return found


def test_default_column_names_every_rule_that_warns_inside_its_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a rule judges part of its evidence's scope a warning (headers known), the cause table's default column
    says so (gen_readme.WITHIN_SCOPE), and every line there still matches what the engine does."""
    warned = _warned_inside_scope(monkeypatch)
    assert set(warned) - set(gen_readme.WITHIN_SCOPE) == set(), "add a line to scripts/gen_readme.py WITHIN_SCOPE"
    assert set(gen_readme.WITHIN_SCOPE) - set(warned) == set(), "no case shows these warning inside their scope"


def test_default_column_wording() -> None:
    """The scope's platforms/endpoints go into a rule's own line; a rule without one shows the evidence's scope."""
    from pytest_claude_guard._core._evidence import describe_scope

    assert gen_readme.default_column("auth_missing") == "warning (a gateway may add the credentials on the way)"
    assert gen_readme.default_column("model_not_found").startswith("error (Anthropic API, messages) for an id no ")
    assert gen_readme.default_column("role_invalid") == describe_scope("role_invalid")


def test_without_pytest_example_prints_what_the_readme_shows(capsys: pytest.CaptureFixture[str]) -> None:
    """The "Without pytest" block, run as it stands, prints the output block under it."""
    from readme_support import fenced_blocks, section

    blocks = fenced_blocks(section((ROOT / "README.md").read_text("utf-8"), "Without pytest"))
    code = next(b.text for b in blocks if b.lang == "python")
    shown = next(b.text for b in blocks if b.lang == "text")
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out == shown
