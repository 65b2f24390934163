"""Each attempt's whole bound on asyncio, with one timer per event loop instead of one per attempt.

DefaultAioHttpClient keeps the attempt's deadline (`_deadline.py`) by cancelling the task
that sends it, as `asyncio.timeout` would; but `asyncio.timeout` schedules and cancels a
timer for every attempt, which with many calls in flight costs the aiohttp path a few
percent of its CPU. Here attempts only note their deadline; one timer, set for the
earliest, wakes to cancel the attempts that are past theirs and sets itself again. With
one timeout for every call (the usual case) a new deadline is never the earliest, so an
attempt costs two dict operations.
"""

from __future__ import annotations

import asyncio
import math

__all__ = ["Watchdog"]


class Watchdog:
    """The deadlines of the attempts running on one event loop; cancels those past theirs."""

    __slots__ = ("_deadlines", "_expired", "_handle", "_loop", "_when")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._deadlines: dict[asyncio.Task[object], float] = {}
        self._expired: set[asyncio.Task[object]] = set()
        self._handle: asyncio.TimerHandle | None = None
        self._when = math.inf

    def watch(self, task: asyncio.Task[object], bound: float) -> None:
        """`task` is sending an attempt that must end within `bound` seconds."""
        deadline = self._loop.time() + bound
        self._deadlines[task] = deadline
        if deadline < self._when:
            self._wake_at(deadline)

    def unwatch(self, task: asyncio.Task[object]) -> bool:
        """`task`'s attempt has ended; True when it ended because the watchdog cancelled it."""
        self._deadlines.pop(task, None)
        if task in self._expired:
            self._expired.discard(task)
            return True
        return False

    def _wake_at(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._when = when
        self._handle = self._loop.call_at(when, self._check)

    def _check(self) -> None:
        self._handle, self._when = None, math.inf
        now = self._loop.time()
        for task, deadline in list(self._deadlines.items()):
            if deadline <= now:
                del self._deadlines[task]
                self._expired.add(task)
                task.cancel()
        if self._deadlines:
            self._wake_at(min(self._deadlines.values()))
