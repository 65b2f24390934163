"""The errors the SDK raises on purpose: one tree, rooted at ThreadsClientError.

Errors cross process boundaries (multiprocessing, concurrent.futures, Celery) by pickling,
so each one pickles and copies from its plain attributes, and the request and response it
carries are redacted copies made when it is built: no credential header, no URL userinfo,
in memory, in `repr` or in the pickled bytes.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import httpx2

from ._logging import redacted_request, redacted_response

if TYPE_CHECKING:  # the generated layer loads with a client's first call, not with this module
    from ._generated.models import Thread

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "SuperstepsError",
    "SuperstepsOutcomeUnknownError",
    "ThreadsClientError",
    "UnprocessableEntityError",
]


def _rebuild(cls: type[ThreadsClientError], args: tuple[Any, ...]) -> ThreadsClientError:
    # BaseException.__new__ stores args without running __init__, whose keyword-only
    # arguments pickle's default (cls(*args)) cannot pass; the state dict then restores the rest.
    error: ThreadsClientError = cls.__new__(cls, *args)
    return error


class ThreadsClientError(Exception):
    """Base of every error this SDK raises on purpose.

    `thread_id` is the id the failed call's request named (the SDK's own when it assigned
    one), so a caller can finish the create; None for an error raised before a request was
    built. Errors pickle and copy with every attribute (multiprocessing, Celery), and the
    request and response they carry are redacted copies: no credential header, no URL
    userinfo.
    """

    message: str
    """What went wrong, in one short line (also `str(error)`)."""
    thread_id: uuid.UUID | None
    """The id the call's request named: finish the create with it; None before a request was built."""

    def __init__(self, message: str, *, thread_id: uuid.UUID | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.thread_id = thread_id

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args), self.__dict__)


class APIConnectionError(ThreadsClientError):
    """The server could not be reached, or it dropped the connection (after retries).

    `request` is a redacted copy of the last attempt's request (no credential headers).
    """

    request: httpx2.Request | None
    """The last attempt's request, a redacted copy (no credential headers, no URL userinfo)."""

    def __init__(
        self,
        message: str = "Connection error.",
        *,
        request: httpx2.Request | None = None,
        thread_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(message, thread_id=thread_id)
        self.request = None if request is None else redacted_request(request)


class APITimeoutError(APIConnectionError):
    """The request timed out (after retries)."""

    def __init__(
        self,
        message: str = "Request timed out.",
        *,
        request: httpx2.Request | None = None,
        thread_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(message, request=request, thread_id=thread_id)


class APIResponseValidationError(ThreadsClientError):
    """A success status whose body is not a valid Thread (not JSON, missing fields, wrong types).

    `response` is a redacted copy of the server's response (no credential headers).
    """

    response: httpx2.Response
    """The server's response, a redacted copy."""
    status_code: int
    """Its status (2xx)."""
    body: Any
    """Its body, decoded JSON when it was JSON, else text."""

    def __init__(
        self, message: str, *, response: httpx2.Response, body: Any, thread_id: uuid.UUID | None = None
    ) -> None:
        super().__init__(message, thread_id=thread_id)
        self.response = redacted_response(response)
        self.status_code = response.status_code
        self.body = body


class APIStatusError(ThreadsClientError):
    """The server answered with a status that is not success.

    `detail` is the server's own `detail` text (or the raw body when it sent no JSON
    detail), `body` the decoded JSON body (or text), `response` a redacted copy of the
    httpx2 response (no credential headers). `retry_after`: the seconds the server asked
    the client to wait (`Retry-After` or `retry-after-ms`), None when it said nothing; a
    wait longer than the SDK's cap (60 s) is never retried, so the error says it.
    """

    response: httpx2.Response
    """The server's response, a redacted copy (no credential headers)."""
    status_code: int
    """The response's status."""
    detail: str | None
    """The server's own words from any body shape, on one line, at most 1,000 characters."""
    body: Any
    """The whole body: decoded JSON when it was JSON, else text."""
    request_id: str | None
    """The response's `x-request-id`, for the server's logs."""
    retry_after: float | None
    """The seconds the server asked to wait (`Retry-After`, `retry-after-ms`); None when it said nothing."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx2.Response,
        body: Any,
        detail: str | None,
        thread_id: uuid.UUID | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, thread_id=thread_id)
        self.response = redacted_response(response)
        self.status_code = response.status_code
        self.body = body
        self.detail = detail
        self.request_id = response.headers.get("x-request-id")
        self.retry_after = retry_after


class ResponseTooLargeError(ThreadsClientError):
    """The answer was larger than the client's `max_response_bytes` (counted after decoding).

    The SDK stopped reading it there: a server cannot make a call hold more than the cap,
    whatever it sends. The answer is not retried (the same server would send it again).
    `status_code` and `response` (a redacted copy, whose content is the first bytes) are
    the answer's; `body` its first bytes (at most 64 KiB, never more than the cap) and
    `detail` a short line of them; `limit` the cap. `thread_may_exist` is True for a 2xx,
    for an answer that does not prove the server left the thread alone (a 5xx but 503, a
    409, a 400 with supersteps) and after an earlier attempt of the call went unanswered:
    finish the create with `thread_id=error.thread_id` and `if_exists="do_nothing"` on a
    client with a larger cap ("Finishing a failed create exactly once", on the Retries and
    exactly-once page).
    """

    response: httpx2.Response
    """The answer, a redacted copy whose content is its first bytes."""
    status_code: int
    """The answer's status."""
    body: bytes
    """The answer's first bytes (at most 64 KiB, never more than the cap)."""
    detail: str
    """A short line of those bytes, as text."""
    request_id: str | None
    """The answer's `x-request-id`."""
    limit: int
    """The cap the answer passed (`max_response_bytes`)."""
    thread_may_exist: bool
    """Whether the thread may exist: finish the create with `if_exists="do_nothing"` when it may."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx2.Response,
        detail: str,
        limit: int,
        thread_may_exist: bool,
        thread_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(message, thread_id=thread_id)
        self.response = redacted_response(response)
        self.status_code = response.status_code
        self.body = response.content
        self.detail = detail
        self.request_id = response.headers.get("x-request-id")
        self.limit = limit
        self.thread_may_exist = thread_may_exist


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401."""


class PermissionDeniedError(APIStatusError):
    """403."""


class NotFoundError(APIStatusError):
    """404."""


class ConflictError(APIStatusError):
    """409: a thread with this id already exists (and `if_exists` was "raise").

    `after_lost_response` is True when an earlier attempt of the same call got no
    answer (a dropped connection, a timeout or a 5xx): that attempt may itself have
    created this thread. It can only happen for a `thread_id` the caller gave with
    `if_exists="raise"`; pass `if_exists="do_nothing"` for an idempotent create.
    """

    thread_id: uuid.UUID
    """The id that already exists."""
    after_lost_response: bool
    """True when an earlier attempt of the call went unanswered and may have created the thread."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx2.Response,
        body: Any,
        detail: str | None,
        thread_id: uuid.UUID,
        after_lost_response: bool = False,
    ) -> None:
        super().__init__(message, response=response, body=body, detail=detail, thread_id=thread_id)
        self.after_lost_response = after_lost_response


class UnprocessableEntityError(APIStatusError):
    """422: the server rejected the request body."""


class RateLimitError(APIStatusError):
    """429 (after retries, or at once when `retry_after` is longer than the SDK waits)."""


class InternalServerError(APIStatusError):
    """5xx (after retries; a 503 at once when `retry_after` is longer than the SDK waits)."""


class SuperstepsError(APIStatusError):
    """The server failed to apply the call's supersteps after it began creating the thread.

    The official servers answer 201 with an error `detail` (no or unknown graph) or 400
    (a node the graph lacks). The in-memory servers (`dev`, `dev-0.4`) keep the thread,
    with id `thread_id`, with none or only part of the state the supersteps were meant
    to set; the Postgres-backed server rolls the create back, whatever its 201 says (the
    Compatibility page's table). `thread_created` is True because the server's answer
    says the thread was made, not because the SDK checked. Either way
    `create_thread(thread_id=error.thread_id, if_exists="do_nothing")` (without the
    supersteps) leaves exactly one thread. SuperstepsOutcomeUnknownError, a subclass, is
    raised where the SDK cannot know whether they ran at all.
    """

    thread_id: uuid.UUID
    """The thread's id."""
    thread_created: bool
    """True: the server's answer says it made the thread (the SDK did not check)."""

    def __init__(
        self, message: str, *, response: httpx2.Response, body: Any, detail: str | None, thread_id: uuid.UUID
    ) -> None:
        super().__init__(message, response=response, body=body, detail=detail, thread_id=thread_id)
        self.thread_created = True


class SuperstepsOutcomeUnknownError(SuperstepsError):
    """The thread exists, but whether the call's supersteps ran is unknown: never a success.

    An attempt with supersteps may have reached the server and failed (no answer, a reset,
    a 5xx: a server may store the thread and then fail), and a later attempt found the
    thread. The lost attempt may have applied the supersteps, applied part of them (the
    in-memory servers keep what ran before a failing superstep) or none, and the SDK cannot
    tell which, so it does not return the thread as the call's result.

    `thread` is the thread as the SDK fetched it, unchanged (without supersteps);
    `lost_failure` says what the attempt whose outcome is unknown met (its status and the
    server's words, or the transport error); `.detail` is the server's words from that
    attempt, when it said any; `.response` is the answer to the fetch. Read the thread's
    state and send the supersteps again, with `thread_id=error.thread_id` and
    `if_exists="do_nothing"`, only where your own check says they did not run ("Finishing a
    failed create exactly once", on the Retries and exactly-once page).
    """

    thread: Thread
    """The thread as the SDK fetched it, unchanged (without the supersteps)."""
    lost_failure: str
    """What the attempt whose outcome is unknown met: its status and the server's words, or the transport error."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx2.Response,
        body: Any,
        detail: str | None,
        thread_id: uuid.UUID,
        thread: Thread,
        lost_failure: str,
    ) -> None:
        super().__init__(message, response=response, body=body, detail=detail, thread_id=thread_id)
        self.thread = thread
        self.lost_failure = lost_failure
