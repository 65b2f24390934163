from __future__ import annotations

from collections.abc import Iterator

import pytest

from scripts.agent_server.server import AgentServer
from tests.support.proxy import FaultProxy
from tests.support.proxy_fixture import proxy_in_front_of


@pytest.fixture
def proxy(dev_server: AgentServer) -> Iterator[FaultProxy]:
    """A fresh fault proxy in front of the session's real server; stopped after the test."""
    with proxy_in_front_of(dev_server.base_url) as fault_proxy:
        yield fault_proxy
