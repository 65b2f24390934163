"""ThreadsClient and AsyncThreadsClient: configuration shared, I/O apart; `with_options`; raw responses.

The call logic (`_call.py`) is shared; each client only sends the attempts it is told to,
through its sender (`_transport.py`), and sleeps between them in its own way.

`client.with_options(...)` is a client for part of a program, on the same connection pool:
the original's configuration with the given options over it; it holds no pool of its own
but sends through its root's (the client `with_options` was first called on), whichever
pool that is at the time of a call (`_follow_root`): a forked child or a new event loop
renews the root's, and the derived clients follow. The original is never changed. Closing
a derived client closes only it; closing the root closes the pool, and every client
derived from it then says so.

`client.with_raw_response.create_thread(...)` is the same call (the same checks, retries,
exactly-once and errors), returning a RawThreadResponse around the final response: its
status, headers and request id, how many retries the call took, how long it took, and
`.parse()` for the Thread.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, Literal, ParamSpec, Self, TypeVar, cast

import httpx2

from ._aiohttp import DefaultAioHttpClient
from ._config import (
    API_KEY_ENV_VARS,
    BASE_URL_ENV_VAR,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    USER_AGENT,
    CreateArgs,
    NotGiven,
    TimeoutArg,
    check_api_key,
    check_base_url,
    check_headers,
    check_max_response_bytes,
    check_max_retries,
    check_timeout,
)
from ._lifecycle import AsyncClosing, LoopBinding, forget_after_fork
from ._transport import (
    AnswerTooLarge,
    AsyncSender,
    DefaultAsyncHttpxClient,
    DefaultHttpxClient,
    HttpxSender,
    SendAgain,
    as_httpx,
    async_sender_for,
)

if TYPE_CHECKING:
    from ._call import CreateThreadCall, Target
    from ._generated.models import Thread
    from ._validation import SuperstepArg, TTLArg

__all__ = [
    "AsyncThreadsClient",
    "AsyncThreadsClientWithRawResponse",
    "RawThreadResponse",
    "ThreadsClient",
    "ThreadsClientWithRawResponse",
]

HttpT = TypeVar("HttpT", httpx2.Client, httpx2.AsyncClient | DefaultAioHttpClient)
ClientT = TypeVar("ClientT", bound="_BaseThreadsClient[Any]")
P = ParamSpec("P")
S = TypeVar("S")
R = TypeVar("R")

# --- what both clients share ---------------------------------------------------------------------


def _resolve_api_key(api_key: str | NotGiven | None) -> str | None:
    if isinstance(api_key, NotGiven):
        source = next((name for name in API_KEY_ENV_VARS if os.environ.get(name)), None)
        return None if source is None else check_api_key(os.environ[source], source)
    if api_key is not None and not isinstance(api_key, str):
        raise TypeError(f"api_key must be a string or None, not {type(api_key).__name__}")
    return None if api_key is None else check_api_key(api_key, "api_key")


def _check_http_client(http_client: object, accepted: tuple[type[Any], ...]) -> None:
    if isinstance(http_client, accepted):
        return
    module = type(http_client).__module__
    if module == "httpx" or module.startswith("httpx."):
        raise TypeError(
            f"http_client is a legacy httpx.{type(http_client).__name__}; this SDK runs on httpx2, the maintained "
            f"continuation of httpx: pass the same configuration to httpx2.{accepted[0].__name__}(...) instead"
        )
    names = " or a ".join(
        f"{kind.__module__}.{kind.__qualname__}" if kind.__module__.startswith("httpx2") else kind.__qualname__
        for kind in accepted
    )
    raise TypeError(f"http_client must be an {names}, not {type(http_client).__name__}")


def _resolve_timeout(timeout: TimeoutArg, http_client: object) -> httpx2.Timeout:
    # A user's client keeps its own timeout unless one is given here.
    if not isinstance(timeout, NotGiven):
        return check_timeout(timeout, "timeout")
    if isinstance(http_client, httpx2.Client | httpx2.AsyncClient | DefaultAioHttpClient):
        return check_timeout(http_client.timeout, "http_client.timeout")
    return DEFAULT_TIMEOUT


def _resolve_max_response_bytes(max_response_bytes: int | NotGiven | None, http_client: object) -> int | None:
    # As timeout: given here wins; else a DefaultAioHttpClient's own; else the SDK's default.
    if not isinstance(max_response_bytes, NotGiven):
        return check_max_response_bytes(max_response_bytes, "max_response_bytes")
    if isinstance(http_client, DefaultAioHttpClient):
        return http_client.max_response_bytes
    return DEFAULT_MAX_RESPONSE_BYTES


class _BaseThreadsClient(Generic[HttpT]):
    """Everything but I/O: configuration, and turning a create_thread call into a CreateThreadCall."""

    _http: HttpT
    _base_url: httpx2.URL
    _max_retries: int
    _timeout: httpx2.Timeout

    def __init__(
        self,
        base_url: str | None,
        *,
        api_key: str | NotGiven | None,
        headers: Mapping[str, str] | None,
        timeout: TimeoutArg,
        max_retries: int,
        max_response_bytes: int | NotGiven | None,
        http_client: HttpT | None,
        http_client_types: tuple[type[Any], ...],
        default_http_client: Callable[[httpx2.Timeout], HttpT],
    ) -> None:
        if base_url:
            url = check_base_url(base_url, "base_url")
        else:
            url = check_base_url(os.environ.get(BASE_URL_ENV_VAR) or DEFAULT_BASE_URL, BASE_URL_ENV_VAR)
        max_retries = check_max_retries(max_retries)
        if http_client is not None:
            _check_http_client(http_client, http_client_types)
        key = _resolve_api_key(api_key)
        client_headers = check_headers(headers, "headers")

        # Kept for copies: a copy is a new client with the same configuration.
        self._config: dict[str, Any] = {
            "api_key": api_key,
            "headers": headers,
            "timeout": timeout,
            "max_retries": max_retries,
            "max_response_bytes": max_response_bytes,
            "http_client": http_client,
        }
        self._base_url = url
        self._max_retries = max_retries
        self._timeout = _resolve_timeout(timeout, http_client)
        self._max_response_bytes = _resolve_max_response_bytes(max_response_bytes, http_client)
        self._log_base_url = str(url.copy_with(username=None, password=None, query=None, path=url.path.rstrip("/")))
        # Lowest first: what the SDK derives, then the user's http_client's own headers (httpx2
        # merges those under each request's), then `headers=`; the body's headers last, they are the SDK's.
        derived = {"user-agent": USER_AGENT}
        if key is not None:
            derived["x-api-key"] = key
        if http_client is not None:
            derived = {name: value for name, value in derived.items() if name not in http_client.headers}
        self._headers = {**derived, **client_headers}
        self._target: Target | None = None  # the endpoint under base_url: bound by the first call
        self._has_api_key = "x-api-key" in self._headers or (
            http_client is not None and "x-api-key" in http_client.headers
        )
        self._owns_http = http_client is None
        self._default_http_client: Callable[[httpx2.Timeout], HttpT] = default_http_client
        self._use_http(http_client if http_client is not None else self._new_http())
        self._closed = False
        # The client this one was made from by with_options(), whose pool it sends through.
        self._root: Self | None = None
        forget_after_fork(self)

    def _new_http(self) -> HttpT:
        return self._default_http_client(self._timeout)

    def _use_http(self, http: HttpT) -> None:
        """Send every attempt through `http` from now on; its sender is picked here, once."""
        raise NotImplementedError

    @property
    def base_url(self) -> httpx2.URL:
        """The server's URL (read-only: a client's configuration is fixed; make another client to change it)."""
        return self._base_url

    @property
    def max_retries(self) -> int:
        """How many times a failed attempt is retried (read-only)."""
        return self._max_retries

    @property
    def timeout(self) -> httpx2.Timeout:
        """The timeout of each attempt, unless a call gives its own (read-only)."""
        return self._timeout

    @property
    def max_response_bytes(self) -> int | None:
        """The most of one answer the client reads, counted after decoding (read-only; None: no limit)."""
        return self._max_response_bytes

    @property
    def is_closed(self) -> bool:
        """True once close()/aclose() ran: the client cannot send any more."""
        return self._closed

    def _forget_inherited_connections(self) -> None:
        # In a forked child: the pool's sockets are the parent's too. Leave them unclosed
        # (closing could shut down what the parent still reads) and start afresh. A pool the
        # user passed is the user's: the SDK never changes it (`_lifecycle.py`).
        if self._owns_http and not self._closed:
            self._use_http(self._new_http())

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"this {type(self).__name__} is closed; create a new client to send more requests")
        if self._root is not None:
            self._follow_root()
        if self._http.is_closed:
            raise RuntimeError(
                f"the http_client given to this {type(self).__name__} is closed; the caller owns it and closed it"
            )

    def _follow_root(self) -> None:
        # A client made by with_options() sends through its root's pool, whichever pool the
        # root holds now (a new one after fork or in a new event loop), and closes with it.
        root = self._root
        assert root is not None
        if root._closed:
            raise RuntimeError(
                f"the {type(self).__name__} this one was made from (with_options) is closed, "
                "and its connection pool with it; create a new client to send more requests"
            )
        if self._http is not root._http:
            self._use_http(root._http)

    def with_options(
        self,
        *,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A client for part of a program: this one's configuration with these options over
        it (`headers` merged over the client's), sending through this client's connection pool.

        This client is unchanged. Closing the new client closes only it (the pool is this
        client's); closing this client closes the pool, and the new client with it.
        """
        return _derive(self, timeout=timeout, max_retries=max_retries, headers=headers)

    def __copy__(self) -> Self:
        # A shallow copy sharing the pool would break the original when the copy is closed:
        # a copy is a new client with the same configuration and a pool of its own (a
        # user's http_client stays the user's, shared, and neither client closes it).
        return type(self)(str(self._base_url), **self._config)

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self.__copy__()

    def __reduce__(self) -> Any:
        raise TypeError(
            f"a {type(self).__name__} cannot be pickled (it holds a connection pool); "
            "pickle its settings and build a client in the other process"
        )

    def __repr__(self) -> str:
        # Never the key itself, nor headers (which may carry it).
        key = "set" if self._has_api_key else "none"
        return f"{type(self).__name__}(base_url={self._log_base_url!r}, api_key={key}, max_retries={self.max_retries})"

    def _bind(self) -> Target:
        # The generated layer (attrs and its model classes, the endpoint's parser) loads here,
        # with the first call, not with the package: importing the SDK costs little beyond httpx2.
        from ._call import Target

        return Target.of(self._base_url, self._headers)

    def _start(self, args: CreateArgs) -> CreateThreadCall:
        """The call for `args`: refused at once on a closed client, then every argument checked."""
        self._check_open()
        target = self._target
        if target is None:
            target = self._target = self._bind()
        call = target.call(
            args, timeout=self._timeout, max_retries=self._max_retries, max_response_bytes=self._max_response_bytes
        )
        if "opentelemetry.trace" in sys.modules:  # the application traces: `_otel.py`
            from ._otel import CallTrace

            call.trace = CallTrace(call, self._http)
        return call


def _derive(
    client: ClientT, *, timeout: TimeoutArg, max_retries: int | NotGiven, headers: Mapping[str, str] | None
) -> ClientT:
    """A copy of `client` with these options over its own, sharing its root's pool."""
    client._check_open()  # a closed client (or one whose root is closed) says so now, not at the first call
    # Checked before anything is copied: a bad option raises and leaves nothing half made.
    new_timeout = client._timeout if isinstance(timeout, NotGiven) else check_timeout(timeout, "timeout")
    new_retries = client._max_retries if isinstance(max_retries, NotGiven) else check_max_retries(max_retries)
    extra = check_headers(headers, "headers")

    derived: ClientT = object.__new__(type(client))
    derived.__dict__.update(client.__dict__)  # everything, then what differs below
    derived._root = client._root if client._root is not None else client
    derived._owns_http = False  # the pool is the root's: closing this client leaves it open
    derived._closed = False
    derived._timeout = new_timeout
    derived._max_retries = new_retries
    if extra:
        derived._headers = {**client._headers, **extra}
        derived._target = None  # the target holds the headers: bound again by the first call
        derived._has_api_key = client._has_api_key or "x-api-key" in extra
    # What copy.copy(derived) builds a new client (with a pool of its own) from.
    config = dict(client._config)
    config["timeout"] = new_timeout
    config["max_retries"] = new_retries
    if extra:
        given = {name.lower(): value for name, value in (config["headers"] or {}).items()}
        config["headers"] = {**given, **extra}
    derived._config = config
    return derived


# --- the clients ---------------------------------------------------------------------------------


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
            default_http_client=lambda timeout: DefaultHttpxClient(timeout=timeout),
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
        (without supersteps; "Finishing a failed create exactly once" on the Retries and exactly-once page).
        """
        args = CreateArgs(thread_id, metadata, if_exists, ttl, supersteps, graph_id, timeout, headers, extra_body)
        return self._run(self._start(args))

    @property
    def with_raw_response(self) -> ThreadsClientWithRawResponse:
        """`client.with_raw_response.create_thread(...)`: the same call, returning a
        RawThreadResponse (status, headers, request id, retries taken, elapsed; `.parse()`)."""
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
            default_http_client=lambda timeout: DefaultAsyncHttpxClient(timeout=timeout),
        )
        if isinstance(http_client, DefaultAioHttpClient):
            http_client.attach()  # its connections close with the last client that sends through it

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
        """Release connections, unless the http_client is the caller's. Closing twice is harmless.

        A DefaultAioHttpClient passed as http_client closes its connections with the last
        client that sends through it, and stays usable; its own aclose() ends it for good.
        """
        was_closed, self._closed = self._closed, True
        http = self._http
        if self._owns_http:
            if not self._loop.elsewhere():
                # (When its loop ended, its connections went with it: nothing left to close.)
                await http.aclose()
        elif not was_closed and self._root is None and isinstance(http, DefaultAioHttpClient):
            await http.release()


# --- raw responses -------------------------------------------------------------------------------


class RawThreadResponse:
    """The final response of a create_thread call that returned a Thread.

    `status_code`, `headers` and `request_id` (`x-request-id`) are that response's;
    `retries_taken` the retries the call made before it (a same-origin redirect is none);
    `elapsed` the whole call, every attempt and the waits between them; `thread_id` the id
    the request named. `.parse()` is the Thread create_thread would have returned.
    """

    __slots__ = ("_thread", "elapsed", "http_response", "retries_taken", "thread_id")
    http_response: httpx2.Response
    retries_taken: int
    elapsed: datetime.timedelta
    thread_id: uuid.UUID

    def __init__(self, call: CreateThreadCall, thread: Thread) -> None:
        assert call.response is not None  # a call returns its Thread only from a response
        self.http_response = as_httpx(call.response)
        self.retries_taken = call.retries
        self.elapsed = datetime.timedelta(seconds=time.perf_counter() - call.started)
        self.thread_id = call.prepared.thread_id
        self._thread = thread

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx2.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return self.http_response.headers.get("x-request-id")

    def parse(self) -> Thread:
        """The call's Thread (parsed and checked when the response came: a body that is not a
        valid Thread raised APIResponseValidationError then, as create_thread does)."""
        return self._thread

    def __repr__(self) -> str:
        return (
            f"<RawThreadResponse {self.status_code} thread_id={self.thread_id} "
            f"retries_taken={self.retries_taken} elapsed={self.elapsed.total_seconds():.3f}s>"
        )


def _keywords_of(
    method: Callable[Concatenate[Any, P], object],
) -> Callable[[Callable[[S, CreateArgs], R]], Callable[Concatenate[S, P], R]]:
    """The decorated method takes the keywords of `method` (a client's create_thread, where they
    are written out once) and is handed them as one CreateArgs, as the client's own method is.

    Type checkers and IDEs see `method`'s keywords (a ParamSpec); `inspect.signature` shows
    them too. A keyword `method` does not take gets the TypeError Python gives it.
    """
    signature = inspect.signature(method)

    def decorate(impl: Callable[[S, CreateArgs], R]) -> Callable[Concatenate[S, P], R]:
        def pack(owner: object, keywords: dict[str, Any]) -> CreateArgs:
            try:
                return CreateArgs(**keywords)
            except TypeError:
                try:
                    signature.bind(owner, **keywords)
                except TypeError as exc:  # Python's own words, as a method of its own would say them
                    raise TypeError(f"{impl.__qualname__}() {exc}") from None
                raise

        wrapper: Callable[..., Any]
        if inspect.iscoroutinefunction(impl):

            async def wrapper(self: S, /, **keywords: Any) -> Any:
                return await cast(Callable[[S, CreateArgs], Awaitable[Any]], impl)(self, pack(self, keywords))

        else:

            def wrapper(self: S, /, **keywords: Any) -> Any:
                return impl(self, pack(self, keywords))

        functools.update_wrapper(wrapper, impl)
        returns = inspect.signature(impl).return_annotation
        setattr(wrapper, "__signature__", signature.replace(return_annotation=returns))  # noqa: B010 (read by inspect)
        return cast(Callable[Concatenate[S, P], R], wrapper)

    return decorate


class ThreadsClientWithRawResponse:
    """`ThreadsClient.with_raw_response`: create_thread returning a RawThreadResponse."""

    __slots__ = ("_run", "_start")

    def __init__(
        self, start: Callable[[CreateArgs], CreateThreadCall], run: Callable[[CreateThreadCall], Thread]
    ) -> None:
        self._start = start
        self._run = run

    @_keywords_of(ThreadsClient.create_thread)
    def create_thread(self, args: CreateArgs) -> RawThreadResponse:
        """ThreadsClient.create_thread (the same arguments and errors), returning the raw response."""
        call = self._start(args)
        return RawThreadResponse(call, self._run(call))


class AsyncThreadsClientWithRawResponse:
    """`AsyncThreadsClient.with_raw_response`: create_thread returning a RawThreadResponse."""

    __slots__ = ("_run", "_start")

    def __init__(
        self, start: Callable[[CreateArgs], CreateThreadCall], run: Callable[[CreateThreadCall], Awaitable[Thread]]
    ) -> None:
        self._start = start
        self._run = run

    @_keywords_of(AsyncThreadsClient.create_thread)
    async def create_thread(self, args: CreateArgs) -> RawThreadResponse:
        """AsyncThreadsClient.create_thread (the same arguments and errors), returning the raw response."""
        call = self._start(args)
        return RawThreadResponse(call, await self._run(call))
