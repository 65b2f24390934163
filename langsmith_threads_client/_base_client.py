"""What ThreadsClient and AsyncThreadsClient share: configuration, and turning a
create_thread call into a CreateThreadCall (`_client.py` has the two clients, which differ
only in how they send and sleep)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

import httpx2

from ._aiohttp import DefaultAioHttpClient
from ._arguments import CreateArgs, TimeoutArg
from ._body import check_max_response_bytes
from ._config import check_api_key, check_base_url, check_headers, check_max_retries, check_timeout
from ._defaults import (
    API_KEY_ENV_VARS,
    BASE_URL_ENV_VAR,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    USER_AGENT,
    NotGiven,
)
from ._lifecycle import drop_pooled_connections, forget_after_fork
from ._options import derive

if TYPE_CHECKING:
    from ._call import CreateThreadCall, Target

__all__ = ["HttpT", "_BaseThreadsClient"]

HttpT = TypeVar("HttpT", httpx2.Client, httpx2.AsyncClient | DefaultAioHttpClient)


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
        # In a forked child: the pool's sockets are the parent's too. Drop them without
        # closing (closing could shut down what the parent still reads) and start afresh.
        if self._owns_http and not self._closed:
            self._use_http(self._new_http())
        else:
            drop_pooled_connections(self._http)

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
        return derive(self, timeout=timeout, max_retries=max_retries, headers=headers)

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
