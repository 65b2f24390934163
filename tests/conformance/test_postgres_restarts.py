"""A Postgres server killed mid-load and restarted, and two server processes on one database.

Both runs use a ``postgres`` server of their own (``servers.new``), on the session's shared
Postgres and Redis, and ask that server afterwards, over its REST API, for every thread of
the run (paging): each call must be found exactly once, under the id it returned.

1. **A crash.** One AsyncThreadsClient (httpx's transport, ``timeout=5.0``) sends 1,500
   ``create_thread`` calls, 16 in flight. After the 300th call ends the server's whole
   process group is SIGKILLed (a crash: requests half-read, transactions open, responses
   lost), and 2 s later started again on the same port and database. With
   ``max_retries=2`` (the default) the calls that meet the outage may run out of retries:
   each raises APIConnectionError (APITimeoutError included) or InternalServerError
   carrying ``.thread_id``, and the README's continuation (``create_thread(thread_id=
   error.thread_id, if_exists="do_nothing")`` until it returns) finishes it. With
   ``max_retries=6`` the backoff (0.5 + 1 + 2 + 4 s ...) outlasts the outage. Either way
   the server then holds exactly 1,500 threads: none twice, none missing.
2. **Two workers.** ``langhost serve --workers 2`` (two processes accepting on one port,
   one database) behind a FaultProxy that faults 10 % of requests with every recoverable
   kind of tests/conformance/test_load.py; 640 calls, 64 in flight, ``max_retries=5``, a
   quarter with the caller's own ``thread_id`` and ``if_exists="do_nothing"``. Every call
   returns, and the server holds exactly 640 threads. While the load runs, the worker
   processes' sockets are sampled (Linux /proc): each worker holds connections from the
   proxy on the server's port, so both served requests. (The harness sets the database up
   with one single-worker start first: two workers starting on a fresh database can
   deadlock in the LangGraph store's own migrations, and then the server stops; see
   ``Kind.set_up_alone``.)

Run with ``-s`` to see the figures; they are also attached to the report as the
``crash_figures`` and ``workers_figures`` user properties (``--junitxml``).
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pytest

from langsmith_threads_client import APIConnectionError, AsyncThreadsClient, InternalServerError, Thread
from langsmith_threads_client.testing._process import group_members
from scripts.agent_server.server import AgentServer
from tests.agent_server.pytest_plugin import ServerPool
from tests.conformance.test_load import CLIENT_TIMEOUT, LOAD_FAULTS, PROXY_DELAY
from tests.support.proxy import FaultProxy

# The errors the README's continuation finishes (APITimeoutError is an APIConnectionError).
CONTINUABLE = (APIConnectionError, InternalServerError)
CONTINUATION_ATTEMPTS = 5

CRASH_CALLS = 700  # 300 before the kill, 400 across the outage and after the restart
CRASH_IN_FLIGHT = 16
KILL_AFTER = 300  # calls ended before the kill
OUTAGE = 2.0  # seconds between the kill and the restart

WORKERS = 2
WORKER_CALLS = 384  # six rounds of 64 in flight
WORKER_IN_FLIGHT = 64
WORKER_MAX_RETRIES = 5
FAULT_RATE = 0.10
SEED = 20_240_612
WORKERS_READY_TIMEOUT = 60.0

Result = Thread | Exception


def figures_line(name: str, figures: Mapping[str, object], record_property: Callable[[str, object], None]) -> None:
    line = json.dumps(figures)
    print(f"\n{name}: {line}")
    record_property(name, line)


def stored_per_call(server: AgentServer, marker_key: str, run: str, calls: int) -> dict[int, list[dict[str, Any]]]:
    """The server's threads of this run, by the ``call`` index in their metadata."""
    per_call: dict[int, list[dict[str, Any]]] = collections.defaultdict(list)
    for stored in server.search_threads(metadata={marker_key: run}, limit=10 * calls):  # pages of 1000
        per_call[stored["metadata"]["call"]].append(stored)
    return per_call


def duplicated(per_call: Mapping[int, Sequence[Mapping[str, Any]]]) -> dict[int, list[str]]:
    return {i: [t["thread_id"] for t in ts] for i, ts in per_call.items() if len(ts) > 1}


def lost_calls(
    per_call: Mapping[int, Sequence[Mapping[str, Any]]],
    threads: Mapping[int, Thread],
    metadata: Callable[[int], dict[str, Any]],
    calls: int,
) -> list[int]:
    """Calls whose thread is missing on the server, or is not the one the call returned."""
    lost = []
    for i in range(calls):
        stored = per_call.get(i, [])
        thread = threads.get(i)
        if (
            thread is None
            or [t["thread_id"] for t in stored] != [str(thread.thread_id)]
            or stored[0]["metadata"] != metadata(i)
            or thread.metadata.to_dict() != metadata(i)
        ):
            lost.append(i)
    return lost


# ----------------------------------------------------------------------------- 1. a crash


@pytest.mark.kinds("postgres")
@pytest.mark.parametrize("max_retries", [2, 6], ids=lambda n: f"max_retries={n}")
async def test_a_server_killed_mid_load_and_restarted_loses_and_duplicates_nothing(
    servers: ServerPool, server_kind: str, max_retries: int, record_property: Callable[[str, object], None]
) -> None:
    run = uuid.uuid4().hex

    def metadata(i: int) -> dict[str, Any]:
        return {"crash_run": run, "call": i}

    server = servers.new(server_kind)
    await asyncio.to_thread(server.start)
    try:
        results: dict[int, Result] = {}
        started_calls = 0
        kill_point = asyncio.Event()
        outage: dict[str, float | int] = {}

        async def crash() -> None:
            await kill_point.wait()
            outage["ended_before_kill"] = len(results)
            outage["in_flight_at_kill"] = started_calls - len(results)
            t0 = time.perf_counter()
            await asyncio.to_thread(server.kill)
            await asyncio.sleep(OUTAGE)
            await asyncio.to_thread(server.start)  # same port, same database
            outage["down_s"] = time.perf_counter() - t0
            outage["startup_s"] = server.startup_seconds or 0.0

        async with AsyncThreadsClient(server.base_url, max_retries=max_retries, timeout=CLIENT_TIMEOUT) as client:
            gate = asyncio.Semaphore(CRASH_IN_FLIGHT)

            async def one(i: int) -> None:
                nonlocal started_calls
                async with gate:
                    started_calls += 1
                    try:
                        results[i] = await client.create_thread(metadata=metadata(i))
                    except Exception as exc:
                        results[i] = exc
                    if len(results) >= KILL_AFTER:
                        kill_point.set()

            began = time.perf_counter()
            crasher = asyncio.create_task(crash())
            try:
                await asyncio.gather(*(one(i) for i in range(CRASH_CALLS)))
            finally:
                kill_point.set()  # should the calls all end first, the crash task still ends
                await crasher  # the server is up again (or this raises with its log)
            wall = time.perf_counter() - began

        returned = {i: r for i, r in results.items() if isinstance(r, Thread)}
        raised = {i: r for i, r in results.items() if not isinstance(r, Thread)}
        continuable = {i: e for i, e in raised.items() if isinstance(e, CONTINUABLE) and e.thread_id is not None}
        not_continuable = {i: repr(e) for i, e in raised.items() if i not in continuable}
        assert len(results) == CRASH_CALLS
        assert not_continuable == {}, not_continuable

        # The README's continuation, with the default max_retries.
        continued: dict[int, Thread] = {}
        continuation_attempts = 0
        async with AsyncThreadsClient(server.base_url, timeout=CLIENT_TIMEOUT) as again:

            async def finish(i: int, error: APIConnectionError | InternalServerError) -> None:
                nonlocal continuation_attempts
                thread_id = error.thread_id
                for attempt in range(1, CONTINUATION_ATTEMPTS + 1):
                    continuation_attempts += 1
                    try:
                        continued[i] = await again.create_thread(
                            thread_id=thread_id, if_exists="do_nothing", metadata=metadata(i)
                        )
                        return
                    except CONTINUABLE as retry_error:
                        if attempt == CONTINUATION_ATTEMPTS:
                            raise
                        assert retry_error.thread_id == thread_id, "the error names the id the request sent"

            gate = asyncio.Semaphore(CRASH_IN_FLIGHT)

            async def gated(i: int, error: APIConnectionError | InternalServerError) -> None:
                async with gate:
                    await finish(i, error)

            await asyncio.gather(*(gated(i, e) for i, e in continuable.items()))

        per_call = stored_per_call(server, "crash_run", run, CRASH_CALLS)
        on_server = sum(len(ts) for ts in per_call.values())
        counted = server.count_threads(metadata={"crash_run": run})
        duplicates = duplicated(per_call)
        lost = lost_calls(per_call, {**returned, **continued}, metadata, CRASH_CALLS)
        figures = {
            "server_kind": server.name,
            "transport": "httpx",
            "max_retries": max_retries,
            "calls": CRASH_CALLS,
            "in_flight": CRASH_IN_FLIGHT,
            "ended_before_kill": outage.get("ended_before_kill"),
            "in_flight_at_kill": outage.get("in_flight_at_kill"),
            "returned_first_time": len(returned),
            "raised": len(raised),
            "raised_by_type": dict(collections.Counter(type(e).__name__ for e in raised.values())),
            "continued": len(continued),
            "continuation_attempts": continuation_attempts,
            "threads_on_server": on_server,
            "duplicates": sum(len(ids) - 1 for ids in duplicates.values()),
            "lost": len(lost),
            "wall_s": round(wall, 2),
            "restart_s": round(float(outage.get("down_s", 0.0)), 2),  # kill, the 2 s outage, start
            "startup_s": round(float(outage.get("startup_s", 0.0)), 2),  # start until /ok answered
        }
        figures_line("crash_figures", figures, record_property)

        assert "down_s" in outage, "the server was never killed"
        assert int(outage["in_flight_at_kill"]) > 0, "the kill found no call in flight"
        assert {i: e.thread_id for i, e in continuable.items()} == {i: t.thread_id for i, t in continued.items()}, (
            "a continuation returned another thread than the one its error named"
        )
        assert duplicates == {}, duplicates
        assert lost == [], f"{len(lost)} calls missing or wrong on the server, e.g. {lost[:5]}"
        assert on_server == counted == CRASH_CALLS
    finally:
        await asyncio.to_thread(server.stop)


# -------------------------------------------------------------------------- 2. two workers

_STARTED_RE = re.compile(r"Started server process \[(\d+)\]")
_STARTUP_COMPLETE = "Application startup complete."


def wait_for_workers(server: AgentServer, workers: int, timeout: float) -> list[int]:
    """The worker pids uvicorn logged, once that many have finished their startup.

    ``/ok`` answers as soon as the first worker is up; the others follow a moment later.
    """
    deadline = time.monotonic() + timeout
    while True:
        log = server.log_since_start()
        pids = [int(pid) for pid in _STARTED_RE.findall(log)]
        if len(pids) >= workers and log.count(_STARTUP_COMPLETE) >= workers:
            return pids
        if not server.running or time.monotonic() > deadline:
            raise AssertionError(
                f"{workers} workers did not start within {timeout:.0f}s (started: {pids})\n{server.log_tail(40)}"
            )
        time.sleep(0.05)


def established_inodes(port: int) -> set[str]:
    """Inodes of the TCP sockets whose local port is ``port`` and that are ESTABLISHED (Linux)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) >= 10 and parts[3] == "01" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    return inodes


def socket_inodes(pid: int) -> set[str]:
    inodes: set[str] = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return inodes
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


class ConnectionSampler:
    """While running, notes which server connections (socket inodes) each worker process holds."""

    def __init__(self, port: int, pids: Sequence[int], interval: float = 0.02) -> None:
        self.port = port
        self.interval = interval
        self.seen: dict[int, set[str]] = {pid: set() for pid in pids}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-connection-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        established = established_inodes(self.port)
        for pid, seen in self.seen.items():
            seen.update(socket_inodes(pid) & established)
        self.samples += 1

    def connections(self) -> dict[int, int]:
        return {pid: len(seen) for pid, seen in self.seen.items()}

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.sample()  # the proxy's idle upstream connections are still open here


@pytest.mark.kinds("postgres")
async def test_two_server_processes_on_one_database_lose_and_duplicate_nothing(
    servers: ServerPool, server_kind: str, record_property: Callable[[str, object], None]
) -> None:
    run = uuid.uuid4().hex
    given_ids = {i: uuid.uuid4() for i in range(WORKER_CALLS) if i % 4 == 3}

    def metadata(i: int) -> dict[str, Any]:
        return {"workers_run": run, "call": i}

    def call_kwargs(i: int) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"metadata": metadata(i)}
        if i in given_ids:
            kwargs.update(thread_id=given_ids[i], if_exists="do_nothing")
        return kwargs

    server = servers.new(server_kind, workers=WORKERS)
    try:
        await asyncio.to_thread(server.start)
        assert server.pid is not None
        workers = await asyncio.to_thread(wait_for_workers, server, WORKERS, WORKERS_READY_TIMEOUT)
        members = group_members(server.pid)
        assert len(members) >= WORKERS + 1, f"the group {server.pid} has {members}: fewer than parent + 2 workers"
        assert set(workers) <= set(members) and server.pid not in workers, (workers, members)
        assert server.port is not None

        results: dict[int, Result] = {}
        proxy = FaultProxy(server.base_url, rate=FAULT_RATE, kinds=LOAD_FAULTS, seed=SEED, delay=PROXY_DELAY)
        with proxy, ConnectionSampler(server.port, workers) as sampler:
            async with AsyncThreadsClient(
                proxy.base_url, max_retries=WORKER_MAX_RETRIES, timeout=CLIENT_TIMEOUT
            ) as client:
                gate = asyncio.Semaphore(WORKER_IN_FLIGHT)

                async def one(i: int) -> None:
                    async with gate:
                        try:
                            results[i] = await client.create_thread(**call_kwargs(i))
                        except Exception as exc:
                            results[i] = exc

                began = time.perf_counter()
                await asyncio.gather(*(one(i) for i in range(WORKER_CALLS)))
                wall = time.perf_counter() - began
            proxy.wait_quiet()
            stats = proxy.stats()
        connections = sampler.connections()

        returned = {i: r for i, r in results.items() if isinstance(r, Thread)}
        raised = {i: r for i, r in results.items() if not isinstance(r, Thread)}
        per_call = stored_per_call(server, "workers_run", run, WORKER_CALLS)
        on_server = sum(len(ts) for ts in per_call.values())
        counted = server.count_threads(metadata={"workers_run": run})
        duplicates = duplicated(per_call)
        lost = lost_calls(per_call, returned, metadata, WORKER_CALLS)
        wrong_given = [i for i, thread_id in given_ids.items() if i in returned and returned[i].thread_id != thread_id]
        figures = {
            "server_kind": server.name,
            "transport": "httpx",
            "workers": WORKERS,
            "worker_pids": workers,
            "process_group_members": len(members),
            "calls": WORKER_CALLS,
            "in_flight": WORKER_IN_FLIGHT,
            "max_retries": WORKER_MAX_RETRIES,
            "given_ids": len(given_ids),
            "returned": len(returned),
            "raised": len(raised),
            "raised_by_type": dict(collections.Counter(type(e).__name__ for e in raised.values())),
            "proxy_requests": stats.requests,
            "faults_injected": stats.faults_total,
            "faults_by_kind": dict(sorted(stats.faults.items())),
            "threads_on_server": on_server,
            "duplicates": sum(len(ids) - 1 for ids in duplicates.values()),
            "lost": len(lost),
            "connections_per_worker": {str(pid): n for pid, n in connections.items()},
            "socket_samples": sampler.samples,
            "wall_s": round(wall, 2),
        }
        figures_line("workers_figures", figures, record_property)

        assert len(results) == WORKER_CALLS
        assert raised == {}, f"with {WORKER_MAX_RETRIES} retries every call should return: {raised}"
        assert stats.upstream_errors == 0, stats
        assert stats.faults_total > 0, stats
        assert duplicates == {}, duplicates
        assert lost == [] and wrong_given == [], (
            f"{len(lost)} calls missing or wrong, e.g. {lost[:5]} {wrong_given[:5]}"
        )
        assert on_server == counted == WORKER_CALLS
        idle = [pid for pid, n in connections.items() if n == 0]
        assert idle == [], f"workers {idle} held no connection on port {server.port}: {connections}"
    finally:
        await asyncio.to_thread(server.stop)
