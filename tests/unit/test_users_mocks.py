"""The mocks users already have: respx routes over httpx2 (pytest-httpx2's `httpx2_mock`)
mock the SDK's default transport, sync and async; the FakeAgentServer serves as a respx
side effect; DefaultAioHttpClient, which respx cannot mock, refuses to send past the mock.
"""

from __future__ import annotations

import json
import uuid

import httpx
import httpx2
import pytest
import respx

from langsmith_threads_client import (
    APIConnectionError,
    AsyncThreadsClient,
    ConflictError,
    DefaultAioHttpClient,
    InternalServerError,
    ThreadsClient,
)
from langsmith_threads_client.testing import FakeAgentServer
from tests.unit.mocks import real_thread_body

BASE_URL = "http://agents.test"


def thread_for(request: httpx.Request) -> httpx.Response:
    """A respx side effect: the thread the request named (respx passes the legacy httpx's types)."""
    return httpx.Response(200, json=real_thread_body(thread_id=json.loads(request.content)["thread_id"]))


def no_sleep(delay: float) -> None:
    pass


async def no_sleep_async(delay: float) -> None:
    pass


def test_a_route_answers_the_sync_client(httpx2_mock: respx.Router) -> None:
    route = httpx2_mock.post(f"{BASE_URL}/threads").mock(side_effect=thread_for)
    with ThreadsClient(BASE_URL, api_key="sk-test") as client:
        thread = client.create_thread(metadata={"user": "u1"})
    assert route.call_count == 1
    sent = route.calls.last.request
    assert json.loads(sent.content)["metadata"] == {"user": "u1"}
    assert sent.headers["x-api-key"] == "sk-test"
    assert str(thread.thread_id) == json.loads(sent.content)["thread_id"]


async def test_a_409_route_raises_conflict_error_on_the_async_client(httpx2_mock: respx.Router) -> None:
    httpx2_mock.post(f"{BASE_URL}/threads").respond(409, json={"detail": "Thread exists"})
    thread_id = uuid.uuid4()
    async with AsyncThreadsClient(BASE_URL, api_key=None) as client:
        with pytest.raises(ConflictError) as caught:
            await client.create_thread(thread_id=thread_id)
    assert (caught.value.thread_id, caught.value.detail) == (thread_id, "Thread exists")


def test_a_sequence_of_outcomes_drives_the_retries(httpx2_mock: respx.Router) -> None:
    # httpx2's errors as instances (respx builds an exception class's instance with the legacy httpx's arguments).
    thread_id = uuid.uuid4()
    answer = httpx.Response(200, json=real_thread_body(thread_id=str(thread_id)))
    route = httpx2_mock.post(f"{BASE_URL}/threads").mock(
        side_effect=[httpx2.ReadError("reset"), httpx.Response(503), answer]
    )
    with ThreadsClient(BASE_URL, api_key=None) as client:
        client._sleep = no_sleep
        assert client.create_thread(thread_id=thread_id, if_exists="do_nothing").thread_id == thread_id
    assert route.call_count == 3
    assert len({json.loads(call.request.content)["thread_id"] for call in route.calls}) == 1


def test_errors_after_retries_are_the_sdks(httpx2_mock: respx.Router) -> None:
    httpx2_mock.post(f"{BASE_URL}/threads").mock(side_effect=httpx2.ConnectError("refused"))
    with ThreadsClient(BASE_URL, api_key=None, max_retries=0) as client, pytest.raises(APIConnectionError):
        client.create_thread()


def test_the_fake_as_a_side_effect_keeps_its_state(httpx2_mock: respx.Router) -> None:
    fake = FakeAgentServer()
    httpx2_mock.route(host="agents.test").mock(side_effect=fake.respx_side_effect)
    with ThreadsClient(BASE_URL, api_key=None) as client:
        thread = client.create_thread(metadata={"user": "u1"})
        thread_id = uuid.uuid4()
        client.create_thread(thread_id=thread_id)
        with pytest.raises(ConflictError):
            client.create_thread(thread_id=thread_id)
    assert [t["thread_id"] for t in fake.threads] == [str(thread.thread_id), str(thread_id)]
    assert fake.threads[0]["metadata"] == {"user": "u1"}


async def test_the_fakes_faults_reach_the_sdk_through_respx(httpx2_mock: respx.Router) -> None:
    fake = FakeAgentServer()
    httpx2_mock.route(host="agents.test").mock(side_effect=fake.respx_side_effect)
    fake.lose_next_response()  # stored, the answer lost: the SDK's retry gets the same thread back
    fake.reset_next()
    fake.fail_next(503, retry_after=0)
    async with AsyncThreadsClient(BASE_URL, api_key=None, max_retries=3) as client:
        client._sleep = no_sleep_async
        thread = await client.create_thread()
    assert [t["thread_id"] for t in fake.threads] == [str(thread.thread_id)]
    assert [fault.kind for fault in fake.faults_applied] == ["lost", "reset", "fail"]
    fake.fail_next(500, times=2)
    async with AsyncThreadsClient(BASE_URL, api_key=None, max_retries=1) as client:
        client._sleep = no_sleep_async
        with pytest.raises(InternalServerError):
            await client.create_thread()


async def test_default_aiohttp_client_refuses_to_send_past_the_mock() -> None:
    # As httpx2_mock starts it, without its check that every route was called.
    with respx.mock(using="httpcore2", assert_all_called=False) as router:
        route = router.post("http://127.0.0.1:9/threads").mock(side_effect=thread_for)
        async with (
            DefaultAioHttpClient() as http,
            AsyncThreadsClient("http://127.0.0.1:9", api_key=None, http_client=http, max_retries=0) as client,
        ):
            with pytest.raises(RuntimeError, match=r"respx .* does not mock"):
                await client.create_thread()
    assert route.call_count == 0


async def test_default_aiohttp_client_sends_once_the_mock_stopped() -> None:
    with respx.mock(using="httpcore2"):
        pass  # started and stopped: nothing patched any more
    async with (
        DefaultAioHttpClient() as http,
        AsyncThreadsClient("http://127.0.0.1:9", api_key=None, http_client=http, max_retries=0) as client,
    ):
        with pytest.raises(APIConnectionError):  # the real network: nothing listens on port 9
            await client.create_thread()
