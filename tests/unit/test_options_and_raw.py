"""`client.with_options(...)` (a client for part of a program, on the same pool, the original
unchanged) and `client.with_raw_response.create_thread(...)` (the final response: status,
headers, request id, retries taken, elapsed, `.parse()`), on both clients."""

from __future__ import annotations

import asyncio
import copy
import datetime
import json
import uuid
from typing import Any

import httpx2
import pytest

from langsmith_threads_client import (
    AsyncThreadsClient,
    ConflictError,
    DefaultAioHttpClient,
    InternalServerError,
    RawThreadResponse,
    SuperstepsOutcomeUnknownError,
    Thread,
    ThreadsClient,
)
from tests.support.driver import Driver
from tests.unit.conftest import DriverFactory
from tests.unit.loopback import answer_each, loopback, response
from tests.unit.mock_server import MockServer
from tests.unit.mocks import BASE_URL, in_turn, real_thread_body, sent_json, thread_answer


def derive(driver: Driver, **options: Any) -> Driver:
    """A Driver around driver.client.with_options(**options), on the same event loop."""
    derived = copy.copy(driver)  # the Driver, not the client: same loop, same recorded sleeps (closed by the fixture)
    derived.client = driver.client.with_options(**options)
    return derived


def close_client(driver: Driver) -> None:
    """Close the driver's client, leaving its event loop to the fixture."""
    if isinstance(driver.client, ThreadsClient):
        driver.client.close()
    else:
        assert driver._runner is not None
        driver._runner.run(driver.client.aclose())


def raw(driver: Driver, **kwargs: Any) -> RawThreadResponse:
    if isinstance(driver.client, ThreadsClient):
        return driver.client.with_raw_response.create_thread(**kwargs)
    assert driver._runner is not None
    return driver._runner.run(driver.client.with_raw_response.create_thread(**kwargs))


# --- with_options ------------------------------------------------------------------------------


def test_options_apply_to_the_new_client_only(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").respond(503)
    client = make_client(max_retries=3, timeout=9.0, headers={"X-Team": "a"})
    quick = derive(client, max_retries=0, timeout=2.5, headers={"x-part": "batch"})
    with pytest.raises(InternalServerError):
        quick.create_thread()
    assert api.calls.call_count == 1
    sent = api.calls.last.request
    assert sent.headers["x-team"] == "a" and sent.headers["x-part"] == "batch"
    assert sent.extensions["timeout"] == httpx2.Timeout(2.5).as_dict()
    with pytest.raises(InternalServerError):
        client.create_thread()
    assert api.calls.call_count == 1 + 4  # the original: 1 + its 3 retries
    assert "x-part" not in api.calls.last.request.headers
    assert api.calls.last.request.extensions["timeout"] == httpx2.Timeout(9.0).as_dict()
    assert (client.client.max_retries, client.client.timeout) == (3, httpx2.Timeout(9.0))
    assert (quick.client.max_retries, quick.client.timeout) == (0, httpx2.Timeout(2.5))


def test_headers_merge_case_insensitively_over_the_clients(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    derive(make_client(headers={"X-Team": "a", "x-keep": "k"}), headers={"x-team": "b"}).create_thread()
    sent = api.calls.last.request.headers
    assert sent.get_list("x-team") == ["b"] and sent["x-keep"] == "k"


def test_the_new_client_shares_the_pool_and_closing_it_leaves_the_original_working(
    make_client: DriverFactory, api: MockServer
) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    client = make_client()
    part = derive(client, max_retries=1)
    assert part.client._http is client.client._http  # one pool, not two
    part.create_thread()
    close_client(part)
    with pytest.raises(RuntimeError, match="is closed"):
        part.create_thread()
    client.create_thread()  # the pool is the original's: still open
    assert not client.client._http.is_closed
    assert api.calls.call_count == 2


def test_closing_the_original_closes_the_new_clients_pool_and_it_says_so(
    make_client: DriverFactory, api: MockServer
) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    client = make_client()
    part = derive(derive(client, max_retries=1), timeout=3.0)  # derived twice: the root is the original
    assert part.client._root is client.client
    close_client(client)
    with pytest.raises(RuntimeError, match=r"made from \(with_options\) is closed"):
        part.create_thread()
    assert api.calls.call_count == 0


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"max_retries": -1}, ValueError),
        ({"max_retries": 1.5}, TypeError),
        ({"timeout": 0}, ValueError),
        ({"timeout": "3"}, TypeError),
        ({"headers": {"content-type": "text/plain"}}, ValueError),
        ({"headers": {"x-bad": "a\nb"}}, ValueError),
    ],
)
def test_a_bad_option_is_refused_at_once(options: dict[str, Any], error: type[Exception]) -> None:
    with ThreadsClient(BASE_URL, api_key=None) as client, pytest.raises(error):
        client.with_options(**options)


def test_a_copy_of_the_new_client_has_its_options_and_a_pool_of_its_own() -> None:
    with ThreadsClient(BASE_URL, api_key=None, headers={"X-Team": "a"}) as client:
        part = client.with_options(max_retries=5, headers={"x-team": "b"})
        other = copy.copy(part)
        assert other._http is not client._http and other._owns_http
        assert (other.max_retries, other._headers["x-team"]) == (5, "b")
        other.close()
        assert "api_key=none" in repr(part)


def test_the_new_async_client_follows_the_originals_pool_into_a_new_event_loop(api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    client = AsyncThreadsClient(BASE_URL, api_key=None)
    part = client.with_options(max_retries=0)
    asyncio.run(part.create_thread())
    first_pool = client._http
    asyncio.run(part.create_thread())  # a second event loop: the original renews its pool, part follows
    assert client._http is not first_pool and part._http is client._http
    asyncio.run(client.aclose())
    assert api.calls.call_count == 2


def test_the_new_client_follows_the_originals_pool_after_fork(api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    with ThreadsClient(BASE_URL, api_key=None) as client:
        part = client.with_options(max_retries=0)
        inherited = client._http
        client._forget_inherited_connections()  # what the fork handler runs in the child
        part.create_thread()
        assert part._http is client._http is not inherited


# --- with_raw_response -------------------------------------------------------------------------


def test_the_raw_response_of_a_call_that_was_retried(make_client: DriverFactory, api: MockServer) -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        body = real_thread_body(thread_id=sent_json(request)["thread_id"])
        return httpx2.Response(200, json=body, headers={"x-request-id": "req-7", "x-extra": "e"})

    api.post("/threads").mock(side_effect=in_turn(httpx2.Response(503), httpx2.Response(502), answer))
    answer_raw = raw(make_client(), metadata={"a": 1})
    assert answer_raw.status_code == 200
    assert answer_raw.request_id == "req-7" and answer_raw.headers["X-Extra"] == "e"
    assert answer_raw.retries_taken == 2
    assert isinstance(answer_raw.elapsed, datetime.timedelta) and answer_raw.elapsed >= datetime.timedelta(0)
    thread = answer_raw.parse()
    assert isinstance(thread, Thread) and thread.thread_id == answer_raw.thread_id
    assert str(thread.thread_id) == sent_json(api.calls.last.request)["thread_id"]
    assert answer_raw.http_response.json()["thread_id"] == str(thread.thread_id)
    assert "retries_taken=2" in repr(answer_raw)


def test_a_lost_answer_is_a_retry_taken(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=in_turn(httpx2.ReadError("lost"), thread_answer))
    answer_raw = raw(make_client())
    assert answer_raw.retries_taken == 1
    assert answer_raw.status_code == 200 and api.calls.call_count == 2


def test_the_fetch_after_a_lost_attempt_with_supersteps_raises_as_usual(
    make_client: DriverFactory, api: MockServer
) -> None:
    # Supersteps with the SDK's id: a lost answer, then 409 (our own thread), then the fetch,
    # whose thread is never the call's success (SuperstepsOutcomeUnknownError carries it).
    api.post("/threads").mock(
        side_effect=in_turn(httpx2.ReadError("lost"), httpx2.Response(409, json={"detail": "exists"}), thread_answer)
    )
    with pytest.raises(SuperstepsOutcomeUnknownError) as caught:
        raw(make_client(), graph_id="g", supersteps=[{"updates": [{"as_node": "a", "values": {}}]}])
    assert caught.value.thread is not None and api.calls.call_count == 3


def test_errors_raise_as_usual(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").respond(409, json={"detail": "Thread exists"})
    thread_id = uuid.uuid4()
    with pytest.raises(ConflictError) as caught:
        raw(make_client(), thread_id=thread_id)
    assert caught.value.thread_id == thread_id


def test_a_closed_client_says_so(make_client: DriverFactory) -> None:
    client = make_client()
    close_client(client)
    with pytest.raises(RuntimeError, match="is closed"):
        raw(client)


async def test_the_raw_response_on_the_aiohttp_transport() -> None:
    def answer(head: str, body: bytes) -> bytes:
        thread = real_thread_body(thread_id=json.loads(body)["thread_id"])
        return response(200, json.dumps(thread).encode(), x_request_id="aio-1")

    async with loopback(lambda conn: answer_each(conn, answer)) as server:
        async with (
            DefaultAioHttpClient() as http,
            AsyncThreadsClient(server.base_url, api_key=None, http_client=http) as client,
        ):
            answer_raw = await client.with_options(max_retries=1).with_raw_response.create_thread()
    assert (answer_raw.status_code, answer_raw.request_id, answer_raw.retries_taken) == (200, "aio-1", 0)
    assert answer_raw.parse().thread_id == answer_raw.thread_id
