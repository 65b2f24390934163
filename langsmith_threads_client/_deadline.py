"""`timeout` bounds each attempt as a whole: connecting, sending and the whole answer.

httpx2's timeouts bound each wait on the socket (each connect, write and read), not an
attempt: a server that drips its answer a byte at a time, or sends informational (1xx)
answers without end, holds a call for as long as it likes. So each attempt also has a
deadline, `attempt_bound(timeout)` after it starts: the largest part of the
`httpx2.Timeout` (a number sets every part, so with `timeout=10` an attempt ends within
10 s). Each part still bounds its own wait, as in httpx2; a part that is None (no limit)
leaves the attempt without a deadline too.

How the deadline is kept, the same for sync and async, asyncio and trio: each sender
sets it (a context variable, so concurrent calls each have their own) around one attempt,
and httpx2's own transports get a network backend whose every connect, read and write
waits at most until it (`bound_transports`). Waiting past it raises httpcore's own
timeout, which httpx2 raises as ConnectTimeout, WriteTimeout or ReadTimeout: the errors
retries and exactly-once already decide on. DefaultAioHttpClient keeps the same deadline
with asyncio's own timeout. A custom transport of your own http_client cannot be reached
there; the sender still stops reading its answer at the deadline.
"""

from __future__ import annotations

import contextvars
import time

import httpx2

__all__ = ["DEADLINE", "attempt_bound", "bound_transports", "past_deadline", "wait_within"]

#: The monotonic time the running attempt must end by (None: no deadline).
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "langsmith_threads_client_deadline", default=None
)


def attempt_bound(timeout: httpx2.Timeout) -> float | None:
    """Seconds one attempt may take as a whole: the largest part, or None when a part has no limit."""
    connect, read, write, pool = timeout.connect, timeout.read, timeout.write, timeout.pool
    if connect is None or read is None or write is None or pool is None:
        return None
    return max(connect, read, write, pool)


def past_deadline() -> bool:
    deadline = DEADLINE.get()
    return deadline is not None and time.monotonic() >= deadline


def wait_within(timeout: float | None, error: type[Exception]) -> float | None:
    """`timeout` (one wait's own bound) cut to what is left of the attempt; raise `error` when nothing is."""
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the attempt's whole bound (its timeout) passed")
    return left if timeout is None or timeout > left else timeout


def bound_transports(http: httpx2.Client | httpx2.AsyncClient) -> None:
    """Have httpx2's own transports of `http` keep each attempt's deadline (see the module's docstring)."""
    from ._bounded_io import bound_pools  # imports httpcore2, as httpx2's transports do when built

    bound_pools(http)
