"""Benchmark ``POST /threads``: this SDK against bare httpx2 (the floor), bare httpx 0.28, bare aiohttp and
``langgraph-sdk``.

Starts the canned server (:mod:`benchmarks.server`) on one core; then every client (:mod:`benchmarks.runner`) on
the other core, mode by mode, in two phases:

- long-lived: one process per client, set up and warmed up once, then rounds in which every client times one
  short batch, in a fresh shuffled order each round. A client's batches are seconds apart from every other
  client's, so the machine's drift (tens of percent over seconds on a shared VM) falls on all of them alike.
- fresh: rounds in which every client, in a shuffled order, starts a new process, makes the same warm-up calls
  and times one batch: what a worker process or a short script sees, and how the issue's figures were taken.
  The phases differ for httpx 0.28 at 64 in flight: its first thousand-odd calls in a process cost more than
  later ones, so ratios to it depend on the phase. Both are shown; neither is hidden.

Then times cold imports (fresh interpreter, byte code cached, median of several). Reports, per mode and phase,
medians over rounds of the client's CPU per call (user+sys over the timed calls), wall per call and calls/s;
the CPU and wall also as ratios (the median over rounds of each round's ratio) to bare httpx2 (the floor: what
the SDK runs on) and to bare httpx 0.28 (the reference the issue's targets name) of the same mode; the canned
server's share of the CPU; and the issue's targets and aims in each phase, each beside the quartiles of its
per-round ratios (its spread); DefaultAioHttpClient is also paired with bare aiohttp, round by round.

    scripts/bench                      # table, default sizes (about 11 minutes on 2 cores)
    scripts/bench --json               # the same, as JSON on stdout
    scripts/bench --save out.json      # table on stdout, JSON to out.json
    scripts/bench --calls 200 --rounds 5 --modes async64 --clients aiohttp,sdk-aiohttp
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.cold_imports import time_imports
from benchmarks.processes import BenchError, Runner, pinned_cpus, start_server
from benchmarks.runner import CLIENTS, CONCURRENCY, FLOOR, LEGACY, MODES, supports
from benchmarks.stats import PhaseSeries, Series, summarize
from benchmarks.table import format_table
from benchmarks.targets import aims, targets

DISTRIBUTIONS: tuple[str, ...] = (
    "httpx2",
    "httpcore2",
    "httpx",
    "httpcore",
    "aiohttp",
    "langgraph-sdk",
    "orjson",
    "langsmith-threads-client",
)


def _parse_list(value: str, allowed: tuple[str, ...], what: str) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown {what}: {', '.join(bad)} (choose from {', '.join(allowed)})")
    return items


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for dist in DISTRIBUTIONS:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return versions


@dataclass
class Session:
    """What both phases of one run share: the batch size, the server, the clients' core, the order shuffle,
    the progress line, and the clients found unavailable so far."""

    calls: int
    warmup: int | None
    port: int
    client_cpu: int | None
    rng: random.Random
    progress: bool
    unavailable: dict[str, str] = field(default_factory=dict)

    def runner(self, client: str, mode: str) -> Runner:
        return Runner(client, mode, self.calls, self.warmup, self.port, self.client_cpu)

    def ready(self, runner: Runner) -> bool:
        """Waits for the runner's process to be set up and warm; False (and noted) if its client is unavailable."""
        runner.wait_ready()
        if runner.unavailable is not None:
            self.unavailable[runner.client] = runner.unavailable
        return runner.unavailable is None

    def show(self, text: str) -> None:
        if self.progress:
            print(f"\r{text}".ljust(70), end="", file=sys.stderr)
            sys.stderr.flush()

    def clear(self) -> None:
        if self.progress:
            print("\r".ljust(71) + "\r", end="", file=sys.stderr)
            sys.stderr.flush()


def long_lived_phase(session: Session, mode: str, clients: list[str], rounds: int, series: PhaseSeries) -> None:
    """Every client's process set up and warm; then rounds of one short batch each, in a fresh order every round,
    so that each client's batches sit seconds apart from every other's."""
    runners = [session.runner(client, mode) for client in clients]
    try:
        live = [runner for runner in runners if session.ready(runner)]
        for r in range(rounds):
            session.rng.shuffle(live)
            for i, runner in enumerate(live):
                session.show(f"{mode:8} long-lived round {r + 1}/{rounds}  {i + 1}/{len(live)}  {runner.client}")
                series[(runner.client, mode)].by_round[r] = runner.run()
    finally:
        for runner in runners:
            runner.close()


def fresh_phase(session: Session, mode: str, clients: list[str], rounds: int, series: PhaseSeries) -> None:
    """The same first batch, after the same warm-up, in a new process every round: what a worker process or a
    short script sees, and how the issue's figures were taken. httpx 0.28 costs more per call there than in a
    process that has made thousands of calls, so its ratios differ between the two phases."""
    for r in range(rounds):
        order = [client for client in clients if client not in session.unavailable]
        session.rng.shuffle(order)
        for i, client in enumerate(order):
            session.show(f"{mode:8} fresh round {r + 1}/{rounds}  {i + 1}/{len(order)}  {client}")
            runner = session.runner(client, mode)
            try:
                if session.ready(runner):
                    series[(client, mode)].by_round[r] = runner.run()
            finally:
                runner.close()


def run_phases(
    session: Session, pairs: list[tuple[str, str]], modes: list[str], rounds: int, fresh_rounds: int
) -> tuple[PhaseSeries, PhaseSeries]:
    """The long-lived phase mode by mode, then the fresh phase mode by mode: (long-lived series, fresh series)."""
    series: PhaseSeries = {pair: Series() for pair in pairs}
    fresh: PhaseSeries = {pair: Series() for pair in pairs}
    for mode in modes:
        long_lived_phase(session, mode, [c for c, m in pairs if m == mode], rounds, series)
    for mode in modes:
        fresh_phase(session, mode, [c for c, m in pairs if m == mode], fresh_rounds, fresh)
    return series, fresh


def benchmark(
    *,
    clients: list[str],
    modes: list[str],
    calls: int,
    rounds: int,
    warmup: int | None,
    fresh_rounds: int,
    import_reps: int,
    seed: int,
    progress: bool,
    pin: bool = True,
) -> dict[str, Any]:
    """One run: both phases, then the cold imports; the report ``--json`` prints."""
    clients = [FLOOR, LEGACY, *(c for c in clients if c not in (FLOOR, LEGACY))]
    pairs = [(c, m) for m in modes for c in clients if supports(c, m)]
    started = time.perf_counter()
    pins = pinned_cpus() if pin else None
    server_cpu, client_cpu = pins if pins is not None else (None, None)
    server = start_server(server_cpu)
    session = Session(calls, warmup, server.port, client_cpu, random.Random(seed), progress)
    try:
        series, fresh = run_phases(session, pairs, modes, rounds, fresh_rounds)
        session.show(f"cold imports ({import_reps} runs each)")
        imports = time_imports(import_reps, seed) if import_reps > 0 else {}
    finally:
        server.stop()
        session.clear()
    report: dict[str, Any] = {
        "meta": _meta(calls, rounds, fresh_rounds, server.loop, pins, started),
        "results": summarize(series, clients, modes, calls),
        "fresh": summarize(fresh, clients, modes, calls),
        "unavailable": session.unavailable,
        "imports": imports,
    }
    report["targets"] = targets(report)
    report["aims"] = aims(report)
    return report


def _meta(
    calls: int, rounds: int, fresh_rounds: int, server_loop: str, pins: tuple[int, int] | None, started: float
) -> dict[str, Any]:
    """How the run was made: the interpreter and machine, the sizes, the placement, the versions, the time taken."""
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "calls": calls,
        "rounds": rounds,
        "fresh_rounds": fresh_rounds,
        "concurrency": CONCURRENCY,
        "server_loop": server_loop,
        "pinned": None if pins is None else {"server_cpu": pins[0], "client_cpu": pins[1]},
        "floor": FLOOR,
        "legacy": LEGACY,
        "versions": _versions(),
        "elapsed_s": time.perf_counter() - started,
    }


# --- the command ----------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    _add_measurement_options(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    parser.add_argument("--save", metavar="PATH", help="also write the JSON report to PATH")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def _add_measurement_options(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--calls", type=int, default=400, help="timed calls per batch (default 400)")
    add("--rounds", type=int, default=15, help="rounds; each times one batch of every client, per mode (default 15)")
    add(
        "--warmup",
        type=int,
        default=None,
        help="untimed calls per client process before its first batch (default 2 x calls, at least 256)",
    )
    add(
        "--modes",
        type=lambda v: _parse_list(v, MODES, "mode"),
        default=list(MODES),
        help=f"comma-separated, from {','.join(MODES)} (default all)",
    )
    add(
        "--clients",
        type=lambda v: _parse_list(v, CLIENTS, "client"),
        default=list(CLIENTS),
        help=f"comma-separated, from {','.join(CLIENTS)} (default all; httpx2 and httpx, the references, always run)",
    )
    add(
        "--fresh-rounds",
        type=int,
        default=None,
        help="rounds of a new process per client (warm-up, one batch); 0 skips (default: as many as --rounds)",
    )
    add("--import-reps", type=int, default=9, help="cold-import runs per package; 0 skips (default 9)")
    add(
        "--no-pin",
        action="store_true",
        help="let the scheduler place processes (default: the server on one core, the clients on another)",
    )
    add("--seed", type=int, default=0, help="seed of the per-round order shuffle")
    add(
        "--no-testing-kit",
        action="store_true",
        help="skip the testing kit's row (creates/s on the fake in process, over loopback, on langgraph dev)",
    )


def _run(args: argparse.Namespace) -> dict[str, Any]:
    report = _benchmark(args)
    if not args.no_testing_kit:
        from benchmarks.testing_kit import measure

        report["testing_kit"] = measure(calls=min(args.calls, 500), plugin_reps=max(3, args.import_reps))
    return report


def _benchmark(args: argparse.Namespace) -> dict[str, Any]:
    return benchmark(
        clients=args.clients,
        modes=args.modes,
        calls=args.calls,
        rounds=args.rounds,
        warmup=args.warmup,
        fresh_rounds=args.rounds if args.fresh_rounds is None else args.fresh_rounds,
        import_reps=args.import_reps,
        seed=args.seed,
        pin=not args.no_pin,
        progress=not args.quiet and sys.stderr.isatty(),
    )


def _output(report: dict[str, Any], args: argparse.Namespace) -> None:
    if args.save:
        Path(args.save).write_text(json.dumps(report, indent=2) + "\n")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_table(report))
        if "testing_kit" in report:
            from benchmarks.testing_kit import testing_kit_lines

            print("\n".join(testing_kit_lines(report["testing_kit"])))


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.calls < 1 or args.rounds < 1 or (args.fresh_rounds or 0) < 0:
        parser.error("--calls and --rounds must be positive, --fresh-rounds not negative")
    try:
        report = _run(args)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    _output(report, args)
    return 0
