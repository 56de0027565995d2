"""The generated schemas: in sync with the installed SDK, valid draft 2020-12, and the validators built on them."""
from __future__ import annotations

import copy
import difflib
import gzip
import importlib.util
import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, List, Tuple

import pytest
from jsonschema import Draft202012Validator
from shared_support import shared_path
from test_cases import CASES, case_body

from pytest_claude_guard._core import _schemas as S

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schemas"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_schemas", REPO / "scripts" / "gen_schemas.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _committed() -> Dict[str, Any]:
    return {name: json.loads((SCHEMAS / f"{name}.json").read_text("utf-8")) for name in S.SCHEMA_NAMES}


BASE: Dict[str, Any] = {"model": "claude-sonnet-4-6", "max_tokens": 1024,
                        "messages": [{"role": "user", "content": "Hello"}]}
VALID_BODIES: List[Dict[str, Any]] = [
    BASE,
    {**BASE, "system": "", "tools": [], "cache_control": None, "metadata": {"user_id": "u-1"}},
    {**BASE, "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
     "thinking": {"type": "enabled", "budget_tokens": 2048}, "stream": True, "temperature": 0.2},
    {**BASE, "tools": [{"name": "get_weather", "description": "Weather", "input_schema": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
        "additionalProperties": False}}], "tool_choice": {"type": "tool", "name": "get_weather"},
     "messages": [
         {"role": "user", "content": "Weather in Paris?"},
         {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01A", "name": "get_weather",
                                            "input": {"city": "Paris"}}]},
         {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01A", "content": "Sunny"}]},
         {"role": "assistant", "content": ""}]},
    {**BASE, "output_config": {"effort": "high", "format": {"type": "json_schema", "schema": {"type": "object"}}},
     "messages": [{"role": "user", "content": [
         {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
         {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "notes"},
          "title": "Notes", "citations": {"enabled": True}}]},
         {"role": "system", "content": "Answer in French."}]},
]


def _content(schema: Any) -> Any:
    """A schema without its generator stamp (``$comment`` names the SDK version it was made from)."""
    if isinstance(schema, dict):
        # ``enum`` order has no meaning, and the SDK spells one Literal in two orders: typing's cache keeps whichever
        # the process built first, so the generated order depends on import order
        return {
            k: sorted(v, key=json.dumps) if k == "enum" and isinstance(v, list) else _content(v)
            for k, v in schema.items()
            if k != "$comment"
        }
    if isinstance(schema, list):
        return [_content(v) for v in schema]
    return schema


def test_committed_schemas_match_the_installed_sdk() -> None:
    """Regenerating from the installed SDK's request types gives the committed content; the version stamp
    alone never fails (a newer SDK with the same types is not drift), nor does the order of enum values."""
    gen = _generator()
    committed = _committed()
    spec_path = gen.DEFAULT_SPEC
    limits = gen.load_spec_limits(spec_path) if spec_path.is_file() else gen.limits_from_schemas(committed)
    fresh = gen.build_all(limits)
    diffs = []
    for name in S.SCHEMA_NAMES:
        old = gen.render(_content(committed[name])).splitlines()
        new = gen.render(_content(fresh[name])).splitlines()
        if old != new:
            fresh_name = f"{name} from anthropic {gen.sdk_version()}"
            diff = list(difflib.unified_diff(old, new, f"schemas/{name}.json", fresh_name, lineterm="", n=2))
            diffs.append("\n".join(diff[:60]) + ("\n..." if len(diff) > 60 else ""))
    assert not diffs, (
        "the installed anthropic SDK's request types differ from the committed schemas; review the difference and run "
        "`python scripts/gen_schemas.py`:\n" + "\n".join(diffs)
    )


def test_every_spec_limit_is_recorded_in_the_schemas() -> None:
    """Each SPEC_LIMITS entry lands on a schema node that names its source in x-spec."""
    gen = _generator()
    recovered = gen.limits_from_schemas(_committed())
    assert set(recovered) == {(d, p) for d, p, _, _ in gen.SPEC_LIMITS}


@pytest.mark.parametrize("name", S.SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    """Every committed schema passes the draft 2020-12 meta-schema and names its SDK version."""
    schema = S.load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$comment"].startswith("Generated by scripts/gen_schemas.py from anthropic ")


@pytest.mark.parametrize("body", VALID_BODIES, ids=[f"body{i}" for i in range(len(VALID_BODIES))])
@pytest.mark.parametrize("name", ["messages", "messages.beta"])
def test_real_valid_bodies_validate(name: str, body: Dict[str, Any]) -> None:
    """Valid bodies pass a stock Draft202012Validator, our validator and the fast path (jsonschema-rs)."""
    schema = S.load_schema(name)
    assert list(Draft202012Validator(schema).iter_errors(body)) == []
    assert S.iter_errors(name, "anthropic", body) == []
    assert S.is_valid(name, "anthropic", body)


def test_header_keys_stay_out_of_the_body_schema() -> None:
    """user_profile_id / workspace_id / betas are headers in SDK 2.12.0, not body keys."""
    for name in ("messages", "messages.beta", "count_tokens", "count_tokens.beta", "batches", "batches.beta"):
        props = S.load_schema(name)["properties"]
        assert not {"user_profile_id", "workspace_id", "betas"} & set(props)


def test_discriminated_union_shape() -> None:
    """Tool unions carry x-discriminator with a default branch for custom tools, tagged 'custom'."""
    schema = S.load_schema("messages")
    tools = schema["properties"]["tools"]["items"]
    disc = tools["x-discriminator"]
    assert disc["propertyName"] == "type"
    assert disc["default"] == "#/$defs/ToolParam"
    assert disc["mapping"]["custom"] == "#/$defs/ToolParam"
    assert schema["$defs"]["ToolParam"]["x-tag"] == "custom"
    assert schema["$defs"]["ThinkingConfigEnabledParam"]["x-tag"] == "enabled"


def test_spec_limits_and_free_form_objects() -> None:
    """Spec numbers land where they belong; input_schema, tool_use.input and format.schema stay open."""
    defs = S.load_schema("messages")["$defs"]
    assert defs["ToolParam"]["properties"]["name"]["pattern"] == "^[a-zA-Z0-9_-]{1,128}$"
    assert defs["ThinkingConfigEnabledParam"]["properties"]["budget_tokens"]["minimum"] == 1024
    assert "additionalProperties" not in defs["InputSchemaTyped"]
    assert defs["InputSchemaTyped"]["required"] == ["type"]
    assert defs["ToolUseBlockParam"]["properties"]["input"] == {"type": "object"}
    assert defs["JSONOutputFormatParam"]["properties"]["schema"] == {"type": "object"}
    assert defs["MetadataParam"]["additionalProperties"] is False
    assert "minLength" not in defs["TextBlockParam"]["properties"]["text"]  # text_block_empty owns it


def test_sampling_keys_are_marked_for_2023_06_01() -> None:
    """temperature / top_p / top_k are optional numbers without ranges, valid under 2023-06-01 only."""
    props = S.load_schema("count_tokens")["properties"]
    for key in ("temperature", "top_p", "top_k"):
        assert props[key] == {"type": "number", "x-api-versions": ["2023-06-01"]}


def test_batches_schema_leaves_params_to_the_messages_schema() -> None:
    """The batches envelope checks custom_id and the count; params is only an object here."""
    schema = S.load_schema("batches")
    request = schema["$defs"]["Request"]
    assert request["properties"]["params"]["type"] == "object"
    assert request["properties"]["custom_id"]["pattern"] == "^[a-zA-Z0-9_-]{1,64}$"
    assert (schema["properties"]["requests"]["minItems"], schema["properties"]["requests"]["maxItems"]) == (1, 100000)


def test_platform_schemas_take_anthropic_version_in_the_body() -> None:
    """Bedrock requires anthropic_version and allows anthropic_beta; the model moves to the URL."""
    bedrock = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "anthropic_beta": ["x"],
               "messages": [{"role": "user", "content": "hi"}]}
    assert S.is_valid("messages", "bedrock", bedrock)
    assert not S.is_valid("messages", "vertex", bedrock)  # Vertex has no anthropic_beta body key
    assert not S.is_valid("messages", "bedrock", {k: v for k, v in bedrock.items() if k != "anthropic_version"})
    assert not S.is_valid("messages", "anthropic", bedrock)


def _paths(name: str, body: Dict[str, Any]) -> List[str]:
    return [".".join(str(p) for p in e.absolute_path) for e in S.iter_errors(name, "anthropic", body)]


def test_discriminator_puts_the_tag_in_the_path() -> None:
    """Errors inside a union branch carry the API's tag: thinking.enabled.budget_tokens, tools.0.custom.name."""
    body = {**BASE, "thinking": {"type": "enabled", "budget_tokens": 5}, "tools": [
        {"name": "a b", "input_schema": {"type": "object"}}]}
    errors = S.iter_errors("messages", "anthropic", body)
    assert [".".join(map(str, e.absolute_path)) for e in errors] == ["thinking.enabled.budget_tokens",
                                                                      "tools.0.custom.name"]
    assert all(isinstance(e.absolute_path[1 if e.absolute_path[0] == "thinking" else 2], S.Tag) for e in errors)
    assert S.def_of(errors[0]) == ("ThinkingConfigEnabledParam", 2)


def test_discriminator_missing_and_unknown_tags_give_one_error() -> None:
    """A missing tag is one 'required' error; an unknown tag one error listing the allowed tags."""
    missing = S.iter_errors("messages", "anthropic", {**BASE, "tool_choice": {"name": "x"}})
    assert [(e.validator, e.message) for e in missing] == [("required", "'type' is a required property")]
    unknown = S.iter_errors("messages", "anthropic", {**BASE, "tool_choice": {"type": "required"}})
    assert [(e.validator, e.message) for e in unknown] == [(
        "x-discriminator",
        "Input tag 'required' found using 'type' does not match any of the expected tags: 'any', 'auto', 'none', "
        "'tool'")]


def test_any_of_descends_into_the_branch_that_fits() -> None:
    """A nullable or string|array union reports the error of the branch whose JSON type fits, not 'anyOf'."""
    body = {**BASE, "messages": [{"role": "user", "content": [{"type": "text", "text": "x", "bogus": 1}]}]}
    assert _paths("messages", body) == ["messages.0.content.0.text"]
    wrong = S.iter_errors("messages", "anthropic", {**BASE, "system": 5})
    assert [(e.validator, e.validator_value) for e in wrong] == [("type", ["array", "string"])]


MUTATIONS: List[Dict[str, Any]] = [
    {"max_tokens": -1}, {"max_tokens": 1.5}, {"model": 3}, {"messages": {}}, {"stream": "yes"},
    {"system": [{"type": "text"}]}, {"tools": [{"type": "bash_20250124", "name": "bash", "x": 1}]},
    {"metadata": {"user_id": "u" * 513}}, {"container": {"skills": [{"skill_id": "", "type": "custom"}]}},
    {"thinking": {"type": "disabled", "display": "omitted"}}, {"output_config": {"format": {"type": "json_schema"}}},
    {"messages": [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a:b"}]}]},
    {"messages": [{"role": "user", "content": None}]}, {"service_tier": "priority"}, {"unknown": 1},
]


@pytest.mark.parametrize("patch", MUTATIONS, ids=[next(iter(m)) + str(i) for i, m in enumerate(MUTATIONS)])
def test_fast_path_agrees_with_jsonschema(patch: Dict[str, Any]) -> None:
    """The fast path (jsonschema-rs) and a stock Draft202012Validator agree on invalid bodies."""
    body = copy.deepcopy({**BASE, **patch})
    schema = S.load_schema("messages.beta")
    assert not Draft202012Validator(schema).is_valid(body)
    assert not S.is_valid("messages.beta", "anthropic", body)
    assert S.iter_errors("messages.beta", "anthropic", body)


def test_validators_are_cached() -> None:
    """One validator object per (schema, platform)."""
    assert S.validator("messages", "anthropic") is S.validator("messages", "anthropic")


# --- the fast path (jsonschema-rs) gives jsonschema's verdict ---------------------------------------------------
PAIRS = [(name, platform) for name in S.SCHEMA_NAMES for platform in S.PLATFORMS]
PAIR_IDS = [f"{name}-{platform}" for name, platform in PAIRS]
REPEAT_CAP = 1000  # jsonschema takes minutes over 100,000 repeated messages; see _case_bodies


def _expand(body: Any, cap: int) -> Any:
    """``{"$repeat": N, "item": X}`` expanded as the case runner does, to at most ``cap`` copies."""
    if isinstance(body, dict):
        return {k: _expand(v, cap) for k, v in body.items()}
    if isinstance(body, list):
        out: List[Any] = []
        for item in body:
            if isinstance(item, dict) and set(item) == {"$repeat", "item"}:
                out.extend(_expand(item["item"], cap) for _ in range(min(cap, int(item["$repeat"]))))
            else:
                out.append(_expand(item, cap))
        return out
    return body


def _with_batch_params(bodies: List[Tuple[str, Any, Any]]) -> List[Tuple[str, Any, Any]]:
    """Each body, and each distinct batch item's ``params`` (the engine validates those as Messages bodies)."""
    out = list(bodies)
    for where, _, capped in bodies:
        requests = capped.get("requests") if isinstance(capped, dict) else None
        distinct = {json.dumps(item.get("params"), sort_keys=True): item.get("params")
                    for item in (requests if isinstance(requests, list) else []) if isinstance(item, dict)}
        out.extend((f"{where}: a batch item's params", params, params) for params in distinct.values())
    return out


@lru_cache(maxsize=1)
def _case_bodies() -> Tuple[Tuple[str, Any, Any], ...]:
    """(case, body as the case runner builds it, the same with each ``$repeat`` cut to REPEAT_CAP copies) for every
    case file (valid, invalid, mined accepted and rejected)."""
    out = []
    for path in sorted(CASES.rglob("*.json")):
        case = json.loads(path.read_text("utf-8"))
        body = case_body(case, expand=False)
        where = str(path.relative_to(CASES))
        out.append((where, _expand(body, 10**9), _expand(body, REPEAT_CAP)))
    return tuple(_with_batch_params(out))


@lru_cache(maxsize=1)
def _corpus_bodies(path: Path) -> Tuple[Tuple[str, Any, Any], ...]:
    """Every distinct request body of the dev corpus (recorded real traffic), batch items' params included."""
    seen: Dict[str, Tuple[str, Any, Any]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                body = record.get("request_body")
                seen.setdefault(json.dumps(body, sort_keys=True), (record["id"], body, body))
    return tuple(_with_batch_params(list(seen.values())))


@lru_cache(maxsize=None)
def _stock(name: str, platform: str) -> Any:
    return Draft202012Validator(S.schema_for(name, platform))


def _disagreements(name: str, platform: str, bodies: Tuple[Tuple[str, Any, Any], ...]) -> List[str]:
    stock = _stock(name, platform)
    found = []
    for where, body, capped in bodies:
        fast = S.is_valid(name, platform, body)
        if capped is not body and S.is_valid(name, platform, capped) != fast:
            found.append(f"{where}: cutting $repeat to {REPEAT_CAP} copies changes the verdict: raise REPEAT_CAP")
        elif stock.is_valid(capped) != fast:
            found.append(f"{where}: the fast path says {fast}, jsonschema {not fast}")
    return found


@pytest.mark.parametrize(("name", "platform"), PAIRS, ids=PAIR_IDS)
def test_fast_path_gives_jsonschemas_verdict_on_every_case_body(name: str, platform: str) -> None:
    """Every schema on every platform, over every case body: jsonschema-rs (the fast path) and a stock
    Draft202012Validator agree (a body of 100,000 repeated messages is judged by jsonschema with 1,000 of them,
    after the fast path gives both lengths the same verdict)."""
    bodies = _case_bodies()
    assert len(bodies) > 300
    assert _disagreements(name, platform, bodies) == []


@pytest.mark.parametrize(("name", "platform"), PAIRS, ids=PAIR_IDS)
def test_fast_path_gives_jsonschemas_verdict_on_every_corpus_body(name: str, platform: str) -> None:
    """Every schema on every platform, over every distinct request body of the dev corpus (recorded real
    traffic): jsonschema-rs and a stock Draft202012Validator agree."""
    bodies = _corpus_bodies(shared_path("corpus", "dev.jsonl.gz"))
    assert len(bodies) > 2000
    assert _disagreements(name, platform, bodies) == []


class _StrEnum(str):
    """A ``str`` subclass (an enum's value in a body given as a dict): jsonschema-rs does not take it."""


# Where jsonschema-rs and stock jsonschema read a value differently.  A False from the fast path only sends the body
# to iter_errors, which has the last word and finds nothing; a True skips it, and iter_errors agrees (our validator
# reads a tuple as the JSON array json.dumps sends).
DIVERGENT: List[Tuple[str, Dict[str, Any], bool, bool]] = [
    # (what, patch, fast path, jsonschema)
    ("a name ending in a newline: ECMA-262 '$' (the JSON Schema standard) ends the text; Python's re.search "
     "matches before a final newline", {"tools": [{"name": "get_weather\n", "input_schema": {"type": "object"}}]},
     False, True),
    ("NaN, not a JSON number (the engine warns that the body is not strict JSON)", {"temperature": float("nan")},
     False, True),
    ("Infinity, likewise", {"temperature": float("inf")}, False, True),
    ("a tuple is sent as a JSON array", {"messages": ({"role": "user", "content": "Hello"},)}, True, False),
    ("a tuple inside a tool's input_schema, likewise",
     {"tools": [{"name": "t", "input_schema": {"type": "object", "required": ("a",)}}]}, True, False),
]
SAME: List[Tuple[str, Dict[str, Any], bool]] = [
    ("1024.0 is an integer", {"max_tokens": 1024.0}, True),
    ("1.5 is not", {"max_tokens": 1.5}, False),
    ("True is not an integer", {"max_tokens": True}, False),
    ("an integer beyond 64 bits", {"max_tokens": 10**30}, True),
    ("a negative one", {"max_tokens": -(10**30)}, False),
    ("astral characters count once toward maxLength", {"metadata": {"user_id": "\U0001F600" * 512}}, True),
    ("one too many", {"metadata": {"user_id": "\U0001F600" * 513}}, False),
    ("a non-ASCII digit is not [0-9]", {"tools": [{"name": "get_\u0663", "input_schema": {"type": "object"}}]}, False),
    ("a lone surrogate is a string to both (the engine rejects it as JSON)",
     {"messages": [{"role": "user", "content": "a\ud800b"}]}, True),
    ("a str subclass: jsonschema-rs refuses it, jsonschema answers", {"model": _StrEnum("claude-sonnet-4-6")}, True),
    ("a key that is not a string, likewise",
     {"tools": [{"name": "t", "input_schema": {"type": "object", 1: "x"}}]}, True),  # type: ignore[dict-item]
    ("bytes, likewise", {"model": b"claude"}, False),
]


@pytest.mark.parametrize(("what", "patch", "fast", "reference"), DIVERGENT, ids=[d[0][:40] for d in DIVERGENT])
def test_where_the_fast_path_and_jsonschema_differ(what: str, patch: Dict[str, Any], fast: bool, reference: bool) -> None:
    """The known differences, each on purpose: values no JSON text holds (NaN, a tuple), and pattern '$'; our
    precise path finds no error in any of them, so none becomes a violation."""
    body = {**BASE, **patch}
    assert (S.is_valid("messages", "anthropic", body), _stock("messages", "anthropic").is_valid(body)) == (fast, reference)
    assert S.iter_errors("messages", "anthropic", body) == []


def test_a_tuple_is_an_array_to_the_precise_path() -> None:
    """A body given as a dict holding a tuple is judged as json.dumps sends it: the one error is the real one."""
    body = {**BASE, "max_tokens": -1, "messages": ({"role": "user", "content": "Hello"},)}
    assert [(list(e.absolute_path), e.validator) for e in S.iter_errors("messages", "anthropic", body)] == [
        (["max_tokens"], "minimum")]
    assert S.json_types(("a",)) == frozenset({"array"})


@pytest.mark.parametrize(("what", "patch", "verdict"), SAME, ids=[s[0][:40] for s in SAME])
def test_fast_path_edge_values(what: str, patch: Dict[str, Any], verdict: bool) -> None:
    """Numbers, string lengths, patterns and Python values jsonschema-rs cannot read: jsonschema's verdict."""
    body = {**BASE, **patch}
    assert S.is_valid("messages", "anthropic", body) is verdict
    assert _stock("messages", "anthropic").is_valid(body) is verdict


def test_fast_path_without_jsonschema_rs() -> None:
    """Where jsonschema-rs cannot be imported (no wheel for the platform, installed with --no-deps), the fast path
    is the jsonschema validator: the same verdicts, in a fresh interpreter that cannot import it."""
    script = (
        "import json, sys\n"
        "sys.modules['jsonschema_rs'] = None  # import jsonschema_rs raises ImportError\n"
        "from pytest_claude_guard._core import _schemas as S\n"
        "S.preload()\n"
        "cases = json.loads(sys.stdin.read())\n"
        "print(json.dumps([S.is_valid(n, p, b) for n, p, b in cases]))\n"
        "assert 'jsonschema_rs' not in {m for m, v in sys.modules.items() if v is not None}\n"
    )
    bodies = [copy.deepcopy({**BASE, **patch}) for patch in MUTATIONS] + copy.deepcopy(VALID_BODIES)
    cases = [(name, platform, body) for body in bodies for name, platform in PAIRS if name.startswith("messages")]
    out = subprocess.run([sys.executable, "-c", script], input=json.dumps(cases), capture_output=True, text=True,
                         check=True, cwd=REPO)
    assert json.loads(out.stdout) == [S.is_valid(n, p, b) for n, p, b in cases]
    assert True in json.loads(out.stdout) and False in json.loads(out.stdout)
