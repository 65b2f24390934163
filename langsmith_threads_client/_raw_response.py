"""The seam's values: the Attempt a sender is handed, and what it returns for it (httpx2's
own Response, or the leaner RawResponse) or raises past the cap (AnswerTooLarge).

Kept apart from `_response.py` (which parses answers with the generated layer) so that the
aiohttp transport can be imported without loading the generated models.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import httpx2

__all__ = ["AnswerTooLarge", "Attempt", "RawResponse", "SentResponse", "as_httpx"]

# json.loads' own decoder (json.loads without options decodes with one like it).
_DECODE = json.JSONDecoder().decode

# Already undone by the sender that read the body; an httpx2.Response built from it must not decode again.
_DECODED_HEADERS = frozenset({b"content-encoding", b"transfer-encoding"})


class RawResponse:
    """A complete response as a sender read it (its body decoded, within the cap): what the call logic reads.

    Parsing a Thread and deciding a retry need only the status, a few headers and the
    body, so building an httpx2.Response (and its Request) is left to the error path:
    `to_httpx()`, for the errors whose `.response` is an httpx2.Response.
    """

    __slots__ = ("_http_version", "_raw_headers", "_request", "content", "headers", "reason_phrase", "status_code")
    status_code: int
    reason_phrase: str
    headers: Mapping[str, str]
    content: bytes

    def __init__(
        self,
        status_code: int,
        reason_phrase: str,
        headers: Mapping[str, str],
        raw_headers: Sequence[tuple[bytes, bytes]] | httpx2.Headers,
        content: bytes,
        request: Callable[[], httpx2.Request],
        http_version: bytes = b"HTTP/1.1",
    ) -> None:
        self.status_code = status_code
        self.reason_phrase = reason_phrase
        self.headers = headers  # case-insensitive
        self.content = content  # the whole body, decoded
        self._raw_headers = raw_headers  # httpx2's Headers as they are: their raw list is built on the error path
        self._request = request
        self._http_version = http_version

    def json(self) -> Any:
        """The body as json.loads reads it (the same value or error): for an object's body, decoded
        as the UTF-8 that json.loads would detect there, without its detection (a fifth of a parse)."""
        content = self.content
        if content[:1] == b"{" and content[1:2] != b"\x00":
            return _DECODE(content.decode("utf-8", "surrogatepass"))
        return json.loads(content)

    def to_httpx(self) -> httpx2.Response:
        raw = self._raw_headers.raw if isinstance(self._raw_headers, httpx2.Headers) else self._raw_headers
        headers = [(name, value) for name, value in raw if name.lower() not in _DECODED_HEADERS]
        extensions = {
            "http_version": self._http_version,
            "reason_phrase": self.reason_phrase.encode("ascii", "replace"),
        }
        return httpx2.Response(
            self.status_code, headers=headers, content=self.content, request=self._request(), extensions=extensions
        )


#: What a sender returns: httpx2's own response, or the leaner one of another sender.
SentResponse = httpx2.Response | RawResponse


def as_httpx(response: SentResponse) -> httpx2.Response:
    return response if isinstance(response, httpx2.Response) else response.to_httpx()


class Attempt(NamedTuple):
    """One attempt, whole, as a sender is handed it (as an httpx transport sees one Request).

    What to send; `bound`, the seconds the attempt may take as a whole (None: no bound);
    `max_bytes`, the most of its answer to read, counted after decoding (None: no limit).
    A sender reads it and returns a response, or raises the httpx2.TransportError it met
    or AnswerTooLarge; it never sees the call that made the attempt.
    """

    method: str
    url: httpx2.URL
    headers: Mapping[str, str]
    content: bytes
    timeout: httpx2.Timeout
    bound: float | None
    max_bytes: int | None

    def request(self, http: httpx2.Client | httpx2.AsyncClient | None = None) -> httpx2.Request:
        """The attempt as an httpx2.Request: built by `http` (with its own defaults), or on its own."""
        method, url, headers, content, timeout = self.method, self.url, self.headers, self.content, self.timeout
        if http is None:
            extensions = {"timeout": timeout.as_dict()}
            return httpx2.Request(method, url, headers=headers, content=content, extensions=extensions)
        return http.build_request(method, url, content=content, headers=headers, timeout=timeout)


class AnswerTooLarge(Exception):
    """A sender stopped reading an answer at the attempt's `max_bytes`; `response` holds its first bytes.

    The call turns it into ResponseTooLargeError (which says whether the thread may exist).
    """

    def __init__(self, response: RawResponse) -> None:
        super().__init__(response.status_code)
        self.response = response
