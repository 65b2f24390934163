"""One create_thread call as a small state machine: what to send, and what each outcome means.

No I/O: the sync and async clients run the same loop around it and differ only in how they
send an attempt (a sender, see `_senders.py`) and how they sleep. Each response or error
turns into an explicit outcome: the call's Thread, a SendAgain (after a delay; a retry,
or not: a same-origin redirect, the fetch of a lost attempt's thread), or a raised error.
The call counts its own retries and bounds its sends (`sends()`), so the loop ends.

This module and what it imports (the generated layer: attrs and its model classes) load
with a client's first call, not with the package (see `_BaseThreadsClient._bind`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx2

from ._arguments import CreateArgs
from ._config import check_headers, check_timeout
from ._deadline import attempt_bound
from ._defaults import DEFAULT_MAX_RESPONSE_BYTES, NotGiven
from ._endpoint import HEADERS, METHOD, PATH
from ._exactly_once import PreparedCreate, plan_create
from ._exceptions import APIConnectionError, APITimeoutError, ResponseTooLargeError
from ._generated.models import Thread
from ._logging import logger
from ._raw_response import AnswerTooLarge, Attempt, SentResponse
from ._response import failure_summary, outcome_unknown, response_too_large, thread_or_error
from ._retry import (
    MAX_RETRY_AFTER,
    RETRYABLE_STATUSES,
    SendAgain,
    is_retryable_error,
    may_have_reached_server,
    retry_delay,
    server_wait,
)
from ._validation import check_create

if TYPE_CHECKING:
    from ._otel import CallTrace

__all__ = ["CreateThreadCall", "Origin", "SendAgain", "Target"]

Origin = tuple[bytes, bytes, int | None]
_REDIRECTS = frozenset({307, 308})  # the ones that keep the method and body
_MAX_REDIRECTS = 5


def origin_of(url: httpx2.URL) -> Origin:
    return (url.raw_scheme, url.raw_host, url.port)


_FOLLOW = SendAgain(0.0)


@dataclass(frozen=True, slots=True)
class Target:
    """Where one client's calls go, worked out once per client: the endpoint under its base URL."""

    method: str
    url: httpx2.URL
    origin: Origin
    log_url: str  # no credentials, no query: what logs and error messages show
    headers: dict[str, str]  # the client's, then the endpoint's own (the body's content type) over them

    @classmethod
    def of(cls, base_url: httpx2.URL, headers: Mapping[str, str]) -> Target:
        url = base_url.join(base_url.path.rstrip("/") + PATH)
        log_url = str(url.copy_with(username=None, password=None, query=None))
        return cls(METHOD, url, origin_of(url), log_url, {**headers, **HEADERS})

    def call(
        self, args: CreateArgs, *, timeout: httpx2.Timeout, max_retries: int, max_response_bytes: int | None
    ) -> CreateThreadCall:
        """`args` checked (before anything is sent) into the call that sends them."""
        prepared = plan_create(check_create(args))
        headers = None if args.headers is None else check_headers(args.headers, "headers")
        if not isinstance(args.timeout, NotGiven):
            timeout = check_timeout(args.timeout, "timeout")
        return CreateThreadCall(
            prepared,
            self,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            max_response_bytes=max_response_bytes,
        )


class CreateThreadCall:
    """The attempts of one call: at most 1 + max_retries of them, all with the same body."""

    __slots__ = (
        "_attempt_started",
        "_log_url",
        "_max_retries",
        "_origin",
        "_redirects",
        "attempt_bound",
        "content",
        "headers",
        "lost",
        "lost_failure",
        "max_response_bytes",
        "method",
        "prepared",
        "response",
        "retries",
        "started",
        "timeout",
        "trace",
        "url",
    )
    prepared: PreparedCreate
    method: str
    url: httpx2.URL
    headers: Mapping[str, str]
    content: bytes
    timeout: httpx2.Timeout
    attempt_bound: float | None
    max_response_bytes: int | None
    retries: int
    lost: bool
    lost_failure: str | None
    response: SentResponse | None
    started: float
    trace: CallTrace | None

    def __init__(
        self,
        prepared: PreparedCreate,
        target: Target,
        *,
        headers: Mapping[str, str] | None,
        timeout: httpx2.Timeout,
        max_retries: int,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.prepared = prepared
        # What the next attempt sends; a sender reads these (and never changes them).
        self.method = target.method
        self.url = target.url
        # A call's own headers go over the client's (neither may set the body's headers).
        self.headers = target.headers if headers is None else {**target.headers, **headers}
        self.content = prepared.content
        self.timeout = timeout
        self.attempt_bound = attempt_bound(timeout)  # seconds one attempt may take as a whole
        self.max_response_bytes = max_response_bytes  # the most of one answer a sender reads
        self._origin = target.origin
        self._log_url = target.log_url
        self._max_retries = max_retries
        self._redirects = 0
        self._attempt_started = 0.0
        self.retries = 0  # retries decided so far (redirects and the recovery fetch are none)
        self.lost = False  # an earlier attempt may have reached the server and gone unanswered
        self.lost_failure: str | None = None  # what the last such attempt met, for the error that says so
        self.response = None  # the last response received (with_raw_response reads the final one)
        self.started = time.perf_counter()
        self.trace = None  # the call's OpenTelemetry span (`_otel.py`), when the application traces

    @property
    def max_sends(self) -> int:
        """Every request the call may send: its attempts, the redirects it follows, one recovery fetch."""
        return 1 + self._max_retries + _MAX_REDIRECTS + 1

    def sends(self) -> Iterator[Attempt]:
        """The sends of this call, each timed, as the value a sender is handed; the call ends within them."""
        for _ in range(self.max_sends):
            self._attempt_started = time.perf_counter()
            yield Attempt(
                self.method,
                self.url,
                self.headers,
                self.content,
                self.timeout,
                self.attempt_bound,
                self.max_response_bytes,
            )

    @property
    def attempt(self) -> int:
        """The number of the attempt being sent (1 for the first; a redirect or recovery keeps it)."""
        return self.retries + 1

    def on_response(self, response: SentResponse) -> Thread | SendAgain:
        """The call's Thread, or when to send again; raises the error the response stands for."""
        self.response = response
        status = response.status_code
        self._log_attempt(status, response)
        if status in _REDIRECTS and self._follow(response):
            return _FOLLOW
        if status in RETRYABLE_STATUSES:
            reached = may_have_reached_server(status)
            wait = server_wait(response.headers, time.time())
            # A server asking for longer than the cap gets no retry: the error carries its wait.
            if self._may_retry(reached) and (wait is None or wait <= MAX_RETRY_AFTER):
                if reached:
                    self.lost_failure = failure_summary(response)
                return self._retry_after(str(status), wait, reached)
        if status == 409:
            recover = self.prepared.body_after_conflict(self.lost, self.content)
            if recover is not None:
                # Our own id already exists, so the attempt whose answer was lost created it:
                # fetch that thread (the call's answer, not a retry).
                self.content = recover
                return _FOLLOW
        thread = thread_or_error(response, self.prepared, self.lost)
        if self.content is self.prepared.recover_content:
            # The thread exists, but the attempt that made it failed unseen: its supersteps
            # may have run once, in part or not at all. Never the call's success.
            raise outcome_unknown(response, thread, self.prepared, self.lost_failure or "no answer")
        return thread

    def too_large(self, cut: AnswerTooLarge) -> ResponseTooLargeError:
        """The error for an answer a sender stopped reading at the cap (`cut.response` holds its first bytes).

        Final whatever the status: a retry or a redirect would read the same server's answer again.
        """
        response = cut.response
        self._log_attempt(response.status_code, response)
        assert self.max_response_bytes is not None
        return response_too_large(response, self.prepared, self.lost, self.max_response_bytes)

    def on_error(self, exc: httpx2.TransportError) -> SendAgain:
        """When to send again; raises APIConnectionError/APITimeoutError when the call is done."""
        self._log_attempt(None, None, exc)
        reached = may_have_reached_server(exc)
        if is_retryable_error(exc) and self._may_retry(reached):
            if reached:
                self.lost_failure = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return self._retry_after(type(exc).__name__, None, reached)
        tries = f"after {self.attempt} attempt{'s' if self.attempt > 1 else ''}"
        request = exc._request  # .request raises when a transport raised without one
        thread_id = self.prepared.thread_id
        if isinstance(exc, httpx2.TimeoutException):
            bound = self.attempt_bound
            # A wait cut short by the attempt's whole bound raises a plain "timed out": say which bound it was.
            whole = time.perf_counter() - self._attempt_started >= bound * 0.98 if bound is not None else False
            note = f" (each attempt ends within its timeout, {bound:g} s, as a whole)" if whole else ""
            raise APITimeoutError(
                f"{self.method} {self._log_url} timed out {tries}: {exc!r}{note}", request=request, thread_id=thread_id
            ) from exc
        raise APIConnectionError(
            f"{self.method} {self._log_url} failed {tries}: {exc!r}", request=request, thread_id=thread_id
        ) from exc

    def _may_retry(self, reached: bool) -> bool:
        # A request the server must not see twice is retried only when the failure proves
        # it was not seen once (a refused connection, a 429 or 503).
        return self.retries < self._max_retries and (self.prepared.replay_safe or not reached)

    def _follow(self, response: SentResponse) -> bool:
        # httpx drops only Authorization on a cross-origin redirect, not x-api-key, so the
        # SDK never lets httpx follow redirects and follows same-origin ones itself.
        location = response.headers.get("location")
        if location is None or self._redirects >= _MAX_REDIRECTS:
            return False
        target = self.url.join(location)
        if origin_of(target) != self._origin:
            return False  # reported as an error: the key must not go to another origin
        self._redirects += 1
        self.url = target
        return True

    def _retry_after(self, failure: str, wait: float | None, reached: bool) -> SendAgain:
        self.lost = self.lost or reached
        delay = retry_delay(self.attempt, wait, random.random())
        self.retries += 1
        logger.info(
            "Retrying %s %s in %.2f s after %s (retry %d of %d)",
            self.method,
            self._log_url,
            delay,
            failure,
            self.retries,
            self._max_retries,
        )
        return SendAgain(delay)

    def _log_attempt(self, status: int | None, response: SentResponse | None, exc: Exception | None = None) -> None:
        if self.trace is not None:
            self.trace.attempt(status, exc)
        if not logger.isEnabledFor(logging.DEBUG):
            return
        request_id = None if response is None else response.headers.get("x-request-id")
        elapsed_ms = (time.perf_counter() - self._attempt_started) * 1000
        logger.debug(
            "%s %s -> %s in %.1f ms (attempt %d of %d, thread_id %s, request_id %s)",
            self.method,
            self._log_url,
            status if exc is None else repr(exc),
            elapsed_ms,
            self.attempt,
            self._max_retries + 1,
            self.prepared.thread_id,
            request_id,
        )
