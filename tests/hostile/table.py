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
# The README's words for each scenario.
LABELS = {
    "gzip_bomb_200": "a 200 whose 0.5 MB gzip body inflates to 512 MiB",
    "endless_chunked": "a 200 with an endless chunked body (1 MiB chunks)",
    "huge_html_500": "a 500 with a 300 MB HTML page",
    "huge_valid_200": "a 200 of 300 MB (spaces, then a valid Thread)",
    "many_headers": "a response with 200,000 headers",
    "drip": "a 200 dripped one byte per 0.1 s",
    "drip_retried": "the same, `max_retries=1`",
    "chunk_size_past_2_63": "a chunk size past 2^63, then endless data",
    "content_length_smaller": "a content-length smaller than the body",
    "content_length_larger": "a content-length larger than the body, then silence",
    "endless_1xx": "endless `100 Continue` answers",
    "endless_status_line": "a status line that never ends",
    "endless_header": "a header that never ends",
    "never_reads": "a server that never reads the request (8 MiB of metadata)",
    "redirect_to_bomb": "a same-origin 307 to a 1 GiB gzip bomb (1 MB)",
    "gzip_ten_deep": "a body gzipped ten times (`content-encoding: gzip` x 10)",
    "recovery_bomb": "the recovery fetch (lost attempt, then 409) answered with the 1 GiB bomb",
    "recovery_endless": "the recovery fetch answered with an endless body",
    "valid_gzip": "a valid gzip answer (control)",
}


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
    for name in SCENARIOS:
        if name == "valid":
            continue
        cells = []
        for kind in KINDS:
            result = results[(kind, name)]
            cells.append(f"`{result['outcome']}`, {result['elapsed']:.2f} s, +{result['peak_mib']:.0f} MiB")
        print(f"| {LABELS[name]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
