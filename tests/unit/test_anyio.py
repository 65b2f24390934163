"""The async client's retries and backoff run under any event loop httpx2 supports: asyncio and trio."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from langsmith_threads_client import AsyncThreadsClient
from tests.unit.mock_server import MockServer
from tests.unit.mocks import BASE_URL, in_turn, thread_answer


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_retry_with_retry_after_sleeps_and_succeeds_under(api: MockServer, backend: str) -> None:
    api.post("/threads").mock(
        side_effect=in_turn(
            httpx2.Response(503, headers={"retry-after": "0.05"}),
            thread_answer,
        )
    )

    async def main() -> float:
        async with AsyncThreadsClient(BASE_URL, api_key=None) as client:
            started = anyio.current_time()
            await client.create_thread()
            return anyio.current_time() - started

    elapsed = anyio.run(main, backend=backend)
    assert api.calls.call_count == 2
    assert elapsed >= 0.05, "the Retry-After wait was slept, on this event loop's clock"
