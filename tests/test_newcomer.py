"""A newcomer's first minutes: `scripts/demo --help` and `scripts/demo` from a fresh clone.

`scripts/fresh-clone-demo` (which CI runs first thing, before any dependency group is
installed) clones the repository into a temporary directory and runs the demo there in a
clean environment, on nothing but what the demo installs. Here it clones a snapshot of this
work tree, uncommitted changes and new files included, so the test checks the code as it
would be committed now.
"""

from __future__ import annotations

import ast
import fcntl
import importlib.metadata
import io
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scripts.agent_server import venvs

ROOT = Path(__file__).resolve().parents[1]


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def snapshot(into: Path) -> Path:
    """A git repository holding this work tree's files as they are (tracked and new, not ignored)."""
    names = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is not in the snapshot
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    _git("init", "--quiet", cwd=into)
    _git("add", "-A", cwd=into)
    _git("-c", "user.name=test", "-c", "user.email=test@127.0.0.1", "commit", "--quiet", "-m", "snapshot", cwd=into)
    return into


@pytest.mark.timeout(900)
def test_the_demo_and_its_help_work_from_a_fresh_clone(tmp_path: Path) -> None:
    repo = snapshot(tmp_path / "repo")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    ran = subprocess.run(
        ["bash", str(ROOT / "scripts" / "fresh-clone-demo"), str(repo), "--", "--concurrent", "2"],
        env=env, capture_output=True, text=True, timeout=850, check=False,
    )  # fmt: skip
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output
    assert "usage: demo.py" in ran.stdout and "--server" in ran.stdout  # the help
    assert "The server now holds" in ran.stdout  # the demo ran against a real server
    assert "no process left behind" in ran.stdout
    assert "the demo ran from a fresh clone in a clean environment" in ran.stdout


def test_the_demos_help_comes_before_anything_is_installed(tmp_path: Path) -> None:
    # A fresh clone has no .venv: the help must not wait for one (creating it takes about 10 s).
    clone = snapshot(tmp_path / "repo")
    started = time.monotonic()
    ran = subprocess.run(
        ["env", "-i", f"PATH={os.environ['PATH']}", f"HOME={os.environ['HOME']}", "bash", "scripts/demo", "--help"],
        cwd=clone, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    took = time.monotonic() - started
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("usage: demo.py [-h]"), ran.stdout
    assert "--server {dev,dev-0.4,postgres,aegra}" in ran.stdout
    assert ran.stderr == ""
    assert not (clone / ".venv").exists()
    assert took < 10, took


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_the_scripts_use_only_the_packages_public_modules() -> None:
    # The demo runs on what it installs (the package alone): the pytest plugin imports pytest,
    # and a private module of the package may change at any time. Public means no name
    # starting with "_" after the package's own (dunders such as __version__ are public).
    wrong: dict[str, list[str]] = {}
    for path in sorted((ROOT / "scripts").rglob("*.py")):
        for module in _imported_modules(path):
            parts = module.split(".")
            if parts[0] != "langsmith_threads_client":
                continue
            if "pytest_plugin" in parts or any(_private(part) for part in parts[1:]):
                wrong.setdefault(str(path.relative_to(ROOT)), []).append(module)
    assert wrong == {}


@pytest.fixture
def tiny_pins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kind named "tiny" whose pins are one small package, cached under tmp_path."""
    pins = tmp_path / "pins"
    pins.mkdir()
    (pins / "tiny.txt").write_text(f"# one package\nattrs=={importlib.metadata.version('attrs')}\n")
    monkeypatch.setattr(venvs, "PINS", pins)
    monkeypatch.setenv("AGENT_SERVER_VENVS", str(tmp_path / "cache"))
    return "tiny"


PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"


@pytest.mark.timeout(300)
def test_a_server_venv_build_says_which_kind_and_each_step(tiny_pins: str) -> None:
    out = io.StringIO()
    # No heartbeat between the steps (creating a venv took over its 10 s on a busy machine): the
    # heartbeat is the next test's.
    path = venvs.ensure_venv(tiny_pins, PYTHON, out=out, report_every=3600)
    lines = out.getvalue().splitlines()
    assert all(line.startswith("[tiny server venv] ") for line in lines), lines
    said = [line.removeprefix("[tiny server venv] ") for line in lines]
    assert said[0] == f"building in {path} (Python {PYTHON}, 1 pinned packages; once, then cached)"
    assert said[1] == f"step 1/2: python{PYTHON} -m venv"
    assert said[2] == "step 2/2: pip install -r pins/tiny.txt (1 packages)"
    assert said[3] == "step 2/2: all 1 collected; installing them"
    assert said[-1].startswith("built in ")
    again = io.StringIO()
    assert venvs.ensure_venv(tiny_pins, PYTHON, out=again) == path
    assert again.getvalue() == ""  # cached: nothing to say


def test_waiting_for_another_processs_build_is_said_and_repeated(tiny_pins: str) -> None:
    path = venvs.venv_path(tiny_pins, PYTHON)
    path.parent.mkdir(parents=True)
    out = io.StringIO()
    with open(path.parent / "tiny.lock", "w") as other:  # the other process's build
        fcntl.flock(other, fcntl.LOCK_EX)
        waiter = threading.Thread(
            target=venvs.ensure_venv, args=(tiny_pins, PYTHON), kwargs={"report_every": 0.01, "out": out}
        )
        waiter.start()
        deadline = time.monotonic() + 60
        while out.getvalue().count("still waiting") < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        path.mkdir()
        (path / ".complete").write_text(PYTHON)  # the other process finished its build
    waiter.join(60)
    said = out.getvalue()
    assert said.startswith(f"[tiny server venv] another process is building this venv (it holds {other.name}); waiting")
    assert said.count("[tiny server venv] still waiting for the other process's build (") >= 2
    assert "[tiny server venv] the lock is free after " in said
    assert said.rstrip().endswith(f"[tiny server venv] built by the other process: {path}")


README = ROOT / "README.md"


def install_commands() -> list[str]:
    """The commands of the README's first block under "## Install", as written (comments cut)."""
    section = README.read_text().split("\n## Install\n", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


IMPORT_EXTRAS = "import aiohttp, opentelemetry.trace, langsmith_threads_client as m; print(m.__file__)"


@pytest.mark.timeout(600)
def test_the_readmes_install_commands_work_as_written_in_a_clone(tmp_path: Path) -> None:
    commands = install_commands()
    assert commands == ["pip install .", "pip install '.[aiohttp]'", "pip install '.[otel]'"]
    clone = tmp_path / "clone"
    _git("clone", "--quiet", str(snapshot(tmp_path / "repo")), str(clone), cwd=tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # As a user types them, with the fresh venv's pip first on PATH (an activated venv).
    env = {"PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "HOME": os.environ["HOME"]}
    for command in commands:
        ran = subprocess.run(["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, check=False)
        assert ran.returncode == 0, f"{command}\n{ran.stderr[-3000:]}"
    imported = subprocess.run(
        [str(venv / "bin" / "python"), "-c", IMPORT_EXTRAS],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert Path(imported.stdout.strip()).is_relative_to(venv)  # installed, not the clone's folder
