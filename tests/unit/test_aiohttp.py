"""DefaultAioHttpClient's own configuration: httpx2's settings in aiohttp's terms, its lifecycle,
and the lean response the call logic reads (an httpx2.Response only for errors).

How it behaves on the wire, next to httpx2's client, is in test_transports.py.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import sys

import aiohttp
import anyio
import httpx2
import pytest

from langsmith_threads_client import (
    DEFAULT_TIMEOUT,
    AsyncThreadsClient,
    ConflictError,
    DefaultAioHttpClient,
    Thread,
    UnprocessableEntityError,
)
from langsmith_threads_client._aiohttp import _client_timeout
from langsmith_threads_client._call import plan_create
from langsmith_threads_client._config import CreateArgs
from langsmith_threads_client._response import thread_or_error
from langsmith_threads_client._transport import Attempt, RawResponse, SentResponse
from langsmith_threads_client._validation import check_create
from tests.unit.loopback import Conn, answer_each, loopback, thread_for
from tests.unit.mocks import real_thread_body

# --- httpx2's settings in aiohttp's terms -----------------------------------------------------


def test_defaults_are_the_sdks_and_httpx2s() -> None:
    http = DefaultAioHttpClient()
    assert http.timeout == DEFAULT_TIMEOUT
    assert http.follow_redirects is False
    assert http.limits == httpx2._config.DEFAULT_LIMITS  # what an httpx2.AsyncClient pools with
    assert http.trust_env is True


def test_per_attempt_timeouts_map_connect_and_read() -> None:
    mapped = _client_timeout(aiohttp.ClientTimeout, httpx2.Timeout(60.0, connect=5.0, pool=7.0))
    assert mapped.sock_connect == 5.0
    assert mapped.connect == 5.0  # DNS + connect; the pool wait is the client's own (pool timeout)
    assert mapped.sock_read == 60.0
    assert mapped.total is None  # httpx2 has no total timeout: a slow but steady answer is not cut off


def test_no_timeout_maps_to_none() -> None:
    mapped = _client_timeout(aiohttp.ClientTimeout, httpx2.Timeout(None))
    assert (mapped.total, mapped.connect, mapped.sock_connect, mapped.sock_read) == (None, None, None, None)


def test_timeout_arguments() -> None:
    assert DefaultAioHttpClient(timeout=3).timeout == httpx2.Timeout(3.0)
    assert DefaultAioHttpClient(timeout=None).timeout == httpx2.Timeout(None)
    with pytest.raises(TypeError, match="timeout"):
        DefaultAioHttpClient(timeout="3")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        DefaultAioHttpClient(timeout=-1)
    with pytest.raises(TypeError, match="limits"):
        DefaultAioHttpClient(limits=100)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="headers"):
        DefaultAioHttpClient(headers=[("a", "b")])  # type: ignore[arg-type]


async def test_tls_verification_is_on_by_default_and_on_the_connector() -> None:
    async with loopback(lambda conn: answer_each(conn, lambda head, body: thread_for(body))) as server:
        async with (
            DefaultAioHttpClient() as http,
            AsyncThreadsClient(server.base_url, api_key=None, http_client=http) as client,
        ):
            await client.create_thread()  # opens the session
            assert http._session is not None
            connector = http._session.connector
            assert isinstance(connector, aiohttp.TCPConnector)
            context = connector._ssl
            assert isinstance(context, ssl.SSLContext)
            assert context.verify_mode == ssl.CERT_REQUIRED
            assert context.check_hostname is True


def test_verify_false_and_a_context_of_ones_own() -> None:
    off = DefaultAioHttpClient(verify=False)._ssl_context
    assert off.verify_mode == ssl.CERT_NONE and off.check_hostname is False
    mine = ssl.create_default_context()
    assert DefaultAioHttpClient(verify=mine)._ssl_context is mine


async def test_limits_map_to_the_connector() -> None:
    async with loopback(lambda conn: answer_each(conn, lambda head, body: thread_for(body))) as server:
        limits = httpx2.Limits(max_connections=7, keepalive_expiry=1.5)
        async with (
            DefaultAioHttpClient(limits=limits) as http,
            AsyncThreadsClient(server.base_url, api_key=None, http_client=http) as client,
        ):
            await client.create_thread()
            assert http._session is not None
            connector = http._session.connector
            assert isinstance(connector, aiohttp.TCPConnector)
            assert connector.limit == 7
            assert connector._keepalive_timeout == 1.5


async def test_default_headers_go_under_the_calls() -> None:
    async with loopback(lambda conn: answer_each(conn, lambda head, body: thread_for(body))) as server:
        async with (
            DefaultAioHttpClient(headers={"x-team": "a", "x-call": "client"}) as http,
            AsyncThreadsClient(server.base_url, api_key=None, http_client=http) as client,
        ):
            await client.create_thread(headers={"x-call": "call"})
    head = server.requests[0].lower()
    assert "x-team: a\r\n" in head
    assert "x-call: call\r\n" in head and "x-call: client" not in head
    assert "content-type: application/json\r\n" in head


async def test_trust_env_off_reads_no_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    assert DefaultAioHttpClient()._proxies
    assert DefaultAioHttpClient(trust_env=False)._proxies == []


def test_a_socks_proxy_in_the_environment_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:9")
    with pytest.raises(ValueError, match="socks5 proxy in the environment is not supported by aiohttp"):
        DefaultAioHttpClient()


# --- lifecycle --------------------------------------------------------------------------------


def test_without_the_extra_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    with pytest.raises(RuntimeError, match=r"pip install 'langsmith-threads-client\[aiohttp\]'"):
        DefaultAioHttpClient()


async def test_the_caller_closes_it_and_a_closed_one_says_so() -> None:
    async with loopback(lambda conn: answer_each(conn, lambda head, body: thread_for(body))) as server:
        http = DefaultAioHttpClient()
        async with AsyncThreadsClient(server.base_url, api_key=None, http_client=http) as client:
            await client.create_thread()
        assert not http.is_closed  # the SDK leaves the caller's client open
        await http.aclose()
        assert http.is_closed
        async with AsyncThreadsClient(server.base_url, api_key=None, http_client=http) as client:
            with pytest.raises(RuntimeError, match="http_client given to this AsyncThreadsClient is closed"):
                await client.create_thread()
    assert len(server.requests) == 1


def test_under_trio_it_says_it_needs_asyncio() -> None:
    async def main() -> None:
        async with (
            DefaultAioHttpClient() as http,
            AsyncThreadsClient("http://127.0.0.1:9", api_key=None, http_client=http) as client,
        ):
            await client.create_thread()

    with pytest.raises(RuntimeError, match="runs on asyncio only"):
        anyio.run(main, backend="trio")


def test_it_is_not_an_httpx2_client_and_its_repr_says_its_state() -> None:
    http = DefaultAioHttpClient()
    assert not isinstance(http, httpx2.AsyncClient)
    assert repr(http) == "DefaultAioHttpClient(open, max_connections=100)"


# --- the lean response ------------------------------------------------------------------------


def _raw(status: int, body: object, *extra: tuple[bytes, bytes]) -> RawResponse:
    content = json.dumps(body).encode()
    raw_headers = ((b"Content-Type", b"application/json"), (b"X-Request-Id", b"req-1"), *extra)
    headers = {k.decode().lower(): v.decode() for k, v in raw_headers}  # aiohttp's are case-insensitive too
    request = httpx2.Request("POST", "http://server.test/threads", content=b"{}")
    return RawResponse(status, "Reason", headers, raw_headers, content, lambda: request)


def test_a_200_is_parsed_by_the_generated_parser_without_an_httpx2_response() -> None:
    prepared = plan_create(check_create(CreateArgs()))
    thread = thread_or_error(_raw(200, real_thread_body(thread_id=str(prepared.thread_id))), prepared, lost=False)
    assert isinstance(thread, Thread)
    assert thread.thread_id == prepared.thread_id


@pytest.mark.parametrize(("status", "error"), [(409, ConflictError), (422, UnprocessableEntityError)])
def test_an_error_carries_a_full_httpx2_response(status: int, error: type[Exception]) -> None:
    prepared = plan_create(check_create(CreateArgs()))
    raw = _raw(status, {"detail": "nope"}, (b"Content-Encoding", b"gzip"))
    with pytest.raises(error) as caught:
        thread_or_error(raw, prepared, lost=False)
    response = caught.value.response  # type: ignore[attr-defined]
    assert isinstance(response, httpx2.Response)
    assert response.status_code == status
    assert response.reason_phrase == "Reason"
    assert response.headers["x-request-id"] == "req-1"
    assert "content-encoding" not in response.headers  # the body is already decoded
    assert response.json() == {"detail": "nope"}
    assert response.request.url == "http://server.test/threads"
    assert caught.value.detail == "nope"  # type: ignore[attr-defined]


async def test_the_response_the_sdk_reads_is_the_lean_one() -> None:
    seen: list[object] = []

    async def serve(conn: Conn) -> None:
        await answer_each(conn, lambda head, body: thread_for(body))

    async with loopback(serve) as server:
        async with (
            DefaultAioHttpClient() as http,
            AsyncThreadsClient(server.base_url, api_key=None, http_client=http) as client,
        ):
            sender = client._sender

            class Spy:
                async def send_attempt(self, attempt: Attempt, /) -> SentResponse:
                    answer = await sender.send_attempt(attempt)
                    seen.append(answer)
                    return answer

            client._sender = Spy()
            await client.create_thread()
    assert [type(answer) for answer in seen] == [RawResponse]


def test_importing_the_package_imports_neither_aiohttp_nor_asyncio() -> None:
    code = "import sys, langsmith_threads_client; print(sorted({'aiohttp', 'asyncio', 'yarl'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), 0, httpx2.Timeout(5.0, read=0)])
def test_its_timeout_is_checked_like_the_clients(timeout: object) -> None:
    with pytest.raises(ValueError, match="timeout"):
        DefaultAioHttpClient(timeout=timeout)  # type: ignore[arg-type]
