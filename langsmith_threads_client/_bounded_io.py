"""httpcore's network backends, each wait cut to what is left of the attempt (see `_deadline.py`).

httpx2 builds its transports on httpcore2's connection pools, which make every connection
through one network backend: wrapping that backend reaches every connect, TLS handshake,
write and read of every connection the pool will make, on any event loop (httpcore's own
backends, for sync code, asyncio and trio, do the waiting). Without a deadline set (a
request the SDK did not send), the wrappers change nothing.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import Any

import httpcore2
import httpx2

from ._deadline import wait_within

__all__ = ["AsyncBackend", "Backend", "bound_pools"]


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


def bound_pools(http: httpx2.Client | httpx2.AsyncClient) -> int:
    """Wrap the network backend of each httpcore2 pool behind `http`'s transports; how many were wrapped.

    httpx2 has no public way to give its transports a network backend, so this reaches the
    pools it builds (`_transport`, `_mounts`, each one's `_pool`), as `_lifecycle` does after
    fork; a transport of another kind is left alone (tests/unit/test_deadline.py fails
    if httpx2 moves these).
    """
    wrapped = 0
    for transport in (getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()):
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, Backend | AsyncBackend) or backend is None:
            continue
        if isinstance(backend, httpcore2.AsyncNetworkBackend):
            pool._network_backend = AsyncBackend(backend)  # type: ignore[union-attr]
        elif isinstance(backend, httpcore2.NetworkBackend):
            pool._network_backend = Backend(backend)  # type: ignore[union-attr]
        else:
            continue
        wrapped += 1
    return wrapped
