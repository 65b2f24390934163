"""The probe's requests as a table (``probe.py`` runs it): one entry per key of its output.

* :class:`Case` is one ``POST /threads``: a JSON ``body``, a ``raw`` body, or no body
  (neither), with ``headers``; its ``reads`` are made right after it and stored in its entry.
* :class:`Read` on its own is a top-level entry: what the read returns, stored as is.

Strings in a body or in a read's ``arg`` may name thread ids, filled in per run:

* ``{id:NAME}``: a fresh uuid4, the same one for every use of NAME in the run; a spelling
  after ``|`` writes it otherwise: ``{id:NAME|upper}``, ``|hex``, ``|urn``, ``|braces``;
* ``{thread_id}`` / ``{thread_id:CASE}``: the ``thread_id`` in the response of this case / of CASE;
* ``{detail_id}``: the thread id in the second word of this case's ``detail`` ("Thread <id> was
  created, but ..."); a read that needs it is skipped when the response has no ``detail``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scripts.agent_server.server import GRAPH_ID, AgentServer

__all__ = ["CASES", "Case", "Read"]


@dataclass(frozen=True)
class Read:
    """``fetch(server, arg)`` with ``arg``'s ids filled in; its result (or error) is stored under ``key``."""

    key: str
    fetch: Callable[[AgentServer, Any], Any]
    arg: Any = None


@dataclass(frozen=True)
class Case:
    """One ``POST /threads``; the entry is ``{request, status, headers, body}`` plus one key per read."""

    name: str
    body: Any = None  # JSON; None with raw None means no body (JSON null is raw="null")
    raw: str | bytes | None = None
    headers: Mapping[str, str] | None = None
    reads: tuple[Read, ...] = field(default=())


# --------------------------------------------------------------------------- reads
def state(server: AgentServer, thread_id: str) -> Any:
    return server.get_state(thread_id)


def thread(server: AgentServer, thread_id: str) -> Any:
    return server.get_thread(thread_id)


def thread_with_ttl(server: AgentServer, thread_id: str) -> Any:
    return server.get_thread(thread_id, include_ttl=True)


def get_status(server: AgentServer, thread_id: str) -> int:
    """The status of ``GET /threads/{id}``, with the id as written (no normalising)."""
    return server.http.get(f"/threads/{thread_id}").status_code


def get_json(server: AgentServer, thread_id: str) -> Any:
    """The body of ``GET /threads/{id}`` whatever the status (a 404's ``detail``)."""
    return server.http.get(f"/threads/{thread_id}").json()


def uuid_version(server: AgentServer, thread_id: str) -> int | None:
    """Not a request: the version of a uuid the server generated."""
    return uuid.UUID(thread_id).version


def search_headers(server: AgentServer, limit: int) -> dict[str, str]:
    return dict(server.http.post("/threads/search", json={"limit": limit}).headers)


def search_status(server: AgentServer, limit: int) -> dict[str, int]:
    return {"status": server.http.post("/threads/search", json={"limit": limit}).status_code}


# --------------------------------------------------------------------------- the table
JSON = {"content-type": "application/json"}
GRAPH = {"graph_id": GRAPH_ID}
OK_STEP = [{"updates": [{"values": {"messages": ["hi"], "count": 1}, "as_node": "start"}]}]
TWO_STEPS = [*OK_STEP, {"updates": [{"values": {"messages": ["there"], "count": 2}, "as_node": "step"}]}]


def steps(values: Any, as_node: str | None = "start") -> list[dict[str, Any]]:
    """One superstep of one update (no ``as_node`` key when None)."""
    update = {"values": values} if as_node is None else {"values": values, "as_node": as_node}
    return [{"updates": [update]}]


# The same request sent twice: a retry after a lost response.
_RETRIED = {"thread_id": "{id:retried}", "if_exists": "do_nothing", "metadata": GRAPH, "supersteps": OK_STEP}

# fmt: off
CASES: tuple[Case | Read, ...] = (
    # --- rows of the contract's table
    Case("empty_object", {}),
    Case("metadata_a1", {"metadata": {"a": 1}}),
    Case("metadata_user_u1", {"metadata": {"user": "u1"}}),
    Case("supersteps_ok_one_step", {"metadata": GRAPH, "supersteps": OK_STEP},
         reads=(Read("state", state, "{thread_id}"),)),
    Case("supersteps_ok_two_steps", {"metadata": GRAPH, "supersteps": TWO_STEPS},
         reads=(Read("state", state, "{thread_id}"),)),
    Case("dup_first", {"thread_id": "{id:dup}", "metadata": {"v": 1}}),
    Case("dup_second_raise", {"thread_id": "{id:dup}", "metadata": {"v": 2}}),
    Case("dup_second_explicit_raise", {"thread_id": "{id:dup}", "if_exists": "raise"}),
    Case("dup_do_nothing_other_metadata", {"thread_id": "{id:dup}", "metadata": {"v": 3}, "if_exists": "do_nothing"}),
    Case("dup_do_nothing_with_supersteps",
         {"thread_id": "{id:dup}", "if_exists": "do_nothing", "metadata": GRAPH, "supersteps": OK_STEP}),
    Read("dup_get_after", thread, "{id:dup}"),
    Case("do_nothing_new_id", {"thread_id": "{id:new}", "if_exists": "do_nothing", "metadata": {"n": 1}}),
    # --- 422s
    Case("bad_thread_id", {"thread_id": "not-a-uuid"}),
    Case("bad_thread_id_int", {"thread_id": 123}),
    Case("bad_thread_id_null", {"thread_id": None}),
    Case("bad_if_exists", {"if_exists": "bogus"}),
    Case("bad_if_exists_null", {"if_exists": None}),
    Case("bad_metadata_string", {"metadata": "x"}),
    Case("bad_metadata_list", {"metadata": [1, 2]}),
    Case("bad_metadata_null", {"metadata": None}),
    Case("bad_ttl_ttl_string", {"ttl": {"strategy": "delete", "ttl": "five"}}),
    Case("bad_ttl_bare_number", {"ttl": 5}),
    Case("bad_ttl_strategy", {"ttl": {"strategy": "bogus", "ttl": 5}}),
    Case("ttl_null", {"ttl": None}),
    Case("ttl_empty_object", {"ttl": {}}),
    Case("ttl_strategy_only", {"ttl": {"strategy": "delete"}}),
    Case("ttl_number_only", {"ttl": {"ttl": 5}}),
    Case("ttl_negative", {"ttl": {"strategy": "delete", "ttl": -1}}),
    Case("bad_missing_as_node", {"metadata": GRAPH, "supersteps": steps({"count": 1}, as_node=None)}),
    Case("bad_missing_updates", {"metadata": GRAPH, "supersteps": [{}]}),
    Case("bad_supersteps_not_list", {"supersteps": {"updates": []}}),
    Case("supersteps_null", {"supersteps": None}),
    Case("supersteps_empty_list", {"supersteps": []}),
    Case("supersteps_empty_updates", {"thread_id": "{id:empty}", "metadata": GRAPH, "supersteps": [{"updates": []}]},
         reads=(Read("thread_after", thread, "{id:empty}"),)),
    Case("bad_non_json", raw="this is not json", headers=JSON),
    Case("bad_truncated_json", raw='{"metadata": {', headers=JSON),
    Case("no_body", headers=JSON),
    Case("empty_body", raw=b"", headers=JSON),
    Case("json_array_body", raw="[]", headers=JSON),
    Case("json_null_body", raw="null", headers=JSON),
    Case("text_plain_content_type", raw='{"metadata": {"ct": "text"}}', headers={"content-type": "text/plain"}),
    Case("unknown_top_level_key", {"metadata": {"k": 1}, "foo": "bar"}),
    # --- 201 / 400
    Case("supersteps_no_graph_id", {"metadata": {"user": "u1"}, "supersteps": OK_STEP},
         reads=(Read("thread_after", thread, "{detail_id}"),)),
    Case("supersteps_unknown_graph", {"metadata": {"graph_id": "nope"}, "supersteps": OK_STEP},
         reads=(Read("thread_after", thread, "{detail_id}"),)),
    Case("supersteps_unknown_node",
         {"thread_id": "{id:node}", "metadata": GRAPH, "supersteps": steps({"count": 1}, as_node="nope")},
         reads=(Read("thread_after", thread, "{id:node}"),)),
    Case("supersteps_second_step_unknown_node",
         {"thread_id": "{id:node2}", "metadata": GRAPH,
          "supersteps": [*OK_STEP, *steps({"count": 5}, as_node="nope")]},
         reads=(Read("thread_after", thread, "{id:node2}"), Read("state", state, "{id:node2}"))),
    # if_exists=do_nothing + supersteps on an existing thread that has a graph_id
    Case("existing_with_graph", {"thread_id": "{id:graph}", "metadata": GRAPH, "supersteps": OK_STEP}),
    Case("existing_with_graph_do_nothing_supersteps",
         {"thread_id": "{id:graph}", "if_exists": "do_nothing", "metadata": {**GRAPH, "x": 1},
          "supersteps": steps({"messages": ["again"], "count": 9})},
         reads=(Read("state", state, "{id:graph}"),)),
    Case("existing_with_graph_raise_supersteps",
         {"thread_id": "{id:graph}", "metadata": GRAPH, "supersteps": steps({"messages": ["third"], "count": 10})},
         reads=(Read("state", state, "{id:graph}"),)),
    # a retried request with if_exists=do_nothing + supersteps (lost response)
    Case("do_nothing_supersteps_attempt1", _RETRIED),
    Case("do_nothing_supersteps_attempt2", _RETRIED, reads=(Read("state", state, "{id:retried}"),)),
    Read("do_nothing_supersteps_get_thread", thread, "{id:retried}"),
    Case("supersteps_unknown_state_key", {"metadata": GRAPH, "supersteps": steps({"zzz": 1})}),
    Case("supersteps_values_null", {"metadata": GRAPH, "supersteps": steps(None)}),
    # --- thread_id spellings
    Case("thread_id_upper", {"thread_id": "{id:upper|upper}"}),
    Read("thread_id_upper_get_lower", thread, "{id:upper}"),
    Read("thread_id_upper_get_upper", get_status, "{id:upper|upper}"),
    Case("thread_id_upper_again_lower", {"thread_id": "{id:upper}"}),
    Case("thread_id_hex_no_dashes", {"thread_id": "{id:hex|hex}"}),
    Case("thread_id_braces", {"thread_id": "{id:braces|braces}"}),
    Case("thread_id_urn", {"thread_id": "{id:urn|urn}"}),
    Case("thread_id_nil", {"thread_id": "00000000-0000-0000-0000-000000000000"}),
    Case("thread_id_surrounding_spaces", {"thread_id": " {id:spaces} "}),
    # --- ttl
    Case("ttl_delete_5", {"thread_id": "{id:ttl}", "ttl": {"strategy": "delete", "ttl": 5}}),
    Read("ttl_delete_5_get", thread, "{id:ttl}"),
    Read("ttl_delete_5_get_include_ttl", thread_with_ttl, "{id:ttl}"),
    Case("ttl_keep_latest_5", {"thread_id": "{id:ttl_keep}", "ttl": {"strategy": "keep_latest", "ttl": 5}}),
    Read("ttl_keep_latest_5_get_include_ttl", thread_with_ttl, "{id:ttl_keep}"),
    Case("ttl_float", {"ttl": {"strategy": "delete", "ttl": 0.5}}),
    # --- no thread_id -> the version of the uuid the server generates
    Case("no_thread_id", {"metadata": {"which": "no_id"}}, reads=(Read("uuid_version", uuid_version, "{thread_id}"),)),
    # --- request id header round trip
    Case("with_x_request_id", {"metadata": {}}, headers={"x-request-id": "req-abc-123"}),
    # --- GET /threads/{id} for an existing plain thread and a missing one; search limits
    Case("for_get", {"metadata": {"user": "g1"}}),
    Read("get_thread_plain", thread, "{thread_id:for_get}"),
    Read("get_thread_missing", get_json, "{id:missing}"),
    Read("search_headers", search_headers, 2),
    Read("search_limit_0", search_status, 0),
    Read("search_limit_1001", search_status, 1001),
)
# fmt: on
