"""Model lifecycle by date, and the registry's three layers: built-in table < installed SDK < registry file.

Tests about the installed SDK read it through its public types and its own deprecation data (imported here, the
way a user's code sees them) and assert relations, never a copied list: a newer SDK that adds or retires models
keeps them green.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set

import pytest

from pytest_claude_guard import validate_request
from pytest_claude_guard._cli import main
from pytest_claude_guard._core._models import (
    SDK,
    TODAY_ENV,
    ModelInfo,
    Registry,
    TodayError,
    _process_today,
    builtin_registry,
    configure_today,
    default_registry,
    load_registry,
    set_today,
    today,
    today_as,
    today_info,
    with_sdk,
)
from pytest_claude_guard._core._models_sdk import SdkFacts, parse_end_of_life, read_sdk

anthropic = pytest.importorskip("anthropic")


def body(model: str) -> Dict[str, Any]:
    return {"model": model, "max_tokens": 64, "messages": [{"role": "user", "content": "Hi"}]}


HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-placeholder"}


def codes(model: str, registry: Optional[Registry] = None) -> List[tuple[str, str]]:
    return [(v.code, v.severity) for v in validate_request(body(model), headers=HEADERS, registry=registry)]


@pytest.fixture(autouse=True)
def _no_date_override() -> Iterator[None]:
    """Every test starts and ends with no set_today() in force."""
    set_today(None)
    yield
    set_today(None)


@pytest.fixture
def fresh_env_today(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """CLAUDE_GUARD_TODAY is read once per process: forget that reading around the test."""
    monkeypatch.delenv(TODAY_ENV, raising=False)
    _process_today.cache_clear()
    yield monkeypatch
    monkeypatch.delenv(TODAY_ENV, raising=False)
    _process_today.cache_clear()


# --- what the installed SDK knows -------------------------------------------------------------------------------


def sdk_model_ids() -> Set[str]:
    """Every model id in the installed SDK's public model types (``ModelParam``, ``Model``)."""
    found: Set[str] = set()
    for module_name, attr in (("anthropic.types.model_param", "ModelParam"), ("anthropic.types.model", "Model")):
        try:
            module = __import__(module_name, fromlist=[attr])
        except ImportError:
            continue
        for arm in typing.get_args(getattr(module, attr, None)):
            found.update(a for a in typing.get_args(arm) if isinstance(a, str))
    return found


def sdk_deprecations() -> Dict[str, str]:
    """The installed SDK's own deprecation table (name -> its wording of the end of life), wherever it keeps it."""
    for module_name in ("anthropic._data", "anthropic.resources.messages.messages"):
        try:
            module = __import__(module_name, fromlist=["DEPRECATED_MODELS"])
        except ImportError:
            continue
        table = getattr(module, "DEPRECATED_MODELS", None)
        if isinstance(table, dict):
            return {str(k): str(v) for k, v in table.items()}
    return {}


def test_the_installed_sdk_is_read() -> None:
    """The registry has an SDK layer naming the installed version, and read it without error."""
    facts = read_sdk()
    assert facts is not None
    assert facts.version == anthropic.__version__
    assert any(layer.startswith(f"anthropic {anthropic.__version__}") for layer in default_registry().layers)


def test_sdk_reader_sees_every_id_of_the_sdk_types() -> None:
    """The source reader finds every id the imported types hold (it reads the same files, without importing)."""
    ids = sdk_model_ids()
    assert ids, "the installed SDK's model types hold no Literal ids: the test would be vacuous"
    facts = read_sdk()
    assert facts is not None
    assert ids <= set(facts.model_ids)


def test_every_sdk_model_id_is_known() -> None:
    """No id of the installed SDK's model types is model_not_found (retired ones may be model_retired)."""
    registry = default_registry()
    unknown = sorted(m for m in sdk_model_ids() if registry.lookup(m).status == "unknown")
    assert not unknown, f"ids the installed SDK names but the registry does not know: {unknown}"
    for model in sorted(sdk_model_ids()):
        assert "model_not_found" not in {c for c, _ in codes(model)}, model


def test_sdk_reader_matches_the_sdk_deprecation_data() -> None:
    """The reader's end-of-life table is the SDK's, dates parsed from its own wording."""
    table = sdk_deprecations()
    facts = read_sdk()
    assert facts is not None
    assert dict(facts.end_of_life_text) == {k: v for k, v in table.items() if k.startswith("claude-")}
    for name, text in table.items():
        assert facts.end_of_life.get(name) == parse_end_of_life(text), (name, text)


def _deprecated_served_by_sdk() -> List[tuple[str, date]]:
    """(name, end of life) for each SDK-deprecated name the built-in table does not declare retired."""
    builtin = builtin_registry()
    out = []
    for name, text in sorted(sdk_deprecations().items()):
        eol = parse_end_of_life(text)
        info = builtin.find(name)
        if eol is None or builtin.is_retired_id(name) or (info is not None and info.lifecycle == "retired"):
            continue
        out.append((name, eol))
    return out


NO_DEPRECATION = pytest.param("", date.min, marks=pytest.mark.skip(reason="the SDK deprecates no served model"))


@pytest.mark.parametrize(("name", "eol"), _deprecated_served_by_sdk() or [NO_DEPRECATION])
def test_sdk_end_of_life_decides_the_lifecycle(name: str, eol: date) -> None:
    """Up to its SDK end of life a deprecated model warns (date and days left, no error); the day after, 404."""
    registry = default_registry()
    with today_as(eol - timedelta(days=3)):
        found = validate_request(body(name), headers=HEADERS)
        assert [(v.code, v.severity) for v in found] == [("model_deprecated", "warning")]
        assert eol.isoformat() in found[0].message and "3 days left" in found[0].message
        info = registry.find(name)
        assert info is not None and info.source_of("retired_on") == SDK
    with today_as(eol):
        assert codes(name) == [("model_deprecated", "warning")]
    with today_as(eol + timedelta(days=1)):
        assert codes(name) == [("model_retired", "error")]


# --- the examples ----------------------------------------------------------------------------------------


def test_opus_4_5_is_deprecated_until_its_sdk_end_of_life(capsys: pytest.CaptureFixture[str]) -> None:
    """anthropic 2.14.0: claude-opus-4-5 deprecated until 2027-01-22 (source SDK); warns, then model_retired."""
    if sdk_deprecations().get("claude-opus-4-5") is None:
        pytest.skip("the installed SDK does not list claude-opus-4-5 as deprecated")
    eol = parse_end_of_life(sdk_deprecations()["claude-opus-4-5"])
    assert eol is not None
    with today_as("2026-11-30"):
        assert main(["models"]) == 0
        row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("claude-opus-4-5 "))
        assert f"deprecated until {eol.isoformat()}" in row and f"  {SDK}  " in row
        found = validate_request(body("claude-opus-4-5"), headers=HEADERS)
        assert [(v.code, v.severity) for v in found] == [("model_deprecated", "warning")]
        days = (eol - date(2026, 11, 30)).days
        assert f"its end of life is {eol.isoformat()} ({days} days left)" in found[0].message
    with today_as(eol + timedelta(days=1)):
        assert codes("claude-opus-4-5") == [("model_retired", "error")]
        assert codes("claude-opus-4-5-20251101") == [("model_retired", "error")]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-11-29", [("model_deprecated", "warning")]),
        ("2026-11-30", [("model_deprecated", "warning")]),
        ("2026-12-01", [("model_retired", "error")]),
    ],
)
@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "claude-sonnet-4-5-20250929"])
def test_sonnet_4_5_end_of_life(model: str, day: str, expected: List[tuple[str, str]]) -> None:
    """claude-sonnet-4-5 (end of life 2026-11-30 in the model table) is served on 11-29 and 11-30, retired on 12-01."""
    with today_as(day):
        assert codes(model) == expected
        assert codes(model, builtin_registry()) == expected  # the built-in table alone says the same


def test_last_day_message() -> None:
    """On its end of life the warning says it is the last day."""
    with today_as("2026-11-30"):
        (v,) = validate_request(body("claude-sonnet-4-5"), headers=HEADERS)
    assert v.message == (
        "model claude-sonnet-4-5 is deprecated: its end of life is 2026-11-30 (today is the last day it is served), "
        "after which the API answers 404"
    )


def test_retired_by_date_names_the_end_of_life() -> None:
    """model_retired after the date says when the end of life was."""
    with today_as("2027-03-01"):
        (v,) = validate_request(body("claude-sonnet-4-5"), headers=HEADERS)
    assert (v.code, v.status) == ("model_retired", 404)
    assert "is retired (end of life 2026-11-30)" in v.message


# --- today: environment, override, ini --------------------------------------------------------------------------


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != TODAY_ENV}
    full.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, timeout=120)


def test_environment_variable_sets_today_for_the_library() -> None:
    """CLAUDE_GUARD_TODAY=2027-01-23: the library judges as of that day (claude-sonnet-4-5 is retired)."""
    proc = run_python(
        "from pytest_claude_guard import validate_request\n"
        "from pytest_claude_guard._core._models import today_info\n"
        "b={'model':'claude-sonnet-4-5','max_tokens':5,'messages':[{'role':'user','content':'x'}]}\n"
        "print([v.code for v in validate_request(b, headers={'anthropic-version':'2023-06-01','x-api-key':'k'})])\n"
        "print(today_info())\n",
        **{TODAY_ENV: "2027-01-23"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "['model_retired']",
        "Today(day=datetime.date(2027, 1, 23), source='CLAUDE_GUARD_TODAY')",
    ]


@pytest.mark.parametrize("value", ["tomorrow", "2027-1-23", "2027-02-30", "23.01.2027"])
def test_bad_environment_value_is_a_clear_error(value: str) -> None:
    """A bad CLAUDE_GUARD_TODAY: preload() raises TodayError naming the variable; the CLI exits 2 saying so."""
    proc = run_python(
        "from pytest_claude_guard import preload\n"
        "from pytest_claude_guard._core._models import TodayError\n"
        "try:\n    preload()\nexcept TodayError as exc:\n    print(exc)\n",
        **{TODAY_ENV: value},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"CLAUDE_GUARD_TODAY={value!r} is not a date: expected YYYY-MM-DD, e.g. 2027-01-23"
    cli = subprocess.run(
        [sys.executable, "-m", "pytest_claude_guard._cli", "models"],
        capture_output=True, text=True, timeout=120, env={**os.environ, TODAY_ENV: value},
    )  # fmt: skip
    assert cli.returncode == 2
    assert cli.stderr.startswith("claude-guard models: CLAUDE_GUARD_TODAY=")


def test_today_is_read_once(fresh_env_today: pytest.MonkeyPatch) -> None:
    """The variable is read at preload; changing it later does not move the date checks use."""
    fresh_env_today.setenv(TODAY_ENV, "2027-01-23")
    default_registry()  # the preload path
    assert today() == date(2027, 1, 23)
    fresh_env_today.setenv(TODAY_ENV, "2030-01-01")
    assert today() == date(2027, 1, 23)
    assert today_info().source == TODAY_ENV


def test_without_the_variable_today_is_the_clock(fresh_env_today: pytest.MonkeyPatch) -> None:
    """No variable and no override: the system clock."""
    assert today_info().source == "system clock"
    assert today() == date.today()


@pytest.mark.parametrize(
    ("env", "ini", "expected", "source"),
    [
        (None, None, None, "system clock"),
        (None, "2027-01-23", date(2027, 1, 23), "ini claude_guard_today"),
        (None, "  ", None, "system clock"),
        ("2026-12-24", "2027-01-23", date(2026, 12, 24), TODAY_ENV),
        ("2026-12-24", None, date(2026, 12, 24), TODAY_ENV),
    ],
)
def test_configure_today_precedence(
    fresh_env_today: pytest.MonkeyPatch, env: Optional[str], ini: Optional[str], expected: Optional[date], source: str
) -> None:
    """For the plugin: CLAUDE_GUARD_TODAY > ini claude_guard_today > the system clock."""
    if env is not None:
        fresh_env_today.setenv(TODAY_ENV, env)
    got = configure_today(ini)
    assert got.source == source
    assert got.day == (expected or date.today())
    assert today_info() == got


def test_configure_today_bad_ini_value_names_the_key(fresh_env_today: pytest.MonkeyPatch) -> None:
    """A bad ini value raises TodayError naming the ini key."""
    with pytest.raises(TodayError, match=r"^ini claude_guard_today='soon' is not a date: expected YYYY-MM-DD"):
        configure_today("soon")


def test_set_today_and_today_as() -> None:
    """set_today takes a date or YYYY-MM-DD (None resets); today_as restores what was in force."""
    assert set_today("2027-01-01").day == date(2027, 1, 1)
    with today_as(date(2028, 2, 29)) as inner:
        assert inner.day == today() == date(2028, 2, 29)
    assert today() == date(2027, 1, 1)
    with pytest.raises(TodayError, match=r"^set_today\(\)='2027-13-01' is not a date"):
        set_today("2027-13-01")
    assert set_today(None).source in ("system clock", TODAY_ENV)


# --- dates in the SDK's wording ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("January 22nd, 2027", date(2027, 1, 22)),
        ("November 30th, 2026", date(2026, 11, 30)),
        ("July 21st, 2025", date(2025, 7, 21)),
        ("June 3rd, 2026", date(2026, 6, 3)),
        ("Jan 5, 2026", date(2026, 1, 5)),
        ("Sept. 9, 2026", date(2026, 9, 9)),
        ("22 January 2027", date(2027, 1, 22)),
        ("22nd of January, 2027", date(2027, 1, 22)),
        ("2027-01-22", date(2027, 1, 22)),
        ("2027-01-22T00:00:00Z", date(2027, 1, 22)),
        ("  february 19th,   2026 ", date(2026, 2, 19)),
        ("February 30th, 2026", None),
        ("sometime in 2027", None),
        ("", None),
        (None, None),
        (20270122, None),
    ],
)
def test_parse_end_of_life(text: Any, expected: Optional[date]) -> None:
    """The SDK's end-of-life wording, and the usual others, parse; anything else is None (no date, no crash)."""
    assert parse_end_of_life(text) == expected


# --- SDK shapes we do not know ----------------------------------------------------------------------------------

OLD_LAYOUT = {  # anthropic 0.x: the deprecation table sits in the messages module
    "_version.py": '__version__ = "0.60.0"\n',
    "types/model_param.py": (
        "from typing import Union\nfrom typing_extensions import Literal\n"
        'ModelParam = Union[Literal["claude-3-5-sonnet-20241022", "claude-sonnet-4-5", "claude-newt-9", '
        '"claude-haiku-4-5-20991231"], str]\n'
    ),
    "resources/messages/messages.py": (
        "import warnings\n"
        "DEPRECATED_MODELS = {\n"
        '    "claude-3-5-sonnet-20241022": "October 22nd, 2025",\n'
        '    "claude-sonnet-4-5": "November 30th, 2026",\n'
        '    "claude-newt-9": "March 1st, 2099",\n'
        '    "claude-1.3": "November 6th, 2024",\n'
        "}\n"
        'MODELS_TO_WARN_WITH_THINKING_ENABLED = ["claude-newt-9"]\n'
    ),
}


def make_sdk(root: Path, files: Dict[str, str], name: str) -> str:
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("raise ImportError('never imported')\n")
    for relative, text in files.items():
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        (package / relative).write_text(text)
    return name


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"_data/deprecated_models.py": "DEPRECATED_MODELS = {"},  # syntax error
        {"_data/deprecated_models.py": "DEPRECATED_MODELS = build()\n"},  # not a literal
        {"_data/deprecated_models.py": "DEPRECATED_MODELS = ['claude-x']\n"},  # not a dict
        {"types/model_param.py": "ModelParam = str\n"},
        {"types/model_param.py": b"\xff\xfe".decode("latin-1")},
    ],
    ids=["empty", "syntax-error", "not-literal", "not-a-dict", "no-literal", "garbage"],
)
def test_unknown_sdk_shapes_degrade_to_the_builtin_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: Dict[str, str], request: pytest.FixtureRequest
) -> None:
    """An SDK without the modules we read (or with other shapes) gives no facts, never an error."""
    name = make_sdk(tmp_path, files, "fake_sdk_" + request.node.callspec.id.replace("-", "_"))
    monkeypatch.syspath_prepend(str(tmp_path))
    facts = read_sdk(name)
    assert facts is None
    assert with_sdk(builtin_registry(), facts) is builtin_registry()


def test_no_sdk_at_all() -> None:
    """No such package: None."""
    assert read_sdk("no_such_sdk_package_here") is None


def test_old_sdk_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An old SDK: its table in the messages module is read; ids it still lists that are retired stay retired."""
    monkeypatch.syspath_prepend(str(tmp_path))
    facts = read_sdk(make_sdk(tmp_path, OLD_LAYOUT, "fake_old_sdk"))
    assert facts is not None and facts.version == "0.60.0"
    assert facts.end_of_life["claude-newt-9"] == date(2099, 3, 1)
    registry = with_sdk(builtin_registry(), facts)
    with today_as("2026-11-15"):
        assert registry.lookup("claude-3-5-sonnet-20241022").status == "retired"  # built-in retired id
        assert registry.lookup("claude-1.3").status == "retired"  # retired prefix
        newt = registry.lookup("claude-newt-9")  # new to the built-in table: known, deprecated, capabilities unknown
        left = (date(2099, 3, 1) - date(2026, 11, 15)).days
        assert (newt.status, newt.lifecycle, newt.days_left) == ("known", "deprecated", left)
        assert newt.info is not None and newt.info.context_window is None
        assert newt.info.thinking_supported("enabled") is True  # the SDK deprecates enabled there: accepted
        assert newt.info.source_of("id") == SDK
        snapshot = registry.lookup("claude-haiku-4-5-20991231")  # a new dated snapshot of a known model: an alias
        assert snapshot.info is not None and snapshot.info.id == "claude-haiku-4-5"
    with today_as("2099-03-02"):
        assert registry.lookup("claude-newt-9").status == "retired"


def test_sdk_never_revives_a_declared_retirement() -> None:
    """An SDK still listing a retired model as deprecated with a future date does not make it served again."""
    facts = SdkFacts(
        version="9.9.9", location="test", model_ids=("claude-mythos-preview",),
        end_of_life={"claude-mythos-preview": date(2099, 1, 1)}, end_of_life_text={}, thinking_enabled_deprecated=(),
    )  # fmt: skip
    registry = with_sdk(builtin_registry(), facts)
    with today_as("2026-11-15"):
        assert registry.lookup("claude-mythos-preview").status == "retired"


# --- the three layers -----------------------------------------------------------------------------------------


def test_a_registry_file_is_the_newest_layer(tmp_path: Path) -> None:
    """A file's stated lifecycle wins over the SDK's; a field it does not state keeps the SDK's or built-in value."""
    path = tmp_path / "models.json"
    path.write_text(json.dumps({"models": [
        {"id": "claude-sonnet-4-5", "retired_on": "2026-12-15"},  # a postponed end of life; stage from the SDK
        {"id": "claude-haiku-4-5", "lifecycle": "deprecated", "retired_on": "2027-06-01", "max_output": 32000},
    ]}))  # fmt: skip
    registry = load_registry(path)
    assert registry.layers[0] == "built-in" and registry.layers[-1].startswith("file models.json")
    sonnet = registry.find("claude-sonnet-4-5")
    haiku = registry.find("claude-haiku-4-5")
    assert sonnet is not None and haiku is not None
    assert sonnet.source_of("retired_on") == "file models.json"
    assert sonnet.prefill is True and sonnet.source_of("prefill") == "built-in"
    assert haiku.source_of("lifecycle") == "file models.json" and haiku.max_output == 32000
    with today_as("2026-12-10"):
        assert codes("claude-sonnet-4-5", registry) == [("model_deprecated", "warning")]
        assert codes("claude-haiku-4-5-20251001", registry) == [("model_deprecated", "warning")]
    with today_as("2026-12-16"):
        assert codes("claude-sonnet-4-5", registry) == [("model_retired", "error")]


def test_a_file_stating_active_clears_an_older_end_of_life(tmp_path: Path) -> None:
    """A stage comes with its date: a file saying "active" (no retires_at) means no retirement is scheduled."""
    path = tmp_path / "models.json"
    path.write_text(json.dumps({"models": [{"id": "claude-sonnet-4-5", "lifecycle": "active"}]}))
    registry = load_registry(path)
    with today_as("2027-06-01"):
        assert codes("claude-sonnet-4-5", registry) == []


def test_a_file_seeing_it_served_after_its_end_of_life_makes_it_overdue(tmp_path: Path) -> None:
    """Models API: a past retires_at on a deprecated model means overdue, not retired; a later file decides."""
    path = tmp_path / "models.json"
    entry = {"id": "claude-sonnet-4-5", "lifecycle": "deprecated", "retired_on": "2026-11-30"}
    path.write_text(json.dumps({"fetched_at": "2026-12-03T08:00:00+00:00", "models": [entry]}))
    registry = load_registry(path)
    with today_as("2026-12-10"):
        (v,) = validate_request(body("claude-sonnet-4-5"), headers=HEADERS, registry=registry)
    assert (v.code, v.severity) == ("model_deprecated", "warning")
    assert "(retirement overdue by 10 days: a registry file saw it served on 2026-12-03)" in v.message
    path.write_text(json.dumps({"fetched_at": "2026-11-20T08:00:00+00:00", "models": [entry]}))  # fetched before
    with today_as("2026-12-10"):
        assert codes("claude-sonnet-4-5", load_registry(path)) == [("model_retired", "error")]
    path.write_text(json.dumps({"fetched_at": "2026-12-20T08:00:00+00:00", "models": [dict(entry, lifecycle="retired")]}))
    with today_as("2026-12-10"):
        assert codes("claude-sonnet-4-5", load_registry(path)) == [("model_retired", "error")]


def test_models_json_lists_sources(capsys: pytest.CaptureFixture[str]) -> None:
    """``claude-guard models --format json``: today, the layers, and per model its lifecycle today and sources."""
    with today_as("2026-11-29"):
        assert main(["models", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["today"], document["today_source"]) == ("2026-11-29", "set_today()")
    assert document["sources"][0] == "built-in"
    models = {m["id"]: m for m in document["models"]}
    sonnet = models["claude-sonnet-4-5"]
    assert (sonnet["lifecycle_today"], sonnet["end_of_life"], sonnet["days_left"]) == ("deprecated", "2026-11-30", 1)
    assert sonnet["sources"]["prefill"] == "built-in"
    assert set(models) >= {i.id for i in builtin_registry().models.values()}


def test_model_info_sources_do_not_change_equality() -> None:
    """Where a fact came from is bookkeeping: two infos with the same facts are equal."""
    assert ModelInfo(id="x", sources={"id": SDK}) == ModelInfo(id="x")
