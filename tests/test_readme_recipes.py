"""The README's code is what works: the recipes' blocks, taken from README.md, run as a project through pytest
(the real SDK and plugin, in a subprocess, valid requests answered by a local transport or a cassette, every
other connection refused), with the xdist recipe's command line, on both SDK lines (0.x with `httpx` for `httpx2`,
as the README says); respx / pytest-httpx in a project of their own.
Removing the lines a recipe says are needed makes it fail, and the failure example prints exactly the text the
README shows.

Set ``UPDATE_GOLDEN=1`` to rewrite the README's failure text from the current output."""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

import pytest
import yaml

from readme_support import README, Block, between, commands_of, fenced_blocks, files_of, section

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
TIMEOUT = 300

# loaded into every run (-p): a connection to anything but loopback is an error, so a recipe that would reach
# the network fails here instead of reaching it
NO_NETWORK = '''
import socket

_connect = socket.socket.connect


def _loopback_only(self, address, *args, **kwargs):
    if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
        raise OSError(f"the README test refuses network connections: {address!r}")
    return _connect(self, address, *args, **kwargs)


socket.socket.connect = _loopback_only
'''

# what the cassettes the recipes name hold: a recorded answer to a valid request (vcrpy matches on method and URL)
REPLY = {
    "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-6",
    "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn", "stop_sequence": None,
    "usage": {"input_tokens": 1, "output_tokens": 1},
}  # fmt: skip
RECORDED_REQUEST = {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": [{"role": "user", "content": "Hello"}]}


def readme() -> str:
    return README.read_text("utf-8")


def recipe_blocks(*headings: str) -> List[Block]:
    """The Recipes introduction's blocks (the shared conftest), then each named recipe's."""
    text = readme()
    recipes = section(text, "Recipes")
    intro = recipes.split("\n### ", 1)[0]
    blocks = fenced_blocks(intro)
    for heading in headings:
        blocks += fenced_blocks(section(text, heading))
    return blocks


class Project:
    """A pytester directory holding the README's files, run with the real plugin in a subprocess."""

    def __init__(self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, files: Dict[str, str]) -> None:
        self.pytester = pytester
        assert files, "the README section names no files"
        for path, content in files.items():
            target = pytester.path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, "utf-8")
        (pytester.path / "readme_no_network.py").write_text(NO_NETWORK, "utf-8")
        if not (pytester.path / "pytest.ini").exists():
            (pytester.path / "pytest.ini").write_text("[pytest]\n", "utf-8")  # this directory is the rootdir
        # nothing of ours leaks in: no key, no CI setting that changes pytest's output
        for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "CI", "BUILD_NUMBER"):
            monkeypatch.delenv(name, raising=False)

    def record(self, cassette: str) -> None:
        """A cassette under ``tests/cassettes`` holding a 200 answer to the recipes' valid request."""
        interaction = {
            "request": {
                "method": "POST",
                "uri": "https://api.anthropic.com/v1/messages",
                "body": json.dumps(RECORDED_REQUEST),
                "headers": {"content-type": ["application/json"], "anthropic-version": ["2023-06-01"]},
            },
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {"content-type": ["application/json"]},
                "body": {"string": json.dumps(REPLY)},
            },
        }
        path = self.pytester.path / "tests" / "cassettes" / cassette
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump({"version": 1, "interactions": [interaction]}), "utf-8")

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest_subprocess(
            "-p", "readme_no_network", "-p", "no:cacheprovider", *args, timeout=TIMEOUT
        )  # fmt: skip


def test_every_recipe_is_tested() -> None:
    """Each recipe under "Recipes" is run by a test here (a new recipe without one fails)."""
    headings = re.findall(r"^### (.+)$", section(readme(), "Recipes"), re.M)
    assert sorted(headings) == sorted([*TOGETHER, RESPX, XDIST])


# The recipes that fit in one project run together, with the pytest-xdist recipe's command line and the
# filterwarnings recipe's ini (so each also holds under `filterwarnings = error` and under xdist): one pytest
# process instead of one per recipe.  respx / pytest-httpx need an ini of their own (the httpx2 alias).
TOGETHER = (
    "Error paths: `claude_guard.expect`",
    "pytest-recording and vcrpy",
    "`filterwarnings = error`",
    "BlockBuster",
    "Bedrock through a gateway",
)
RESPX = "respx and pytest-httpx"
XDIST = "pytest-xdist"
FIXTURES = "Fixtures"  # not a recipe, but a block to copy: it runs with them


def _tests_in(files: Dict[str, str]) -> List[str]:
    return [
        f"{path}::{name}"
        for path, text in files.items()
        if Path(path).name.startswith("test_")
        for name in re.findall(r"^(?:async )?def (test_\w+)", text, re.M)
    ]


def _passed(result: pytest.RunResult) -> Set[str]:
    """The tests ``-rA``'s short summary lists as passed (in whatever order xdist finished them)."""
    return {line.split(" ", 1)[1] for line in result.stdout.lines if line.startswith("PASSED ")}


def _run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, headings: Sequence[str], command: List[str]
) -> Tuple[pytest.RunResult, List[str]]:
    blocks = recipe_blocks(*headings)
    files = files_of(blocks)
    project = Project(pytester, monkeypatch, files)
    for cassette in _cassettes_named(blocks):
        project.record(cassette)
    tests = _tests_in(files)
    assert tests, headings
    result = project.run("-rA", *command)
    return result, tests


def test_recipes_work(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recipes' files, as the README shows them, pass under the plugin with the xdist recipe's command; every
    request was checked, and the JSON report holds the one warning (a deprecated model) and the expected errors."""
    commands = commands_of(fenced_blocks(section(readme(), XDIST)))
    assert len(commands) == 1 and "-n" in commands[0], commands
    result, tests = _run(pytester, monkeypatch, (*TOGETHER, FIXTURES), commands[0])
    result.assert_outcomes(passed=len(tests))
    assert _passed(result) == set(tests)
    # every test sends one request, but two of the Fixtures': assert_valid_request and check_mock judge bodies
    sent = len(tests) - 2
    result.stdout.fnmatch_lines(["=*= claude-guard =*=", f"{sent} request(s) checked*"])
    report = re.search(r"--claude-guard-report=(\S+)", " ".join(commands[0]))
    assert report is not None
    data = json.loads((pytester.path / report.group(1)).read_text("utf-8"))
    assert data["requests_checked"] == sent
    found = sorted((v["code"], v["severity"], v["expected"]) for v in data["violations"])
    assert found == [
        ("model_deprecated", "warning", False),
        *[("prefill_not_supported", "error", True)] * 4,  # inside claude_guard.expect: the tests pass
    ]


def test_recipes_work_on_the_0x_sdk_with_httpx(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, legacy_sdk: Path
) -> None:
    """What the Recipes introduction says of the 0.x SDK: with `httpx` where the blocks say `httpx2`, the same
    recipes pass on it (it sends through httpx)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(legacy_sdk), os.environ.get("PYTHONPATH")])))
    version = subprocess.run(
        [sys.executable, "-c", "import anthropic; print(anthropic.__version__)"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert version.startswith("0."), version
    commands = commands_of(fenced_blocks(section(readme(), XDIST)))
    blocks = [Block(b.lang, re.sub(r"\bhttpx2\b", "httpx", b.text)) for b in recipe_blocks(*TOGETHER, FIXTURES)]
    files = files_of(blocks)
    project = Project(pytester, monkeypatch, files)
    for cassette in _cassettes_named(blocks):
        project.record(cassette)
    result = project.run("-rA", *commands[0])
    tests = _tests_in(files)
    result.assert_outcomes(passed=len(tests))
    assert _passed(result) == set(tests)
    result.stdout.fnmatch_lines(["=*= claude-guard =*=", f"{len(tests) - 2} request(s) checked*"])
    assert "httpx2" not in "".join(files.values())


def test_respx_recipe_works(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """The respx / pytest-httpx recipe passes as shown: valid requests get the mocks' answers, a blocked one the
    API's error, with no "not called" / "not requested" complaint beside it."""
    result, tests = _run(pytester, monkeypatch, (RESPX,), [])
    result.assert_outcomes(passed=len(tests))
    assert _passed(result) == set(tests)
    result.stdout.fnmatch_lines(["=*= claude-guard =*=", f"{len(tests)} request(s) checked*"])


def _cassettes_named(blocks: Sequence[Block]) -> List[str]:
    """The cassettes the recipe's tests replay: ``use_cassette("name")`` and pytest-recording's per-test default
    (``cassettes/<module>/<test>.yaml`` beside the test file) for each ``@pytest.mark.vcr`` test."""
    names: List[str] = []
    for block in blocks:
        names += re.findall(r"use_cassette\(\"([^\"]+)\"", block.text)
        module = Path(block.path).stem
        names += [
            f"{module}/{test}.yaml"
            for test in re.findall(r"^@pytest\.mark\.vcr\b.*\ndef (test_\w+)", block.text, re.M)
        ]
    return names


def test_recipe_blocks_name_their_files() -> None:
    """Every Python or ini block in the recipes starts with the file it is (``# tests/test_x.py``), so a reader
    and this test know where it goes."""
    for block in fenced_blocks(section(readme(), "Recipes")):
        if block.lang in ("python", "ini"):
            assert block.path, block.text.splitlines()[0]


def test_respx_recipe_needs_its_alias(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the alias plugin the respx / pytest-httpx tests do not pass (their mocks never see httpx2), so
    the recipe's ini and alias lines are what makes it work."""
    files = files_of(recipe_blocks("respx and pytest-httpx"))
    files["pytest.ini"] = files["pytest.ini"].replace("addopts = -p alias_httpx2\n", "")
    result = Project(pytester, monkeypatch, files).run()
    assert result.ret != 0
    assert not re.search(r"\b3 passed\b", result.stdout.str())


def test_filterwarnings_recipe_needs_its_ignore_lines(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the two ``ignore`` lines, ``filterwarnings = error`` turns the SDK's own warnings (a
    DeprecationWarning, a UserWarning) into failures of tests whose requests the API accepts: the lines the recipe
    adds are the ones needed."""
    files = files_of(recipe_blocks("`filterwarnings = error`"))
    files["pytest.ini"] = "\n".join(ln for ln in files["pytest.ini"].splitlines() if not ln.strip().startswith("ignore:"))
    result = Project(pytester, monkeypatch, files).run()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*DeprecationWarning: The model 'claude-opus-4-5' is deprecated and will reach end-of-life on*",
            "*UserWarning: Using Claude with claude-opus-4-6 and 'thinking.type=enabled' is deprecated*",
        ],
        consecutive=False,
    )


# --- the failure example ----------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Only what changes from run to run: the run's duration (and the ``=`` padding its width changes)."""
    return re.sub(r"^=+ (.*) in \d+(?:\.\d+)?s(?: \([\d:]+\))? =+$", r"== \1 in N.NNs ==", text, flags=re.M)


def test_failure_example_is_what_pytest_prints(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's example code, run through the plugin, prints exactly the failure text the README shows (from
    pytest's FAILURES header on; the duration is normalised)."""
    text = readme()
    example = between(text, "failure-example")
    blocks = fenced_blocks(example)
    shown = [b for b in blocks if b.lang == "text"]
    assert len(shown) == 1, "the failure example shows one text block"
    project = Project(pytester, monkeypatch, files_of(blocks))
    result = project.run()
    result.assert_outcomes(failed=1)
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if re.fullmatch(r"=+ FAILURES =+", line))
    actual = _normalise("\n".join(lines[start:]).rstrip() + "\n")
    if UPDATE:
        new = example.replace("```text\n" + shown[0].text + "```", "```text\n" + actual + "```")
        README.write_text(text.replace(example, new), "utf-8")
        shown = [Block("text", actual)]
    diff = difflib.unified_diff(_normalise(shown[0].text).splitlines(), actual.splitlines(), "README", "pytest", lineterm="")
    assert _normalise(shown[0].text) == actual, "README's failure text drifted (UPDATE_GOLDEN=1 rewrites it):\n" + "\n".join(diff)


def test_failure_example_is_self_contained() -> None:
    """The example is two files a reader can copy (the code and its test) and the text pytest prints."""
    blocks = fenced_blocks(between(readme(), "failure-example"))
    assert [b.path for b in blocks if b.lang == "python"] == ["app/chat.py", "tests/test_chat.py"]
    assert textwrap.dedent(blocks[0].text) == blocks[0].text
