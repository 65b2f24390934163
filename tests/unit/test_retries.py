"""Retries as the README says, and exactly-once creation when a response is lost."""

from __future__ import annotations

import email.utils
import time
import uuid

import httpx2
import pytest

from langsmith_threads_client import (
    APIConnectionError,
    APITimeoutError,
    ConflictError,
    InternalServerError,
    RateLimitError,
)
from langsmith_threads_client._response import MAX_RETRY_AFTER
from tests.unit.conftest import DriverFactory
from tests.unit.mock_server import MockServer
from tests.unit.mocks import in_turn, sent_json, thread_answer

SUPERSTEPS = [{"updates": [{"as_node": "start", "values": {"count": 1}}]}]


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_then_succeed(make_client: DriverFactory, api: MockServer, status: int) -> None:
    api.post("/threads").mock(side_effect=in_turn(httpx2.Response(status), httpx2.Response(status), thread_answer))
    client = make_client()
    thread = client.create_thread(metadata={"a": 1})
    assert api.calls.call_count == 3
    assert len(client.sleeps) == 2
    ids = {sent_json(call.request)["thread_id"] for call in api.calls}
    assert ids == {str(thread.thread_id)}, "every attempt sends the same thread_id"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_never_retried(make_client: DriverFactory, api: MockServer, status: int) -> None:
    api.post("/threads").respond(status, json={"detail": "no"})
    client = make_client(max_retries=5)
    with pytest.raises(Exception):  # noqa: B017 - the class per status is test_errors' business
        client.create_thread(thread_id=uuid.uuid4())
    assert api.calls.call_count == 1
    assert client.sleeps == []


@pytest.mark.parametrize("max_retries", [0, 1, 2, 4])
def test_max_retries_bounds_the_attempts(make_client: DriverFactory, api: MockServer, max_retries: int) -> None:
    api.post("/threads").respond(503, json={"detail": "busy"})
    client = make_client(max_retries=max_retries)
    with pytest.raises(InternalServerError):
        client.create_thread()
    assert api.calls.call_count == max_retries + 1
    assert len(client.sleeps) == max_retries


def test_the_default_is_two_retries(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").respond(429)
    with pytest.raises(RateLimitError):
        make_client().create_thread()
    assert api.calls.call_count == 3


def test_backoff_is_exponential_with_jitter_within_bounds(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").respond(500)
    client = make_client(max_retries=6)
    for _ in range(5):
        with pytest.raises(InternalServerError):
            client.create_thread()
    assert len(client.sleeps) == 30
    for index, delay in enumerate(client.sleeps):
        retry = index % 6 + 1
        ceiling = min(0.5 * 2 ** (retry - 1), 8.0)
        assert 0.75 * ceiling <= delay <= ceiling, (retry, delay)
    assert len(set(client.sleeps)) > 6, "jitter makes the delays differ"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "60"}, MAX_RETRY_AFTER),  # the cap itself; beyond it: test_retry_after_cap.py
    ],
)
def test_retry_after_is_honoured_and_capped(
    make_client: DriverFactory, api: MockServer, headers: dict[str, str], expected: float
) -> None:
    api.post("/threads").mock(side_effect=in_turn(httpx2.Response(429, headers=headers), thread_answer))
    client = make_client()
    client.create_thread()
    assert client.sleeps == ([expected] if expected else [])


def test_retry_after_as_an_http_date(make_client: DriverFactory, api: MockServer) -> None:
    when = email.utils.formatdate(time.time() + 10, usegmt=True)
    api.post("/threads").mock(side_effect=in_turn(httpx2.Response(503, headers={"retry-after": when}), thread_answer))
    client = make_client()
    client.create_thread()
    assert len(client.sleeps) == 1
    assert 8.0 <= client.sleeps[0] <= 10.0


def test_an_unreadable_retry_after_falls_back_to_backoff(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=in_turn(httpx2.Response(503, headers={"retry-after": "soon"}), thread_answer))
    client = make_client()
    client.create_thread()
    assert 0.375 <= client.sleeps[0] <= 0.5


@pytest.mark.parametrize(
    "error",
    [
        httpx2.ConnectError("refused"),
        httpx2.ReadError("reset"),
        httpx2.RemoteProtocolError("closed"),
        httpx2.WriteError("x"),
    ],
)
def test_connection_errors_are_retried_then_raised_as_api_connection_error(
    make_client: DriverFactory, api: MockServer, error: httpx2.TransportError
) -> None:
    api.post("/threads").mock(side_effect=error)
    client = make_client()
    with pytest.raises(APIConnectionError) as caught:
        client.create_thread()
    assert type(caught.value) is APIConnectionError
    assert caught.value.__cause__ is error
    assert "after 3 attempts" in str(caught.value)
    assert api.calls.call_count == 3


@pytest.mark.parametrize("error", [httpx2.ReadTimeout("slow"), httpx2.ConnectTimeout("slow"), httpx2.WriteTimeout("x")])
def test_timeouts_are_retried_then_raised_as_api_timeout_error(
    make_client: DriverFactory, api: MockServer, error: httpx2.TimeoutException
) -> None:
    api.post("/threads").mock(side_effect=error)
    with pytest.raises(APITimeoutError):
        make_client(max_retries=1).create_thread()
    assert api.calls.call_count == 2


def test_a_lost_response_is_retried_with_the_same_id_and_returns_the_thread(
    make_client: DriverFactory, api: MockServer
) -> None:
    # The first attempt reaches the server (and creates the thread), then the connection drops.
    api.post("/threads").mock(side_effect=in_turn(httpx2.ReadError("connection dropped"), thread_answer))
    thread = make_client().create_thread(metadata={"user": "u1"})
    first, second = (sent_json(call.request) for call in api.calls)
    assert first == second, "the retry sends the very same body"
    assert first["thread_id"] == str(thread.thread_id)
    assert uuid.UUID(first["thread_id"]).version == 7
    # "do_nothing": the retry returns the thread the lost attempt made instead of a 409.
    assert first["if_exists"] == "do_nothing"


# With supersteps, a 409 after a lost response: tests/unit/test_act_then_fail.py.


def test_a_caller_id_with_raise_says_a_conflict_after_a_lost_response_may_be_its_own(
    make_client: DriverFactory, api: MockServer
) -> None:
    thread_id = uuid.uuid4()
    api.post("/threads").mock(
        side_effect=in_turn(httpx2.ReadError("lost"), httpx2.Response(409, json={"detail": "exists"}))
    )
    with pytest.raises(ConflictError) as caught:
        make_client().create_thread(thread_id=thread_id)
    assert caught.value.after_lost_response is True
    assert caught.value.thread_id == thread_id
    assert "may have created it" in str(caught.value)
    assert [sent_json(call.request)["if_exists"] for call in api.calls] == ["raise", "raise"]


def test_a_caller_id_with_do_nothing_is_retried_as_is(make_client: DriverFactory, api: MockServer) -> None:
    thread_id = uuid.uuid4()
    api.post("/threads").mock(side_effect=in_turn(httpx2.ReadError("lost"), thread_answer))
    thread = make_client().create_thread(thread_id=thread_id, if_exists="do_nothing")
    assert thread.thread_id == thread_id
    assert api.calls.call_count == 2


def test_do_nothing_with_supersteps_is_not_resent_after_the_server_may_have_seen_it(
    make_client: DriverFactory, api: MockServer
) -> None:
    # Resending would apply the supersteps to the thread a second time.
    api.post("/threads").mock(side_effect=in_turn(httpx2.ReadError("lost"), thread_answer))
    with pytest.raises(APIConnectionError):
        make_client().create_thread(thread_id=uuid.uuid4(), if_exists="do_nothing", supersteps=SUPERSTEPS)
    assert api.calls.call_count == 1


def test_do_nothing_with_supersteps_is_retried_when_the_server_cannot_have_seen_it(
    make_client: DriverFactory, api: MockServer
) -> None:
    api.post("/threads").mock(side_effect=in_turn(httpx2.ConnectError("refused"), httpx2.Response(503), thread_answer))
    thread_id = uuid.uuid4()
    thread = make_client().create_thread(thread_id=thread_id, if_exists="do_nothing", supersteps=SUPERSTEPS)
    assert thread.thread_id == thread_id
    assert api.calls.call_count == 3
