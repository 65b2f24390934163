"""Under trio, a retry's backoff sleeps on trio's clock: a 503 with Retry-After is retried and succeeds.

The SDK once slept with asyncio.sleep, which crashes under trio ("no running event loop")
on every retry. Through the fault proxy to the real server, on the default (httpx2)
transport; DefaultAioHttpClient is asyncio-only and says so (tests/unit/test_aiohttp.py).
"""

from __future__ import annotations

import anyio
import pytest

from langsmith_threads_client import AsyncThreadsClient, Thread
from scripts.agent_server.server import AgentServer
from tests.support.proxy import Fault, FaultProxy

RETRY_AFTER = 0.2


@pytest.fixture
def slow_proxy(dev_server: AgentServer) -> FaultProxy:
    # A Retry-After above zero, so the retry really sleeps (a zero wait is not slept at all).
    return FaultProxy(dev_server.base_url, retry_after=str(RETRY_AFTER))


def test_under_trio_a_503_with_retry_after_is_retried_and_succeeds(
    dev_server: AgentServer, slow_proxy: FaultProxy
) -> None:
    async def main() -> tuple[Thread, float]:
        async with AsyncThreadsClient(slow_proxy.base_url, api_key=None, max_retries=2) as client:
            started = anyio.current_time()
            thread = await client.create_thread(metadata={"under": "trio"})
            return thread, anyio.current_time() - started

    with slow_proxy:
        slow_proxy.script(Fault.STATUS_503)
        thread, elapsed = anyio.run(main, backend="trio")
        stats = slow_proxy.stats()

    assert stats.requests == 2
    assert stats.forwarded == 1
    assert elapsed >= RETRY_AFTER, "the Retry-After wait was slept, on trio's clock"
    assert dev_server.get_thread(thread.thread_id) is not None
    assert thread.metadata.to_dict() == {"under": "trio"}
