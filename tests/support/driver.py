"""One synchronous driver over the SDK's client kinds, so that each test reads once and runs on all.

``Driver(kind, base_url)`` is ThreadsClient (``ClientKind.SYNC``), AsyncThreadsClient on
httpx2 (``ASYNC``) or AsyncThreadsClient on a DefaultAioHttpClient (``AIOHTTP``), and
``driver.create_thread(...)`` reads the same for all three: an async client is built and
awaited on the driver's own event loop (``asyncio.Runner``), which lives until ``close()``,
so its connections are reused across calls as in an application. Under the client, the
SDK's default http_client unless one of:

* ``transport``: an httpx2 transport (a mock, ``FakeAgentServer.transport()``);
* ``wire``: a ``tests.support.wire.Wire`` that shows, and may rewrite, each body sent
  (``driver.sent``; ``driver.intercepted(rewrite)`` is the same kind with one);
* ``http_client``: the caller's own, which the driver leaves open.

With ``record_sleeps`` the backoff sleeps are recorded in ``driver.sleeps``, not slept.
``create_once`` is one call on a fresh driver, what it returned or raised kept as a
``CallResult``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx2

from langsmith_threads_client import AsyncThreadsClient, DefaultAioHttpClient, Thread, ThreadsClient
from tests.support.kinds import ClientKind
from tests.support.wire import AsyncWireTransport, Rewrite, Wire, WireAioHttpClient, WireTransport

__all__ = ["CallResult", "Driver", "create_once", "new_marker", "thread_metadata"]

AsyncHttp = httpx2.AsyncClient | DefaultAioHttpClient


class Driver:
    """One of the SDK's clients of ``kind`` on ``base_url``, driven synchronously."""

    def __init__(
        self,
        kind: ClientKind | str,
        base_url: str,
        *,
        transport: httpx2.BaseTransport | httpx2.AsyncBaseTransport | None = None,
        wire: Wire | None = None,
        http_client: httpx2.Client | AsyncHttp | None = None,
        record_sleeps: bool = False,
        **client_kwargs: Any,
    ) -> None:
        self.kind = ClientKind(kind)
        self.base_url = base_url
        self.wire = wire
        self.sleeps: list[float] = []
        if sum(option is not None for option in (transport, wire, http_client)) > 1:
            raise ValueError("give at most one of transport, wire and http_client")
        if self.kind is ClientKind.AIOHTTP and transport is not None:
            raise ValueError("DefaultAioHttpClient has no httpx2 transport to plug in")
        # Closed in reverse: the client, then the http_client the driver made, then the loop.
        self._stack = contextlib.ExitStack()
        self._runner: asyncio.Runner | None = None
        self.client: ThreadsClient | AsyncThreadsClient
        if self.kind is ClientKind.SYNC:
            self.client = self._sync_client(transport, wire, http_client, record_sleeps, client_kwargs)
        else:
            self._runner = self._stack.enter_context(asyncio.Runner())
            made = self._async_client(transport, wire, http_client, record_sleeps, client_kwargs)
            self.client = self._runner.run(made)

    def _sync_client(
        self,
        transport: Any,
        wire: Wire | None,
        http_client: Any,
        record_sleeps: bool,
        client_kwargs: dict[str, Any],
    ) -> ThreadsClient:
        if wire is not None:
            transport = WireTransport(wire)
        if transport is not None:
            http_client = self._stack.enter_context(httpx2.Client(transport=transport))
        client = self._stack.enter_context(ThreadsClient(self.base_url, http_client=http_client, **client_kwargs))
        if record_sleeps:
            client._sleep = self.sleeps.append
        return client

    async def _async_client(
        self,
        transport: Any,
        wire: Wire | None,
        http_client: Any,
        record_sleeps: bool,
        client_kwargs: dict[str, Any],
    ) -> AsyncThreadsClient:
        # Built on the driver's loop: an http_client belongs to the loop it is first used on.
        made: AsyncHttp | None = None
        if self.kind is ClientKind.AIOHTTP and http_client is None:
            made = DefaultAioHttpClient() if wire is None else WireAioHttpClient(wire)
        elif wire is not None or transport is not None:
            made = httpx2.AsyncClient(transport=AsyncWireTransport(wire) if wire is not None else transport)
        if made is not None:
            http_client = made
            self._close_on_loop(made.aclose)
        client = AsyncThreadsClient(self.base_url, http_client=http_client, **client_kwargs)
        self._close_on_loop(client.aclose)
        if record_sleeps:

            async def record(delay: float) -> None:
                self.sleeps.append(delay)

            client._sleep = record
        return client

    def _close_on_loop(self, aclose: Any) -> None:
        runner = self._runner
        assert runner is not None
        self._stack.callback(lambda: runner.run(aclose()))

    def __repr__(self) -> str:
        return f"<Driver {self.kind}{' intercepted' if self.wire else ''}>"

    def create_thread(self, **kwargs: Any) -> Thread:
        """The client's ``create_thread(**kwargs)``; an async one awaited on the driver's loop."""
        if isinstance(self.client, ThreadsClient):
            return self.client.create_thread(**kwargs)
        assert self._runner is not None
        return self._runner.run(self.client.create_thread(**kwargs))

    @property
    def sent(self) -> list[Any]:
        """The request bodies an intercepted client sent (after any rewrite), one per attempt."""
        if self.wire is None:
            raise AssertionError("only a driver with a wire (driver.intercepted(...)) records what it sends")
        return self.wire.sent

    def intercepted(self, rewrite: Rewrite | None = None) -> Driver:
        """The same kind of client on ``base_url``, with a wire that records (and rewrites) bodies.

        It is closed with this driver.
        """
        other = Driver(self.kind, self.base_url, wire=Wire(rewrite))
        self._stack.callback(other.close)
        return other

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


@dataclass
class CallResult:
    """What one create_thread call did: its Thread or the exception it raised, and its backoff sleeps."""

    thread: Thread | None = None
    error: BaseException | None = None
    sleeps: list[float] = field(default_factory=list)
    client_text: list[str] = field(default_factory=list)  # repr() and str() of the client

    def describe(self) -> str:
        if self.error is not None:
            return f"raised {type(self.error).__name__}: {self.error}"
        assert self.thread is not None
        return f"returned thread {self.thread.thread_id}"


def create_once(
    kind: ClientKind,
    base_url: str,
    call_kwargs: Mapping[str, Any],
    *,
    timeout: float | httpx2.Timeout = 5.0,
    max_retries: int = 2,
    api_key: str | None = None,
) -> CallResult:
    """One create_thread call on a fresh client of ``kind``; backoff sleeps are recorded, not slept."""
    result = CallResult()
    with Driver(
        kind, base_url, record_sleeps=True, api_key=api_key, timeout=timeout, max_retries=max_retries
    ) as driver:
        result.sleeps = driver.sleeps
        result.client_text += [repr(driver.client), str(driver.client)]
        try:
            result.thread = driver.create_thread(**call_kwargs)
        except Exception as exc:
            result.error = exc
    return result


def thread_metadata(thread: Thread) -> dict[str, Any]:
    return thread.metadata.to_dict()


def new_marker() -> str:
    return uuid.uuid4().hex
