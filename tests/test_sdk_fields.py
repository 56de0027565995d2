"""Fields the installed SDK knows are never extra (issue 9.3): where the committed schemas predate the installed
anthropic SDK, a field, block type or parameter its request types define is not reported; one unknown to both
still is.  A newer SDK is simulated through its types (``sdk_newer_types``: TypedDicts that add a top-level
parameter, a block field, a config field and a block type); an older one is pip-installed into ``.sdk-old/``
(git-ignored) and run in a subprocess over every valid case."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import pytest
from test_cases import ALL, DEFAULT_HEADERS, _expand_repeat, _set_at, generate, load_case
from typing_extensions import Literal, Required, TypedDict

from pytest_claude_guard._core import _schemas as S
from pytest_claude_guard._core import _sdk_fields as K
from pytest_claude_guard import validate_request

REPO = Path(__file__).resolve().parent.parent
OLD_SDK = "2.0.0"  # older than the release the schemas were made from, on the >= 1.0 line
OLD_SDK_DIR = REPO / ".sdk-old"
H = {"anthropic-version": "2023-06-01", "x-api-key": "k"}
BASE: Dict[str, Any] = {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": [{"role": "user", "content": "Hi"}]}

def _codes(body: Dict[str, Any], headers: Optional[Dict[str, str]] = H) -> List[tuple[str, str, str]]:
    return [(v.code, v.path, v.severity) for v in validate_request(body, headers=headers, endpoint="/v1/messages")]


@pytest.fixture
def newer(monkeypatch: pytest.MonkeyPatch) -> K.SdkIndex:
    """The shape rule sees the index of the simulated newer SDK."""
    import sdk_newer_types  # imports anthropic: not at collection (see that module)

    index = K.build_index({"messages": sdk_newer_types.MessageCreateParamsBase}, "99.0.0")
    monkeypatch.setattr(K, "sdk_index", lambda: index)
    return index


@pytest.fixture
def schemas_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shape rule knows nothing beyond the committed schemas (the behaviour before this feature)."""
    monkeypatch.setattr(K, "sdk_index", lambda: K.EMPTY)


NEW_PARAM = {**BASE, "new_param": 3}
NEW_BLOCK_FIELD = {**BASE, "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi", "new_field": "x"}]}]}
NEW_BLOCK_TYPE = {**BASE, "messages": [{"role": "user", "content": [{"type": "new_block", "payload": "x"}]}]}
NEW_CONFIG_FIELD = {**BASE, "output_config": {"effort": "high", "new_knob": "on"}}
NEWER = [
    pytest.param(NEW_PARAM, ("unknown_top_level_param", "new_param"), id="top-level param"),
    pytest.param(NEW_BLOCK_FIELD, ("block_extra_field", "messages.0.content.0.text.new_field"), id="block field"),
    pytest.param(NEW_BLOCK_TYPE, ("block_type_invalid", "messages.0.content.0"), id="block type"),
    pytest.param(NEW_CONFIG_FIELD, ("param_extra_field", "output_config.new_knob"), id="param field"),
]


@pytest.mark.parametrize(("body", "alarm"), NEWER)
def test_schemas_alone_call_the_newer_sdks_fields_extra(schemas_only: None, body: Dict[str, Any],
                                                        alarm: tuple[str, str]) -> None:
    """Without the SDK's knowledge each of these is an error: the cases below would be vacuous otherwise."""
    assert (*alarm, "error") in _codes(body)


@pytest.mark.parametrize(("body", "alarm"), NEWER)
def test_what_the_newer_sdk_defines_is_no_false_alarm(newer: K.SdkIndex, body: Dict[str, Any],
                                                      alarm: tuple[str, str]) -> None:
    """A top-level parameter, a block field, a block type and a config field the SDK defines pass, with any
    headers (known, beta, unknown)."""
    assert _codes(body) == []
    assert _codes(body, headers=None) == []
    assert _codes(body, headers={**H, "anthropic-beta": "files-api-2025-04-14"}) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param({**BASE, "bogus_param": 1}, ("unknown_top_level_param", "bogus_param"), id="top-level"),
        pytest.param({**BASE, "messages": [{"role": "user", "content": [
            {"type": "text", "text": "Hi", "new_field": "x", "bogus_field": 1}]}]},
            ("block_extra_field", "messages.0.content.0.text.bogus_field"), id="block field beside a known one"),
        pytest.param({**BASE, "messages": [{"role": "user", "content": [{"type": "bogus_block"}]}]},
                     ("block_type_invalid", "messages.0.content.0"), id="block type"),
        pytest.param({**BASE, "output_config": {"bogus_knob": 1}}, ("param_extra_field", "output_config.bogus_knob"),
                     id="param field"),
        pytest.param({**BASE, "tools": [{"type": "new_block", "name": "x"}]}, ("tool_type_invalid", "tools.0"),
                     id="a block type is no tool type"),
    ],
)
def test_what_neither_knows_stays_an_error(newer: K.SdkIndex, body: Dict[str, Any], expected: tuple[str, str]) -> None:
    """A field or type unknown to both the schemas and the SDK is reported exactly as before, and only it."""
    assert _codes(body) == [(*expected, "error")]


def test_a_beta_only_parameter_of_the_sdk_names_the_beta_header(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parameter only the SDK's beta types define is still unknown on the plain endpoint, and the hint says
    which header enables it; on the beta endpoint it passes."""
    import sdk_newer_types

    index = K.build_index({"messages": sdk_newer_types.real_root.MessageCreateParamsBase,
                           "messages.beta": sdk_newer_types.MessageCreateParamsBase})
    monkeypatch.setattr(K, "sdk_index", lambda: index)
    plain = validate_request(NEW_PARAM, headers=H, endpoint="/v1/messages")
    assert [(v.code, v.path) for v in plain] == [("unknown_top_level_param", "new_param")]
    assert "without a beta header" in plain[0].message
    assert validate_request(NEW_PARAM, headers=H, endpoint="/v1/messages?beta=true") == []


# --- the index of the installed SDK -----------------------------------------------------------------------------
def _nodes(node: Any) -> Iterable[Any]:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from _nodes(child)


def test_the_reader_names_types_as_the_schema_generator_does() -> None:
    """Built from the installed SDK, the index has every committed $defs entry under the same name with (at
    least) its fields, and every committed union's tags: the two sides line up, so a lookup means what it says."""
    index = K.build_index(K.installed_roots(), K.installed_version())
    tags = {t for _, _, known in index.unions for t in known}
    for name in S.SCHEMA_NAMES:
        schema = S.load_schema(name)
        assert set(schema["properties"]) - {"stream", "temperature", "top_k", "top_p"} <= index.fields_of(f"$root:{name}")
        for def_name, node in schema["$defs"].items():
            assert set(node.get("properties", {})) <= index.fields_of(def_name), (name, def_name)
        for node in _nodes(schema):
            disc = node.get("x-discriminator") if isinstance(node, dict) else None
            if disc:
                members = [r.rsplit("/", 1)[-1] for r in [*disc["mapping"].values(), *disc.get("default", "").split()]]
                known = {t for t in tags if index.knows_tag(disc["propertyName"], members, t)}
                assert set(disc["mapping"]) <= known, (name, members)


def _unions_in(node: Any) -> Iterable[Dict[str, Any]]:
    """The x-discriminator nodes in a property's schema, not following $refs (those belong to other owners)."""
    if isinstance(node, dict):
        if "x-discriminator" in node:
            yield node["x-discriminator"]
        for key, child in node.items():
            if key != "x-discriminator":
                yield from _unions_in(child)
    elif isinstance(node, list):
        for child in node:
            yield from _unions_in(child)


def test_unions_are_found_where_the_schemas_have_them() -> None:
    """For the installed SDK, the union at each (owner, property) of the committed schemas has exactly the
    schemas' tags: a newer SDK's extra tag is judged where it sits, not by a look-alike union elsewhere."""
    index = K.build_index(K.installed_roots(), K.installed_version())
    checked = 0
    for name in S.SCHEMA_NAMES:
        schema = S.load_schema(name)
        owners = [(f"$root:{name}", schema)] + list(schema["$defs"].items())
        for owner, node in owners:
            for prop, sub in node.get("properties", {}).items():
                for disc in _unions_in(sub):
                    located = index.located.get((owner, prop, disc["propertyName"]))
                    assert located == set(disc["mapping"]), (name, owner, prop)
                    checked += 1
    assert checked > 50


def test_schemas_name_the_sdk_they_were_made_from() -> None:
    """The stamp the comparison starts from is a release number."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", S.schemas_sdk_version())


@pytest.mark.parametrize(
    ("installed", "schemas", "newer"),
    [("2.14.0", "2.12.0", True), ("2.12.0", "2.12.0", False), ("2.0.0", "2.12.0", False), ("10.0", "9.9.9", True),
     ("2.12.1rc1", "2.12.0", True), ("", "2.12.0", False), ("dev", "2.12.0", True)],
)
def test_only_a_newer_sdk_teaches_anything(installed: str, schemas: str, newer: bool) -> None:
    """Release numbers compare numerically; an unreadable one counts as newer (learning is the safe side)."""
    assert K.is_newer(installed, schemas) is newer


def test_the_index_is_empty_unless_the_sdk_is_newer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same or older SDK: nothing is imported or learnt; newer: the SDK's types are read."""
    stamp = S.schemas_sdk_version()
    monkeypatch.setattr(K, "installed_version", lambda: stamp)
    assert K.sdk_index.__wrapped__() is K.EMPTY
    monkeypatch.setattr(K, "installed_version", lambda: "")
    assert K.sdk_index.__wrapped__() is K.EMPTY
    monkeypatch.setattr(K, "installed_version", lambda: "99.0.0")
    built = K.sdk_index.__wrapped__()
    assert built.version == "99.0.0" and "new_param" not in built.fields_of("$root:messages")
    assert "max_tokens" in built.fields_of("$root:messages")


def test_the_index_is_read_once_by_preload() -> None:
    """``preload()`` builds it; later calls return the same object (nothing is read while a request is checked)."""
    from pytest_claude_guard import preload

    preload()
    assert K.sdk_index() is K.sdk_index()
    assert K.sdk_index.cache_info().currsize == 1


class Broken(TypedDict, total=False):
    messages: "Required[Iterable[NoSuchType]]"  # noqa: F821 - a name the module lacks
    tools: "Iterable[Union["  # noqa: F722 - unparsable
    type: Required[Literal["x"]]


def test_shapes_it_does_not_understand_degrade_silently(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unresolvable names, unparsable annotations, missing SDK modules and a failing reader give an index that
    knows less (never a crash, never a new alarm)."""
    index = K.build_index({"messages": Broken, "batches": Broken})
    assert index.fields_of("$root:messages") == {"messages", "tools", "type"}
    monkeypatch.setattr(K, "ENDPOINTS", {"messages": ("anthropic.types.no_such_module", "X"),
                                         "count_tokens": ("anthropic.types.message_create_params", "NoSuchClass")})
    assert K.installed_roots() == {}
    assert not K.build_index(K.installed_roots())

    def boom(*args: Any, **kwargs: Any) -> K.SdkIndex:
        raise RuntimeError("types changed shape")

    monkeypatch.setattr(K, "installed_version", lambda: "99.0.0")
    monkeypatch.setattr(K, "build_index", boom)
    assert K.sdk_index.__wrapped__() is K.EMPTY


# --- an older SDK, installed ------------------------------------------------------------------------------------
OLD_SCRIPT = r'''
import json, sys
from pytest_claude_guard._core import _sdk_fields as K
from pytest_claude_guard import load_registry, preload, validate_request

preload()
cases = json.load(open(sys.argv[1], encoding="utf-8"))


def errors():
    out = {}
    for case in cases:
        registry = load_registry(case["models"]) if case["models"] else None
        found = validate_request(case["body"], headers=case["headers"], endpoint=case["endpoint"], registry=registry)
        bad = [f"{v.code} at {v.path}" for v in found if v.severity == "error"]
        if bad:
            out[case["name"]] = bad
    return out


result = {"version": K.installed_version(), "learnt": bool(K.sdk_index()), "errors": errors()}
forced = K.build_index(K.installed_roots(), K.installed_version())  # what the old types would teach, if asked
K.sdk_index = lambda: forced
result["roots"] = sorted(n[len("$root:"):] for n in forced.fields if n.startswith("$root:"))
result["forced_errors"] = errors()
bogus = {"model": "claude-sonnet-4-6", "max_tokens": 8, "messages": [{"role": "user", "content": "x"}], "bogus": 1}
result["bogus"] = [v.code for v in validate_request(bogus, headers={"anthropic-version": "2023-06-01", "x-api-key": "k"},
                                                    endpoint="/v1/messages")]
print(json.dumps(result))
'''


@pytest.fixture(scope="session")
def old_sdk() -> Path:
    """A folder holding an anthropic release older than the schemas' (its dependencies come from the venv)."""
    if not (OLD_SDK_DIR / f"anthropic-{OLD_SDK}.dist-info").is_dir():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--upgrade", "--target",
                        str(OLD_SDK_DIR), f"anthropic=={OLD_SDK}"], check=True)
    return OLD_SDK_DIR


def _valid_cases(tmp: Path) -> List[Dict[str, Any]]:
    out = []
    for path in ALL:
        if path.parent.name != "valid":
            continue
        case = load_case(path)
        body = json.loads(json.dumps(case["body"]))
        for spec in case.get("generate") or []:
            _set_at(body, spec["at"], generate(spec))
        models = None
        if case.get("models"):
            models = tmp / f"{path.stem}.models.json"
            models.write_text(json.dumps({"models": case["models"]}), "utf-8")
        out.append({"name": path.stem, "body": _expand_repeat(body), "headers": case.get("headers", DEFAULT_HEADERS),
                    "endpoint": case.get("endpoint", "/v1/messages"), "models": str(models) if models else None})
    return out


def test_an_older_sdk_gives_no_false_alarm(old_sdk: Path, tmp_path: Path) -> None:
    """With anthropic 2.0.0 installed (older than the schemas), every valid case passes, whether the old types
    are ignored (the default: an older SDK knows nothing new) or read anyway; a bogus field stays an error."""
    source = tmp_path / "cases.json"
    cases = _valid_cases(tmp_path)
    source.write_text(json.dumps(cases), "utf-8")
    env = dict(os.environ, PYTHONPATH=str(old_sdk))
    done = subprocess.run([sys.executable, "-c", OLD_SCRIPT, str(source)], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["version"] == OLD_SDK and result["learnt"] is False
    assert result["errors"] == {} and result["forced_errors"] == {}
    assert result["roots"] == sorted(S.SCHEMA_NAMES)
    assert result["bogus"] == ["unknown_top_level_param"]
    assert len(cases) > 50


def test_plugin_start_up_defers_reading_the_sdk_until_it_is_imported() -> None:
    """preload(sdk=False) (the plugin's start-up) imports no SDK when the schemas are older than it; the index is
    built once the SDK is imported (the plugin's post-import hook calls preload), never on the request path."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pytest_claude_guard._core import _engine, _schemas, _sdk_fields as K\n"
        "_schemas.schemas_sdk_version = lambda: '2.0.0'\n"
        "_engine.preload(sdk=False)\n"
        "assert 'anthropic' not in sys.modules, 'start-up imported the SDK'\n"
        "assert K.built_index() is K.EMPTY\n"
        "import anthropic\n"
        "K.preload()\n"
        "assert K.built_index() is not K.EMPTY\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
