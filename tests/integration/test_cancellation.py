"""Cancelled calls leave the client fully usable, on both async transports, against the real server.

httpx 0.28's pool kept a connection stuck for every call cancelled at the wrong moment
(encode/httpcore#1093): 1000 calls cancelled at ~1 ms left all 100 stuck, and every later
call failed with PoolTimeout. Here the same loop, then ordinary calls that must succeed.
"""

from __future__ import annotations

import asyncio
import time

import httpx2
import pytest

from langsmith_threads_client import AsyncThreadsClient, DefaultAioHttpClient
from scripts.agent_server.server import AgentServer
from tests.support.kinds import ClientKind

CANCELLED = 1000
AFTERWARDS = 10
# A liveness bound, not a timing claim: a lost pool would make these calls hang or fail.
EACH_WITHIN = 5.0


def wait_until_drained(server: AgentServer, metadata: dict[str, str], timeout: float = 60.0) -> None:
    """Until the number of threads with `metadata` has stopped growing for half a second."""
    deadline = time.monotonic() + timeout
    last, stable_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = server.count_threads(metadata)
        if now != last:
            last, stable_since = now, time.monotonic()
        elif time.monotonic() - stable_since >= 0.5:
            return
        time.sleep(0.1)


def checked_out(client: AsyncThreadsClient) -> int:
    """Connections the pool still counts as in use (its private state: the symptom itself)."""
    http = client._http
    if isinstance(http, httpx2.AsyncClient):
        transport = http._transport
        assert isinstance(transport, httpx2.AsyncHTTPTransport)
        return sum(not (c.is_idle() or c.is_closed()) for c in transport._pool.connections)
    assert http._session is not None and http._slots is not None
    connector = http._session.connector
    assert connector is not None
    return len(connector._acquired) + (100 - http._slots._value)


@pytest.mark.parametrize("transport", [ClientKind.ASYNC, ClientKind.AIOHTTP], ids=str)
async def test_calls_cancelled_at_a_millisecond_then_ordinary_calls_succeed(
    dev_server: AgentServer, marker: dict[str, str], transport: ClientKind
) -> None:
    http = DefaultAioHttpClient() if transport is ClientKind.AIOHTTP else None
    cancelled = 0
    try:
        async with AsyncThreadsClient(dev_server.base_url, api_key=None, http_client=http) as client:
            for _ in range(CANCELLED):
                try:
                    await asyncio.wait_for(client.create_thread(metadata={"cancelled": "yes", **marker}), 0.001)
                except TimeoutError:
                    cancelled += 1
            # The server still works through the cancelled calls it received; the ordinary
            # calls' bound is about the client, so they start once that backlog is done.
            await asyncio.to_thread(wait_until_drained, dev_server, {"cancelled": "yes", **marker})
            threads = [
                await asyncio.wait_for(client.create_thread(metadata={"n": n, **marker}), EACH_WITHIN)
                for n in range(AFTERWARDS)
            ]
            assert checked_out(client) == 0, "a connection is still held by a call that is over"
    finally:
        if http is not None:
            await http.aclose()

    assert cancelled > CANCELLED // 2, "most calls must really have been cancelled mid-flight"
    assert [thread.metadata["n"] for thread in threads] == list(range(AFTERWARDS))
    found = dev_server.search_threads(metadata={"n": 0, **marker})
    assert [t["thread_id"] for t in found] == [str(threads[0].thread_id)]
