"""A server asking to wait longer than the SDK's cap (MAX_RETRY_AFTER, 60 s) gets no retry:
the call raises at once, and the error says how long the server asked for (`.retry_after`).

A wait within the cap is slept and the call retried (test_retries.py); whenever the server
sent a wait, the final error carries it.
"""

from __future__ import annotations

import email.utils
import pickle
import time

import httpx2
import pytest

from langsmith_threads_client import APIStatusError, InternalServerError, RateLimitError
from langsmith_threads_client._response import MAX_RETRY_AFTER
from tests.unit.conftest import DriverFactory
from tests.unit.mock_server import MockServer
from tests.unit.mocks import in_turn, thread_answer


@pytest.mark.parametrize(
    ("status", "headers", "error_class", "asked"),
    [
        (429, {"retry-after": "3600"}, RateLimitError, 3600.0),
        (503, {"retry-after": "61"}, InternalServerError, 61.0),
        (429, {"retry-after-ms": "90000"}, RateLimitError, 90.0),
        (503, {"retry-after-ms": "60001", "retry-after": "1"}, InternalServerError, 60.001),
    ],
)
def test_a_wait_beyond_the_cap_is_not_retried_and_is_on_the_error(
    make_client: DriverFactory,
    api: MockServer,
    status: int,
    headers: dict[str, str],
    error_class: type[APIStatusError],
    asked: float,
) -> None:
    api.post("/threads").mock(side_effect=in_turn(httpx2.Response(status, headers=headers), thread_answer))
    client = make_client(max_retries=5)
    with pytest.raises(error_class) as caught:
        client.create_thread()
    assert api.calls.call_count == 1
    assert client.sleeps == []
    assert caught.value.retry_after == pytest.approx(asked)
    assert f"asked to wait {asked:g} s" in str(caught.value)
    assert f"{MAX_RETRY_AFTER:g} s" in str(caught.value)
    assert caught.value.thread_id is not None  # finish it later with this id, as after any 5xx


def test_an_http_date_beyond_the_cap_is_seconds_from_now_on_the_error(
    make_client: DriverFactory, api: MockServer
) -> None:
    when = email.utils.formatdate(time.time() + 7200, usegmt=True)
    api.post("/threads").respond(503, headers={"retry-after": when})
    client = make_client()
    with pytest.raises(InternalServerError) as caught:
        client.create_thread()
    assert api.calls.call_count == 1
    assert caught.value.retry_after is not None
    assert 7100 <= caught.value.retry_after <= 7200


def test_a_wait_of_exactly_the_cap_is_waited_for(make_client: DriverFactory, api: MockServer) -> None:
    cap = f"{MAX_RETRY_AFTER:g}"
    api.post("/threads").mock(side_effect=in_turn(httpx2.Response(429, headers={"retry-after": cap}), thread_answer))
    client = make_client()
    client.create_thread()
    assert client.sleeps == [MAX_RETRY_AFTER]


def test_the_last_errors_wait_is_on_it_after_the_retries_ran_out(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").respond(429, headers={"retry-after": "2"})
    client = make_client(max_retries=2)
    with pytest.raises(RateLimitError) as caught:
        client.create_thread()
    assert api.calls.call_count == 3
    assert client.sleeps == [2.0, 2.0]
    assert caught.value.retry_after == 2.0
    assert pickle.loads(pickle.dumps(caught.value)).retry_after == 2.0


@pytest.mark.parametrize("headers", [{}, {"retry-after": "soon"}, {"retry-after": "nan"}])
def test_no_readable_wait_is_none(make_client: DriverFactory, api: MockServer, headers: dict[str, str]) -> None:
    api.post("/threads").respond(503, headers=headers)
    with pytest.raises(InternalServerError) as caught:
        make_client(max_retries=0).create_thread()
    assert caught.value.retry_after is None
