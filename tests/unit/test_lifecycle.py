"""A client's life: closing, event loops, read-only configuration, copies."""

from __future__ import annotations

import asyncio
import copy
import pickle

import httpx2
import pytest

from langsmith_threads_client import AsyncThreadsClient, ThreadsClient
from tests.unit.mock_server import MockServer
from tests.unit.mocks import BASE_URL, thread_answer


def test_a_closed_client_says_it_is_closed(api: MockServer) -> None:
    route = api.post("/threads").mock(side_effect=thread_answer)
    client = ThreadsClient(BASE_URL, api_key=None)
    client.create_thread()
    client.close()
    assert client.is_closed
    with pytest.raises(RuntimeError, match="this ThreadsClient is closed"):
        client.create_thread()
    assert route.call_count == 1


async def test_a_closed_async_client_says_it_is_closed(api: MockServer) -> None:
    route = api.post("/threads").mock(side_effect=thread_answer)
    client = AsyncThreadsClient(BASE_URL, api_key=None)
    await client.create_thread()
    await client.aclose()
    with pytest.raises(RuntimeError, match="this AsyncThreadsClient is closed"):
        await client.create_thread()
    assert route.call_count == 1


def test_a_closed_async_client_says_so_first_even_in_a_new_event_loop(api: MockServer) -> None:
    route = api.post("/threads").mock(side_effect=thread_answer)
    client = AsyncThreadsClient(BASE_URL, api_key=None)

    async def first() -> None:
        await client.create_thread()
        await client.aclose()

    asyncio.run(first())
    pool = client._http
    with pytest.raises(RuntimeError, match="this AsyncThreadsClient is closed"):
        asyncio.run(client.create_thread(thread_id="not a uuid"))  # closed, before the bad argument
    assert client._http is pool, "a closed client opened a new pool"
    assert route.call_count == 1


def test_a_closed_client_says_so_before_checking_arguments() -> None:
    client = ThreadsClient(BASE_URL, api_key=None)
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.create_thread(thread_id="not a uuid")


def test_a_closed_users_http_client_is_named(api: MockServer) -> None:
    own = httpx2.Client()
    client = ThreadsClient(BASE_URL, api_key=None, http_client=own)
    own.close()
    with pytest.raises(RuntimeError, match="http_client given to this ThreadsClient is closed"):
        client.create_thread()


def test_an_async_client_serves_a_second_asyncio_run(api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    client = AsyncThreadsClient(BASE_URL, api_key=None)
    asyncio.run(client.create_thread())
    asyncio.run(client.create_thread())  # a new event loop: the first loop's pool is gone with it
    asyncio.run(client.aclose())
    assert api.calls.call_count == 2


def test_a_users_async_http_client_in_a_second_loop_gets_a_clear_error(api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    own = httpx2.AsyncClient()
    client = AsyncThreadsClient(BASE_URL, api_key=None, http_client=own)
    asyncio.run(client.create_thread())
    with pytest.raises(RuntimeError, match="another event loop"):
        asyncio.run(client.create_thread())


@pytest.mark.parametrize("name", ["base_url", "max_retries", "timeout"])
def test_configuration_is_read_only(name: str) -> None:
    client = ThreadsClient(BASE_URL, api_key=None)
    with pytest.raises(AttributeError):
        setattr(client, name, getattr(client, name))
    client.close()


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
def test_a_copy_has_its_own_pool_so_closing_it_leaves_the_original_working(api: MockServer, copier: object) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    original = ThreadsClient(BASE_URL, api_key="k", headers={"x-tenant": "t"}, max_retries=4)
    duplicate = copier(original)  # type: ignore[operator]
    assert duplicate is not original and duplicate._http is not original._http
    assert (duplicate.base_url, duplicate.max_retries, duplicate.timeout) == (
        original.base_url,
        original.max_retries,
        original.timeout,
    )
    duplicate.close()
    original.create_thread()
    assert api.calls.last.request.headers["x-tenant"] == "t"
    original.close()


def test_a_copy_shares_a_users_http_client_and_never_closes_it() -> None:
    own = httpx2.Client()
    original = ThreadsClient(BASE_URL, api_key=None, http_client=own)
    copy.copy(original).close()
    original.close()
    assert not own.is_closed
    own.close()


def test_a_client_refuses_pickling_clearly() -> None:
    with ThreadsClient(BASE_URL, api_key="secret") as client, pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(client)
