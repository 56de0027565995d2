"""The JSON Schema fast path (``_schemas.is_valid``: is this body valid?), side by side in one run:

* ``jsonschema-rs``: ``jsonschema_rs.Draft202012Validator`` over the schema (Rust, via PyO3): the fast path today;
* ``_Compiler``: the hand-written compiler of closures it replaced, read from git history (``--compiler-rev``,
  default the last commit that had it; the column is left out where git or that commit is missing);
* ``fastjsonschema``: ``fastjsonschema.compile`` over the same schema (generated Python);
* ``jsonschema``: the stock ``Draft202012Validator.is_valid`` (the reference the others must agree with).

Usage: python benchmarks/bench_schemas.py [CORPUS.jsonl.gz] [--repeat N] [--skip-children] [--compiler-rev REV]
(needs ``pip install fastjsonschema``; the other libraries are dependencies)

The bodies are those the engine itself hands to the fast path: every request of the dev corpus (one per
interaction, as the scorer's ``--dedupe group``), of ``tests/cases/`` (valid, invalid, mined accepted and
rejected) is run through ``validate_request`` once with ``_schemas.is_valid`` recorded, which gives the
(schema, platform, body) triples, batch ``params`` included.  The warm-up (compilation, first calls) runs on one
half; each timed round runs on fresh deep copies of the other half.  The verdicts of every candidate are compared
with jsonschema's on every triple before timing; a disagreement is printed and the run fails.  Per candidate it
prints the mean and median time per body (each body's best round) for valid and for invalid bodies; for invalid
bodies also the whole precise path (fast path + ``iter_errors``) as it is and as it was with ``_Compiler`` (whose
per-node closures let ``iter_errors`` skip valid subtrees).  Then, in a fresh interpreter per candidate: the
import + compile time of every schema on every platform (what ``preload()`` does for the fast path) and the
process memory (RSS) it adds; and the whole ``preload()`` (median of 3 fresh interpreters).
Not a test: machines are shared and noisy; compare the columns of one run.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import pathlib
import subprocess
import sys
import statistics
import time
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pytest_claude_guard._core import _schemas as S  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_engine import headers_of, load  # noqa: E402

Triple = Tuple[str, str, Any]  # (schema name, platform, body)
Check = Callable[[str, str, Any], bool]
CANDIDATES = ("jsonschema-rs", "_Compiler", "fastjsonschema", "jsonschema")
COMPILER_REV = "4663e9e"  # the last commit whose _schemas.py has _Compiler


# --- the bodies -------------------------------------------------------------------------------------------------
def corpus_requests(path: pathlib.Path) -> List[Tuple[Any, Optional[Dict[str, str]], str]]:
    """One record per interaction (bench_engine's reading of the corpus), as (body, headers, endpoint)."""
    return [(r["request_body"], headers_of(r), r.get("endpoint") or "/v1/messages") for r in load(path)]


def case_requests() -> List[Tuple[Any, Optional[Dict[str, str]], str]]:
    from test_cases import CASES, DEFAULT_HEADERS, case_body

    out = []
    for path in sorted(CASES.rglob("*.json")):
        case = json.loads(path.read_text("utf-8"))
        out.append((case_body(case), case.get("headers", DEFAULT_HEADERS), case.get("endpoint", "/v1/messages")))
    return out


def fast_path_calls(requests: List[Tuple[Any, Optional[Dict[str, str]], str]]) -> List[Triple]:
    """What the engine asks the fast path for these requests (each distinct triple once)."""
    from pytest_claude_guard import validate_request

    seen: List[Triple] = []
    keys = set()
    real = S.is_valid

    def recording(name: str, platform: str, body: Any) -> bool:
        key = (name, platform, json.dumps(body, sort_keys=True, default=repr))
        if key not in keys:
            keys.add(key)
            seen.append((name, platform, copy.deepcopy(body)))
        return real(name, platform, body)

    S.is_valid = recording  # type: ignore[assignment]
    try:
        for body, headers, endpoint in requests:
            validate_request(body, headers=headers, endpoint=endpoint)
    finally:
        S.is_valid = real  # type: ignore[assignment]
    return seen


# --- the candidates ---------------------------------------------------------------------------------------------
PAIRS = [(n, p) for n in S.SCHEMA_NAMES for p in S.PLATFORMS]


def old_schemas(rev: str) -> Optional[ModuleType]:
    """``_schemas.py`` as of ``rev`` (with ``_Compiler``), as a module reading today's schemas; None without git."""
    try:
        source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:pytest_claude_guard/_core/_schemas.py"],
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    if "class _Compiler" not in source:
        return None
    module = ModuleType("_schemas_with_compiler")
    module.__file__ = str(ROOT / "pytest_claude_guard" / "_schemas_with_compiler.py")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def build(candidate: str, pairs: List[Tuple[str, str]], old: Optional[ModuleType]) -> Optional[Check]:
    """Import the library and compile ``pairs``; the returned check answers for those pairs."""
    if candidate == "jsonschema-rs":  # as _schemas.is_valid does it
        for name, platform in pairs:
            S.is_valid(name, platform, {})
        return S.is_valid
    if candidate == "_Compiler":
        if old is None:
            return None
        compiled = {pair: old._compiler(pair[0]).compile(S.schema_for(*pair)) for pair in pairs}
        return lambda name, platform, body: bool(compiled[(name, platform)](body))
    if candidate == "fastjsonschema":
        try:
            import fastjsonschema
        except ImportError:
            return None
        generated = {pair: fastjsonschema.compile(S.schema_for(*pair)) for pair in pairs}
        invalid = fastjsonschema.JsonSchemaValueException

        def fjs_check(name: str, platform: str, body: Any) -> bool:
            try:
                generated[(name, platform)](body)
            except invalid:
                return False
            return True

        return fjs_check
    if candidate == "jsonschema":
        from jsonschema import Draft202012Validator

        stock = {pair: Draft202012Validator(S.schema_for(*pair)).is_valid for pair in pairs}
        return lambda name, platform, body: bool(stock[(name, platform)](body))
    raise SystemExit(f"unknown candidate {candidate}")


# --- timing and memory ------------------------------------------------------------------------------------------
def per_body(fn: Callable[[Triple], Any], rounds: List[List[Triple]]) -> Tuple[float, float]:
    """(mean, median) over the bodies of each body's best time over the rounds (each round has its own copies)."""
    best = [float("inf")] * len(rounds[0])
    clock = time.perf_counter
    for items in rounds:
        for i, item in enumerate(items):
            t0 = clock()
            fn(item)
            best[i] = min(best[i], clock() - t0)
    return statistics.fmean(best), statistics.median(best)


def rss_kib() -> int:
    """The process's resident memory now, in KiB (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak // 1024 if sys.platform == "darwin" else peak)


def child(candidate: str, rev: str) -> int:
    """In a fresh interpreter: import + compile every (schema, platform) for one candidate; time and memory."""
    if candidate == "preload":
        t0 = time.perf_counter()
        import pytest_claude_guard

        pytest_claude_guard.preload()
        print(json.dumps({"seconds": time.perf_counter() - t0}))
        return 0
    old = old_schemas(rev) if candidate == "_Compiler" else None
    for pair in PAIRS:
        S.schema_for(*pair)  # the schema dicts are shared by every candidate: loaded before the baseline
    before = rss_kib()
    t0 = time.perf_counter()
    check = build(candidate, PAIRS, old)
    seconds = time.perf_counter() - t0
    after = rss_kib()
    if check is None:
        print(json.dumps(None))
        return 0
    check("messages", "anthropic", {"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": "x"}]})
    print(json.dumps({"seconds": seconds, "rss_kib": after - before}))
    return 0


def run_child(candidate: str, rev: str) -> Any:
    out = subprocess.run([sys.executable, __file__, "--child", candidate, "--compiler-rev", rev], capture_output=True,
                         text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(SHARED / "corpus" / "dev.jsonl.gz"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-children", action="store_true", help="no fresh-interpreter compile/memory runs")
    ap.add_argument("--compiler-rev", default=COMPILER_REV, help="the git revision whose _schemas.py has _Compiler")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a.child, a.compiler_rev)

    requests = corpus_requests(pathlib.Path(a.corpus)) + case_requests()
    triples = fast_path_calls(requests)
    pairs = sorted({(n, p) for n, p, _ in triples})
    old = old_schemas(a.compiler_rev)
    built = {c: build(c, pairs, old) for c in CANDIDATES}
    checks = {c: check for c, check in built.items() if check is not None}
    missing = [c for c in CANDIDATES if c not in checks]
    warm, timed_half = triples[0::2], triples[1::2]
    for check in checks.values():
        for name, platform, body in warm:
            check(name, platform, body)

    reference = checks["jsonschema"]
    verdict = [reference(*t) for t in triples]
    disagreements = 0
    for c, check in checks.items():
        for t, expected in zip(triples, verdict):
            if check(*t) != expected:
                disagreements += 1
                print(f"DISAGREE {c}: {t[0]}/{t[1]} jsonschema says {expected}: {json.dumps(t[2])[:200]}")
    if disagreements:
        raise SystemExit(f"{disagreements} verdicts differ from jsonschema's: the candidates answer different questions")

    valid = [t for t in timed_half if reference(*t)]
    invalid = [t for t in timed_half if not reference(*t)]
    print(f"fast-path calls: {len(triples)} distinct (schema, platform, body) from {len(requests)} requests, "
          f"on {len(pairs)} (schema, platform) pairs; all {len(checks)} candidates give jsonschema's verdict on each")
    print(f"timed: {len(valid)} valid + {len(invalid)} invalid bodies unseen by the warm-up ({len(warm)} others); "
          f"each body's best of {a.repeat} rounds ({max(1, a.repeat // 2)} for jsonschema)"
          + (f"; not run: {', '.join(missing)}" if missing else ""))

    def rounds(items: List[Triple], n: int) -> List[List[Triple]]:
        return [copy.deepcopy(items) for _ in range(n)]  # made before timing; no round reuses bodies

    valid_rounds, invalid_rounds = rounds(valid, a.repeat), rounds(invalid, a.repeat)
    print(f"{'us per body':<16}{'valid mean':>12}{'median':>10}{'invalid mean':>14}{'median':>10}")
    results: Dict[str, Tuple[float, ...]] = {}
    for c, check in checks.items():
        runs = max(1, a.repeat // 2) if c == "jsonschema" else a.repeat

        def one(t: Triple, check: Check = check) -> bool:
            return check(*t)

        results[c] = per_body(one, valid_rounds[:runs]) + per_body(one, invalid_rounds[:runs])
        print(f"{c:<16}" + "".join(f"{x * 1e6:>{w}.1f}" for x, w in zip(results[c], (12, 10, 14, 10))))
    for c in checks:
        if c != "jsonschema-rs":
            ratios = [x / y for x, y in zip(results[c], results["jsonschema-rs"])]
            print(f"{c} / jsonschema-rs: valid {ratios[0]:.1f}x (median {ratios[1]:.1f}x), "
                  f"invalid {ratios[2]:.1f}x (median {ratios[3]:.1f}x)")

    for name, platform, body in warm:
        S.iter_errors(name, platform, body)
        if old is not None:
            old.iter_errors(name, platform, body)
    now = per_body(lambda t: S.is_valid(*t) or S.iter_errors(*t), invalid_rounds)
    print(f"invalid body, fast path + iter_errors, now:           mean {now[0] * 1e6:8.1f} us, median {now[1] * 1e6:8.1f} us")
    if old is not None:
        then = per_body(lambda t: old.is_valid(*t) or old.iter_errors(*t), invalid_rounds)
        print(f"invalid body, fast path + iter_errors, _Compiler's:   mean {then[0] * 1e6:8.1f} us, "
              f"median {then[1] * 1e6:8.1f} us   (its closures let iter_errors skip valid subtrees)")

    if a.skip_children:
        return 0
    print(f"fresh interpreter: import + compile all {len(PAIRS)} (schema, platform) pairs, and the memory (RSS) it adds")
    for c in CANDIDATES:
        r = run_child(c, a.compiler_rev)
        if r is not None:
            print(f"{c:<16}{r['seconds']:>8.3f} s{r['rss_kib'] / 1024:>9.1f} MiB")
    preloads = sorted(run_child("preload", a.compiler_rev)["seconds"] for _ in range(3))
    print(f"pytest_claude_guard.preload() in a fresh interpreter (everything it loads): median {preloads[1]:.3f} s "
          f"(min {preloads[0]:.3f}, max {preloads[2]:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
