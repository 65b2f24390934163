"""How much of one answer the SDK reads: the cap on a response's size, and the content codings.

Both senders read every answer as a stream of decoded pieces (httpx2's and aiohttp's own
decoders each inflate a piece in bounded steps, at most 1 MiB at a time) into a `Body`,
which keeps them until their total passes the cap and then stops the read: a small gzip
body that inflates to gigabytes, an endless chunked body or a huge error page cost at most
the cap, never the whole of it. The cap counts decoded bytes, what the SDK would hold.

A chain of content codings is bounded too (as urllib3 bounds it, at five): each one is a
decoder, and a server could stack them without end.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx2

__all__ = ["FIRST_BYTES", "MAX_ENCODINGS", "Body", "check_max_response_bytes", "encoding_error", "too_many_encodings"]

MAX_ENCODINGS = 5
# What a too-large answer's error keeps of it: enough to see what the server sent.
FIRST_BYTES = 64 * 1024
_NOT_CODINGS = frozenset({"", "identity"})


class Body:
    """The decoded pieces of one answer, at most `limit` bytes of them (None: no limit)."""

    __slots__ = ("_chunks", "_limit", "size")

    def __init__(self, limit: int | None) -> None:
        self._chunks: list[bytes] = []
        self._limit = limit
        self.size = 0

    def add(self, chunk: bytes) -> bool:
        """Keep `chunk`; False (keeping only what fits) once the answer is past the limit."""
        before = self.size
        self.size += len(chunk)
        limit = self._limit
        if limit is not None and self.size > limit:
            if before < FIRST_BYTES:  # the error shows the first bytes: keep them, up to the limit
                self._chunks.append(chunk[: min(limit, FIRST_BYTES) - before])
            return False
        self._chunks.append(chunk)
        return True

    def content(self) -> bytes:
        """The whole answer (only for one within the limit)."""
        chunks = self._chunks
        if len(chunks) == 1:
            return chunks[0]  # the usual answer: one piece, no copy
        return b"".join(chunks)

    def first_bytes(self) -> bytes:
        """The answer's first bytes (at most FIRST_BYTES), for the error that says it was too large."""
        first: list[bytes] = []
        size = 0
        for chunk in self._chunks:
            first.append(chunk[: FIRST_BYTES - size])
            size += len(first[-1])
            if size >= FIRST_BYTES:
                break
        self._chunks = []  # the rest is dropped here, before an error is built
        return b"".join(first)


def too_many_encodings(content_encoding: str | None) -> str | None:
    """Why an answer with this Content-Encoding is not decoded (too many codings), or None."""
    if content_encoding is None:
        return None
    codings = [coding for coding in content_encoding.split(",") if coding.strip().lower() not in _NOT_CODINGS]
    if len(codings) <= MAX_ENCODINGS:
        return None
    return f"the answer has {len(codings)} content codings; at most {MAX_ENCODINGS} are decoded"


def encoding_error(
    content_encoding: str | None, request: Callable[[], httpx2.Request]
) -> httpx2.RemoteProtocolError | None:
    """The error for an answer whose codings are not decoded: like a broken body, the server may have acted.

    `request` builds the attempt's request, only for the error (building one costs more than the check).
    """
    reason = too_many_encodings(content_encoding)
    return None if reason is None else httpx2.RemoteProtocolError(reason, request=request())


def check_max_response_bytes(value: object, name: str) -> int | None:
    """A positive number of bytes, or None for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int (bytes) or None, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive number of bytes (None means no limit), got {value}")
    return value
