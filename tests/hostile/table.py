"""Run every scenario on every client kind; ``python -m tests.hostile.table`` prints the README's table.

One server, one client process per kind, the kinds side by side (see test_hostile.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.hostile.scenarios import KINDS, SCENARIOS
from tests.hostile.server import HostileServer

__all__ = ["run_all"]

ROOT = Path(__file__).resolve().parents[2]


def _run_kind(kind: str, port: int) -> list[dict[str, Any]]:
    names = [name for name in SCENARIOS if name != "valid"]
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile.run_client", kind, str(port), *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the {kind} client process failed:\n{done.stderr[-3000:]}")
    return [json.loads(line) for line in done.stdout.splitlines()]


def run_all() -> list[dict[str, Any]]:
    """Every scenario's result (a dict per scenario and kind), all kinds at once against one server."""
    with HostileServer() as server, ThreadPoolExecutor(len(KINDS)) as pool:
        runs = list(pool.map(lambda kind: _run_kind(kind, server.port), KINDS))
    return [result for run in runs for result in run]


def main() -> None:
    results = {(result["kind"], result["scenario"]): result for result in run_all()}
    print("| scenario | " + " | ".join(KINDS) + " |")
    print("| --- |" + " --- |" * len(KINDS))
    for name in SCENARIOS:
        if name == "valid":
            continue
        cells = []
        for kind in KINDS:
            result = results[(kind, name)]
            cells.append(f"{result['outcome']}, {result['elapsed']:.2f} s, +{result['peak_mib']:.0f} MB")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
