"""``pytest --claude-guard-cassettes PATH``: a summary section, and a failed run on errors or leaked keys."""

from __future__ import annotations

import shutil

import pytest
import yaml

from .conftest import DATA, VALID_BODY, interaction, make_canary

PLUGIN = ("-p", "pytest_claude_guard._plugin.cassettes", "-p", "no:cacheprovider")


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A one-test suite that passes, with the fixture cassettes copied beside it."""
    pytester.makepyfile("def test_ok():\n    pass\n")
    shutil.copytree(DATA, pytester.path / "cassettes")
    return pytester


def test_errors_fail_the_run_and_are_summarised(suite: pytest.Pytester) -> None:
    """An error finding in a cassette fails an otherwise green run; the section shows each finding."""
    result = suite.runpytest(*PLUGIN, "--claude-guard-cassettes", "cassettes/prefill_400.yaml")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*= claude-guard cassettes =*",
            "cassettes/prefill_400.yaml:3: interaction 0: messages.1: prefill_not_supported: *",
            "cassettes/prefill_400.yaml:3: interaction 0: recorded_error [[]note]: the API answered HTTP 400 *"
            "our diagnosis agrees (prefill_not_supported)",
            "1 cassette(s), 2 interaction(s), 2 Messages request(s): 1 error(s), 0 warning(s), 1 note(s), 0 secret(s)"
            " -- FAILED: error findings or secrets in cassettes",
            "*1 passed*",
        ]
    )


def test_clean_cassettes_pass(suite: pytest.Pytester) -> None:
    """Clean, foreign or unreadable cassettes (notes and warnings) do not fail the run; the option repeats.  An
    unreadable one was not checked: the verdict never says "ok" then."""
    result = suite.runpytest(
        *PLUGIN,
        "--claude-guard-cassettes",
        "cassettes/valid.json",
        "--claude-guard-cassettes",
        "cassettes/f*.yaml",
        "--claude-guard-cassettes",
        "cassettes/broken.yaml",
        "--claude-guard-cassettes",
        "cassettes/missing",
    )
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "cassettes/missing: no cassette found (nothing recorded yet?)",
            "cassettes/foreign.yaml: cassette_foreign [[]note]: *",
            "cassettes/broken.yaml:5: cassette_unreadable [[]warning]: invalid YAML *",
            "3 cassette(s), 3 interaction(s), 2 Messages request(s): 0 error(s), 1 warning(s), 1 note(s), 0 secret(s)"
            " -- NOT ALL CHECKED: 1 cassette(s) or recorded request(s) could not be read (see above)",
        ]
    )


def test_leaked_key_fails_without_being_printed(pytester: pytest.Pytester) -> None:
    """A planted key fails the run; the key itself appears nowhere in the output."""
    canary = make_canary()
    data = {
        "interactions": [
            interaction(VALID_BODY, headers={"anthropic-version": ["2023-06-01"], "x-api-key": [canary]})
        ]
    }
    (pytester.path / "leak.yaml").write_text(yaml.dump(data))
    pytester.makepyfile("def test_ok():\n    pass\n")
    result = pytester.runpytest(*PLUGIN, "--claude-guard-cassettes", "leak.yaml")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["leak.yaml:*: interaction 0: secret_in_cassette: the x-api-key header holds *"]
    )
    output = result.stdout.str() + result.stderr.str()
    assert canary not in output and canary[7:40] not in output


def test_no_option_no_section(suite: pytest.Pytester) -> None:
    """Without the option nothing is linted and no section appears."""
    result = suite.runpytest(*PLUGIN)
    assert result.ret == 0
    assert "claude-guard cassettes" not in result.stdout.str()


def test_failing_tests_keep_their_exit_code(pytester: pytest.Pytester) -> None:
    """A run that already failed keeps exit code 1 and still shows the section."""
    pytester.makepyfile("def test_bad():\n    assert False\n")
    shutil.copytree(DATA, pytester.path / "cassettes")
    result = pytester.runpytest(*PLUGIN, "--claude-guard-cassettes", "cassettes/prefill_400.yaml")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*= claude-guard cassettes =*", "*1 failed*"])


def test_xdist_lints_once_on_the_controller(suite: pytest.Pytester) -> None:
    """Under pytest-xdist only the controller lints: one section, and the run still fails on errors."""
    result = suite.runpytest_subprocess(*PLUGIN, "-n", "2", "--claude-guard-cassettes", "cassettes/prefill_400.yaml")
    assert result.ret == 1
    assert result.stdout.str().count("= claude-guard cassettes =") == 1
    assert result.stdout.str().count("prefill_not_supported: claude-opus-4-6") == 1


def test_main_plugin_loads_the_option(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading only the main plugin (``-p claude_guard``) brings --claude-guard-cassettes with it."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = suite.runpytest_subprocess(
        "-p", "claude_guard", "-p", "no:cacheprovider", "--claude-guard-cassettes", "cassettes/valid.json"
    )
    assert result.ret == 0, result.stderr.str()
    result.stdout.fnmatch_lines(["*= claude-guard cassettes =*", "1 cassette(s), 2 interaction(s), *-- ok"])
