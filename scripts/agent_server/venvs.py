"""One virtual environment per server kind, built from its exact pins, cached by their hash.

The kinds' pins conflict (langgraph-api 0.16.7, 0.11.1 and 0.4.48; Aegra needs Python 3.12),
so each kind gets its own venv, outside the work tree so that a fresh clone on the same
machine reuses it::

    <cache>/<kind>-<sha256 of python version + pins, 16 hex>/

``<cache>`` is ``$AGENT_SERVER_VENVS`` or ``~/.cache/langsmith-threads-client/server-venvs``.
A venv is used only once its ``.complete`` marker is written (an interrupted build is
rebuilt); builds of one kind are serialised by a lock file, so parallel test sessions do
not race. A second run installs nothing.

    python -m scripts.agent_server.venvs dev aegra     # build (or find) and print the paths
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

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


def ensure_venv(kind: str, python_version: str) -> Path:
    """The venv of ``kind`` with exactly its pins installed; built on first use."""
    path = venv_path(kind, python_version)
    if (path / _MARKER).is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f"{kind}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (path / _MARKER).is_file():  # another session built it while we waited
            return path
        _build(kind, python_version, path)
    return path


def _build(kind: str, python_version: str, path: Path) -> None:
    python = find_python(python_version)
    started = time.monotonic()
    print(f"building the {kind} server venv in {path} (Python {python_version}) ...", file=sys.stderr, flush=True)
    shutil.rmtree(path, ignore_errors=True)
    steps = [
        [python, "-m", "venv", str(path)],
        [str(path / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-input", "-r", str(PINS / f"{kind}.txt")],
    ]  # fmt: skip
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
            raise VenvError(f"building the {kind} venv failed at {step[:4]}:\n{tail}")
    (path / _MARKER).write_text(f"{python_version}\n")
    print(f"built the {kind} server venv in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)


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
