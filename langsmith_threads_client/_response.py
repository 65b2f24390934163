"""A final response turned into a Thread or into the typed error it stands for.

The generated endpoint module parses bodies (`_endpoint.parse_response`); what it cannot do is
bridged here: it returns None for a status the spec does not list, and a body it cannot
parse raises a bare KeyError/ValueError with the response gone. We keep the response,
so every error carries the status, the server's detail and the raw body.

The server's own words are read from any body shape and cut short (`server_message`):
servers that implement the Agent Server API phrase errors differently (tests/conformance
asserts each kind's): the official server sends `{"detail": "…"}` (older releases plain
text), FastAPI-based servers such as Aegra a validation list `{"detail": [{"loc", "msg"}]}`
or `{"error": …, "message": …}`, and a proxy in front of any of them an HTML page. Each is
reduced to one short line for `.detail` and `str(error)`; the whole body stays on `.body`
and `.response`, so nothing is lost by the cut.

And the wait a server asks for (`retry-after-ms`, `Retry-After` in seconds or as an HTTP
date), with the longest the SDK waits: read by the retry policy and by the errors.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx2

from . import _exceptions as errors
from ._endpoint import parse_response
from ._generated.models import Thread
from ._transport import SentResponse, as_httpx
from ._validation import PreparedCreate

__all__ = [
    "DETAIL_LIMIT",
    "MAX_RETRY_AFTER",
    "MESSAGE_LIMIT",
    "failure_summary",
    "one_line",
    "outcome_unknown",
    "response_too_large",
    "server_message",
    "server_wait",
    "shorten",
    "thread_or_error",
]

# --- the wait a server asks for ------------------------------------------------------------------
# The longest Retry-After the SDK waits for. A server asking for longer gets no retry: the
# call raises at once and the error carries the wait (`.retry_after`), since a retry sent
# early is wasted and a call that sleeps for an hour looks hung.
MAX_RETRY_AFTER = 60.0


def _retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """The server's wait, from `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return float(milliseconds) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    import email.utils  # only for an HTTP-date Retry-After: email is slow to import

    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return float(email.utils.mktime_tz(parsed)) - now


def server_wait(headers: Mapping[str, str], now: float) -> float | None:
    """The seconds the server asked the client to wait (0 for a date in the past), or None
    when it sent no readable `retry-after-ms` or `Retry-After`."""
    wait = _retry_after_seconds(headers, now)
    if wait is None or not math.isfinite(wait):
        return None
    return max(wait, 0.0)


# --- the server's own words ----------------------------------------------------------------------
# `.detail` keeps enough to read a long validation report; `str(error)` stays one log line.
DETAIL_LIMIT = 1000
MESSAGE_LIMIT = 300

_TAG = re.compile(r"<[^>]*>")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    cut = f"… ({len(text) - limit} more characters)"
    return text[: max(0, limit - len(cut))].rstrip() + cut


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """`text` on one line (its lines joined by " | "), at most `limit` characters."""
    return shorten(" | ".join(_SPACE.sub(" ", line).strip() for line in text.splitlines() if line.strip()), limit)


def _html_text(text: str) -> str:
    title = _TITLE.search(text)
    body = _TAG.sub(" ", _SCRIPT_OR_STYLE.sub(" ", _TITLE.sub(" ", text)))
    if title:
        heading = _SPACE.sub(" ", _TAG.sub(" ", title.group(1))).strip()
        rest = _SPACE.sub(" ", body).strip()
        # The page usually repeats its title first; say it once.
        return f"{heading}: {rest.removeprefix(heading).strip()}".rstrip(": ") if heading else rest
    return _SPACE.sub(" ", body)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in head


def _validation_item(item: object) -> str:
    if not isinstance(item, Mapping):
        return _compact(item)
    message = item.get("msg", item.get("message"))
    loc = item.get("loc")
    where = ".".join(str(part) for part in loc) if isinstance(loc, Sequence) and not isinstance(loc, str) else None
    if isinstance(message, str):
        return f"{where}: {message}" if where else message
    return _compact(item)


def _compact(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return repr(value)


def _from_mapping(body: Mapping[str, Any]) -> str | None:
    detail = body.get("detail")
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):  # FastAPI / pydantic validation errors
        return "; ".join(_validation_item(item) for item in detail) or None
    message = body.get("message")
    if isinstance(message, str):
        return message
    error = body.get("error")
    if isinstance(error, str):
        return error
    if isinstance(error, Mapping):  # {"error": {"message": …, "type": …}}
        nested = error.get("message")
        return nested if isinstance(nested, str) else _compact(error)
    if detail is not None:
        return _compact(detail)
    title = body.get("title")  # RFC 9457 problem details without a detail member
    return title if isinstance(title, str) else (_compact(body) if body else None)


def _full_message(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, str):
        text = _html_text(body) if _looks_like_html(body) else body
        return text.strip() or None
    if isinstance(body, Mapping):
        return _from_mapping(body)
    if isinstance(body, list):
        return "; ".join(_validation_item(item) for item in body) or None
    return _compact(body)


def server_message(body: Any) -> str | None:
    """What the server said in `body` (decoded JSON, or the text when it was not JSON), at
    most DETAIL_LIMIT characters; None when it said nothing."""
    message = _full_message(body)
    return None if message is None else shorten(message, DETAIL_LIMIT)


# --- a response's outcome ------------------------------------------------------------------------

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


def _where(response: httpx2.Response) -> str:
    """` (POST http://host/threads)`: what the answer was to, without credentials or query."""
    request = response.request
    url = request.url.copy_with(username=None, password=None, query=None)
    return f" ({request.method} {shorten(str(url), 120)})"


# Answers a newcomer meets first, and what they usually mean.
_HINTS = {
    404: "; is base_url the Agent Server's root (requests go to base_url + /threads)?",
    405: "; is base_url the Agent Server's root, without /threads?",
}


def _status_error(response: httpx2.Response, prepared: PreparedCreate, lost: bool) -> errors.APIStatusError:
    body = _raw_body(response)
    detail = server_message(body)
    status = response.status_code
    summary = f"{status} {response.reason_phrase}".strip()
    said = f": {one_line(detail)}" if detail else ""
    if status == 409:
        note = (
            " (an earlier attempt of this call got no answer and may have created it)"
            if lost
            else "; if_exists='do_nothing' returns the existing thread instead"
        )
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
    if status in _HINTS:
        said += _where(response) + _HINTS[status]
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
