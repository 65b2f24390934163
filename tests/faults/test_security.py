"""The API key stays secret, stays with base_url's origin, and TLS is verified by default.

* With DEBUG logging on for every logger, the key appears in no log record (message,
  arguments, formatted traceback), in no repr()/str() of a client, and in no str()/repr()
  or formatted traceback of any error the SDK raises, across happy and failing paths.
* A 307/308 to another origin is not followed (the other origin records every request it
  gets, and gets none) and raises APIStatusError; a same-origin 307/308 is followed with
  the key; a redirect loop ends.
* The default transports verify certificates and host names (sync, async, aiohttp); the SDK's
  own httpx2 clients share one verified SSL context per process and per what decides it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import ssl
import traceback
import uuid
from collections.abc import Iterator

import httpx2
import pytest

from langsmith_threads_client import (
    APIStatusError,
    AsyncThreadsClient,
    DefaultAioHttpClient,
    DefaultHttpxClient,
    ThreadsClient,
)
from scripts.agent_server.server import AgentServer
from tests.support.driver import CallResult, create_once, new_marker, thread_metadata
from tests.support.kinds import CLIENT_KINDS, ClientKind
from tests.support.proxy import Fault, FaultProxy, Redirect


@pytest.fixture
def api_key() -> str:
    return "lsv2_sk_" + secrets.token_hex(16)


@pytest.fixture
def recorder() -> Iterator[FaultProxy]:
    """Another loopback origin that records what reaches it and forwards nothing."""
    with FaultProxy(None) as other:
        yield other


def _texts_of_error(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), "".join(traceback.format_exception(exc)), repr(exc.args)]


def _texts_of_record(record: logging.LogRecord) -> list[str]:
    formatted = logging.Formatter("%(name)s %(levelname)s %(message)s").format(record)  # adds exc_info/stack
    return [formatted, record.getMessage(), str(record.msg), repr(record.args), record.exc_text or ""]


# ------------------------------------------------------------------ no leaks
@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_key_in_no_log_record_repr_or_error(
    dev_server: AgentServer,
    proxy: FaultProxy,
    recorder: FaultProxy,
    kind: ClientKind,
    api_key: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: every library's DEBUG records reach caplog
    for name in ("langsmith_threads_client", "httpx", "httpcore", "aiohttp", "asyncio"):
        caplog.set_level(logging.DEBUG, logger=name)
    marker = new_marker()
    conflict_id = uuid.uuid4()

    def call(script: tuple[Fault | Redirect, ...], timeout: float = 5.0, **kwargs: object) -> CallResult:
        proxy.script(*script)
        return create_once(
            kind, proxy.base_url, {"metadata": {"sec": marker}, **kwargs}, api_key=api_key, timeout=timeout
        )

    happy = call(())
    assert happy.thread is not None, happy.describe()
    happy_records = [r for r in caplog.records if r.name.startswith("langsmith_threads_client")]
    assert happy_records and all(r.levelno == logging.DEBUG for r in happy_records), "INFO+ on the happy path"

    outcomes = [
        happy,
        call((), thread_id=conflict_id),
        call((), thread_id=conflict_id),  # 409 ConflictError
        call((Fault.STATUS_503,) * 3),  # InternalServerError after retries
        call((Fault.STATUS_429,) * 3),  # RateLimitError
        call((Fault.DROP_AFTER_FORWARD,) * 3),  # APIConnectionError
        call((Fault.RESET_MID_RESPONSE,) * 3),
        call((Fault.DELAY,) * 3, timeout=0.3),  # APITimeoutError
        call((Fault.NON_JSON_200,)),  # APIResponseValidationError
        call((Redirect(f"{recorder.base_url}/threads"),)),  # APIStatusError 307
    ]
    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 8, [o.describe() for o in outcomes]
    proxy.wait_quiet()

    # The key was in play: every request that reached the proxy carried it.
    records = proxy.records()
    assert records and all(r.headers.get("x-api-key") == api_key for r in records)

    texts: list[tuple[str, str]] = []
    for outcome in outcomes:
        texts += [("client", text) for text in outcome.client_text]
    for error in errors:
        texts += [(f"error {type(error).__name__}", text) for text in _texts_of_error(error)]
    for record in caplog.records:
        texts += [(f"log record {record.name}", text) for text in _texts_of_record(record)]
    texts.append(("caplog.text", caplog.text))
    leaks = [(where, text[:300]) for where, text in texts if api_key in text]
    assert leaks == []
    assert any(r.name == "langsmith_threads_client" for r in caplog.records), "the SDK logged nothing at DEBUG"


def test_key_from_environment_is_sent_and_hidden(
    proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch, api_key: str
) -> None:
    monkeypatch.delenv("LANGSMITH_API_KEY", raising=False)
    monkeypatch.delenv("LANGCHAIN_API_KEY", raising=False)
    monkeypatch.setenv("LANGGRAPH_API_KEY", api_key)
    with ThreadsClient(proxy.base_url) as client:
        client.create_thread()
        assert api_key not in repr(client) and api_key not in str(client)
    assert [r.headers.get("x-api-key") for r in proxy.records()] == [api_key]
    assert os.environ["LANGGRAPH_API_KEY"] == api_key


# ---------------------------------------------------------------- redirects
def _other_origins(proxy: FaultProxy, recorder: FaultProxy) -> dict[str, str]:
    return {
        "other-port": f"{recorder.base_url}/threads",
        "other-host": f"http://localhost:{proxy.port}/threads",  # same port, another host name
        "other-scheme": f"https://127.0.0.1:{proxy.port}/threads",
    }


@pytest.mark.parametrize("status", [307, 308])
@pytest.mark.parametrize("target", ["other-port", "other-host", "other-scheme"])
@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_cross_origin_redirect_is_not_followed(
    dev_server: AgentServer,
    proxy: FaultProxy,
    recorder: FaultProxy,
    kind: ClientKind,
    target: str,
    status: int,
    api_key: str,
) -> None:
    location = _other_origins(proxy, recorder)[target]
    marker = new_marker()
    proxy.script(Redirect(location, status))
    result = create_once(kind, proxy.base_url, {"metadata": {"sec": marker}}, api_key=api_key)

    assert isinstance(result.error, APIStatusError), result.describe()
    assert result.error.status_code == status
    assert api_key not in str(result.error)
    assert recorder.stats().requests == 0, f"the other origin got {recorder.records()}"
    assert proxy.stats().requests == 1, "the redirect was followed (to the same proxy under another origin)"
    assert dev_server.search_threads(metadata={"sec": marker}) == []


def test_control_httpx_following_redirects_would_leak(proxy: FaultProxy, recorder: FaultProxy, api_key: str) -> None:
    """Shows the recorder sees a leak when there is one: httpx itself forwards x-api-key across origins."""
    proxy.script(Redirect(f"{recorder.base_url}/threads", 307))
    with httpx2.Client(follow_redirects=True, headers={"x-api-key": api_key}) as http:
        http.post(f"{proxy.base_url}/threads", json={})
    assert [r.headers.get("x-api-key") for r in recorder.records()] == [api_key]


@pytest.mark.parametrize("status", [307, 308])
@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_same_origin_redirect_is_followed_with_the_key(
    dev_server: AgentServer, proxy: FaultProxy, kind: ClientKind, absolute: bool, status: int, api_key: str
) -> None:
    location = f"{proxy.base_url if absolute else ''}/threads?hop=1"
    marker = new_marker()
    proxy.script(Redirect(location, status))
    result = create_once(kind, proxy.base_url, {"metadata": {"sec": marker}}, api_key=api_key)

    assert result.thread is not None, result.describe()
    records = proxy.records()
    assert [r.target for r in records] == ["/threads", "/threads?hop=1"]
    assert [r.headers.get("x-api-key") for r in records] == [api_key, api_key]
    assert records[0].body == records[1].body  # 307/308 keep method and body
    assert [r.method for r in records] == ["POST", "POST"]
    on_server = dev_server.search_threads(metadata={"sec": marker})
    assert [t["thread_id"] for t in on_server] == [str(result.thread.thread_id)]
    assert thread_metadata(result.thread) == {"sec": marker}


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_redirect_loop_ends(proxy: FaultProxy, kind: ClientKind, api_key: str) -> None:
    proxy.script(*[Redirect("/threads", 307)] * 30)
    result = create_once(kind, proxy.base_url, {}, api_key=api_key)
    assert isinstance(result.error, APIStatusError), result.describe()
    assert result.error.status_code == 307
    assert proxy.stats().requests < 30


# ---------------------------------------------------------------------- TLS
def _assert_verifies(context: ssl.SSLContext | None, what: str) -> None:
    assert isinstance(context, ssl.SSLContext), f"{what}: no SSL context"
    assert context.verify_mode == ssl.CERT_REQUIRED, f"{what}: verify_mode {context.verify_mode!r}"
    assert context.check_hostname is True, f"{what}: check_hostname off"


def _httpx_transport_context(http: httpx2.Client | httpx2.AsyncClient) -> ssl.SSLContext | None:
    transport = http._transport
    assert isinstance(transport, httpx2.HTTPTransport | httpx2.AsyncHTTPTransport), type(transport)
    context: ssl.SSLContext | None = transport._pool._ssl_context
    return context


def test_tls_verification_on_by_default_sync() -> None:
    with ThreadsClient("https://agent.example.invalid") as client:
        _assert_verifies(_httpx_transport_context(client._http), "ThreadsClient")


async def test_tls_verification_on_by_default_async() -> None:
    async with AsyncThreadsClient("https://agent.example.invalid") as client:
        assert isinstance(client._http, httpx2.AsyncClient)
        _assert_verifies(_httpx_transport_context(client._http), "AsyncThreadsClient")


async def test_tls_verification_on_by_default_aiohttp() -> None:
    import aiohttp

    http = DefaultAioHttpClient()
    try:
        _assert_verifies(http._ssl_context, "DefaultAioHttpClient")
        async with AsyncThreadsClient("https://agent.example.invalid", http_client=http) as client:
            assert client._http is http
            session = http._open(asyncio.get_running_loop())  # what its first request will use
            connector = session.connector
            assert isinstance(connector, aiohttp.TCPConnector)
            ssl_setting = connector._ssl
            assert isinstance(ssl_setting, ssl.SSLContext), f"connector ssl={ssl_setting!r}"
            _assert_verifies(ssl_setting, "DefaultAioHttpClient connector")
    finally:
        await http.aclose()


@pytest.fixture
def ssl_contexts_built(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each SSL context the SDK's clients build (its trust_env), from an empty process-wide cache."""
    from langsmith_threads_client import _transport

    built: list[bool] = []
    create = httpx2.create_ssl_context

    def counted(*, trust_env: bool = True) -> ssl.SSLContext:
        built.append(trust_env)
        return create(trust_env=trust_env)

    monkeypatch.setattr(_transport, "_SSL_CONTEXTS", {})
    monkeypatch.setattr(httpx2, "create_ssl_context", counted)
    return built


async def test_the_sdks_own_clients_share_one_verified_ssl_context(ssl_contexts_built: list[bool]) -> None:
    # Loading the CA bundle was ~95 % of building a client (~40 ms each).
    sync_clients = [ThreadsClient("https://agent.example.invalid") for _ in range(3)]
    async_clients = [AsyncThreadsClient("https://agent.example.invalid") for _ in range(3)]
    own = DefaultHttpxClient()
    try:
        contexts = {id(_httpx_transport_context(client._http)) for client in sync_clients}
        for aclient in async_clients:
            assert isinstance(aclient._http, httpx2.AsyncClient)
            contexts.add(id(_httpx_transport_context(aclient._http)))
        contexts.add(id(_httpx_transport_context(own)))
        assert ssl_contexts_built == [True]
        assert len(contexts) == 1
        _assert_verifies(_httpx_transport_context(own), "the shared context")
    finally:
        own.close()
        for sync_client in sync_clients:
            sync_client.close()
        for async_client in async_clients:
            await async_client.aclose()


def test_what_decides_the_ssl_context_gets_its_own(
    ssl_contexts_built: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    def context(**kwargs: object) -> ssl.SSLContext | None:
        with DefaultHttpxClient(**kwargs) as http:
            return _httpx_transport_context(http)

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    first = context()
    assert context() is first
    untrusted = context(trust_env=False)  # SSL_CERT_FILE and SSL_CERT_DIR not read
    assert untrusted is not first and untrusted is not None
    monkeypatch.setenv("SSL_CERT_FILE", ssl.get_default_verify_paths().openssl_cafile)
    from_env = context()  # httpx2 reads SSL_CERT_FILE when it builds the context: a new one
    assert from_env is not first and from_env is not untrusted
    assert context(trust_env=False) is untrusted
    assert ssl_contexts_built == [True, False, True]
    for each in (first, untrusted, from_env):
        _assert_verifies(each, "a shared context")


def test_a_given_verify_or_cert_is_httpx2s_to_use_as_given(ssl_contexts_built: list[bool]) -> None:
    given = ssl.create_default_context()
    with DefaultHttpxClient(verify=given) as http:
        assert _httpx_transport_context(http) is given
    with ThreadsClient("https://agent.example.invalid", http_client=httpx2.Client(verify=given)) as client:
        assert _httpx_transport_context(client._http) is given
    assert ssl_contexts_built == []
