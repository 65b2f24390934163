"""One create_thread call: its plan, a small state machine with named phases, and its retry policy.

No I/O: the sync and async clients run the same loop around it and differ only in how they
send an attempt (a sender, see `_transport.py`) and how they sleep. Each response or error
turns into an explicit outcome: the call's Thread, a SendAgain (after a delay; a retry,
or not: a same-origin redirect, the fetch of a lost attempt's thread), or a raised error.
The call counts its own retries and bounds its sends (`sends()`), so the loop ends.

This module and what it imports (the generated layer: attrs and its model classes) load
with a client's first call, not with the package (see `_client._BaseThreadsClient._bind`).

Exactly-once creation, what goes on the wire so that one call makes at most one thread
(the site's "Retries and exactly-once" page, docs/exactly-once.md, says it for users):

* One create_thread call creates at most one thread, however many attempts it sends.
* The call's thread id is fixed before the first attempt. When the caller names none, the
  SDK assigns a UUID v7 (as the server itself would), so a retry after a lost response
  meets the thread the lost attempt made instead of making a second one; and the SDK never
  raises ConflictError for an id it assigned itself.
* Without supersteps, an SDK-assigned id goes with ``if_exists="do_nothing"``: a retry
  simply gets the call's own thread back.
* With supersteps, ``do_nothing`` would apply them a second time to the thread a lost
  attempt made (the server applies supersteps to an existing thread), so the SDK sends
  ``"raise"``; a 409 after a lost response then means the lost attempt made the thread, and
  one more request, without supersteps and with ``do_nothing``, fetches it unchanged (its
  extra_body goes along: a field newer than the SDK may scope which thread an id names).
* A Thread is returned only when the SDK knows the request it was asked for was carried out
  once, as asked. A server may act and then fail: store the thread, then answer 5xx (a
  superstep it cannot apply), or its answer (even a 201 or 400 saying the supersteps failed)
  may be lost. So the thread fetched after a 409 is never the call's result: the lost
  attempt may have applied its supersteps once, in part or not at all, and the call raises
  SuperstepsOutcomeUnknownError (a SuperstepsError) with ``thread_id`` and ``thread``.
  Without supersteps the thread a lost attempt made is the one asked for (metadata and TTL
  are set at creation), so a retry that meets it is the call's success.
* An attempt that may have reached the server is sent again only when that is harmless
  (``replay_safe``): not for the caller's own ``do_nothing`` with supersteps, which would
  apply them twice; such a call raises, with its ``thread_id``, for the caller to finish.
* Every error after the request was built carries the id, so
  ``create_thread(thread_id=error.thread_id, if_exists="do_nothing")`` (without the
  supersteps) finishes a failed create exactly once.

The outcomes after an attempt that may have reached the server failed (no answer, a reset,
a timeout after sending, 500/502/504), with retries left; a failure that proves the server
never saw the request (a refused connect, 408, 429, 503) is simply retried in every row:

==========  =========  ==========  ===========================  =====================================
id          if_exists  supersteps  the next attempt meets        the call
==========  =========  ==========  ===========================  =====================================
the SDK's   (sends      no         the thread (200)              returns it: it is the one asked for
            do_nothing)
the SDK's   (sends      yes        no thread: creates it (200)   returns it: the retry applied them once
            raise)
the SDK's   (sends      yes        409, then the fetch (200)     raises SuperstepsOutcomeUnknownError
            raise)                                               (``.thread``, ``.thread_id``)
the SDK's   (sends      yes        201/400 (supersteps failed)   raises SuperstepsError
            raise)
caller's    raise       either     409                           raises ConflictError,
                                                                 ``after_lost_response=True`` (an older
                                                                 thread may hold the id: no fetch)
caller's    raise       either     no thread: creates it (200)   returns it
caller's    do_nothing  no         the thread (200)              returns it
caller's    do_nothing  yes        (not sent: it would apply     raises the failure's error
                                   them twice)                   (InternalServerError,
                                                                 APIConnectionError, APITimeoutError)
==========  =========  ==========  ===========================  =====================================

When retries run out, the last failure's error is raised, with ``thread_id``.

`plan_create` turns the checked arguments into that plan; `CreateThreadCall` carries it out.
"""

from __future__ import annotations

import enum
import logging
import random
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx2

from ._config import DEFAULT_MAX_RESPONSE_BYTES, CreateArgs, NotGiven, check_headers, check_timeout
from ._endpoint import HEADERS, METHOD, PATH, encode_body
from ._exceptions import APIConnectionError, APITimeoutError, ResponseTooLargeError
from ._generated.models import Thread, ThreadCreate, ThreadCreateIfExists, ThreadCreateMetadata
from ._generated.types import UNSET
from ._logging import logger
from ._response import (
    MAX_RETRY_AFTER,
    failure_summary,
    outcome_unknown,
    response_too_large,
    server_wait,
    thread_or_error,
)
from ._transport import AnswerTooLarge, Attempt, SendAgain, SentResponse, attempt_bound
from ._uuid7 import uuid7
from ._validation import CheckedCreate, PreparedCreate, check_create

if TYPE_CHECKING:
    from ._otel import CallTrace

__all__ = [
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "RETRYABLE_STATUSES",
    "CreateThreadCall",
    "Origin",
    "Phase",
    "SendAgain",
    "Target",
    "is_retryable_error",
    "may_have_reached_server",
    "plan_create",
    "retry_delay",
]

# --- the plan ------------------------------------------------------------------------------------
_DO_NOTHING = ThreadCreateIfExists("do_nothing")
_RAISE = ThreadCreateIfExists("raise")


def plan_create(checked: CheckedCreate) -> PreparedCreate:
    """The request `checked` becomes: its thread id, `if_exists` on the wire, its body, whether
    a replay is safe, and the body that fetches a lost attempt's thread (the table above)."""
    if_exists = checked.if_exists
    recover_content = None
    if checked.thread_id is not None:
        thread_id = checked.thread_id
    else:
        thread_id = uuid7()
        if checked.supersteps is None:
            if_exists = _DO_NOTHING
        else:
            if_exists = _RAISE
            recover = ThreadCreate(thread_id=thread_id, if_exists=_DO_NOTHING)
            recover.additional_properties.update(checked.extra)
            recover_content = encode_body(recover)
    body = ThreadCreate(
        thread_id=thread_id,
        metadata=UNSET if checked.metadata is None else ThreadCreateMetadata.from_dict(checked.metadata),
        if_exists=if_exists,
        ttl=UNSET if checked.ttl is None else checked.ttl,
        supersteps=UNSET if checked.supersteps is None else checked.supersteps,
    )
    # The generated to_dict writes additional_properties first and its own fields over them.
    body.additional_properties.update(checked.extra)
    content = encode_body(body)
    return PreparedCreate(
        thread_id=thread_id,
        has_supersteps=checked.supersteps is not None,
        content=content,
        replay_safe=checked.supersteps is None or if_exists is not _DO_NOTHING,
        recover_content=recover_content,
    )


# --- the retry policy: which failures are retried, and how long to wait ---------------------------
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


# --- the call ------------------------------------------------------------------------------------


Origin = tuple[bytes, bytes, int | None]
_REDIRECTS = frozenset({307, 308})  # the ones that keep the method and body
_MAX_REDIRECTS = 5


def origin_of(url: httpx2.URL) -> Origin:
    return (url.raw_scheme, url.raw_host, url.port)


_FOLLOW = SendAgain(0.0)


class Phase(enum.Enum):
    """Where a call is: what its next send is for."""

    CREATE = "create"  # sending the create (first attempt, retries, redirects)
    RECOVER = "recover"  # fetching the thread a lost attempt created (after a 409 for the SDK's own id)


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
        "_log_url",
        "_max_retries",
        "_origin",
        "_redirects",
        "attempt_bound",
        "attempt_started",
        "content",
        "headers",
        "lost",
        "lost_failure",
        "max_response_bytes",
        "method",
        "phase",
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
    phase: Phase
    attempt_started: float  # perf_counter() when the attempt being sent started
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
        self.phase = Phase.CREATE
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
        self.attempt_started = 0.0
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
            self.attempt_started = time.perf_counter()
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
        recover = self.prepared.recover_content
        if status == 409 and self.phase is Phase.CREATE and self.lost and recover is not None:
            # Our own id already exists, so the attempt whose answer was lost created it:
            # fetch that thread (the call's answer, not a retry).
            self.phase = Phase.RECOVER
            self.content = recover
            return _FOLLOW
        thread = thread_or_error(response, self.prepared, self.lost)
        if self.phase is Phase.RECOVER:
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
        try:
            request: httpx2.Request | None = exc.request
        except RuntimeError:  # a transport raised it without a request
            request = None
        thread_id = self.prepared.thread_id
        if isinstance(exc, httpx2.TimeoutException):
            bound = self.attempt_bound
            # A wait cut short by the attempt's whole bound raises a plain "timed out": say which bound it was.
            whole = time.perf_counter() - self.attempt_started >= bound * 0.98 if bound is not None else False
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
            self.trace.attempt(status, response, exc)
        if not logger.isEnabledFor(logging.DEBUG):
            return
        request_id = None if response is None else response.headers.get("x-request-id")
        elapsed_ms = (time.perf_counter() - self.attempt_started) * 1000
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
