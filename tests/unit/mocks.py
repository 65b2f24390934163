"""The unit tests' mock server answers: real bodies, answers in turn, what a request sent.

The clients are driven by tests/support/driver.py (the `make_client` fixture).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import httpx2

BASE_URL = "http://threads.test"
THREADS_URL = f"{BASE_URL}/threads"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def real_thread_body(**changes: Any) -> dict[str, Any]:
    """A body the real server sent for a new thread, optionally changed."""
    body: dict[str, Any] = json.loads((FIXTURES / "thread_created.json").read_text())
    body.update(changes)
    return body


Outcome = httpx2.Response | Exception | Callable[[httpx2.Request], httpx2.Response]


def in_turn(*outcomes: Outcome) -> Callable[[httpx2.Request], httpx2.Response]:
    """A mock server that answers each request with the next outcome: a response, an error raised, or a function."""
    queue = list(outcomes)

    def answer(request: httpx2.Request) -> httpx2.Response:
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome if isinstance(outcome, httpx2.Response) else outcome(request)

    return answer


def thread_answer(request: httpx2.Request) -> httpx2.Response:
    """What the real server answers to a create that succeeds: a thread with the id it was sent."""
    return httpx2.Response(200, json=real_thread_body(thread_id=sent_json(request)["thread_id"]))


def respx_thread_answer(request: httpx.Request) -> httpx.Response:
    """thread_answer as a respx route's side effect (respx passes the legacy httpx's types)."""
    return httpx.Response(200, json=real_thread_body(thread_id=json.loads(request.content)["thread_id"]))


def sent_json(request: httpx2.Request) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(request.content)
    return body
