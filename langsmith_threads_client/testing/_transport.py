"""FakeTransport: a FakeAgentServer on httpx2's transport seam, for sync and async clients."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx2

from ._exchange import Answer, Incoming, Outcome

if TYPE_CHECKING:
    # For the public `fake` property's type only: at run time the transport knows the fake as
    # an `_exchange.Exchange`, and imports nothing of `_server.py`.
    from ._server import FakeAgentServer

__all__ = ["FakeTransport"]


class FakeTransport(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """An `httpx2.BaseTransport` and `httpx2.AsyncBaseTransport` that answers from a FakeAgentServer.

    Made by `FakeAgentServer.transport()`; pass it to `httpx2.Client(transport=...)`
    or `httpx2.AsyncClient(transport=...)`. Nothing touches the network, so the base
    URL's host and port do not matter. What a queued fault does here:

    * `delay`: sleeps (`time.sleep`; anyio's sleep under asyncio or trio), but never
      longer than the request's read timeout: past it, `httpx2.ReadTimeout` (the thread
      is stored, as on a real connection that timed out waiting for the answer);
    * `reset`: `httpx2.ReadError("[Errno 104] Connection reset by peer")`;
    * `lost`: `httpx2.RemoteProtocolError("Server disconnected without sending a response.")`.

    Unlike a socket, it cannot fail to connect, never pools, and does not stream: the whole
    request body is read first and the whole answer given at once.
    """

    def __init__(self, fake: FakeAgentServer) -> None:
        self._fake = fake

    def __repr__(self) -> str:
        return f"<FakeTransport for {self._fake!r}>"

    @property
    def fake(self) -> FakeAgentServer:
        """The FakeAgentServer this transport answers from."""
        return self._fake

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        outcome = self._fake._exchange(_incoming(request, request.read()))
        if outcome.delay:
            limit = _read_timeout(request)
            time.sleep(outcome.delay if limit is None else min(outcome.delay, limit))
            if limit is not None and outcome.delay > limit:
                raise httpx2.ReadTimeout("timed out", request=request)
        return _response(request, outcome)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        outcome = self._fake._exchange(_incoming(request, await request.aread()))
        if outcome.delay:
            import anyio  # httpx2's own dependency; sleeps under asyncio and trio alike

            limit = _read_timeout(request)
            await anyio.sleep(outcome.delay if limit is None else min(outcome.delay, limit))
            if limit is not None and outcome.delay > limit:
                raise httpx2.ReadTimeout("timed out", request=request)
        return _response(request, outcome)

    def close(self) -> None:
        """Nothing to release."""

    async def aclose(self) -> None:
        """Nothing to release."""


def _incoming(request: httpx2.Request, content: bytes) -> Incoming:
    url = request.url
    host = request.headers.get("host") or url.netloc.decode("ascii")
    return Incoming(
        method=request.method,
        target=url.raw_path.decode("ascii"),
        headers=[(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw],
        content=content,
        origin=f"{url.scheme}://{host}",
    )


def _read_timeout(request: httpx2.Request) -> float | None:
    timeout = request.extensions.get("timeout")
    if not isinstance(timeout, dict):
        return None
    read = timeout.get("read")
    return float(read) if isinstance(read, int | float) else None


def _response(request: httpx2.Request, outcome: Outcome) -> httpx2.Response:
    if outcome.action == "reset":
        raise httpx2.ReadError("[Errno 104] Connection reset by peer", request=request)
    if outcome.action == "close":
        raise httpx2.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    answer: Answer | None = outcome.answer
    assert answer is not None
    length = len(answer.body) if answer.content_length is None else answer.content_length
    headers = [*answer.headers, ("content-length", str(length))]
    reason = httpx2.codes.get_reason_phrase(answer.status)
    return httpx2.Response(
        answer.status,
        headers=headers,
        content=answer.body,
        request=request,
        extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason.encode("ascii")},
    )
