"""Fixtures for the tests of the testing kit: a fresh fake per test, and the SDK's clients plugged into it.

``fake`` is a FakeAgentServer with this project's test graph (``echo``: ``start`` ->
``step``); ``sdk`` / ``make_sdk(**client_kwargs)`` one of the SDK's public clients on it,
the test running once per way of plugging it in (``plugs.Plug``); ``raw`` plain httpx2
on the fake's transport, for requests the SDK would never send.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx2
import pytest

from langsmith_threads_client.testing import FakeAgentServer
from tests.support.driver import Driver
from tests.support.graph import GRAPH_ID, NODES
from tests.testing.plugs import FAKE_URL, MakeDriver, Plug, plugged


@pytest.fixture
def fake() -> FakeAgentServer:
    return FakeAgentServer(graphs={GRAPH_ID: list(NODES)})


@pytest.fixture(params=list(Plug), ids=str)
def plug(request: pytest.FixtureRequest) -> Plug:
    plug: Plug = request.param
    return plug


@pytest.fixture
def make_sdk(fake: FakeAgentServer, plug: Plug) -> Iterator[MakeDriver]:
    """``make_sdk(**client_kwargs)``: the test's client kind on ``fake`` (closed, and any server stopped, after it)."""
    with contextlib.ExitStack() as stack:

        def make(**client_kwargs: object) -> Driver:
            return plugged(plug, fake, stack, **client_kwargs)

        yield make


@pytest.fixture
def sdk(make_sdk: MakeDriver) -> Driver:
    return make_sdk()


@pytest.fixture
def raw(fake: FakeAgentServer) -> Iterator[httpx2.Client]:
    with httpx2.Client(transport=fake.transport(), base_url=FAKE_URL) as client:
        yield client
