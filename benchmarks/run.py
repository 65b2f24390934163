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
server's share of the CPU; and the issue's targets in each phase.

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
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.runner import CLIENTS, CONCURRENCY, FLOOR, LEGACY, MODES, UNAVAILABLE_EXIT, sanitize_environ, supports

ROOT = Path(__file__).resolve().parent.parent
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
LABELS: dict[str, str] = {
    "httpx2": "httpx2 (floor)",
    "httpx": "httpx 0.28 (legacy)",
    "aiohttp": "aiohttp (limit of the aiohttp path)",
    "langgraph-sdk": "langgraph-sdk",
    "sdk": "this SDK",
    "sdk-aiohttp": "this SDK, DefaultAioHttpClient",
}
MODE_LABELS: dict[str, str] = {
    "sync": "sync, sequential",
    "async": "async, sequential",
    "async64": f"async, {CONCURRENCY} in flight on one client",
}


class BenchError(RuntimeError):
    pass


def _env() -> dict[str, str]:
    env = dict(os.environ)
    sanitize_environ(env)
    env.pop("PYTHONPATH", None)
    return env


# --- the canned server ----------------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    pid: int
    loop: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def pinned_cpus() -> tuple[int, int] | None:
    """(the server's CPU, the clients' CPU), or None where processes cannot be pinned.

    Pinned, every run has the same placement, one core for the server and one for the client,
    instead of whatever the scheduler chose that time (the same core for both, or two).
    """
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    return (cpus[0], cpus[1]) if len(cpus) >= 2 else None


def _pin(cpu: int | None) -> Callable[[], None] | None:
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def start_server(cpu: int | None = None) -> Server:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", "--port", "0"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=_pin(cpu),
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait()
        raise BenchError(f"canned server exited with status {process.returncode} before listening")
    info = json.loads(line)
    return Server(process=process, port=int(info["port"]), pid=int(info["pid"]), loop=str(info["loop"]))


# --- client runs ----------------------------------------------------------------------------------------------


@dataclass
class Sample:
    cpu_per_call: float
    wall_per_call: float
    calls_per_s: float
    server_cpu_per_call: float
    server_cpu_share: float  # server CPU / (server CPU + client CPU)
    server_core_busy: float  # server CPU / wall: the fraction of one core the server used
    server_requests: int
    server_connections: int


@dataclass
class Series:
    by_round: dict[int, Sample] = field(default_factory=dict)

    @property
    def samples(self) -> list[Sample]:
        return list(self.by_round.values())

    def median(self, attr: str) -> float:
        return statistics.median(float(getattr(s, attr)) for s in self.samples)

    def paired_ratios(self, floor: Series, attr: str) -> list[float]:
        """This client's value over the floor's, round by round (the two ran minutes apart at most)."""
        return [
            float(getattr(s, attr)) / float(getattr(floor.by_round[r], attr))
            for r, s in sorted(self.by_round.items())
            if r in floor.by_round
        ]


#: One phase's series, by (client, mode).
PhaseSeries = dict[tuple[str, str], Series]


class Runner:
    """One runner process (one client, one mode), set up and warmed up, timing a batch when asked."""

    def __init__(self, client: str, mode: str, calls: int, warmup: int | None, port: int, cpu: int | None) -> None:
        self.client, self.mode, self.calls = client, mode, calls
        self._stderr = tempfile.TemporaryFile("w+")
        cmd = [sys.executable, "-m", "benchmarks.runner", "--client", client, "--mode", mode]
        cmd += ["--calls", str(calls), "--port", str(port)]
        if warmup is not None:
            cmd += ["--warmup", str(warmup)]
        self.process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # A file, not a pipe: a long-lived runner's warnings must never fill a pipe nobody reads.
            stderr=self._stderr,
            text=True,
            preexec_fn=_pin(cpu),
        )
        self.unavailable: str | None = None

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=60)
            if self.process.returncode != UNAVAILABLE_EXIT:
                self._stderr.seek(0)
                stderr = self._stderr.read()
                raise BenchError(
                    f"{self.client}/{self.mode} exited with status {self.process.returncode}:\n{stderr[-4000:]}"
                )
            return {"unavailable": "exited"}
        out: dict[str, Any] = json.loads(line)
        return out

    def wait_ready(self) -> None:
        out = self._read()
        if "unavailable" in out:
            self.unavailable = str(out["unavailable"])

    def run(self) -> Sample:
        assert self.process.stdin is not None
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        out = self._read()
        n = self.calls
        cpu, wall, server_cpu = float(out["cpu_s"]), float(out["wall_s"]), float(out["server_cpu_s"])
        return Sample(
            cpu_per_call=cpu / n,
            wall_per_call=wall / n,
            calls_per_s=n / wall,
            server_cpu_per_call=server_cpu / n,
            server_cpu_share=server_cpu / (server_cpu + cpu) if server_cpu + cpu > 0 else 0.0,
            server_core_busy=server_cpu / wall,
            server_requests=int(out["server_requests"]),
            server_connections=int(out["server_connections"]),
        )

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.write("quit\n")
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self._stderr.close()


# --- cold imports ---------------------------------------------------------------------------------------------

_IMPORT_SNIPPET = "import time; t0 = time.perf_counter(); import {name}; t1 = time.perf_counter(); print(repr(t1 - t0))"


def import_once(name: str, pycache: str) -> float | None:
    """Seconds to ``import name`` in a fresh interpreter (after the interpreter itself has started).

    Byte code is cached under `pycache` for every package alike, as an installed package has it (pip compiles
    at install time): otherwise, with PYTHONDONTWRITEBYTECODE set, the SDK imported from this tree would be
    compiled from source on every run while site-packages' httpx2 would not.
    """
    env = _env()
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


# --- the whole benchmark --------------------------------------------------------------------------------------


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


def summarize(
    series: dict[tuple[str, str], Series], clients: list[str], modes: list[str], calls: int
) -> dict[str, dict[str, Any]]:
    """Per mode and client: medians over rounds, and ratios to the two references."""
    results: dict[str, dict[str, Any]] = {}
    for mode in modes:
        floor, legacy = series.get((FLOOR, mode)), series.get((LEGACY, mode))
        if floor is None or not floor.samples or legacy is None or not legacy.samples:
            continue
        results[mode] = {}
        for client in clients:
            s = series.get((client, mode))
            if s is not None and s.samples:
                results[mode][client] = _summary(s, floor, legacy, calls)
    return results


def _summary(s: Series, floor: Series, legacy: Series, calls: int) -> dict[str, Any]:
    """One client's entry in one mode and phase."""

    def paired(reference: Series, attr: str) -> float:
        return statistics.median(s.paired_ratios(reference, attr))

    return {
        "cpu_per_call_us": s.median("cpu_per_call") * 1e6,
        "wall_per_call_us": s.median("wall_per_call") * 1e6,
        "calls_per_s": s.median("calls_per_s"),
        # Ratios are medians over rounds of the round's ratio: a round's batches are seconds apart,
        # while the machine's speed drifts by tens of percent over tens of seconds (visible in
        # "rounds"), so a ratio of the medians would mix batches run at different speeds.
        "cpu_ratio": paired(floor, "cpu_per_call"),
        "wall_ratio": paired(floor, "wall_per_call"),
        "calls_per_s_ratio": paired(floor, "calls_per_s"),
        "cpu_ratio_httpx": paired(legacy, "cpu_per_call"),
        "wall_ratio_httpx": paired(legacy, "wall_per_call"),
        "cpu_ratio_rounds": s.paired_ratios(floor, "cpu_per_call"),
        "cpu_ratio_httpx_rounds": s.paired_ratios(legacy, "cpu_per_call"),
        "server_cpu_per_call_us": s.median("server_cpu_per_call") * 1e6,
        "server_cpu_share": s.median("server_cpu_share"),
        "server_core_busy": s.median("server_core_busy"),
        "server_requests_per_call": statistics.median(x.server_requests / calls for x in s.samples),
        "new_connections_per_run": statistics.median(x.server_connections for x in s.samples),
        "rounds": [
            {"round": r, "cpu_per_call_us": x.cpu_per_call * 1e6, "wall_per_call_us": x.wall_per_call * 1e6}
            for r, x in sorted(s.by_round.items())
        ],
    }


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


# --- the targets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A client's CPU per call in one mode, as a ratio (``key`` of its results entry) to a reference: at most
    ``limit``."""

    client: str
    mode: str
    key: str
    versus: str  # the reference, as the target names it
    limit: float

    @property
    def name(self) -> str:
        return f"{self.client} CPU/call vs {self.versus}, {self.mode}"


@dataclass(frozen=True)
class ImportTarget:
    """The median cold import of ``package`` over that of ``reference``: at most ``limit`` (one value, no phases)."""

    package: str
    reference: str
    limit: float

    @property
    def name(self) -> str:
        return f"import {self.package} vs import {self.reference}"


TARGETS: tuple[Target, ...] = (
    *(Target("sdk", mode, "cpu_ratio", "httpx2", 1.08) for mode in MODES),
    Target("sdk", "async64", "cpu_ratio_httpx", "httpx 0.28", 0.45),
    Target("sdk-aiohttp", "async64", "cpu_ratio_httpx", "httpx 0.28", 0.10),
    Target("sdk-aiohttp", "async", "cpu_ratio_httpx", "httpx 0.28", 0.35),
)
IMPORT_TARGET = ImportTarget("langsmith_threads_client", "httpx2", 1.35)


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with its measured value in long-lived processes ("value") and in fresh ones
    ("fresh_value"); None where not measured (the cold import has one value, in "value")."""
    fresh = report.get("fresh", {})
    out = [_verdicts(t.name, t.limit, _ratio(report["results"], t), _ratio(fresh, t)) for t in TARGETS]
    imported = _import_ratio(report["imports"], IMPORT_TARGET)
    out.append(_verdicts(IMPORT_TARGET.name, IMPORT_TARGET.limit, imported, None))
    return out


def _ratio(results: dict[str, dict[str, Any]], target: Target) -> float | None:
    entry = results.get(target.mode, {}).get(target.client)
    return None if entry is None else float(entry[target.key])


def _import_ratio(imports: dict[str, dict[str, Any]], target: ImportTarget) -> float | None:
    ours, theirs = imports.get(target.package, {}), imports.get(target.reference, {})
    return ours["median_ms"] / theirs["median_ms"] if "median_ms" in ours and "median_ms" in theirs else None


def _verdicts(name: str, limit: float, value: float | None, fresh_value: float | None) -> dict[str, Any]:
    return {
        "target": name,
        "limit": limit,
        "value": value,
        "fresh_value": fresh_value,
        "ok": None if value is None else value <= limit,
        "fresh_ok": None if fresh_value is None else fresh_value <= limit,
    }


# --- the table ------------------------------------------------------------------------------------------------


def _us(v: float) -> str:
    return f"{v / 1000:.2f} ms" if v >= 10_000 else f"{v:.1f} us"


def _rows(by_client: dict[str, Any]) -> list[str]:
    return [
        f"{LABELS.get(client, client):36} {_us(e['cpu_per_call_us']):>10} {e['cpu_ratio']:>7.2f}x "
        f"{e['cpu_ratio_httpx']:>7.2f}x {_us(e['wall_per_call_us']):>10} {e['wall_ratio']:>7.2f}x "
        f"{e['calls_per_s']:>8.0f} {e['server_cpu_share']:>10.1%}"
        for client, e in by_client.items()
    ]


def _verdict(value: float | None, ok: bool | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}x {'ok' if ok else 'MISSED'}"


_HEADER = (
    f"{'client':36} {'CPU/call':>10} {'x httpx2':>8} {'x httpx':>8} {'wall/call':>10} {'x httpx2':>8} "
    f"{'calls/s':>8} {'server CPU':>11}"
)


def format_table(report: dict[str, Any]) -> str:
    fresh: dict[str, dict[str, Any]] = report.get("fresh", {})
    lines = _intro_lines(report["meta"])
    lines += _mode_lines(report["results"], fresh)
    lines += _unavailable_lines(report["unavailable"])
    lines += _import_lines(report["imports"])
    lines += _target_lines(report["targets"])
    return "\n".join(lines)


def _intro_lines(meta: dict[str, Any]) -> list[str]:
    pinned = (
        f" (server pinned to CPU {meta['pinned']['server_cpu']}, clients to CPU {meta['pinned']['client_cpu']}); "
        if meta.get("pinned")
        else " (not pinned); "
    )
    return [
        f"POST /threads against a canned local server ({meta['server_loop']}), {meta['calls']} calls per batch. "
        f"Long-lived: each client's process warmed up once, then {meta['rounds']} rounds of one batch each. "
        f"Fresh: {meta.get('fresh_rounds', 0)} rounds of a new process per client, the same warm-up, one batch. "
        "Medians over rounds; 'x httpx2' / 'x httpx' = the median over rounds of the ratio to bare httpx2 "
        "(the floor) / bare httpx 0.28 of the same mode in that round.",
        f"Python {meta['python']} on {meta['platform']}, {meta['cpu_count']} CPUs"
        + pinned
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v),
        "",
    ]


def _mode_lines(results: dict[str, dict[str, Any]], fresh: dict[str, dict[str, Any]]) -> list[str]:
    """Per mode, a block of rows for each phase; then the server's share of the CPU."""
    lines: list[str] = []
    for mode in dict.fromkeys([*results, *fresh]):
        lines.append(f"== {mode}: {MODE_LABELS.get(mode, mode)}")
        for phase, by_mode in (("long-lived processes", results), ("fresh processes", fresh)):
            if mode in by_mode:
                lines += [f"-- {phase}", _HEADER, *_rows(by_mode[mode])]
        lines.append("")
    busy = [e["server_core_busy"] for r in (results, fresh) for c in r.values() for e in c.values()]
    if busy:
        lines.append(
            "server CPU = the canned server's share of client+server CPU over the timed calls; "
            f"the server kept at most {max(busy):.0%} of one core busy."
        )
        lines.append("")
    return lines


def _unavailable_lines(unavailable: dict[str, str]) -> list[str]:
    if not unavailable:
        return []
    return [*(f"unavailable: {LABELS.get(client, client)}: {reason}" for client, reason in unavailable.items()), ""]


def _import_lines(imports: dict[str, dict[str, Any]]) -> list[str]:
    if not imports:
        return []
    lines = ["cold import (fresh interpreter, byte code cached, median)"]
    floor = imports.get(FLOOR, {}).get("median_ms")
    for name, e in imports.items():
        text = f"{e['median_ms']:.1f} ms" if "median_ms" in e else "unavailable"
        versus = f"{e['median_ms'] / floor:.2f}x httpx2" if "median_ms" in e and floor else ""
        lines.append(f"  import {name:32} {text:>10} {versus:>13}  {IMPORT_NOTES.get(name, '')}".rstrip())
    lines.append("")
    return lines


def _target_lines(report_targets: list[dict[str, Any]]) -> list[str]:
    lines = [f"{'targets':54} {'limit':>7}  {'long-lived':17} fresh"]
    for t in report_targets:
        lines.append(
            f"  {t['target']:52} {t['limit']:>6.2f}x  {_verdict(t['value'], t['ok']):17} "
            f"{_verdict(t['fresh_value'], t['fresh_ok']):17}".rstrip()
        )
    return lines


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
