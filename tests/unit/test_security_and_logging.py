"""The key stays secret (repr, str, logs, redirects); one DEBUG record per attempt, silence at INFO."""

from __future__ import annotations

import logging

import httpx2
import pytest

from langsmith_threads_client import APIStatusError, AsyncThreadsClient, InternalServerError, ThreadsClient
from langsmith_threads_client._logging import SensitiveHeadersFilter
from tests.unit.conftest import DriverFactory
from tests.unit.mock_server import MockServer
from tests.unit.mocks import BASE_URL, in_turn, real_thread_body, thread_answer

KEY = "lsv2_sk_0123456789abcdef-secret"


def test_the_key_is_not_in_the_clients_repr_or_str() -> None:
    for client in (ThreadsClient(BASE_URL, api_key=KEY), AsyncThreadsClient(BASE_URL, api_key=KEY)):
        assert KEY not in repr(client)
        assert KEY not in str(client)
        assert "api_key=set" in repr(client)
        assert BASE_URL in repr(client)


def test_the_key_is_in_no_log_record_nor_error(
    make_client: DriverFactory, api: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    api.post("/threads").mock(
        side_effect=in_turn(httpx2.ReadError("drop"), httpx2.Response(500, json={"detail": "boom"}))
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(InternalServerError) as caught:
        make_client(api_key=KEY, max_retries=1).create_thread()
    assert api.calls.last.request.headers["x-api-key"] == KEY, "the key was really in use"
    for record in caplog.records:
        assert KEY not in record.getMessage()
        assert KEY not in repr(record.args)
    assert KEY not in str(caught.value)
    assert KEY not in repr(caught.value)


def test_one_debug_record_per_attempt_and_nothing_at_info_when_all_goes_well(
    make_client: DriverFactory, api: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    body = real_thread_body()
    api.post("/threads").respond(200, json=body, headers={"x-request-id": "req-9"})
    caplog.set_level(logging.DEBUG, logger="langsmith_threads_client")
    make_client().create_thread(thread_id=body["thread_id"])
    ours = [record for record in caplog.records if record.name == "langsmith_threads_client"]
    assert [record.levelno for record in ours] == [logging.DEBUG]
    message = ours[0].getMessage()
    for part in ("POST", f"{BASE_URL}/threads", "200", "ms", "attempt 1 of 3", "req-9"):
        assert part in message


def test_a_retry_logs_each_attempt_and_the_wait(
    make_client: DriverFactory, api: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    api.post("/threads").mock(side_effect=in_turn(httpx2.Response(503), thread_answer))
    caplog.set_level(logging.DEBUG, logger="langsmith_threads_client")
    make_client().create_thread()
    messages = [record.getMessage() for record in caplog.records if record.name == "langsmith_threads_client"]
    assert len(messages) == 3
    assert "503" in messages[0] and "attempt 1 of 3" in messages[0]
    assert messages[1].startswith("Retrying POST")
    assert "attempt 2 of 3" in messages[2]


def test_credentials_in_the_base_url_are_not_logged(api: MockServer, caplog: pytest.LogCaptureFixture) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    caplog.set_level(logging.DEBUG, logger="langsmith_threads_client")
    with ThreadsClient("http://user:hunter2@threads.test", api_key=None) as client:
        client.create_thread()
        assert "hunter2" not in repr(client)
    assert caplog.records and all("hunter2" not in record.getMessage() for record in caplog.records)


def test_the_sensitive_headers_filter_redacts_header_mappings() -> None:
    record = logging.LogRecord("x", logging.DEBUG, __file__, 1, "%s %s", ({"X-Api-Key": KEY, "a": "b"}, 1), None)
    SensitiveHeadersFilter().filter(record)
    assert KEY not in record.getMessage()
    assert "'a': 'b'" in record.getMessage()


def test_a_redirect_to_another_origin_is_not_followed_and_gets_no_key(
    make_client: DriverFactory, api: MockServer
) -> None:
    api.post("/threads").respond(307, headers={"location": "http://elsewhere.test/threads"})
    elsewhere = api.post("http://elsewhere.test/threads").mock(side_effect=thread_answer)
    with pytest.raises(APIStatusError) as caught:
        make_client(api_key=KEY).create_thread()
    assert caught.value.status_code == 307
    assert "not followed" in str(caught.value)
    assert elsewhere.call_count == 0


def test_a_redirect_to_another_scheme_or_port_is_another_origin(make_client: DriverFactory, api: MockServer) -> None:
    for location in ("https://threads.test/threads", "http://threads.test:8080/threads"):
        api.post("/threads").respond(308, headers={"location": location})
        with pytest.raises(APIStatusError):
            make_client(api_key=KEY).create_thread()
    assert api.calls.call_count == 2


def test_a_same_origin_redirect_is_followed_with_the_key(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").respond(307, headers={"location": "/v2/threads"})
    moved = api.post("/v2/threads").mock(side_effect=thread_answer)
    make_client(api_key=KEY).create_thread()
    assert moved.call_count == 1
    assert moved.calls.last.request.headers["x-api-key"] == KEY


def test_a_users_client_that_follows_redirects_still_does_not_take_the_key_away(api: MockServer) -> None:
    api.post("/threads").respond(307, headers={"location": "http://elsewhere.test/threads"})
    elsewhere = api.post("http://elsewhere.test/threads").mock(side_effect=thread_answer)
    own = httpx2.Client(follow_redirects=True)
    with ThreadsClient(BASE_URL, api_key=KEY, http_client=own) as client, pytest.raises(APIStatusError):
        client.create_thread()
    assert elsewhere.call_count == 0
    own.close()


def test_tls_verification_is_on_by_default() -> None:
    client = ThreadsClient("https://threads.test", api_key=None)
    pool = client._http._transport._pool  # type: ignore[attr-defined]
    assert pool._ssl_context.verify_mode.name == "CERT_REQUIRED"
    assert pool._ssl_context.check_hostname is True
    client.close()
