"""Fixtures for the integration tests: the SDK against the real Agent Server.

``sdk`` runs each test three times, with ThreadsClient, AsyncThreadsClient and
AsyncThreadsClient on DefaultAioHttpClient, behind one synchronous face (see ``tests/support/driver.py``),
so every test reads once, like the contract, and proves it for both clients and both
async transports. ``marker`` is metadata unique to the test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from scripts.agent_server.server import AgentServer
from tests.support.driver import Driver
from tests.support.kinds import CLIENT_KINDS


@pytest.fixture(params=CLIENT_KINDS, ids=str)
def sdk(request: pytest.FixtureRequest, dev_server: AgentServer) -> Iterator[Driver]:
    """The SDK against the session's real Agent Server; closed (connections released) after the test."""
    with Driver(request.param, dev_server.base_url) as driver:
        yield driver


@pytest.fixture
def marker() -> dict[str, str]:
    """Metadata unique to this test, to find its threads on the shared server with ``search_threads``."""
    return {"test_marker": uuid.uuid4().hex}
