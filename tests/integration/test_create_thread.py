"""create_thread against the real Agent Server, row by row of its behaviour in tests/agent_server/OBSERVED.md.

Every test runs with each client kind (fixture ``sdk``: ThreadsClient, AsyncThreadsClient,
AsyncThreadsClient on DefaultAioHttpClient) against one ``langgraph dev`` for the session
(fixture ``dev_server``, graph ``echo``: ``start`` -> ``step`` -> END, state ``messages``
(appended) and ``count``). Threads carry a
per-test ``marker`` in their metadata so the tests can count their own threads on the
shared server. What the server holds is read back with plain HTTP (``dev_server.get_thread``,
``get_state``, ``search_threads``), never with the SDK under test.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest

from langsmith_threads_client import (
    APIResponseValidationError,
    APIStatusError,
    ConflictError,
    SuperstepsError,
    Thread,
    ThreadCreateTTL,
    ThreadStatus,
    UnprocessableEntityError,
)
from scripts.agent_server.server import AgentServer
from tests.support.driver import Driver
from tests.support.graph import GRAPH_ID, HI

THERE = {"updates": [{"values": {"messages": ["there"], "count": 2}, "as_node": "step"}]}


def assert_utc_with_server_precision(value: datetime.datetime, server_text: str) -> None:
    """Timezone-aware, UTC, and equal to the server's own text to the microsecond."""
    assert value.tzinfo is not None
    assert value.utcoffset() == datetime.timedelta(0)
    # The server writes "2026-11-25T08:45:44.383321+00:00" (no fraction when it is 0, like
    # isoformat()), so writing the parsed value back gives exactly its text: nothing was lost.
    assert value.isoformat() == server_text
    assert abs(datetime.datetime.now(datetime.UTC) - value) < datetime.timedelta(minutes=5)


# -- `{}` or `{"metadata": {...}}` -> 200, values null, no interrupts, µs datetimes -----------------


def test_plain_thread_has_null_values_no_interrupts_and_utc_microsecond_datetimes(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    thread = sdk.create_thread(metadata={"a": 1, **marker})

    assert thread.metadata.to_dict() == {"a": 1, **marker}
    assert thread.status == ThreadStatus.IDLE
    assert thread.values is None  # the spec says object; the server sends null
    assert "interrupts" not in thread.to_dict()
    assert thread.additional_properties == {}

    on_server = dev_server.get_thread(thread.thread_id)
    assert on_server is not None
    for name in ("created_at", "updated_at", "state_updated_at"):
        assert_utc_with_server_precision(getattr(thread, name), on_server[name])
    assert thread.to_dict() == on_server  # the parsed Thread is exactly what the server holds


def test_literal_empty_body_gets_a_server_assigned_uuid7(sdk: Driver, dev_server: AgentServer) -> None:
    # The SDK always sends its own thread_id; strip the body to `{}` to see the server's own answer.
    # That answer names a thread the request did not, so the SDK refuses it as the call's thread.
    wire = sdk.intercepted(rewrite=lambda body: {})

    with pytest.raises(APIResponseValidationError, match="the request named") as caught:
        wire.create_thread()
    thread = Thread.from_dict(caught.value.body)

    assert wire.sent == [{}]
    assert thread.thread_id.version == 7
    assert thread.values is None
    assert "interrupts" not in thread.to_dict()
    assert thread.metadata.to_dict() == {}
    assert thread.to_dict() == dev_server.get_thread(thread.thread_id)


# -- metadata and graph_id, as the server stores them -------------------------------------------


def test_metadata_and_graph_id_are_stored_on_the_server(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    metadata = {"user": "Zoë ✓", "tags": ["x", "y"], "nested": {"n": 1.5, "ok": True, "none": None}, **marker}

    thread = sdk.create_thread(metadata=metadata, graph_id=GRAPH_ID)

    expected = {**metadata, "graph_id": GRAPH_ID}
    assert thread.metadata.to_dict() == expected
    on_server = dev_server.get_thread(thread.thread_id)
    assert on_server is not None
    assert on_server["metadata"] == expected
    assert dev_server.search_threads(metadata=marker)[0]["thread_id"] == str(thread.thread_id)


# -- supersteps that succeed -> 200, values set, status may be interrupted, extra `error` key -----


def test_one_superstep_sets_values_and_leaves_the_thread_interrupted(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    thread = sdk.create_thread(metadata=marker, graph_id=GRAPH_ID, supersteps=[HI])

    assert thread.values  # neither None nor UNSET
    assert thread.values.to_dict() == {"messages": ["hi"], "count": 1}
    assert thread.status == ThreadStatus.INTERRUPTED  # `step` would run next
    assert thread.additional_properties == {"error": None}  # a key the spec does not list, kept
    assert thread["error"] is None
    assert thread.to_dict()["interrupts"] == {}
    assert thread.updated_at > thread.created_at

    state = dev_server.get_state(thread.thread_id)
    assert state["values"] == {"messages": ["hi"], "count": 1}
    assert state["next"] == ["step"]
    assert thread.to_dict() == dev_server.get_thread(thread.thread_id)


def test_two_supersteps_run_the_graph_to_its_end(sdk: Driver, dev_server: AgentServer, marker: dict[str, str]) -> None:
    thread = sdk.create_thread(metadata=marker, graph_id=GRAPH_ID, supersteps=[HI, THERE])

    assert thread.values  # neither None nor UNSET
    assert thread.values.to_dict() == {"messages": ["hi", "there"], "count": 2}
    assert thread.status == ThreadStatus.IDLE
    assert thread.additional_properties == {"error": None}
    state = dev_server.get_state(thread.thread_id)
    assert state["values"] == {"messages": ["hi", "there"], "count": 2}
    assert state["next"] == []


def test_supersteps_without_a_thread_id_create_exactly_one_thread(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    wire = sdk.intercepted()

    thread = wire.create_thread(metadata=marker, graph_id=GRAPH_ID, supersteps=[HI])

    # The SDK assigned the id and asked for "raise": "do_nothing" would re-apply supersteps on a retry.
    [sent] = wire.sent
    assert sent["thread_id"] == str(thread.thread_id)
    assert sent["if_exists"] == "raise"
    assert thread.thread_id.version == 7
    assert [t["thread_id"] for t in dev_server.search_threads(metadata=marker)] == [str(thread.thread_id)]


# -- same thread_id twice -> 409 -> ConflictError ------------------------------------------------


def test_same_thread_id_twice_raises_conflict_with_the_servers_detail(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    thread_id = uuid.uuid4()
    sdk.create_thread(thread_id=thread_id, metadata=marker)

    with pytest.raises(ConflictError) as caught:
        sdk.create_thread(thread_id=thread_id, metadata={"second": True, **marker}, headers={"x-request-id": "r-1"})

    error = caught.value
    assert error.status_code == 409
    assert error.thread_id == thread_id
    assert error.detail == f"Thread with ID {thread_id} already exists"
    assert error.body == {"detail": error.detail}
    assert error.after_lost_response is False
    assert error.request_id is None  # this server sends no request id, not even the one we sent
    assert error.detail in str(error)
    assert "\n" not in str(error)
    assert dev_server.count_threads(metadata=marker) == 1


def test_conflict_with_supersteps_leaves_the_existing_state_alone(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    thread_id = uuid.uuid4()
    sdk.create_thread(thread_id=thread_id, metadata=marker, graph_id=GRAPH_ID, supersteps=[HI])

    with pytest.raises(ConflictError) as caught:
        sdk.create_thread(thread_id=thread_id, metadata=marker, graph_id=GRAPH_ID, supersteps=[THERE])

    assert caught.value.thread_id == thread_id
    assert dev_server.get_state(thread_id)["values"] == {"messages": ["hi"], "count": 1}


# -- same thread_id with if_exists="do_nothing" -> 200, the existing thread unchanged -----------


def test_do_nothing_returns_the_existing_thread_unchanged(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    thread_id = uuid.uuid4()
    first = sdk.create_thread(thread_id=thread_id, metadata={"v": 1, **marker})

    again = sdk.create_thread(thread_id=thread_id, metadata={"v": 3, **marker}, if_exists="do_nothing")

    assert again == first  # same id, same metadata (v stays 1), same timestamps
    assert again.metadata.to_dict() == {"v": 1, **marker}
    on_server = dev_server.get_thread(thread_id)
    assert on_server is not None
    assert on_server["metadata"] == {"v": 1, **marker}
    assert dev_server.count_threads(metadata=marker) == 1


def test_do_nothing_with_a_new_thread_id_creates_it(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    thread_id = uuid.uuid4()

    thread = sdk.create_thread(thread_id=thread_id, metadata=marker, if_exists="do_nothing")

    assert thread.thread_id == thread_id
    assert dev_server.get_thread(thread_id) is not None


# -- what the server rejects with 422 -> UnprocessableEntityError with its detail ---------------
# The SDK's own validation stops all of these before sending (ValueError/TypeError), so the
# intercepted client rewrites the body it built into what the server must reject.


def _set(key: str, value: Any) -> Any:
    return lambda body: {**body, key: value}


def _drop_as_node(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "supersteps": [{"updates": [{"values": {"count": 1}}]}]}


SERVER_REJECTS = [
    pytest.param(_set("thread_id", "not-a-uuid"), "Invalid thread ID: must be a UUID", id="thread_id-not-a-uuid"),
    pytest.param(_set("thread_id", 123), 'is not of type "string"', id="thread_id-a-number"),
    pytest.param(_set("if_exists", "bogus"), '"bogus" is not one of "raise" or "do_nothing"', id="bad-enum"),
    pytest.param(_set("metadata", [1, 2]), 'is not of type "object"', id="metadata-a-list"),
    pytest.param(_set("metadata", None), 'null is not of type "object"', id="metadata-null"),
    pytest.param(_set("ttl", {"strategy": "delete", "ttl": "five"}), '"five" is not of type "number"', id="ttl-text"),
    pytest.param(_set("ttl", 5), '5 is not of type "object"', id="ttl-bare-number"),
    pytest.param(_set("ttl", {"strategy": "bogus", "ttl": 5}), '"bogus" is not one of', id="ttl-bad-strategy"),
    pytest.param(_drop_as_node, '"as_node" is a required property', id="superstep-without-as_node"),
    pytest.param(lambda body: b'{"thread_id": ', "Invalid JSON in request body", id="not-json"),
]


@pytest.mark.parametrize(("rewrite", "server_says"), SERVER_REJECTS)
def test_a_body_the_server_rejects_raises_unprocessable_entity_with_its_detail(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str], rewrite: Any, server_says: str
) -> None:
    wire = sdk.intercepted(rewrite)
    thread_id = uuid.uuid4()

    with pytest.raises(UnprocessableEntityError) as caught:
        wire.create_thread(thread_id=thread_id, metadata=marker)

    error = caught.value
    assert error.status_code == 422
    assert error.detail is not None
    assert server_says in error.detail
    # Verbatim: the same body sent with plain HTTP gets the same detail.
    [sent] = wire.sent  # one attempt: 422 is never retried
    raw = dev_server.post_threads_raw(sent)
    assert raw.status_code == 422
    assert error.detail == raw.json()["detail"]
    assert error.body == raw.json()
    # str() is one line, led by the status, with the detail's lines joined.
    assert str(error).startswith("422 Unprocessable")
    assert server_says in str(error)
    assert "\n" not in str(error)
    # Nothing was created.
    assert dev_server.get_thread(thread_id) is None
    assert dev_server.count_threads(metadata=marker) == 0


# -- supersteps the server cannot apply: 201 (no / unknown graph) or 400 (unknown node) -----------
# The thread is created anyway; SuperstepsError says so and carries its id.


@pytest.mark.parametrize(
    ("graph_id", "server_says"),
    [
        pytest.param(None, "has no assigned graph ID", id="no-graph_id"),
        pytest.param("nope", "Graph 'nope' not found", id="unknown-graph"),
    ],
)
def test_supersteps_the_server_cannot_apply_raise_superstepserror_201_and_the_thread_exists(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str], graph_id: str | None, server_says: str
) -> None:
    with pytest.raises(SuperstepsError) as caught:
        sdk.create_thread(metadata=marker, graph_id=graph_id, supersteps=[HI])

    error = caught.value
    assert isinstance(error, APIStatusError)
    assert error.status_code == 201
    assert error.detail is not None
    assert error.detail.startswith(f"Thread {error.thread_id} was created, but there were problems updating the state")
    assert server_says in error.detail
    assert error.thread_created is True
    assert str(error.thread_id) in str(error)

    on_server = dev_server.get_thread(error.thread_id)
    assert on_server is not None
    assert on_server["values"] is None
    assert on_server["status"] == "idle"
    assert on_server["metadata"] == {**marker, **({"graph_id": graph_id} if graph_id else {})}
    assert dev_server.count_threads(metadata=marker) == 1


@pytest.mark.parametrize(
    ("supersteps", "server_says"),
    [
        pytest.param(
            [{"updates": [{"values": {"count": 1}, "as_node": "nope"}]}], "Node nope does not exist", id="unknown-node"
        ),
        pytest.param(
            [HI, {"updates": [{"values": {"count": 2}, "as_node": "nope"}]}],
            "Node nope does not exist",
            id="unknown-node-in-second-superstep",
        ),
        pytest.param([{"updates": []}], "No updates provided", id="no-updates"),
    ],
)
def test_supersteps_naming_what_the_graph_lacks_raise_superstepserror_400_and_the_thread_exists(
    sdk: Driver,
    dev_server: AgentServer,
    marker: dict[str, str],
    supersteps: list[dict[str, Any]],
    server_says: str,
) -> None:
    thread_id = uuid.uuid4()

    with pytest.raises(SuperstepsError) as caught:
        sdk.create_thread(thread_id=thread_id, metadata=marker, graph_id=GRAPH_ID, supersteps=supersteps)

    error = caught.value
    assert error.status_code == 400
    assert error.detail == server_says  # the 400 detail does not name the thread ...
    assert error.thread_id == thread_id  # ... but the error does
    assert error.thread_created is True
    on_server = dev_server.get_thread(thread_id)
    assert on_server is not None
    assert on_server["values"] is None
    assert on_server["metadata"] == {**marker, "graph_id": GRAPH_ID}


def test_when_a_later_superstep_fails_the_earlier_ones_stay_applied(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    # The server applies supersteps one by one and stops at the failing one (OBSERVED.md, item 9):
    # "thread created, supersteps failed" can still mean "some state was set".
    thread_id = uuid.uuid4()
    bad = {"updates": [{"values": {"count": 2}, "as_node": "nope"}]}

    with pytest.raises(SuperstepsError) as caught:
        sdk.create_thread(thread_id=thread_id, metadata=marker, graph_id=GRAPH_ID, supersteps=[HI, bad])

    assert caught.value.status_code == 400
    assert dev_server.get_state(thread_id)["values"] == {"messages": ["hi"], "count": 1}


# -- thread_id in upper case / without dashes -> accepted, returned lower-case dashed -------------

UUID_SPELLINGS = [
    pytest.param(str.upper, id="upper-case"),
    pytest.param(lambda text: text.replace("-", ""), id="no-dashes"),
    pytest.param(lambda text: text.replace("-", "").upper(), id="upper-case-no-dashes"),
    pytest.param(lambda text: "{" + text + "}", id="braces"),
    pytest.param(lambda text: "urn:uuid:" + text, id="urn"),
]


@pytest.mark.parametrize("spell", UUID_SPELLINGS)
def test_any_uuid_spelling_is_accepted_and_the_thread_id_comes_back_lower_case_dashed(
    sdk: Driver, dev_server: AgentServer, spell: Any
) -> None:
    thread_id = uuid.uuid4()
    wire = sdk.intercepted()

    thread = wire.create_thread(thread_id=spell(str(thread_id)))

    assert wire.sent[0]["thread_id"] == str(thread_id)  # the SDK sends the canonical form
    assert thread.thread_id == thread_id
    assert dev_server.get_thread(thread_id) is not None


@pytest.mark.parametrize("spell", UUID_SPELLINGS)
def test_the_server_itself_answers_other_uuid_spellings_in_lower_case_dashed_form(
    sdk: Driver, dev_server: AgentServer, spell: Any
) -> None:
    thread_id = uuid.uuid4()
    wire = sdk.intercepted(rewrite=lambda body: {**body, "thread_id": spell(body["thread_id"])})

    thread = wire.create_thread(thread_id=thread_id)

    assert wire.sent[0]["thread_id"] == spell(str(thread_id))
    assert thread.thread_id == thread_id
    assert thread.to_dict()["thread_id"] == str(thread_id)
    on_server = dev_server.get_thread(thread_id)
    assert on_server is not None
    assert on_server["thread_id"] == str(thread_id)


# -- ttl -> accepted (the in-memory server neither stores nor echoes it) -------------------------


@pytest.mark.parametrize(
    ("ttl", "on_the_wire"),
    [
        pytest.param(5, {"strategy": "delete", "ttl": 5.0}, id="minutes"),
        pytest.param(0.5, {"strategy": "delete", "ttl": 0.5}, id="fractional-minutes"),
        pytest.param(datetime.timedelta(hours=2), {"strategy": "delete", "ttl": 120.0}, id="timedelta"),
        pytest.param({"ttl": 5}, {"strategy": "delete", "ttl": 5.0}, id="mapping"),
        pytest.param({"ttl": 5, "strategy": "keep_latest"}, {"strategy": "keep_latest", "ttl": 5.0}, id="keep_latest"),
        pytest.param(ThreadCreateTTL(ttl=30), {"strategy": "delete", "ttl": 30.0}, id="model"),
    ],
)
def test_ttl_is_sent_as_an_object_and_accepted(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str], ttl: Any, on_the_wire: dict[str, Any]
) -> None:
    wire = sdk.intercepted()

    thread = wire.create_thread(metadata=marker, ttl=ttl)

    assert wire.sent[0]["ttl"] == on_the_wire
    assert thread.metadata.to_dict() == marker
    assert "ttl" not in thread.to_dict()  # not echoed by this server
    assert dev_server.get_thread(thread.thread_id, include_ttl=True) is not None


# -- no thread_id -> a UUID version 7, and exactly one thread ------------------------------------


def test_without_thread_id_the_thread_gets_a_uuid7_and_exactly_one_thread_is_created(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    before = datetime.datetime.now(datetime.UTC)

    thread = sdk.create_thread(metadata=marker)

    assert thread.thread_id.version == 7
    # A v7 id starts with its Unix time in milliseconds.
    id_time = datetime.datetime.fromtimestamp((thread.thread_id.int >> 80) / 1000, datetime.UTC)
    assert before - datetime.timedelta(seconds=1) <= id_time <= thread.created_at + datetime.timedelta(seconds=1)
    found = dev_server.search_threads(metadata=marker)
    assert [t["thread_id"] for t in found] == [str(thread.thread_id)]


def test_calls_without_thread_id_get_distinct_ids(sdk: Driver, dev_server: AgentServer, marker: dict[str, str]) -> None:
    threads = [sdk.create_thread(metadata=marker) for _ in range(5)]

    ids = {thread.thread_id for thread in threads}
    assert len(ids) == 5
    assert {uuid.UUID(t["thread_id"]) for t in dev_server.search_threads(metadata=marker)} == ids
