"""The server's own words in an error body, whatever shape the body has, cut short.

Servers that implement the Agent Server API phrase errors differently (tests/conformance
asserts each kind's): the official server sends `{"detail": "…"}` (older releases plain
text), FastAPI-based servers such as Aegra a validation list `{"detail": [{"loc", "msg"}]}`
or `{"error": …, "message": …}`, and a proxy in front of any of them an HTML page. Each is
reduced to one short line for `.detail` and `str(error)`; the whole body stays on `.body`
and `.response`, so nothing is lost by the cut.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["DETAIL_LIMIT", "MESSAGE_LIMIT", "one_line", "server_message", "shorten"]

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
