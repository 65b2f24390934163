"""Every error class the SDK raises, each produced by a real call against a canned server.

Shared by the pickling tests and the process-pool workers they start (which import this
module in a fresh interpreter), so it holds no pytest fixtures: each case runs a
ThreadsClient on an httpx2.MockTransport with an API key set.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2

from langsmith_threads_client import ThreadsClient, ThreadsClientError

KEY = "sk-pickle-secret-7f3a9c"
BASE_URL = "http://threads.test"
SUPERSTEPS = [{"updates": [{"as_node": "start", "values": {"count": 1}}]}]
_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

Answer = Callable[[httpx2.Request], httpx2.Response]


def _status(status: int, headers: dict[str, str] | None = None) -> Answer:
    def answer(request: httpx2.Request) -> httpx2.Response:
        body = {"detail": f"the server says {status}"}
        return httpx2.Response(status, json=body, headers={"x-request-id": "req-1", **(headers or {})})

    return answer


def _raise(error_class: type[httpx2.TransportError]) -> Answer:
    def answer(request: httpx2.Request) -> httpx2.Response:
        raise error_class("the network says no", request=request)

    return answer


def _real_conflict(request: httpx2.Request) -> httpx2.Response:
    # The body the real server sent for a 409, with this request's id in it.
    body = json.loads((_FIXTURES / "conflict_409.json").read_text())
    sent = json.loads(request.content)["thread_id"]
    body["detail"] = body["detail"].replace("9f8b1d0e-3c2a-4b5d-8e6f-7a1b2c3d4e5f", sent)
    return httpx2.Response(409, json=body, headers={"content-type": "application/json"})


def _invalid_thread(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, json={"thread_id": "not a uuid"})


def _created_with_error(request: httpx2.Request) -> httpx2.Response:
    detail = "Thread was created, but there were problems updating the state: no graph"
    return httpx2.Response(201, json={"detail": detail})


# name: (server's answer, create_thread arguments beyond thread_id, the error class expected)
CASES: dict[str, tuple[Answer, dict[str, Any], str]] = {
    "400": (_status(400), {}, "BadRequestError"),
    "401": (_status(401), {}, "AuthenticationError"),
    "403": (_status(403), {}, "PermissionDeniedError"),
    "404": (_status(404), {}, "NotFoundError"),
    "409": (_real_conflict, {}, "ConflictError"),
    "418": (_status(418), {}, "APIStatusError"),
    "422": (_status(422), {}, "UnprocessableEntityError"),
    "429": (_status(429), {}, "RateLimitError"),
    "500": (_status(500, {"set-cookie": f"session={KEY}"}), {}, "InternalServerError"),
    "503": (_status(503), {}, "InternalServerError"),
    "supersteps-201": (_created_with_error, {"supersteps": SUPERSTEPS}, "SuperstepsError"),
    "supersteps-400": (_status(400), {"supersteps": SUPERSTEPS}, "SuperstepsError"),
    "invalid-200": (_invalid_thread, {}, "APIResponseValidationError"),
    "connect": (_raise(httpx2.ConnectError), {}, "APIConnectionError"),
    "timeout": (_raise(httpx2.ReadTimeout), {}, "APITimeoutError"),
}


def raise_case(name: str, thread_id: uuid.UUID | None = None, sent: list[httpx2.Request] | None = None) -> None:
    """Run one create_thread call that fails as CASES[name] says; it raises that error.

    `sent`, when given, receives each request the server saw.
    """
    answer, kwargs, _ = CASES[name]

    def record(request: httpx2.Request) -> httpx2.Response:
        if sent is not None:
            sent.append(request)
        return answer(request)

    http = httpx2.Client(transport=httpx2.MockTransport(record))
    with ThreadsClient(base_url=BASE_URL, api_key=KEY, max_retries=0, http_client=http) as client:
        client.create_thread(thread_id=thread_id, metadata={"user": "u1"}, **kwargs)
    raise AssertionError(f"case {name} did not raise")


def error_of(
    name: str, thread_id: uuid.UUID | None = None, sent: list[httpx2.Request] | None = None
) -> ThreadsClientError:
    try:
        raise_case(name, thread_id, sent)
    except ThreadsClientError as error:
        return error
    raise AssertionError("unreachable")
