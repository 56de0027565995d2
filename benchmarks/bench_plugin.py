"""Plugin overhead: a generated 500-test suite, each test making one valid SDK call through a local
MockTransport, run with the plugin on and off (alternating, best of N) in one invocation.

    .venv/bin/python benchmarks/bench_plugin.py [--tests 500] [--rounds 7]

Prints both wall times and the ratio, and the per-test ratio two ways:

* in-test time: a small timing plugin, loaded on both sides, sums each test's whole run protocol (setup, call,
  teardown, reporting, and every hook of claude-guard) as process CPU time and as wall time;
* start-up taken out: each round also runs a one-test copy of the suite per side, and a test's cost is
  (T(N) - T(1)) / (N - 1).

The target is <= 1.05 per test.  On a shared machine the timings swing by tens of percent from run to run;
``--instructions`` counts instructions instead (valgrind's callgrind: the same count on any load), per test with
start-up taken out ((I(N) - I(1)) / (N - 1) per side, default N = 100), in ``--places`` folders (3): the folder's
name moves the count of both sides (hash layouts), so the median ratio is the figure.  Both sides collect
garbage once before the first test: otherwise whether one full collection (a few million instructions, tens of
thousands per test) falls inside the measured tests depends on the objects each side made at start-up, and
that moved the ratio by a percent either way (over a long run, full collections cost both sides about the same
per test: a larger heap is collected as much less often as each collection is longer).  Not a timed test; no
network.  One warm-up run per side first, with bytecode caching allowed (as on users' machines).
"""

from __future__ import annotations

import argparse
import statistics
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

CONFTEST = """
import gc
import sys
import anthropic
import pytest


def pytest_collection_finish(session):
    gc.collect()  # the tests start from the same collector state on both sides (see the module's docstring)

_base = next(c for c in anthropic.DefaultHttpxClient.__mro__ if c.__name__ == "Client")
http = sys.modules[_base.__module__.split(".")[0]]
MESSAGE = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-opus-4-6",
           "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn", "stop_sequence": None,
           "usage": {"input_tokens": 1, "output_tokens": 1}}


@pytest.fixture(scope="session")
def client():
    transport = http.MockTransport(lambda request: http.Response(200, json=MESSAGE))
    return anthropic.Anthropic(api_key="bench-key", base_url="http://127.0.0.1:9",
                               http_client=http.Client(transport=transport))
"""

TEST = """
import pytest

@pytest.mark.parametrize("i", range({n}))
def test_call(client, i):
    message = client.messages.create(
        model="claude-opus-4-6",
        max_tokens=64,
        system="You are terse.",
        messages=[{{"role": "user", "content": f"Question {{i}}"}}],
    )
    assert message.content[0].text == "hi"
"""


TIMER = """
import os, time
import pytest

_TOTAL = [0.0, 0.0]


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    cpu, wall = time.process_time(), time.perf_counter()
    yield
    _TOTAL[0] += time.process_time() - cpu
    _TOTAL[1] += time.perf_counter() - wall


def pytest_unconfigure(config):
    with open(os.environ["BENCH_TIMER_OUT"], "w") as fh:
        fh.write(f"{_TOTAL[0]} {_TOTAL[1]}")
"""

IN_TEST: Dict[bool, List[Tuple[float, float]]] = {True: [], False: []}


def _run(folder: Path, plugin_on: bool) -> float:
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
            "-p", "bench_timer", str(folder)]
    if not plugin_on:
        args[4:4] = ["-p", "no:claude_guard"]
    # Users run with bytecode caches; a PYTHONDONTWRITEBYTECODE environment would make every run recompile the
    # plugin's modules (and only the plugin's: pip byte-compiled the installed libraries) and skew the ratio.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = folder / "timer.out"
    env["BENCH_TIMER_OUT"] = str(out)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(folder.parent), env.get("PYTHONPATH", "")) if p)
    start = time.perf_counter()
    done = subprocess.run(args, cwd=folder, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark suite failed (plugin {'on' if plugin_on else 'off'}):\n{done.stdout}\n{done.stderr}")
    if plugin_on and "request(s) checked, no violations" not in done.stdout:
        raise SystemExit("the plugin did not check the benchmark's requests:\n" + done.stdout)
    cpu, wall = (float(x) for x in out.read_text(encoding="utf-8").split())
    if folder.name == "full":
        IN_TEST[plugin_on].append((cpu, wall))
    return elapsed


def _write_suite(folder: Path, count: int) -> Path:
    folder.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (folder / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (folder / "test_bench.py").write_text(TEST.format(n=count), encoding="utf-8")
    return folder


def _instructions(folder: Path, plugin_on: bool) -> "subprocess.Popen[str]":
    args = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-m", "pytest", "-q",
            "-p", "no:cacheprovider", "-p", "no:randomly", str(folder)]
    if not plugin_on:
        args += ["-p", "no:claude_guard"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONHASHSEED"] = "0"
    return subprocess.Popen(args, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def _collected(proc: "subprocess.Popen[str]") -> int:
    out, _ = proc.communicate()
    found = re.search(r"Collected : (\d+)", out)
    if proc.returncode != 0 or found is None:
        raise SystemExit("callgrind run failed:\n" + out[-3000:])
    return int(found.group(1))


def _count_at_one_place(tests: int) -> Dict[bool, float]:
    """Per-test instructions with the plugin on and off, start-up taken out, for a suite in a new temporary folder;
    two runs at a time."""
    with tempfile.TemporaryDirectory(prefix="claude-guard-bench-") as tmp:
        (Path(tmp) / "bench_timer.py").write_text(TIMER, encoding="utf-8")
        full, one = _write_suite(Path(tmp) / "full", tests), _write_suite(Path(tmp) / "one", 1)
        for folder in (full, one):  # bytecode caches, natively
            for on in (True, False):
                _run(folder, plugin_on=on)
        counts = {}
        for folder in (full, one):
            procs = {on: _instructions(folder, on) for on in (True, False)}
            counts.update({(folder.name, on): _collected(proc) for on, proc in procs.items()})
    return {on: (counts[("full", on)] - counts[("one", on)]) / (tests - 1) for on in (True, False)}


def count_instructions(tests: int, places: int) -> int:
    """Per test, plugin on vs off, at ``places`` folders.  The count is exact for one folder, but the folder's name
    moves it: paths are hashed everywhere (pytest's node ids, module names), and another name lays out other
    dictionaries, by up to about 1% of a test's instructions on both sides.  So the suite is counted in several
    folders and the median of the ratios is the figure (each place is printed)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt install valgrind)")
    print(f"{tests} tests, instructions (callgrind), {places} place(s)")
    ratios = []
    for place in range(1, places + 1):
        per = _count_at_one_place(tests)
        ratios.append(per[True] / per[False])
        print(f"place {place}: per test, start-up taken out: plugin off {per[False]:,.0f}, on {per[True]:,.0f}, "
              f"plugin {per[True] - per[False]:,.0f}, ratio {ratios[-1]:.3f}", flush=True)
    print(f"per test: median ratio {statistics.median(ratios):.3f}, range {min(ratios):.3f} to {max(ratios):.3f} "
          "(target <= 1.05)")
    return 0


def main(argv: "List[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=None, help="tests in the suite (500; 100 with --instructions)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--instructions", action="store_true", help="count instructions (callgrind) instead of timing")
    parser.add_argument("--places", type=int, default=3,
                        help="with --instructions: count the suite in this many folders, report the median (3)")
    args = parser.parse_args(argv)
    if args.instructions:
        return count_instructions(args.tests or 100, max(1, args.places))
    args.tests = args.tests or 500
    with tempfile.TemporaryDirectory(prefix="claude-guard-bench-") as tmp:
        (Path(tmp) / "bench_timer.py").write_text(TIMER, encoding="utf-8")
        folders = {name: _write_suite(Path(tmp) / name, count) for name, count in (("full", args.tests), ("one", 1))}
        on: List[float] = []
        off: List[float] = []
        per_test: List[float] = []
        _run(folders["full"], plugin_on=False)  # warm-up: bytecode caches and the OS file cache, for both sides
        _run(folders["full"], plugin_on=True)
        IN_TEST[True].clear()
        IN_TEST[False].clear()
        for _ in range(args.rounds):
            off.append(_run(folders["full"], plugin_on=False))
            on.append(_run(folders["full"], plugin_on=True))
            off_one = _run(folders["one"], plugin_on=False)
            on_one = _run(folders["one"], plugin_on=True)
            per_test.append((on[-1] - on_one) / max(off[-1] - off_one, 1e-9))
    best_on, best_off = min(on), min(off)
    med_on, med_off = statistics.median(on), statistics.median(off)
    pairs = sorted(a / b for a, b in zip(on, off))
    print(f"{args.tests} tests, {args.rounds} alternating rounds")
    print(f"best:   plugin off {best_off:.2f}s, plugin on {best_on:.2f}s, ratio {best_on / best_off:.3f}")
    print(f"median: plugin off {med_off:.2f}s, plugin on {med_on:.2f}s, ratio {med_on / med_off:.3f}")
    print(f"median of per-round ratios: {statistics.median(pairs):.3f} (whole runs, start-up included)")
    print(f"per test, start-up taken out: median ratio {statistics.median(per_test):.3f}")
    for k, name in ((0, "CPU"), (1, "wall")):
        a = [x[k] for x in IN_TEST[False]]
        b = [x[k] for x in IN_TEST[True]]
        rounds = sorted(y / x for x, y in zip(a, b))
        print(f"per test, in-test {name} time: off {statistics.median(a) / args.tests * 1e3:.3f} ms, "
              f"on {statistics.median(b) / args.tests * 1e3:.3f} ms; ratio of medians "
              f"{statistics.median(b) / statistics.median(a):.3f}, best {min(b) / min(a):.3f}, "
              f"median of per-round ratios {statistics.median(rounds):.3f} (target <= 1.05)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
