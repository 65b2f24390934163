"""The unit, generated, fault and hostile suites at the lowest, or the newest, versions pyproject allows.

Run through `scripts/check-versions lowest|newest`. Builds a fresh venv (``.venv-lowest`` or
``.venv-newest``; on ``--python``, default the interpreter running this) and installs into it:

* every direct dependency and extra of ``[project]`` (the ``dependencies`` and every
  ``optional-dependencies`` list): in ``lowest`` at its floor (``name==floor``, the version
  after its ``>=``), in ``newest`` at the newest release its range admits;
* the ``test`` dependency group's pins, but for the direct dependencies it pins (the mode
  decides those) and for the test packages that need a direct dependency at another version
  than its floor (``FOLLOWERS``: trio needs a newer attrs; the OpenTelemetry SDK and
  instrumentations pin the exact API they go with), which follow it;
* the project itself from a wheel (``--wheel``, or one built from the work tree), ``--no-deps``;

then ``pip check``, prints what it installed, and runs pytest, outside the work tree so that
the installed wheel, not the source tree, is what the tests import, in phases (``--phases``,
default all, in this order):

* ``units``: tests/unit and tests/generated, from the unpacked sdist given as ``--sdist``
  (what a packager runs: the sdist carries these and what they need), else from the work tree;
* ``faults``: tests/faults from the work tree (they start the dev Agent Server from its
  cached venv, scripts/agent_server/venvs.py, which the sdist does not carry);
* ``hostile``: tests/hostile from the work tree (their wall-time bounds want a quiet
  machine: CI runs this phase alone, with ``--reuse``).

``--reuse`` keeps a venv already built for the same requirements, wheel and Python (its
stamp), so a later phase installs nothing. Fails when pytest fails or skips a test.
Extra arguments go to pytest: ``scripts/check-versions lowest -k aiohttp``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
MODES = ("lowest", "newest")
PHASES = {"units": ("tests/unit", "tests/generated"), "faults": ("tests/faults",), "hostile": ("tests/hostile",)}
# The one generated test the sdist cannot run: it checks that each correction's evidence names
# a real-server test in tests/integration, which the sdist does not carry (the suite runs it).
SDIST_DESELECT = "tests/generated/test_spec_bundle.py::test_every_evidence_names_a_test_that_exists"
# What the copied tests need beside tests/: the harness that starts the dev server (scripts/),
# the spec and generator config tests/generated reads, and pyproject.toml for pytest's
# settings (asyncio mode, timeout).
COPIED = ("tests", "scripts", "openapi", "generator-config.yml", "pyproject.toml")
# Test packages that require a direct dependency at a version its floor or its newest release
# may miss: they follow it instead of the group's pin ("same": the release of that version, for
# packages released in lockstep with it; "resolve": the newest release that accepts it).
FOLLOWERS: dict[str, dict[str, str]] = {
    # trio 0.35.0 requires attrs>=23.2.0.
    "attrs": {"trio": "resolve"},
    # The OpenTelemetry SDK and the semantic conventions the instrumentations need pin the API.
    "opentelemetry-api": {
        "opentelemetry-sdk": "same",
        "opentelemetry-instrumentation-httpx": "resolve",
        "opentelemetry-instrumentation-aiohttp-client": "resolve",
    },
}
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*?)\s*(;.*)?$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def split(requirement: str) -> tuple[str, str]:
    """``"aiohttp>=3.10,<4"`` -> ``("aiohttp", ">=3.10,<4")`` (no markers or extras are expected here)."""
    match = _REQUIREMENT.match(requirement)
    if match is None or match.group(2) or match.group(4):
        raise SystemExit(f"check-versions: cannot read the requirement {requirement!r} (extras or markers?)")
    return canonical(match.group(1)), match.group(3).replace(" ", "")


def same_version(a: str, b: str) -> bool:
    """``2.12`` and ``2.12.0`` are one release (PEP 440 pads with zeros)."""
    pad = re.compile(r"(\.0)+$")
    return pad.sub("", a) == pad.sub("", b)


def floor(name: str, specifier: str) -> str:
    floors = [part[2:] for part in specifier.split(",") if part.startswith(">=")]
    if len(floors) != 1:
        raise SystemExit(f"check-versions: {name}{specifier} declares no single floor (a `>=`)")
    return floors[0]


def direct_dependencies(pyproject: dict[str, Any]) -> dict[str, str]:
    """Every direct runtime dependency and extra: name -> its specifier."""
    project = pyproject["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return dict(split(requirement) for requirement in requirements)


def group(pyproject: dict[str, Any], name: str) -> list[str]:
    """A dependency group's requirements, its include-groups expanded (PEP 735)."""
    found: list[str] = []
    for entry in pyproject["dependency-groups"][name]:
        found += group(pyproject, entry["include-group"]) if isinstance(entry, dict) else [entry]
    return found


def requirements(pyproject: dict[str, Any], mode: str) -> list[str]:
    direct = direct_dependencies(pyproject)
    wanted: dict[str, str] = {}
    for name, specifier in direct.items():
        wanted[name] = f"{name}=={floor(name, specifier)}" if mode == "lowest" else f"{name}{specifier}"
        for follower, how in FOLLOWERS.get(name, {}).items():
            lockstep = how == "same" and mode == "lowest"
            wanted[follower] = f"{follower}=={floor(name, specifier)}" if lockstep else follower
    for requirement in group(pyproject, "test"):
        name, _ = split(requirement)
        wanted.setdefault(name, requirement)
    return list(wanted.values())


def run(command: list[str]) -> None:
    """Run a step, its output shown but for pip's warnings about this machine's missing local indexes."""
    print("+", " ".join(command), flush=True)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as step:
        assert step.stdout is not None
        for line in step.stdout:
            if not line.startswith("WARNING: Location 'file:"):
                print(line, end="", flush=True)
    if step.returncode != 0:
        raise SystemExit(f"check-versions: {' '.join(command[:6])} ... failed ({step.returncode})")


def installed(python: Path) -> dict[str, str]:
    out = subprocess.run(
        [*pip_into(python), "list", "--format=json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {canonical(entry["name"]): entry["version"] for entry in json.loads(out)}


def build_venv(mode: str, pyproject: dict[str, Any], venv: Path, base: str, wheel: Path | None, reuse: bool) -> Path:
    """The venv, built unless ``reuse`` and its stamp says it holds these requirements, wheel and Python."""
    python = venv / "bin" / "python"
    wanted_text = "\n".join(requirements(pyproject, mode)) + "\n"
    with tempfile.TemporaryDirectory() as scratch:
        if wheel is None:  # the project as users get it: a wheel, its dependencies chosen below
            run([sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--quiet", "--no-deps",
                 "--wheel-dir", scratch, str(ROOT)])  # fmt: skip
            wheels = list(Path(scratch).glob("*.whl"))
            if len(wheels) != 1:
                raise SystemExit(f"check-versions: expected one wheel, got {wheels}")
            wheel = wheels[0]
        stamp_path = venv / ".check-versions-stamp"
        stamp = hashlib.sha256(b"\0".join([wanted_text.encode(), wheel.read_bytes(), base.encode()])).hexdigest()
        if reuse and python.exists() and stamp_path.exists() and stamp_path.read_text() == stamp:
            print(f"== {mode}: {venv} already holds these requirements and this wheel", flush=True)
            return python
        # Without a pip of its own: this interpreter's pip installs into it (--python), which
        # saves bootstrapping and upgrading one per venv.
        run([base, "-m", "venv", "--clear", "--without-pip", str(venv)])
        wanted = Path(scratch) / "requirements.txt"
        wanted.write_text(wanted_text)
        print(f"== {mode}: the requirements\n{wanted_text}", flush=True)
        pip = pip_into(python)
        run([*pip, "install", "--quiet", "-r", str(wanted)])
        run([*pip, "install", "--quiet", "--no-deps", str(wheel)])
    run([*pip, "check"])
    stamp_path.write_text(stamp)
    return python


def pip_into(python: Path) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "--python", str(python)]


def report(mode: str, pyproject: dict[str, Any], python: Path) -> None:
    versions = installed(python)
    direct = direct_dependencies(pyproject)
    print(f"== {mode}: the direct dependencies installed", flush=True)
    for name, specifier in direct.items():
        version = versions.get(name)
        if version is None:
            raise SystemExit(f"check-versions: {name} is not installed")
        if mode == "lowest" and not same_version(version, floor(name, specifier)):
            raise SystemExit(f"check-versions: {name} {version} installed, not its floor {floor(name, specifier)}")
        print(f"  {name}=={version}  (pyproject: {name}{specifier})")
    followers = [f for followers in FOLLOWERS.values() for f in followers]
    print("  and with them: " + ", ".join(f"{name}=={versions[name]}" for name in followers if name in versions))


def run_tests(python: Path, phases: list[str], sdist: Path | None, pytest_args: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="check-versions-") as scratch:
        tree = Path(scratch) / "tree"
        tree.mkdir()
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, tree / name)
        # Not this script's PYTHONPATH (the work tree): the tests import what is installed.
        env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        where = subprocess.run(
            [str(python), "-c", "import langsmith_threads_client as m; print(m.__file__)"],
            cwd=tree,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if "site-packages" not in where:
            raise SystemExit(f"check-versions: the tests would import {where}, not the installed wheel")
        print(f"== the tests import {where}", flush=True)
        code = 0
        for phase in phases:
            folder, extra = tree, []
            if phase == "units" and sdist is not None:
                # --import-mode=append puts the sdist's root last on sys.path, so `tests` comes from the
                # sdist and `langsmith_threads_client` from the installed wheel.
                folder, extra = sdist, ["--import-mode=append", "--deselect", SDIST_DESELECT]
            # The fault tests need the dev kind only; the other kinds' tests are deselected, not skipped.
            junit = Path(scratch) / f"{phase}.xml"
            command = [str(python), "-m", "pytest", "-p", "no:cacheprovider", *PHASES[phase], "--server", "dev",
                       *extra, f"--junitxml={junit}", *pytest_args]  # fmt: skip
            print(f"== {phase}, from {'the unpacked sdist' if folder == sdist else 'the work tree'}: +", *command,
                  flush=True)  # fmt: skip
            code = subprocess.run(command, cwd=folder, env=env, check=False).returncode or no_skips(junit)
            if code:
                break
        return code


def no_skips(junit: Path) -> int:
    """1 when a test was skipped: at another version a skip (an importorskip, say) would hide a promise."""
    suites = ElementTree.parse(junit).getroot().iter("testsuite")
    skipped = sum(int(suite.get("skipped", "0")) for suite in suites)
    if skipped:
        print(f"check-versions: {skipped} test(s) skipped (see pytest's summary above); every test must run")
        return 1
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/check-versions", description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("--venv", type=Path, help="where to build the venv (default: .venv-MODE in the work tree)")
    parser.add_argument("--python", default=sys.executable, help="the venv's interpreter (default: this one)")
    parser.add_argument("--wheel", type=Path, help="the project's wheel (default: one built from the work tree)")
    parser.add_argument("--sdist", type=Path, help="an unpacked sdist: the units phase runs its tests")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated, from {','.join(PHASES)}")
    parser.add_argument("--reuse", action="store_true", help="keep a venv built for the same requirements")
    args, pytest_args = parser.parse_known_args(argv)
    phases = [phase for phase in args.phases.split(",") if phase]
    if not phases or set(phases) - set(PHASES):
        parser.error(f"--phases takes names from {', '.join(PHASES)}")
    started = time.monotonic()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    venv = args.venv or ROOT / f".venv-{args.mode}"
    wheel = args.wheel.resolve() if args.wheel else None
    python = build_venv(args.mode, pyproject, venv, args.python, wheel, args.reuse)
    report(args.mode, pyproject, python)
    built = time.monotonic() - started
    sdist = args.sdist.resolve() if args.sdist else None
    code = run_tests(python, phases, sdist, pytest_args)
    print(f"== check-versions {args.mode} ({','.join(phases)}): venv {built:.0f} s, "
          f"in all {time.monotonic() - started:.0f} s, exit {code}")  # fmt: skip
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
