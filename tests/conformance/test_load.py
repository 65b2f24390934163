"""A bounded load run: many create_thread calls, 64 in flight, ~10 % of requests faulted.

One AsyncThreadsClient (httpx's transport, then DefaultAioHttpClient), and then one
ThreadsClient shared by 16 threads, sends every call
through a FaultProxy that faults requests at random (seeded) with a mix of kinds. Each
call carries a unique marker in its metadata, and the run a shared one. Afterwards the
real server is asked for every thread of the run (paging): no call may have produced two
threads, every call that returned must find its thread there with its metadata, and a
call that raised must have raised an error the README names for these faults.

Run with ``-s`` to see the figures; they are also attached to the report as the
``load_figures`` user property (``--junitxml``).
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from langsmith_threads_client import (
    APIConnectionError,
    AsyncThreadsClient,
    DefaultAioHttpClient,
    InternalServerError,
    RateLimitError,
    Thread,
    ThreadsClient,
)
from scripts.agent_server.server import AgentServer
from tests.conformance.observed import Behaviour
from tests.support.driver import thread_metadata
from tests.support.kinds import ClientKind
from tests.support.proxy import Fault, FaultProxy, ProxyStats

IN_FLIGHT = 64
FAULT_RATE = 0.10
SEED = 20_240_611
MAX_RETRIES = 5
# Every kind that a retry can recover from (a non-JSON 200 is, by design, not retried).
LOAD_FAULTS = (
    Fault.DROP_BEFORE_FORWARD,
    Fault.DROP_AFTER_FORWARD,
    Fault.RESET_MID_RESPONSE,
    Fault.TRUNCATED_BODY,
    Fault.STATUS_503,
    Fault.STATUS_429,
    Fault.STATUS_502,
    Fault.DELAY,
)
# A DELAY must outlast the client's timeout, which must outlast a normal answer at 64 in flight.
CLIENT_TIMEOUT = 5.0
PROXY_DELAY = 5.5
# The errors the README names for the injected faults, should a call exhaust its retries.
DOCUMENTED_ERRORS = (APIConnectionError, InternalServerError, RateLimitError)
# Enough for ~50 faults of the eight kinds a run and 64 in flight for most of it, on each of
# the 5 kinds x 3 clients (4,000 calls a kind took a fifth of the suite's time, issue 33).
CALLS = {ClientKind.ASYNC: 500, ClientKind.AIOHTTP: 500, ClientKind.SYNC: 500}
SYNC_THREADS = 16  # the sync client shared by this many threads


def call_kwargs(run: str, i: int, given_ids: dict[int, uuid.UUID]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"metadata": {"load_run": run, "call": i}}
    if i in given_ids:
        kwargs.update(thread_id=given_ids[i], if_exists="do_nothing")
    return kwargs


def fault_proxy(server: AgentServer) -> FaultProxy:
    return FaultProxy(server.base_url, rate=FAULT_RATE, kinds=LOAD_FAULTS, seed=SEED, delay=PROXY_DELAY)


def verify_and_report(
    server: AgentServer,
    behaviour: Behaviour,
    *,
    transport: str,
    concurrency: int,
    run: str,
    calls: int,
    given_ids: dict[int, uuid.UUID],
    results: dict[int, Thread | BaseException],
    stats: ProxyStats,
    sleeps: int,
    wall: float,
    record_property: Callable[[str, object], None],
) -> None:
    on_server = server.search_threads(metadata={"load_run": run}, limit=10 * calls)  # pages of 1000
    counted = server.count_threads(metadata={"load_run": run})
    per_call: dict[int, list[dict[str, Any]]] = collections.defaultdict(list)
    for stored in on_server:
        per_call[stored["metadata"]["call"]].append(stored)

    returned = {i: r for i, r in results.items() if isinstance(r, Thread)}
    raised = {i: r for i, r in results.items() if not isinstance(r, Thread)}
    duplicates = sum(len(threads) - 1 for threads in per_call.values() if len(threads) > 1)
    lost = []
    for i, thread in returned.items():
        expected_metadata = {**behaviour.metadata_added, "load_run": run, "call": i}
        stored_threads = per_call.get(i, [])
        if (
            [t["thread_id"] for t in stored_threads] != [str(thread.thread_id)]
            or stored_threads[0]["metadata"] != expected_metadata
            or thread_metadata(thread) != expected_metadata
            or (i in given_ids and thread.thread_id != given_ids[i])
        ):
            lost.append(i)
    undocumented = {i: repr(e) for i, e in raised.items() if not isinstance(e, DOCUMENTED_ERRORS)}

    figures = {
        "server_kind": server.name,
        "transport": transport,
        "calls": calls,
        "in_flight": concurrency,
        "max_retries": MAX_RETRIES,
        "returned": len(returned),
        "raised": len(raised),
        "raised_by_type": dict(collections.Counter(type(e).__name__ for e in raised.values())),
        "proxy_requests": stats.requests,
        "forwarded": stats.forwarded,
        "faults_injected": stats.faults_total,
        "faults_by_kind": dict(sorted(stats.faults.items())),
        "retries_observed": stats.requests - calls,
        "backoff_sleeps": sleeps,
        "threads_on_server": len(on_server),
        "duplicates": duplicates,
        "lost": len(lost),
        "wall_s": round(wall, 2),
        "calls_per_s": round(calls / wall, 1),
    }
    print(f"\nload run ({transport}): {json.dumps(figures)}")
    record_property("load_figures", json.dumps(figures))

    assert len(results) == calls
    assert stats.upstream_errors == 0, stats
    assert counted == len(on_server), "search and count disagree"
    assert duplicates == 0, {i: [t["thread_id"] for t in ts] for i, ts in per_call.items() if len(ts) > 1}
    assert lost == [], f"{len(lost)} returned threads missing or wrong on the server, e.g. {lost[:5]}"
    assert undocumented == {}, undocumented
    assert set(per_call) <= set(results), "threads for calls that never ran"
    # Every fault costs exactly one retry (more if a real timeout adds some).
    assert stats.faults_total >= calls * FAULT_RATE / 2
    assert stats.requests - calls >= stats.faults_total - len(raised) * (MAX_RETRIES + 1)
    assert len(raised) == 0, f"with {MAX_RETRIES} retries every call should return: {figures['raised_by_type']}"


@pytest.mark.parametrize("transport", [ClientKind.ASYNC, ClientKind.AIOHTTP], ids=str)
async def test_load_exactly_once(
    server: AgentServer, behaviour: Behaviour, transport: ClientKind, record_property: Callable[[str, object], None]
) -> None:
    calls = CALLS[transport]
    run = uuid.uuid4().hex
    # A quarter of the calls give their own id with "do_nothing" (idempotent); the rest let the SDK assign one.
    given_ids = {i: uuid.uuid4() for i in range(calls) if i % 4 == 3}
    results: dict[int, Thread | BaseException] = {}
    sleeps: list[float] = []

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        await asyncio.sleep(0)

    with fault_proxy(server) as proxy:
        http_client = DefaultAioHttpClient() if transport is ClientKind.AIOHTTP else None
        try:
            async with AsyncThreadsClient(
                proxy.base_url, timeout=CLIENT_TIMEOUT, max_retries=MAX_RETRIES, http_client=http_client
            ) as client:
                client._sleep = record_sleep
                gate = asyncio.Semaphore(IN_FLIGHT)

                async def one(i: int) -> None:
                    async with gate:
                        try:
                            results[i] = await client.create_thread(**call_kwargs(run, i, given_ids))
                        except Exception as exc:
                            results[i] = exc

                started = time.perf_counter()
                await asyncio.gather(*(one(i) for i in range(calls)))
                wall = time.perf_counter() - started
        finally:
            if http_client is not None:
                await http_client.aclose()
        proxy.wait_quiet()
        stats = proxy.stats()

    verify_and_report(
        server,
        behaviour,
        transport=transport,
        concurrency=IN_FLIGHT,
        run=run,
        calls=calls,
        given_ids=given_ids,
        results=results,
        stats=stats,
        sleeps=len(sleeps),
        wall=wall,
        record_property=record_property,
    )


def test_load_exactly_once_sync_client_shared_by_threads(
    server: AgentServer, behaviour: Behaviour, record_property: Callable[[str, object], None]
) -> None:
    """The README: one sync client is safe to share across threads; the same run on ThreadsClient."""
    calls = CALLS[ClientKind.SYNC]
    run = uuid.uuid4().hex
    given_ids = {i: uuid.uuid4() for i in range(calls) if i % 4 == 3}
    results: dict[int, Thread | BaseException] = {}
    sleeps: list[float] = []

    with fault_proxy(server) as proxy:
        with ThreadsClient(proxy.base_url, timeout=CLIENT_TIMEOUT, max_retries=MAX_RETRIES) as client:
            client._sleep = sleeps.append  # list.append is atomic under the GIL

            def one(i: int) -> None:
                try:
                    results[i] = client.create_thread(**call_kwargs(run, i, given_ids))
                except Exception as exc:
                    results[i] = exc

            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(max_workers=SYNC_THREADS) as pool:
                list(pool.map(one, range(calls)))
            wall = time.perf_counter() - started
        proxy.wait_quiet()
        stats = proxy.stats()

    verify_and_report(
        server,
        behaviour,
        transport=f"{ClientKind.SYNC}, {SYNC_THREADS} threads",
        concurrency=SYNC_THREADS,
        run=run,
        calls=calls,
        given_ids=given_ids,
        results=results,
        stats=stats,
        sleeps=len(sleeps),
        wall=wall,
        record_property=record_property,
    )
