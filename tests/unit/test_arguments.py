"""Every keyword of create_thread reaches the request it sends, on both clients.

The public signatures spell the keywords out; each packs them into one CreateArgs, and
this fails when a keyword is added to a signature (or to CreateArgs) without reaching
the wire, or when the two disagree in name, order or default.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import uuid
from typing import Any

import httpx2
import pytest

from langsmith_threads_client import (
    AsyncThreadsClient,
    AsyncThreadsClientWithRawResponse,
    ThreadsClient,
    ThreadsClientWithRawResponse,
)
from langsmith_threads_client._arguments import CreateArgs
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
    assert [p.name for p in parameters] == [field.name for field in dataclasses.fields(CreateArgs)]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    assert [p.default for p in parameters] == [field.default for field in dataclasses.fields(CreateArgs)]
    assert set(CALL) == {p.name for p in parameters}, "this test gives every keyword a value"


def answer(seen: list[httpx2.Request]) -> httpx2.MockTransport:
    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json=real_thread_body(thread_id=str(THREAD_ID)))

    return httpx2.MockTransport(handle)


def check_request(request: httpx2.Request) -> None:
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


def test_every_keyword_reaches_the_request_sync() -> None:
    seen: list[httpx2.Request] = []
    with httpx2.Client(transport=answer(seen)) as http, ThreadsClient("http://t.test", http_client=http) as client:
        client.create_thread(**CALL)
        client.with_raw_response.create_thread(**CALL)
    assert len(seen) == 2
    for request in seen:
        check_request(request)


async def test_every_keyword_reaches_the_request_async() -> None:
    seen: list[httpx2.Request] = []
    async with (
        httpx2.AsyncClient(transport=answer(seen)) as http,
        AsyncThreadsClient("http://t.test", http_client=http) as client,
    ):
        await client.create_thread(**CALL)
        await client.with_raw_response.create_thread(**CALL)
    assert len(seen) == 2
    for request in seen:
        check_request(request)
