"""The evidence ledger (data/evidence.json): its schema, every error tied to evidence, and severity scoped to it."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from pytest_claude_guard import validate_request
from pytest_claude_guard._core._causes import causes
from pytest_claude_guard._core._evidence import (
    DIMENSIONS,
    ENDPOINTS,
    KINDS,
    PLATFORMS,
    VERSIONS,
    Box,
    Situation,
    covered,
    describe_scope,
    ledger,
    platform_of,
)
from pytest_claude_guard._core._models import default_registry

LEDGER: dict[str, Any] = ledger()["causes"]
DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
CORPUS_ID = re.compile(r"^[\w.-]+/[\w.-]+:.+?(@[0-9a-f]{6,40})?#\d+$")  # repo:path[@blob]#index
REQUIRED = {
    "recorded": {"corpus"},
    "issue": {"repo", "number", "url"},
    "docs": {"url"},
    "sdk": {"module", "file"},
}
ALLOWED = {"endpoints": set(ENDPOINTS), "platforms": set(PLATFORMS), "versions": set(VERSIONS)}
H23 = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-placeholder"}
H26 = {"anthropic-version": "2026-10-21", "x-api-key": "sk-ant-test-placeholder"}


def _valid_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.netloc) and " " not in url


def _canonical(model: str) -> str:
    found = default_registry().lookup(model)
    return found.info.id if found.info is not None else model


def _rule_codes() -> set[str]:
    return {code for code, c in causes().items() if c.kind == "rule"}


def test_the_ledger_lists_every_rule_and_nothing_else() -> None:
    """Each cause of kind 'rule' has a ledger entry (even if only a note saying why it has no evidence)."""
    assert set(LEDGER) == _rule_codes()


@pytest.mark.parametrize("code", sorted(LEDGER))
def test_entry_schema(code: str) -> None:
    """Kinds, required fields, valid URLs and dates, and only known endpoint / platform / version names."""
    for e in LEDGER[code]["evidence"]:
        assert e["kind"] in KINDS, e
        assert REQUIRED[e["kind"]] <= set(e), e
        for key in ("message", "models", "endpoints", "platforms", "versions", "date"):
            assert key in e, (key, e)
        assert e["message"] is None or (isinstance(e["message"], str) and e["message"].strip()), e
        for dim, allowed in ALLOWED.items():
            assert set(e[dim]) <= allowed, (dim, e)
        assert all(isinstance(m, str) and m.startswith("claude-") for m in e["models"]), e
        if e["date"] is None:  # the corpus keeps no dates; a thread's date is filled where it was read
            assert e["kind"] in ("recorded", "issue"), f"docs and SDK entries carry the date they were read: {e}"
        else:
            assert DATE.match(e["date"]), e
        if "url" in e:
            assert _valid_url(e["url"]), e
        if e["kind"] == "issue":
            assert e["url"] in (f"https://github.com/{e['repo']}/{kind}/{e['number']}" for kind in ("issues", "pull")), e
        if e["kind"] == "recorded":
            assert e["corpus"] in ("dev.jsonl.gz", "issue_cases.jsonl"), e
            if e["corpus"] == "dev.jsonl.gz":
                assert CORPUS_ID.match(e["id"]), e
            else:
                assert e["url"].startswith("https://github.com/"), e


@pytest.mark.parametrize("code", sorted(LEDGER))
def test_scope_only_claims_what_the_evidence_saw(code: str) -> None:
    """Every listed model / endpoint / platform / version of a scope box was seen in one of the cause's entries;
    a dimension claimed for every value ("*") says why."""
    entry = LEDGER[code]
    seen = {d: set() for d in DIMENSIONS}
    for e in entry["evidence"]:
        seen["models"] |= {_canonical(m) for m in e["models"]}
        for d in ("endpoints", "platforms", "versions"):
            seen[d] |= set(e[d])
    for box in entry["scope"]:
        assert set(box) <= {*DIMENSIONS, "why"}, box
        for d in DIMENSIONS:
            if box[d] == "*":
                assert box.get("why"), f"{code}: '*' {d} without a reason"
            else:
                assert box[d] and set(box[d]) <= seen[d], f"{code}: {d} {sorted(set(box[d]) - seen[d])} not seen"
        pairs = [(set(box[d]) if box[d] != "*" else None) for d in DIMENSIONS]
        assert any(
            all(p is None or set(e[d]) & p or (d == "models" and {_canonical(m) for m in e["models"]} & p)
                for d, p in zip(DIMENSIONS, pairs) if d != "versions")
            for e in entry["evidence"]
        ), f"{code}: no single entry was seen inside {box}"


def test_every_error_cause_is_tied_to_evidence() -> None:
    """A rule that is an error anywhere by default has at least one evidence entry and one scope box; a rule without
    any is a warning by default (the catalog's confidence alone does not make an error)."""
    for code in _rule_codes():
        c = causes()[code]
        if c.default_severity == "error":
            assert LEDGER[code]["evidence"] and LEDGER[code]["scope"], code
        else:
            assert describe_scope(code) == "warning" or c.confidence == "uncertain", code


def test_model_deprecated_is_a_warning_in_the_table_and_the_engine() -> None:
    """The README's default for model_deprecated says what the engine does: a warning (deprecation rejects nothing)."""
    assert causes()["model_deprecated"].default_severity == "warning"
    assert describe_scope("model_deprecated") == "warning"


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        (Situation("claude-opus-4-6", "messages", "anthropic", "2023-06-01"), True),
        (Situation("claude-opus-4-6", "messages", "anthropic", None), True),  # unknown version: not a reason to warn
        (Situation("claude-opus-5-5", "messages", "anthropic", "2023-06-01"), False),  # a model nobody observed
        (Situation(None, "messages", "anthropic", "2023-06-01"), False),  # an unknown model is not a listed one
        (Situation("claude-opus-4-6", "count_tokens", "anthropic", "2023-06-01"), False),  # an endpoint not seen
        (Situation("claude-opus-4-6", "messages", "vertex", "2023-06-01"), True),  # seen on Vertex too
        (Situation("claude-sonnet-4-6", "messages", "vertex", "2023-06-01"), False),
    ],
)
def test_covered_prefill(situation: Situation, expected: bool) -> None:
    """covered(): a situation is inside the evidence only when every dimension matches one box."""
    assert covered("prefill_not_supported", situation) is expected


def test_box_any_dimension_and_unknown_version() -> None:
    """None in a Box dimension covers every value; an unknown version is covered by a box listing versions."""
    box = Box(models=None, endpoints=frozenset({"messages"}), platforms=None, versions=frozenset({"2023-06-01"}))
    assert box.covers(Situation(None, "messages", "bedrock", None))
    assert not box.covers(Situation(None, "messages", "bedrock", "2026-10-21"))
    assert not box.covers(Situation(None, "batches", "bedrock", "2023-06-01"))


@pytest.mark.parametrize(
    ("platform", "service", "host", "expected"),
    [
        ("anthropic", "", "", "anthropic"),
        ("anthropic", "", "api.anthropic.com", "anthropic"),
        ("anthropic", "bedrock-mantle", "bedrock-mantle.us-east-1.api.aws", "mantle"),
        ("anthropic", "", "res.services.ai.azure.com", "foundry"),
        ("bedrock", "", "bedrock-runtime.us-east-1.amazonaws.com", "bedrock"),
        ("vertex", "", "us-east5-aiplatform.googleapis.com", "vertex"),
    ],
)
def test_platform_names(platform: str, service: str, host: str, expected: str) -> None:
    """Endpoints map onto the ledger's platform names."""
    assert platform_of(platform, service, host) == expected


USER = [{"role": "user", "content": "Hello"}]
PREFILL = [{"role": "user", "content": "Give me JSON."}, {"role": "assistant", "content": "{"}]
BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com/model/{}/invoke"
FOUNDRY = "https://r.services.ai.azure.com/anthropic/v1/messages"
VERTEX = ("https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/"
          "{}:rawPredict")


@pytest.mark.parametrize(
    ("code", "body", "headers", "endpoint", "severity"),
    [
        # inside the evidence: an error
        ("prefill_not_supported", {"model": "claude-opus-4-6", "max_tokens": 64, "messages": PREFILL}, H23,
         "/v1/messages", "error"),
        ("max_tokens_above_model_limit", {"model": "claude-opus-4-5", "max_tokens": 128001, "messages": USER}, H23,
         "/v1/messages", "error"),
        ("effort_level_unsupported", {"model": "claude-opus-4-6", "max_tokens": 64, "messages": USER,
                                      "output_config": {"effort": "xhigh"}}, H23, "/v1/messages", "error"),
        ("messages_empty", {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": []}, H23, "/v1/messages",
         "error"),
        ("messages_empty", {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": []}, H26, "/v1/messages",
         "error"),
        # outside it: the same finding, a warning
        ("prefill_not_supported", {"model": "claude-opus-5-5", "max_tokens": 64, "messages": PREFILL}, H23,
         "/v1/messages", "warning"),
        ("max_tokens_above_model_limit", {"model": "claude-sonnet-4-6", "max_tokens": 128001, "messages": USER}, H23,
         "/v1/messages", "warning"),
        ("effort_level_unsupported", {"model": "claude-opus-4-5", "max_tokens": 64, "messages": USER,
                                      "output_config": {"effort": "xhigh"}}, H23, "/v1/messages", "warning"),
        ("prefill_not_supported", {"model": "claude-opus-4-6", "max_tokens": 64, "messages": PREFILL}, H23,
         FOUNDRY, "warning"),  # Foundry: no public thread shows the prefill rejection there
        ("messages_empty", {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64, "messages": []}, None,
         BEDROCK.format("anthropic.claude-sonnet-4-6"), "error"),  # the schema is validated on Bedrock too
        ("prefill_not_supported", {"anthropic_version": "vertex-2023-10-16", "max_tokens": 64, "messages": PREFILL},
         None, VERTEX.format("claude-sonnet-4-6"), "warning"),
        ("sampling_param_removed_2026_10_21", {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": USER,
                                               "temperature": 0.5}, H26, "/v1/messages", "warning"),
        # the platform seen: an error there too
        ("prefill_not_supported", {"anthropic_version": "vertex-2023-10-16", "max_tokens": 64, "messages": PREFILL},
         None, VERTEX.format("claude-opus-4-6"), "error"),
    ],
)
def test_severity_follows_evidence(code: str, body: dict[str, Any], headers: Any, endpoint: str, severity: str) -> None:
    """The engine reports the cause as an error inside its evidence and as a warning outside it."""
    found = [v for v in validate_request(body, headers=headers, endpoint=endpoint) if v.code == code]
    assert found, [(v.code, v.message) for v in validate_request(body, headers=headers, endpoint=endpoint)]
    assert {v.severity for v in found} == {severity}


def test_batch_items_are_judged_as_batches() -> None:
    """Inside a batch the endpoint is 'batches': a cause whose evidence covers batch items stays an error there, one
    seen only on messages (Bedrock-only prefill evidence aside) follows its scope."""
    body = {"requests": [{"custom_id": "a", "params": {"model": "claude-opus-4-6", "max_tokens": 64,
                                                       "messages": PREFILL}}]}
    found = [v for v in validate_request(body, headers=H23, endpoint="/v1/messages/batches")
             if v.code == "prefill_not_supported"]
    assert [v.severity for v in found] == ["error"]
    assert found[0].path == "requests.0.params.messages.1"
