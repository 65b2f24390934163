"""Which failures are retried, and how long to wait: pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

import httpx2

from ._retry_after import MAX_RETRY_AFTER, server_wait

__all__ = [
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "RETRYABLE_STATUSES",
    "SendAgain",
    "is_retryable_error",
    "may_have_reached_server",
    "retry_delay",
    "server_wait",
]

@dataclass(frozen=True, slots=True)
class SendAgain:
    """A call's outcome other than its Thread: send the next request after `delay` seconds.

    Whether it was a retry (counted against max_retries) or not (a same-origin redirect, the
    fetch of the thread a lost attempt created) is the call's own bookkeeping: the loop that
    sends only needs the delay.
    """

    delay: float


RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0

# Statuses that say the request was not acted on; any other failure may have created the thread.
_NOT_PROCESSED_STATUSES = frozenset({408, 429, 503})


def is_retryable_error(exc: httpx2.TransportError) -> bool:
    """Network failures are worth another try; a malformed request or URL is not."""
    return not isinstance(exc, httpx2.UnsupportedProtocol | httpx2.LocalProtocolError)


def may_have_reached_server(failure: httpx2.TransportError | int) -> bool:
    """Could the failed attempt (an error, or a retryable status) have created the thread?

    Only a failure to connect proves it did not (DefaultAioHttpClient raises aiohttp's
    failures as the httpx2 errors that say the same).
    """
    if isinstance(failure, int):
        return failure not in _NOT_PROCESSED_STATUSES
    return not isinstance(failure, httpx2.ConnectError | httpx2.ConnectTimeout | httpx2.PoolTimeout)


def retry_delay(retry_number: int, wait: float | None, jitter: float) -> float:
    """Seconds to wait before retry number `retry_number` (1-based).

    `jitter` is a random fraction in [0, 1) that shortens the exponential backoff by up
    to a quarter, so clients that failed together do not retry together. The server's
    `wait` (from `server_wait`) wins over the backoff; the caller retries only when it is
    at most MAX_RETRY_AFTER.
    """
    if wait is not None:
        return min(wait, MAX_RETRY_AFTER)
    backoff = min(INITIAL_RETRY_DELAY * 2.0 ** (retry_number - 1), MAX_RETRY_DELAY)
    return backoff * (1.0 - 0.25 * jitter)
