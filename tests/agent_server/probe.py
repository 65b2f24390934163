"""Probe the real server's POST /threads behaviour (the data behind OBSERVED.md).

    python -m tests.agent_server.probe [--runs N] > observed.json

Starts fresh AgentServers (N times, for startup timing and memory), then sends
every request listed in the contract's table of the dev server's behaviour plus the extra cases
OBSERVED.md reports, and prints one JSON document: per case, the request, the
status, the response headers and the body.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.agent_server.server import GRAPH_ID, AgentServer

OK_STEP = [{"updates": [{"values": {"messages": ["hi"], "count": 1}, "as_node": "start"}]}]
TWO_STEPS = [
    {"updates": [{"values": {"messages": ["hi"], "count": 1}, "as_node": "start"}]},
    {"updates": [{"values": {"messages": ["there"], "count": 2}, "as_node": "step"}]},
]
_NO_BODY = object()


def _body(r: Any) -> Any:
    try:
        return r.json()
    except ValueError:
        return r.text


def probe(server: AgentServer) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def post(
        name: str, body: Any = _NO_BODY, *, raw: bytes | str | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        if raw is not None:
            r = server.http.post("/threads", content=raw, headers=headers or {})
            req: Any = {"raw": raw if isinstance(raw, str) else raw.decode(), "headers": headers}
        elif body is _NO_BODY:
            r = server.http.post("/threads", headers=headers or {})
            req = {"no_body": True, "headers": headers}
        else:
            r = server.http.post("/threads", json=body, headers=headers or {})
            req = body
        out[name] = {
            "request": req,
            "status": r.status_code,
            "headers": dict(r.headers),
            "body": _body(r),
        }
        return out[name]["body"]

    # --- rows of the contract's table
    post("empty_object", {})
    post("metadata_a1", {"metadata": {"a": 1}})
    post("metadata_user_u1", {"metadata": {"user": "u1"}})
    b = post("supersteps_ok_one_step", {"metadata": {"graph_id": GRAPH_ID}, "supersteps": OK_STEP})
    out["supersteps_ok_one_step"]["state"] = server.get_state(b["thread_id"])
    b = post("supersteps_ok_two_steps", {"metadata": {"graph_id": GRAPH_ID}, "supersteps": TWO_STEPS})
    out["supersteps_ok_two_steps"]["state"] = server.get_state(b["thread_id"])

    tid = str(uuid.uuid4())
    post("dup_first", {"thread_id": tid, "metadata": {"v": 1}})
    post("dup_second_raise", {"thread_id": tid, "metadata": {"v": 2}})
    post("dup_second_explicit_raise", {"thread_id": tid, "if_exists": "raise"})
    post("dup_do_nothing_other_metadata", {"thread_id": tid, "metadata": {"v": 3}, "if_exists": "do_nothing"})
    post(
        "dup_do_nothing_with_supersteps",
        {
            "thread_id": tid,
            "if_exists": "do_nothing",
            "metadata": {"graph_id": GRAPH_ID},
            "supersteps": OK_STEP,
        },
    )
    out["dup_get_after"] = server.get_thread(tid)
    new_tid = str(uuid.uuid4())
    post("do_nothing_new_id", {"thread_id": new_tid, "if_exists": "do_nothing", "metadata": {"n": 1}})

    # 422s
    post("bad_thread_id", {"thread_id": "not-a-uuid"})
    post("bad_thread_id_int", {"thread_id": 123})
    post("bad_thread_id_null", {"thread_id": None})
    post("bad_if_exists", {"if_exists": "bogus"})
    post("bad_if_exists_null", {"if_exists": None})
    post("bad_metadata_string", {"metadata": "x"})
    post("bad_metadata_list", {"metadata": [1, 2]})
    post("bad_metadata_null", {"metadata": None})
    post("bad_ttl_ttl_string", {"ttl": {"strategy": "delete", "ttl": "five"}})
    post("bad_ttl_bare_number", {"ttl": 5})
    post("bad_ttl_strategy", {"ttl": {"strategy": "bogus", "ttl": 5}})
    post("ttl_null", {"ttl": None})
    post("ttl_empty_object", {"ttl": {}})
    post("ttl_strategy_only", {"ttl": {"strategy": "delete"}})
    post("ttl_number_only", {"ttl": {"ttl": 5}})
    post("ttl_negative", {"ttl": {"strategy": "delete", "ttl": -1}})
    post(
        "bad_missing_as_node",
        {"metadata": {"graph_id": GRAPH_ID}, "supersteps": [{"updates": [{"values": {"count": 1}}]}]},
    )
    post("bad_missing_updates", {"metadata": {"graph_id": GRAPH_ID}, "supersteps": [{}]})
    post("bad_supersteps_not_list", {"supersteps": {"updates": []}})
    post("supersteps_null", {"supersteps": None})
    post("supersteps_empty_list", {"supersteps": []})
    t = str(uuid.uuid4())
    post(
        "supersteps_empty_updates",
        {"thread_id": t, "metadata": {"graph_id": GRAPH_ID}, "supersteps": [{"updates": []}]},
    )
    out["supersteps_empty_updates"]["thread_after"] = server.get_thread(t)
    post("bad_non_json", raw="this is not json", headers={"content-type": "application/json"})
    post("bad_truncated_json", raw='{"metadata": {', headers={"content-type": "application/json"})
    post("no_body", headers={"content-type": "application/json"})
    post("empty_body", raw=b"", headers={"content-type": "application/json"})
    post("json_array_body", raw="[]", headers={"content-type": "application/json"})
    post("json_null_body", raw="null", headers={"content-type": "application/json"})
    post("text_plain_content_type", raw='{"metadata": {"ct": "text"}}', headers={"content-type": "text/plain"})
    post("unknown_top_level_key", {"metadata": {"k": 1}, "foo": "bar"})

    # 201 / 400
    b = post("supersteps_no_graph_id", {"metadata": {"user": "u1"}, "supersteps": OK_STEP})
    if isinstance(b, dict) and "detail" in b:
        t = b["detail"].split()[1]
        out["supersteps_no_graph_id"]["thread_after"] = server.get_thread(t)
    b = post("supersteps_unknown_graph", {"metadata": {"graph_id": "nope"}, "supersteps": OK_STEP})
    if isinstance(b, dict) and "detail" in b:
        t = b["detail"].split()[1]
        out["supersteps_unknown_graph"]["thread_after"] = server.get_thread(t)
    t = str(uuid.uuid4())
    post(
        "supersteps_unknown_node",
        {
            "thread_id": t,
            "metadata": {"graph_id": GRAPH_ID},
            "supersteps": [{"updates": [{"values": {"count": 1}, "as_node": "nope"}]}],
        },
    )
    out["supersteps_unknown_node"]["thread_after"] = server.get_thread(t)
    t = str(uuid.uuid4())
    post(
        "supersteps_second_step_unknown_node",
        {
            "thread_id": t,
            "metadata": {"graph_id": GRAPH_ID},
            "supersteps": [OK_STEP[0], {"updates": [{"values": {"count": 5}, "as_node": "nope"}]}],
        },
    )
    out["supersteps_second_step_unknown_node"]["thread_after"] = server.get_thread(t)
    out["supersteps_second_step_unknown_node"]["state"] = server.get_state(t)
    # if_exists=do_nothing + supersteps on an existing thread that has a graph_id
    t = str(uuid.uuid4())
    post("existing_with_graph", {"thread_id": t, "metadata": {"graph_id": GRAPH_ID}, "supersteps": OK_STEP})
    post(
        "existing_with_graph_do_nothing_supersteps",
        {
            "thread_id": t,
            "if_exists": "do_nothing",
            "metadata": {"graph_id": GRAPH_ID, "x": 1},
            "supersteps": [{"updates": [{"values": {"messages": ["again"], "count": 9}, "as_node": "start"}]}],
        },
    )
    out["existing_with_graph_do_nothing_supersteps"]["state"] = server.get_state(t)
    post(
        "existing_with_graph_raise_supersteps",
        {
            "thread_id": t,
            "metadata": {"graph_id": GRAPH_ID},
            "supersteps": [{"updates": [{"values": {"messages": ["third"], "count": 10}, "as_node": "start"}]}],
        },
    )
    out["existing_with_graph_raise_supersteps"]["state"] = server.get_state(t)
    # A retried request with if_exists=do_nothing + supersteps (lost response)
    t = str(uuid.uuid4())
    body = {"thread_id": t, "if_exists": "do_nothing", "metadata": {"graph_id": GRAPH_ID}, "supersteps": OK_STEP}
    post("do_nothing_supersteps_attempt1", body)
    post("do_nothing_supersteps_attempt2", body)
    out["do_nothing_supersteps_attempt2"]["state"] = server.get_state(t)
    out["do_nothing_supersteps_get_thread"] = server.get_thread(t)
    post(
        "supersteps_unknown_state_key",
        {"metadata": {"graph_id": GRAPH_ID}, "supersteps": [{"updates": [{"values": {"zzz": 1}, "as_node": "start"}]}]},
    )
    post(
        "supersteps_values_null",
        {
            "metadata": {"graph_id": GRAPH_ID},
            "supersteps": [{"updates": [{"values": None, "as_node": "start"}]}],
        },
    )

    # thread_id spellings
    base = uuid.uuid4()
    post("thread_id_upper", {"thread_id": str(base).upper()})
    out["thread_id_upper_get_lower"] = server.get_thread(str(base))
    out["thread_id_upper_get_upper"] = server.http.get(f"/threads/{str(base).upper()}").status_code
    post("thread_id_upper_again_lower", {"thread_id": str(base)})
    b2 = uuid.uuid4()
    post("thread_id_hex_no_dashes", {"thread_id": b2.hex})
    post("thread_id_braces", {"thread_id": "{" + str(uuid.uuid4()) + "}"})
    post("thread_id_urn", {"thread_id": uuid.uuid4().urn})
    post("thread_id_nil", {"thread_id": "00000000-0000-0000-0000-000000000000"})
    post("thread_id_surrounding_spaces", {"thread_id": " " + str(uuid.uuid4()) + " "})

    # ttl
    t = str(uuid.uuid4())
    post("ttl_delete_5", {"thread_id": t, "ttl": {"strategy": "delete", "ttl": 5}})
    out["ttl_delete_5_get"] = server.get_thread(t)
    out["ttl_delete_5_get_include_ttl"] = server.get_thread(t, include_ttl=True)
    t = str(uuid.uuid4())
    post("ttl_keep_latest_5", {"thread_id": t, "ttl": {"strategy": "keep_latest", "ttl": 5}})
    out["ttl_keep_latest_5_get_include_ttl"] = server.get_thread(t, include_ttl=True)
    post("ttl_float", {"ttl": {"strategy": "delete", "ttl": 0.5}})

    # no thread_id -> version
    b = post("no_thread_id", {"metadata": {"which": "no_id"}})
    out["no_thread_id"]["uuid_version"] = uuid.UUID(b["thread_id"]).version

    # request id header round trip
    post("with_x_request_id", {"metadata": {}}, headers={"x-request-id": "req-abc-123"})

    # GET /threads/{id} for an existing plain thread
    b = post("for_get", {"metadata": {"user": "g1"}})
    out["get_thread_plain"] = server.get_thread(b["thread_id"])
    out["get_thread_missing"] = server.http.get(f"/threads/{uuid.uuid4()}").json()
    r = server.http.post("/threads/search", json={"limit": 2})
    out["search_headers"] = dict(r.headers)
    out["search_limit_0"] = {"status": server.http.post("/threads/search", json={"limit": 0}).status_code}
    out["search_limit_1001"] = {"status": server.http.post("/threads/search", json={"limit": 1001}).status_code}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    timings: list[dict[str, float | None]] = []
    rss: list[int | None] = []
    for _ in range(max(0, args.runs - 1)):
        t0 = time.monotonic()
        with AgentServer() as s:
            startup = s.startup_seconds
            rss.append(s.rss_bytes())
        timings.append({"startup_seconds": startup, "start_stop_seconds": time.monotonic() - t0})
    with AgentServer() as s:
        rss_idle = s.rss_bytes()
        timings.append({"startup_seconds": s.startup_seconds})
        result = probe(s)
        rss_after = s.rss_bytes()
    print(
        json.dumps(
            {
                "timings": timings,
                "rss_idle_bytes": [*rss, rss_idle],
                "rss_after_probe_bytes": rss_after,
                "cases": result,
            },
            indent=2,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
