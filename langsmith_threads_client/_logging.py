"""What the SDK prints: its logger, short reprs of values, and what never gets printed.

One DEBUG record per attempt and nothing at INFO on the happy path. Values shown in error
messages are cut (`short_repr`), so a message never copies a huge value. Credential
headers and URL userinfo never get printed, logged or pickled: one list and one
placeholder serve the errors (the requests and responses they keep) and log records alike.
"""

from __future__ import annotations

import copy
import logging
import reprlib
from collections.abc import Mapping
from typing import Any

import httpx2

__all__ = [
    "CREDENTIAL_HEADERS",
    "REDACTED",
    "SensitiveHeadersFilter",
    "logger",
    "redacted_mapping",
    "redacted_request",
    "redacted_response",
    "short_repr",
]

# --- short reprs ---------------------------------------------------------------------------------

LIMIT = 120
_REPR = reprlib.Repr()
_REPR.maxstring = LIMIT
_REPR.maxother = LIMIT
_REPR.maxlevel = 3


def short_repr(value: object, limit: int = LIMIT) -> str:
    """repr(value) cut to about `limit` characters, with the size of a long str/bytes."""
    if isinstance(value, str | bytes | bytearray | memoryview):
        size = len(value)
        if size <= limit:
            return repr(value)
        unit = "characters" if isinstance(value, str) else "bytes"
        # Slice before repr (repr of 10 MB of bytes is 10 MB or more), and after: escapes grow it.
        return f"{repr(value[:limit])[:limit]}... ({size:,} {unit})"
    if isinstance(value, int) and value.bit_length() > 256:
        return f"<int of {value.bit_length():,} bits>"  # str() of a huge int is slow, or raises
    try:
        text = _REPR.repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else f"{text[:limit]}..."


# --- redaction -----------------------------------------------------------------------------------

# Their names stay, so a reader still sees that a key was sent; their values go.
CREDENTIAL_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie", "set-cookie"})
REDACTED = "[redacted]"
_REDACTED_BYTES = REDACTED.encode()


def redacted_mapping(mapping: Mapping[Any, Any]) -> dict[Any, Any]:
    """A copy of `mapping` (headers, say) with the values of credential names replaced."""
    return {
        key: REDACTED if isinstance(key, str) and key.lower() in CREDENTIAL_HEADERS else value
        for key, value in mapping.items()
    }


def _redacted_headers(headers: httpx2.Headers) -> httpx2.Headers:
    # The raw bytes, so a response header that is not ASCII survives the copy as it came.
    return httpx2.Headers(
        [
            (name, _REDACTED_BYTES if name.decode("latin-1").lower() in CREDENTIAL_HEADERS else value)
            for name, value in headers.raw
        ]
    )


def redacted_request(request: httpx2.Request) -> httpx2.Request:
    """A copy of `request` without credentials: what an error may keep, print and pickle."""
    # httpx2's own copy protocol: the body kept, the stream and extensions left behind.
    clone = copy.copy(request)
    clone.headers = _redacted_headers(request.headers)
    clone.url = request.url.copy_with(username=None, password=None)
    return clone


def redacted_response(response: httpx2.Response) -> httpx2.Response:
    """A copy of `response` (read body, status, headers) whose request and headers carry no credentials."""
    clone = copy.copy(response)
    clone.headers = _redacted_headers(response.headers)
    try:
        request: httpx2.Request | None = response.request
    except RuntimeError:  # (a response built without a request has none to copy)
        request = None
    if request is not None:
        clone.request = redacted_request(request)
    clone.history = []
    clone.next_request = None
    # The copy protocol leaves extensions behind; the server's own reason phrase is worth keeping.
    reason = response.extensions.get("reason_phrase")
    if isinstance(reason, bytes):
        clone.extensions = {"reason_phrase": reason}
    return clone


# --- the logger ----------------------------------------------------------------------------------


class SensitiveHeadersFilter(logging.Filter):
    """Redacts credential headers from any mapping passed as a log argument.

    The SDK never logs headers itself; this guards a future record (or a handler's own
    formatting of `args`) against ever carrying the key.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's mapping arguments in place; never drops a record."""
        if isinstance(record.args, Mapping):
            record.args = redacted_mapping(record.args)
        elif isinstance(record.args, tuple):
            record.args = tuple(redacted_mapping(arg) if isinstance(arg, Mapping) else arg for arg in record.args)
        return True


logger = logging.getLogger("langsmith_threads_client")
logger.addFilter(SensitiveHeadersFilter())
