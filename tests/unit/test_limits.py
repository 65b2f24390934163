"""The bounds of the README's "Security" section, on httpx2's transport seam, sync and async.

The cap on an answer's size (counted after decoding), the bound on content codings, how the
parts of a timeout make an attempt's whole bound, and where each is configured. The same
bounds against real misbehaving sockets, on every client kind, with time and memory
measured, are in tests/hostile/.
"""

from __future__ import annotations

import copy
import gzip
import json
import pickle
import uuid
from typing import Any

import httpx2
import pytest

from langsmith_threads_client import (
    DEFAULT_MAX_RESPONSE_BYTES,
    APIConnectionError,
    AsyncThreadsClient,
    DefaultAioHttpClient,
    DefaultAsyncHttpxClient,
    DefaultHttpxClient,
    ResponseTooLargeError,
    ThreadsClient,
    ThreadsClientError,
)
from langsmith_threads_client._transport import (
    FIRST_BYTES,
    AsyncBackend,
    Backend,
    Body,
    attempt_bound,
    bound_own_pools,
)
from langsmith_threads_client.testing import FakeAgentServer
from tests.unit.conftest import DriverFactory
from tests.unit.mock_server import MockServer
from tests.unit.mocks import real_thread_body, sent_json

SUPERSTEPS = [{"updates": [{"as_node": "start", "values": {"count": 1}}]}]


def _padded_thread(request: httpx2.Request, padding: int, status: int = 200, **headers: str) -> httpx2.Response:
    """A valid thread after `padding` spaces (JSON allows them): too large only by its size."""
    body = b" " * padding + json.dumps(real_thread_body(thread_id=sent_json(request)["thread_id"])).encode()
    return httpx2.Response(status, content=body, headers={"content-type": "application/json", **headers})


# --- the cap ----------------------------------------------------------------------------------


def test_an_answer_past_the_cap_raises_response_too_large_once(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=lambda request: _padded_thread(request, 5000))
    client = make_client(max_response_bytes=1000, max_retries=2)
    with pytest.raises(ResponseTooLargeError) as caught:
        client.create_thread()
    error = caught.value
    assert api.calls.call_count == 1, "never retried: the server would send the same answer again"
    assert isinstance(error, ThreadsClientError)
    assert (error.status_code, error.limit, error.thread_may_exist) == (200, 1000, True)
    assert error.thread_id == uuid.UUID(sent_json(api.calls.last.request)["thread_id"])
    assert error.body == b" " * 1000, "the first bytes, never more than the cap"
    assert error.response.content == error.body
    assert len(str(error)) < 600
    assert "may exist" in str(error) and str(error.thread_id) in str(error)


def test_an_answer_of_exactly_the_cap_is_read_and_one_byte_more_is_not(
    make_client: DriverFactory, api: MockServer
) -> None:
    api.post("/threads").mock(side_effect=lambda request: _padded_thread(request, 100))
    size = 100 + len(json.dumps(real_thread_body()).encode())  # the same length for any thread id
    route = api.post("/threads")
    thread = make_client(max_response_bytes=size).create_thread()
    assert str(thread.thread_id) == sent_json(route.calls.last.request)["thread_id"]  # the answer, read whole
    with pytest.raises(ResponseTooLargeError):
        make_client(max_response_bytes=size - 1).create_thread()


def test_the_cap_counts_bytes_after_decoding(make_client: DriverFactory, api: MockServer) -> None:
    # 2 MB of spaces compress to a few KB: the cap is on what the SDK would hold, not on the wire.
    def answer(request: httpx2.Request) -> httpx2.Response:
        plain = _padded_thread(request, 2_000_000).content
        # A stream, so that the mock does not decode it first: the SDK's read does.
        return httpx2.Response(
            200, stream=httpx2.ByteStream(gzip.compress(plain)), headers={"content-encoding": "gzip"}
        )

    api.post("/threads").mock(side_effect=answer)
    with pytest.raises(ResponseTooLargeError) as caught:
        make_client(max_response_bytes=1_000_000).create_thread()
    assert len(caught.value.body) == FIRST_BYTES


@pytest.mark.parametrize(
    ("status", "supersteps", "may_exist"),
    [
        (500, False, True),
        (409, False, True),
        (400, True, True),
        (400, False, False),
        (422, False, False),
        (503, False, False),
        (429, False, False),
        (404, False, False),
        (307, False, False),
    ],
)
def test_whether_the_thread_may_exist_follows_the_status(
    make_client: DriverFactory, api: MockServer, status: int, supersteps: bool, may_exist: bool
) -> None:
    api.post("/threads").mock(side_effect=lambda request: _padded_thread(request, 5000, status))
    kwargs = {"supersteps": SUPERSTEPS, "graph_id": "echo"} if supersteps else {}
    with pytest.raises(ResponseTooLargeError) as caught:
        make_client(max_response_bytes=1000, max_retries=0).create_thread(**kwargs)
    assert (caught.value.status_code, caught.value.thread_may_exist) == (status, may_exist)


def test_after_a_lost_attempt_the_thread_may_exist_whatever_the_status(
    make_client: DriverFactory, api: MockServer
) -> None:
    answers = iter([httpx2.ReadError("reset")])

    def answer(request: httpx2.Request) -> httpx2.Response:
        for failure in answers:
            raise failure
        return _padded_thread(request, 5000, 422)

    api.post("/threads").mock(side_effect=answer)
    with pytest.raises(ResponseTooLargeError) as caught:
        make_client(max_response_bytes=1000, max_retries=1).create_thread()
    assert caught.value.thread_may_exist


def test_no_limit_reads_any_size(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=lambda request: _padded_thread(request, 100_000))
    thread = make_client(max_response_bytes=None).create_thread()
    assert str(thread.thread_id) == sent_json(api.calls.last.request)["thread_id"]  # the 100 kB answer, read whole


def test_response_too_large_pickles_whole() -> None:
    request = httpx2.Request("POST", "http://h/threads", headers={"x-api-key": "secret"})
    response = httpx2.Response(200, content=b"{ ", request=request, headers={"x-request-id": "r1"})
    error = ResponseTooLargeError(
        "m", response=response, detail="{", limit=2, thread_may_exist=True, thread_id=uuid.UUID(int=1)
    )
    for copied in (pickle.loads(pickle.dumps(error)), copy.copy(error)):
        assert type(copied) is ResponseTooLargeError
        assert (copied.body, copied.limit, copied.thread_may_exist, copied.request_id) == (b"{ ", 2, True, "r1")
        assert copied.thread_id == uuid.UUID(int=1) and copied.status_code == 200
    assert b"secret" not in pickle.dumps(error)


def test_body_keeps_at_most_the_first_bytes_of_a_too_large_answer() -> None:
    body = Body(10)
    assert body.add(b"12345") and body.add(b"678")
    assert not body.add(b"9abcdef")
    assert body.first_bytes() == b"123456789a"
    unlimited = Body(None)
    assert unlimited.add(b"x" * 100) and unlimited.content() == b"x" * 100


# --- content codings --------------------------------------------------------------------------


def _encoded(request: httpx2.Request, times: int) -> httpx2.Response:
    body = json.dumps(real_thread_body(thread_id=sent_json(request)["thread_id"])).encode()
    for _ in range(times):
        body = gzip.compress(body)
    codings = ", ".join(["gzip"] * times)
    return httpx2.Response(200, stream=httpx2.ByteStream(body), headers={"content-encoding": codings})


def test_five_content_codings_are_decoded(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=lambda request: _encoded(request, 5))
    thread = make_client().create_thread()
    assert str(thread.thread_id) == sent_json(api.calls.last.request)["thread_id"]  # decoded five times to the thread


def test_more_than_five_content_codings_are_refused_as_a_broken_answer(
    make_client: DriverFactory, api: MockServer
) -> None:
    api.post("/threads").mock(side_effect=lambda request: _encoded(request, 6))
    with pytest.raises(APIConnectionError) as caught:
        make_client(max_retries=0).create_thread()
    assert type(caught.value.__cause__) is httpx2.RemoteProtocolError
    assert "6 content codings; at most 5" in str(caught.value)
    assert caught.value.thread_id is not None


# --- configuration ----------------------------------------------------------------------------


def test_max_response_bytes_defaults_and_is_checked() -> None:
    with ThreadsClient(api_key=None) as client:
        assert client.max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES == 64 * 1024 * 1024
    with ThreadsClient(api_key=None, max_response_bytes=10) as client, copy.copy(client) as copied:
        assert copied.max_response_bytes == 10
    with ThreadsClient(api_key=None, max_response_bytes=None) as client:
        assert client.max_response_bytes is None
    bad_values: list[tuple[Any, type[Exception]]] = [
        (0, ValueError),
        (-1, ValueError),
        ("10", TypeError),
        (True, TypeError),
        (1.5, TypeError),
    ]
    for bad, error in bad_values:
        with pytest.raises(error, match="max_response_bytes"):
            ThreadsClient(api_key=None, max_response_bytes=bad)
        with pytest.raises(error, match="max_response_bytes"):
            DefaultAioHttpClient(max_response_bytes=bad)


async def test_the_async_client_takes_its_aiohttp_transports_cap_unless_given_its_own() -> None:
    async with DefaultAioHttpClient(max_response_bytes=123) as http:
        assert http.max_response_bytes == 123
        async with AsyncThreadsClient(api_key=None, http_client=http) as client:
            assert client.max_response_bytes == 123
        async with AsyncThreadsClient(api_key=None, http_client=http, max_response_bytes=5) as client:
            assert client.max_response_bytes == 5
    async with DefaultAioHttpClient() as http:
        assert http.max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES


# --- the whole-attempt bound ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timeout", "bound"),
    [
        (httpx2.Timeout(2.0), 2.0),
        (httpx2.Timeout(60.0, connect=5.0), 60.0),  # the SDK's default
        (httpx2.Timeout(connect=1.0, read=3.0, write=2.0, pool=4.0), 4.0),
        (httpx2.Timeout(5.0, read=None), None),  # no limit on reading: no whole bound either
        (httpx2.Timeout(None), None),
    ],
)
def test_an_attempts_whole_bound_is_the_largest_part_of_its_timeout(
    timeout: httpx2.Timeout, bound: float | None
) -> None:
    assert attempt_bound(timeout) == bound


async def test_httpx2s_own_transports_keep_the_deadline() -> None:
    # The SDK's one reach into private names (`_transport.bound_own_pools`): httpx2 has no public
    # hook for a network backend. If httpx2 moves its pools, this fails (and the SDK keeps the
    # deadline between pieces of the body only).
    with ThreadsClient(api_key=None) as client:
        assert isinstance(client._http._transport._pool._network_backend, Backend)  # type: ignore[attr-defined]
    with DefaultHttpxClient(mounts={"http://other": httpx2.HTTPTransport()}) as own:
        assert bound_own_pools(own) == 0, "both transports already bounded, once"
        for transport in (own._transport, *own._mounts.values()):
            assert isinstance(transport._pool._network_backend, Backend)  # type: ignore[union-attr]
    async with AsyncThreadsClient(api_key=None) as async_client:
        backend = async_client._http._transport._pool._network_backend  # type: ignore[union-attr]
        assert isinstance(backend, AsyncBackend)
    async with DefaultAsyncHttpxClient() as async_own:
        assert isinstance(async_own._transport._pool._network_backend, AsyncBackend)  # type: ignore[attr-defined]


def _insides(http: httpx2.Client | httpx2.AsyncClient) -> list[object]:
    # Read only to show they are untouched: each transport, its pool and the pool's network backend.
    transports = [http._transport, *http._mounts.values()]
    pools = [transport._pool for transport in transports]
    return [*transports, *pools, *(pool._network_backend for pool in pools)]


def test_a_users_sync_client_is_never_changed() -> None:
    server = FakeAgentServer()
    with server.serve() as base_url, httpx2.Client(mounts={"http://other": httpx2.HTTPTransport()}) as own:
        before = _insides(own)
        with ThreadsClient(base_url, api_key=None, http_client=own) as client:
            for _ in range(3):
                client.create_thread()
        after = _insides(own)
        assert all(a is b for a, b in zip(before, after, strict=True))
        assert not any(isinstance(item, Backend | AsyncBackend) for item in after)
        assert not own.is_closed  # and it stays the user's, open
    assert len(server.threads) == 3


async def test_a_users_async_client_is_never_changed() -> None:
    server = FakeAgentServer()
    with server.serve() as base_url:
        async with httpx2.AsyncClient() as own:
            before = _insides(own)
            async with AsyncThreadsClient(base_url, api_key=None, http_client=own) as client:
                for _ in range(3):
                    await client.create_thread()
            after = _insides(own)
            assert all(a is b for a, b in zip(before, after, strict=True))
            assert not any(isinstance(item, Backend | AsyncBackend) for item in after)
            assert not own.is_closed
    assert len(server.threads) == 3


async def test_an_inline_aiohttp_transport_closes_its_connections_with_the_client() -> None:
    # AsyncThreadsClient(http_client=DefaultAioHttpClient()) written inline leaves no aiohttp
    # session open (aiohttp would log "Unclosed client session"); the transport stays usable.
    server = FakeAgentServer()
    with server.serve() as base_url:
        http = DefaultAioHttpClient()
        first = AsyncThreadsClient(base_url, api_key=None, http_client=http)
        second = AsyncThreadsClient(base_url, api_key=None, http_client=http)
        await first.create_thread()
        await first.aclose()
        await first.aclose()  # closing twice releases once
        assert http._session is not None, "the second client still sends through it"
        await second.create_thread()
        await second.aclose()
        assert http._session is None and not http.is_closed
        async with AsyncThreadsClient(base_url, api_key=None, http_client=http) as third:
            await third.create_thread()  # opens new connections
        await http.aclose()
        assert http.is_closed
    assert len(server.threads) == 3


def test_where_no_pool_is_found_nothing_is_wrapped_and_calls_still_work(caplog: pytest.LogCaptureFixture) -> None:
    # What the SDK does if httpx2 moves the names bound_own_pools reads: it binds nothing, says
    # so at DEBUG, and sends as usual (the reader still stops a body at the deadline).
    server = FakeAgentServer()
    with caplog.at_level("DEBUG", logger="langsmith_threads_client"):
        http = DefaultHttpxClient(transport=server.transport())
    assert bound_own_pools(http) == 0
    assert "no httpcore2 pool found" in caplog.text
    with http, ThreadsClient("http://fake.test", api_key=None, http_client=http) as client:
        client.create_thread()
    assert len(server.threads) == 1
