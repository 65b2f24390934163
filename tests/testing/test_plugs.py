"""The two ways to plug the fake in, sharing one state: ``transport()`` and ``serve()``, and many callers at once."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import httpx2
import pytest
import trio

from langsmith_threads_client import AsyncThreadsClient, DefaultAioHttpClient, ThreadsClient
from langsmith_threads_client.testing import FakeAgentServer, FakeTransport
from tests.support.graph import GRAPH_ID, HI
from tests.support.ports import free_port
from tests.testing.plugs import FAKE_URL


def fake_threads_running(
    *, besides: frozenset[threading.Thread] = frozenset()
) -> list[threading.Thread]:
    """The fakes' serving threads alive now, but for `besides` (another fake of the session,
    such as the conformance suite's `fake` kind, may be serving all along)."""
    return [
        thread
        for thread in threading.enumerate()
        if thread.name.startswith("fake-agent-server") and thread not in besides
    ]


def refused(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(2.0)
        try:
            probe.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
        return False


def read_answer(sock: socket.socket) -> tuple[bytes, bytes]:
    """One HTTP/1.1 answer off the socket: its head and its body (by Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += sock.recv(65536)
    return head, body


# ----------------------------------------------------------------------------- serve()
def test_serve_starts_answers_and_stops_cleanly(fake: FakeAgentServer) -> None:
    others = frozenset(fake_threads_running())
    with fake.serve() as base_url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        port = httpx2.URL(base_url).port
        assert port is not None
        assert httpx2.get(f"{base_url}/ok", trust_env=False).json() == {"ok": True, "services": {}}
        assert fake_threads_running(besides=others)
    assert refused(port)
    assert fake_threads_running(besides=others) == []


def test_serve_on_a_given_port_and_again_after_stopping(fake: FakeAgentServer) -> None:
    port = free_port()
    served = fake.serve(port=port)
    with served as base_url:
        assert base_url == f"http://127.0.0.1:{port}"
        with pytest.raises(RuntimeError, match="already running"):
            served.__enter__()
    with served as again:  # the same port is free at once for the next start
        assert httpx2.get(f"{again}/ok", trust_env=False).status_code == 200
    assert refused(port)


def test_a_busy_port_is_an_error(fake: FakeAgentServer) -> None:
    with fake.serve() as base_url:
        port = httpx2.URL(base_url).port
        assert port is not None
        with pytest.raises(OSError):
            fake.serve(port=port).__enter__()
    with pytest.raises(ValueError):
        fake.serve(port=70000)


def test_ipv6_loopback(fake: FakeAgentServer) -> None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError as exc:
        pytest.fail(f"this machine has no IPv6 loopback (::1: {exc}); the fake must be shown serving on it: enable it")
    with fake.serve(host="::1") as base_url:
        assert base_url.startswith("http://[::1]:")
        assert httpx2.get(f"{base_url}/ok", trust_env=False).status_code == 200


def test_keep_alive_and_chunked_request_bodies(fake: FakeAgentServer) -> None:
    with fake.serve() as base_url, socket.create_connection(("127.0.0.1", httpx2.URL(base_url).port or 0)) as sock:
        body = b'{"metadata": {"n": 1}}'
        sock.sendall(b"POST /threads HTTP/1.1\r\nhost: x\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
        head, first = read_answer(sock)
        assert head.startswith(b"HTTP/1.1 200 OK") and b"connection: close" not in head
        assert b'"metadata":{"n":1}' in first
        chunks = b'5\r\n{"met\r\n11\r\nadata": {"n": 2}}\r\n0\r\n\r\n'
        sock.sendall(
            b"POST /threads HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n" + chunks
        )  # same connection
        head, second = read_answer(sock)
        assert head.startswith(b"HTTP/1.1 200 OK"), head
        assert b'"metadata":{"n":2}' in second
    assert [t["metadata"] for t in fake.threads] == [{"n": 1}, {"n": 2}]


def test_stopping_does_not_wait_for_idle_connections_or_delayed_answers(fake: FakeAgentServer) -> None:
    fake.delay_next(60)
    errors: list[BaseException] = []

    def slow_call(base_url: str) -> None:
        try:
            httpx2.post(f"{base_url}/threads", json={}, trust_env=False, timeout=120)
        except httpx2.TransportError as exc:
            errors.append(exc)

    others = frozenset(fake_threads_running())
    with fake.serve() as base_url, httpx2.Client(base_url=base_url, trust_env=False) as idle:
        idle.get("/ok")  # a kept-alive connection, idle from now on
        caller = threading.Thread(target=slow_call, args=(base_url,))
        caller.start()
        while fake.faults_pending:
            time.sleep(0.01)
        started = time.monotonic()
    assert time.monotonic() - started < 3.0
    caller.join(10)
    assert not caller.is_alive() and len(errors) == 1  # the delayed caller's connection was shut, not answered
    assert fake_threads_running(besides=others) == []
    assert len(fake.threads) == 1  # acted on before the delay


def test_a_crash_of_the_real_server_closes_the_connection_after_its_500(fake: FakeAgentServer) -> None:
    with fake.serve() as base_url, socket.create_connection(("127.0.0.1", httpx2.URL(base_url).port or 0)) as sock:
        httpx2.post(f"{base_url}/threads", json={"metadata": {}}, trust_env=False)
        body = b'{"values": {"count": 1}}'
        sock.sendall(b"POST /threads/search HTTP/1.1\r\nhost: x\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
        head, text = read_answer(sock)
        assert head.startswith(b"HTTP/1.1 500 Internal Server Error") and b"connection: close" in head
        assert text == b"Internal Server Error"
        assert sock.recv(1) == b""  # closed


# ----------------------------------------------------------------------------- transport() and both at once
def test_the_transport_is_sync_and_async() -> None:
    transport = FakeAgentServer().transport()
    assert isinstance(transport, FakeTransport)
    assert isinstance(transport, httpx2.BaseTransport) and isinstance(transport, httpx2.AsyncBaseTransport)


def test_both_plugs_share_one_state(fake: FakeAgentServer) -> None:
    with fake.serve() as base_url:
        with ThreadsClient(base_url) as over_socket:
            made = over_socket.create_thread(metadata={"via": "socket"})
        with httpx2.Client(transport=fake.transport()) as http, ThreadsClient(FAKE_URL, http_client=http) as in_process:
            again = in_process.create_thread(thread_id=made.thread_id, if_exists="do_nothing")
        with fake.serve() as second_url:  # a second server on the same fake
            assert httpx2.get(f"{second_url}/threads/{made.thread_id}", trust_env=False).json() == fake.threads[0]
    assert again == made
    assert len(fake.threads) == 1


async def test_async_clients_on_one_event_loop(fake: FakeAgentServer) -> None:
    fake.delay_next(0.05, times=5)
    async with (
        httpx2.AsyncClient(transport=fake.transport()) as http,
        AsyncThreadsClient(FAKE_URL, http_client=http) as client,
    ):
        threads = await asyncio.gather(*(client.create_thread(metadata={"n": n}) for n in range(100)))
    with fake.serve() as base_url:
        async with DefaultAioHttpClient() as aiohttp, AsyncThreadsClient(base_url, http_client=aiohttp) as client:
            threads += await asyncio.gather(*(client.create_thread(metadata={"n": n}) for n in range(100)))
    assert len({thread.thread_id for thread in threads}) == 200
    assert len(fake.threads) == 200


def test_async_delays_sleep_under_trio_too(fake: FakeAgentServer) -> None:
    fake.delay_next(0.1)

    async def main() -> float:
        async with (
            httpx2.AsyncClient(transport=fake.transport()) as http,
            AsyncThreadsClient(FAKE_URL, http_client=http) as client,
        ):
            started = trio.current_time()
            await client.create_thread()
            elapsed: float = trio.current_time() - started
            return elapsed

    assert trio.run(main) >= 0.1
    assert len(fake.threads) == 1


@pytest.mark.parametrize("way", ["transport", "serve"])
def test_many_threads_creating_at_once(fake: FakeAgentServer, way: str) -> None:
    """16 threads share one ThreadsClient; a quarter of the calls race on ids they share, with do_nothing."""
    shared = [uuid.uuid4() for _ in range(10)]
    with contextlib.ExitStack() as stack:
        if way == "transport":
            http = stack.enter_context(httpx2.Client(transport=fake.transport()))
            client = stack.enter_context(ThreadsClient(FAKE_URL, http_client=http))
        else:
            client = stack.enter_context(ThreadsClient(stack.enter_context(fake.serve())))

        def one(n: int) -> uuid.UUID:
            if n % 4 == 0:
                return client.create_thread(thread_id=shared[n % 10], if_exists="do_nothing").thread_id
            return client.create_thread(metadata={"n": n}).thread_id

        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            made = list(pool.map(one, range(400)))
    assert len(set(made)) == 300 + len({n % 10 for n in range(0, 400, 4)})
    assert len(fake.threads) == len(set(made))
    assert len(fake.requests) == 400
    assert sorted(t["metadata"]["n"] for t in fake.threads if t["metadata"]) == [n for n in range(400) if n % 4]


def test_langgraph_sdk_against_serve(fake: FakeAgentServer) -> None:
    try:
        import langgraph_sdk
    except ImportError as exc:
        pytest.fail(f"langgraph-sdk is pinned in the bench dependency group: pip install -e . --group bench ({exc})")
    with fake.serve() as base_url:
        client = langgraph_sdk.get_sync_client(url=base_url, api_key=None)
        made = client.threads.create(metadata={"sdk": "langgraph"}, graph_id=GRAPH_ID, supersteps=[HI])
        assert made["status"] == "interrupted"
        assert client.threads.get(made["thread_id"])["values"] == {"messages": ["hi"], "count": 1}
        assert [t["thread_id"] for t in client.threads.search(metadata={"sdk": "langgraph"})] == [made["thread_id"]]
        assert client.threads.count(metadata={"sdk": "langgraph"}) == 1
        client.close()


@pytest.fixture
def served(fake: FakeAgentServer) -> Iterator[str]:
    with fake.serve() as base_url:
        yield base_url


def test_a_fixture_can_serve_a_fake(fake: FakeAgentServer, served: str) -> None:
    # What a pytest fixture does: FakeAgentServer(graphs=...); with fake.serve() as url: yield url
    with ThreadsClient(served) as client:
        client.create_thread(metadata={"from": "fixture"})
    assert fake.threads[0]["metadata"] == {"from": "fixture"}
