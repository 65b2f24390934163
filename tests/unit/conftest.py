from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx

from tests.unit.drivers import BASE_URL, Driver

DriverFactory = Callable[..., Driver]


@pytest.fixture(params=["sync", "async"])
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
def api() -> Iterator[respx.MockRouter]:
    """The mocked server; any request to an unmocked URL fails the test."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False, assert_all_mocked=True) as router:
        yield router
