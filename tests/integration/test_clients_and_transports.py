"""One client shared by many callers, and the aiohttp transport, against the real Agent Server."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from langsmith_threads_client import (
    AsyncThreadsClient,
    ConflictError,
    DefaultAioHttpClient,
    SuperstepsError,
    ThreadsClient,
    ThreadStatus,
)
from scripts.agent_server.server import AgentServer
from tests.support.graph import GRAPH_ID, HI

CALLS = 24


def test_base_url_from_the_environment_and_with_a_trailing_slash(
    dev_server: AgentServer, marker: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGGRAPH_API_URL", dev_server.base_url)
    with ThreadsClient() as from_env, ThreadsClient(dev_server.base_url + "/") as with_slash:
        first = from_env.create_thread(metadata=marker)
        second = with_slash.create_thread(metadata=marker)

    found = {t["thread_id"] for t in dev_server.search_threads(metadata=marker)}
    assert found == {str(first.thread_id), str(second.thread_id)}


def test_one_sync_client_shared_by_many_threads(dev_server: AgentServer, marker: dict[str, str]) -> None:
    with ThreadsClient(dev_server.base_url) as client, ThreadPoolExecutor(max_workers=8) as pool:
        threads = list(pool.map(lambda n: client.create_thread(metadata={"n": n, **marker}), range(CALLS)))

    assert sorted(thread.metadata["n"] for thread in threads) == list(range(CALLS))
    assert len({thread.thread_id for thread in threads}) == CALLS
    assert dev_server.count_threads(metadata=marker) == CALLS


async def test_one_async_client_shared_by_many_tasks(dev_server: AgentServer, marker: dict[str, str]) -> None:
    async with AsyncThreadsClient(dev_server.base_url) as client:
        threads = await asyncio.gather(*(client.create_thread(metadata={"n": n, **marker}) for n in range(CALLS)))

    assert [thread.metadata["n"] for thread in threads] == list(range(CALLS))
    assert len({thread.thread_id for thread in threads}) == CALLS
    assert dev_server.count_threads(metadata=marker) == CALLS


async def test_default_aiohttp_client_against_the_real_server(
    dev_server: AgentServer, marker: dict[str, str]
) -> None:
    http = DefaultAioHttpClient()
    try:
        async with AsyncThreadsClient(dev_server.base_url, http_client=http) as client:
            plain = await asyncio.gather(*(client.create_thread(metadata={"n": n, **marker}) for n in range(CALLS)))
            stepped = await client.create_thread(
                metadata=marker,
                graph_id=GRAPH_ID,
                supersteps=[HI],
            )
            with pytest.raises(ConflictError) as conflict:
                await client.create_thread(thread_id=stepped.thread_id)
            with pytest.raises(SuperstepsError) as no_graph:
                await client.create_thread(supersteps=[{"updates": [{"values": {"count": 1}, "as_node": "start"}]}])
        assert not http.is_closed  # the SDK leaves the caller's http_client open
    finally:
        await http.aclose()

    assert [thread.metadata["n"] for thread in plain] == list(range(CALLS))
    assert len({thread.thread_id for thread in plain}) == CALLS
    assert dev_server.count_threads(metadata=marker) == CALLS + 1
    assert stepped.values  # neither None nor UNSET
    assert stepped.values.to_dict() == {"messages": ["hi"], "count": 1}
    assert stepped.status == ThreadStatus.INTERRUPTED
    assert dev_server.get_state(stepped.thread_id)["values"] == {"messages": ["hi"], "count": 1}
    assert conflict.value.thread_id == stepped.thread_id
    assert conflict.value.detail == f"Thread with ID {stepped.thread_id} already exists"
    assert no_graph.value.status_code == 201
    assert dev_server.get_thread(no_graph.value.thread_id) is not None
