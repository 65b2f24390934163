"""ThreadsClient and AsyncThreadsClient: configuration shared, I/O apart.

The call logic (`_call.py`) is shared; each client only sends the attempts it is told to,
through its sender (`_senders.py`), and sleeps between them in its own way.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

import httpx2

from ._aiohttp import DefaultAioHttpClient
from ._arguments import CreateArgs, TimeoutArg
from ._base_client import _BaseThreadsClient
from ._defaults import DEFAULT_MAX_RETRIES, NOT_GIVEN, NotGiven
from ._lifecycle import AsyncClosing, LoopBinding
from ._raw_response import AnswerTooLarge
from ._retry import SendAgain
from ._senders import AsyncSender, HttpxSender, async_sender_for

if TYPE_CHECKING:
    from ._call import CreateThreadCall
    from ._generated.models import Thread
    from ._raw import AsyncThreadsClientWithRawResponse, ThreadsClientWithRawResponse
    from ._validation import SuperstepArg, TTLArg

__all__ = ["AsyncThreadsClient", "ThreadsClient"]


async def _async_sleep(delay: float) -> None:
    # anyio (httpx2's own dependency) sleeps under asyncio and trio alike; imported on the
    # first retry, so a call that never retries does not pay for importing it.
    import anyio

    await anyio.sleep(delay)


class ThreadsClient(_BaseThreadsClient[httpx2.Client]):
    """Creates threads on a LangGraph Agent Server. Safe to share across threads.

    `http_client`, when given, stays the caller's: close() leaves it open.
    """

    _sleep: Callable[[float], None] = staticmethod(time.sleep)
    _sender: HttpxSender

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | NotGiven | None = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | NotGiven | None = NOT_GIVEN,
        http_client: httpx2.Client | None = None,
    ) -> None:
        super().__init__(
            base_url,
            api_key=api_key,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            max_response_bytes=max_response_bytes,
            http_client=http_client,
            http_client_types=(httpx2.Client,),
            default_http_client=lambda timeout: httpx2.Client(timeout=timeout, follow_redirects=False),
        )

    def _use_http(self, http: httpx2.Client) -> None:
        self._http = http
        self._sender = HttpxSender(http)

    def create_thread(
        self,
        *,
        thread_id: uuid.UUID | str | None = None,
        metadata: Mapping[str, Any] | None = None,
        if_exists: Literal["raise", "do_nothing"] = "raise",
        ttl: TTLArg | None = None,
        supersteps: Sequence[SuperstepArg] | None = None,
        graph_id: str | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Thread:
        """Create a thread on the server (`POST /threads`) and return it.

        Args:
            thread_id: the new thread's id (a UUID or UUID string). Omitted: the SDK assigns
                a UUID v7 before the first attempt, so retries cannot create a second thread.
            metadata: a JSON object stored with the thread.
            if_exists: "raise" (default) raises ConflictError when `thread_id` exists;
                "do_nothing" returns the existing thread unchanged (without supersteps).
            ttl: minutes (a number or timedelta, strategy "delete"), a mapping
                `{"strategy": ..., "ttl": minutes}` or a ThreadCreateTTL.
            supersteps: state updates to apply at creation, each `{"updates": [{"as_node":
                ..., "values": ..., "command": ...}]}`; they need a graph (`graph_id`).
            graph_id: the graph the thread belongs to, merged into `metadata["graph_id"]`.
            timeout: seconds or an httpx2.Timeout for each attempt of this call (not the
                whole call: up to 1 + max_retries attempts with backoff between them).
            headers: extra headers for this call, over the client's (names are case-insensitive).
            extra_body: JSON fields sent as they are, for request fields newer than this SDK;
                checked like `metadata`, and never one of the fields above.

        Returns:
            The server's Thread.

        Raises:
            ValueError, TypeError: a bad argument, before anything is sent.
            ConflictError: 409, the thread exists (and if_exists="raise").
            SuperstepsError: the thread was created but its supersteps failed.
            SuperstepsOutcomeUnknownError: (a SuperstepsError) the thread exists, but an attempt
                that may have run its supersteps failed unseen; `.thread` is it, as fetched.
            APIStatusError: any other error status (subclasses per status, after retries).
            APIConnectionError, APITimeoutError: no answer (after retries).
            APIResponseValidationError: a success status whose body is not a valid Thread.

        Every error raised after the request was built carries `.thread_id`: finish a
        failed create with `create_thread(thread_id=error.thread_id, if_exists="do_nothing")`
        (without supersteps; the README's "Finishing a failed create exactly once").
        """
        args = CreateArgs(thread_id, metadata, if_exists, ttl, supersteps, graph_id, timeout, headers, extra_body)
        return self._run(self._start(args))

    @property
    def with_raw_response(self) -> ThreadsClientWithRawResponse:
        """`client.with_raw_response.create_thread(...)`: the same call, returning a
        RawThreadResponse (status, headers, request id, retries taken, elapsed; `.parse()`)."""
        from ._raw import ThreadsClientWithRawResponse  # it reads this module's signatures

        return ThreadsClientWithRawResponse(self._start, self._run)

    def _run(self, call: CreateThreadCall) -> Thread:
        if call.trace is None:
            return self._send(call)
        with call.trace:  # the call's span, current while its requests are sent
            return self._send(call)

    def _send(self, call: CreateThreadCall) -> Thread:
        outcome: Thread | SendAgain
        for attempt in call.sends():
            try:
                response = self._sender.send_attempt(attempt)
            except httpx2.TransportError as exc:
                outcome = call.on_error(exc)
            except AnswerTooLarge as cut:
                raise call.too_large(cut) from None
            else:
                outcome = call.on_response(response)
            if not isinstance(outcome, SendAgain):
                return outcome
            if outcome.delay:
                self._sleep(outcome.delay)
        raise AssertionError("unreachable: a call ends within its sends")

    def close(self) -> None:
        """Release connections, unless the http_client is the caller's. Closing twice is harmless."""
        self._closed = True
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncThreadsClient(AsyncClosing, _BaseThreadsClient[httpx2.AsyncClient | DefaultAioHttpClient]):
    """Creates threads on a LangGraph Agent Server. Safe to share across tasks of one event loop.

    `http_client`, when given, stays the caller's: aclose() leaves it open. For many calls in
    flight, `http_client=DefaultAioHttpClient()` (extra `[aiohttp]`) costs far less CPU.
    """

    _sleep: Callable[[float], Awaitable[None]] = staticmethod(_async_sleep)
    _sender: AsyncSender

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | NotGiven | None = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | NotGiven | None = NOT_GIVEN,
        http_client: httpx2.AsyncClient | DefaultAioHttpClient | None = None,
    ) -> None:
        self._loop = LoopBinding()  # the event loop whose connections the pool holds
        super().__init__(
            base_url,
            api_key=api_key,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            max_response_bytes=max_response_bytes,
            http_client=http_client,
            http_client_types=(httpx2.AsyncClient, DefaultAioHttpClient),
            default_http_client=lambda timeout: httpx2.AsyncClient(timeout=timeout, follow_redirects=False),
        )

    def _use_http(self, http: httpx2.AsyncClient | DefaultAioHttpClient) -> None:
        self._http = http
        self._sender = async_sender_for(http)

    async def create_thread(
        self,
        *,
        thread_id: uuid.UUID | str | None = None,
        metadata: Mapping[str, Any] | None = None,
        if_exists: Literal["raise", "do_nothing"] = "raise",
        ttl: TTLArg | None = None,
        supersteps: Sequence[SuperstepArg] | None = None,
        graph_id: str | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Thread:
        """Create a thread on the server (`POST /threads`) and return it: awaited, otherwise
        exactly ThreadsClient.create_thread (the same arguments, return value and errors)."""
        args = CreateArgs(thread_id, metadata, if_exists, ttl, supersteps, graph_id, timeout, headers, extra_body)
        call = self._start(args)
        # (Not through _run when untraced: one coroutine fewer on every call's every wake-up.)
        return await (self._send(call) if call.trace is None else self._run(call))

    @property
    def with_raw_response(self) -> AsyncThreadsClientWithRawResponse:
        """`await client.with_raw_response.create_thread(...)`: the same call, returning a
        RawThreadResponse (status, headers, request id, retries taken, elapsed; `.parse()`)."""
        from ._raw import AsyncThreadsClientWithRawResponse

        return AsyncThreadsClientWithRawResponse(self._start, self._run)

    def _start(self, args: CreateArgs) -> CreateThreadCall:
        self._check_open()  # a closed client says so before anything else, even in a new event loop
        self._check_loop()
        return super()._start(args)

    async def _run(self, call: CreateThreadCall) -> Thread:
        if call.trace is None:
            return await self._send(call)
        with call.trace:  # the call's span, current while its requests are sent
            return await self._send(call)

    async def _send(self, call: CreateThreadCall) -> Thread:
        outcome: Thread | SendAgain
        for attempt in call.sends():
            try:
                response = await self._sender.send_attempt(attempt)
            except httpx2.TransportError as exc:
                outcome = call.on_error(exc)
            except AnswerTooLarge as cut:
                raise call.too_large(cut) from None
            else:
                outcome = call.on_response(response)
            if not isinstance(outcome, SendAgain):
                return outcome
            if outcome.delay:
                await self._sleep(outcome.delay)
        raise AssertionError("unreachable: a call ends within its sends")

    def _check_loop(self) -> None:
        # A pool's connections belong to the event loop that opened them (`_lifecycle.py`).
        if self._root is not None:
            self._root._check_loop()  # the pool is the root's: it renews it, this client follows
            self._follow_root()
            return
        if not self._loop.moved():
            return
        if not self._owns_http:
            raise RuntimeError(
                "this AsyncThreadsClient's http_client was used in another event loop, whose connections "
                "cannot serve this one; create the http_client (and the client) inside the loop that uses them"
            )
        self._use_http(self._new_http())  # not closed: its loop is gone, and its sockets with it

    async def aclose(self) -> None:
        """Release connections, unless the http_client is the caller's. Closing twice is harmless."""
        self._closed = True
        if self._owns_http and not self._loop.elsewhere():
            # (When its loop ended, its connections went with it: nothing left to close.)
            await self._http.aclose()
