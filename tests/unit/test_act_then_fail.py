"""A server that acts and then fails: a Thread is returned only when the SDK can vouch for it.

The outcome table is `_call.py`'s contract (plan_create's). These tests drive each row on the SDK's
side of the wire (mocked answers); tests/conformance/test_act_then_fail.py proves the same
rows against every server kind, reading back how often the supersteps ran.
"""

from __future__ import annotations

import copy
import pickle
import uuid

import httpx2
import pytest

from langsmith_threads_client import (
    APIConnectionError,
    ConflictError,
    InternalServerError,
    SuperstepsError,
    SuperstepsOutcomeUnknownError,
    Thread,
)
from tests.unit.conftest import DriverFactory
from tests.unit.mock_server import MockServer
from tests.unit.mocks import in_turn, sent_json, thread_answer

SUPERSTEPS = [{"updates": [{"as_node": "start", "values": {"count": 1}}]}]


def conflict() -> httpx2.Response:
    return httpx2.Response(409, json={"detail": "Thread already exists"})


def _failures() -> dict[str, httpx2.Response | Exception]:
    """Every way an attempt can fail after the server may have acted on it."""
    return {
        "500": httpx2.Response(500, json={"detail": 'TypeError: can only concatenate list (not "str") to list'}),
        "502": httpx2.Response(502, text="bad gateway"),
        "504": httpx2.Response(504, text="gateway timeout"),
        "read-timeout": httpx2.ReadTimeout("no answer"),
        "reset": httpx2.ReadError("connection reset by peer"),
        "closed": httpx2.RemoteProtocolError("server disconnected without sending a response"),
    }


FAILURES = list(_failures())


@pytest.mark.parametrize("failure", FAILURES)
def test_sdk_id_with_supersteps_never_returns_a_thread_it_only_fetched(
    make_client: DriverFactory, api: MockServer, failure: str
) -> None:
    # The lost attempt stored the thread; whether its supersteps ran is unknown to the SDK.
    api.post("/threads").mock(side_effect=in_turn(_failures()[failure], conflict(), thread_answer))
    with pytest.raises(SuperstepsOutcomeUnknownError) as caught:
        make_client().create_thread(supersteps=SUPERSTEPS, graph_id="echo")
    error = caught.value
    first, second, recovery = (sent_json(call.request) for call in api.calls)
    assert first == second and first["if_exists"] == "raise" and first["supersteps"]
    assert recovery == {"thread_id": first["thread_id"], "if_exists": "do_nothing"}, "fetched without supersteps"
    assert str(error.thread_id) == first["thread_id"]
    assert isinstance(error.thread, Thread) and error.thread.thread_id == error.thread_id
    assert isinstance(error, SuperstepsError), "code that catches supersteps failures catches it too"
    assert error.thread_created is True
    assert "unknown" in str(error) and first["thread_id"] in str(error)
    assert "\n" not in str(error) and len(str(error)) < 600


def test_the_error_names_what_the_lost_attempt_met(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=in_turn(_failures()["500"], conflict(), thread_answer))
    with pytest.raises(SuperstepsOutcomeUnknownError) as caught:
        make_client().create_thread(supersteps=SUPERSTEPS, graph_id="echo")
    assert caught.value.lost_failure.startswith("500 Internal Server Error: TypeError: can only concatenate")
    assert caught.value.detail is not None and "can only concatenate" in caught.value.detail
    assert "500 Internal Server Error" in str(caught.value)


def test_the_error_pickles_and_copies_with_the_thread(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=in_turn(httpx2.ReadError("lost"), conflict(), thread_answer))
    with pytest.raises(SuperstepsOutcomeUnknownError) as caught:
        make_client(api_key="sk-secret-act-then-fail").create_thread(supersteps=SUPERSTEPS, graph_id="echo")
    for twin in (pickle.loads(pickle.dumps(caught.value)), copy.copy(caught.value)):
        assert type(twin) is SuperstepsOutcomeUnknownError
        assert twin.thread == caught.value.thread and twin.thread_id == caught.value.thread_id
        assert twin.lost_failure == caught.value.lost_failure == "ReadError: lost"
    assert b"sk-secret-act-then-fail" not in pickle.dumps(caught.value)


def test_a_recovery_fetch_that_is_itself_lost_still_ends_in_the_error(
    make_client: DriverFactory, api: MockServer
) -> None:
    api.post("/threads").mock(
        side_effect=in_turn(httpx2.ReadError("lost"), conflict(), httpx2.ReadError("lost again"), thread_answer)
    )
    with pytest.raises(SuperstepsOutcomeUnknownError):
        make_client().create_thread(supersteps=SUPERSTEPS, graph_id="echo")
    assert api.calls.call_count == 4


@pytest.mark.parametrize("failure", FAILURES)
def test_sdk_id_with_supersteps_returns_the_thread_when_the_retry_made_it(
    make_client: DriverFactory, api: MockServer, failure: str
) -> None:
    # The lost attempt made nothing (the server rolled it back): the retry applied them once.
    api.post("/threads").mock(side_effect=in_turn(_failures()[failure], thread_answer))
    thread = make_client().create_thread(supersteps=SUPERSTEPS, graph_id="echo")
    assert api.calls.call_count == 2
    assert [sent_json(call.request)["if_exists"] for call in api.calls] == ["raise", "raise"]
    assert str(thread.thread_id) == sent_json(api.calls.last.request)["thread_id"]


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("thread_id", [None, uuid.UUID("0190a1b2-0000-7000-8000-000000000001")], ids=["sdk", "caller"])
def test_without_supersteps_a_retry_that_meets_the_thread_is_the_calls_success(
    make_client: DriverFactory, api: MockServer, failure: str, thread_id: uuid.UUID | None
) -> None:
    # Metadata and TTL are set at creation, so the thread the lost attempt made is the one asked for.
    api.post("/threads").mock(side_effect=in_turn(_failures()[failure], thread_answer))
    kwargs = {} if thread_id is None else {"thread_id": thread_id, "if_exists": "do_nothing"}
    thread = make_client().create_thread(metadata={"user": "u1"}, **kwargs)
    assert [sent_json(call.request)["if_exists"] for call in api.calls] == ["do_nothing", "do_nothing"]
    assert thread_id is None or thread.thread_id == thread_id


@pytest.mark.parametrize("failure", FAILURES)
def test_caller_id_with_raise_and_supersteps_says_the_conflict_may_be_its_own(
    make_client: DriverFactory, api: MockServer, failure: str
) -> None:
    # The SDK cannot tell the lost attempt's thread from an older one with the caller's id.
    thread_id = uuid.uuid4()
    api.post("/threads").mock(side_effect=in_turn(_failures()[failure], conflict()))
    with pytest.raises(ConflictError) as caught:
        make_client().create_thread(thread_id=thread_id, supersteps=SUPERSTEPS, graph_id="echo")
    assert caught.value.after_lost_response is True and caught.value.thread_id == thread_id
    assert api.calls.call_count == 2


@pytest.mark.parametrize("failure", FAILURES)
def test_caller_id_with_do_nothing_and_supersteps_is_not_resent(
    make_client: DriverFactory, api: MockServer, failure: str
) -> None:
    thread_id = uuid.uuid4()
    api.post("/threads").mock(side_effect=in_turn(_failures()[failure], thread_answer))
    expected = InternalServerError if failure[0].isdigit() else APIConnectionError
    with pytest.raises(expected) as caught:
        make_client().create_thread(thread_id=thread_id, if_exists="do_nothing", supersteps=SUPERSTEPS, graph_id="echo")
    assert caught.value.thread_id == thread_id
    assert api.calls.call_count == 1
