"""The wait a server asks for (`retry-after-ms`, `Retry-After` in seconds or as an HTTP date),
and the longest the SDK waits: read by the retry policy and by the errors that carry it."""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["MAX_RETRY_AFTER", "server_wait"]

# The longest Retry-After the SDK waits for. A server asking for longer gets no retry: the
# call raises at once and the error carries the wait (`.retry_after`), since a retry sent
# early is wasted and a call that sleeps for an hour looks hung.
MAX_RETRY_AFTER = 60.0


def _retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """The server's wait, from `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return float(milliseconds) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    import email.utils  # only for an HTTP-date Retry-After: email is slow to import

    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return float(email.utils.mktime_tz(parsed)) - now


def server_wait(headers: Mapping[str, str], now: float) -> float | None:
    """The seconds the server asked the client to wait (0 for a date in the past), or None
    when it sent no readable `retry-after-ms` or `Retry-After`."""
    wait = _retry_after_seconds(headers, now)
    if wait is None or not math.isfinite(wait):
        return None
    return max(wait, 0.0)
