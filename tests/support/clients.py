"""ThreadsClient and AsyncThreadsClient behind one synchronous face, for the integration tests.

``SDK(kind, base_url, stack)`` is ThreadsClient (``ClientKind.SYNC``) or AsyncThreadsClient
(``ClientKind.ASYNC``) on ``base_url``, built with the SDK's defaults (no ``http_client``), or
AsyncThreadsClient on a ``DefaultAioHttpClient`` (``ClientKind.AIOHTTP``). The
async client runs on its own event loop (``asyncio.Runner``) that lives as long as the
``ExitStack``, so its connections are reused across calls like a real application's.

``sdk.intercepted(rewrite)`` is the same kind of client on an ``http_client`` whose
transport shows every JSON body it sends (``.sent``) and may rewrite it first: the only
way to make the real server see what the SDK's own validation never lets through (a bad
``thread_id``, a list as metadata, broken JSON) and so prove how the SDK maps the real
server's answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import httpx2

from langsmith_threads_client import AsyncThreadsClient, DefaultAioHttpClient, Thread, ThreadsClient
from langsmith_threads_client._call import CreateThreadCall
from langsmith_threads_client._raw_response import RawResponse
from tests.support.kinds import ClientKind

__all__ = ["SDK", "Rewrite", "Wire"]

#: Takes the JSON body the SDK built (a dict); returns what to send instead: a
#: JSON-able value, or bytes sent as they are.
Rewrite = Callable[[dict[str, Any]], Any]


class Wire:
    """Shows, and optionally rewrites, each request body on its way to the server."""

    def __init__(self, rewrite: Rewrite | None) -> None:
        self.rewrite = rewrite
        self.sent: list[Any] = []  # what reached the wire, one entry per attempt (bytes stay bytes)

    def apply(self, request: httpx2.Request) -> httpx2.Request:
        content = self.apply_content(request.content)
        headers = [(k, v) for k, v in request.headers.raw if k.lower() != b"content-length"]
        return httpx2.Request(request.method, request.url, headers=headers, content=content)

    def apply_content(self, content: bytes) -> bytes:
        body: Any = json.loads(content)
        if self.rewrite is not None:
            body = self.rewrite(body)
        self.sent.append(body)
        return body if isinstance(body, bytes) else json.dumps(body).encode()


class _WireTransport(httpx2.BaseTransport):
    def __init__(self, wire: Wire) -> None:
        self._wire = wire
        self._inner = httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return self._inner.handle_request(self._wire.apply(request))

    def close(self) -> None:
        self._inner.close()


class _AsyncWireTransport(httpx2.AsyncBaseTransport):
    def __init__(self, wire: Wire) -> None:
        self._wire = wire
        self._inner = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        return await self._inner.handle_async_request(self._wire.apply(request))

    async def aclose(self) -> None:
        await self._inner.aclose()


class _WireAioHttpClient(DefaultAioHttpClient):
    """DefaultAioHttpClient whose sender shows (and rewrites) each attempt's body; it has no transport to wrap."""

    def __init__(self, wire: Wire) -> None:
        super().__init__()
        self._wire = wire

    async def send_attempt(self, call: CreateThreadCall, /) -> RawResponse:
        built = call.content
        call.content = self._wire.apply_content(built)
        try:
            return await super().send_attempt(call)
        finally:
            call.content = built


class SDK:
    """ThreadsClient or AsyncThreadsClient on ``base_url``, driven the same way."""

    def __init__(
        self, kind: ClientKind | str, base_url: str, stack: contextlib.ExitStack, wire: Wire | None = None
    ) -> None:
        self.kind = kind = ClientKind(kind)
        self._base_url = base_url
        self._stack = stack
        self._wire = wire
        self._sync: ThreadsClient | None = None
        self._async: AsyncThreadsClient | None = None
        self._runner: asyncio.Runner | None = None
        if kind is ClientKind.SYNC:
            http = None if wire is None else stack.enter_context(httpx2.Client(transport=_WireTransport(wire)))
            self._sync = stack.enter_context(ThreadsClient(base_url, http_client=http))
        else:
            runner = self._runner = stack.enter_context(asyncio.Runner())
            async_http: httpx2.AsyncClient | DefaultAioHttpClient | None
            if kind is ClientKind.AIOHTTP:
                async_http = DefaultAioHttpClient() if wire is None else _WireAioHttpClient(wire)
            else:
                async_http = None if wire is None else httpx2.AsyncClient(transport=_AsyncWireTransport(wire))
            client = self._async = AsyncThreadsClient(base_url, http_client=async_http)
            stack.callback(lambda: runner.run(client.aclose()))
            if async_http is not None:
                stack.callback(lambda: runner.run(async_http.aclose()))

    def __repr__(self) -> str:
        return f"<SDK {self.kind}{' intercepted' if self._wire else ''}>"

    @property
    def sent(self) -> list[Any]:
        """The request bodies an intercepted client sent (after any rewrite), one per attempt."""
        if self._wire is None:
            raise AssertionError("only sdk.intercepted(...) records what it sends")
        return self._wire.sent

    def create_thread(self, **kwargs: Any) -> Thread:
        """The client's ``create_thread(**kwargs)``; the async one is awaited on this test's loop."""
        if self._sync is not None:
            return self._sync.create_thread(**kwargs)
        assert self._async is not None and self._runner is not None
        return self._runner.run(self._async.create_thread(**kwargs))

    def intercepted(self, rewrite: Rewrite | None = None) -> SDK:
        """The same kind of client, on an http_client whose transport records (and rewrites) bodies."""
        return SDK(self.kind, self._base_url, self._stack, Wire(rewrite))
