"""The errors the SDK raises on purpose: one tree, rooted at ThreadsClientError."""

from __future__ import annotations

import uuid
from typing import Any

import httpx2

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
    "SuperstepsError",
    "ThreadsClientError",
    "UnprocessableEntityError",
]


class ThreadsClientError(Exception):
    """Base of every error this SDK raises on purpose."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIConnectionError(ThreadsClientError):
    """The server could not be reached, or it dropped the connection (after retries)."""

    request: httpx2.Request | None

    def __init__(self, message: str = "Connection error.", *, request: httpx2.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out (after retries)."""

    def __init__(self, message: str = "Request timed out.", *, request: httpx2.Request | None = None) -> None:
        super().__init__(message, request=request)


class APIResponseValidationError(ThreadsClientError):
    """A success status whose body is not a valid Thread (not JSON, missing fields, wrong types)."""

    response: httpx2.Response
    status_code: int
    body: Any

    def __init__(self, message: str, *, response: httpx2.Response, body: Any) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.body = body


class APIStatusError(ThreadsClientError):
    """The server answered with a status that is not success.

    `detail` is the server's own `detail` text (or the raw body when it sent no JSON
    detail), `body` the decoded JSON body (or text), `response` the httpx response.
    """

    response: httpx2.Response
    status_code: int
    detail: str | None
    body: Any
    request_id: str | None

    def __init__(self, message: str, *, response: httpx2.Response, body: Any, detail: str | None) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.detail = detail
        self.request_id = response.headers.get("x-request-id")


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
    after_lost_response: bool

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
        super().__init__(message, response=response, body=body, detail=detail)
        self.thread_id = thread_id
        self.after_lost_response = after_lost_response


class UnprocessableEntityError(APIStatusError):
    """422: the server rejected the request body."""


class RateLimitError(APIStatusError):
    """429 (after retries)."""


class InternalServerError(APIStatusError):
    """5xx (after retries)."""


class SuperstepsError(APIStatusError):
    """The server created the thread but failed to apply its supersteps.

    The real server answers 201 with an error `detail` (no or unknown graph) or 400
    (a node the graph lacks) after it has created the thread: the thread exists,
    with id `thread_id`, with none or only part of the state the supersteps were
    meant to set (supersteps before the failing one stay applied).
    """

    thread_id: uuid.UUID
    thread_created: bool

    def __init__(
        self, message: str, *, response: httpx2.Response, body: Any, detail: str | None, thread_id: uuid.UUID
    ) -> None:
        super().__init__(message, response=response, body=body, detail=detail)
        self.thread_id = thread_id
        self.thread_created = True
