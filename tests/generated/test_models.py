"""The generated models, after corrections, parse what the real server sends."""

from __future__ import annotations

import datetime
import json
import uuid
from pathlib import Path
from typing import Any

import httpx2
import yaml

from langsmith_threads_client._generated import AuthenticatedClient, Client
from langsmith_threads_client._generated.api.threads import create_thread_threads_post as endpoint
from langsmith_threads_client._generated.models import (
    Command,
    ErrorResponse,
    Send,
    Thread,
    ThreadCreate,
    ThreadStatus,
    ThreadValues,
)
from langsmith_threads_client._generated.types import UNSET, Unset

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def real_body(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return body


def test_a_new_thread_from_the_real_server_parses() -> None:
    body = real_body("thread_created.json")
    assert body["values"] is None  # what the real server sends, and the spec forbids
    thread = Thread.from_dict(body)
    assert isinstance(thread.thread_id, uuid.UUID)
    assert str(thread.thread_id) == body["thread_id"]
    for moment in (thread.created_at, thread.updated_at, thread.state_updated_at):
        assert isinstance(moment, datetime.datetime)
        assert moment.utcoffset() == datetime.timedelta(0)
    assert thread.created_at.microsecond != 0 or body["created_at"].endswith(".000000+00:00")
    assert thread.values is None
    assert thread.interrupts is UNSET
    assert thread.status is ThreadStatus.IDLE
    assert thread.metadata.to_dict() == body["metadata"]


def test_a_thread_after_supersteps_keeps_keys_the_spec_does_not_list() -> None:
    body = real_body("thread_with_supersteps.json")
    thread = Thread.from_dict(body)
    assert "error" in body and "error" not in Thread.__annotations__
    assert thread.additional_properties == {"error": body["error"]}
    assert isinstance(thread.values, ThreadValues)
    assert thread.values.to_dict() == body["values"]


def test_to_dict_round_trips_real_bodies() -> None:
    for name in ("thread_created.json", "thread_with_supersteps.json"):
        body = real_body(name)
        assert Thread.from_dict(body).to_dict() == body


def test_values_is_an_object_null_or_absent_as_the_spec_allows() -> None:
    thread = Thread.from_dict(real_body("thread_with_supersteps.json"))
    # Typed ThreadValues | None | Unset; truthiness narrows it (Unset is falsy) under mypy --strict.
    assert thread.values
    assert thread.values.to_dict() == real_body("thread_with_supersteps.json")["values"]
    assert Thread.from_dict(real_body("thread_created.json")).values is None
    missing = real_body("thread_created.json")
    del missing["values"]
    absent = Thread.from_dict(missing)  # Aegra leaves the key out
    assert isinstance(absent.values, Unset) and not absent.values
    assert "values" not in absent.to_dict()


def test_null_interrupts_parse() -> None:
    body = {**real_body("thread_created.json"), "interrupts": None}
    assert Thread.from_dict(body).interrupts is None


def test_an_unknown_status_is_kept_not_raised() -> None:
    body = {**real_body("thread_created.json"), "status": "paused"}
    thread = Thread.from_dict(body)
    assert thread.status == "paused"
    assert isinstance(thread.status, ThreadStatus)
    assert thread.to_dict()["status"] == "paused"
    # The declared members stay what the spec lists: request-side validation relies on it.
    spec = yaml.safe_load((ROOT / "openapi" / "spec.yaml").read_text())
    assert {member.value for member in ThreadStatus} == set(
        spec["components"]["schemas"]["Thread"]["properties"]["status"]["enum"]
    )


def test_command_and_send_are_generated_and_goto_routes_each_item() -> None:
    goto_strings = Command.from_dict({"goto": ["a", "b"]})
    assert goto_strings.goto == ["a", "b"]
    mixed = Command(goto=["a", Send(node="n", input_={"x": 1})], resume=[1, "two"])
    assert mixed.to_dict() == {"goto": ["a", {"node": "n", "input": {"x": 1}}], "resume": [1, "two"]}
    assert Command.from_dict(mixed.to_dict()) == mixed


def test_supersteps_with_a_command_round_trip_through_thread_create() -> None:
    payload = {
        "thread_id": str(uuid.uuid4()),
        "supersteps": [{"updates": [{"as_node": "start", "values": {"a": 1}, "command": {"update": {"a": 2}}}]}],
    }
    assert ThreadCreate.from_dict(payload).to_dict() == payload


def test_the_undocumented_201_and_400_are_declared_so_their_detail_parses() -> None:
    client = Client(base_url="http://test")
    for status, name in ((201, "supersteps_no_graph_201.json"), (400, "unknown_node_400.json")):
        response = httpx2.Response(status, json=real_body(name))
        parsed = endpoint.parse_response(client=client, response=response)
        assert isinstance(parsed, ErrorResponse)
        assert parsed.detail == real_body(name)["detail"]


def test_generated_clients_do_not_show_credentials_in_repr() -> None:
    client = AuthenticatedClient(base_url="http://test", token="sk-secret-token", headers={"x-api-key": "sk-other"})
    assert "sk-secret-token" not in repr(client)
    assert "sk-other" not in repr(client)


def test_the_generated_package_says_it_is_not_edited_by_hand() -> None:
    package = Path(endpoint.__file__).resolve().parents[2]
    assert "DO NOT EDIT" in (package / "__init__.py").read_text()
    assert "do not edit" in (package / "README.md").read_text()
