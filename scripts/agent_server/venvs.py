"""One virtual environment per server kind, built from its exact pins, cached by their hash.

The kinds' pins conflict (langgraph-api 0.16.7, 0.11.1 and 0.4.48; Aegra needs Python 3.12),
so each kind gets its own venv, outside the work tree so that a fresh clone on the same
machine reuses it::

    <cache>/<kind>-<sha256 of python version + pins, 16 hex>/

``<cache>`` is ``$AGENT_SERVER_VENVS`` or ``~/.cache/langsmith-threads-client/server-venvs``.
A venv is used only once its ``.complete`` marker is written (an interrupted build is
rebuilt); builds of one kind are serialised by a lock file, so parallel test sessions do
not race. A second run installs nothing. A build, and a wait for another process's build,
print what they do and how far along they are (each step, packages collected), and a line
every 10 s while a step runs.

    python -m scripts.agent_server.venvs dev aegra     # build (or find) and print the paths
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["PINS", "VenvError", "ensure_venv", "find_python", "pinned_versions", "venv_path"]

PINS = Path(__file__).resolve().parent / "pins"
_MARKER = ".complete"


class VenvError(RuntimeError):
    """A kind's venv could not be built (no such interpreter, pip failed)."""


def cache_root() -> Path:
    configured = os.environ.get("AGENT_SERVER_VENVS")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "langsmith-threads-client" / "server-venvs"


def find_python(version: str) -> str:
    """A working ``python<version>``: ``$PYTHON<312>``, then PATH, then pyenv's versions."""
    variable = "PYTHON" + version.replace(".", "")
    candidates: list[str] = []
    if os.environ.get(variable):
        candidates.append(os.environ[variable])
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        candidates.append(sys.executable)
    found = shutil.which(f"python{version}")
    if found:
        candidates.append(found)
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(str(p) for p in pyenv_root.glob(f"versions/{version}.*/bin/python{version}"))
    for candidate in candidates:
        try:
            out = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip() == version:
            return candidate
    raise VenvError(
        f"no Python {version} found (tried {candidates or 'nothing'}); install it (pyenv install {version}) "
        f"or set {variable}=/path/to/python{version}"
    )


def venv_path(kind: str, python_version: str) -> Path:
    pins = (PINS / f"{kind}.txt").read_bytes()
    digest = hashlib.sha256(python_version.encode() + b"\0" + pins).hexdigest()[:16]
    return cache_root() / f"{kind}-{digest}"


def ensure_venv(kind: str, python_version: str, *, report_every: float = 10.0, out: TextIO | None = None) -> Path:
    """The venv of ``kind`` with exactly its pins installed; built on first use.

    A build takes a minute or more, and another process may hold the cache's lock while it
    builds: both say what they do on ``out`` (stderr by default), and say it again every
    ``report_every`` seconds, a line at a time (no carriage returns: CI logs show them too).
    """
    report = _Reporter(kind, report_every, out or sys.stderr)
    path = venv_path(kind, python_version)
    if (path / _MARKER).is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f"{kind}.lock", "w") as lock:
        _lock(lock, report)
        if (path / _MARKER).is_file():  # another session built it while we waited
            report.say(f"built by the other process: {path}")
            return path
        _build(kind, python_version, path, report)
    return path


class _Reporter:
    """Lines about one kind's venv, and a heartbeat line every ``every`` seconds while a step runs."""

    def __init__(self, kind: str, every: float, out: TextIO) -> None:
        self.kind, self.every, self.out = kind, every, out
        self.started = time.monotonic()

    def say(self, text: str) -> None:
        print(f"[{self.kind} server venv] {text}", file=self.out, flush=True)

    @contextlib.contextmanager
    def heartbeat(self, status: Callable[[], str]) -> Iterator[None]:
        """While the block runs, say ``status()`` every ``every`` seconds."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.every):
                self.say(f"{status()} ({time.monotonic() - self.started:.0f} s so far)")

        beater = threading.Thread(target=beat, name=f"venv-progress-{self.kind}", daemon=True)
        beater.start()
        try:
            yield
        finally:
            done.set()
            beater.join()


def _lock(lock: TextIO, report: _Reporter) -> None:
    """Take the kind's build lock, saying so while another process holds it."""
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    report.say(f"another process is building this venv (it holds {lock.name}); waiting for it")
    waited = time.monotonic()
    with report.heartbeat(lambda: "still waiting for the other process's build"):
        fcntl.flock(lock, fcntl.LOCK_EX)
    report.say(f"the lock is free after {time.monotonic() - waited:.0f} s")


def _build(kind: str, python_version: str, path: Path, report: _Reporter) -> None:
    python = find_python(python_version)
    pins = PINS / f"{kind}.txt"
    count = sum(1 for line in pins.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#"))
    report.say(f"building in {path} (Python {python_version}, {count} pinned packages; once, then cached)")
    shutil.rmtree(path, ignore_errors=True)
    report.say(f"step 1/2: python{python_version} -m venv")
    _run([python, "-m", "venv", str(path)], report, lambda line: None, lambda: "still creating the venv")
    report.say(f"step 2/2: pip install -r {pins.relative_to(PINS.parent)} ({count} packages)")
    pip = _PipProgress(count, report)
    _run([str(path / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
          "--progress-bar", "off", "-r", str(pins)], report, pip.on_line, pip.status)  # fmt: skip
    (path / _MARKER).write_text(f"{python_version}\n")
    report.say(f"built in {time.monotonic() - report.started:.0f} s")


class _PipProgress:
    """How far `pip install -r` is, from its output: packages collected of those pinned, then installing."""

    def __init__(self, pinned: int, report: _Reporter) -> None:
        self.pinned, self.report = pinned, report
        self.collected = 0
        self.installing = False

    def on_line(self, line: str) -> None:
        if line.startswith(("Collecting ", "Processing ")):
            self.collected += 1
        elif line.startswith("Installing collected packages"):
            self.installing = True
            # pip may name a package on two lines (Collecting, then Processing): say the pins' count.
            self.report.say(f"step 2/2: all {self.pinned} collected; installing them")

    def status(self) -> str:
        if self.installing:
            return "step 2/2: still installing"
        return f"step 2/2: collected {min(self.collected, self.pinned)}/{self.pinned}"


def _run(step: list[str], report: _Reporter, on_line: Callable[[str], None], status: Callable[[], str]) -> None:
    """Run one build step, its output read line by line (kept for the error), with a heartbeat."""
    lines: list[str] = []
    with report.heartbeat(status), subprocess.Popen(
        step, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            on_line(line)
    if proc.returncode != 0:
        tail = "\n".join(lines[-30:])
        raise VenvError(f"building the {report.kind} venv failed at {step[:4]}:\n{tail}")


def pinned_versions(pins: str, names: tuple[str, ...]) -> dict[str, str]:
    """The exact versions pins/<pins>.txt gives the distributions ``names``."""
    found: dict[str, str] = {}
    for line in (PINS / f"{pins}.txt").read_text().splitlines():
        name, sep, version = line.partition("==")
        if sep and name.strip().lower() in names:
            found[name.strip().lower()] = version.strip()
    return found


def _main(argv: list[str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from scripts.agent_server.kinds import KINDS

    unknown = [name for name in argv if name not in KINDS]
    if unknown:
        raise SystemExit(f"unknown server kind(s) {', '.join(unknown)}; the kinds are {', '.join(KINDS)}")
    kinds = [KINDS[name] for name in dict.fromkeys(argv or KINDS)]
    # Two at a time: each build is mostly pip waiting on downloads and unpacking.
    with ThreadPoolExecutor(max_workers=2) as pool:
        paths = list(pool.map(lambda kind: ensure_venv(kind.pins, kind.python), kinds))
    for kind, path in zip(kinds, paths, strict=True):
        print(f"{kind.name}: {path}")


if __name__ == "__main__":
    _main(sys.argv[1:])
