"""Clients across processes and event loops: what a forked child and a new loop must not reuse.

A connection belongs to the process and the event loop that opened it. A forked child
shares its parent's sockets (two processes would read each other's responses), and an
event loop that ended took its connections with it (using them fails deep inside with
"Event loop is closed"). The clients ask this module, and start a fresh pool of their own
when either happened. A pool the user passed (http_client) stays the user's: the SDK never
changes it, so make it in the process and the event loop that use it (the SDK still
checks that a 200 names the thread the call asked for).
"""

from __future__ import annotations

import os
import sys
import weakref
from types import TracebackType
from typing import Protocol, Self

__all__ = [
    "AsyncClosing",
    "ForkAware",
    "LoopBinding",
    "forget_after_fork",
    "running_loop",
]


class AsyncClosing:
    """`async with` for a class with `aclose()`: closed on the way out, whatever happened inside."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class ForkAware(Protocol):
    def _forget_inherited_connections(self) -> None: ...


_CLIENTS: weakref.WeakSet[ForkAware] = weakref.WeakSet()


def forget_after_fork(client: ForkAware) -> None:
    """Have `client` drop its inherited connections in a forked child."""
    _CLIENTS.add(client)


def _after_fork_in_child() -> None:
    for client in list(_CLIENTS):
        client._forget_inherited_connections()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def running_loop() -> object:
    """The running event loop (asyncio's, or trio's run token), told apart by identity."""
    asyncio = sys.modules.get("asyncio")  # not imported: no asyncio loop can be running
    if asyncio is not None:
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            pass
    trio = sys.modules.get("trio")
    return None if trio is None else trio.lowlevel.current_trio_token()


class LoopBinding:
    """The event loop whose connections a pool holds: bound by the first call."""

    __slots__ = ("loop",)

    def __init__(self) -> None:
        self.loop: object = None

    def moved(self) -> bool:
        """Bind to the running loop; True when the pool belongs to another loop, which has ended."""
        loop = running_loop()
        if loop is self.loop:
            return False
        moved = self.loop is not None
        self.loop = loop
        return moved

    def elsewhere(self) -> bool:
        """The pool belongs to a loop other than the running one (so it went with that loop)."""
        return self.loop is not None and running_loop() is not self.loop
