"""DefaultAioHttpClient: the SDK's own aiohttp transport (extra `[aiohttp]`).

Each attempt's pre-encoded body goes through one aiohttp.ClientSession, with no httpx2
client on the way: with many calls in flight that layer costs more CPU than aiohttp
itself. What httpx2's transport promises holds here too: per-attempt timeouts from an
httpx2.Timeout, TLS verified with httpx2's own SSL context, proxies taken from the
environment (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY), connection limits from an httpx2.Limits, no
redirect followed, a cancelled call never costs a pooled connection, and every aiohttp
failure is raised as the httpx2.TransportError that says whether the request may have
reached the server (what retries and exactly-once decide on). And the SDK's own bounds:
each attempt ends within its whole bound, and at most `max_response_bytes` of an answer
is read (aiohttp inflates a compressed body in bounded pieces as it is read).

aiohttp (and asyncio with it) is imported when the class is instantiated, so
`import langsmith_threads_client` stays light, and works without the extra.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx2

from ._config import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    NotGiven,
    check_headers,
    check_max_response_bytes,
    check_timeout,
)
from ._lifecycle import AsyncClosing
from ._transport import Attempt, RawResponse, Reader

if TYPE_CHECKING:
    import asyncio
    import ssl

    import aiohttp
    import yarl

__all__ = ["DefaultAioHttpClient"]

_EXTRA_MISSING = "DefaultAioHttpClient needs the aiohttp extra: pip install 'langsmith-threads-client[aiohttp]'"
_ASYNCIO_ONLY = (
    "DefaultAioHttpClient runs on asyncio only (aiohttp does); under trio or another event loop, "
    "use AsyncThreadsClient without http_client (httpx2 supports it)"
)

_MOCKED = (
    "DefaultAioHttpClient sends with aiohttp, which respx (pytest-httpx2's httpx2_mock) does not mock: this "
    "request would have gone past your mock to the network. In tests that mock httpx2, use AsyncThreadsClient "
    "without http_client (httpx2's transport, which respx mocks), or serve a FakeAgentServer (fake.serve()) "
    "for DefaultAioHttpClient"
)

ErrorClasses = tuple[tuple[type[BaseException], type[httpx2.TransportError]], ...]


def _httpx2_is_mocked() -> bool:
    """Is respx patching httpcore2 (httpx2's network layer), as pytest-httpx2's httpx2_mock does?

    aiohttp never passes there, so a request would silently bypass the user's mock (as
    litellm's users found with its aiohttp transport): DefaultAioHttpClient refuses instead.
    respx swaps the pools' methods for its own functions while a mock is active, which their
    public `__module__` shows. Costs a dict lookup when respx was never imported.
    """
    if "respx" not in sys.modules:
        return False
    import httpcore2

    method = httpcore2.AsyncConnectionPool.handle_async_request
    return str(getattr(method, "__module__", "")).startswith("respx")


def _error_classes(aiohttp: Any) -> ErrorClasses:
    """aiohttp's failures, most specific first, to the httpx2 error that says the same thing.

    The first group proves the request was not sent (no connection was made), so even a
    request that must not be sent twice is retried; everything after it may have reached
    the server (see `_retry.may_have_reached_server`).
    """
    return (
        # Not sent.
        (aiohttp.ConnectionTimeoutError, httpx2.ConnectTimeout),  # sock_connect, or waiting for the pool
        (aiohttp.ClientConnectorError, httpx2.ConnectError),  # refused, DNS, TLS handshake, proxy unreachable
        (aiohttp.ClientHttpProxyError, httpx2.ProxyError),  # the proxy refused the tunnel
        (aiohttp.InvalidURL, httpx2.UnsupportedProtocol),
        (aiohttp.NonHttpUrlClientError, httpx2.UnsupportedProtocol),
        # Maybe sent.
        (aiohttp.ServerTimeoutError, httpx2.ReadTimeout),  # sock_read
        (aiohttp.ServerDisconnectedError, httpx2.RemoteProtocolError),  # closed without (a whole) answer
        (aiohttp.ClientPayloadError, httpx2.RemoteProtocolError),  # the body broke off
        (aiohttp.ClientResponseError, httpx2.RemoteProtocolError),  # not an HTTP response
        (aiohttp.ClientConnectionError, httpx2.ReadError),  # reset, broken pipe, after connecting
        (TimeoutError, httpx2.ReadTimeout),
        (OSError, httpx2.ReadError),
        (aiohttp.ClientError, httpx2.TransportError),
    )


def _client_timeout(client_timeout: type[aiohttp.ClientTimeout], timeout: httpx2.Timeout) -> aiohttp.ClientTimeout:
    """httpx2's per-attempt timeouts in aiohttp's terms.

    connect -> sock_connect (the TCP connect and TLS handshake) and aiohttp's `connect`,
    which also bounds the DNS lookup, as httpx2's does, and the wait for a pooled
    connection, which never happens: the client's own slots bound that wait by httpx2's
    pool timeout (see `_acquire`). read -> sock_read (each wait for data, from the end of
    sending on). aiohttp has no write timeout, and no total here: the attempt's whole
    bound (`_transport.py`) is kept by cancelling the attempt at its deadline (`Watchdog`).
    """
    connect = timeout.connect
    return client_timeout(total=None, connect=connect, sock_connect=connect, sock_read=timeout.read)


def _environment_proxies() -> tuple[list[tuple[str, str]], str]:
    """HTTP(S)_PROXY and ALL_PROXY from the environment (scheme, proxy URL), and NO_PROXY.

    Read with the standard library's `urllib.request.getproxies()`, as aiohttp's own
    trust_env reads them (which would also read ~/.netrc into an Authorization header: not
    taken here).
    """
    import urllib.request

    proxies = urllib.request.getproxies()
    chosen: list[tuple[str, str]] = []
    for scheme in ("http", "https", "all"):
        url = proxies.get(scheme)
        if url is None:
            continue
        if httpx2.URL(url).scheme not in ("http", "https"):
            raise ValueError(
                f"DefaultAioHttpClient: the {httpx2.URL(url).scheme} proxy in the environment is not supported by "
                "aiohttp; use AsyncThreadsClient without http_client, or trust_env=False"
            )
        chosen.append((scheme, url))
    return chosen, proxies.get("no", "")


def _bypassed(host: str, no_proxy: str) -> bool:
    """Does NO_PROXY name `host`: `*`, the host itself, or a domain it is in (as httpx2 reads it)?"""
    host = host.lower()
    for entry in no_proxy.split(","):
        name = entry.strip().lower().rpartition("://")[2].lstrip(".")
        if name == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False


def _proxy_for(url: httpx2.URL, chosen: list[tuple[str, str]], no_proxy: str) -> str | None:
    """The proxy for `url` (None: direct): its scheme's, else ALL_PROXY's, unless NO_PROXY names its host."""
    if not chosen or _bypassed(url.host, no_proxy):
        return None
    by_scheme = dict(chosen)
    return by_scheme.get(url.scheme) or by_scheme.get("all")


def _timeout_of(timeout: object) -> httpx2.Timeout:
    # As on every class of the SDK: NOT_GIVEN is the default, None no limit (as to httpx2).
    return DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else check_timeout(timeout, "timeout")


class DefaultAioHttpClient(AsyncClosing):
    """`AsyncThreadsClient(http_client=DefaultAioHttpClient())`: the SDK's aiohttp transport.

    The arguments mean what they mean to httpx2.AsyncClient: `timeout` (per attempt; not
    given: the SDK's default; None: no limit; overridden by the AsyncThreadsClient's own
    when given there), `verify` (TLS, on by
    default), `limits`, `trust_env` (proxies and SSL_CERT_FILE/SSL_CERT_DIR from the
    environment) and default `headers`; `max_response_bytes` is the most of one answer read,
    after decoding (None: no limit; an AsyncThreadsClient's own wins when given there).
    aiohttp keeps idle connections up to `max_connections`; it has no separate keep-alive cap.

    Its connections close with the last AsyncThreadsClient that sends through it, so
    `AsyncThreadsClient(http_client=DefaultAioHttpClient())` written inline needs no more;
    it stays usable for another client after that, and `await http.aclose()` (or `async
    with`) ends it for good. It runs on asyncio, one event loop at a time.
    """

    timeout: httpx2.Timeout
    limits: httpx2.Limits
    trust_env: bool
    max_response_bytes: int | None

    def __init__(
        self,
        *,
        timeout: float | httpx2.Timeout | NotGiven | None = NOT_GIVEN,
        verify: ssl.SSLContext | str | bool = True,
        limits: httpx2.Limits = DEFAULT_LIMITS,
        trust_env: bool = True,
        headers: Mapping[str, str] | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        try:
            import aiohttp  # optional dependency
            import yarl  # aiohttp's own dependency
        except ImportError as exc:
            raise RuntimeError(_EXTRA_MISSING) from exc
        import asyncio  # aiohttp's loop; imported by aiohttp already

        self._running_loop = asyncio.get_running_loop
        self._current_task = asyncio.current_task
        self._cancelled = asyncio.CancelledError
        self._watchdog: Watchdog | None = None
        if not isinstance(limits, httpx2.Limits):
            raise TypeError(f"limits must be an httpx2.Limits, not {type(limits).__name__}")
        self.timeout = _timeout_of(timeout)
        self.limits = limits
        self.trust_env = bool(trust_env)
        self.max_response_bytes = check_max_response_bytes(max_response_bytes, "max_response_bytes")
        self._aiohttp = aiohttp
        self._yarl_url = yarl.URL
        self._errors = _error_classes(aiohttp)
        self._ssl_context = httpx2.create_ssl_context(verify=verify, trust_env=self.trust_env)
        self._proxies, self._no_proxy = _environment_proxies() if self.trust_env else ([], "")
        self._headers = check_headers(headers, "headers")
        # httpx2 bounds the wait for a connection by the pool timeout and aiohttp cannot
        # (its `connect` timeout spans the wait and the connect), so calls take one of
        # max_connections slots first, and aiohttp's own limit (the same) never makes them wait.
        self._slots: asyncio.Semaphore | None = (
            asyncio.Semaphore(limits.max_connections) if limits.max_connections else None
        )
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._users = 0  # the AsyncThreadsClients that send through it (`release`)
        self._traced = False  # set when the session opens
        # One-entry caches, by identity: an AsyncThreadsClient sends every call to the same
        # URL object with the same Timeout object, so these are looked up once per client.
        self._last_url: httpx2.URL | None = None
        self._last_target: tuple[yarl.URL, yarl.URL | None] | None = None
        self._last_timeout: httpx2.Timeout | None = None
        self._last_client_timeout: aiohttp.ClientTimeout | None = None

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"DefaultAioHttpClient({state}, max_connections={self.limits.max_connections})"

    @property
    def headers(self) -> httpx2.Headers:
        """The headers sent on every request (under AsyncThreadsClient's own, as httpx2.AsyncClient's are)."""
        return httpx2.Headers(self._headers)

    @property
    def traced(self) -> bool:
        """Does an OpenTelemetry instrumentation trace the requests this client sends?

        AioHttpClientInstrumentor wraps ClientSession.__init__ (wrapt's wrappers expose the
        original as `__wrapped__`) and traces the sessions made while it does: this client's,
        once open, or the one it will open.
        """
        return self._traced if self._session is not None else self._instrumentor_active()

    def _instrumentor_active(self) -> bool:
        return hasattr(self._aiohttp.ClientSession.__init__, "__wrapped__")

    @property
    def is_closed(self) -> bool:
        return self._closed

    @property
    def follow_redirects(self) -> bool:
        """Always False: AsyncThreadsClient follows same-origin redirects itself, without leaking the key."""
        return False

    async def aclose(self) -> None:
        """Close the connections; the client cannot send afterwards."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def attach(self) -> None:
        """An AsyncThreadsClient sends through this one from now on (it calls this; so does a copy)."""
        self._users += 1

    async def release(self) -> None:
        """An AsyncThreadsClient that sent through this one was closed. When it was the last, the
        connections close with it, so `AsyncThreadsClient(http_client=DefaultAioHttpClient())`
        written inline leaves no session open; this client stays usable (a later call opens new
        ones), and aclose() still ends it for good."""
        self._users -= 1
        session = self._session
        if self._users > 0 or session is None:
            return
        try:
            same_loop = self._running_loop() is self._loop
        except RuntimeError:
            same_loop = False
        if same_loop:  # (a session whose loop has ended went with it)
            self._session = self._loop = None
            await session.close()

    # --- the sender (the AsyncSender protocol of _transport.py) -----------------------------------

    async def send_attempt(self, attempt: Attempt, /) -> RawResponse:
        """Send one attempt (AsyncThreadsClient hands it over): its whole response, or
        the httpx2.TransportError it met."""
        try:
            loop = self._running_loop()
        except RuntimeError:
            raise RuntimeError(_ASYNCIO_ONLY) from None
        if _httpx2_is_mocked():
            raise RuntimeError(_MOCKED)
        session = self._session if loop is self._loop else None
        if session is None:
            session = self._open(loop)
        url, proxy = self._target(attempt.url)
        timeout = attempt.timeout
        if timeout is self._last_timeout:
            client_timeout = self._last_client_timeout
        else:
            client_timeout = self._last_client_timeout = _client_timeout(self._aiohttp.ClientTimeout, timeout)
            self._last_timeout = timeout
        bound = attempt.bound
        if bound is None:
            return await self._send(session, url, proxy, client_timeout, attempt)
        # The attempt's whole bound (`_transport.py`): its task is cancelled at the deadline, as
        # asyncio.timeout would (`Watchdog`), which also ends a wait aiohttp has no
        # timeout for (a write, endless 1xx answers, a drip).
        task = self._current_task()
        assert task is not None and self._watchdog is not None
        cancelling = task.cancelling()
        self._watchdog.watch(task, bound)
        try:
            return await self._send(session, url, proxy, client_timeout, attempt)
        except self._cancelled:
            if self._watchdog.unwatch(task) and task.uncancel() <= cancelling:
                raise httpx2.ReadTimeout(
                    "the attempt's whole bound (its timeout) passed", request=attempt.request()
                ) from None
            raise
        finally:
            self._watchdog.unwatch(task)

    async def _send(
        self,
        session: aiohttp.ClientSession,
        url: yarl.URL,
        proxy: yarl.URL | None,
        client_timeout: aiohttp.ClientTimeout | None,
        attempt: Attempt,
    ) -> RawResponse:
        slots = self._slots
        if slots is not None:
            if slots.locked():
                await self._acquire(slots, attempt)
            else:
                await slots.acquire()  # free: returns without suspending
        try:
            response = await session.request(
                attempt.method,
                url,
                data=attempt.content,
                headers=attempt.headers,
                allow_redirects=False,
                timeout=client_timeout,
                proxy=proxy,
            )
            try:
                return await self._read(response, attempt)
            except BaseException:
                # Cancelled, failed or too large mid-body: this connection must not go back to
                # the pool half read.
                response.close()
                raise
        except (self._aiohttp.ClientError, OSError) as exc:
            raise self._transport_error(exc, attempt) from exc
        finally:
            if slots is not None:
                slots.release()

    async def _read(self, response: aiohttp.ClientResponse, attempt: Attempt) -> RawResponse:
        """The answer, its body as aiohttp decodes it (in bounded pieces), within the attempt's `max_bytes`."""

        def raw(content: bytes) -> RawResponse:
            return RawResponse(
                response.status, response.reason or "", response.headers, response.raw_headers, content, attempt.request
            )

        codings = response.headers.getall("content-encoding", None)
        # No deadline here: the watchdog cancels the attempt at it, mid-read or not.
        reader = Reader(None if codings is None else ", ".join(codings), attempt, None, raw, attempt.request)
        stream = response.content
        while chunk := await stream.readany():
            reader.add(chunk)
        return reader.answer()

    async def _acquire(self, slots: asyncio.Semaphore, attempt: Attempt) -> None:
        """Wait for a free connection slot, at most the pool timeout (then the request was not sent)."""
        import asyncio

        try:
            async with asyncio.timeout(attempt.timeout.pool):
                await slots.acquire()
        except TimeoutError:
            raise httpx2.PoolTimeout(
                f"no connection free within the pool timeout ({attempt.timeout.pool} s)", request=attempt.request()
            ) from None

    def _open(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("DefaultAioHttpClient is closed")
        if self._session is not None:
            raise RuntimeError(
                "DefaultAioHttpClient is bound to the event loop it first ran on; use one per event loop"
            )
        aiohttp = self._aiohttp
        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0,  # 0: no limit, as None is to httpx2
            keepalive_timeout=self.limits.keepalive_expiry,
            ssl=self._ssl_context,
        )
        # trust_env=False: the proxies were read once above, as httpx2 does; aiohttp's own
        # trust_env would also read ~/.netrc into an Authorization header, which httpx2 does not.
        self._session = aiohttp.ClientSession(connector=connector, headers=self._headers, trust_env=False)
        self._loop = loop
        self._watchdog = Watchdog(loop)
        # Whether an instrumentation traces this session's requests (AioHttpClientInstrumentor
        # wraps ClientSession.__init__, and wrapt's wrappers expose the original as __wrapped__).
        self._traced = self._instrumentor_active()
        return self._session

    def _target(self, url: httpx2.URL) -> tuple[yarl.URL, yarl.URL | None]:
        """The URL in aiohttp's terms, and the proxy httpx2 would use for it (None: direct)."""
        if url is self._last_url and self._last_target is not None:
            return self._last_target
        proxy = _proxy_for(url, self._proxies, self._no_proxy)
        target = (
            self._yarl_url(str(url), encoded=True),  # httpx2 has already percent-encoded it
            None if proxy is None else self._yarl_url(proxy),
        )
        self._last_url, self._last_target = url, target
        return target

    def _transport_error(self, exc: BaseException, attempt: Attempt) -> httpx2.TransportError:
        error_class = next((error for kind, error in self._errors if isinstance(exc, kind)), httpx2.TransportError)
        message = str(exc) or type(exc).__name__
        return error_class(f"{message} ({type(exc).__name__})", request=attempt.request())


class Watchdog:
    """Each attempt's whole bound on one event loop, with one timer instead of one per attempt.

    DefaultAioHttpClient keeps the attempt's deadline by cancelling the task that sends it,
    as `asyncio.timeout` would; but `asyncio.timeout` schedules and cancels a timer for
    every attempt, which with many calls in flight costs the aiohttp path a few percent of
    its CPU. Here attempts only note their deadline; one timer, set for the earliest, wakes
    to cancel the attempts past theirs and sets itself again. With one timeout for every
    call (the usual case) a new deadline is never the earliest: an attempt costs two dict
    operations.
    """

    __slots__ = ("_deadlines", "_expired", "_handle", "_loop", "_when")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._deadlines: dict[asyncio.Task[object], float] = {}
        self._expired: set[asyncio.Task[object]] = set()
        self._handle: asyncio.TimerHandle | None = None
        self._when = math.inf

    def watch(self, task: asyncio.Task[object], bound: float) -> None:
        """`task` is sending an attempt that must end within `bound` seconds."""
        deadline = self._loop.time() + bound
        self._deadlines[task] = deadline
        if deadline < self._when:
            self._wake_at(deadline)

    def unwatch(self, task: asyncio.Task[object]) -> bool:
        """`task`'s attempt has ended; True when it ended because the watchdog cancelled it."""
        self._deadlines.pop(task, None)
        if task in self._expired:
            self._expired.discard(task)
            return True
        return False

    def _wake_at(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._when = when
        self._handle = self._loop.call_at(when, self._check)

    def _check(self) -> None:
        self._handle, self._when = None, math.inf
        now = self._loop.time()
        for task, deadline in list(self._deadlines.items()):
            if deadline <= now:
                del self._deadlines[task]
                self._expired.add(task)
                task.cancel()
        if self._deadlines:
            self._wake_at(min(self._deadlines.values()))
