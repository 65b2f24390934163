"""The wire: the one seam between a call's logic and the transports, and each attempt's bounds.

A sender is handed one `Attempt`, a value (method, URL, headers, body, timeout, the
attempt's whole bound and the most of an answer to read), and returns the complete
response, or raises the httpx2.TransportError that says what failed (and so whether the
request may have reached the server), or `AnswerTooLarge` past the cap. It follows no
redirect: the call does that itself, so the key never goes to another origin; and it never
sees the call. The sync client sends on httpx2 (`HttpxSender`); the async one on any
`AsyncSender`: httpx2's (`HttpxAsyncSender`) or DefaultAioHttpClient (`_aiohttp.py`).

Every transport reads an answer as a stream of decoded pieces into one `Reader`: the cap
on what is kept (httpx2's and aiohttp's decoders inflate a piece in bounded steps, so a
small gzip body that inflates to gigabytes costs at most the cap), the bound on a chain of
content codings (five, as urllib3's), and the attempt's deadline between pieces.

`timeout` bounds each attempt as a whole, connecting, sending and the whole answer, not
only each wait on the socket as httpx2's timeouts do: a server that drips its answer a byte
at a time, or sends 1xx answers without end, would otherwise hold a call as long as it
likes. The bound is the largest part of the `httpx2.Timeout` (`attempt_bound`); each part
still bounds its own wait. It is kept where the SDK owns the connections:

* on the pools of the SDK's own httpx2 clients (the client it builds when given no
  http_client, and `DefaultHttpxClient` / `DefaultAsyncHttpxClient`): every connect, read
  and write waits at most until the attempt's deadline (a context variable, so concurrent
  calls each have their own). httpx2 has no public way to give its transports a network
  backend, so `bound_own_pools` is the SDK's one reach into another package's private names
  (tests/unit/test_limits.py pins it; should httpx2 move them, it wraps nothing and logs
  why, and the SDK keeps the deadline between pieces of the body, as below);
* on DefaultAioHttpClient, by cancelling the attempt at its deadline (`_aiohttp.py`);
* on a plain httpx2.AsyncClient the user passes, which the SDK never changes, by
  cancelling the attempt at its deadline (anyio's cancel scope, `HttpxAsyncSender`);
* on a plain httpx2.Client the user passes: its own timeouts bound each wait, and the
  reader stops at the deadline between pieces (sync code has no public way to interrupt
  a blocking read).
"""

from __future__ import annotations

import contextvars
import json
import os
import ssl
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, runtime_checkable

import httpcore2
import httpx2

from ._config import DEFAULT_TIMEOUT
from ._logging import logger

__all__ = [
    "DEADLINE",
    "FIRST_BYTES",
    "MAX_ENCODINGS",
    "AnswerTooLarge",
    "AsyncSender",
    "Attempt",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "HttpxAsyncSender",
    "HttpxSender",
    "RawResponse",
    "Reader",
    "RequestBuilder",
    "SendAgain",
    "SentResponse",
    "as_httpx",
    "async_sender_for",
    "attempt_bound",
    "bound_own_pools",
    "wait_within",
]

# --- the seam's values ---------------------------------------------------------------------------

# Already undone by the sender that read the body; an httpx2.Response built from it must not decode again.
_DECODED_HEADERS = frozenset({b"content-encoding", b"transfer-encoding"})


class Attempt(NamedTuple):
    """One attempt, whole, as a sender is handed it (as an httpx transport sees one Request).

    What to send; `bound`, the seconds the attempt may take as a whole (None: no bound);
    `max_bytes`, the most of its answer to read, counted after decoding (None: no limit).
    A sender reads it and returns a response, or raises the httpx2.TransportError it met
    or AnswerTooLarge; it never sees the call that made the attempt.
    """

    method: str
    url: httpx2.URL
    headers: Mapping[str, str]
    content: bytes
    timeout: httpx2.Timeout
    bound: float | None
    max_bytes: int | None

    def request(self, http: httpx2.Client | httpx2.AsyncClient | None = None) -> httpx2.Request:
        """The attempt as an httpx2.Request: built by `http` (with its own defaults), or on its own."""
        method, url, headers, content, timeout = self.method, self.url, self.headers, self.content, self.timeout
        if http is None:
            extensions = {"timeout": timeout.as_dict()}
            return httpx2.Request(method, url, headers=headers, content=content, extensions=extensions)
        return http.build_request(method, url, content=content, headers=headers, timeout=timeout)


class RawResponse:
    """A complete response as a sender read it (its body decoded, within the cap): what the call logic reads.

    Parsing a Thread and deciding a retry need only the status, a few headers and the
    body, so building an httpx2.Response (and its Request) is left to the error path:
    `to_httpx()`, for the errors whose `.response` is an httpx2.Response. `sent_request()`
    is the request as it went out (for httpx2, the object a tracing instrumentation saw).
    """

    __slots__ = ("_http_version", "_raw_headers", "content", "headers", "reason_phrase", "sent_request", "status_code")
    status_code: int
    reason_phrase: str
    headers: Mapping[str, str]
    content: bytes
    sent_request: Callable[[], httpx2.Request]

    def __init__(
        self,
        status_code: int,
        reason_phrase: str,
        headers: Mapping[str, str],
        raw_headers: Sequence[tuple[bytes, bytes]] | httpx2.Headers,
        content: bytes,
        request: Callable[[], httpx2.Request],
        http_version: bytes = b"HTTP/1.1",
    ) -> None:
        self.status_code = status_code
        self.reason_phrase = reason_phrase
        self.headers = headers  # case-insensitive
        self.content = content  # the whole body, decoded
        self._raw_headers = raw_headers  # httpx2's Headers as they are: their raw list is built on the error path
        self.sent_request = request
        self._http_version = http_version

    def json(self) -> Any:
        """The body as json.loads reads it."""
        return json.loads(self.content)

    def to_httpx(self) -> httpx2.Response:
        raw = self._raw_headers.raw if isinstance(self._raw_headers, httpx2.Headers) else self._raw_headers
        headers = [(name, value) for name, value in raw if name.lower() not in _DECODED_HEADERS]
        extensions = {
            "http_version": self._http_version,
            "reason_phrase": self.reason_phrase.encode("ascii", "replace"),
        }
        return httpx2.Response(
            self.status_code, headers=headers, content=self.content, request=self.sent_request(), extensions=extensions
        )


#: What a sender returns: httpx2's own response, or the leaner one of another sender.
SentResponse = httpx2.Response | RawResponse


def as_httpx(response: SentResponse) -> httpx2.Response:
    return response if isinstance(response, httpx2.Response) else response.to_httpx()


@dataclass(frozen=True, slots=True)
class SendAgain:
    """A call's outcome other than its Thread: send the next request after `delay` seconds.

    Whether it was a retry (counted against max_retries) or not (a same-origin redirect, the
    fetch of the thread a lost attempt created) is the call's own bookkeeping: the loop that
    sends only needs the delay.
    """

    delay: float


class AnswerTooLarge(Exception):
    """A sender stopped reading an answer at the attempt's `max_bytes`; `response` holds its first bytes.

    The call turns it into ResponseTooLargeError (which says whether the thread may exist).
    """

    def __init__(self, response: RawResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


# --- reading an answer ---------------------------------------------------------------------------

MAX_ENCODINGS = 5
# What a too-large answer's error keeps of it: enough to see what the server sent.
FIRST_BYTES = 64 * 1024
_NOT_CODINGS = frozenset({"", "identity"})


def too_many_encodings(content_encoding: str | None) -> str | None:
    """Why an answer with this Content-Encoding is not decoded (too many codings), or None."""
    if content_encoding is None:
        return None
    codings = [coding for coding in content_encoding.split(",") if coding.strip().lower() not in _NOT_CODINGS]
    if len(codings) <= MAX_ENCODINGS:
        return None
    return f"the answer has {len(codings)} content codings; at most {MAX_ENCODINGS} are decoded"


class Body:
    """The decoded pieces of one answer, at most `limit` bytes of them (None: no limit)."""

    __slots__ = ("_chunks", "_limit", "size")

    def __init__(self, limit: int | None) -> None:
        self._chunks: list[bytes] = []
        self._limit = limit
        self.size = 0

    def add(self, chunk: bytes) -> bool:
        """Keep `chunk`; False (keeping only what fits) once the answer is past the limit."""
        before = self.size
        self.size += len(chunk)
        limit = self._limit
        if limit is not None and self.size > limit:
            if before < FIRST_BYTES:  # the error shows the first bytes: keep them, up to the limit
                self._chunks.append(chunk[: min(limit, FIRST_BYTES) - before])
            return False
        self._chunks.append(chunk)
        return True

    def content(self) -> bytes:
        """The whole answer (only for one within the limit)."""
        chunks = self._chunks
        if len(chunks) == 1:
            return chunks[0]  # the usual answer: one piece, no copy
        return b"".join(chunks)

    def first_bytes(self) -> bytes:
        """The answer's first bytes (at most FIRST_BYTES), for the error that says it was too large."""
        first: list[bytes] = []
        size = 0
        for chunk in self._chunks:
            first.append(chunk[: FIRST_BYTES - size])
            size += len(first[-1])
            if size >= FIRST_BYTES:
                break
        self._chunks = []  # the rest is dropped here, before an error is built
        return b"".join(first)


class Reader:
    """An answer's body as it arrives, piece by piece, within the cap and the deadline: what every
    transport shares (they differ only in how they wait for a piece).

    `codings` is the answer's Content-Encoding; `raw(content)` builds the response around a
    body; `request()` the attempt's request, only for an error.
    """

    __slots__ = ("_body", "_deadline", "_raw", "_request")

    def __init__(
        self,
        codings: str | None,
        attempt: Attempt,
        deadline: float | None,
        raw: Callable[[bytes], RawResponse],
        request: Callable[[], httpx2.Request],
    ) -> None:
        reason = too_many_encodings(codings)
        if reason is not None:  # like a broken body: the server may have acted
            raise httpx2.RemoteProtocolError(reason, request=request())
        self._body = Body(attempt.max_bytes)
        self._deadline = deadline
        self._raw = raw
        self._request = request

    def add(self, chunk: bytes) -> None:
        """One decoded piece; raises AnswerTooLarge past the cap, ReadTimeout past the deadline."""
        if not self._body.add(chunk):
            raise AnswerTooLarge(self._raw(self._body.first_bytes()))
        if self._deadline is not None and time.monotonic() >= self._deadline:
            # The SDK's own pools stop at the deadline themselves; this bounds the body of any other transport.
            raise httpx2.ReadTimeout("the attempt's whole bound (its timeout) passed", request=self._request())

    def answer(self) -> RawResponse:
        return self._raw(self._body.content())

    def broken(self, exc: Exception) -> httpx2.RemoteProtocolError:
        return httpx2.RemoteProtocolError(f"the answer's body could not be decoded: {exc}", request=self._request())


# --- each attempt's whole bound ------------------------------------------------------------------

#: The monotonic time the running attempt must end by (None: no deadline).
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "langsmith_threads_client_deadline", default=None
)


def attempt_bound(timeout: httpx2.Timeout) -> float | None:
    """Seconds one attempt may take as a whole: the largest part, or None when a part has no limit."""
    connect, read, write, pool = timeout.connect, timeout.read, timeout.write, timeout.pool
    if connect is None or read is None or write is None or pool is None:
        return None
    return max(connect, read, write, pool)


def deadline_of(attempt: Attempt) -> float | None:
    bound = attempt.bound
    return None if bound is None else time.monotonic() + bound


def wait_within(timeout: float | None, error: type[Exception]) -> float | None:
    """`timeout` (one wait's own bound) cut to what is left of the attempt; raise `error` when nothing is."""
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the attempt's whole bound (its timeout) passed")
    return left if timeout is None or timeout > left else timeout


class Stream(httpcore2.NetworkStream):
    __slots__ = ("_inner",)

    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, wait_within(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:  # h11 ends a message with an empty write
            self._inner.write(buffer, wait_within(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        wait = wait_within(timeout, httpcore2.ConnectTimeout)
        return Stream(self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class Backend(httpcore2.NetworkBackend):
    def __init__(self, inner: httpcore2.NetworkBackend) -> None:
        self.inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        wait = wait_within(timeout, httpcore2.ConnectTimeout)
        return Stream(self.inner.connect_tcp(host, port, wait, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.NetworkStream:
        wait = wait_within(timeout, httpcore2.ConnectTimeout)
        return Stream(self.inner.connect_unix_socket(path, wait, socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class AsyncStream(httpcore2.AsyncNetworkStream):
    __slots__ = ("_inner",)

    def __init__(self, inner: httpcore2.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, wait_within(timeout, httpcore2.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:  # h11 ends a message with an empty write
            await self._inner.write(buffer, wait_within(timeout, httpcore2.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.AsyncNetworkStream:
        wait = wait_within(timeout, httpcore2.ConnectTimeout)
        return AsyncStream(await self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class AsyncBackend(httpcore2.AsyncNetworkBackend):
    def __init__(self, inner: httpcore2.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        wait = wait_within(timeout, httpcore2.ConnectTimeout)
        return AsyncStream(await self.inner.connect_tcp(host, port, wait, local_address, socket_options))

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.AsyncNetworkStream:
        wait = wait_within(timeout, httpcore2.ConnectTimeout)
        return AsyncStream(await self.inner.connect_unix_socket(path, wait, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def bound_own_pools(http: httpx2.Client | httpx2.AsyncClient) -> int:
    """Have the pools of an httpx2 client the SDK made keep each attempt's deadline; how many were bound.

    The SDK's one reach into private names: httpx2 gives its transports no public way to
    take a network backend, so this wraps the backend of the httpcore2 pool behind each of
    the client's own transports (`_transport`, `_mounts`, each one's `_pool`). Only ever
    called on a client the SDK built (never on one a user passed). When httpx2 moves these
    names, nothing is wrapped, a DEBUG record says so, and the deadline still holds between
    pieces of each answer's body (`Reader`).
    """
    bound = 0
    for transport in (getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()):
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore2.AsyncNetworkBackend) and not isinstance(backend, AsyncBackend):
            pool._network_backend = AsyncBackend(backend)  # type: ignore[union-attr]
        elif isinstance(backend, httpcore2.NetworkBackend) and not isinstance(backend, Backend):
            pool._network_backend = Backend(backend)  # type: ignore[union-attr]
        else:
            continue
        bound += 1
    if not bound:
        logger.debug("%s: no httpcore2 pool found to bound each attempt by its deadline", type(http).__name__)
    return bound


# --- each attempt's request --------------------------------------------------------------------
# httpx2's `Client.build_request` merges the client's headers with the request's, then its
# cookies and query parameters, and `Request` adds `Host` and `Content-Length`: four `Headers`
# built and normalised per request, about 25 us, as much as the SDK's whole call logic, and
# on the sync path a fifth of the SDK's CPU per call (scripts/bench on a quiet machine: 1.215x
# bare httpx2 without it, 0.972x with it; benchmarks/README.md). Every attempt of a
# client goes to the same URL with the same headers and only its body differs, so the merge
# is done once, by `build_request` itself, and kept: each request then takes the kept header
# list with its own `Content-Length` (`RequestBuilder`). It is kept only while nothing it came
# from changes: the same URL and header objects from the call, the client's own headers equal
# to what they were, and no cookies or query parameters on the client (with either, every
# request goes through `build_request`); a client whose class overrides `build_request` always
# gets its own. tests/unit/test_requests.py holds the result to `build_request`'s: method,
# URL, every header in order, body and extensions.

_OWN_BUILDERS = (httpx2.Client.build_request, httpx2.AsyncClient.build_request)


class _Kept:
    """One merge: what it came from (the attempt's method, URL and header objects, the client's
    headers), and its header list, whose one Content-Length each request sets to its body's."""

    __slots__ = ("attempt_headers", "client_headers", "headers", "length_at", "method", "url")

    def __init__(self, request: httpx2.Request, attempt: Attempt, client_headers: list[tuple[bytes, bytes]]) -> None:
        raw = request.headers.raw
        at = [i for i, (name, _) in enumerate(raw) if name.lower() == b"content-length"]
        self.length_at = at[0] if len(at) == 1 else -1  # -1: not one Content-Length (never kept)
        self.headers = raw
        self.method = attempt.method
        self.url = attempt.url
        self.attempt_headers = attempt.headers
        self.client_headers = client_headers


class RequestBuilder:
    """Builds each attempt's request for one httpx2 client, as its `build_request` would."""

    __slots__ = ("_custom", "_http", "_kept")

    def __init__(self, http: httpx2.Client | httpx2.AsyncClient) -> None:
        self._http = http
        self._custom = type(http).build_request not in _OWN_BUILDERS
        # One object, replaced whole: a client shared by threads never reads half of a merge.
        self._kept: _Kept | None = None

    def request(self, attempt: Attempt) -> httpx2.Request:
        http = self._http
        kept = self._kept
        if (
            kept is not None
            and attempt.headers is kept.attempt_headers
            and attempt.url is kept.url
            and attempt.method == kept.method
            and attempt.content
            and not http.cookies
            and not http.params
            and http.headers.raw == kept.client_headers
        ):
            content = attempt.content
            headers = kept.headers.copy()
            headers[kept.length_at] = (headers[kept.length_at][0], str(len(content)).encode())
            request = httpx2.Request(
                attempt.method,
                attempt.url,
                headers=headers,
                stream=httpx2.ByteStream(content),
                extensions={"timeout": attempt.timeout.as_dict()},
            )
            request.read()  # as a request built with content= is: its .content is the body
            return request
        return self._build(attempt)

    def _build(self, attempt: Attempt) -> httpx2.Request:
        http = self._http
        request = attempt.request(http)
        # (An empty body's Content-Length is put elsewhere: never kept, nor served from what is.)
        if self._custom or http.cookies or http.params or not attempt.content:
            return request
        kept = _Kept(request, attempt, http.headers.raw)
        if kept.length_at >= 0:
            self._kept = kept
        return request


# --- httpx2's senders, and the SDK's own httpx2 clients ------------------------------------------


# httpx2 builds a fresh verified SSLContext for every client, loading the CA bundle each time
# (~40 ms, nearly all of a client's construction). The SDK's own clients share one per process
# instead, built on first use by httpx2's own public `create_ssl_context`, so a client costs
# ~1 ms. The key holds everything that decides what the context is (SSL_CERT_FILE and
# SSL_CERT_DIR when the environment is trusted) or how httpcore2 uses it: httpcore2 sets the
# ALPN protocols on the context at each connect from the client's http1/http2 flags, so only
# clients that set the same ones share a context. Given `verify` or `cert`, httpx2 builds
# what the caller asked for, as it always does.
_SSL_CONTEXTS: dict[tuple[object, ...], ssl.SSLContext] = {}


def _with_shared_ssl_context(kwargs: dict[str, Any]) -> dict[str, Any]:
    if "verify" in kwargs or "cert" in kwargs:
        return kwargs
    trust_env = bool(kwargs.get("trust_env", True))
    key: tuple[object, ...] = (
        trust_env,
        bool(kwargs.get("http1", True)),
        bool(kwargs.get("http2", False)),
        os.environ.get("SSL_CERT_FILE") if trust_env else None,
        os.environ.get("SSL_CERT_DIR") if trust_env else None,
    )
    context = _SSL_CONTEXTS.get(key)
    if context is None:  # two threads may both build one here: either is right, one is kept
        context = _SSL_CONTEXTS.setdefault(key, httpx2.create_ssl_context(trust_env=trust_env))
    return {**kwargs, "verify": context}


class DefaultHttpxClient(httpx2.Client):
    """An httpx2.Client with the SDK's defaults, whose connections keep each attempt's whole bound.

    `ThreadsClient(http_client=DefaultHttpxClient(proxy=..., verify=..., limits=...))`: every
    argument of httpx2.Client, with the SDK's timeout and no redirects followed unless given.
    A plain httpx2.Client works too, but its waits are bounded only by its own timeouts (each
    read, not the whole attempt; the SDK still stops reading a body at the deadline). Like
    any http_client you pass, it stays yours: close it when you are done.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("follow_redirects", False)
        super().__init__(**_with_shared_ssl_context(kwargs))
        self._bounds_attempts = bound_own_pools(self) > 0


class DefaultAsyncHttpxClient(httpx2.AsyncClient):
    """An httpx2.AsyncClient with the SDK's defaults, whose connections keep each attempt's
    whole bound: DefaultHttpxClient for AsyncThreadsClient."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("follow_redirects", False)
        super().__init__(**_with_shared_ssl_context(kwargs))
        self._bounds_attempts = bound_own_pools(self) > 0


@runtime_checkable
class AsyncSender(Protocol):
    """Sends one attempt (async): the answer, or the httpx2.TransportError it met, or AnswerTooLarge."""

    async def send_attempt(self, attempt: Attempt, /) -> SentResponse: ...


_Http = TypeVar("_Http", httpx2.Client, httpx2.AsyncClient)


def _reader(response: httpx2.Response, attempt: Attempt, deadline: float | None) -> Reader:
    def raw(content: bytes) -> RawResponse:
        # httpx2's status and headers, the decoded body read here.
        return RawResponse(
            response.status_code,
            response.reason_phrase,
            response.headers,
            response.headers,
            content,
            lambda: response.request,
            response.extensions.get("http_version", b"HTTP/1.1"),
        )

    return Reader(response.headers.get("content-encoding"), attempt, deadline, raw, lambda: response.request)


class _OnHttpx(Generic[_Http]):
    __slots__ = ("_http", "_request")

    def __init__(self, http: _Http) -> None:
        self._http: _Http = http
        self._request = RequestBuilder(http).request  # the request its build_request would make


class HttpxSender(_OnHttpx[httpx2.Client]):
    """An httpx2.Client as the sync client's sender: the request built by the client, with its own defaults."""

    __slots__ = ()

    def send_attempt(self, attempt: Attempt, /) -> SentResponse:
        deadline = deadline_of(attempt)
        token = DEADLINE.set(deadline)
        try:
            response = self._http.send(self._request(attempt), follow_redirects=False, stream=True)
            try:
                reader = _reader(response, attempt, deadline)
                try:
                    for chunk in response.iter_bytes():
                        reader.add(chunk)
                except httpx2.DecodingError as exc:
                    raise reader.broken(exc) from exc
                return reader.answer()
            finally:
                response.close()
        finally:
            DEADLINE.reset(token)


class HttpxAsyncSender(_OnHttpx[httpx2.AsyncClient]):
    """An httpx2.AsyncClient as an AsyncSender.

    The SDK's own clients keep each attempt's deadline in their pools; on any other (a
    client the user passed, which the SDK never changes) the attempt is cancelled at its
    deadline with anyio's public cancel scope (httpx2's own dependency; asyncio and trio
    alike) and raises ReadTimeout (the request may have reached the server).
    """

    __slots__ = ("_bounded",)

    def __init__(self, http: httpx2.AsyncClient) -> None:
        super().__init__(http)
        self._bounded: bool = getattr(http, "_bounds_attempts", False)

    async def send_attempt(self, attempt: Attempt, /) -> SentResponse:
        if self._bounded or attempt.bound is None:
            return await self._send(attempt)
        import anyio

        with anyio.move_on_after(attempt.bound):
            return await self._send(attempt)
        raise httpx2.ReadTimeout("the attempt's whole bound (its timeout) passed", request=attempt.request())

    async def _send(self, attempt: Attempt) -> SentResponse:
        deadline = deadline_of(attempt)
        token = DEADLINE.set(deadline)
        try:
            response = await self._http.send(self._request(attempt), follow_redirects=False, stream=True)
            try:
                reader = _reader(response, attempt, deadline)
                chunks: AsyncIterator[bytes] = response.aiter_bytes()
                try:
                    async for chunk in chunks:
                        reader.add(chunk)
                except httpx2.DecodingError as exc:
                    raise reader.broken(exc) from exc
                return reader.answer()
            finally:
                await response.aclose()
        finally:
            DEADLINE.reset(token)


def async_sender_for(http: httpx2.AsyncClient | AsyncSender) -> AsyncSender:
    """The sender of an async client's http_client: itself when it sends attempts, else httpx2's adapter."""
    if isinstance(http, httpx2.AsyncClient):
        return HttpxAsyncSender(http)
    return http
