from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest

from tests.support.driver import Driver
from tests.support.kinds import ClientKind
from tests.unit.mock_server import MockServer
from tests.unit.mocks import BASE_URL

DriverFactory = Callable[..., Driver]


@pytest.fixture(params=[ClientKind.SYNC, ClientKind.ASYNC], ids=str)
def make_client(request: pytest.FixtureRequest) -> Iterator[DriverFactory]:
    """Build a ThreadsClient or an AsyncThreadsClient (the test runs once with each)."""
    made: list[Driver] = []

    def make(**client_kwargs: Any) -> Driver:
        # The mocks sit behind httpx2's transports (the api fixture), so no aiohttp kind here.
        client_kwargs.setdefault("api_key", None)
        driver = Driver(request.param, client_kwargs.pop("base_url", BASE_URL), record_sleeps=True, **client_kwargs)
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
