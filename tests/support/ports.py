"""Loopback ports for tests: one free to listen on, one where nothing listens."""

from __future__ import annotations

# The one implementation: the testing kit's, which starts its servers on such ports.
from langsmith_threads_client.testing._process import find_free_port as free_port

__all__ = ["closed_port", "free_port"]


def closed_port() -> int:
    """A loopback port nothing listens on (connecting is refused)."""
    return free_port()
