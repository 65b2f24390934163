"""ThreadsClient and AsyncThreadsClient: configuration shared, I/O apart."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Final, Generic, Literal, Self, TypeVar

import httpx2

from ._call import CreateThreadCall, origin_of
from ._generated.api.threads import create_thread_threads_post as _endpoint
from ._generated.models import Thread, ThreadCreate
from ._validation import SuperstepArg, TTLArg, prepare_create
from ._version import __version__

__all__ = [
    "API_KEY_ENV_VARS",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AsyncThreadsClient",
    "NotGiven",
    "ThreadsClient",
]


class NotGiven:
    """Marks an argument the caller left out, where None means something else."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

DEFAULT_BASE_URL = "http://127.0.0.1:2024"
API_KEY_ENV_VARS = ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY")
# Supersteps run graph code on the server, so reads get a generous bound; connecting does not.
DEFAULT_TIMEOUT = httpx2.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
_USER_AGENT = f"langsmith-threads-client/{__version__}"
# The generated endpoint module is the one place that knows the wire format: path and headers.
_WIRE = _endpoint._get_kwargs(body=ThreadCreate())
_ENDPOINT_METHOD: str = _WIRE["method"].upper()
_ENDPOINT_PATH: str = _WIRE["url"]
_ENDPOINT_HEADERS: dict[str, str] = {name.lower(): value for name, value in _WIRE["headers"].items()}

HttpT = TypeVar("HttpT", httpx2.Client, httpx2.AsyncClient)
TimeoutArg = float | httpx2.Timeout


def _resolve_api_key(api_key: str | NotGiven | None) -> str | None:
    if isinstance(api_key, NotGiven):
        return next((os.environ[name] for name in API_KEY_ENV_VARS if os.environ.get(name)), None)
    if api_key is not None and not isinstance(api_key, str):
        raise TypeError(f"api_key must be a string or None, not {type(api_key).__name__}")
    return api_key


def _check_timeout(timeout: object, name: str) -> httpx2.Timeout:
    if isinstance(timeout, httpx2.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"{name} must be seconds (a number) or an httpx2.Timeout, not {type(timeout).__name__}")
    if not timeout > 0:
        raise ValueError(f"{name} must be a positive number of seconds, got {timeout!r}")
    return httpx2.Timeout(float(timeout))


def _check_headers(headers: object, name: str) -> dict[str, str]:
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise TypeError(f"{name} must be a mapping of header names to values, not {type(headers).__name__}")
    for key, value in headers.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"{name} must map strings to strings, got {key!r}: {value!r}")
    return dict(headers)


async def _async_sleep(delay: float) -> None:
    # anyio (httpx2's own dependency) sleeps under asyncio and trio alike; imported on the
    # first retry, so a call that never retries does not pay for importing it.
    import anyio

    await anyio.sleep(delay)


def _check_http_client(http_client: object, expected: type[Any]) -> None:
    if isinstance(http_client, expected):
        return
    module = type(http_client).__module__
    if module == "httpx" or module.startswith("httpx."):
        raise TypeError(
            f"http_client is a legacy httpx.{type(http_client).__name__}; this SDK runs on httpx2, the maintained "
            f"continuation of httpx: pass the same configuration to httpx2.{expected.__name__}(...) instead"
        )
    raise TypeError(
        f"http_client must be an {expected.__module__}.{expected.__qualname__}, not {type(http_client).__name__}"
    )


class _BaseThreadsClient(Generic[HttpT]):
    """Everything but I/O: configuration, and turning a create_thread call into a CreateThreadCall."""

    _http: HttpT

    def __init__(
        self,
        base_url: str | None,
        *,
        api_key: str | NotGiven | None,
        headers: Mapping[str, str] | None,
        timeout: TimeoutArg | None,
        max_retries: int,
        http_client: HttpT | None,
        http_client_type: type[HttpT],
    ) -> None:
        url = httpx2.URL(base_url or os.environ.get("LANGGRAPH_API_URL") or DEFAULT_BASE_URL)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"base_url must be an http(s) URL, got {str(url)!r}")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int):
            raise TypeError(f"max_retries must be an int, not {type(max_retries).__name__}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        if http_client is not None:
            _check_http_client(http_client, http_client_type)
        key = _resolve_api_key(api_key)

        self.base_url = url
        self.max_retries = max_retries
        # A user's client keeps its own timeout unless one is given here.
        if timeout is not None:
            self.timeout = _check_timeout(timeout, "timeout")
        elif http_client is not None:
            self.timeout = http_client.timeout
        else:
            self.timeout = DEFAULT_TIMEOUT
        self._url = url.join(url.path.rstrip("/") + _ENDPOINT_PATH)
        self._origin = origin_of(url)
        self._log_url = str(self._url.copy_with(username=None, password=None, query=None))
        self._headers = {"user-agent": _USER_AGENT, **_ENDPOINT_HEADERS, **_check_headers(headers, "headers")}
        self._has_api_key = key is not None
        if key is not None:
            self._headers["x-api-key"] = key
        self._owns_http = http_client is None
        self._http = (
            http_client
            if http_client is not None
            else http_client_type(timeout=self.timeout, follow_redirects=False)
        )

    def __repr__(self) -> str:
        # Never the key itself, nor headers (which may carry it).
        key = "set" if self._has_api_key else "none"
        return (
            f"{type(self).__name__}(base_url={self._log_url[: -len(_ENDPOINT_PATH)]!r}, api_key={key}, "
            f"max_retries={self.max_retries})"
        )

    def _start(
        self,
        *,
        thread_id: uuid.UUID | str | None,
        metadata: Mapping[str, Any] | None,
        if_exists: Literal["raise", "do_nothing"],
        ttl: TTLArg | None,
        supersteps: Sequence[SuperstepArg] | None,
        graph_id: str | None,
        timeout: TimeoutArg | None,
        headers: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
    ) -> CreateThreadCall:
        prepared = prepare_create(
            thread_id=thread_id,
            metadata=metadata,
            if_exists=if_exists,
            ttl=ttl,
            supersteps=supersteps,
            graph_id=graph_id,
            extra_body=extra_body,
        )
        return CreateThreadCall(
            prepared,
            method=_ENDPOINT_METHOD,
            url=self._url,
            origin=self._origin,
            log_url=self._log_url,
            headers=self._headers if headers is None else {**self._headers, **_check_headers(headers, "headers")},
            timeout=self.timeout if timeout is None else _check_timeout(timeout, "timeout"),
            max_retries=self.max_retries,
        )


class ThreadsClient(_BaseThreadsClient[httpx2.Client]):
    """Creates threads on a LangGraph Agent Server. Safe to share across threads.

    `http_client`, when given, stays the caller's: close() leaves it open.
    """

    _sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | NotGiven | None = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx2.Client | None = None,
    ) -> None:
        super().__init__(
            base_url,
            api_key=api_key,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            http_client_type=httpx2.Client,
        )

    def create_thread(
        self,
        *,
        thread_id: uuid.UUID | str | None = None,
        metadata: Mapping[str, Any] | None = None,
        if_exists: Literal["raise", "do_nothing"] = "raise",
        ttl: TTLArg | None = None,
        supersteps: Sequence[SuperstepArg] | None = None,
        graph_id: str | None = None,
        timeout: TimeoutArg | None = None,
        headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Thread:
        """Create a thread; see the README and API.md for every argument and error."""
        call = self._start(
            thread_id=thread_id,
            metadata=metadata,
            if_exists=if_exists,
            ttl=ttl,
            supersteps=supersteps,
            graph_id=graph_id,
            timeout=timeout,
            headers=headers,
            extra_body=extra_body,
        )
        while True:
            request = call.request(self._http)
            try:
                response = self._http.send(request, follow_redirects=False)
            except httpx2.TransportError as exc:
                delay = call.on_error(exc)
            else:
                outcome = call.on_response(response)
                if isinstance(outcome, Thread):
                    return outcome
                delay = outcome
            if delay:
                self._sleep(delay)

    def close(self) -> None:
        """Release connections, unless the http_client is the caller's."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncThreadsClient(_BaseThreadsClient[httpx2.AsyncClient]):
    """Creates threads on a LangGraph Agent Server. Safe to share across tasks of one event loop.

    `http_client`, when given, stays the caller's: aclose() leaves it open. For many calls in
    flight, `http_client=DefaultAioHttpClient()` (extra `[aiohttp]`) costs far less CPU.
    """

    _sleep: Callable[[float], Awaitable[None]] = staticmethod(_async_sleep)

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | NotGiven | None = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx2.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            base_url,
            api_key=api_key,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            http_client_type=httpx2.AsyncClient,
        )

    async def create_thread(
        self,
        *,
        thread_id: uuid.UUID | str | None = None,
        metadata: Mapping[str, Any] | None = None,
        if_exists: Literal["raise", "do_nothing"] = "raise",
        ttl: TTLArg | None = None,
        supersteps: Sequence[SuperstepArg] | None = None,
        graph_id: str | None = None,
        timeout: TimeoutArg | None = None,
        headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Thread:
        """Create a thread; see the README and API.md for every argument and error."""
        call = self._start(
            thread_id=thread_id,
            metadata=metadata,
            if_exists=if_exists,
            ttl=ttl,
            supersteps=supersteps,
            graph_id=graph_id,
            timeout=timeout,
            headers=headers,
            extra_body=extra_body,
        )
        while True:
            request = call.request(self._http)
            try:
                response = await self._http.send(request, follow_redirects=False)
            except httpx2.TransportError as exc:
                delay = call.on_error(exc)
            else:
                outcome = call.on_response(response)
                if isinstance(outcome, Thread):
                    return outcome
                delay = outcome
            if delay:
                await self._sleep(delay)

    async def aclose(self) -> None:
        """Release connections, unless the http_client is the caller's."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
