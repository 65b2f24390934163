"""Cold imports: each package imported in a fresh interpreter, byte code cached, in a shuffled order, median
of several runs."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
from typing import Any

from benchmarks.processes import ROOT, bench_env

__all__ = ["IMPORT_NOTES", "IMPORT_PACKAGES", "import_once", "time_imports"]

# The last one is not a target: it is what the SDK's first create_thread call loads on top of the import
# (the generated layer: attrs and its model classes), shown so that the cost moved out of the import is seen.
IMPORT_PACKAGES: tuple[str, ...] = (
    "httpx2",
    "httpx",
    "langgraph_sdk",
    "langsmith_threads_client",
    "langsmith_threads_client._call",
)
IMPORT_NOTES = {"langsmith_threads_client._call": "(+ what its first call loads)"}


_IMPORT_SNIPPET = "import time; t0 = time.perf_counter(); import {name}; t1 = time.perf_counter(); print(repr(t1 - t0))"


def import_once(name: str, pycache: str) -> float | None:
    """Seconds to ``import name`` in a fresh interpreter (after the interpreter itself has started).

    Byte code is cached under `pycache` for every package alike, as an installed package has it (pip compiles
    at install time): otherwise, with PYTHONDONTWRITEBYTECODE set, the SDK imported from this tree would be
    compiled from source on every run while site-packages' httpx2 would not.
    """
    env = bench_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_SNIPPET.format(name=name)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        return None
    return float(proc.stdout.strip())


def time_imports(reps: int, seed: int) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        return _time_imports(reps, seed, pycache)


def _time_imports(reps: int, seed: int, pycache: str) -> dict[str, dict[str, Any]]:
    rng = random.Random(seed)
    runs: dict[str, list[float]] = {name: [] for name in IMPORT_PACKAGES}
    failed: set[str] = set()
    for name in IMPORT_PACKAGES:  # once untimed, so that byte code is compiled and cached
        if import_once(name, pycache) is None:
            failed.add(name)
    for _ in range(reps):
        order = [n for n in IMPORT_PACKAGES if n not in failed]
        rng.shuffle(order)
        for name in order:
            seconds = import_once(name, pycache)
            if seconds is None:
                failed.add(name)
            else:
                runs[name].append(seconds)
    result: dict[str, dict[str, Any]] = {}
    for name in IMPORT_PACKAGES:
        if name in failed or not runs[name]:
            result[name] = {"unavailable": True}
        else:
            result[name] = {"median_ms": statistics.median(runs[name]) * 1e3, "runs_ms": [s * 1e3 for s in runs[name]]}
    return result
