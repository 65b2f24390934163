"""Drive ThreadsClient and AsyncThreadsClient through one interface, so each test runs on both."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2

from langsmith_threads_client import AsyncThreadsClient, Thread, ThreadsClient
from tests.support.kinds import ClientKind

BASE_URL = "http://threads.test"
THREADS_URL = f"{BASE_URL}/threads"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def real_thread_body(**changes: Any) -> dict[str, Any]:
    """A body the real server sent for a new thread, optionally changed."""
    body: dict[str, Any] = json.loads((FIXTURES / "thread_created.json").read_text())
    body.update(changes)
    return body


Outcome = httpx2.Response | Exception | Callable[[httpx2.Request], httpx2.Response]


def in_turn(*outcomes: Outcome) -> Callable[[httpx2.Request], httpx2.Response]:
    """A mock server that answers each request with the next outcome: a response, an error raised, or a function."""
    queue = list(outcomes)

    def answer(request: httpx2.Request) -> httpx2.Response:
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome if isinstance(outcome, httpx2.Response) else outcome(request)

    return answer


def thread_answer(request: httpx2.Request) -> httpx2.Response:
    """What the real server answers to a create that succeeds: a thread with the id it was sent."""
    return httpx2.Response(200, json=real_thread_body(thread_id=sent_json(request)["thread_id"]))


def sent_json(request: httpx2.Request) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(request.content)
    return body


class Driver:
    """A client of kind sync or async; `create` runs create_thread to completion and records sleeps."""

    def __init__(self, kind: ClientKind, **client_kwargs: Any) -> None:
        kind = ClientKind(kind)
        if kind is ClientKind.AIOHTTP:
            # The unit tests' mocks sit behind httpx2's transports, which DefaultAioHttpClient never calls.
            raise ValueError("Driver has no aiohttp kind: its mocks are httpx2 transports")
        self.kind = kind
        self.sleeps: list[float] = []
        client_kwargs.setdefault("base_url", BASE_URL)
        client_kwargs.setdefault("api_key", None)
        self._loop: asyncio.AbstractEventLoop | None = None
        self.client: ThreadsClient | AsyncThreadsClient
        if kind is ClientKind.SYNC:
            self.client = ThreadsClient(**client_kwargs)
            self.client._sleep = self.sleeps.append
        else:
            self._loop = asyncio.new_event_loop()
            self.client = self._loop.run_until_complete(self._make_async(client_kwargs))

    async def _make_async(self, client_kwargs: dict[str, Any]) -> AsyncThreadsClient:
        client = AsyncThreadsClient(**client_kwargs)

        async def record(delay: float) -> None:
            self.sleeps.append(delay)

        client._sleep = record
        return client

    def create(self, **kwargs: Any) -> Thread:
        if isinstance(self.client, ThreadsClient):
            return self.client.create_thread(**kwargs)
        assert self._loop is not None
        return self._loop.run_until_complete(self.client.create_thread(**kwargs))

    def close(self) -> None:
        if isinstance(self.client, ThreadsClient):
            self.client.close()
            return
        assert self._loop is not None
        self._loop.run_until_complete(self.client.aclose())
        self._loop.close()
