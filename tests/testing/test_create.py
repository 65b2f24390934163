"""``POST /threads`` on the fake: what the SDK's clients get, and what raw requests get, as on the dev server.

Each SDK test runs with every client and plug (``clients.Plug``); the raw tests send what
the SDK never would (bad JSON, ``null`` fields, a non-UUID id) over plain httpx2 and check
the exact bodies tests/agent_server/OBSERVED.md records for the ``dev`` kind.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from typing import Any

import httpx2
import pytest

from langsmith_threads_client import ConflictError, SuperstepsError, ThreadStatus, Unset
from langsmith_threads_client.testing import FakeAgentServer
from tests.support.driver import Driver
from tests.support.graph import GRAPH_ID, HI

THERE = {"updates": [{"values": {"messages": ["there"], "count": 2}, "as_node": "step"}]}
NO_GRAPH_ID = (
    "Thread '{id}' has no assigned graph ID. This usually occurs when no runs have been made on this particular "
    "thread. This operation requires a graph ID. Please ensure a run has been made for the thread or manually update "
    "the thread metadata (by setting the 'graph_id' field) before running this operation."
)
MICROSECONDS_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$")


# ----------------------------------------------------------------------------- through the SDK
def test_a_new_thread_is_a_typed_thread_with_the_eight_keys_of_the_dev_server(
    sdk: Driver, fake: FakeAgentServer
) -> None:
    thread = sdk.create_thread(metadata={"user": "u1"})

    assert thread.status == ThreadStatus.IDLE
    assert thread.values is None
    assert thread.metadata.to_dict() == {"user": "u1"}
    stored = fake.thread(thread.thread_id)
    assert stored is not None
    assert list(stored) == ["thread_id", "created_at", "updated_at", "state_updated_at", "metadata", "status",
                            "config", "values"]  # fmt: skip
    assert stored["config"] == {} and stored["values"] is None
    assert stored["created_at"] == stored["updated_at"] == stored["state_updated_at"]
    assert MICROSECONDS_UTC.match(stored["created_at"])
    assert datetime.fromisoformat(stored["created_at"]) == thread.created_at
    assert thread.thread_id.version == 7  # the SDK's own id


def test_the_callers_id_is_kept_in_lower_case_dashed_form(sdk: Driver, fake: FakeAgentServer) -> None:
    thread_id = uuid.uuid4()
    thread = sdk.create_thread(thread_id=str(thread_id).upper())
    assert thread.thread_id == thread_id
    assert [t["thread_id"] for t in fake.threads] == [str(thread_id)]


def test_the_same_id_twice_raises_conflict_with_the_servers_words(sdk: Driver, fake: FakeAgentServer) -> None:
    thread_id = uuid.uuid4()
    sdk.create_thread(thread_id=thread_id, metadata={"v": 1})
    with pytest.raises(ConflictError) as caught:
        sdk.create_thread(thread_id=thread_id, metadata={"v": 2})
    assert caught.value.status_code == 409
    assert caught.value.detail == f"Thread with ID {thread_id} already exists"
    assert caught.value.after_lost_response is False
    assert caught.value.response.headers["content-type"] == "application/json"
    assert [t["metadata"] for t in fake.threads] == [{"v": 1}]


def test_do_nothing_returns_the_existing_thread_unchanged(sdk: Driver, fake: FakeAgentServer) -> None:
    thread_id = uuid.uuid4()
    first = sdk.create_thread(thread_id=thread_id, metadata={"v": 1})
    again = sdk.create_thread(thread_id=thread_id, metadata={"v": 3}, if_exists="do_nothing")
    assert again == first  # same metadata (v stays 1), same timestamps
    assert len(fake.threads) == 1


def test_one_superstep_sets_values_and_leaves_the_next_node_pending(sdk: Driver, fake: FakeAgentServer) -> None:
    thread = sdk.create_thread(graph_id=GRAPH_ID, supersteps=[HI])

    assert thread.status == ThreadStatus.INTERRUPTED  # `step` would run next
    assert thread.values and thread.values.to_dict() == {"messages": ["hi"], "count": 1}
    assert thread.additional_properties == {"error": None}
    assert thread.to_dict()["interrupts"] == {}
    assert thread.updated_at > thread.created_at
    assert thread.metadata.to_dict() == {"graph_id": GRAPH_ID}
    state = fake.state(thread.thread_id)
    assert state is not None
    assert state["values"] == {"messages": ["hi"], "count": 1}
    assert state["next"] == ["step"]
    assert [task["name"] for task in state["tasks"]] == ["step"]
    assert fake.thread(thread.thread_id) == thread.to_dict()


def test_two_supersteps_run_the_graph_to_its_end_appending_lists(sdk: Driver, fake: FakeAgentServer) -> None:
    thread = sdk.create_thread(graph_id=GRAPH_ID, supersteps=[HI, THERE])

    assert thread.status == ThreadStatus.IDLE
    assert thread.values and thread.values.to_dict() == {"messages": ["hi", "there"], "count": 2}
    state = fake.state(thread.thread_id)
    assert state is not None and state["next"] == [] and state["tasks"] == []
    assert state["parent_checkpoint_id"] is not None  # one checkpoint per superstep


def test_supersteps_without_a_graph_id_raise_superstepserror_201_and_keep_the_thread(
    sdk: Driver, fake: FakeAgentServer
) -> None:
    thread_id = uuid.uuid4()
    with pytest.raises(SuperstepsError) as caught:
        sdk.create_thread(thread_id=thread_id, supersteps=[HI])

    error = caught.value
    assert error.status_code == 201
    assert error.thread_id == thread_id
    assert error.detail == (
        f"Thread {thread_id} was created, but there were problems updating the state: "
        + NO_GRAPH_ID.format(id=thread_id)
    )
    stored = fake.thread(thread_id)
    assert stored is not None and stored["values"] is None and stored["status"] == "idle"
    # The README's continuation: the same id, do_nothing, no supersteps: one thread.
    assert sdk.create_thread(thread_id=thread_id, if_exists="do_nothing").thread_id == thread_id
    assert len(fake.threads) == 1


def test_an_unknown_graph_is_a_201_naming_the_graphs_there_are(sdk: Driver, fake: FakeAgentServer) -> None:
    with pytest.raises(SuperstepsError) as caught:
        sdk.create_thread(graph_id="nope", supersteps=[HI])
    assert caught.value.status_code == 201
    assert caught.value.detail is not None
    assert caught.value.detail.endswith("Graph 'nope' not found. Expected one of: ['echo']")
    assert [t["metadata"] for t in fake.threads] == [{"graph_id": "nope"}]


def test_a_node_the_graph_lacks_is_a_400_the_thread_kept_with_the_supersteps_before_it(
    sdk: Driver, fake: FakeAgentServer
) -> None:
    thread_id = uuid.uuid4()
    nosuch = {"updates": [{"values": {"count": 5}, "as_node": "nosuch"}]}
    with pytest.raises(SuperstepsError) as caught:
        sdk.create_thread(thread_id=thread_id, graph_id=GRAPH_ID, supersteps=[HI, nosuch])

    assert caught.value.status_code == 400
    assert caught.value.detail == "Node nosuch does not exist"
    assert caught.value.thread_id == thread_id
    stored = fake.thread(thread_id)
    assert stored is not None and stored["values"] is None and stored["status"] == "idle"
    state = fake.state(thread_id)
    assert state is not None and state["values"] == {"messages": ["hi"], "count": 1}  # OBSERVED.md, disagreement 9


def test_ttl_is_accepted_and_never_echoed(sdk: Driver, fake: FakeAgentServer) -> None:
    thread = sdk.create_thread(ttl={"strategy": "keep_latest", "ttl": 60})
    assert isinstance(thread.ttl, Unset)
    stored = fake.thread(thread.thread_id)
    assert stored is not None and "ttl" not in stored


def test_a_field_the_server_does_not_know_is_ignored(sdk: Driver, fake: FakeAgentServer) -> None:
    thread = sdk.create_thread(metadata={"k": 1}, extra_body={"x_note": "hi"})
    assert "x_note" not in thread.to_dict()
    assert fake.requests[-1].body["x_note"] == "hi"  # it reached the fake
    assert fake.threads[0]["metadata"] == {"k": 1}


# ----------------------------------------------------------------------------- raw requests
def detail(response: httpx2.Response) -> str:
    body = response.json()
    assert list(body) == ["detail"]
    text: str = body["detail"]
    return text


def test_the_server_assigns_a_uuid7_when_no_id_is_named(raw: httpx2.Client) -> None:
    answer = raw.post("/threads", json={})
    assert answer.status_code == 200
    assert uuid.UUID(answer.json()["thread_id"]).version == 7
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["vary"] == "Origin"
    assert answer.headers["content-length"] == str(len(answer.content))


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("9AF2A2AA-780C-45E9-ACC3-DBAB8588976B", "9af2a2aa-780c-45e9-acc3-dbab8588976b"),
        ("9af2a2aa780c45e9acc3dbab8588976b", "9af2a2aa-780c-45e9-acc3-dbab8588976b"),
        ("{9af2a2aa-780c-45e9-acc3-dbab8588976b}", "9af2a2aa-780c-45e9-acc3-dbab8588976b"),
        ("urn:uuid:9af2a2aa-780c-45e9-acc3-dbab8588976b", "9af2a2aa-780c-45e9-acc3-dbab8588976b"),
        ("00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"),
    ],
    ids=["upper", "hex", "braces", "urn", "nil"],
)
def test_thread_ids_are_read_as_python_reads_a_uuid(raw: httpx2.Client, spelling: str, canonical: str) -> None:
    assert raw.post("/threads", json={"thread_id": spelling}).json()["thread_id"] == canonical
    again = raw.post("/threads", json={"thread_id": canonical})
    assert (again.status_code, detail(again)) == (409, f"Thread with ID {canonical} already exists")
    assert raw.get(f"/threads/{spelling}").status_code == 200


def test_reserved_metadata_keys_are_dropped_as_the_server_drops_them(raw: httpx2.Client) -> None:
    sent = {"thread_id": "x", "run_id": 1, "assistant_id": 2, "cron_id": 3, "counters_since_delta_snapshot": 4, "k": 1}
    assert raw.post("/threads", json={"metadata": sent}).json()["metadata"] == {"k": 1}


def test_an_empty_thread_id_is_no_thread_id(raw: httpx2.Client) -> None:
    assert uuid.UUID(raw.post("/threads", json={"thread_id": ""}).json()["thread_id"]).version == 7


def validator(message: str, keyword: str, schema: str, at: str, value: str) -> str:
    """The server's validator's words for its first error."""
    return f'{message}\n\nFailed validating "{keyword}" in schema{schema}\n\nOn instance{at}:\n    {value}'


def prop(*names: str) -> str:
    """The schema path of a property: ``["properties"]["ttl"]["properties"]["ttl"]``."""
    return "".join(f'["properties"]["{name}"]' for name in names)


def at(*parts: str | int) -> str:
    """The instance path: ``["supersteps"][0]``."""
    return "".join(f"[{part}]" if isinstance(part, int) else f'["{part}"]' for part in parts)


UPDATE = '["components"]["schemas"]["ThreadSuperstepUpdate"]'
ANY_OF = "is not valid under any of the schemas listed in the 'anyOf' keyword"
NOT_A_UUID = "Invalid thread ID: must be a UUID"
UNPROCESSABLE: dict[str, tuple[Any, str]] = {
    "not a uuid": ({"thread_id": "not-a-uuid"}, NOT_A_UUID),
    "spaces around a uuid": ({"thread_id": " 9af2a2aa-780c-45e9-acc3-dbab8588976b "}, NOT_A_UUID),
    "thread_id a number": (
        {"thread_id": 123},
        validator('123 is not of type "string"', "type", prop("thread_id"), at("thread_id"), "123"),
    ),
    "thread_id null": (
        {"thread_id": None},
        validator('null is not of type "string"', "type", prop("thread_id"), at("thread_id"), "null"),
    ),
    "unknown if_exists": (
        {"if_exists": "bogus"},
        validator(
            '"bogus" is not one of "raise" or "do_nothing"', "enum", prop("if_exists"), at("if_exists"), '"bogus"'
        ),
    ),
    "if_exists null": (
        {"if_exists": None},
        validator('null is not of type "string"', "type", prop("if_exists"), at("if_exists"), "null"),
    ),
    "metadata a string": (
        {"metadata": "x"},
        validator('"x" is not of type "object"', "type", prop("metadata"), at("metadata"), '"x"'),
    ),
    "metadata a list": (
        {"metadata": [1, 2]},
        validator('[1,2] is not of type "object"', "type", prop("metadata"), at("metadata"), "[1,2]"),
    ),
    "metadata null": (
        {"metadata": None},
        validator('null is not of type "object"', "type", prop("metadata"), at("metadata"), "null"),
    ),
    "ttl a number": ({"ttl": 5}, validator('5 is not of type "object"', "type", prop("ttl"), at("ttl"), "5")),
    "ttl null": ({"ttl": None}, validator('null is not of type "object"', "type", prop("ttl"), at("ttl"), "null")),
    "ttl.ttl a string": (
        {"ttl": {"strategy": "delete", "ttl": "five"}},
        validator('"five" is not of type "number"', "type", prop("ttl", "ttl"), at("ttl", "ttl"), '"five"'),
    ),
    "unknown ttl.strategy": (
        {"ttl": {"strategy": "bogus", "ttl": 5}},
        validator(
            '"bogus" is not one of "delete" or "keep_latest"',
            "enum",
            prop("ttl", "strategy"),
            at("ttl", "strategy"),
            '"bogus"',
        ),
    ),
    "supersteps null": (
        {"supersteps": None},
        validator('null is not of type "array"', "type", prop("supersteps"), at("supersteps"), "null"),
    ),
    "supersteps an object": (
        {"supersteps": {"updates": []}},
        validator(
            '{"updates":[]} is not of type "array"', "type", prop("supersteps"), at("supersteps"), '{"updates":[]}'
        ),
    ),
    "no updates key": (
        {"supersteps": [{}]},
        validator(
            '"updates" is a required property', "required", prop("supersteps") + '["items"]', at("supersteps", 0), "{}"
        ),
    ),
    "no as_node": (
        {"supersteps": [{"updates": [{"values": {"count": 1}}]}]},
        validator(
            '"as_node" is a required property',
            "required",
            UPDATE,
            at("supersteps", 0, "updates", 0),
            '{"values":{"count":1}}',
        ),
    ),
    "a command's update a string": (
        {"supersteps": [{"updates": [{"as_node": "start", "command": {"update": "x"}}]}]},
        validator(
            f'{{"update":"x"}} {ANY_OF}',
            "anyOf",
            UPDATE + prop("command"),
            at("supersteps", 0, "updates", 0, "command"),
            '{"update":"x"}',
        ),
    ),
    "the first error in the server's order": (
        {"thread_id": 1, "metadata": "x"},
        validator('"x" is not of type "object"', "type", prop("metadata"), at("metadata"), '"x"'),
    ),
}


@pytest.mark.parametrize("case", list(UNPROCESSABLE))
def test_what_the_server_refuses_gets_its_exact_422(raw: httpx2.Client, fake: FakeAgentServer, case: str) -> None:
    body, said = UNPROCESSABLE[case]
    answer = raw.post("/threads", json=body)
    assert (answer.status_code, detail(answer)) == (422, said)
    assert answer.content == json.dumps({"detail": said}, ensure_ascii=False, separators=(",", ":")).encode()
    assert fake.threads == []


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"this is not json", "Invalid JSON in request body"),
        (b'{"metadata": {', "Invalid JSON in request body"),
        (b"", "Invalid JSON in request body"),
        (b'{"n": NaN}', "Invalid JSON in request body"),
        (b"[]", '[] is not of type "object"\n\nFailed validating "type" in schema\n\nOn instance:\n    []'),
        (b"null", 'null is not of type "object"\n\nFailed validating "type" in schema\n\nOn instance:\n    null'),
    ],
    ids=["garbage", "truncated", "empty", "NaN", "array", "null"],
)
def test_a_body_that_is_not_a_json_object_is_a_422(raw: httpx2.Client, content: bytes, said: str) -> None:
    answer = raw.post("/threads", content=content, headers={"content-type": "application/json"})
    assert (answer.status_code, detail(answer)) == (422, said)


def test_a_text_plain_body_is_read_as_json_anyway(raw: httpx2.Client) -> None:
    answer = raw.post("/threads", content=b'{"metadata": {"ct": "text"}}', headers={"content-type": "text/plain"})
    assert answer.status_code == 200 and answer.json()["metadata"] == {"ct": "text"}


def test_empty_updates_are_a_400_after_the_thread_is_created(raw: httpx2.Client, fake: FakeAgentServer) -> None:
    thread_id = str(uuid.uuid4())
    answer = raw.post("/threads", json={"thread_id": thread_id, "metadata": {"graph_id": "echo"},
                                        "supersteps": [{"updates": []}]})  # fmt: skip
    assert (answer.status_code, detail(answer)) == (400, "No updates provided")
    assert fake.thread(thread_id) is not None


def test_the_201_names_the_id_as_sent_then_as_stored(raw: httpx2.Client) -> None:
    thread_id = uuid.uuid4()
    answer = raw.post("/threads", json={"thread_id": str(thread_id).upper(), "supersteps": [HI]})
    assert answer.status_code == 201
    assert detail(answer) == (
        f"Thread {str(thread_id).upper()} was created, but there were problems updating the state: "
        + NO_GRAPH_ID.format(id=thread_id)
    )


def test_do_nothing_with_supersteps_applies_them_to_the_existing_thread(
    raw: httpx2.Client, fake: FakeAgentServer
) -> None:
    # OBSERVED.md, disagreement 7: why the SDK never retries supersteps with "do_nothing".
    body = {"thread_id": str(uuid.uuid4()), "if_exists": "do_nothing", "metadata": {"graph_id": "echo"},
            "supersteps": [HI]}  # fmt: skip
    first = raw.post("/threads", json=body).json()
    again = raw.post("/threads", json={**body, "metadata": {"graph_id": "echo", "v": 2}}).json()
    assert again["values"] == {"messages": ["hi", "hi"], "count": 1}
    assert again["metadata"] == {"graph_id": "echo"}  # not updated
    assert again["created_at"] == first["created_at"] and again["updated_at"] > first["updated_at"]


def test_a_raise_with_supersteps_on_an_existing_thread_changes_nothing(
    raw: httpx2.Client, fake: FakeAgentServer
) -> None:
    thread_id = str(uuid.uuid4())
    raw.post("/threads", json={"thread_id": thread_id, "metadata": {"graph_id": "echo"}, "supersteps": [HI]})
    answer = raw.post(
        "/threads", json={"thread_id": thread_id, "metadata": {"graph_id": "echo"}, "supersteps": [THERE]}
    )
    assert answer.status_code == 409
    state = fake.state(thread_id)
    assert state is not None and state["values"] == {"messages": ["hi"], "count": 1}


def test_a_command_update_is_applied_and_as_node_sets_what_runs_next(raw: httpx2.Client, fake: FakeAgentServer) -> None:
    update = {"as_node": "__start__", "command": {"update": {"messages": ["c"], "count": 7}, "goto": "step"}}
    answer = raw.post("/threads", json={"metadata": {"graph_id": "echo"}, "supersteps": [{"updates": [update]}]}).json()
    assert answer["values"] == {"messages": ["c"], "count": 7}
    assert answer["status"] == "interrupted"
    state = fake.state(answer["thread_id"])
    assert state is not None and state["next"] == ["start"]


def test_a_key_that_is_not_a_list_takes_one_value_per_superstep(raw: httpx2.Client) -> None:
    updates = [
        {"as_node": "start", "values": {"messages": ["a"], "count": 1}},
        {"as_node": "step", "values": {"count": 2}},
    ]
    answer = raw.post("/threads", json={"metadata": {"graph_id": "echo"}, "supersteps": [{"updates": updates}]})
    assert answer.status_code == 400
    assert detail(answer).startswith("At key 'count': Can receive only one value per step.")
    lists = [{"as_node": "start", "values": {"messages": ["a"]}}, {"as_node": "start", "values": {"messages": ["b"]}}]
    answer = raw.post("/threads", json={"metadata": {"graph_id": "echo"}, "supersteps": [{"updates": lists}]})
    assert answer.json()["values"] == {"messages": ["a", "b"]}
