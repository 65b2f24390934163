"""The seam between a call's logic and the wire: a sender sends one attempt and returns its answer.

A sender takes the CreateThreadCall (which says what the attempt sends) and returns the
complete response, or raises an httpx2.TransportError that says what failed. The client
picks its sender once, at construction: httpx2's client here, or DefaultAioHttpClient's
aiohttp session (`_aiohttp.py`). Neither follows redirects; the call does that itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import httpx2

from ._answer import Answer

if TYPE_CHECKING:
    from ._call import CreateThreadCall

__all__ = ["AsyncSend", "Send", "httpx_async_sender", "httpx_sender"]

Send = Callable[["CreateThreadCall"], Answer]
AsyncSend = Callable[["CreateThreadCall"], Awaitable[Answer]]


def httpx_sender(http: httpx2.Client) -> Send:
    def send(call: CreateThreadCall) -> Answer:
        return http.send(call.request(http), follow_redirects=False)

    return send


def httpx_async_sender(http: httpx2.AsyncClient) -> AsyncSend:
    async def send(call: CreateThreadCall) -> Answer:
        return await http.send(call.request(http), follow_redirects=False)

    return send
