"""Nothing slow or fallible while a request is checked: after ``preload()`` no file is opened, no module is
imported and no socket is used; without it, ``validate_request`` still never raises when every file operation
does.  The strong checks run in a fresh interpreter, where nothing our own suite did has warmed anything up."""
from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_cases import ALL, DEFAULT_HEADERS, case_body, load_case

import pytest_claude_guard
from pytest_claude_guard import preload, validate_request
from pytest_claude_guard._core._causes import ENGINE_ERROR, causes, engine_error

MEDIA = Path(__file__).parent / "fixtures" / "media"
H23 = {"anthropic-version": "2023-06-01", "x-api-key": "k"}
USER = [{"role": "user", "content": "Hi"}]

# Runs in a fresh interpreter: argv = (audit | refuse | cold, requests.json).  Prints one JSON object.
SCRIPT = r'''
import base64, builtins, importlib, importlib.resources, io, json, os, pathlib, socket, sys

import pytest_claude_guard as guard

mode, source = sys.argv[1], sys.argv[2]
with open(source, encoding="utf-8") as f:
    requests = json.load(f)
registries = {}


def load_registries():  # after the built-in registry's first use: load_registry() would load that one too
    registries.update({r["models"]: guard.load_registry(r["models"]) for r in requests if r["models"]})


def run_all():  # requests on the built-in registry first, then those on a registry file laid over it
    found = {i: run(r) for i, r in enumerate(requests) if not r["models"]}
    recording[0], was = False, recording[0]
    load_registries()
    recording[0] = was
    found.update({i: run(r) for i, r in enumerate(requests) if r["models"]})
    return [found[i] for i in range(len(requests))]


def body_of(r):
    if r["kind"] == "bytes":
        return base64.b64decode(r["body"])
    if r["kind"] == "padded":  # a large body, made here rather than shipped
        return dict(r["body"], messages=[{"role": "user", "content": "x" * r["pad"]}])
    return r["body"]  # a JSON value, or a str to parse


def run(r):
    found = guard.validate_request(body_of(r), headers=r["headers"], endpoint=r["endpoint"],
                                   registry=registries.get(r["models"]))
    return [v.to_dict() for v in found]


class Refused(OSError):
    pass


def refuse(*args, **kwargs):
    raise Refused("refused: file, import or network access while a request is checked")


class RefusingFinder:
    @staticmethod
    def find_spec(*args, **kwargs):
        refuse()


real_import = builtins.__import__


def import_loaded_only(name, globals=None, locals=None, fromlist=(), level=0):
    full = name
    if level:
        package = (globals or {}).get("__package__") or ""
        base = package.rsplit(".", level - 1)[0] if level > 1 else package
        full = f"{base}.{name}" if name else base
    if full not in sys.modules:
        refuse()
    for item in fromlist or ():
        if item != "*" and not hasattr(sys.modules[full], item) and f"{full}.{item}" not in sys.modules:
            refuse()
    return real_import(name, globals, locals, fromlist, level)


PATCHES = [
    (builtins, "open"), (io, "open"), (os, "open"), (os, "stat"), (os, "lstat"), (os, "listdir"), (os, "scandir"),
    (os, "getcwd"), (os, "access"), (pathlib.Path, "read_text"), (pathlib.Path, "read_bytes"),
    (pathlib.Path, "open"), (pathlib.Path, "stat"), (pathlib.Path, "exists"), (pathlib.Path, "is_file"),
    (pathlib.Path, "iterdir"), (importlib, "import_module"), (importlib.resources, "files"),
    (importlib.resources, "read_text"), (socket, "create_connection"), (socket, "getaddrinfo"),
    (socket.socket, "connect"),
]


class refusing:
    """Every file operation, new import and connection raises while inside."""

    def __enter__(self):
        self.saved = [(owner, name, getattr(owner, name)) for owner, name in PATCHES if hasattr(owner, name)]
        for owner, name, _ in self.saved:
            setattr(owner, name, refuse)
        builtins.__import__ = import_loaded_only
        sys.meta_path.insert(0, RefusingFinder)
        sys.path_importer_cache.clear()

    def __exit__(self, *exc):
        sys.meta_path.remove(RefusingFinder)
        builtins.__import__ = real_import
        for owner, name, original in self.saved:
            setattr(owner, name, original)


WATCHED = ("open", "os.", "import", "socket.", "subprocess.", "shutil.", "glob.", "pathlib.", "tempfile.", "ctypes.",
           "urllib.", "http.", "sqlite3.", "mmap.", "fcntl.", "exec", "compile", "code.__new__")
events = []
recording = [False]


def audit(event, args):
    if recording[0] and event.startswith(WATCHED):
        events.append(f"{event} {str(args)[:160]}")


if mode == "audit":  # the first checks after preload(), every file, import and socket event recorded
    guard.preload()
    sys.addaudithook(audit)
    recording[0] = True
    audited = run_all()
    recording[0] = False
    print(json.dumps({"audited": audited, "events": events}))
elif mode == "refuse":  # the first checks after preload(), every file operation, import and connection raising
    guard.preload()
    load_registries()  # reads files: before refusing (the built-in registry is preloaded, not loaded here)
    with refusing():
        refused = [run(r) for r in requests]
    expected = [run(r) for r in requests]
    print(json.dumps({"refused": refused, "expected": expected}))
else:  # cold: nothing loaded yet, and nothing can be
    load_registries()
    with refusing():
        refused = [run(r) for r in requests]
        try:
            guard.preload()
            preload_error = None
        except Exception as exc:
            preload_error = type(exc).__name__
    after = [run(r) for r in requests]  # the failure was not cached: once files can be read, all is checked
    print(json.dumps({"refused": refused, "preload_error": preload_error, "after": after}))
'''


def _request(body: Any, headers: Any = H23, endpoint: str = "/v1/messages", models: str | None = None) -> dict[str, Any]:
    if isinstance(body, bytes):
        return {"kind": "bytes", "body": base64.b64encode(body).decode(), "headers": headers, "endpoint": endpoint,
                "models": models}
    return {"kind": "value", "body": body, "headers": headers, "endpoint": endpoint, "models": models}


def _case_requests(tmp_path: Path) -> list[dict[str, Any]]:
    """Every case file (valid and invalid, generated images and PDFs included), as the case tests build them; the
    few generating megabytes are left out (shipping them costs seconds; ``_edge_requests`` makes a large body in the
    subprocess)."""
    out = []
    for path in ALL:
        case = load_case(path)
        if sum(int(spec.get("bytes", 0)) for spec in case.get("generate") or []) > 4_000_000:
            continue
        body = case_body(case)
        models = None
        if case.get("models"):
            target = tmp_path / f"models-{len(out)}.json"
            target.write_text(json.dumps({"models": case["models"]}), "utf-8")
            models = str(target)
        out.append(_request(body, case.get("headers", DEFAULT_HEADERS), case.get("endpoint", "/v1/messages"), models))
    return out


def _media_requests() -> list[dict[str, Any]]:
    """The real image and PDF files of the media tests, as image and document blocks (some over the limits)."""
    out = []
    for path in sorted(MEDIA.iterdir()):
        if path.suffix == ".py":
            continue
        data = base64.b64encode(path.read_bytes()).decode()
        if path.suffix == ".pdf":
            block = {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": data}}
        else:
            kind = {".jpg": "jpeg"}.get(path.suffix, path.suffix[1:])
            block = {"type": "image", "source": {"type": "base64", "media_type": f"image/{kind}", "data": data}}
        content = [block, {"type": "text", "text": "What is this?"}]
        out.append(_request({"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": [{"role": "user", "content": content}]}))
    return out


def _edge_requests() -> list[dict[str, Any]]:
    """Bodies that take the engine's rarer paths: unparsable, non-object, deep, cloud URLs, batches, schemas."""
    body = {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": USER}
    tool = {"name": "t", "description": "d", "input_schema": {"type": "object", "properties": {"a": {"type": "nope"}}}}
    deep: Any = "x"
    for _ in range(500):
        deep = [deep]
    return [
        _request(b"\xff\xfe not utf-8"),
        dict(_request(body), kind="padded", pad=33 << 20),
        _request('{"model": "claude-sonnet-4-6", "max_tokens": 5'),
        _request("[1, 2]"),
        _request(None),
        _request(json.dumps(body), headers=None),
        _request(dict(body, messages=[{"role": "user", "content": deep}])),
        _request(dict(body, tools=[tool])),
        _request(dict(body, tools=[dict(tool, input_schema={"type": "object", "properties": {"b": {"minimum": "1"}}})])),
        _request(dict(body, output_format={"type": "json_schema", "schema": {"type": "object", "oneOf": []}})),
        _request(dict(body, model="claude-sonet-4-6", temperature=3, thinking={"type": "enabled"})),
        _request(dict(body, messages=[{"role": "user", "content": [{"type": "imagee"}]}], extra=1)),
        _request(body, headers=dict(H23, **{"anthropic-beta": "no-such-beta-2099-01-01"}), endpoint="/v1/messages?beta=true"),
        _request({k: v for k, v in body.items() if k != "max_tokens"}, endpoint="/v1/messages/count_tokens"),
        _request({"requests": [{"custom_id": "a b", "params": dict(body, max_tokens=0)}, {"custom_id": "x"}]},
                 endpoint="/v1/messages/batches"),
        _request(dict({k: v for k, v in body.items() if k != "model"}, anthropic_version="bedrock-2023-05-31"),
                 endpoint="https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-6/invoke"),
        _request(dict({k: v for k, v in body.items() if k != "model"}, anthropic_version="vertex-2023-10-16"),
                 endpoint="https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/anthropic/"
                          "models/claude-sonnet-4-6:rawPredict"),
    ]


def _run_script(mode: str, requests: list[dict[str, Any]], tmp_path: Path) -> Any:
    source = tmp_path / "requests.json"
    source.write_text(json.dumps(requests), "utf-8")
    done = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout)


def _codes(results: list[list[dict[str, Any]]]) -> set[str]:
    return {v["code"] for found in results for v in found}


def test_after_preload_checking_reads_no_file_and_imports_nothing(tmp_path: Path) -> None:
    """After preload(), every case file, media file and edge body is checked with no file, import or socket event
    (audit hook), and with every such operation made to raise the results are identical, without engine_error."""
    requests = _case_requests(tmp_path) + _media_requests() + _edge_requests()
    audit = _run_script("audit", requests, tmp_path)
    refuse = _run_script("refuse", requests, tmp_path)
    assert audit["events"] == []
    assert audit["audited"] == refuse["expected"]
    assert refuse["refused"] == refuse["expected"]
    assert "engine_error" not in _codes(refuse["expected"])
    assert len(_codes(refuse["expected"])) > 100  # the set really is broad: most causes are reached


def test_without_preload_refused_files_give_engine_error_not_an_exception(tmp_path: Path) -> None:
    """In a fresh interpreter with every file operation raising, validate_request returns one engine_error (built
    from no file) for each request and never raises; preload() raises; once files can be read, all is checked."""
    requests = _edge_requests()[:6] + _case_requests(tmp_path)[:5]
    out = _run_script("cold", requests, tmp_path)
    for found in out["refused"]:
        assert [(v["code"], v["severity"], v["path"]) for v in found] == [("engine_error", "warning", "")]
        assert "Refused: refused: file, import or network access" in found[0]["message"]
    assert out["preload_error"] == "Refused"
    assert "engine_error" not in _codes(out["after"])
    assert all(found for found in out["after"][:4])  # the unparsable and non-object bodies are diagnosed


def test_importing_the_package_loads_nothing() -> None:
    """Importing stays cheap: no schema, catalog or jsonschema until preload() or the first check."""
    code = (
        "import sys, pytest_claude_guard as g\n"
        "from pytest_claude_guard._core import _causes, _engine, _schemas\n"
        "assert 'jsonschema' not in sys.modules, 'jsonschema imported'\n"
        "assert _causes.causes.cache_info().currsize == 0 and _schemas.load_schema.cache_info().currsize == 0\n"
        "g.validate_request({})\n"
        "assert 'jsonschema' in sys.modules and _engine._preloaded.cache_info().currsize == 1\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_preload_is_public_and_idempotent() -> None:
    """preload is exported; calling it again is a no-op, and checks give the same answers before and after."""
    assert "preload" in pytest_claude_guard.__all__
    body = {"model": "claude-opus-4-6", "max_tokens": 5, "messages": USER + [{"role": "assistant", "content": "Sure"}]}
    before = validate_request(body, headers=H23)
    preload()
    preload()
    assert validate_request(body, headers=H23) == before
    assert before and before[0].code == "prefill_not_supported"


def test_engine_error_cause_is_the_catalog_entry() -> None:
    """The hard-coded engine_error cause (built without reading a file) is exactly the catalog's entry."""
    assert causes()["engine_error"] == ENGINE_ERROR


def test_engine_error_survives_an_exception_whose_str_fails() -> None:
    """A failure whose message cannot be rendered is still reported, by its type."""

    class Weird(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    v = engine_error("messages.0", "some_rule", Weird())
    assert (v.code, v.severity, v.path) == ("engine_error", "warning", "messages.0")
    assert v.message == "the validator could not check this request (some_rule: Weird)"


def test_validate_request_reports_a_failing_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """When loading fails (here the model table), validate_request returns an engine_error instead of raising."""
    from pytest_claude_guard._core import _engine

    def broken() -> Any:
        raise OSError("disk on fire")

    monkeypatch.setattr(_engine, "default_registry", broken)
    found = validate_request({"model": "claude-opus-4-6", "max_tokens": 5, "messages": USER}, headers=H23)
    assert [(v.code, v.path) for v in found] == [("engine_error", "")]
    assert found[0].message == "the validator could not check this request (validate_request: OSError: disk on fire)"
