"""A server that acts and then fails, on every kind with every client.

The server stores the thread (and applies what it can of the supersteps), then the answer
the SDK gets says it failed, or it gets none: the fault proxy forwards the request and
answers 500/502/504 instead of the server, or loses the server's answer; or the server
itself fails on supersteps it cannot apply (a string written to the echo graph's
`messages`, a list channel with a list reducer) and answers 500 after storing the thread.

Each scenario asserts, per kind (tests/conformance/observed.py): what the call returned or
raised, how many threads exist, and, read back through the server, the state the
supersteps left. A call never returns a Thread whose supersteps did not run exactly once
(on Aegra, which ignores supersteps, never at all: its row in the README's table says so).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from langsmith_threads_client import (
    APIConnectionError,
    ConflictError,
    InternalServerError,
    SuperstepsError,
    SuperstepsOutcomeUnknownError,
    ThreadsClientError,
)
from scripts.agent_server.server import GRAPH_ID, AgentServer
from tests.conformance.matrix import cases
from tests.conformance.observed import Behaviour, Superstep
from tests.support.driver import create_once, new_marker
from tests.support.kinds import ClientKind
from tests.support.proxy import Fault, FaultProxy

F = Fault
APPLIED_ONCE = {"messages": ["hi"], "count": 1}
GOOD = [{"updates": [{"as_node": "start", "values": {"messages": ["hi"], "count": 1}}]}]
FAILING = [
    {"updates": [{"as_node": "start", "values": {"messages": ["a"]}}]},
    {"updates": [{"as_node": "start", "values": {"messages": "b"}}]},
]
UNKNOWN_NODE = [{"updates": [{"as_node": "nosuch", "values": {"count": 1}}]}]
# Faults after which the server has acted and the SDK saw no success.
ACTED = (F.STATUS_500, F.STATUS_502, F.STATUS_504, F.DROP_AFTER_FORWARD, F.STORE_ONLY_500)
SUCCEEDS = Superstep(None, kept=True)


@dataclass(frozen=True)
class Expect:
    error: type[ThreadsClientError] | None  # None: the call returns its Thread
    threads: int
    requests: int
    state: dict[str, Any] | None = None  # the thread's state read back, when one is kept


@dataclass(frozen=True)
class Case:
    """A create with supersteps and no thread_id (the SDK's id; "raise" on the wire)."""

    name: str
    supersteps: list[dict[str, Any]]
    graph: bool  # metadata.graph_id set
    fault: Fault

    def answer(self, b: Behaviour) -> tuple[Superstep, dict[str, Any]]:
        """What the server does with the request it sees, and the state it leaves when it keeps the thread."""
        if self.fault is F.STORE_ONLY_500:  # the server stored the thread, never reaching the supersteps
            return SUCCEEDS, {}
        if not self.graph:
            return b.no_graph, {}
        if self.supersteps is UNKNOWN_NODE:
            return b.unknown_node, {}
        if self.supersteps is FAILING:
            return b.failing, b.half_applied
        return SUCCEEDS, APPLIED_ONCE if b.applies_supersteps else {}

    def expect(self, b: Behaviour) -> Expect:
        step, state = self.answer(b)
        if self.fault is F.NONE and step.status != 500:
            if step.status is None:
                return Expect(None, 1, 1, state)
            return Expect(SuperstepsError, int(step.kept), 1, state)
        # Acted, then failed: the SDK retries with "raise".
        if step.kept:  # 409, then the fetch: the thread exists, its supersteps' outcome unknown
            return Expect(SuperstepsOutcomeUnknownError, 1, 3, state)
        if step.status == 500:  # rolled back, and every retry fails the same way
            return Expect(InternalServerError, 0, 3)
        return Expect(SuperstepsError, 0, 2)  # rolled back; the retry gets the server's own answer


CASES = [
    *(Case(f"good-{fault.value}", GOOD, True, fault) for fault in ACTED),
    Case("failing", FAILING, True, F.NONE),
    Case("failing-answer-lost", FAILING, True, F.DROP_AFTER_FORWARD),
    Case("no-graph-201-lost", GOOD, False, F.DROP_AFTER_FORWARD),
    Case("unknown-node-400-lost", UNKNOWN_NODE, True, F.DROP_AFTER_FORWARD),
]


def _read_back(server: AgentServer, marker: str) -> tuple[list[str], dict[str, Any] | None]:
    held = [thread["thread_id"] for thread in server.search_threads(metadata={"marker": marker})]
    return held, (server.get_state(held[0])["values"] if len(held) == 1 else None)


# 500, 502 and 504 after the server acted are one case on both sides (the server saw the
# same request; the SDK treats the three alike): past the full matrix (fake, dev), the
# other kinds run 500 of them, with one client.
SAME_AS_500 = (F.STATUS_502, F.STATUS_504)


@pytest.mark.server_cases(
    ("case", "kind"), cases([(CASES, lambda c: c.name)], reduced=lambda case: case.fault not in SAME_AS_500)
)
def test_supersteps_are_never_reported_applied_when_the_sdk_cannot_know(
    server: AgentServer, proxy: FaultProxy, behaviour: Behaviour, case: Case, kind: ClientKind
) -> None:
    marker = new_marker()
    expect = case.expect(behaviour)
    proxy.script(case.fault)
    call = {"metadata": {"marker": marker}, "supersteps": case.supersteps}
    if case.graph:
        call["graph_id"] = GRAPH_ID
    result = create_once(kind, proxy.base_url, call, timeout=10.0)
    proxy.wait_quiet()
    held, state = _read_back(server, marker)
    context = f"{result.describe()}; proxy {proxy.stats()}; server holds {held} with state {state}"

    assert proxy.stats().requests == expect.requests, context
    assert len(held) == expect.threads, context
    if expect.threads:
        assert state == expect.state, context
    if expect.error is None:
        assert result.thread is not None, context
        assert [str(result.thread.thread_id)] == held, context
        return
    assert type(result.error) is expect.error, context
    error = result.error
    assert isinstance(error, ThreadsClientError) and error.thread_id is not None, context
    if isinstance(error, SuperstepsOutcomeUnknownError):
        assert [str(error.thread.thread_id)] == held == [str(error.thread_id)], context
        assert "unknown" in str(error), context


# Without supersteps, and with the caller's own id: the rows of the contract's table that a
# server acting then failing meets, beside the SDK-id-with-supersteps ones above.
ASSIGNED = "assigned"
CALLER_DO_NOTHING = "caller-do_nothing"
CALLER_RAISE_SUPERSTEPS = "caller-raise+supersteps"
CALLER_DO_NOTHING_SUPERSTEPS = "caller-do_nothing+supersteps"


def _mode_call(mode: str, marker: str, thread_id: uuid.UUID) -> dict[str, Any]:
    call: dict[str, Any] = {"metadata": {"marker": marker}}
    if mode != ASSIGNED:
        call["thread_id"] = thread_id
    if mode in (CALLER_DO_NOTHING, CALLER_DO_NOTHING_SUPERSTEPS):
        call["if_exists"] = "do_nothing"
    if mode in (CALLER_RAISE_SUPERSTEPS, CALLER_DO_NOTHING_SUPERSTEPS):
        call.update(supersteps=GOOD, graph_id=GRAPH_ID)
    return call


def _mode_expect(mode: str, fault: Fault, b: Behaviour) -> Expect:
    state = APPLIED_ONCE if b.applies_supersteps and mode != ASSIGNED and "supersteps" in mode else {}
    if mode in (ASSIGNED, CALLER_DO_NOTHING):
        return Expect(None, 1, 2, {})  # metadata is set at creation: the thread met is the one asked for
    if mode == CALLER_RAISE_SUPERSTEPS:
        return Expect(ConflictError, 1, 2, state)  # after_lost_response: an older thread may hold the id
    # Not resent: "do_nothing" would apply the supersteps a second time.
    return Expect(InternalServerError if fault is not F.DROP_AFTER_FORWARD else APIConnectionError, 1, 1, state)


MODES = (ASSIGNED, CALLER_DO_NOTHING, CALLER_RAISE_SUPERSTEPS, CALLER_DO_NOTHING_SUPERSTEPS)


@pytest.mark.server_cases(
    ("mode", "fault", "kind"),
    cases([(MODES, str), ([F.STATUS_500, F.STATUS_504], str)], reduced=lambda mode, fault: fault not in SAME_AS_500),
)
def test_the_other_rows_of_the_contract_when_the_server_acted_then_failed(
    server: AgentServer, proxy: FaultProxy, behaviour: Behaviour, mode: str, fault: Fault, kind: ClientKind
) -> None:
    marker, given = new_marker(), uuid.uuid4()
    expect = _mode_expect(mode, fault, behaviour)
    proxy.script(fault)
    result = create_once(kind, proxy.base_url, _mode_call(mode, marker, given), timeout=10.0)
    proxy.wait_quiet()
    held, state = _read_back(server, marker)
    context = f"{result.describe()}; proxy {proxy.stats()}; server holds {held} with state {state}"

    assert proxy.stats().requests == expect.requests, context
    assert len(held) == expect.threads and state == expect.state, context
    if expect.error is None:
        assert result.thread is not None and [str(result.thread.thread_id)] == held, context
        assert mode == ASSIGNED or result.thread.thread_id == given, context
        return
    assert type(result.error) is expect.error, context
    assert isinstance(result.error, ThreadsClientError) and result.error.thread_id == given, context
    if isinstance(result.error, ConflictError):
        assert result.error.after_lost_response is True, context


def test_the_servers_own_answer_to_supersteps_it_fails_on(server: AgentServer, behaviour: Behaviour) -> None:
    # Sent raw (no SDK, no retry): the status, body and what was kept, as observed.py says.
    # The fake is held here to dev's answer, which its act-then-fail faults reproduce.
    marker, thread_id = new_marker(), str(uuid.uuid4())
    body = {"thread_id": thread_id, "metadata": {"marker": marker, "graph_id": GRAPH_ID}, "supersteps": FAILING}
    with httpx2.Client(base_url=server.base_url, timeout=30.0) as fresh:  # the server may drop the connection
        answer = fresh.post("/threads", json=body)
    expected = behaviour.failing
    held, state = _read_back(server, marker)
    if expected.status is None:
        assert answer.status_code == 200, answer.text[:300]
    else:
        assert answer.status_code == expected.status, answer.text[:300]
        assert answer.headers["content-type"].startswith(expected.content_type)
        assert expected.detail_in in answer.text
    assert held == ([thread_id] if expected.kept else [])
    assert state == (behaviour.half_applied if expected.kept else None)
