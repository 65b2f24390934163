from __future__ import annotations

from collections.abc import Iterator

import pytest

from scripts.agent_server.server import AgentServer
from tests.faults.proxy import FaultProxy

# Longer than every client timeout used with Fault.DELAY, so a delayed answer always arrives too late.
PROXY_DELAY = 2.0


@pytest.fixture
def proxy(dev_server: AgentServer) -> Iterator[FaultProxy]:
    """A fresh fault proxy in front of the session's real server; stopped after the test."""
    with FaultProxy(dev_server.base_url, delay=PROXY_DELAY) as fault_proxy:
        yield fault_proxy
    stats = fault_proxy.stats()
    assert stats.upstream_errors == 0, f"the proxy itself failed to reach the server: {stats}"
