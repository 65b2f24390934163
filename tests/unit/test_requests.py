"""Each attempt's request is the one its client's build_request would make (method, URL, every
header in order, body, extensions), whether the merge is kept or made again; a kept merge is
dropped as soon as anything it came from changes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langsmith_threads_client import ThreadsClient
from langsmith_threads_client._transport import Attempt, RequestBuilder

URL = httpx2.URL("http://127.0.0.1:8123/base/threads")
TIMEOUT = httpx2.Timeout(5.0, read=30.0)
SDK_HEADERS = {"user-agent": "langsmith-threads-client/0", "x-api-key": "k", "content-type": "application/json"}


def attempt(content: bytes = b'{"a":1}', headers: Mapping[str, str] = SDK_HEADERS, url: httpx2.URL = URL) -> Attempt:
    return Attempt("POST", url, headers, content, TIMEOUT, 30.0, None)


def expected(http: httpx2.Client | httpx2.AsyncClient, sent: Attempt) -> httpx2.Request:
    return http.build_request(sent.method, sent.url, content=sent.content, headers=sent.headers, timeout=sent.timeout)


def same(built: httpx2.Request, wanted: httpx2.Request) -> None:
    assert built.method == wanted.method
    assert built.url == wanted.url
    assert built.headers.raw == wanted.headers.raw
    assert built.content == wanted.content
    assert list(built.stream) == list(wanted.stream)  # type: ignore[arg-type]
    assert built.extensions == wanted.extensions


@pytest.fixture(params=["sync", "async"])
def http(request: pytest.FixtureRequest) -> Iterator[httpx2.Client | httpx2.AsyncClient]:
    client = httpx2.Client() if request.param == "sync" else httpx2.AsyncClient()
    yield client
    if isinstance(client, httpx2.Client):
        client.close()


def test_first_and_kept_requests_are_build_requests(http: httpx2.Client | httpx2.AsyncClient) -> None:
    builder = RequestBuilder(http)
    for content in (b'{"a":1}', b"", b'{"metadata":{"k":"\xe2\x98\x83"}}' * 50, b"x"):
        sent = attempt(content)
        same(builder.request(sent), expected(http, sent))
    assert builder._kept is not None  # the later ones took the kept merge


def test_a_new_url_header_object_or_method_is_merged_again(http: httpx2.Client | httpx2.AsyncClient) -> None:
    builder = RequestBuilder(http)
    builder.request(attempt())
    redirected = attempt(url=httpx2.URL("http://127.0.0.1:8123/elsewhere/threads"))
    same(builder.request(redirected), expected(http, redirected))
    own = attempt(headers={**SDK_HEADERS, "X-Call": "1", "USER-AGENT": "mine"})
    same(builder.request(own), expected(http, own))
    put = attempt()._replace(method="PUT")
    same(builder.request(put), expected(http, put))


def test_the_clients_headers_changed_in_place_are_followed(http: httpx2.Client | httpx2.AsyncClient) -> None:
    builder = RequestBuilder(http)
    sent = attempt()
    builder.request(sent)
    http.headers["X-Tenant"] = "t1"
    same(builder.request(sent), expected(http, sent))
    http.headers["X-Tenant"] = "t2"
    assert builder.request(sent).headers["x-tenant"] == "t2"
    http.headers = {"accept": "application/json"}
    same(builder.request(sent), expected(http, sent))


def test_cookies_and_query_parameters_are_merged_by_build_request(http: httpx2.Client | httpx2.AsyncClient) -> None:
    builder = RequestBuilder(http)
    sent = attempt()
    builder.request(sent)
    http.cookies.set("session", "s1")
    request = builder.request(sent)
    same(request, expected(http, sent))
    assert request.headers["cookie"] == "session=s1"
    http.cookies.clear()
    http.params = {"tenant": "t"}
    request = builder.request(sent)
    same(request, expected(http, sent))
    assert request.url.params["tenant"] == "t"


def test_a_client_with_its_own_build_request_always_gets_it() -> None:
    class Tagging(httpx2.Client):
        def build_request(self, *args: object, **kwargs: object) -> httpx2.Request:
            request = super().build_request(*args, **kwargs)  # type: ignore[arg-type]
            request.headers["x-tag"] = str(len(request.content))
            return request

    with Tagging() as http:
        builder = RequestBuilder(http)
        for content in (b"1", b"22"):
            assert builder.request(attempt(content)).headers["x-tag"] == str(len(content))


HEADER_NAMES = st.sampled_from(["Accept", "accept", "User-Agent", "X-Api-Key", "x-a", "X-A", "Content-Type", "Host"])
HEADER_VALUES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    client_headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=4),
    attempt_headers=st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=4),
    bodies=st.lists(st.binary(max_size=40), min_size=1, max_size=3),
)
def test_any_headers_and_bodies_give_build_requests_request(
    client_headers: list[tuple[str, str]], attempt_headers: dict[str, str], bodies: list[bytes]
) -> None:
    with httpx2.Client(headers=client_headers) as http:
        builder = RequestBuilder(http)
        for body in bodies:
            sent = attempt(body, attempt_headers)
            same(builder.request(sent), expected(http, sent))


def test_the_client_sends_the_kept_request_on_the_wire() -> None:
    seen: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        thread_id = request.read().split(b'"thread_id":"')[1][:36].decode()
        body = {"thread_id": thread_id, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
        return httpx2.Response(200, json={**body, "metadata": {}, "status": "idle"})

    http = httpx2.Client(transport=httpx2.MockTransport(answer))
    with ThreadsClient(base_url="http://127.0.0.1:8123", api_key="k", http_client=http) as client:
        for n in range(3):
            client.create_thread(metadata={"n": "x" * n})
    assert [len(r.content) for r in seen] == [int(r.headers["content-length"]) for r in seen]
    assert len({len(r.content) for r in seen}) == 3
    assert all(r.headers["x-api-key"] == "k" and r.headers["host"] == "127.0.0.1:8123" for r in seen)
