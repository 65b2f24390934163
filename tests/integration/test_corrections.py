"""The real-server evidence each correction in openapi/corrections.json rests on.

Each correction names one of these tests (or one in test_create_thread.py) as its
`evidence`; tests/generated/test_spec_bundle.py checks that every named test exists. For a
response-side correction the test shows the behaviour it declares; for a request-side one,
that the server accepts what the SDK sends and rejects (422) what the SDK rejects before
sending. Raw requests go through ``dev_server.post_threads_raw`` (plain HTTP), never the SDK.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.agent_server.kinds import KINDS
from scripts.agent_server.server import AgentServer
from scripts.agent_server.venvs import pinned_versions
from tests.support.driver import Driver
from tests.support.graph import GRAPH_ID, HI

ROOT = Path(__file__).resolve().parents[2]


def corrections() -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = json.loads((ROOT / "openapi" / "corrections.json").read_text())
    return operations


def with_command(command: dict[str, Any]) -> dict[str, Any]:
    """A create body whose one superstep carries this command, on the echo graph."""
    return {
        "thread_id": str(uuid.uuid4()),
        "metadata": {"graph_id": GRAPH_ID},
        "supersteps": [{"updates": [{"as_node": "start", "command": command}]}],
    }


def server_rejects(dev_server: AgentServer, body: dict[str, Any]) -> bool:
    """422 from the server's own schema check; anything else means the schema let it through."""
    response = dev_server.post_threads_raw(body)
    assert response.status_code != 500 or "anyOf" not in response.text
    return response.status_code == 422 and "is not valid under any of the schemas" in response.json()["detail"]


def test_the_pinned_server_is_the_one_the_corrections_were_checked_against() -> None:
    # Read by this test, so bumping a kind's pins without re-checking the corrections fails here.
    [record] = [op for op in corrections() if op["path"] == "/info/x-corrections-checked-against"]
    assert set(record["value"]) == set(KINDS)
    for kind, versions in record["value"].items():
        assert pinned_versions(KINDS[kind].pins, tuple(versions)) == versions, kind


def test_every_thread_the_server_returns_has_values_null_until_state_is_set(dev_server: AgentServer) -> None:
    # Thread.values is required (and nullable) because every answer carries the key, in
    # every scenario that returns a thread: new, with metadata, do_nothing on an existing
    # one, supersteps that interrupt and that run to the end.
    thread_id = str(uuid.uuid4())
    bodies: list[tuple[dict[str, Any], bool]] = [
        ({}, False),
        ({"metadata": {"a": 1}, "ttl": {"ttl": 5}}, False),
        ({"thread_id": thread_id}, False),
        ({"thread_id": thread_id, "if_exists": "do_nothing"}, False),
        ({"metadata": {"graph_id": GRAPH_ID}, "supersteps": [HI]}, True),
        (
            {
                "metadata": {"graph_id": GRAPH_ID},
                "supersteps": [HI, {"updates": [{"values": {"count": 2}, "as_node": "step"}]}],
            },
            True,
        ),
    ]
    for body, has_state in bodies:
        response = dev_server.post_threads_raw(body)
        assert response.status_code == 200, response.text
        thread = response.json()
        assert "values" in thread, f"{body} -> {thread}"
        assert (thread["values"] is not None) is has_state
        if has_state:
            assert isinstance(thread["values"], dict)


def test_interrupts_is_absent_for_a_new_thread_and_an_object_after_supersteps(dev_server: AgentServer) -> None:
    # Why interrupts stays optional (unlike values): the server leaves the key out.
    plain = dev_server.post_threads_raw({}).json()
    assert "interrupts" not in plain
    stepped = dev_server.post_threads_raw({"metadata": {"graph_id": GRAPH_ID}, "supersteps": [HI]}).json()
    assert stepped["interrupts"] == {}


ACCEPTED_UPDATES = [{"count": 2}, [["count", 3]], [], None]
REJECTED_UPDATES = ["x", 5, True]


@pytest.mark.parametrize("update", ACCEPTED_UPDATES, ids=repr)
def test_command_update_is_an_object_a_list_or_null_as_the_server_validates(
    sdk: Driver, dev_server: AgentServer, update: Any
) -> None:
    # goto is set: a command without one crashes this server (500) whatever its update.
    command = {"update": update, "goto": "step"}
    assert not server_rejects(dev_server, with_command(command))
    thread = sdk.create_thread(graph_id=GRAPH_ID, supersteps=[{"updates": [{"as_node": "start", "command": command}]}])
    assert thread.values is not None


@pytest.mark.parametrize("update", REJECTED_UPDATES, ids=repr)
def test_command_update_the_server_rejects_the_sdk_rejects_before_sending(
    sdk: Driver, dev_server: AgentServer, update: Any
) -> None:
    command = {"update": update, "goto": "step"}
    assert server_rejects(dev_server, with_command(command))
    wire = sdk.intercepted(None)
    with pytest.raises(TypeError, match=r"supersteps\[0\]\.updates\[0\]\['command'\]\['update'\]"):
        wire.create_thread(graph_id=GRAPH_ID, supersteps=[{"updates": [{"as_node": "start", "command": command}]}])
    assert wire.sent == []


ANY_JSON = ["x", 5, 2.5, True, None, [1, "two"], {"a": 1}]


@pytest.mark.parametrize("value", ANY_JSON, ids=repr)
def test_command_resume_and_send_input_take_any_json_value(sdk: Driver, dev_server: AgentServer, value: Any) -> None:
    for command in ({"resume": value, "goto": "step"}, {"goto": {"node": "step", "input": value}}):
        assert not server_rejects(dev_server, with_command(command))
        wire = sdk.intercepted(None)
        wire.create_thread(graph_id=GRAPH_ID, supersteps=[{"updates": [{"as_node": "start", "command": command}]}])
        [sent] = wire.sent
        assert sent["supersteps"][0]["updates"][0]["command"] == command


SEND = {"node": "step", "input": {}}


@pytest.mark.parametrize(
    "goto",
    ["step", ["step", "start"], SEND, [SEND, {"node": "step", "input": 1}]],
    ids=["str", "strs", "send", "sends"],
)
def test_goto_takes_a_name_a_send_or_a_list_of_one_kind(sdk: Driver, dev_server: AgentServer, goto: Any) -> None:
    command = {"goto": goto}
    assert not server_rejects(dev_server, with_command(command))
    wire = sdk.intercepted(None)
    wire.create_thread(graph_id=GRAPH_ID, supersteps=[{"updates": [{"as_node": "start", "command": command}]}])
    [sent] = wire.sent
    assert sent["supersteps"][0]["updates"][0]["command"] == command  # ["a", "b"] stays a list of names


@pytest.mark.parametrize(
    ("goto", "error"), [(["step", SEND], ValueError), (5, TypeError), ([5], TypeError)], ids=["mixed", "int", "ints"]
)
def test_goto_the_server_rejects_the_sdk_rejects_before_sending(
    sdk: Driver, dev_server: AgentServer, goto: Any, error: type[Exception]
) -> None:
    command = {"goto": goto}
    assert server_rejects(dev_server, with_command(command))
    wire = sdk.intercepted(None)
    with pytest.raises(error, match=r"\['goto'\]"):
        wire.create_thread(graph_id=GRAPH_ID, supersteps=[{"updates": [{"as_node": "start", "command": command}]}])
    assert wire.sent == []


def test_extra_body_sends_a_field_the_sdk_does_not_know_and_this_server_ignores_it(
    sdk: Driver, dev_server: AgentServer, marker: dict[str, str]
) -> None:
    # A field newer than the SDK goes out as it is; this server (no additionalProperties: false
    # on ThreadCreate) accepts the body and ignores a field it does not know: 200, not stored.
    wire = sdk.intercepted(None)
    thread = wire.create_thread(metadata=marker, extra_body={"tenant": "t1", "x": {"y": [1]}})
    [sent] = wire.sent
    assert sent["tenant"] == "t1"
    assert sent["x"] == {"y": [1]}
    assert thread.additional_properties == {}
    stored = dev_server.get_thread(thread.thread_id)
    assert stored is not None
    assert "tenant" not in stored
    assert stored["metadata"] == marker


def test_extra_body_cannot_override_a_field_the_sdk_sends(sdk: Driver) -> None:
    with pytest.raises(ValueError, match=r"extra_body\['if_exists'\].*if_exists="):
        sdk.create_thread(extra_body={"if_exists": "do_nothing"})


def test_a_command_the_sdk_sends_reaches_the_graph(sdk: Driver, dev_server: AgentServer) -> None:
    # A command end to end: the update is applied and goto runs the node it names.
    thread = sdk.create_thread(
        graph_id=GRAPH_ID,
        supersteps=[{"updates": [{"as_node": "start", "command": {"update": {"count": 5}, "goto": "step"}}]}],
    )
    state = dev_server.get_state(thread.thread_id)
    assert state["values"]["count"] == 5
    assert state["next"] == ["step"]


def test_the_bundled_spec_is_what_the_pinned_server_publishes(dev_server: AgentServer) -> None:
    """POST /threads and every schema it reaches: openapi/spec.yaml against the server's GET /openapi.json."""
    from scripts import _spec

    response = dev_server.http.get("/openapi.json")
    assert response.status_code == 200
    published = _spec.operation_and_schemas(response.json())
    bundled = _spec.operation_and_schemas(yaml.safe_load((ROOT / "openapi" / "spec.yaml").read_text()))
    diff = _spec.readable_diff(bundled, published, "openapi/spec.yaml", f"{dev_server.base_url}/openapi.json")
    assert not diff, (
        "the pinned server publishes another POST /threads than the bundled spec; import it with "
        f"scripts/update-spec {dev_server.base_url}/openapi.json (while a server runs), then review:\n{diff}"
    )
