"""Bad arguments raise ValueError/TypeError naming the argument, before anything is sent."""

from __future__ import annotations

import datetime
import json
import math
import uuid
from typing import Any

import pytest

from langsmith_threads_client import Command, Send, ThreadCreateTTL, ThreadSuperstepUpdate
from langsmith_threads_client._call import plan_create
from langsmith_threads_client._config import CreateArgs
from langsmith_threads_client._validation import SDK_FIELDS, check_create
from langsmith_threads_client.types import ThreadCreateSuperstepsItem
from tests.unit.conftest import DriverFactory
from tests.unit.mock_server import MockServer
from tests.unit.mocks import sent_json, thread_answer

INVALID: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"thread_id": "not-a-uuid"}, ValueError, "thread_id"),
    ({"thread_id": 42}, TypeError, "thread_id"),
    ({"thread_id": ""}, ValueError, "thread_id"),
    ({"if_exists": "replace"}, ValueError, "if_exists"),
    ({"if_exists": None}, TypeError, "if_exists"),
    ({"metadata": ["a", 1]}, TypeError, "metadata"),
    ({"metadata": "user=u1"}, TypeError, "metadata"),
    ({"metadata": {1: "a"}}, TypeError, "metadata"),
    ({"metadata": {"when": datetime.datetime.now()}}, TypeError, "metadata"),
    ({"metadata": {"x": math.nan}}, ValueError, "metadata"),
    ({"metadata": {"a": {1: "x"}}}, TypeError, "metadata['a'] keys"),
    ({"metadata": {"a": [{"b": {None: 1}}]}}, TypeError, "metadata['a'][0]['b'] keys"),
    ({"metadata": {"a": [math.inf]}}, ValueError, "metadata['a'][0]"),
    ({"metadata": {"a": {1, 2}}}, TypeError, "metadata['a']"),
    ({"metadata": {"k": "x\ud800y"}}, ValueError, "metadata"),
    ({"graph_id": "x\ud800y"}, ValueError, "graph_id"),
    ({"supersteps": [{"updates": [{"as_node": "a", "values": {"n": {2: 1}}}]}]}, TypeError, "supersteps[0]"),
    ({"metadata": {"graph_id": "a"}, "graph_id": "b"}, ValueError, "graph_id"),
    ({"graph_id": 7}, TypeError, "graph_id"),
    ({"graph_id": ""}, ValueError, "graph_id"),
    ({"ttl": "5"}, TypeError, "ttl"),
    ({"ttl": True}, TypeError, "ttl"),
    ({"ttl": -1}, ValueError, "ttl"),
    ({"ttl": 0}, ValueError, "ttl"),
    ({"ttl": math.inf}, ValueError, "ttl"),
    ({"ttl": {"strategy": "forever", "ttl": 5}}, ValueError, "strategy"),
    ({"ttl": {"ttl": "5"}}, TypeError, "ttl"),
    ({"ttl": {"strategy": "delete"}}, ValueError, "ttl"),
    ({"ttl": {"ttl": 5, "minutes": 5}}, ValueError, "ttl"),
    ({"ttl": ThreadCreateTTL(ttl=math.nan)}, ValueError, "ttl"),
    ({"supersteps": {"updates": []}}, TypeError, "supersteps"),
    ({"supersteps": ["start"]}, TypeError, "supersteps[0]"),
    ({"supersteps": [{}]}, ValueError, "supersteps[0]"),
    ({"supersteps": [{"updates": {"as_node": "a"}}]}, TypeError, "supersteps[0]"),
    ({"supersteps": [{"updates": [{"values": {"a": 1}}]}]}, ValueError, "as_node"),
    ({"supersteps": [{"updates": [{"as_node": ""}]}]}, ValueError, "as_node"),
    ({"supersteps": [{"updates": [{"as_node": 3}]}]}, ValueError, "as_node"),
    ({"supersteps": [{"updates": [{"as_node": "a", "value": 1}]}]}, ValueError, "supersteps[0].updates[0]"),
    ({"supersteps": [{"updates": [{"as_node": "a", "values": "x"}]}]}, TypeError, "values"),
    ({"supersteps": [{"updates": [{"as_node": "a", "command": "go"}]}]}, TypeError, "command"),
    ({"supersteps": [{"updates": [{"as_node": "a", "values": {"x": {1, 2}}}]}]}, TypeError, "supersteps"),
    # What the real server's schema rejects with 422 (tests/integration/test_corrections.py).
    ({"supersteps": [{"updates": [{"as_node": "a", "command": {"update": "x"}}]}]}, TypeError, "['update']"),
    ({"supersteps": [{"updates": [{"as_node": "a", "command": {"update": 5}}]}]}, TypeError, "['update']"),
    ({"supersteps": [{"updates": [{"as_node": "a", "command": Command(update=True)}]}]}, TypeError, "['update']"),  # type: ignore[arg-type]
    (
        {"supersteps": [{"updates": [{"as_node": "a", "command": {"goto": ["a", {"node": "b", "input": 1}]}}]}]},
        ValueError,
        "['command']['goto'] mixes",
    ),
    (
        {"supersteps": [{"updates": [{"as_node": "a", "command": Command(goto=["a", Send(node="b", input_=1)])}]}]},
        ValueError,
        "['command']['goto'] mixes",
    ),
    ({"supersteps": [{"updates": [{"as_node": "a", "command": {"goto": 5}}]}]}, TypeError, "['goto']"),
    ({"supersteps": [{"updates": [{"as_node": "a", "command": {"goto": [5]}}]}]}, TypeError, "['goto']"),
    ({"extra_body": ["tenant"]}, TypeError, "extra_body"),
    ({"extra_body": {1: "x"}}, TypeError, "extra_body keys"),
    ({"extra_body": {"x": math.nan}}, ValueError, "extra_body['x']"),
    ({"extra_body": {"x": {"y": object()}}}, TypeError, "extra_body['x']['y']"),
    ({"extra_body": {"x": "a\ud800"}}, ValueError, "extra_body['x']"),
    (
        {"extra_body": {"ttl": 5}},
        ValueError,
        "extra_body['ttl'] is a field create_thread sends itself: pass it as the ttl=",
    ),
    ({"extra_body": {"thread_id": str(uuid.uuid4())}}, ValueError, "thread_id="),
    ({"extra_body": {"supersteps": []}}, ValueError, "supersteps="),
    ({"timeout": -1}, ValueError, "timeout"),
    ({"timeout": "1"}, TypeError, "timeout"),
    ({"headers": {"x-a": 1}}, TypeError, "headers"),
]


@pytest.mark.parametrize(  # ids the same in every process (xdist compares them): no object address, no uuid4
    ("arguments", "error", "named"),
    INVALID,
    ids=[f"{i}-{error.__name__}-{named}" for i, (_, error, named) in enumerate(INVALID)],
)
def test_bad_arguments_raise_naming_the_argument_and_send_nothing(
    make_client: DriverFactory,
    api: MockServer,
    arguments: dict[str, Any],
    error: type[Exception],
    named: str,
) -> None:
    route = api.post("/threads").mock(side_effect=thread_answer)
    with pytest.raises(error) as caught:
        make_client().create_thread(**arguments)
    assert named in str(caught.value)
    assert route.call_count == 0


def created_body(make_client: DriverFactory, api: MockServer, **arguments: Any) -> dict[str, Any]:
    api.post("/threads").mock(side_effect=thread_answer)
    make_client().create_thread(**arguments)
    return sent_json(api.calls.last.request)


def test_a_thread_id_in_any_uuid_spelling_is_sent_in_canonical_form(
    make_client: DriverFactory, api: MockServer
) -> None:
    thread_id = uuid.uuid4()
    body = created_body(make_client, api, thread_id=thread_id.hex.upper())
    assert body == {"thread_id": str(thread_id), "if_exists": "raise"}


def test_ttl_as_minutes_a_timedelta_a_mapping_or_the_model(make_client: DriverFactory, api: MockServer) -> None:
    expected = {"strategy": "delete", "ttl": 90.0}
    assert created_body(make_client, api, ttl=90)["ttl"] == expected
    assert created_body(make_client, api, ttl=datetime.timedelta(hours=1.5))["ttl"] == expected
    assert created_body(make_client, api, ttl={"ttl": 90})["ttl"] == expected
    keep = {"strategy": "keep_latest", "ttl": 5.0}
    assert created_body(make_client, api, ttl={"strategy": "keep_latest", "ttl": 5})["ttl"] == keep
    assert created_body(make_client, api, ttl=ThreadCreateTTL(ttl=5))["ttl"] == {"strategy": "delete", "ttl": 5.0}


def test_graph_id_is_merged_into_metadata(make_client: DriverFactory, api: MockServer) -> None:
    body = created_body(make_client, api, metadata={"user": "u1"}, graph_id="echo")
    assert body["metadata"] == {"user": "u1", "graph_id": "echo"}
    assert created_body(make_client, api, graph_id="echo")["metadata"] == {"graph_id": "echo"}


def test_supersteps_as_mappings_or_generated_models(make_client: DriverFactory, api: MockServer) -> None:
    as_mappings = [
        {"updates": [{"as_node": "start", "values": {"n": 1}}]},
        {"updates": [{"as_node": "step", "command": {"goto": ["a", "b"], "resume": None}}]},
        {"updates": [{"as_node": "step", "command": {"goto": [{"node": "b", "input": 1}], "update": [["n", 2]]}}]},
    ]
    as_models = [
        ThreadCreateSuperstepsItem(updates=[ThreadSuperstepUpdate.from_dict({"as_node": "start", "values": {"n": 1}})]),
        {"updates": [{"as_node": "step", "command": Command(goto=["a", "b"], resume=None)}]},
        {"updates": [{"as_node": "step", "command": Command(goto=[Send(node="b", input_=1)], update=[["n", 2]])}]},
    ]
    from_mappings = created_body(make_client, api, supersteps=as_mappings)["supersteps"]
    assert from_mappings == as_mappings
    assert created_body(make_client, api, supersteps=as_models)["supersteps"] == as_mappings


def test_empty_supersteps_send_none(make_client: DriverFactory, api: MockServer) -> None:
    body = created_body(make_client, api, supersteps=[], thread_id=uuid.uuid4())
    assert "supersteps" not in body


def test_unicode_metadata_is_sent_as_utf8_json(make_client: DriverFactory, api: MockServer) -> None:
    body = created_body(make_client, api, metadata={"name": "Zoë ☃", "nested": {"list": [1, 2.5, None, True]}})
    assert body["metadata"] == {"name": "Zoë ☃", "nested": {"list": [1, 2.5, None, True]}}


def test_extra_body_fields_are_sent_as_they_are_beside_the_sdks_own(
    make_client: DriverFactory, api: MockServer
) -> None:
    thread_id = uuid.uuid4()
    body = created_body(
        make_client, api, thread_id=thread_id, metadata={"a": 1}, extra_body={"tenant": "t1", "x": {"y": [1, None]}}
    )
    assert body == {
        "thread_id": str(thread_id),
        "metadata": {"a": 1},
        "if_exists": "raise",
        "tenant": "t1",
        "x": {"y": [1, None]},
    }


def test_extra_body_goes_into_the_recovery_request_too() -> None:
    # The request that fetches the thread a lost attempt created (SDK-assigned id, supersteps)
    # names the same thread the same way: a field newer than the SDK may scope the id.
    prepared = plan_create(
        check_create(CreateArgs(supersteps=[{"updates": [{"as_node": "a"}]}], extra_body={"tenant": "t1"}))
    )
    assert prepared.recover_content is not None
    assert json.loads(prepared.recover_content) == {
        "thread_id": str(prepared.thread_id),
        "if_exists": "do_nothing",
        "tenant": "t1",
    }
    assert json.loads(prepared.content)["tenant"] == "t1"


def test_the_fields_extra_body_may_not_set_are_the_generated_models_and_its_json_keys() -> None:
    # Derived from the generated ThreadCreate, so a regenerated model moves the check; its
    # python names are its JSON keys (a renamed key would slip past the check: this fails first).
    assert {"thread_id", "metadata", "if_exists", "ttl", "supersteps"} <= SDK_FIELDS
    full = plan_create(
        check_create(
            CreateArgs(thread_id=uuid.uuid4(), metadata={"a": 1}, ttl=5, supersteps=[{"updates": [{"as_node": "a"}]}])
        )
    )
    assert set(json.loads(full.content)) == SDK_FIELDS
