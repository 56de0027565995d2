"""Real-suites harness: run other projects' Anthropic tests, replaying their recorded cassettes, with the plugin off,
strict and warn, and report what the plugin changes.

    .venv/bin/python benchmarks/real_suites.py [--suite NAME ...] [--cache DIR] [--keep-going] [--timeout S]
    .venv/bin/python benchmarks/real_suites.py --overhead [--rounds 5]      # mirascope, plugin off vs strict

Each suite is a pinned source distribution from PyPI that ships its tests and cassettes (``pip download --no-deps
--no-binary :all:``), unpacked into the cache and installed into its own cached venv with the versions of its
``uv.lock`` as constraints, plus this checkout (editable).  Its Anthropic tests then run three times (``-p
no:claude_guard``, ``--claude-guard=strict``, ``--claude-guard=warn``) with junit XML for per-test outcomes and
``--claude-guard-report`` for the violations.  Cassettes are only replayed, never recorded, and a small probe plugin
refuses every non-loopback connection (and counts the attempts), so nothing but pip touches the network.

Per suite it prints: tests run, tests that pass with the plugin off but fail with it on (strict, warn), the
violations by code, and for each new failure the violation, the recorded request's excerpt at the violation's path
and the status the API answered in the cassette (4xx: a true catch; 200: a false alarm).  Not a test.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import hashlib
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_CACHE = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache")) / "claude-guard-real-suites"
MODES = ("off", "strict", "warn")
PROBE_MODULE = "claude_guard_real_suites_probe"


@dataclasses.dataclass(frozen=True)
class Suite:
    name: str
    version: str
    extras: Tuple[str, ...]
    test_deps: Tuple[str, ...]  # names only: versions come from the suite's uv.lock
    paths: Tuple[str, ...]  # test paths, relative to the unpacked sdist
    select: Tuple[str, ...]  # pytest selection arguments
    replay: Tuple[str, ...]  # arguments that make the suite replay and never record
    must_ship: Tuple[str, ...]  # paths the sdist must contain (tests and cassettes)
    # Edits to the unpacked copy so it runs offline: (file, exact text, replacement, why).  Applied to our copy only.
    patches: Tuple[Tuple[str, str, str, str], ...] = ()
    env: Tuple[Tuple[str, str], ...] = ()


SUITES: Dict[str, Suite] = {
    s.name: s
    for s in (
        Suite(
            name="mirascope",
            version="2.8.2",
            extras=("anthropic", "mcp"),
            test_deps=("pytest", "pytest-asyncio", "vcrpy", "pytest-vcr", "inline-snapshot", "python-dotenv",
                       "pytest-httpserver", "fastmcp"),
            paths=("tests/e2e", "tests/llm/providers/anthropic"),
            select=("-k", "anthropic"),
            replay=("--vcr-record=none",),
            must_ship=("tests/e2e/input/cassettes", "tests/e2e/output/cassettes", "tests/conftest.py"),
        ),
        Suite(
            name="magentic",
            version="0.41.1",
            extras=("anthropic", "litellm"),
            test_deps=("pytest", "pytest-asyncio", "pytest-recording", "vcrpy", "inline-snapshot", "python-dotenv",
                       "pytest-mock", "pytest-clarity", "logfire"),
            paths=("tests",),
            select=("-k", "anthropic"),
            # the suite's addopts add coverage; keep only its own network block
            replay=("--record-mode=none", "-o", "addopts=--block-network"),
            must_ship=("tests/chat_model/cassettes/test_anthropic_chat_model", "tests/conftest.py"),
            env=(("LITELLM_LOCAL_MODEL_COST_MAP", "True"),),
        ),
        Suite(
            name="ecologits",
            version="0.11.3",
            extras=("anthropic",),
            test_deps=("pytest", "pytest-asyncio", "pytest-recording", "vcrpy", "tiktoken"),
            paths=("tests/test_anthropic.py",),
            select=(),
            replay=("--record-mode=none", "--block-network"),
            must_ship=("tests/cassettes/test_anthropic", "tests/test_anthropic.py", "tests/conftest.py"),
            patches=(("tests/conftest.py", 'tiktoken.get_encoding("cl100k_base")\n', "",
                      "the conftest downloads a tiktoken encoding at import; the Anthropic tests do not use it"),),
        ),
    )
}

PROBE_SOURCE = '''"""Loaded by the real-suites harness with -p: refuse non-loopback connections; log which cassettes each test used."""
import json
import os
import socket

_log_path = os.environ.get("REAL_SUITES_PROBE_LOG")
_current = {"test": None}


def _log(record):
    if _log_path:
        with open(_log_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\\n")


def _loopback(address):
    if not isinstance(address, tuple):
        return True  # AF_UNIX and friends
    host = str(address[0])
    return host.startswith("127.") or host in ("::1", "localhost", "0.0.0.0", "::")


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def connect(self, address):
    if not _loopback(address):
        _log({"event": "network_blocked", "test": _current["test"], "address": str(address)})
        raise OSError("real-suites harness: network access refused (%r)" % (address,))
    return _connect(self, address)


def connect_ex(self, address):
    if not _loopback(address):
        _log({"event": "network_blocked", "test": _current["test"], "address": str(address)})
        return 111
    return _connect_ex(self, address)


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex


def pytest_configure(config):
    try:
        from vcr.cassette import Cassette
    except ImportError:
        return
    load = Cassette._load

    def _load(self):
        _log({"event": "cassette", "test": _current["test"], "path": os.path.abspath(str(self._path))})
        return load(self)

    Cassette._load = _load


def pytest_runtest_setup(item):
    _current["test"] = item.nodeid


def pytest_runtest_teardown(item):
    _current["test"] = item.nodeid
'''


# ----------------------------------------------------------------------------------------------------------------------
# fetching and installing


def run(cmd: Sequence[str], *, timeout: float, cwd: Optional[pathlib.Path] = None, env: Optional[Dict[str, str]] = None,
        log: Optional[pathlib.Path] = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if log is not None:
        log.write_text(f"$ {' '.join(cmd)}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}\n", encoding="utf-8")
    return done


def fetch(suite: Suite, cache: pathlib.Path) -> pathlib.Path:
    """Download the sdist once, unpack it once, check it ships tests and cassettes, apply the offline patches."""
    sdists = cache / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    archive = next(iter(sorted(sdists.glob(f"{suite.name}-{suite.version}.tar.gz"))), None)
    if archive is None:
        done = run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", str(sdists),
                    f"{suite.name}=={suite.version}"], timeout=600)
        if done.returncode != 0:
            raise HarnessError(f"pip download {suite.name}=={suite.version} failed:\n{done.stderr[-2000:]}")
        archive = next(iter(sorted(sdists.glob(f"{suite.name}-{suite.version}.tar.gz"))), None)
        if archive is None:
            raise HarnessError(f"pip download {suite.name}=={suite.version} gave no .tar.gz in {sdists}")
    src = cache / "src" / f"{suite.name}-{suite.version}"
    if not (src / ".unpacked").exists():
        shutil.rmtree(src, ignore_errors=True)
        src.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
            for m in members:
                if m.name.startswith("/") or ".." in pathlib.PurePosixPath(m.name).parts:
                    raise HarnessError(f"{archive.name}: unsafe member {m.name}")
            tar.extractall(src.parent, members=members)
        for file, old, new, _why in suite.patches:
            target = src / file
            text = target.read_text(encoding="utf-8")
            if old not in text:
                raise HarnessError(f"{suite.name}: offline patch does not apply to {file}")
            target.write_text(text.replace(old, new), encoding="utf-8")
        (src / ".unpacked").write_text("", encoding="utf-8")
    missing = [p for p in suite.must_ship if not (src / p).exists()]
    if missing:
        raise HarnessError(f"{suite.name} {suite.version}: the sdist does not ship {', '.join(missing)}")
    return src


def lock_constraints(src: pathlib.Path, own_name: str) -> Dict[str, str]:
    """name -> version for every package the suite's uv.lock pins to exactly one version."""
    lock = src / "uv.lock"
    if not lock.exists():
        return {}
    try:
        import tomllib
    except ImportError:  # Python < 3.11: run without the lock's pins
        return {}
    versions: Dict[str, set] = collections.defaultdict(set)
    for package in tomllib.loads(lock.read_text(encoding="utf-8")).get("package", []):
        if package.get("version") and "editable" not in package.get("source", {}):
            versions[package["name"]].add(package["version"])
    return {name: next(iter(v)) for name, v in sorted(versions.items()) if len(v) == 1 and name != own_name}


def ensure_venv(suite: Suite, src: pathlib.Path, cache: pathlib.Path, python: str) -> pathlib.Path:
    """A venv per suite, reused while the install recipe (and this checkout's pyproject.toml) is unchanged."""
    venv = cache / "venvs" / f"{suite.name}-{suite.version}"
    pins = lock_constraints(src, suite.name)
    constraints = "".join(f"{n}=={v}\n" for n, v in pins.items())
    target = f"{src}[{','.join(suite.extras)}]" if suite.extras else str(src)
    recipe = json.dumps([python, target, str(ROOT), suite.test_deps, constraints,
                         (ROOT / "pyproject.toml").read_text(encoding="utf-8")])
    stamp = hashlib.sha256(recipe.encode()).hexdigest()
    marker = venv / ".claude-guard-recipe"
    if marker.exists() and marker.read_text(encoding="utf-8") == stamp:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    done = run([python, "-m", "venv", str(venv)], timeout=300)
    if done.returncode != 0:
        raise HarnessError(f"venv for {suite.name} failed:\n{done.stderr[-2000:]}")
    print(f"  installing {suite.name} into {venv} ({len(pins)} pins from uv.lock) ...", flush=True)
    dropped: List[str] = []
    for _attempt in range(6):
        (venv / "constraints.txt").write_text("".join(f"{n}=={v}\n" for n, v in pins.items()), encoding="utf-8")
        cmd = [str(venv / "bin" / "python"), "-m", "pip", "install", "-c", str(venv / "constraints.txt"),
               "-e", target, "-e", str(ROOT), *suite.test_deps]
        done = run(cmd, timeout=1800, log=venv / "install.log")
        # A pin the index no longer serves (a yanked release) makes the resolution impossible: drop it and retry.
        culprits = [n for n in pins if f"(constraint) {n}=={pins[n]}" in done.stdout + done.stderr]
        if done.returncode == 0 or not culprits:
            break
        for n in culprits:
            dropped.append(f"{n}=={pins.pop(n)}")
    if dropped:
        print(f"  pins from uv.lock dropped (not installable here): {', '.join(dropped)}")
    if done.returncode != 0:
        tail = "\n".join(line for line in done.stderr.splitlines() if not line.startswith("WARNING: Location"))
        raise HarnessError(f"installing {suite.name} failed (see {venv / 'install.log'}):\n{tail[-3000:]}")
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / f"{PROBE_MODULE}.py").write_text(PROBE_SOURCE, encoding="utf-8")
    marker.write_text(stamp, encoding="utf-8")
    return venv


class HarnessError(Exception):
    pass


# ----------------------------------------------------------------------------------------------------------------------
# running


@dataclasses.dataclass
class RunResult:
    mode: str
    seconds: float
    outcomes: Dict[str, str]  # normalised test id -> passed/failed/error/skipped
    test_times: Dict[str, float]
    report: Dict[str, Any]
    probe: List[Dict[str, Any]]
    exit_code: int
    tail: str


def suite_env(suite: Suite, probe_log: pathlib.Path) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.endswith(("_API_KEY", "_TOKEN", "_SECRET")) and not k.startswith(("ANTHROPIC_", "AWS_", "PYTEST_"))
           and k not in ("PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "PYTHONPATH")}
    env.update({"ANTHROPIC_API_KEY": "sk-ant-dummy-real-suites", "OPENAI_API_KEY": "dummy", "NO_PROXY": "*",
                "REAL_SUITES_PROBE_LOG": str(probe_log), "PYTHONHASHSEED": "0"})
    env.update(dict(suite.env))
    return env


def run_mode(suite: Suite, src: pathlib.Path, venv: pathlib.Path, out: pathlib.Path, mode: str, timeout: float,
             tag: str = "") -> RunResult:
    name = f"{mode}{tag}"
    junit, report, probe_log = out / f"{name}.xml", out / f"{name}.json", out / f"{name}.probe.jsonl"
    for f in (junit, report, probe_log):
        f.unlink(missing_ok=True)
    cmd = [str(venv / "bin" / "python"), "-m", "pytest", *suite.paths, *suite.select, *suite.replay,
           "-p", PROBE_MODULE, "-p", "no:cacheprovider", "-q", "-rN", f"--junitxml={junit}"]
    if mode == "off":
        cmd += ["-p", "no:claude_guard"]
    else:
        cmd += [f"--claude-guard={mode}", f"--claude-guard-report={report}"]
    start = time.perf_counter()
    try:
        done = run(cmd, cwd=src, env=suite_env(suite, probe_log), timeout=timeout, log=out / f"{name}.log")
        code, tail = done.returncode, done.stdout.strip().splitlines()[-1:] or done.stderr.strip().splitlines()[-1:]
    except subprocess.TimeoutExpired:
        raise HarnessError(f"{suite.name} ({mode}) exceeded the {timeout:.0f} s time limit") from None
    seconds = time.perf_counter() - start
    if not junit.exists():
        raise HarnessError(f"{suite.name} ({mode}) wrote no junit XML (exit {code}); see {out / (name + '.log')}")
    outcomes, times = parse_junit(junit)
    doc = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    probe = [json.loads(line) for line in probe_log.read_text(encoding="utf-8").splitlines()] if probe_log.exists() else []
    return RunResult(mode, seconds, outcomes, times, doc, probe, code, " ".join(tail))


def parse_junit(path: pathlib.Path) -> Tuple[Dict[str, str], Dict[str, float]]:
    outcomes: Dict[str, str] = {}
    times: Dict[str, float] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        key = f"{case.get('classname')}.{case.get('name')}"
        tags = {child.tag for child in case}
        outcome = "error" if "error" in tags else "failed" if "failure" in tags else "skipped" if "skipped" in tags else "passed"
        # a test that passed but errored in teardown has two entries: keep the worst
        if outcomes.get(key) in ("failed", "error") and outcome in ("passed", "skipped"):
            continue
        outcomes[key] = outcome
        times[key] = times.get(key, 0.0) + float(case.get("time") or 0.0)
    return outcomes, times


def junit_key(nodeid: str) -> str:
    """pytest node id -> the junit classname.name key (``a/b/test_x.py::C::t[p]`` -> ``a.b.test_x.C.t[p]``)."""
    parts = nodeid.split("::")
    module = parts[0][:-3] if parts[0].endswith(".py") else parts[0]
    return ".".join([module.replace("/", "."), *parts[1:]])


# ----------------------------------------------------------------------------------------------------------------------
# cassettes


def cassette_interactions(path: pathlib.Path) -> List[Dict[str, Any]]:
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - a cassette we cannot read is reported as such
        return []
    return list((doc or {}).get("interactions") or []) if isinstance(doc, dict) else []


def request_of(interaction: Dict[str, Any]) -> Tuple[str, Dict[str, str], Any]:
    request = interaction.get("request") or {}
    headers = {str(k).lower(): (v[0] if isinstance(v, list) and v else v) for k, v in (request.get("headers") or {}).items()}
    body = request.get("body")
    if isinstance(body, dict):
        body = body.get("string")
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(body) if isinstance(body, str) else body
    except ValueError:
        parsed = body
    return str(request.get("uri") or ""), headers, parsed


def status_of(interaction: Dict[str, Any]) -> Optional[int]:
    status = ((interaction.get("response") or {}).get("status") or {}).get("code")
    return int(status) if status is not None else None


def excerpt(body: Any, path: str, limit: int = 360) -> str:
    node, shown = body, []
    for part in [p for p in (path or "").split(".") if p]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            break
        shown.append(part)
    text = json.dumps(node, ensure_ascii=False)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{'.'.join(shown) or '<body>'} = {text}"


def explain(nodeid: str, violations: List[Dict[str, Any]], probe: List[Dict[str, Any]], src: pathlib.Path) -> List[str]:
    """For one new failure: which recorded request carries the violation, what it looks like, what the API answered."""
    from pytest_claude_guard import validate_request

    lines: List[str] = []
    codes = {v["code"] for v in violations}
    cassettes = sorted({r["path"] for r in probe if r.get("event") == "cassette" and r.get("test") == nodeid})
    if not cassettes:
        lines.append("      cassette: none loaded by this test")
    found = False
    for cassette in cassettes:
        path = pathlib.Path(cassette)
        rel = path.relative_to(src) if path.is_relative_to(src) else path
        for i, interaction in enumerate(cassette_interactions(path)):
            uri, headers, body = request_of(interaction)
            if "/v1/messages" not in uri:
                continue
            headers.setdefault("x-api-key", "placeholder")
            got = [v for v in validate_request(body, headers=headers, endpoint=uri.split("?")[0]) if v.code in codes]
            status = status_of(interaction)
            verdict = ("true catch" if status and 400 <= status < 500 else "FALSE ALARM (the API accepted it)"
                       if status and 200 <= status < 300 else "status unknown")
            if got:
                found = True
                for v in got:
                    lines.append(f"      cassette {rel} #{i}: recorded status {status} -> {verdict}")
                    lines.append(f"        {v.code} at {v.path}: {v.message}")
                    lines.append(f"        request {excerpt(body, v.path)}")
            elif len(cassettes) == 1 and not found:
                lines.append(f"      cassette {rel} #{i}: recorded status {status} (no {'/'.join(sorted(codes))} found in it)")
    if cassettes and not found:
        lines.append("      the recorded requests do not carry the violation (the test sent a request the cassette lacks?)")
    return lines


# ----------------------------------------------------------------------------------------------------------------------
# reporting


def violations_by_test(report: Dict[str, Any]) -> Dict[str, List[Dict[str, Any]]]:
    out: Dict[str, List[Dict[str, Any]]] = collections.defaultdict(list)
    for v in report.get("violations", []):
        out[junit_key(v.get("test_id") or "")].append(v)
    return out


def flags(violation: Dict[str, Any]) -> str:
    """The report's marks that take a violation out of the counted ones (expected, replay drift)."""
    return "".join(f", {k}" for k in ("expected", "drift", "outside_test") if violation.get(k))


def summarize(suite: Suite, src: pathlib.Path, results: Dict[str, RunResult]) -> None:
    off = results["off"]
    counts = collections.Counter(off.outcomes.values())
    print(f"  tests run: {len(off.outcomes)} ({', '.join(f'{n} {k}' for k, n in sorted(counts.items()))}) with the plugin off")
    for mode in ("strict", "warn"):
        r = results[mode]
        counts = collections.Counter(r.outcomes.values())
        by_code = collections.Counter((v["code"], v["severity"] + flags(v)) for v in r.report.get("violations", []))
        print(f"  {mode}: {len(r.outcomes)} tests ({', '.join(f'{n} {k}' for k, n in sorted(counts.items()))}), "
              f"{r.report.get('requests_checked', '?')} requests checked, {r.seconds:.1f} s")
        if by_code:
            for (code, severity), n in sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0])):
                tests = {v["test_id"] for v in r.report["violations"]
                         if (v["code"], v["severity"] + flags(v)) == (code, severity)}
                print(f"    violation {code} ({severity}): {n} in {len(tests)} test(s)")
        else:
            print("    violations: none")
        new = sorted(k for k, o in off.outcomes.items() if o == "passed" and r.outcomes.get(k) in ("failed", "error"))
        fixed = sorted(k for k, o in off.outcomes.items() if o in ("failed", "error") and r.outcomes.get(k) == "passed")
        print(f"    pass off, fail {mode}: {len(new)}" + (f"   (fail off, pass {mode}: {len(fixed)})" if fixed else ""))
        vt = violations_by_test(r.report)
        nodeids = {junit_key(v.get("test_id") or ""): v.get("test_id") for v in r.report.get("violations", [])}
        for key in new:
            vs = vt.get(key, [])
            print(f"    - {key}")
            if not vs:
                print(f"      no violation recorded for this test: see {mode}.log")
                continue
            for v in vs:
                where = v.get("path") or "<body>"
                print(f"      {v['code']} ({v['severity']}{flags(v)}, {v.get('action', '?')}) at {where}: {v['message']}")
            if mode == "strict":
                for line in explain(nodeids[key], vs, r.probe, src):
                    print(line)
    blocked = [p for r in results.values() for p in r.probe if p.get("event") == "network_blocked"]
    print(f"  network attempts refused: {len(blocked)}" + (f" (first: {blocked[0]['address']} in {blocked[0]['test']})" if blocked else ""))


def run_suite(suite: Suite, cache: pathlib.Path, python: str, timeout: float) -> None:
    print(f"== {suite.name} {suite.version}", flush=True)
    src = fetch(suite, cache)
    for file, _old, _new, why in suite.patches:
        print(f"  offline patch to our unpacked copy: {file}: {why}")
    venv = ensure_venv(suite, src, cache, python)
    out = cache / "runs" / f"{suite.name}-{suite.version}"
    out.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    results: Dict[str, RunResult] = {}
    for mode in MODES:
        left = deadline - time.monotonic()
        if left <= 0:
            raise HarnessError(f"{suite.name}: the suite's {timeout:.0f} s time limit ran out before the {mode} run")
        results[mode] = run_mode(suite, src, venv, out, mode, left)
        if mode == "off" and "passed" not in results[mode].outcomes.values():
            raise HarnessError(f"{suite.name}: no test passes with the plugin off ({results[mode].tail}); "
                               f"see {out / 'off.log'}")
    print(f"  pytest {' '.join([*suite.paths, *suite.select, *suite.replay])}   (logs, junit and reports in {out})")
    summarize(suite, src, results)


def overhead(cache: pathlib.Path, python: str, rounds: int, timeout: float, paths: Sequence[str] = ()) -> None:
    """Mirascope's Anthropic tests, plugin off vs strict, alternating, after one warm-up run of each."""
    suite = SUITES["mirascope"]
    if paths:
        suite = dataclasses.replace(suite, paths=tuple(paths))
    src = fetch(suite, cache)
    venv = ensure_venv(suite, src, cache, python)
    out = cache / "runs" / f"{suite.name}-{suite.version}"
    out.mkdir(parents=True, exist_ok=True)
    wall: Dict[str, List[float]] = {"off": [], "strict": []}
    inside: Dict[str, List[float]] = {"off": [], "strict": []}
    tests = 0
    for i in range(rounds + 1):
        # the order alternates (off first, then strict first): a machine that slows or warms during a round
        # favours neither side
        for mode in (("off", "strict") if i % 2 == 0 else ("strict", "off")):
            r = run_mode(suite, src, venv, out, mode, timeout, tag=".overhead")
            tests = len(r.outcomes)
            if i:  # round 0 warms bytecode and file caches for both sides
                wall[mode].append(r.seconds)
                inside[mode].append(sum(r.test_times.values()))
    print(f"== overhead: {suite.name} {suite.version} Anthropic tests in {' '.join(suite.paths)} ({tests} tests), "
          f"{rounds} alternating rounds after a warm-up")
    for label, data in (("wall time (pytest process)", wall), ("in-test time (junit, setup+call+teardown)", inside)):
        off, on = data["off"], data["strict"]
        print(f"  {label}")
        print(f"    best:   off {min(off):7.2f} s ({1000 * min(off) / tests:6.2f} ms/test)   strict {min(on):7.2f} s "
              f"({1000 * min(on) / tests:6.2f} ms/test)   ratio {min(on) / min(off):.3f}")
        print(f"    median: off {statistics.median(off):7.2f} s ({1000 * statistics.median(off) / tests:6.2f} ms/test)   "
              f"strict {statistics.median(on):7.2f} s ({1000 * statistics.median(on) / tests:6.2f} ms/test)   "
              f"ratio {statistics.median(on) / statistics.median(off):.3f}")
        print(f"    median of per-round ratios: {statistics.median(a / b for a, b in zip(on, off)):.3f}")


INSTRUCTION_PATHS = ("tests/e2e/output/test_call.py",)


def _callgrind(cmd: Sequence[str], src: pathlib.Path, env: Dict[str, str]) -> "subprocess.Popen[str]":
    return subprocess.Popen(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd], cwd=src, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _collected(proc: "subprocess.Popen[str]", timeout: float) -> int:
    out, _ = proc.communicate(timeout=timeout)
    found = re.search(r"Collected : (\d+)", out)
    if found is None:
        raise HarnessError("callgrind run failed:\n" + out[-3000:])
    return int(found.group(1))


def overhead_instructions(cache: pathlib.Path, python: str, timeout: float, paths: Sequence[str] = ()) -> None:
    """Mirascope's Anthropic tests in ``paths`` (default: INSTRUCTION_PATHS) counted in instructions (callgrind:
    the same count under any load), plugin off vs strict, per test with start-up and collection taken out."""
    if shutil.which("valgrind") is None:
        raise HarnessError("--instructions needs valgrind (apt install valgrind)")
    suite = dataclasses.replace(SUITES["mirascope"], paths=tuple(paths or INSTRUCTION_PATHS))
    src = fetch(suite, cache)
    venv = ensure_venv(suite, src, cache, python)
    out = cache / "runs" / f"{suite.name}-{suite.version}"
    out.mkdir(parents=True, exist_ok=True)
    env = suite_env(suite, out / "instructions.probe.jsonl")
    base = [str(venv / "bin" / "python"), "-m", "pytest", *suite.paths, *suite.select, *suite.replay,
            "-p", PROBE_MODULE, "-p", "no:cacheprovider", "-p", "no:randomly", "-q"]
    sides = {"off": ["-p", "no:claude_guard"], "strict": ["--claude-guard=strict"]}
    for extra in sides.values():  # bytecode caches, natively
        run([*base, *extra], cwd=src, env=env, timeout=timeout, log=out / "instructions.log")
    listed = run([*base, "--collect-only"], cwd=src, env=env, timeout=timeout, log=out / "instructions.log")
    found = re.search(r"(\d+)(?:/\d+)? tests? collected", listed.stdout)
    tests = int(found.group(1)) if found else 0
    if not tests:
        raise HarnessError(f"no tests collected in {' '.join(suite.paths)}")
    counts: Dict[Tuple[str, bool], int] = {}
    for only_collect in (False, True):
        procs = {side: _callgrind([*base, *extra, *(["--collect-only"] if only_collect else [])], src, env)
                 for side, extra in sides.items()}
        counts.update({(side, only_collect): _collected(proc, timeout) for side, proc in procs.items()})
    per = {side: (counts[(side, False)] - counts[(side, True)]) / tests for side in sides}
    print(f"== overhead in instructions (callgrind): {suite.name} {suite.version} Anthropic tests in "
          f"{' '.join(suite.paths)} ({tests} tests)")
    print(f"  per test, start-up and collection taken out: off {per['off']:,.0f}, strict {per['strict']:,.0f}, "
          f"ratio {per['strict'] / per['off']:.4f} (target <= 1.03)")
    print(f"  whole runs: off {counts[('off', False)]:,}, strict {counts[('strict', False)]:,}, "
          f"ratio {counts[('strict', False)] / counts[('off', False)]:.4f}")


def main(argv: Optional[Iterable[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="append", choices=sorted(SUITES), help="run only this suite (repeatable)")
    parser.add_argument("--cache", type=pathlib.Path, default=DEFAULT_CACHE, help=f"default {DEFAULT_CACHE}")
    parser.add_argument("--keep-going", action="store_true", help="go on with the next suite when one fails to run")
    parser.add_argument("--timeout", type=float, default=2400, help="seconds for the three runs of one suite (default 2400)")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the suites' venvs (>= 3.10)")
    parser.add_argument("--overhead", action="store_true", help="time mirascope's Anthropic tests, plugin off vs strict")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds for --overhead (default 5)")
    parser.add_argument("--instructions", action="store_true",
                        help="with --overhead: count instructions (valgrind) on a few of mirascope's test files instead")
    parser.add_argument("--overhead-path", action="append", default=[], metavar="PATH",
                        help="time only these test paths of mirascope (repeatable; default: all its Anthropic tests)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    cache = args.cache.expanduser().resolve()
    print(f"checkout {ROOT}; cache {cache}; python {args.python}")
    if args.overhead:
        try:
            if args.instructions:
                overhead_instructions(cache, args.python, args.timeout, args.overhead_path)
            else:
                overhead(cache, args.python, args.rounds, args.timeout, args.overhead_path)
        except HarnessError as exc:
            print(f"  could not measure: {exc}", flush=True)
            return 2
        return 0
    failed = 0
    for name in args.suite or list(SUITES):
        try:
            run_suite(SUITES[name], cache, args.python, args.timeout)
        except HarnessError as exc:
            failed += 1
            print(f"  could not run {name}: {exc}", flush=True)
            if not args.keep_going:
                return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
