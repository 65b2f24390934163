"""Fixtures for the conformance suite: every scenario on every server kind, with every client.

``server`` (tests/agent_server/pytest_plugin.py) is each selected kind in turn; ``sdk`` runs
each test with ThreadsClient, AsyncThreadsClient and AsyncThreadsClient on
DefaultAioHttpClient; ``behaviour`` is what tests/conformance/observed.py says the kind
answers; ``marker`` is metadata unique to the test, so a test counts its own threads.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from scripts.agent_server.server import AgentServer
from tests.conformance.observed import KINDS, Behaviour
from tests.support.driver import Driver
from tests.support.kinds import CLIENT_KINDS, ClientKind
from tests.support.proxy import FaultProxy
from tests.support.proxy_fixture import proxy_in_front_of


@pytest.fixture(params=CLIENT_KINDS, ids=str)
def sdk(request: pytest.FixtureRequest, server: AgentServer) -> Iterator[Driver]:
    """The SDK against this kind's server; closed (connections released) after the test."""
    kind: ClientKind = request.param
    with Driver(kind, server.base_url) as driver:
        yield driver


@pytest.fixture
def behaviour(server_kind: str) -> Behaviour:
    return KINDS[server_kind]


@pytest.fixture
def marker() -> dict[str, str]:
    return {"test_marker": uuid.uuid4().hex}


@pytest.fixture
def proxy(server: AgentServer) -> Iterator[FaultProxy]:
    """A fresh fault proxy in front of this kind's server; stopped after the test."""
    with proxy_in_front_of(server.base_url) as fault_proxy:
        yield fault_proxy
