"""Headers on the wire: each name once, merged case-insensitively; a call's over the client's over the SDK's.

The server is mocked with respx routes (pytest-httpx2's httpx2_mock), as users mock the SDK.
"""

from __future__ import annotations

import httpx2
import pytest
import respx

from langsmith_threads_client import NOT_GIVEN, ThreadsClient
from tests.unit.conftest import DriverFactory
from tests.unit.mocks import BASE_URL, THREADS_URL, respx_thread_answer


@pytest.fixture
def api(httpx2_mock: respx.Router) -> respx.Router:
    """respx's router over httpx2's network layer: a request no route matches fails the test."""
    return httpx2_mock


def sent_headers(
    make_client: DriverFactory,
    api: respx.Router,
    call_headers: dict[str, str] | None = None,
    **client_kwargs: object,
) -> list[tuple[str, str]]:
    route = api.post(THREADS_URL).mock(side_effect=respx_thread_answer)
    make_client(**client_kwargs).create_thread(**({} if call_headers is None else {"headers": call_headers}))
    return [(name.lower(), value) for name, value in route.calls.last.request.headers.multi_items()]


def values_of(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in headers if key == name]


def test_each_header_name_is_sent_once(make_client: DriverFactory, api: respx.Router) -> None:
    headers = sent_headers(make_client, api, {"X-Trace": "call"}, headers={"x-trace": "client", "USER-AGENT": "app/1"})
    names = [name for name, _ in headers]
    assert len(names) == len(set(names)), headers


def test_a_user_agent_in_any_case_replaces_the_sdks(make_client: DriverFactory, api: respx.Router) -> None:
    headers = sent_headers(make_client, api, headers={"User-Agent": "myapp/1"})
    assert values_of(headers, "user-agent") == ["myapp/1"]


def test_a_calls_header_beats_the_clients_whatever_the_case(make_client: DriverFactory, api: respx.Router) -> None:
    headers = sent_headers(make_client, api, {"x-tenant": "call"}, headers={"X-Tenant": "client"})
    assert values_of(headers, "x-tenant") == ["call"]


@pytest.mark.parametrize("name", ["X-Api-Key", "x-api-key", "X-API-KEY"])
def test_an_explicit_key_header_beats_the_environments(
    make_client: DriverFactory, api: respx.Router, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("LANGSMITH_API_KEY", "from-env")
    headers = sent_headers(make_client, api, headers={name: "k1"}, api_key=NOT_GIVEN)
    assert values_of(headers, "x-api-key") == ["k1"]


def test_a_calls_key_header_beats_the_clients_api_key(make_client: DriverFactory, api: respx.Router) -> None:
    headers = sent_headers(make_client, api, {"X-Api-Key": "k2"}, api_key="k1")
    assert values_of(headers, "x-api-key") == ["k2"]


@pytest.mark.parametrize("name", ["Content-Type", "content-length", "CONTENT-TYPE"])
@pytest.mark.parametrize("where", ["client", "call"])
def test_content_type_and_length_are_the_sdks_and_setting_them_is_refused(
    make_client: DriverFactory, api: respx.Router, name: str, where: str
) -> None:
    with pytest.raises(ValueError, match=rf"headers.*{name}"):
        if where == "client":
            make_client(headers={name: "text/plain"})
        else:
            make_client().create_thread(headers={name: "text/plain"})
    assert api.calls.call_count == 0  # (and no route: respx refuses any request)


def test_the_users_http_client_headers_sit_between_the_sdks_and_the_clients(api: respx.Router) -> None:
    route = api.post(THREADS_URL).mock(side_effect=respx_thread_answer)
    own = httpx2.Client(headers={"User-Agent": "own/1", "X-Tenant": "own"})
    with ThreadsClient(BASE_URL, api_key=None, http_client=own, headers={"x-tenant": "client"}) as client:
        client.create_thread()
    headers = [(name.lower(), value) for name, value in route.calls.last.request.headers.multi_items()]
    assert values_of(headers, "user-agent") == ["own/1"]
    assert values_of(headers, "x-tenant") == ["client"]
    own.close()
