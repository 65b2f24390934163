"""A final response turned into a Thread or into the typed error it stands for.

The generated endpoint module parses bodies (`_endpoint.parse_response`); what it cannot do is
bridged here: it returns None for a status the spec does not list, and a body it cannot
parse raises a bare KeyError/ValueError with the response gone. We keep the response,
so every error carries the status, the server's detail and the raw body.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx2

from . import _exceptions as errors
from ._arguments import PreparedCreate
from ._endpoint import parse_response
from ._generated.models import Thread
from ._raw_response import SentResponse, as_httpx
from ._retry_after import MAX_RETRY_AFTER, server_wait
from ._server_message import MESSAGE_LIMIT, one_line, server_message, shorten

__all__ = ["failure_summary", "outcome_unknown", "response_too_large", "thread_or_error"]

_STATUS_ERRORS: dict[int, type[errors.APIStatusError]] = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    422: errors.UnprocessableEntityError,
    429: errors.RateLimitError,
}
_PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError)


def _raw_body(response: httpx2.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return response.text


def _status_error(response: httpx2.Response, prepared: PreparedCreate, lost: bool) -> errors.APIStatusError:
    body = _raw_body(response)
    detail = server_message(body)
    status = response.status_code
    summary = f"{status} {response.reason_phrase}".strip()
    said = f": {one_line(detail)}" if detail else ""
    if status == 409:
        note = " (an earlier attempt of this call got no answer and may have created it)" if lost else ""
        return errors.ConflictError(
            f"{summary}{said}{note}",
            response=response,
            body=body,
            detail=detail,
            thread_id=prepared.thread_id,
            after_lost_response=lost,
        )
    if (200 <= status < 300) or (status == 400 and prepared.has_supersteps):
        return errors.SuperstepsError(
            f"{summary}{said} (thread {prepared.thread_id}: its supersteps failed; whether the server kept the "
            "thread depends on the server)",
            response=response,
            body=body,
            detail=detail,
            thread_id=prepared.thread_id,
        )
    if 300 <= status < 400:
        location = shorten(response.headers.get("location", "?"), MESSAGE_LIMIT)
        return errors.APIStatusError(
            f"{summary}: redirect to {location} not followed",
            response=response,
            body=body,
            detail=detail,
            thread_id=prepared.thread_id,
        )
    error_class = _STATUS_ERRORS.get(status, errors.InternalServerError if status >= 500 else errors.APIStatusError)
    wait = server_wait(response.headers, time.time())
    if wait is not None and wait > MAX_RETRY_AFTER:
        said += f" (not retried: the server asked to wait {wait:g} s, longer than the SDK waits, {MAX_RETRY_AFTER:g} s)"
    return error_class(
        f"{summary}{said}", response=response, body=body, detail=detail, thread_id=prepared.thread_id, retry_after=wait
    )


# Answers that prove the server left the thread alone: refused before acting on the request.
_NOT_ACTED = frozenset({401, 403, 404, 405, 408, 413, 415, 422, 429, 503})


def _may_have_acted(status: int, prepared: PreparedCreate) -> bool:
    if 300 <= status < 400 or status in _NOT_ACTED:
        return False
    return not (status == 400 and not prepared.has_supersteps)


def response_too_large(
    response: SentResponse, prepared: PreparedCreate, lost: bool, limit: int
) -> errors.ResponseTooLargeError:
    """The error for an answer past the cap; `response` holds only its first bytes."""
    full = as_httpx(response)
    status = response.status_code
    may_exist = lost or _may_have_acted(status, prepared)
    text = full.content[:MESSAGE_LIMIT].decode("utf-8", "replace")
    # Shown as text: what a hostile server sent may hold anything (a bomb's first bytes are NULs).
    began = one_line("".join(char if char.isprintable() or char in "\t\n" else "\ufffd" for char in text))
    began = began or "(nothing)"
    note = (
        f"; thread {prepared.thread_id} may exist (finish it with if_exists='do_nothing' on a client "
        "with a larger max_response_bytes)"
        if may_exist
        else ""
    )
    return errors.ResponseTooLargeError(
        f"{status} {response.reason_phrase}".strip()
        + f": the answer is larger than max_response_bytes ({limit:,} bytes "
        f"after decoding); reading stopped there{note}. It began: {shorten(began, 120)}",
        response=full,
        detail=began,
        limit=limit,
        thread_may_exist=may_exist,
        thread_id=prepared.thread_id,
    )


def failure_summary(response: SentResponse) -> str:
    """A failed answer in one short line: its status and the server's words."""
    full = as_httpx(response)
    detail = server_message(_raw_body(full))
    summary = f"{full.status_code} {full.reason_phrase}".strip()
    return one_line(f"{summary}: {detail}" if detail else summary)


def outcome_unknown(
    response: SentResponse, thread: Thread, prepared: PreparedCreate, lost_failure: str
) -> errors.SuperstepsOutcomeUnknownError:
    """The error for a thread fetched after an attempt with supersteps failed unseen."""
    full = as_httpx(response)
    detail = lost_failure.partition(": ")[2] if lost_failure[:1].isdigit() else None
    return errors.SuperstepsOutcomeUnknownError(
        f"thread {prepared.thread_id} exists, but an attempt of this call that may have reached the server "
        f"failed ({shorten(lost_failure, 120)}): whether its supersteps ran, ran in part or not at all is "
        "unknown; `.thread` is the thread as fetched, unchanged",
        response=full,
        body=_raw_body(full),
        detail=detail or None,
        thread_id=prepared.thread_id,
        thread=thread,
        lost_failure=lost_failure,
    )


def thread_or_error(response: SentResponse, prepared: PreparedCreate, lost: bool) -> Thread:
    """The Thread of a final response, or raise the error it stands for.

    `lost` says an earlier attempt of this call may have reached the server unanswered.
    """
    try:
        parsed = parse_response(response)
    except _PARSE_ERRORS as exc:
        if response.status_code == 200:
            full = as_httpx(response)
            raise errors.APIResponseValidationError(
                f"the server answered 200 but the body is not a valid Thread "
                f"({type(exc).__name__}: {one_line(str(exc))})",
                response=full,
                body=_raw_body(full),
                thread_id=prepared.thread_id,
            ) from exc
        parsed = None  # an error status with a body the spec did not foresee: keep it raw
    if isinstance(parsed, Thread):
        if parsed.thread_id != prepared.thread_id:
            full = as_httpx(response)
            # Not this call's answer (a connection shared across fork, a confused proxy): never
            # hand another request's thread to the caller as the one it asked for.
            raise errors.APIResponseValidationError(
                f"the server answered 200 with thread {parsed.thread_id}, but the request named "
                f"{prepared.thread_id}; not returned as this call's thread",
                response=full,
                body=_raw_body(full),
                thread_id=prepared.thread_id,
            )
        return parsed
    raise _status_error(as_httpx(response), prepared, lost)
