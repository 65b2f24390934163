from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest

from tests.support.kinds import ClientKind
from tests.unit.drivers import BASE_URL, Driver
from tests.unit.mock_server import MockServer

DriverFactory = Callable[..., Driver]


@pytest.fixture(params=[ClientKind.SYNC, ClientKind.ASYNC], ids=str)
def make_client(request: pytest.FixtureRequest) -> Iterator[DriverFactory]:
    """Build a ThreadsClient or an AsyncThreadsClient (the test runs once with each)."""
    made: list[Driver] = []

    def make(**client_kwargs: Any) -> Driver:
        driver = Driver(request.param, **client_kwargs)
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.close()


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> MockServer:
    """The mocked server behind httpx2's default transports; a request to an unmocked URL fails the test."""
    server = MockServer(BASE_URL)

    def handle(transport: httpx2.HTTPTransport, request: httpx2.Request) -> httpx2.Response:
        return server.handle(request)

    async def handle_async(transport: httpx2.AsyncHTTPTransport, request: httpx2.Request) -> httpx2.Response:
        return await server.handle_async(request)

    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", handle)
    monkeypatch.setattr(httpx2.AsyncHTTPTransport, "handle_async_request", handle_async)
    return server
