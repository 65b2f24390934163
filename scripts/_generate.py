"""Apply openapi/corrections.json to openapi/spec.yaml and run the pinned generator.

Run through `scripts/generate`. The output, langsmith_threads_client/_generated/, is
replaced whole; running this twice gives no diff. `--spec`, `--corrections` and `--output`
point it elsewhere (the maintainer-replay tests generate into temporary folders).

It reports what changed in the generated models, fails naming the correction that no
longer fits upstream, the template override that no longer fits the pinned generator, or
the facade code that uses a name or field the new spec removed, and warns about request
fields the facade does not cover.
"""

from __future__ import annotations

import argparse
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

import yaml

from scripts import _corrections, _report, _templates

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "spec.yaml"
CORRECTIONS = ROOT / "openapi" / "corrections.json"
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
    """The exact versions pyproject.toml's `spec` dependency group pins, so output is reproducible."""
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    pins: dict[str, str] = {}
    for requirement in groups["spec"]:
        if not isinstance(requirement, str):  # {include-group = ...}: the tools are listed directly
            continue
        name, sep, pinned = requirement.partition("==")
        if sep and name.strip() in PINNED_TOOLS:
            pins[name.strip()] = pinned.strip()
    missing = set(PINNED_TOOLS) - pins.keys()
    if missing:
        sys.exit(f"pyproject.toml's `spec` dependency group must pin {sorted(missing)} with '=='")
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


def corrected_spec(spec: Path = SPEC, corrections: Path = CORRECTIONS) -> dict[str, Any]:
    """The upstream spec with the corrections applied; exits naming the correction that does not fit."""
    try:
        return _corrections.apply_corrections(
            yaml.safe_load(spec.read_text()), _corrections.load(corrections), corrections.name
        )
    except _corrections.CorrectionError as exc:
        sys.exit(f"{exc}\n(spec: {spec})")


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


def run_generator(spec: dict[str, Any], pins: dict[str, str], out: Path, tmp: Path) -> None:
    bin_dir = Path(sys.executable).parent
    spec_path = tmp / "spec.json"
    spec_path.write_text(json.dumps(spec, indent=2))
    templates = tmp / "templates"
    templates.mkdir()
    try:
        _templates.render_overrides(templates)
    except _templates.TemplateError as exc:
        sys.exit(str(exc))
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [
            bin_dir / "openapi-python-client",
            "generate",
            "--path", spec_path,
            "--config", CONFIG,
            "--custom-template-path", templates,
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
    try:
        _templates.check_markers(out)
    except _templates.TemplateError as exc:
        sys.exit(str(exc))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=SPEC, help="upstream spec (default: openapi/spec.yaml)")
    parser.add_argument("--corrections", type=Path, default=CORRECTIONS, help="default: openapi/corrections.json")
    parser.add_argument("--output", type=Path, default=TARGET, help="package folder to replace (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    pins = pinned_versions()
    check_tools(pins)
    spec = corrected_spec(args.spec, args.corrections)
    target: Path = args.output.resolve()
    old_models = _report.model_fields(target) if (target / "models").is_dir() else None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "_generated"
        run_generator(spec, pins, out, Path(tmp))
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(out, target)
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    print(f"regenerated {shown}")
    if old_models is not None:
        changes = _report.diff_models(old_models, _report.model_fields(target))
        print("generated models: " + ("no change" if not changes else f"{len(changes)} change(s)"))
        for line in changes:
            print(f"  {line}")
    for message in _report.uncovered_fields(target):
        print(f"not covered by the facade: {message}")
    breaks = _report.facade_breaks(target, old_models)
    if breaks:
        sys.exit(
            "the facade (langsmith_threads_client/) no longer fits the regenerated layer:\n"
            + "\n".join(f"- {item.message}" for item in breaks)
        )


if __name__ == "__main__":
    main()
