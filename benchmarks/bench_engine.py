"""Engine cost on the dev corpus, side by side in one run with:

* a JSON round trip of the same bodies (``json.loads(json.dumps(body))``) — target: engine <= 5x;
* jsonschema (Draft 2020-12) over the official OpenAPI spec's request schema — target: engine >= 20x faster.

Usage: python benchmarks/bench_engine.py [CORPUS.jsonl.gz] [--repeat N]
Prints per-phase totals (best of N) and the two ratios.  Not a test: machines are shared and noisy.
"""
from __future__ import annotations

import argparse
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


def spec_validators() -> Dict[str, Callable[[Any], bool]]:
    from jsonschema import Draft202012Validator

    spec = json.loads((SHARED / "reference" / "anthropic-openapi-2026-08.json").read_text("utf-8"))
    out = {}
    for endpoint, name in SPEC_ENDPOINTS.items():
        schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
        validator = Draft202012Validator(schema)
        out[endpoint] = lambda body, v=validator: sum(1 for _ in v.iter_errors(body)) == 0
    return out


def timed(fn: Callable[[], None], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(SHARED / "corpus" / "dev.jsonl.gz"))
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    records = load(pathlib.Path(a.corpus))
    items: List[Tuple[Any, Optional[Dict[str, str]], str]] = [
        (r["request_body"], headers_of(r), r.get("endpoint") or "/v1/messages") for r in records
    ]
    spec = spec_validators()

    def round_trip() -> None:
        for body, _, _ in items:
            json.loads(json.dumps(body))

    def engine() -> None:
        for body, headers, endpoint in items:
            validate_request(body, headers=headers, endpoint=endpoint)

    def spec_check() -> None:
        for body, _, endpoint in items:
            spec[endpoint](body)

    engine()  # warm caches (schemas, validators) before timing
    t_rt = timed(round_trip, a.repeat)
    t_engine = timed(engine, a.repeat)
    t_spec = timed(spec_check, max(1, a.repeat // 2))
    print(f"bodies: {len(items)}  (best of {a.repeat})")
    print(f"json round trip        {t_rt:8.3f} s")
    print(f"validate_request       {t_engine:8.3f} s")
    print(f"jsonschema over spec   {t_spec:8.3f} s")
    print(f"engine / round trip    {t_engine / t_rt:8.2f}x   (target <= 5x)")
    print(f"spec check / engine    {t_spec / t_engine:8.2f}x   (target >= 20x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
