"""Both async senders, httpx2's client and DefaultAioHttpClient, against real loopback sockets.

Each failure must come out as the same httpx2 error on both (or one that says the same:
sent or not sent), since retries and exactly-once decide on it; and both must keep
httpx2's promises: limits, no redirects, proxies from the environment, cancellation.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest

from langsmith_threads_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncThreadsClient,
    DefaultAioHttpClient,
)
from langsmith_threads_client._call import may_have_reached_server
from tests.support.kinds import ClientKind
from tests.support.ports import closed_port
from tests.unit.loopback import Conn, answer_each, loopback, response, thread_for

TRANSPORTS = (ClientKind.ASYNC, ClientKind.AIOHTTP)
FAST = httpx2.Timeout(5.0, read=0.3)


@pytest.fixture(params=TRANSPORTS, ids=str)
def transport(request: pytest.FixtureRequest) -> ClientKind:
    kind: ClientKind = request.param
    return kind


def make_http(transport: ClientKind, **kwargs: Any) -> httpx2.AsyncClient | DefaultAioHttpClient:
    if transport is ClientKind.AIOHTTP:
        return DefaultAioHttpClient(**kwargs)
    return httpx2.AsyncClient(follow_redirects=False, **kwargs)


@asynccontextmanager
async def sdk(
    transport: ClientKind, base_url: str, *, timeout: httpx2.Timeout = FAST, max_retries: int = 0, **http_kwargs: Any
) -> AsyncIterator[AsyncThreadsClient]:
    http = make_http(transport, **http_kwargs)
    try:
        async with AsyncThreadsClient(
            base_url, api_key=None, timeout=timeout, max_retries=max_retries, http_client=http
        ) as client:
            yield client
    finally:
        await http.aclose()


async def failure(transport: ClientKind, base_url: str, **kwargs: Any) -> httpx2.TransportError:
    """The httpx2 error behind the APIConnectionError that one call raises."""
    async with sdk(transport, base_url, **kwargs) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.create_thread()
    cause = caught.value.__cause__
    assert isinstance(cause, httpx2.TransportError), repr(cause)
    return cause


# --- not sent ---------------------------------------------------------------------------------


async def test_a_refused_connection_is_a_connect_error(transport: ClientKind) -> None:
    cause = await failure(transport, f"http://127.0.0.1:{closed_port()}")
    assert type(cause) is httpx2.ConnectError
    assert not may_have_reached_server(cause)


async def test_waiting_for_a_pooled_connection_times_out_as_not_sent(transport: ClientKind) -> None:
    async def stall(conn: Conn) -> None:
        await conn.read_request()
        await asyncio.sleep(30)

    async with loopback(stall) as server:
        timeout = httpx2.Timeout(5.0, pool=0.2)
        http = make_http(transport, limits=httpx2.Limits(max_connections=1))
        try:
            async with AsyncThreadsClient(
                server.base_url, api_key=None, timeout=timeout, max_retries=0, http_client=http
            ) as client:
                holder = asyncio.create_task(client.create_thread())
                while not server.requests:
                    await asyncio.sleep(0.01)
                with pytest.raises(APITimeoutError) as caught:
                    await client.create_thread()
                holder.cancel()
        finally:
            await http.aclose()
    cause = caught.value.__cause__
    assert type(cause) is httpx2.PoolTimeout
    assert not may_have_reached_server(cause)
    assert len(server.requests) == 1


# --- maybe sent -------------------------------------------------------------------------------


async def test_a_server_that_closes_after_reading_is_a_protocol_error(transport: ClientKind) -> None:
    async def read_and_close(conn: Conn) -> None:
        await conn.read_request()

    async with loopback(read_and_close) as server:
        cause = await failure(transport, server.base_url)
    assert type(cause) is httpx2.RemoteProtocolError
    assert may_have_reached_server(cause)


async def test_a_server_that_closes_before_reading_may_have_been_sent(transport: ClientKind) -> None:
    async def close_at_once(conn: Conn) -> None:
        pass  # closes as soon as the connection is accepted, whatever the client sent by then

    async with loopback(close_at_once) as server:
        cause = await failure(transport, server.base_url)
    # The request may already be in the server's buffer (then the close is a reset): either way, maybe sent.
    assert type(cause) in (httpx2.RemoteProtocolError, httpx2.ReadError, httpx2.WriteError), repr(cause)
    assert may_have_reached_server(cause)


async def test_a_request_dropped_on_a_reused_connection_is_not_resent_by_the_transport(transport: ClientKind) -> None:
    # aiohttp resends idempotent requests once when a kept-alive connection fails; a POST
    # must not be (only the SDK decides, knowing whether a second send is safe).
    async def answer_then_drop(conn: Conn) -> None:
        request = await conn.read_request()
        assert request is not None
        await conn.send(thread_for(request[1]))
        await conn.read_request()  # the second call, on the same connection: closed unanswered

    async with loopback(answer_then_drop) as server, sdk(transport, server.base_url) as client:
        await client.create_thread()
        with pytest.raises(APIConnectionError) as caught:
            await client.create_thread()
    assert type(caught.value.__cause__) is httpx2.RemoteProtocolError
    assert len(server.requests) == 2


async def test_a_reset_mid_response_is_a_read_error(transport: ClientKind) -> None:
    async def reset(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(b'HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{"thread_id"')
        await asyncio.sleep(0.05)
        conn.reset()

    async with loopback(reset) as server:
        cause = await failure(transport, server.base_url)
    assert isinstance(cause, httpx2.ReadError | httpx2.RemoteProtocolError), repr(cause)
    assert may_have_reached_server(cause)


async def test_a_truncated_body_is_a_protocol_error(transport: ClientKind) -> None:
    async def truncate(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(b'HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{"thread_id"')

    async with loopback(truncate) as server:
        cause = await failure(transport, server.base_url)
    assert type(cause) is httpx2.RemoteProtocolError
    assert may_have_reached_server(cause)


async def test_a_server_that_stalls_is_a_read_timeout(transport: ClientKind) -> None:
    async def stall(conn: Conn) -> None:
        await conn.read_request()
        await asyncio.sleep(30)

    async with loopback(stall) as server:
        cause = await failure(transport, server.base_url, timeout=httpx2.Timeout(5.0, read=0.2))
    assert type(cause) is httpx2.ReadTimeout
    assert may_have_reached_server(cause)


async def test_a_stall_mid_body_is_a_read_timeout(transport: ClientKind) -> None:
    async def stall_mid_body(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{")
        await asyncio.sleep(30)

    async with loopback(stall_mid_body) as server:
        cause = await failure(transport, server.base_url, timeout=httpx2.Timeout(5.0, read=0.2))
    assert type(cause) is httpx2.ReadTimeout


async def test_a_reply_that_is_not_http_is_a_protocol_error(transport: ClientKind) -> None:
    async def garbage(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(b"HELLO THERE\r\n\r\n")

    async with loopback(garbage) as server:
        cause = await failure(transport, server.base_url)
    assert type(cause) is httpx2.RemoteProtocolError
    assert may_have_reached_server(cause)


async def test_errors_carry_the_attempts_request(transport: ClientKind) -> None:
    port = closed_port()
    async with sdk(transport, f"http://127.0.0.1:{port}") as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.create_thread(metadata={"k": "v"})
    request = caught.value.request
    assert isinstance(request, httpx2.Request)
    assert (request.method, str(request.url)) == ("POST", f"http://127.0.0.1:{port}/threads")
    assert b'"metadata":{"k":"v"}' in request.content
    # The error keeps a copy without credentials (it may be logged or pickled); the same attempt's.
    cause = caught.value.__cause__.request  # type: ignore[union-attr]
    assert (cause.method, cause.url, cause.content) == (request.method, request.url, request.content)


async def test_a_retryable_failure_is_retried_on_the_same_connection_pool(transport: ClientKind) -> None:
    async def drop_first(conn: Conn) -> None:
        if not conn.server.extra.get("dropped"):
            conn.server.extra["dropped"] = True
            await conn.read_request()
            return  # closes without answering
        await answer_each(conn, lambda head, body: thread_for(body))

    async with loopback(drop_first) as server, sdk(transport, server.base_url, max_retries=2) as client:
        client._sleep = _no_sleep
        thread = await client.create_thread()
    assert str(thread.thread_id) == json.loads(server.bodies[1])["thread_id"]  # the retry's answer
    assert len(server.requests) == 2
    assert server.bodies[0] == server.bodies[1]  # the same pre-encoded body, the same thread id


# --- what both transports promise -------------------------------------------------------------


async def test_a_redirect_is_not_followed_to_another_origin(transport: ClientKind) -> None:
    async def elsewhere(conn: Conn) -> None:
        await answer_each(conn, response(307, location="http://127.0.0.2:9/threads"))

    async with loopback(elsewhere) as server, sdk(transport, server.base_url) as client:
        with pytest.raises(APIStatusError) as caught:
            await client.create_thread()
    assert caught.value.status_code == 307
    assert isinstance(caught.value.response, httpx2.Response)
    assert caught.value.response.headers["location"] == "http://127.0.0.2:9/threads"
    assert len(server.requests) == 1


async def test_a_same_origin_redirect_is_followed_by_the_sdk_not_the_transport(transport: ClientKind) -> None:
    def answer(head: str, body: bytes) -> bytes:
        if head.startswith("POST /threads "):
            return response(308, location="/v2/threads")
        return thread_for(body)

    async def serve(conn: Conn) -> None:
        await answer_each(conn, answer)

    async with loopback(serve) as server, sdk(transport, server.base_url) as client:
        await client.create_thread()
    lines = [head.split("\r\n")[0] for head in server.requests]
    assert lines == ["POST /threads HTTP/1.1", "POST /v2/threads HTTP/1.1"]
    assert server.bodies[0] == server.bodies[1]


async def test_connection_limits_are_kept(transport: ClientKind) -> None:
    async def slow(conn: Conn) -> None:
        while (request := await conn.read_request()) is not None:
            await asyncio.sleep(0.02)
            await conn.send(thread_for(request[1]))

    async with loopback(slow) as server, sdk(transport, server.base_url, limits=httpx2.Limits(max_connections=3)) as c:
        await asyncio.gather(*(c.create_thread() for _ in range(20)))
    assert len(server.requests) == 20
    assert server.peak <= 3


async def test_a_cancelled_call_loses_no_pooled_connection(transport: ClientKind) -> None:
    async def first_stalls(conn: Conn) -> None:
        if not conn.server.extra.get("stalled"):
            conn.server.extra["stalled"] = True
            await conn.read_request()
            await asyncio.sleep(30)
        await answer_each(conn, lambda head, body: thread_for(body))

    async with (
        loopback(first_stalls) as server,
        sdk(transport, server.base_url, limits=httpx2.Limits(max_connections=1)) as client,
    ):
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(client.create_thread(), 0.2)
        # The only connection the pool may hold was the cancelled call's: it must be free again.
        for _ in range(3):
            await asyncio.wait_for(client.create_thread(), 5)
    assert len(server.requests) == 4


async def _no_sleep(delay: float) -> None:
    pass


# --- proxies from the environment, as httpx2 reads them ---------------------------------------


@pytest.mark.parametrize(
    ("no_proxy", "trust_env", "proxied"),
    [("", True, True), ("127.0.0.1", True, False), ("", False, False)],
    ids=["proxied", "no_proxy", "trust_env_off"],
)
async def test_proxies_from_the_environment(
    transport: ClientKind, monkeypatch: pytest.MonkeyPatch, no_proxy: str, trust_env: bool, proxied: bool
) -> None:
    async def serve(conn: Conn) -> None:
        await answer_each(conn, lambda head, body: thread_for(body))

    async with loopback(serve) as proxy:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url)
        monkeypatch.setenv("NO_PROXY", no_proxy)
        monkeypatch.setenv("no_proxy", no_proxy)
        target = f"http://127.0.0.1:{closed_port()}"
        async with sdk(transport, target, trust_env=trust_env) as client:
            if proxied:
                await client.create_thread()
            else:
                with pytest.raises(APIConnectionError) as caught:
                    await client.create_thread()
                assert type(caught.value.__cause__) is httpx2.ConnectError  # straight to the closed port
    lines = [head.split("\r\n")[0] for head in proxy.requests]
    assert lines == ([f"POST {target}/threads HTTP/1.1"] if proxied else [])


# --- each attempt's whole bound ---------------------------------------------------------------


async def _drip(conn: Conn) -> None:
    """A 200 whose head and body come one byte every 50 ms: no single read ever waits long."""
    request = await conn.read_request()
    assert request is not None
    for byte in thread_for(request[1]):
        await conn.send(bytes([byte]))
        await asyncio.sleep(0.05)


async def test_overlapping_calls_each_end_at_their_own_whole_bound(transport: ClientKind) -> None:
    # The later call has the earlier deadline: DefaultAioHttpClient's one timer must move to it.
    async with loopback(_drip) as server, sdk(transport, server.base_url, timeout=httpx2.Timeout(5.0)) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()

        async def timed(timeout: float) -> float:
            with pytest.raises(APITimeoutError, match=f"within its timeout, {timeout:g} s, as a whole"):
                await client.create_thread(timeout=timeout)
            return loop.time() - started

        long, short = await asyncio.gather(timed(1.2), timed(0.4))
    assert 0.35 <= short < 0.9, short
    assert 1.1 <= long < 1.7, long


async def test_cancelling_a_call_is_a_cancellation_not_a_timeout(transport: ClientKind) -> None:
    async with loopback(_drip) as server, sdk(transport, server.base_url, timeout=httpx2.Timeout(0.5)) as client:
        task = asyncio.create_task(client.create_thread())
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The client is still usable, and its next attempt still has its bound.
        with pytest.raises(APITimeoutError):
            await client.create_thread()
