"""Loopback ports for tests: one free to listen on, one where nothing listens."""

from __future__ import annotations

import socket

__all__ = ["closed_port", "free_port"]


def free_port(host: str = "127.0.0.1") -> int:
    """Bind ``host:0``, read the port the kernel chose, close the socket."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def closed_port() -> int:
    """A loopback port nothing listens on (connecting is refused)."""
    return free_port()
