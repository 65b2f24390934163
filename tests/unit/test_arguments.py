"""Every keyword of create_thread reaches the request it sends, on both clients.

The public signatures spell the keywords out; each packs them into one CreateArgs, and
this fails when a keyword is added to a signature (or to CreateArgs) without reaching
the wire, or when the two disagree in name, order or default.
"""

from __future__ import annotations

import inspect
import json
import uuid
from typing import Any

import httpx
import httpx2
import pytest
import respx

from langsmith_threads_client import (
    AsyncThreadsClient,
    AsyncThreadsClientWithRawResponse,
    ThreadsClient,
    ThreadsClientWithRawResponse,
)
from langsmith_threads_client._config import CreateArgs
from tests.unit.mocks import real_thread_body

THREAD_ID = uuid.uuid4()
# A distinct value for each keyword, and where it must show in the request.
CALL: dict[str, Any] = {
    "thread_id": THREAD_ID,
    "metadata": {"m": 1},
    "if_exists": "do_nothing",
    "ttl": 7,
    "supersteps": [{"updates": [{"as_node": "start", "values": {"count": 3}}]}],
    "graph_id": "g1",
    "timeout": httpx2.Timeout(3.5),
    "headers": {"x-from-call": "yes"},
    "extra_body": {"x_newer_field": "e1"},
}


@pytest.mark.parametrize(
    "client",
    [ThreadsClient, AsyncThreadsClient, ThreadsClientWithRawResponse, AsyncThreadsClientWithRawResponse],
    ids=lambda client: client.__name__,
)
def test_the_signature_is_create_args(client: type[Any]) -> None:
    parameters = list(inspect.signature(client.create_thread).parameters.values())[1:]  # after self
    assert [p.name for p in parameters] == list(CreateArgs._fields)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    assert [p.default for p in parameters] == [CreateArgs._field_defaults[name] for name in CreateArgs._fields]
    assert set(CALL) == {p.name for p in parameters}, "this test gives every keyword a value"


def answer(httpx2_mock: respx.Router) -> respx.Route:
    """The server, as a respx route over httpx2's network layer (pytest-httpx2's httpx2_mock)."""
    thread = real_thread_body(thread_id=str(THREAD_ID))
    return httpx2_mock.post("http://t.test/threads").mock(side_effect=lambda request: httpx.Response(200, json=thread))


def check_request(request: httpx.Request) -> None:
    body = json.loads(request.content)
    assert body == {
        "thread_id": str(THREAD_ID),
        "metadata": {"m": 1, "graph_id": "g1"},
        "if_exists": "do_nothing",
        "ttl": {"strategy": "delete", "ttl": 7.0},
        "supersteps": [{"updates": [{"as_node": "start", "values": {"count": 3}}]}],
        "x_newer_field": "e1",
    }
    assert request.headers["x-from-call"] == "yes"
    assert request.extensions["timeout"] == httpx2.Timeout(3.5).as_dict()


def test_every_keyword_reaches_the_request_sync(httpx2_mock: respx.Router) -> None:
    route = answer(httpx2_mock)
    with ThreadsClient("http://t.test") as client:
        client.create_thread(**CALL)
        client.with_raw_response.create_thread(**CALL)
    assert route.call_count == 2
    for call in route.calls:
        check_request(call.request)


async def test_every_keyword_reaches_the_request_async(httpx2_mock: respx.Router) -> None:
    route = answer(httpx2_mock)
    async with AsyncThreadsClient("http://t.test") as client:
        await client.create_thread(**CALL)
        await client.with_raw_response.create_thread(**CALL)
    assert route.call_count == 2
    for call in route.calls:
        check_request(call.request)
