"""The built wheel ships the top-level schemas/ and works from a fresh environment."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import sysconfig
import venv

ROOT = pathlib.Path(__file__).resolve().parent.parent

PROBE = """
import json, pathlib, pytest_claude_guard
from pytest_claude_guard import validate_request
from pytest_claude_guard._core._schemas import schema_dir
body = {"model": "claude-sonnet-4-6", "max_tokens": 16, "response_format": {"type": "json"},
        "messages": [{"role": "user", "content": "hi"}]}
found = validate_request(body, headers={"anthropic-version": "2023-06-01", "x-api-key": "k"})
print(json.dumps({"file": pytest_claude_guard.__file__, "schemas": str(schema_dir()),
                  "codes": [v.code for v in found]}))
"""


def test_wheel_ships_schemas_and_validates(tmp_path: pathlib.Path) -> None:
    """Build the wheel, install it alone in a new venv, and validate a request from there."""
    dist = tmp_path / "dist"
    # the build backend (hatchling, a test dependency) from this environment: no index, no network
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(dist),
         str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(dist.glob("pytest_claude_guard-*.whl"))
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False)  # no pip of its own (ensurepip alone took seconds): ours installs there
    py = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    # dependencies (jsonschema, ...) come from this environment's site-packages; the package from the wheel
    deps = sysconfig.get_paths()["purelib"]
    out = subprocess.run([str(py), "-c", PROBE], check=True, capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": deps, "PATH": "/usr/bin:/bin"}, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["file"].startswith(str(env_dir)), result
    assert result["schemas"].startswith(str(env_dir)), result
    assert (pathlib.Path(result["schemas"]) / "messages.json").is_file()
    assert "unknown_top_level_param" in result["codes"]
