"""The constructor as the README has it: base URL, key, headers, timeout, retries, and whose connections are whose."""

from __future__ import annotations

import asyncio
import threading
import uuid

import httpx2
import pytest

from langsmith_threads_client import DEFAULT_BASE_URL, NOT_GIVEN, AsyncThreadsClient, ThreadsClient
from tests.unit.conftest import DriverFactory
from tests.unit.mock_server import MockServer
from tests.unit.mocks import BASE_URL, thread_answer

ENV_KEYS = ("LANGGRAPH_API_URL", "LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_KEYS:
        monkeypatch.delenv(name, raising=False)


def test_base_url_defaults_to_the_local_dev_server_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert str(ThreadsClient().base_url) == DEFAULT_BASE_URL
    monkeypatch.setenv("LANGGRAPH_API_URL", "http://agents.example:8123")
    assert str(ThreadsClient().base_url) == "http://agents.example:8123"
    assert str(ThreadsClient("http://given:1").base_url) == "http://given:1"


@pytest.mark.parametrize("bad", ["ftp://x", "not a url", "//host-only"])
def test_a_base_url_that_is_not_http_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        ThreadsClient(bad)


def test_a_base_url_with_a_path_prefix_keeps_it(api: MockServer) -> None:
    route = api.post("/prefix/threads").mock(side_effect=thread_answer)
    with ThreadsClient(f"{BASE_URL}/prefix/", api_key=None) as client:
        client.create_thread()
    assert route.call_count == 1


def headers_sent(make_client: DriverFactory, api: MockServer, **kwargs: object) -> httpx2.Headers:
    api.post("/threads").mock(side_effect=thread_answer)
    per_call = kwargs.pop("call_headers", None)
    make_client(**kwargs).create_thread(headers=per_call)
    return api.calls.last.request.headers


def test_the_api_key_is_sent_as_x_api_key(make_client: DriverFactory, api: MockServer) -> None:
    assert headers_sent(make_client, api, api_key="sk-1")["x-api-key"] == "sk-1"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANGGRAPH_API_KEY": "a", "LANGSMITH_API_KEY": "b", "LANGCHAIN_API_KEY": "c"}, "a"),
        ({"LANGSMITH_API_KEY": "b", "LANGCHAIN_API_KEY": "c"}, "b"),
        ({"LANGCHAIN_API_KEY": "c"}, "c"),
        ({"LANGGRAPH_API_KEY": "", "LANGCHAIN_API_KEY": "c"}, "c"),
    ],
)
def test_the_api_key_falls_back_to_the_environment_in_order(
    make_client: DriverFactory,
    api: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    expected: str,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    api.post("/threads").mock(side_effect=thread_answer)
    make_client(api_key=NOT_GIVEN).create_thread()
    assert api.calls.last.request.headers["x-api-key"] == expected


def test_api_key_none_sends_no_key_even_with_one_in_the_environment(
    make_client: DriverFactory, api: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGGRAPH_API_KEY", "from-env")
    assert "x-api-key" not in headers_sent(make_client, api, api_key=None)


def test_extra_headers_go_on_every_request_and_per_call_ones_on_that_call(
    make_client: DriverFactory, api: MockServer
) -> None:
    sent = headers_sent(make_client, api, headers={"x-team": "a", "x-env": "prod"}, call_headers={"x-env": "dev"})
    assert sent["x-team"] == "a"
    assert sent["x-env"] == "dev"
    assert sent["user-agent"].startswith("langsmith-threads-client/")
    assert sent["content-type"] == "application/json"


def test_the_default_timeout_is_finite_and_a_per_call_timeout_wins(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    client = make_client()
    client.create_thread()
    default = api.calls.last.request.extensions["timeout"]
    assert all(isinstance(value, float) and 0 < value < 600 for value in default.values())
    client.create_thread(timeout=2.5)
    assert api.calls.last.request.extensions["timeout"] == httpx2.Timeout(2.5).as_dict()
    client.create_thread(timeout=httpx2.Timeout(1.0, connect=0.5))
    assert api.calls.last.request.extensions["timeout"]["connect"] == 0.5


def test_a_client_level_timeout_applies_to_every_call(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    make_client(timeout=7).create_thread()
    assert api.calls.last.request.extensions["timeout"] == httpx2.Timeout(7.0).as_dict()


@pytest.mark.parametrize(("value", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError)])
def test_max_retries_must_be_a_non_negative_int(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="max_retries"):
        ThreadsClient(max_retries=value)  # type: ignore[arg-type]


def test_a_sync_client_refuses_an_async_http_client() -> None:
    with pytest.raises(TypeError, match="http_client"):
        ThreadsClient(http_client=httpx2.AsyncClient())  # type: ignore[arg-type]


def test_a_users_http_client_is_used_and_left_open(api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    own = httpx2.Client(headers={"x-from-user-client": "1"})
    with ThreadsClient(BASE_URL, api_key=None, http_client=own) as client:
        client.create_thread()
    assert api.calls.last.request.headers["x-from-user-client"] == "1"
    assert not own.is_closed
    own.close()


async def test_a_users_async_http_client_is_used_and_left_open(api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    own = httpx2.AsyncClient()
    async with AsyncThreadsClient(BASE_URL, api_key=None, http_client=own) as client:
        await client.create_thread()
    assert not own.is_closed
    await own.aclose()


def test_the_sdks_own_http_client_is_closed_on_close() -> None:
    client = ThreadsClient(BASE_URL)
    client.close()
    assert client._http.is_closed


async def test_the_sdks_own_async_http_client_is_closed_on_aclose() -> None:
    async with AsyncThreadsClient(BASE_URL) as client:
        pass
    assert client._http.is_closed


def test_a_users_timeout_is_kept_unless_one_is_given() -> None:
    own = httpx2.Client(timeout=3.0)
    assert ThreadsClient(http_client=own).timeout == httpx2.Timeout(3.0)
    assert ThreadsClient(http_client=own, timeout=9).timeout == httpx2.Timeout(9.0)
    own.close()


def test_one_sync_client_serves_many_threads_at_once(api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    ids: list[uuid.UUID] = []
    with ThreadsClient(BASE_URL, api_key=None) as client:

        def work() -> None:
            for _ in range(20):
                ids.append(client.create_thread().thread_id)

        workers = [threading.Thread(target=work) for _ in range(8)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert len(set(ids)) == 160
    sent_ids = {call.request.content for call in api.calls}
    assert len(sent_ids) == 160, "every call sent its own thread_id"


async def test_one_async_client_serves_many_tasks_at_once(api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    async with AsyncThreadsClient(BASE_URL, api_key=None) as client:
        await asyncio.gather(*(client.create_thread(metadata={"n": n}) for n in range(100)))
    assert api.calls.call_count == 100


@pytest.mark.parametrize(
    ("client_class", "legacy_name"), [(ThreadsClient, "Client"), (AsyncThreadsClient, "AsyncClient")]
)
def test_a_legacy_httpx_client_is_refused_naming_httpx2(client_class: type[ThreadsClient], legacy_name: str) -> None:
    import httpx  # a dev tool only (the generator needs it), never a runtime dependency

    legacy = getattr(httpx, legacy_name)()
    with pytest.raises(TypeError, match=rf"legacy httpx\.{legacy_name}.*httpx2\.{legacy_name}"):
        client_class(http_client=legacy)
