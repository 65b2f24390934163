"""The unit, fault and hostile suites at the lowest, or the newest, versions pyproject allows.

Run through `scripts/check-versions lowest|newest`. Builds a fresh venv (``.venv-lowest`` or
``.venv-newest``), installs into it:

* every direct dependency and extra of ``[project]`` (the ``dependencies`` and every
  ``optional-dependencies`` list): in ``lowest`` at its floor (``name==floor``, the version
  after its ``>=``), in ``newest`` at the newest release its range admits;
* the ``test`` dependency group's pins, but for the direct dependencies it pins (the mode
  decides those) and for the test packages that need a direct dependency at another version
  than its floor (``FOLLOWERS``: trio needs a newer attrs; the OpenTelemetry SDK and
  instrumentations pin the exact API they go with), which follow it;
* the project itself from a wheel built from the work tree, with ``--no-deps``;

then ``pip check``, prints what it installed, and runs pytest on tests/unit, tests/faults and
tests/hostile from a copy of the tests outside the work tree, so that the installed wheel, not
the source tree, is what they import. The fault tests start the dev Agent Server from its
cached venv (scripts/agent_server/venvs.py). Fails when pytest fails or skips a test.

Extra arguments go to pytest: ``scripts/check-versions lowest -k aiohttp``.
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
import time
import tomllib
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
MODES = ("lowest", "newest")
SUITES = ("tests/unit", "tests/faults", "tests/hostile")
# What the copied tests need beside tests/: the harness that starts the dev server (scripts/),
# and pyproject.toml for pytest's settings (asyncio mode, timeout).
COPIED = ("tests", "scripts", "pyproject.toml")
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
        [str(python), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {canonical(entry["name"]): entry["version"] for entry in json.loads(out)}


def build_venv(mode: str, pyproject: dict[str, Any], venv: Path) -> Path:
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "venv", "--clear", str(venv)])
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run([*pip, "install", "--quiet", "--upgrade", "pip"])
    with tempfile.TemporaryDirectory() as scratch:
        wanted = Path(scratch) / "requirements.txt"
        wanted.write_text("\n".join(requirements(pyproject, mode)) + "\n")
        print(f"== {mode}: the requirements\n{wanted.read_text()}", flush=True)
        run([*pip, "install", "--quiet", "-r", str(wanted)])
        # The project as users get it: a wheel, its dependencies already chosen above.
        run([*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", scratch, str(ROOT)])
        wheels = list(Path(scratch).glob("*.whl"))
        if len(wheels) != 1:
            raise SystemExit(f"check-versions: expected one wheel, got {wheels}")
        run([*pip, "install", "--quiet", "--no-deps", str(wheels[0])])
    run([*pip, "check"])
    return python


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


def run_tests(python: Path, pytest_args: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="check-versions-") as scratch:
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, Path(scratch) / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, Path(scratch) / name)
        # Not this script's PYTHONPATH (the work tree): the tests import what is installed.
        env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        where = subprocess.run(
            [str(python), "-c", "import langsmith_threads_client as m; print(m.__file__)"],
            cwd=scratch,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if "site-packages" not in where:
            raise SystemExit(f"check-versions: the tests would import {where}, not the installed wheel")
        print(f"== the tests import {where}", flush=True)
        # The fault tests need the dev kind only; the other kinds' tests are deselected, not skipped.
        junit = Path(scratch) / "report.xml"
        command = [str(python), "-m", "pytest", "-p", "no:cacheprovider", *SUITES, "--server", "dev",
                   f"--junitxml={junit}", *pytest_args]  # fmt: skip
        print("+", " ".join(command), flush=True)
        code = subprocess.run(command, cwd=scratch, env=env, check=False).returncode
        return code or no_skips(junit)


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
    args, pytest_args = parser.parse_known_args(argv)
    started = time.monotonic()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    venv = args.venv or ROOT / f".venv-{args.mode}"
    python = build_venv(args.mode, pyproject, venv)
    report(args.mode, pyproject, python)
    built = time.monotonic() - started
    code = run_tests(python, pytest_args)
    report(args.mode, pyproject, python)
    print(f"== check-versions {args.mode}: venv {built:.0f} s, in all {time.monotonic() - started:.0f} s, exit {code}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
