"""The SDK's public clients plugged into a FakeAgentServer, one way or another, behind one synchronous face.

``SDK(plug, fake, stack)`` is ThreadsClient or AsyncThreadsClient on ``fake.transport()``
(``sync-transport``, ``async-transport``) or on ``fake.serve()`` (``sync-serve``,
``async-serve``, and ``aiohttp-serve``: AsyncThreadsClient on DefaultAioHttpClient). An
async client runs on its own event loop (``asyncio.Runner``) for as long as ``stack``, so
``sdk.create_thread(...)`` reads the same for all five. Only the SDK's public names are used.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections.abc import Callable
from typing import Any

import httpx2

from langsmith_threads_client import AsyncThreadsClient, DefaultAioHttpClient, Thread, ThreadsClient
from langsmith_threads_client.testing import FakeAgentServer

__all__ = ["FAKE_URL", "SDK", "MakeSDK", "Plug"]

FAKE_URL = "http://fake-agent-server.test"  # any http(s) URL: the transport never touches the network


class Plug(enum.StrEnum):
    SYNC_TRANSPORT = "sync-transport"
    ASYNC_TRANSPORT = "async-transport"
    SYNC_SERVE = "sync-serve"
    ASYNC_SERVE = "async-serve"
    AIOHTTP_SERVE = "aiohttp-serve"

    @property
    def served(self) -> bool:
        return self.value.endswith("serve")


class SDK:
    """One of the SDK's clients on a fake, driven synchronously (an async one on this test's own loop)."""

    def __init__(self, plug: Plug, fake: FakeAgentServer, stack: contextlib.ExitStack, **client_kwargs: Any) -> None:
        self.plug = plug
        self.base_url = stack.enter_context(fake.serve()) if plug.served else FAKE_URL
        self._sync: ThreadsClient | None = None
        self._async: AsyncThreadsClient | None = None
        self._runner: asyncio.Runner | None = None
        if plug is Plug.SYNC_TRANSPORT:
            http = stack.enter_context(httpx2.Client(transport=fake.transport()))
            self._sync = stack.enter_context(ThreadsClient(self.base_url, http_client=http, **client_kwargs))
        elif plug is Plug.SYNC_SERVE:
            self._sync = stack.enter_context(ThreadsClient(self.base_url, **client_kwargs))
        else:
            runner = self._runner = stack.enter_context(asyncio.Runner())
            http_client: httpx2.AsyncClient | DefaultAioHttpClient | None = None
            if plug is Plug.ASYNC_TRANSPORT:
                http_client = httpx2.AsyncClient(transport=fake.transport())
            elif plug is Plug.AIOHTTP_SERVE:
                http_client = DefaultAioHttpClient()
            client = self._async = AsyncThreadsClient(self.base_url, http_client=http_client, **client_kwargs)
            stack.callback(lambda: runner.run(client.aclose()))
            if http_client is not None:
                owned = http_client
                stack.callback(lambda: runner.run(owned.aclose()))

    def __repr__(self) -> str:
        return f"<SDK {self.plug}>"

    def create_thread(self, **kwargs: Any) -> Thread:
        if self._sync is not None:
            return self._sync.create_thread(**kwargs)
        assert self._async is not None and self._runner is not None
        return self._runner.run(self._async.create_thread(**kwargs))


MakeSDK = Callable[..., SDK]
