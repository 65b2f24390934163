"""What must never be printed, logged or pickled: credential headers and URL userinfo.

One list and one placeholder for errors (the requests and responses they keep) and for
log records alike.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import httpx2

__all__ = ["CREDENTIAL_HEADERS", "REDACTED", "redacted_mapping", "redacted_request", "redacted_response"]

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
    request = response._request  # .request raises when a response was built without one
    if request is not None:
        clone.request = redacted_request(request)
    clone.history = []
    clone.next_request = None
    # The copy protocol leaves extensions behind; the server's own reason phrase is worth keeping.
    reason = response.extensions.get("reason_phrase")
    if isinstance(reason, bytes):
        clone.extensions = {"reason_phrase": reason}
    return clone
