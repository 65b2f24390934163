"""Every JSON body a client sends, shown (``Wire.sent``) and optionally rewritten on its way.

The only way to make the real server see what the SDK's own validation never lets through
(a bad ``thread_id``, a list as metadata, broken JSON), and so prove how the SDK maps the
real server's answers. ``tests/support/driver.py`` plugs a ``Wire`` into each client kind:
an httpx2 transport around the default one (sync, async), or a DefaultAioHttpClient whose
sender rewrites each attempt's body (it has no transport to wrap).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2

from langsmith_threads_client import DefaultAioHttpClient
from langsmith_threads_client._transport import Attempt, RawResponse

__all__ = ["AsyncWireTransport", "Rewrite", "Wire", "WireAioHttpClient", "WireTransport"]

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


class WireTransport(httpx2.BaseTransport):
    def __init__(self, wire: Wire) -> None:
        self._wire = wire
        self._inner = httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return self._inner.handle_request(self._wire.apply(request))

    def close(self) -> None:
        self._inner.close()


class AsyncWireTransport(httpx2.AsyncBaseTransport):
    def __init__(self, wire: Wire) -> None:
        self._wire = wire
        self._inner = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        return await self._inner.handle_async_request(self._wire.apply(request))

    async def aclose(self) -> None:
        await self._inner.aclose()


class WireAioHttpClient(DefaultAioHttpClient):
    """DefaultAioHttpClient whose sender shows (and rewrites) each attempt's body; it has no transport to wrap."""

    def __init__(self, wire: Wire) -> None:
        super().__init__()
        self._wire = wire

    async def send_attempt(self, attempt: Attempt, /) -> RawResponse:
        # The attempt is a value: what goes on the wire is a copy with the rewritten body.
        return await super().send_attempt(attempt._replace(content=self._wire.apply_content(attempt.content)))
