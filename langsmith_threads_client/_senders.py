"""The one seam between a call's logic and the wire: a sender sends one attempt.

A sender takes the CreateThreadCall (which says what the attempt sends: method, URL,
headers, body, timeout) and returns the complete response, or raises the
httpx2.TransportError that says what failed (and so whether the request may have reached
the server). It follows no redirect: the call does that itself, so the key never goes to
another origin. The sync client sends on httpx2 only (`HttpxSender`); the async one on any
`AsyncSender`: httpx2's, through the adapter below, or DefaultAioHttpClient (`_aiohttp.py`),
which sends on aiohttp directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

import httpx2

from ._raw_response import SentResponse

if TYPE_CHECKING:
    from ._call import CreateThreadCall

__all__ = ["AsyncSender", "HttpxAsyncSender", "HttpxSender", "async_sender_for"]


@runtime_checkable
class AsyncSender(Protocol):
    """Sends one attempt of a call (async)."""

    async def send_attempt(self, call: CreateThreadCall, /) -> SentResponse: ...


class HttpxSender:
    """An httpx2.Client as the sync client's sender: the request built by the client, with its own defaults."""

    __slots__ = ("_http",)

    def __init__(self, http: httpx2.Client) -> None:
        self._http = http

    def send_attempt(self, call: CreateThreadCall, /) -> SentResponse:
        return self._http.send(call.request(self._http), follow_redirects=False)


class HttpxAsyncSender:
    """An httpx2.AsyncClient as an AsyncSender."""

    __slots__ = ("_http",)

    def __init__(self, http: httpx2.AsyncClient) -> None:
        self._http = http

    async def send_attempt(self, call: CreateThreadCall, /) -> SentResponse:
        return await self._http.send(call.request(self._http), follow_redirects=False)


def async_sender_for(http: httpx2.AsyncClient | AsyncSender) -> AsyncSender:
    """The sender of an async client's http_client: itself when it sends attempts, else httpx2's adapter."""
    if isinstance(http, httpx2.AsyncClient):
        return HttpxAsyncSender(http)
    return http
