"""Engine cost on the dev corpus, side by side in one run with:

* a JSON round trip of the same bodies (``json.loads(json.dumps(body))``) — target: engine <= 5x;
* jsonschema (Draft 2020-12) over the official OpenAPI spec's request schema, both ``is_valid`` and the full error
  list (``iter_errors``, what a diagnosis needs) — target: engine >= 20x faster.

Usage: python benchmarks/bench_engine.py [CORPUS.jsonl.gz] [--repeat N]

The engine caches per-content work (the meta-schema check of each tool's ``input_schema``), so the corpus is split
in two: the warm-up (schemas, validators, imports) runs on one half, and every timed repetition runs on fresh copies
of the other half whose tool schemas carry a unique ``$comment`` — bodies no earlier call has seen, with the same
verdicts (checked before timing).  All phases time the same bodies.  Prints per-phase totals (best of N) and the
ratios; the engine on bodies it has already seen is printed for reference.  Not a test: machines are shared and noisy.
"""
from __future__ import annotations

import argparse
import copy
import gzip
import json
import pathlib
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from pytest_claude_guard import validate_request  # noqa: E402

SPEC_ENDPOINTS = {
    "/v1/messages": "CreateMessageParams",
    "/v1/messages/count_tokens": "CountMessageTokensParams",
    "/v1/messages/batches": "CreateMessageBatchParams",
}


def load(path: pathlib.Path) -> List[Dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        records = [json.loads(line) for line in fh if line.strip()]
    chosen: Dict[str, Dict[str, Any]] = {}
    for r in records:  # one record per interaction, as the scorer's --dedupe group
        g = r.get("group") or r["id"]
        if g not in chosen or (r.get("at_head") and not chosen[g].get("at_head")):
            chosen[g] = r
    return list(chosen.values())


def headers_of(r: Dict[str, Any]) -> Optional[Dict[str, str]]:
    rh = r.get("request_headers") or {}
    if not rh.get("anthropic-version"):
        return None
    h = {k: rh[k] for k in ("anthropic-version", "anthropic-beta", "content-type") if rh.get(k)}
    h["x-api-key"] = "placeholder"
    return h


def spec_validators() -> Dict[str, Any]:
    from jsonschema import Draft202012Validator

    spec = json.loads((SHARED / "reference" / "anthropic-openapi-2026-08.json").read_text("utf-8"))
    out = {}
    for endpoint, name in SPEC_ENDPOINTS.items():
        schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
        out[endpoint] = Draft202012Validator(schema)
    return out


Item = Tuple[Any, Optional[Dict[str, str]], str]


def fresh(items: List[Item], tag: str) -> List[Item]:
    """Deep copies whose every tool ``input_schema`` carries a unique ``$comment``: new identity, new content."""
    out: List[Item] = []
    for n, (body, headers, endpoint) in enumerate(items):
        body = copy.deepcopy(body)
        params = [r.get("params") for r in body.get("requests", []) if isinstance(r, dict)] if isinstance(body, dict) else []
        for p in [body, *params]:
            tools = p.get("tools") if isinstance(p, dict) else None
            for t, tool in enumerate(tools if isinstance(tools, list) else []):
                schema = tool.get("input_schema") if isinstance(tool, dict) else None
                if isinstance(schema, dict):
                    schema["$comment"] = f"bench {tag}.{n}.{t}"
        out.append((body, headers, endpoint))
    return out


def verdicts(items: List[Item]) -> List[List[str]]:
    return [sorted(v.code for v in validate_request(b, headers=h, endpoint=e)) for b, h, e in items]


def timed(fn: Callable[[List[Item]], None], rounds: List[List[Item]]) -> float:
    """Best time of ``fn`` over the rounds, each round on its own bodies."""
    best = float("inf")
    for items in rounds:
        t0 = time.perf_counter()
        fn(items)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(SHARED / "corpus" / "dev.jsonl.gz"))
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    records = load(pathlib.Path(a.corpus))
    items: List[Item] = [(r["request_body"], headers_of(r), r.get("endpoint") or "/v1/messages") for r in records]
    warm, timed_half = items[0::2], items[1::2]  # interleaved halves: the same mix of bodies in each
    spec = spec_validators()

    def round_trip(batch: List[Item]) -> None:
        for body, _, _ in batch:
            json.loads(json.dumps(body))

    def engine(batch: List[Item]) -> None:
        for body, headers, endpoint in batch:
            validate_request(body, headers=headers, endpoint=endpoint)

    def spec_is_valid(batch: List[Item]) -> None:
        for body, _, endpoint in batch:
            spec[endpoint].is_valid(body)

    def spec_errors(batch: List[Item]) -> None:
        for body, _, endpoint in batch:
            list(spec[endpoint].iter_errors(body))

    for fn in (engine, spec_is_valid, spec_errors):  # warm schemas, validators, imports on the other half
        fn(warm)
    check = fresh(timed_half, "check")
    changed = sum(a != b for a, b in zip(verdicts(timed_half), verdicts(check)))
    if changed:
        raise SystemExit(f"the $comment tag changed {changed} verdicts: the benchmark would time different work")
    rounds = [fresh(timed_half, str(i)) for i in range(a.repeat)]  # made before timing; no round reuses bodies
    t_rt = timed(round_trip, rounds)
    t_engine = timed(engine, rounds)
    t_seen = timed(engine, rounds)  # the same bodies again: the engine's per-content caches now hit
    spec_rounds = rounds[: max(1, a.repeat // 2)]
    t_valid = timed(spec_is_valid, spec_rounds)
    t_errors = timed(spec_errors, spec_rounds)
    print(f"bodies: {len(timed_half)} timed (unseen by the warm-up), {len(warm)} for the warm-up; "
          f"best of {a.repeat} ({len(spec_rounds)} for jsonschema)")
    print(f"json round trip               {t_rt:8.3f} s")
    print(f"validate_request              {t_engine:8.3f} s")
    print(f"validate_request, seen bodies {t_seen:8.3f} s   (reference only: per-content caches hit)")
    print(f"spec jsonschema is_valid      {t_valid:8.3f} s")
    print(f"spec jsonschema iter_errors   {t_errors:8.3f} s")
    print(f"engine / round trip           {t_engine / t_rt:8.2f}x   (target <= 5x)")
    print(f"spec is_valid / engine        {t_valid / t_engine:8.2f}x   (target >= 20x)")
    print(f"spec iter_errors / engine     {t_errors / t_engine:8.2f}x   (target >= 20x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
