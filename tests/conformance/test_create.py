"""create_thread on every server kind, with every client: the same scenarios, each kind's answer.

Each test runs once per kind (``server``) and per client (``sdk``). What a kind answers
differently is read from observed.py (``behaviour``), the same data OBSERVED.md's and the
README's tables are made from. What the server holds is read back with plain HTTP
(``server.get_thread``, ``get_state``, ``search_threads``), never with the SDK under test.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from langsmith_threads_client import (
    ConflictError,
    SuperstepsError,
    Thread,
    UnprocessableEntityError,
    Unset,
)
from scripts.agent_server.server import AgentServer
from tests.conformance.observed import Behaviour, Presence, Superstep
from tests.support.driver import Driver
from tests.support.graph import GRAPH_ID, HI

HI_VALUES = HI["updates"][0]["values"]
NO_SUCH_NODE = {"updates": [{"values": {"count": 1}, "as_node": "nosuch"}]}


def expected_metadata(behaviour: Behaviour, sent: dict[str, Any]) -> dict[str, Any]:
    return {**behaviour.metadata_added, **sent}


def assert_values(thread: Thread, presence: Presence) -> None:
    if presence == "null":
        assert thread.values is None
    elif presence == "absent":
        assert isinstance(thread.values, Unset)
        assert "values" not in thread.to_dict()
    else:
        assert thread.values, thread
        assert thread.values.to_dict() == HI_VALUES


def test_create_with_nothing_returns_a_typed_thread(sdk: Driver, server: AgentServer, behaviour: Behaviour) -> None:
    thread = sdk.create_thread()
    assert isinstance(thread, Thread)
    assert thread.thread_id.version == 7  # the SDK's own id, so a retry cannot make a second thread
    assert thread.created_at.tzinfo is not None
    assert str(thread.status) == "idle"
    assert_values(thread, behaviour.new_values)
    stored = server.get_thread(thread.thread_id)
    assert stored is not None and stored["thread_id"] == str(thread.thread_id)


def test_the_server_assigns_ids_of_its_own_uuid_version(server: AgentServer, behaviour: Behaviour) -> None:
    # Raw: the SDK always names the id. Why the SDK does not leave it to the server (v4 on some kinds).
    answer = server.post_threads_raw({})
    assert answer.status_code == 200, answer.text
    assert uuid.UUID(answer.json()["thread_id"]).version == behaviour.server_id_version


def test_metadata_is_stored_as_sent(
    sdk: Driver, server: AgentServer, behaviour: Behaviour, marker: dict[str, str]
) -> None:
    sent = {"a": 1, "nested": {"b": [1, "x", None]}, **marker}
    thread = sdk.create_thread(metadata=sent)
    assert thread.metadata.to_dict() == expected_metadata(behaviour, sent)
    stored = server.get_thread(thread.thread_id)
    assert stored is not None and stored["metadata"] == expected_metadata(behaviour, sent)
    assert [t["thread_id"] for t in server.search_threads(marker)] == [str(thread.thread_id)]


def test_the_callers_thread_id_is_kept(sdk: Driver, server: AgentServer) -> None:
    thread_id = uuid.uuid4()
    thread = sdk.create_thread(thread_id=str(thread_id).upper())
    assert thread.thread_id == thread_id
    assert server.get_thread(thread_id) is not None


def test_the_same_id_twice_raises_conflict_with_the_servers_message(
    sdk: Driver, server: AgentServer, behaviour: Behaviour, marker: dict[str, str]
) -> None:
    thread_id = uuid.uuid4()
    sdk.create_thread(thread_id=thread_id, metadata=marker)
    with pytest.raises(ConflictError) as caught:
        sdk.create_thread(thread_id=thread_id, metadata=marker)
    error = caught.value
    said = behaviour.conflict_detail.format(id=thread_id)
    assert error.status_code == 409
    assert error.detail == said
    assert str(error) == f"409 Conflict: {said}; if_exists='do_nothing' returns the existing thread instead"
    assert error.thread_id == thread_id
    assert error.after_lost_response is False
    assert error.response.headers["content-type"].startswith(behaviour.conflict_content_type)
    assert server.count_threads(marker) == 1


def test_do_nothing_returns_the_existing_thread_unchanged(
    sdk: Driver, server: AgentServer, behaviour: Behaviour, marker: dict[str, str]
) -> None:
    thread_id = uuid.uuid4()
    first = sdk.create_thread(thread_id=thread_id, metadata={"v": 1, **marker})
    again = sdk.create_thread(thread_id=thread_id, metadata={"v": 2, **marker}, if_exists="do_nothing")
    assert again.thread_id == thread_id
    assert again.metadata.to_dict() == expected_metadata(behaviour, {"v": 1, **marker})
    assert again.created_at == first.created_at
    assert server.count_threads(marker) == 1


def test_supersteps_on_the_graph(
    sdk: Driver, server: AgentServer, behaviour: Behaviour, marker: dict[str, str]
) -> None:
    thread = sdk.create_thread(metadata=marker, graph_id=GRAPH_ID, supersteps=[HI])
    assert str(thread.status) == behaviour.applied_status
    assert_values(thread, behaviour.applied_values)
    assert thread.metadata.to_dict()["graph_id"] == GRAPH_ID
    state = server.get_state(thread.thread_id)
    assert state["values"] == (HI_VALUES if behaviour.applies_supersteps else {})


def check_superstep_failure(
    sdk: Driver, server: AgentServer, step: Superstep, marker: dict[str, str], **call: Any
) -> None:
    thread_id = uuid.uuid4()
    if step.status is None:
        thread = sdk.create_thread(thread_id=thread_id, metadata=marker, **call)
        assert thread.thread_id == thread_id
        assert server.get_state(thread_id)["values"] == {}  # accepted, not applied
    else:
        with pytest.raises(SuperstepsError) as caught:
            sdk.create_thread(thread_id=thread_id, metadata=marker, **call)
        error = caught.value
        assert error.status_code == step.status
        assert error.detail is not None and step.detail_in in error.detail
        assert step.detail_in in str(error)
        assert error.thread_id == thread_id
        assert error.response.headers["content-type"].startswith(step.content_type)
    assert (server.get_thread(thread_id) is not None) is step.kept
    # Whatever the kind did, the README's continuation leaves exactly one thread.
    finished = sdk.create_thread(thread_id=thread_id, metadata=marker, if_exists="do_nothing")
    assert finished.thread_id == thread_id
    assert server.count_threads(marker) == 1


def test_supersteps_without_a_graph(
    sdk: Driver, server: AgentServer, behaviour: Behaviour, marker: dict[str, str]
) -> None:
    check_superstep_failure(sdk, server, behaviour.no_graph, marker, supersteps=[HI])


def test_supersteps_naming_a_node_the_graph_lacks(
    sdk: Driver, server: AgentServer, behaviour: Behaviour, marker: dict[str, str]
) -> None:
    check_superstep_failure(sdk, server, behaviour.unknown_node, marker, graph_id=GRAPH_ID, supersteps=[NO_SUCH_NODE])


@pytest.mark.parametrize("ttl", [5, {"strategy": "delete", "ttl": 60}], ids=["minutes", "mapping"])
def test_ttl_is_accepted_and_not_echoed(sdk: Driver, server: AgentServer, marker: dict[str, str], ttl: Any) -> None:
    thread = sdk.create_thread(metadata=marker, ttl=ttl)
    assert isinstance(thread.ttl, Unset)
    stored = server.get_thread(thread.thread_id, include_ttl=True)
    assert stored is not None and "ttl" not in stored


def test_extra_body_reaches_the_server_which_ignores_it(
    sdk: Driver, server: AgentServer, behaviour: Behaviour, marker: dict[str, str]
) -> None:
    wire = sdk.intercepted()
    thread = wire.create_thread(metadata=marker, extra_body={"x_note": "hi"})
    assert [body["x_note"] for body in wire.sent] == ["hi"]
    assert "x_note" not in thread.to_dict()
    assert thread.metadata.to_dict() == expected_metadata(behaviour, marker)


BAD_INPUT: dict[str, dict[str, Any]] = {
    "thread_id not a UUID": {"thread_id": "nope"},
    "unknown if_exists": {"if_exists": "bogus"},
    "metadata a list": {"metadata": [1]},
    "ttl a string": {"ttl": "x"},
    "superstep update without as_node": {"supersteps": [{"updates": [{"values": {"count": 1}}]}]},
}


# A client-side check: nothing reaches the server, so one kind shows it (every client, every case).
@pytest.mark.one_kind
@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_refused_before_anything_is_sent(
    sdk: Driver, server: AgentServer, marker: dict[str, str], case: str
) -> None:
    wire = sdk.intercepted()
    call = {"metadata": marker, **BAD_INPUT[case]}
    with pytest.raises((ValueError, TypeError)) as caught:
        wire.create_thread(**call)
    assert len(str(caught.value)) < 300
    assert wire.sent == []
    assert server.count_threads(marker) == 0


def test_what_the_server_itself_does_with_what_the_sdk_refuses(server: AgentServer, behaviour: Behaviour) -> None:
    # Raw requests: on a kind that does not validate, the SDK's checks are the only guard.
    not_a_uuid = f"not-a-uuid-{uuid.uuid4().hex}"
    answer = server.post_threads_raw({"thread_id": not_a_uuid})
    assert (answer.status_code, answer.headers["content-type"].split(";")[0]) == behaviour.invalid_id
    stored_as_given = answer.status_code == 200 and answer.json()["thread_id"] == not_a_uuid
    assert stored_as_given is not behaviour.validates
    bogus = server.post_threads_raw({"if_exists": "bogus"})
    assert bogus.status_code == (422 if behaviour.validates else 200), bogus.text


def test_a_422_carries_the_servers_message_whatever_its_shape(
    sdk: Driver, server: AgentServer, behaviour: Behaviour, marker: dict[str, str]
) -> None:
    wire = sdk.intercepted(lambda body: {**body, "metadata": [1]})  # past the SDK's own check
    with pytest.raises(UnprocessableEntityError) as caught:
        wire.create_thread(metadata=marker)
    error = caught.value
    assert error.detail is not None and error.detail.startswith(behaviour.metadata_422), error.detail
    assert behaviour.metadata_422 in str(error)
    assert "\n" not in str(error) and len(str(error)) <= 400
    assert error.body is not None and not isinstance(error.body, str)
    assert error.thread_id is not None
    assert server.count_threads(marker) == 0
