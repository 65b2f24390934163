"""The one seam between a call's logic and the wire: a sender sends one attempt.

A sender takes one Attempt, a value (`_raw_response.py`: method, URL, headers, body,
timeout, the attempt's whole bound and the most of an answer to read), and returns the
complete response, or raises the httpx2.TransportError that says what failed (and so whether the
request may have reached the server). It follows no redirect: the call does that itself,
so the key never goes to another origin. The sync client sends on httpx2 only
(`HttpxSender`); the async one on any `AsyncSender`: httpx2's, through the adapter below,
or DefaultAioHttpClient (`_aiohttp.py`), which sends on aiohttp directly.

Both keep each attempt within its whole bound (`_deadline.py`) and read an answer as a
stream of decoded pieces, stopping at the cap (`_body.py`): past it, AnswerTooLarge,
which the call turns into ResponseTooLargeError; the pieces are decoded by httpx2's own decoders, which inflate in
bounded steps.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Generic, Protocol, TypeVar, runtime_checkable

import httpx2

from ._body import Body, encoding_error
from ._deadline import DEADLINE, bound_transports
from ._raw_response import AnswerTooLarge, Attempt, RawResponse, SentResponse
from ._requests import RequestBuilder

__all__ = ["AsyncSender", "HttpxAsyncSender", "HttpxSender", "async_sender_for"]

_Http = TypeVar("_Http", httpx2.Client, httpx2.AsyncClient)


@runtime_checkable
class AsyncSender(Protocol):
    """Sends one attempt (async): the answer, or the httpx2.TransportError it met, or AnswerTooLarge."""

    async def send_attempt(self, attempt: Attempt, /) -> SentResponse: ...


def _deadline_of(attempt: Attempt) -> float | None:
    bound = attempt.bound
    return None if bound is None else time.monotonic() + bound


def _check_encodings(response: httpx2.Response) -> None:
    codings = response.headers.get("content-encoding")
    if codings is not None:
        error = encoding_error(codings, lambda: response.request)
        if error is not None:
            raise error


class _Reader:
    """An answer's body as it arrives, piece by piece, within the cap and the deadline: the
    part of reading that sync and async share (they differ only in how they wait for a piece)."""

    __slots__ = ("_body", "_deadline", "_response")

    def __init__(self, response: httpx2.Response, attempt: Attempt, deadline: float | None) -> None:
        _check_encodings(response)
        self._response = response
        self._body = Body(attempt.max_bytes)
        self._deadline = deadline

    def add(self, chunk: bytes) -> None:
        """One decoded piece; raises AnswerTooLarge past the cap, ReadTimeout past the deadline."""
        if not self._body.add(chunk):
            raise AnswerTooLarge(_raw(self._response, self._body.first_bytes()))
        if self._deadline is not None and time.monotonic() >= self._deadline:
            # httpx2's own transports stop at the deadline themselves; this bounds a custom one's body.
            raise httpx2.ReadTimeout("the attempt's whole bound (its timeout) passed", request=self._response.request)

    def answer(self) -> RawResponse:
        return _raw(self._response, self._body.content())

    def broken(self, exc: httpx2.DecodingError) -> httpx2.RemoteProtocolError:
        return httpx2.RemoteProtocolError(
            f"the answer's body could not be decoded: {exc}", request=self._response.request
        )


def _read(response: httpx2.Response, attempt: Attempt, deadline: float | None) -> RawResponse:
    """The answer read to its end within the cap (raises AnswerTooLarge past it)."""
    reader = _Reader(response, attempt, deadline)
    try:
        for chunk in response.iter_bytes():
            reader.add(chunk)
    except httpx2.DecodingError as exc:
        raise reader.broken(exc) from exc
    return reader.answer()


async def _aread(response: httpx2.Response, attempt: Attempt, deadline: float | None) -> RawResponse:
    reader = _Reader(response, attempt, deadline)
    chunks: AsyncIterator[bytes] = response.aiter_bytes()
    try:
        async for chunk in chunks:
            reader.add(chunk)
    except httpx2.DecodingError as exc:
        raise reader.broken(exc) from exc
    return reader.answer()


def _raw(response: httpx2.Response, content: bytes) -> RawResponse:
    """What the call reads: httpx2's status and headers, the decoded body read here."""
    return RawResponse(
        response.status_code,
        response.reason_phrase,
        response.headers,
        response.headers,
        content,
        lambda: response.request,
        response.extensions.get("http_version", b"HTTP/1.1"),
    )


class _OnHttpx(Generic[_Http]):
    """What both httpx2 senders keep: the client, its requests' builder, its pools bound to each deadline."""

    __slots__ = ("_http", "_request")

    def __init__(self, http: _Http) -> None:
        self._http: _Http = http
        self._request = RequestBuilder(http).request  # the request its build_request would make
        bound_transports(http)


class HttpxSender(_OnHttpx[httpx2.Client]):
    """An httpx2.Client as the sync client's sender: the request built by the client, with its own defaults."""

    __slots__ = ()

    def send_attempt(self, attempt: Attempt, /) -> SentResponse:
        deadline = _deadline_of(attempt)
        token = DEADLINE.set(deadline)
        try:
            response = self._http.send(self._request(attempt), follow_redirects=False, stream=True)
            try:
                return _read(response, attempt, deadline)
            finally:
                response.close()
        finally:
            DEADLINE.reset(token)


class HttpxAsyncSender(_OnHttpx[httpx2.AsyncClient]):
    """An httpx2.AsyncClient as an AsyncSender."""

    __slots__ = ()

    async def send_attempt(self, attempt: Attempt, /) -> SentResponse:
        deadline = _deadline_of(attempt)
        token = DEADLINE.set(deadline)
        try:
            response = await self._http.send(self._request(attempt), follow_redirects=False, stream=True)
            try:
                return await _aread(response, attempt, deadline)
            finally:
                await response.aclose()
        finally:
            DEADLINE.reset(token)


def async_sender_for(http: httpx2.AsyncClient | AsyncSender) -> AsyncSender:
    """The sender of an async client's http_client: itself when it sends attempts, else httpx2's adapter."""
    if isinstance(http, httpx2.AsyncClient):
        return HttpxAsyncSender(http)
    return http
