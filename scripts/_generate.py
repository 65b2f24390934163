"""Apply openapi/corrections.json to openapi/spec.yaml and run the pinned generator.

Run through `scripts/generate`. The output, langsmith_threads_client/_generated/, is
replaced whole; running this twice gives no diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonpatch
import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "spec.yaml"
CORRECTIONS = ROOT / "openapi" / "corrections.json"
TEMPLATES = ROOT / "openapi" / "templates"
CONFIG = ROOT / "generator-config.yml"
TARGET = ROOT / "langsmith_threads_client" / "_generated"
PINNED_TOOLS = ("openapi-python-client", "ruff")
# openapi-python-client 0.29.1 writes `import httpx`; this SDK runs on httpx2 (the same API
# under another module name). Until the generator emits httpx2 itself (its issue #1457),
# every generated module is moved over here; openapi/README.md says how to drop this step.
_HTTPX_IMPORT = re.compile(r"^import httpx$", re.MULTILINE)
_HTTPX_NAME = re.compile(r"(?<![\w.])httpx\.(?=[A-Za-z_])")

README = """\
# _generated: do not edit

Everything here is written by `scripts/generate` (openapi-python-client {generator},
ruff {ruff}) from `openapi/spec.yaml` with `openapi/corrections.json` applied, using
`generator-config.yml` and the templates in `openapi/templates/`, then moved from the
legacy httpx to httpx2 (see `openapi/README.md`). A hand edit is lost
on the next run and fails CI, which regenerates and checks for a diff. To change this
code, change one of those inputs and run `scripts/generate`.
"""


def pinned_versions() -> dict[str, str]:
    """The exact versions pyproject.toml's `dev` dependency group pins, so output is reproducible."""
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    pins: dict[str, str] = {}
    for requirement in groups["dev"]:
        if not isinstance(requirement, str):  # {include-group = ...}: the tools are listed directly
            continue
        name, sep, pinned = requirement.partition("==")
        if sep and name.strip() in PINNED_TOOLS:
            pins[name.strip()] = pinned.strip()
    missing = set(PINNED_TOOLS) - pins.keys()
    if missing:
        sys.exit(f"pyproject.toml's `dev` dependency group must pin {sorted(missing)} with '=='")
    return pins


def check_tools(pins: dict[str, str]) -> None:
    bin_dir = Path(sys.executable).parent
    for name, pinned in pins.items():
        installed = version(name)
        if installed != pinned:
            sys.exit(f"{name} {installed} is installed but {pinned} is pinned; run: pip install -e . --group dev")
    ruff = subprocess.run([bin_dir / "ruff", "--version"], capture_output=True, text=True, check=True)
    if ruff.stdout.split()[-1] != pins["ruff"]:
        sys.exit(f"{bin_dir / 'ruff'} is {ruff.stdout.strip()}, not the pinned {pins['ruff']}")


def corrected_spec() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC.read_text())
    operations = json.loads(CORRECTIONS.read_text())
    for index, operation in enumerate(operations):
        if not str(operation.get("reason", "")).strip():
            sys.exit(f"{CORRECTIONS.name}[{index}] has no 'reason'; every correction says why")
    try:
        patched: dict[str, Any] = jsonpatch.JsonPatch(operations).apply(spec)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
        sys.exit(f"{CORRECTIONS.name} no longer applies to {SPEC.name} (did upstream change?): {exc}")
    return patched


def use_httpx2(source: str) -> str:
    """One generated module with its legacy-httpx references moved to httpx2."""
    moved = _HTTPX_NAME.sub("httpx2.", _HTTPX_IMPORT.sub("import httpx2", source))
    if re.search(r"^\s*(import httpx\b(?!2)|from httpx\b(?!2))", moved, re.MULTILINE):
        raise ValueError("a legacy httpx import is left that use_httpx2 does not know how to move")
    return moved


def move_to_httpx2(package: Path) -> list[Path]:
    """Rewrite every generated module that imports httpx; returns the files changed."""
    changed = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text()
        moved = use_httpx2(source)
        if moved != source:
            path.write_text(moved)
            changed.append(path)
    if not changed:
        sys.exit(
            "no generated module imports the legacy httpx any more: openapi-python-client now emits httpx2 "
            "itself, so drop move_to_httpx2 from scripts/_generate.py (see openapi/README.md)"
        )
    return changed


def main() -> None:
    pins = pinned_versions()
    check_tools(pins)
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(corrected_spec(), indent=2))
        out = Path(tmp) / "_generated"
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
        result = subprocess.run(
            [
                bin_dir / "openapi-python-client",
                "generate",
                "--path", spec_path,
                "--config", CONFIG,
                "--custom-template-path", TEMPLATES,
                "--output-path", out,
                "--meta", "none",
                "--fail-on-warning",
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.exit(f"openapi-python-client failed:\n{result.stdout}\n{result.stderr}")
        try:
            move_to_httpx2(out)
        except ValueError as exc:
            sys.exit(f"moving the generated code to httpx2 failed: {exc}")
        # httpx2 is one character longer than httpx: let the pinned ruff lay the lines out again.
        for hook in (["check", "--isolated", "--fix-only", "--extend-select=I", "."], ["format", "--isolated", "."]):
            subprocess.run([bin_dir / "ruff", *hook], cwd=out, check=True, capture_output=True)
        (out / "README.md").write_text(README.format(generator=pins["openapi-python-client"], ruff=pins["ruff"]))
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(out, TARGET)
    print(f"regenerated {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
