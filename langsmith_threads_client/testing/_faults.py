"""The faults a test queues for ``POST /threads``: what each is, its checked arguments, and what it does.

A fault meets the next ``POST /threads``: ``fail`` answers a status, ``reset`` gives no
answer at all (an RST), ``lost`` acts on the request and closes without answering, ``delay``
acts at once and answers late. ``fail`` and ``reset`` act first only with ``after_store``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ._exchange import JSON_HEADERS, Answer, FaultKind, FaultRecord, Outcome, crash
from ._handlers import create_thread, named_uuid
from ._json import dump_answer, dump_error
from ._store import ThreadStore

__all__ = ["Fault", "apply", "checked_times", "delay", "failure"]


# A plain class with __slots__, not a dataclass: building a dataclass costs about a millisecond
# at import.
class Fault:
    __slots__ = ("after_store", "body", "headers", "kind", "seconds", "status")

    def __init__(
        self,
        kind: FaultKind,
        *,
        status: int = 0,
        headers: Sequence[tuple[str, str]] = (),
        body: bytes = b"",
        after_store: bool = False,
        seconds: float = 0.0,
    ) -> None:
        self.kind = kind
        self.status = status
        self.headers = list(headers)
        self.body = body
        self.after_store = after_store
        self.seconds = seconds


def failure(status: int, retry_after: float | str | None, body: Any, after_store: bool) -> Fault:
    """A ``fail`` fault, its arguments checked (see ``FakeAgentServer.fail_next``)."""
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        raise ValueError(f"status must be an HTTP status from 200 to 599, not {status!r}")
    headers: list[tuple[str, str]] = []
    if retry_after is not None:
        if isinstance(retry_after, str):
            headers.append(("retry-after", retry_after))
        elif isinstance(retry_after, int | float) and not isinstance(retry_after, bool) and retry_after >= 0:
            headers.append(("retry-after", format(retry_after, "g")))
        else:
            raise ValueError(f"retry_after must be seconds (>= 0) or a string, not {retry_after!r}")
    if body is None:
        import httpx2

        content = dump_error(httpx2.codes.get_reason_phrase(status) or str(status))
        headers.extend(JSON_HEADERS)
    elif isinstance(body, bytes | str):
        content = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        headers.append(("content-type", "text/plain; charset=utf-8"))
    else:
        content = dump_answer(body)
        headers.extend(JSON_HEADERS)
    return Fault("fail", status=status, headers=headers, body=content, after_store=bool(after_store))


def delay(seconds: float) -> Fault:
    """A ``delay`` fault, its seconds checked."""
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise ValueError(f"seconds must be a finite number >= 0, not {seconds!r}")
    return Fault("delay", seconds=float(seconds))


def checked_times(times: int) -> int:
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise ValueError(f"times must be a positive integer, not {times!r}")
    return times


def apply(fault: Fault, content: bytes, store: ThreadStore) -> tuple[Outcome, FaultRecord]:
    """What one queued fault makes of a ``POST /threads``, and its record (under the fake's lock)."""
    if not fault.after_store and fault.kind in ("fail", "reset"):
        named = named_uuid(content)
        record = FaultRecord(fault.kind, False, None if named is None else str(named))
        if fault.kind == "reset":
            return Outcome("reset"), record
        return Outcome("answer", Answer(fault.status, list(fault.headers), fault.body)), record
    try:
        answer, thread_id = create_thread(store, content)
    except Exception:  # a defect of the fake: answered as the server's crashes are
        answer, thread_id = crash(), named_uuid(content)
    stored = thread_id is not None and thread_id in store.threads
    record = FaultRecord(fault.kind, stored, None if thread_id is None else str(thread_id))
    if fault.kind == "delay":
        return Outcome("answer", answer, delay=fault.seconds), record
    if fault.kind == "fail":
        return Outcome("answer", Answer(fault.status, list(fault.headers), fault.body)), record
    return Outcome("reset" if fault.kind == "reset" else "close"), record
