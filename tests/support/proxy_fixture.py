"""The fault proxy in front of a server, as the faults and conformance suites' ``proxy`` fixtures give it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from tests.support.proxy import FaultProxy

__all__ = ["PROXY_DELAY", "proxy_in_front_of"]

# Longer than every client timeout used with Fault.DELAY, so a delayed answer always arrives too late.
PROXY_DELAY = 2.0


@contextlib.contextmanager
def proxy_in_front_of(base_url: str) -> Iterator[FaultProxy]:
    """A fresh fault proxy in front of ``base_url``; stopped after, and checked it reached the server."""
    with FaultProxy(base_url, delay=PROXY_DELAY) as fault_proxy:
        yield fault_proxy
    stats = fault_proxy.stats()
    assert stats.upstream_errors == 0, f"the proxy itself failed to reach the server: {stats}"
