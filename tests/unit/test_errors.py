"""Every status the server may answer maps to the error class the README names, carrying what it said."""

from __future__ import annotations

import uuid
from typing import Any

import httpx2
import pytest

from langsmith_threads_client import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SuperstepsError,
    ThreadsClient,
    ThreadsClientError,
    UnprocessableEntityError,
    Unset,
)
from tests.unit.conftest import DriverFactory
from tests.unit.error_cases import CASES, error_of
from tests.unit.mock_server import MockServer
from tests.unit.mocks import real_thread_body, sent_json

SUPERSTEPS = [{"updates": [{"as_node": "start", "values": {"count": 1}}]}]


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (418, APIStatusError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (507, InternalServerError),
    ],
)
def test_each_status_raises_its_error_with_status_detail_and_body(
    make_client: DriverFactory, api: MockServer, status: int, error_class: type[APIStatusError]
) -> None:
    body = {"detail": f"the server says {status}"}
    api.post("/threads").respond(status, json=body)
    client = make_client(max_retries=0)
    with pytest.raises(error_class) as caught:
        client.create_thread(thread_id=uuid.uuid4())
    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, ThreadsClientError)
    assert error.status_code == status
    assert error.detail == f"the server says {status}"
    assert error.body == body
    assert error.response.status_code == status
    assert str(status) in str(error) and "the server says" in str(error)
    assert "\n" not in str(error)


def test_conflict_error_carries_the_thread_id_and_the_servers_detail(
    make_client: DriverFactory, api: MockServer
) -> None:
    thread_id = uuid.uuid4()
    detail = f"Thread with ID {thread_id} already exists"
    api.post("/threads").respond(409, json={"detail": detail})
    with pytest.raises(ConflictError) as caught:
        make_client().create_thread(thread_id=thread_id)
    assert caught.value.thread_id == thread_id
    assert caught.value.detail == detail
    assert caught.value.after_lost_response is False
    assert api.calls.call_count == 1


def test_a_conflict_points_at_do_nothing(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").respond(409, json={"detail": "Thread exists"})
    with pytest.raises(ConflictError) as caught:
        make_client().create_thread(thread_id=uuid.uuid4())
    said = "409 Conflict: Thread exists; if_exists='do_nothing' returns the existing thread instead"
    assert str(caught.value) == said


@pytest.mark.parametrize(
    ("status", "remedy"),
    [
        (404, "is base_url the Agent Server's root (requests go to base_url + /threads)?"),
        (405, "is base_url the Agent Server's root, without /threads?"),
    ],
)
def test_a_wrong_base_url_names_the_request_and_the_remedy(status: int, remedy: str) -> None:
    # What a newcomer meets first: a base_url that ends in /threads (405), or a wrong prefix (404).
    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, json={"detail": httpx2.codes.get_reason_phrase(status)})

    http = httpx2.Client(transport=httpx2.MockTransport(answer))
    with ThreadsClient("http://user:pw@127.0.0.1:2024/threads", api_key=None, http_client=http) as client:
        with pytest.raises(APIStatusError) as caught:
            client.create_thread()
    reason = httpx2.codes.get_reason_phrase(status)
    assert str(caught.value) == f"{status} {reason}: {reason} (POST http://127.0.0.1:2024/threads/threads); {remedy}"


def test_201_with_an_error_detail_says_the_thread_was_created_and_carries_its_id(
    make_client: DriverFactory, api: MockServer
) -> None:
    api.post("/threads").respond(201, json={"detail": "Thread x was created, but there were problems updating"})
    with pytest.raises(SuperstepsError) as caught:
        make_client().create_thread(supersteps=SUPERSTEPS)
    error = caught.value
    sent_id = uuid.UUID(sent_json(api.calls.last.request)["thread_id"])
    assert error.thread_id == sent_id
    assert error.thread_created is True
    assert error.status_code == 201
    assert f"thread {sent_id}: its supersteps failed" in str(error)


def test_400_for_supersteps_is_a_superstep_error_on_an_existing_thread(
    make_client: DriverFactory, api: MockServer
) -> None:
    api.post("/threads").respond(400, json={"detail": "Node nope does not exist"})
    thread_id = uuid.uuid4()
    with pytest.raises(SuperstepsError) as caught:
        make_client().create_thread(thread_id=thread_id, supersteps=SUPERSTEPS)
    assert caught.value.thread_id == thread_id
    assert caught.value.detail == "Node nope does not exist"
    assert api.calls.call_count == 1


def test_a_multi_line_detail_is_kept_whole_but_said_in_one_line(make_client: DriverFactory, api: MockServer) -> None:
    detail = '[] is not of type "object"\n\nFailed validating "type" in schema["properties"]["metadata"]'
    api.post("/threads").respond(422, json={"detail": detail})
    with pytest.raises(UnprocessableEntityError) as caught:
        make_client().create_thread()
    assert caught.value.detail == detail
    assert "\n" not in str(caught.value)
    assert "Failed validating" in str(caught.value)


def test_an_error_without_a_json_body_keeps_the_text(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").respond(502, text="upstream went away")
    with pytest.raises(InternalServerError) as caught:
        make_client(max_retries=0).create_thread()
    assert caught.value.body == "upstream went away"
    assert caught.value.detail == "upstream went away"
    assert str(caught.value) == "502 Bad Gateway: upstream went away"


def test_an_html_error_page_is_said_as_its_text(make_client: DriverFactory, api: MockServer) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"
    api.post("/threads").respond(502, text=page, headers={"content-type": "text/html"})
    with pytest.raises(InternalServerError) as caught:
        make_client(max_retries=0).create_thread()
    assert caught.value.body == page
    assert caught.value.detail == "502 Bad Gateway: nginx"


# Each shape a server that implements the API was seen to send (tests/conformance asserts
# them per kind), and the one line `.detail` makes of it.
BODY_SHAPES = {
    "detail string (dev, postgres)": (
        409,
        {"detail": "Thread with ID x already exists"},
        "Thread with ID x already exists",
    ),
    "error and message (aegra)": (
        409,
        {"error": "conflict", "message": "Thread 'x' already exists", "details": None},
        "Thread 'x' already exists",
    ),
    "FastAPI validation list (aegra)": (
        422,
        {
            "detail": [
                {"type": "uuid_parsing", "loc": ["body", "thread_id"], "msg": "Input should be a valid UUID"},
                {"type": "enum", "loc": ["body", "if_exists"], "msg": "Input should be 'raise'", "input": "bogus"},
            ]
        },
        "body.thread_id: Input should be a valid UUID; body.if_exists: Input should be 'raise'",
    ),
    "nested error object": (500, {"error": {"message": "database is down", "type": "db"}}, "database is down"),
    "problem details title only": (404, {"title": "Not Found", "status": 404}, "Not Found"),
    "a JSON list": (400, ["bad", "worse"], '"bad"; "worse"'),
    "plain text (dev-0.4)": (409, "Thread with ID x already exists", "Thread with ID x already exists"),
}


@pytest.mark.parametrize("shape", sorted(BODY_SHAPES))
def test_the_servers_message_is_carried_whatever_the_bodys_shape(
    make_client: DriverFactory, api: MockServer, shape: str
) -> None:
    status, body, said = BODY_SHAPES[shape]
    if isinstance(body, str):
        api.post("/threads").respond(status, text=body, headers={"content-type": "text/plain; charset=utf-8"})
    else:
        api.post("/threads").respond(status, json=body)
    with pytest.raises(APIStatusError) as caught:
        make_client(max_retries=0).create_thread(thread_id=uuid.uuid4())
    assert caught.value.status_code == status
    assert caught.value.detail == said
    assert caught.value.body == body
    assert str(caught.value).startswith(f"{status} ")
    assert f": {said}" in str(caught.value)


@pytest.mark.parametrize(
    "answer",
    [
        httpx2.Response(502, text="<html><body>" + "<p>upstream trouble</p>" * 3000 + "</body></html>"),
        httpx2.Response(422, json={"detail": "x" * 60_000}),
        httpx2.Response(422, json={"detail": [{"loc": ["body", str(i)], "msg": "bad " * 50} for i in range(500)]}),
        httpx2.Response(409, text="y" * 60_000),
        httpx2.Response(307, headers={"location": "http://elsewhere.test/" + "z" * 60_000}),
    ],
    ids=["html-page", "json-detail", "validation-list", "plain-text", "redirect-location"],
)
def test_messages_stay_short_whatever_the_server_sends_and_the_body_stays_whole(
    make_client: DriverFactory, api: MockServer, answer: httpx2.Response
) -> None:
    api.post("/threads").mock(return_value=answer)
    with pytest.raises(APIStatusError) as caught:
        make_client(max_retries=0).create_thread()
    assert len(str(caught.value)) <= 400, len(str(caught.value))
    assert "\n" not in str(caught.value)
    assert caught.value.detail is None or len(caught.value.detail) <= 1000
    assert "more characters" in str(caught.value)
    assert caught.value.response.content == answer.content


def test_a_thread_with_only_the_spec_required_fields_parses(make_client: DriverFactory, api: MockServer) -> None:
    # What Aegra answers: no values, config or interrupts, plus a user_id the spec does not name.
    required = ("thread_id", "created_at", "updated_at", "metadata", "status")
    body = {k: v for k, v in real_thread_body().items() if k in required}
    body["user_id"] = "anonymous"
    api.post("/threads").respond(200, json=body)
    thread = make_client().create_thread(thread_id=body["thread_id"])
    assert str(thread.thread_id) == body["thread_id"]
    assert not thread.values
    assert isinstance(thread.values, Unset)
    assert thread.additional_properties == {"user_id": "anonymous"}


@pytest.mark.parametrize(
    ("description", "response"),
    [
        ("not JSON", httpx2.Response(200, text="<html>ok</html>")),
        ("a JSON list", httpx2.Response(200, json=[])),
        (
            "missing created_at",
            httpx2.Response(200, json={k: v for k, v in real_thread_body().items() if k != "created_at"}),
        ),
        ("a thread_id that is no UUID", httpx2.Response(200, json=real_thread_body(thread_id="nope"))),
        ("a date that is no date", httpx2.Response(200, json=real_thread_body(created_at="yesterday"))),
        ("metadata that is a list", httpx2.Response(200, json=real_thread_body(metadata=[1]))),
    ],
)
def test_a_200_that_is_not_a_thread_raises_response_validation_error(
    make_client: DriverFactory, api: MockServer, description: str, response: httpx2.Response
) -> None:
    api.post("/threads").mock(return_value=response)
    with pytest.raises(APIResponseValidationError) as caught:
        make_client().create_thread()
    assert caught.value.status_code == 200
    assert caught.value.response.content == response.content
    assert api.calls.call_count == 1, "a 200 is not retried"


def test_the_request_id_header_is_carried(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").respond(404, json={"detail": "no"}, headers={"x-request-id": "req-123"})
    with pytest.raises(NotFoundError) as caught:
        make_client().create_thread()
    assert caught.value.request_id == "req-123"


def test_a_real_server_body_parses_into_a_thread(make_client: DriverFactory, api: MockServer) -> None:
    body: dict[str, Any] = real_thread_body(status="paused", extra_key={"a": 1})
    api.post("/threads").respond(200, json=body)
    thread = make_client().create_thread(thread_id=body["thread_id"], metadata={"user": "u1"})
    assert str(thread.thread_id) == body["thread_id"]
    assert thread.values is None
    assert thread.status == "paused"
    assert thread.additional_properties == {"extra_key": {"a": 1}}
    assert thread.created_at.tzinfo is not None


def test_a_200_naming_another_thread_is_a_response_validation_error(
    make_client: DriverFactory, api: MockServer
) -> None:
    other = uuid.uuid4()
    api.post("/threads").respond(200, json=real_thread_body(thread_id=str(other)))
    named = uuid.uuid4()
    with pytest.raises(APIResponseValidationError, match=f"thread {other}") as caught:
        make_client().create_thread(thread_id=named)
    assert caught.value.status_code == 200
    assert caught.value.thread_id == named
    assert api.calls.call_count == 1


@pytest.mark.parametrize("given", [True, False], ids=["callers-id", "sdk-assigned-id"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_error_after_the_request_was_built_carries_the_thread_id_it_named(case: str, given: bool) -> None:
    thread_id = uuid.uuid4() if given else None
    sent: list[httpx2.Request] = []
    error = error_of(case, thread_id, sent)
    assert type(error).__name__ == CASES[case][2]
    named = {uuid.UUID(sent_json(request)["thread_id"]) for request in sent}
    assert named == {error.thread_id}
    if given:
        assert error.thread_id == thread_id
    else:
        assert error.thread_id is not None and error.thread_id.version == 7
