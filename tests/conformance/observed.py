"""What each server kind answers, as data: the conformance tests assert it, and the tables
in tests/agent_server/OBSERVED.md and the site's compatibility page are rendered from it (test_tables.py
fails when either file says otherwise), so the three cannot drift apart.

Where a kind behaves differently, its entry is that kind's observed answer; the SDK's
promise (a typed Thread or a typed error carrying the server's words, exactly one thread
per call) holds on every kind.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["KINDS", "Behaviour", "compatibility_table", "matrix_table"]

Presence = Literal["null", "absent", "set"]


@dataclass(frozen=True)
class Superstep:
    """What a create with supersteps gets: the SDK's result and what the server kept."""

    status: int | None  # the error status the SDK raises SuperstepsError for; None: a Thread is returned
    kept: bool  # the thread exists afterwards
    detail_in: str = ""  # words of the server's message (`.detail`), when it raised
    content_type: str = "application/json"


@dataclass(frozen=True)
class Behaviour:
    versions: str
    server_id_version: int  # the UUID version the server assigns when the request names no id
    new_values: Presence  # `values` of a new thread in the create answer
    metadata_added: dict[str, Any]  # keys the server adds to the metadata sent (when graph_id is not given)
    conflict_detail: str  # the 409's message, `{id}` for the thread id
    conflict_content_type: str
    applied_status: str  # `status` in the answer to a create whose supersteps apply
    applied_values: Presence  # `values` in that answer
    applies_supersteps: bool  # GET /threads/{id}/state has the supersteps' values
    no_graph: Superstep
    unknown_node: Superstep
    # Supersteps the server fails on (a string written to the echo graph's `messages`, a
    # list channel with a list reducer), as the server itself answers them:
    failing: Superstep
    half_applied: dict[str, Any]  # the state after [{messages: ["a"]}, {messages: "b"}], where kept
    validates: bool  # the server itself rejects a thread_id that is no UUID and an unknown if_exists
    invalid_id: tuple[int, str]  # the raw answer to thread_id "not-a-uuid-…": status, content type
    metadata_422: str  # `.detail` (its start) for metadata that is a list, sent past the SDK's check
    error_shape: str  # for the compatibility page's table
    notes: tuple[str, ...] = field(default=())


_ID_EXISTS = "Thread with ID {id} already exists"
_META_LIST = '[1] is not of type "object"'

KINDS: dict[str, Behaviour] = {
    "dev": Behaviour(
        versions="langgraph-api 0.16.7, in memory",
        server_id_version=7,
        new_values="null",
        metadata_added={},
        conflict_detail=_ID_EXISTS,
        conflict_content_type="application/json",
        applied_status="interrupted",
        applied_values="set",
        applies_supersteps=True,
        no_graph=Superstep(201, kept=True, detail_in="has no assigned graph ID"),
        unknown_node=Superstep(400, kept=True, detail_in="Node nosuch does not exist"),
        failing=Superstep(500, kept=True, detail_in="Internal Server Error", content_type="text/plain"),
        half_applied={"messages": ["a"]},
        validates=True,
        invalid_id=(422, "application/json"),
        metadata_422=_META_LIST,
        error_shape='`{"detail": "…"}`',
    ),
    "dev-0.4": Behaviour(
        versions="langgraph-api 0.4.48, in memory",
        server_id_version=4,
        new_values="null",
        metadata_added={},
        conflict_detail=_ID_EXISTS,
        conflict_content_type="text/plain",
        applied_status="idle",
        applied_values="set",
        applies_supersteps=True,
        no_graph=Superstep(201, kept=True, detail_in="has no assigned graph ID", content_type="text/plain"),
        unknown_node=Superstep(400, kept=True, detail_in="Node nosuch does not exist"),
        failing=Superstep(500, kept=True, detail_in="Internal Server Error", content_type="text/plain"),
        half_applied={"messages": ["a"]},
        validates=True,
        invalid_id=(422, "text/plain"),
        metadata_422=_META_LIST,
        error_shape='plain text (409, 201, bad id or JSON); `{"detail": "…"}` (schema 422s, 400)',
    ),
    "postgres": Behaviour(
        versions="langgraph-api 0.11.1, langgraph-runtime-pg 0.11.1.post1, Postgres + Redis",
        server_id_version=7,
        new_values="null",
        metadata_added={},
        conflict_detail="Thread {id} already exists",
        conflict_content_type="application/json",
        applied_status="idle",
        applied_values="null",
        applies_supersteps=True,
        no_graph=Superstep(201, kept=False, detail_in="has no assigned graph ID"),
        unknown_node=Superstep(400, kept=False, detail_in="Node nosuch does not exist"),
        failing=Superstep(500, kept=False, detail_in="Internal Server Error", content_type="text/plain"),
        half_applied={},
        validates=True,
        invalid_id=(422, "application/json"),
        metadata_422=_META_LIST,
        error_shape='`{"detail": "…"}`',
    ),
    "aegra": Behaviour(
        versions="aegra-api 0.11.0, FastAPI + Postgres",
        server_id_version=4,
        new_values="absent",
        metadata_added={"owner": "anonymous", "graph_id": None, "thread_name": "", "assistant_id": None},
        conflict_detail="Thread '{id}' already exists",
        conflict_content_type="application/json",
        applied_status="idle",
        applied_values="absent",
        applies_supersteps=False,
        no_graph=Superstep(None, kept=True),
        unknown_node=Superstep(None, kept=True),
        failing=Superstep(None, kept=True),
        half_applied={},
        validates=False,
        invalid_id=(200, "application/json"),
        metadata_422="body.metadata: Input should be a valid dictionary",
        error_shape='`{"error", "message"}` (409, 404); FastAPI `{"detail": [{"loc", "msg"}]}` (422)',
    ),
}


# The testing kit's fake answers as the dev kind: any difference fails a conformance test.
KINDS["fake"] = dataclasses.replace(
    KINDS["dev"], versions="`langsmith_threads_client.testing.FakeAgentServer`, in process"
)


def _values(presence: Presence) -> str:
    return {"null": "`null`", "absent": "absent", "set": "set"}[presence]


def _superstep(step: Superstep) -> str:
    if step.status is None:
        return "200, not applied (no error)"
    kept = "thread kept" if step.kept else "thread rolled back"
    plain = ", plain text" if step.content_type != "application/json" else ""
    return f"{step.status}{plain} → `SuperstepsError`, {kept}"


def _failing(b: Behaviour) -> str:
    if b.failing.status is None:
        return "200, not applied (no error)"
    half = json.dumps(b.half_applied)
    kept = f"thread kept, state `{half}` of two supersteps" if b.failing.kept else "thread rolled back"
    return f"{b.failing.status} `Internal Server Error` (plain text), {kept}"


def _failing_sdk(b: Behaviour) -> str:
    if b.failing.status is None:
        return "the thread (nothing applied)"
    if b.failing.kept:
        return "`SuperstepsOutcomeUnknownError` (retry: 409, then the fetch)"
    return "`InternalServerError` after its retries; no thread"


def _rows() -> list[tuple[str, dict[str, str]]]:
    k = KINDS
    return [
        ("versions", {n: b.versions for n, b in k.items()}),
        ("create `{}`: `values`", {n: _values(b.new_values) for n, b in k.items()}),
        ("id the server assigns (no `thread_id` sent; the SDK always sends one)",
         {n: f"UUID v{b.server_id_version}" for n, b in k.items()}),
        ("metadata", {n: "as sent" if not b.metadata_added else
                      "as sent, plus " + ", ".join(f"`{key}`" for key in b.metadata_added) for n, b in k.items()}),
        ("own `thread_id`", dict.fromkeys(k, "kept")),
        ("same id again: 409 message (`.detail`)",
         {n: f"`{b.conflict_detail}`" + (" (plain text)" if b.conflict_content_type != "application/json" else "")
          for n, b in k.items()}),
        ('`if_exists="do_nothing"`', dict.fromkeys(k, "the existing thread, unchanged")),
        ("supersteps on the graph: the answer",
         {n: f"`status` {b.applied_status}, `values` {_values(b.applied_values)}" for n, b in k.items()}),
        ("supersteps on the graph: the state",
         {n: "applied" if b.applies_supersteps else "**not applied** (accepted silently)" for n, b in k.items()}),
        ("supersteps, no `graph_id`", {n: _superstep(b.no_graph) for n, b in k.items()}),
        ("supersteps, a node the graph lacks", {n: _superstep(b.unknown_node) for n, b in k.items()}),
        ("supersteps the server fails on (a string to a list channel): the server's answer",
         {n: _failing(b) for n, b in k.items()}),
        ("supersteps the server fails on: what the SDK raises (no `thread_id` given)",
         {n: _failing_sdk(b) for n, b in k.items()}),
        ("acts then fails (the thread stored, then 500/502/504 or no answer), supersteps: the SDK",
         {n: "`SuperstepsOutcomeUnknownError` with `.thread`; " + ("applied once" if b.applies_supersteps else
             "nothing applied (the kind ignores supersteps)") for n, b in k.items()}),
        ("acts then fails, no supersteps: the SDK", dict.fromkeys(k, "the thread (the retry meets it)")),
        ("`ttl`", dict.fromkeys(k, "accepted; not echoed (nor with `?include=ttl`)")),
        ("`extra_body` field", dict.fromkeys(k, "ignored (200)")),
        ("`thread_id` not a UUID, unknown `if_exists` (sent raw)",
         {n: f"{b.invalid_id[0]}" + (" (plain text)" if b.invalid_id[1] != "application/json" else "")
          + ("" if b.validates else ", **stored as given**") for n, b in k.items()}),
        ("metadata a list (sent raw): 422 `.detail`", {n: f"`{b.metadata_422}…`" for n, b in k.items()}),
        ("bad input through the SDK", dict.fromkeys(k, "refused before sending (nothing reaches the server)")),
        ("exactly-once under lost responses, 5xx, resets, timeouts", dict.fromkeys(k, "holds")),
        ("4,000 calls (1,000 async, 2,000 aiohttp, 1,000 sync), 10 % faults", dict.fromkeys(k, "0 duplicates, 0 lost")),
    ]  # fmt: skip


def matrix_table() -> str:
    """OBSERVED.md's table: a row per scenario, a column per kind."""
    names = list(KINDS)
    lines = ["| scenario | " + " | ".join(f"`{n}`" for n in names) + " |", "| --- |" + " --- |" * len(names)]
    for scenario, cells in _rows():
        lines.append(f"| {scenario} | " + " | ".join(cells[n] for n in names) + " |")
    return "\n".join(lines)


def compatibility_table() -> str:
    """The compatibility page's table (docs/compatibility.md): a row per kind."""
    head = ("kind", "create", "own id", "`if_exists`", "supersteps applied", "supersteps the server fails on",
            "`ttl` kept", "server-side validation", "error body shape")  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name, b in KINDS.items():
        applied = "yes" if b.applies_supersteps else "**no** (accepted, ignored)"
        validation = "yes" if b.validates else "**no**: a bad `thread_id` or `if_exists` is stored as given"
        values = {"null": "`values: null`", "absent": "no `values` key", "set": "`values` set"}[b.new_values]
        cells = (f"`{name}` ({b.versions})", f"yes ({values})", "yes", "both", applied, _failing_sdk(b),
                 "not echoed", validation, b.error_shape)  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m tests.conformance.observed: the two tables, to paste
    print(matrix_table(), compatibility_table(), sep="\n\n")
