"""What a request and its outcome are between the fake and its plugs, and the records a test reads.

The plugs (`_transport.py`: httpx2's transport seam; `_serve.py`: a real HTTP/1.1
server on loopback) turn bytes into an `Incoming`, hand it to an `Exchange`
(the FakeAgentServer), and act on the `Outcome`: answer, reset the connection, close
it, or wait first. They import this module, never the fake's, so nothing imports in a circle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol

from ._json import dump_answer, dump_error

__all__ = [
    "JSON_HEADERS",
    "Answer",
    "Exchange",
    "FaultKind",
    "FaultRecord",
    "Incoming",
    "Outcome",
    "RecordedRequest",
    "Reject",
    "crash",
    "error",
    "json_answer",
]

FaultKind = Literal["fail", "reset", "lost", "delay"]
JSON_HEADERS = (("content-type", "application/json"), ("vary", "Origin"))


# --------------------------------------------------------------------------- public records
@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received, whichever way it came (transport or socket).

    `path` and `query` are as sent (not percent-decoded); `headers` has lower-cased
    names (repeated headers joined with `", "`); `content` is the raw body and
    `body` its JSON value, or the raw bytes when it is not JSON (`b""` for none).
    """

    method: str
    path: str
    query: str
    headers: dict[str, str]
    content: bytes
    body: Any


class FaultRecord(NamedTuple):
    """A queued fault that met a request.

    `stored` is True when the fake acted on the request before the fault hid the
    answer (a `lost` response, a `fail` or `reset` with `after_store=True`, a `delay`) and
    afterwards holds the thread the request names, whether this request created it or it
    was there before (a retry). A `fail` or `reset` before storing never acts: False;
    nor does a request the fake refused (a 422 has no thread).
    `thread_id` is the id the request named (lower-case dashed), the one the fake
    assigned when it acted on a request that named none, or None.
    """

    kind: FaultKind
    stored: bool
    thread_id: str | None


# --------------------------------------------------------------------------- the exchange
# Plain classes with __slots__, not dataclasses: building a dataclass costs about a millisecond
# at import, and these are many.
class Incoming:
    """A request as the plugs hand it over: `target` is the path and query as sent."""

    __slots__ = ("content", "headers", "method", "origin", "target")

    def __init__(self, method: str, target: str, headers: list[tuple[str, str]], content: bytes, origin: str) -> None:
        self.method = method
        self.target = target
        self.headers = headers
        self.content = content
        self.origin = origin  # scheme://host[:port], for the absolute Location of a redirect


class Answer:
    __slots__ = ("body", "close", "content_length", "headers", "status")

    def __init__(
        self,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        close: bool = False,
        content_length: int | None = None,
    ) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.close = close  # close the connection after this answer (a crash of the real server)
        self.content_length = content_length  # when not len(body): the answer to a HEAD request


class Outcome:
    """What the plug does: answer (after `delay` seconds), or give no answer at all."""

    __slots__ = ("action", "answer", "delay")

    def __init__(
        self, action: Literal["answer", "reset", "close"], answer: Answer | None = None, delay: float = 0.0
    ) -> None:
        self.action = action
        self.answer = answer
        self.delay = delay


class Exchange(Protocol):
    """What the plugs need of the fake: one request in, one outcome out; and which servers run.

    Private names: they are the plugs' business, not the fake's public API.
    """

    def _exchange(self, incoming: Incoming, /) -> Outcome: ...

    def _serve_started(self, base_url: str, /) -> None: ...

    def _serve_stopped(self, base_url: str, /) -> None: ...


# --------------------------------------------------------------------------- answers
class Reject(Exception):
    """An error answer, raised from inside a handler."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


def json_answer(status: int, value: Any, headers: Iterable[tuple[str, str]] = ()) -> Answer:
    return Answer(status, [*headers, *JSON_HEADERS], dump_answer(value))


def error(status: int, detail: str, headers: Iterable[tuple[str, str]] = ()) -> Answer:
    return Answer(status, [*headers, *JSON_HEADERS], dump_error(detail))


def crash() -> Answer:
    """What uvicorn answers when the server's handler raises: a plain-text 500, then it drops the connection."""
    return Answer(500, [("content-type", "text/plain; charset=utf-8")], b"Internal Server Error", close=True)
