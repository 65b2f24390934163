"""Real programs against the real server: forked workers and one async client across event loops."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

from langsmith_threads_client import AsyncThreadsClient, ThreadsClient
from scripts.agent_server.server import AgentServer

CHILDREN = 4
THREADS = 8
CALLS_PER_THREAD = 25


def calls_with_fresh_ids(client: ThreadsClient, count: int) -> dict[str, object]:
    """`count` creates with fresh ids on THREADS threads: how many came back with the id sent, and what failed."""

    def one(_: int) -> str:
        sent = uuid.uuid4()
        try:
            thread = client.create_thread(thread_id=sent)
        except Exception as exc:
            return f"error: {exc!r}"[:300]
        return "ok" if thread.thread_id == sent else f"wrong thread: sent {sent}, got {thread.thread_id}"

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(one, range(count)))
    return {"ok": outcomes.count("ok"), "failures": [outcome for outcome in outcomes if outcome != "ok"]}


def run_child(client: ThreadsClient, write_end: int) -> None:
    """In a forked child: use the inherited client, report through the pipe, and leave without cleanup."""
    status = 1
    try:
        report = calls_with_fresh_ids(client, THREADS * CALLS_PER_THREAD)
        os.write(write_end, json.dumps(report).encode())
        status = 0
    finally:
        os._exit(status)


def test_forked_children_never_reuse_the_parents_connections(dev_server: AgentServer) -> None:
    client = ThreadsClient(dev_server.base_url, api_key=None, max_retries=0)
    warm = calls_with_fresh_ids(client, 64)  # the pool now holds several keep-alive connections
    assert warm["failures"] == []
    children: list[tuple[int, int]] = []
    for _ in range(CHILDREN):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            run_child(client, write_end)
        os.close(write_end)
        children.append((pid, read_end))
    parent = calls_with_fresh_ids(client, THREADS * CALLS_PER_THREAD)  # the parent keeps using its pool meanwhile
    reports = []
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, "a child crashed"
        reports.append(json.loads(data))
    client.close()
    assert parent["failures"] == []
    for report in reports:
        assert report["failures"] == [], report["failures"][:5]
        assert report["ok"] == THREADS * CALLS_PER_THREAD


def test_one_async_client_serves_successive_asyncio_runs(dev_server: AgentServer) -> None:
    client = AsyncThreadsClient(dev_server.base_url, api_key=None, max_retries=0)
    first = asyncio.run(client.create_thread())
    second = asyncio.run(client.create_thread())  # the first loop, and its connections, are gone
    asyncio.run(client.aclose())
    assert first.thread_id != second.thread_id
    assert dev_server.get_thread(second.thread_id) is not None
