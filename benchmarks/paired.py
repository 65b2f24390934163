"""DefaultAioHttpClient against bare aiohttp, paired within one process: the issue's aiohttp figure, with its spread.

``scripts/bench`` times each client in its own process; on a shared 2-core VM a batch of the fast aiohttp clients
lasts a tenth of a second, and the round-by-round ratio of two processes then swings from 0.7x to 2x. Here both
clients live in one process on one event loop against the canned server, and batches alternate in a shuffled
order each round, so the two see the same machine within milliseconds. Several processes are run one after
another (each starts afresh), so the spread between processes is seen too.

Both share one interpreter's caches and allocator, as they would in an application, so each slows the other a
little: the ratio here is higher than in separate processes (about 1.37x against 1.2x to 1.3x in ``scripts/bench``
for the same code), and it is the stricter of the two.

Run: ``python -m benchmarks.paired [--processes 5] [--rounds 30] [--calls 640] [--json]``. Prints, per mode, the
median ratio of CPU per call over every round of every process, its quartiles, and each process's median.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from contextlib import AsyncExitStack
from typing import Any

from benchmarks.processes import ROOT, bench_env, pinned_cpus, start_server
from benchmarks.runner import ASYNC_CLIENTS, CONCURRENCY, AsyncCall, gather_calls
from benchmarks.stats import quartiles

__all__ = ["main", "paired_rounds"]

PAIR = ("aiohttp", "sdk-aiohttp")
MODES = {"async": 1, "async64": CONCURRENCY}


async def paired_rounds(base_url: str, concurrency: int, rounds: int, calls: int) -> list[float]:
    """One process's rounds: each the SDK's CPU per call over bare aiohttp's, their batches side by side."""
    async with AsyncExitStack() as stack:
        clients: dict[str, AsyncCall] = {name: await ASYNC_CLIENTS[name](name, base_url, stack) for name in PAIR}
        for call in clients.values():
            await gather_calls(call, 2 * calls, concurrency)  # warm-up
        ratios = []
        for _ in range(rounds):
            cpu: dict[str, float] = {}
            for name in random.sample(PAIR, len(PAIR)):
                start = time.process_time()
                await gather_calls(clients[name], calls, concurrency)
                cpu[name] = time.process_time() - start
            ratios.append(cpu["sdk-aiohttp"] / cpu["aiohttp"])
        return ratios


def _one_process(mode: str, rounds: int, calls: int, port: int, cpu: int | None) -> list[float]:
    cmd = [sys.executable, "-m", "benchmarks.paired", "--child", mode, "--rounds", str(rounds)]
    cmd += ["--calls", str(calls), "--port", str(port)]
    pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
    done = subprocess.run(
        cmd, cwd=ROOT, env=bench_env(), capture_output=True, text=True, timeout=900, check=True, preexec_fn=pin
    )
    ratios: list[float] = json.loads(done.stdout.splitlines()[-1])
    return ratios


def run(processes: int, rounds: int, calls: int) -> dict[str, Any]:
    cpus = pinned_cpus()
    server = start_server(cpus[0] if cpus else None)
    try:
        by_mode: dict[str, list[list[float]]] = {mode: [] for mode in MODES}
        for _ in range(processes):
            for mode in MODES:  # the modes interleaved, so drift over minutes falls on both
                by_mode[mode].append(_one_process(mode, rounds, calls, server.port, cpus[1] if cpus else None))
    finally:
        server.stop()
    report: dict[str, Any] = {"processes": processes, "rounds": rounds, "calls": calls, "modes": {}}
    for mode, runs in by_mode.items():
        every = [ratio for ratios in runs for ratio in ratios]
        report["modes"][mode] = {
            "median": statistics.median(every),
            "quartiles": quartiles(every),
            "process_medians": sorted(statistics.median(ratios) for ratios in runs),
        }
    return report


def _table(report: dict[str, Any]) -> str:
    lines = [
        f"DefaultAioHttpClient CPU/call over bare aiohttp's, paired in one process: {report['processes']} processes "
        f"x {report['rounds']} rounds x {report['calls']} calls"
    ]
    for mode, e in report["modes"].items():
        low, high = e["quartiles"]
        each = ", ".join(f"{m:.2f}" for m in e["process_medians"])
        lines.append(f"  {mode:8} {e['median']:.3f}x (quartiles {low:.2f}-{high:.2f}; per process {each})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--calls", type=int, default=640, help="calls per batch (default 640)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=sorted(MODES), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        ratios = asyncio.run(paired_rounds(f"http://127.0.0.1:{args.port}", MODES[args.child], args.rounds, args.calls))
        print(json.dumps(ratios))
        return 0
    report = run(args.processes, args.rounds, args.calls)
    print(json.dumps(report) if args.json else _table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
