"""Exactly-once creation and the documented errors, under injected network faults.

Every test runs one ``create_thread`` through a :class:`FaultProxy` scripted with a few
faults, on one client kind (sync; async on httpx's transport; async on
DefaultAioHttpClient) and in one id mode, then asks the real server what exists:

* a call that returned produced exactly one thread, with its id and metadata;
* no call produced two (supersteps were applied once);
* a call that raised raised the error the README names, and left at most one thread.

Faults are scripted, not random, so each scenario has one expected outcome.
``Retry-After: 0`` and a recording ``_sleep`` keep the matrix fast.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from langsmith_threads_client import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ConflictError,
    InternalServerError,
    RateLimitError,
    SuperstepsOutcomeUnknownError,
    ThreadsClientError,
)
from scripts.agent_server.server import GRAPH_ID, AgentServer
from tests.conformance.matrix import cases
from tests.conformance.observed import Behaviour
from tests.support.driver import CallResult, create_once, new_marker, thread_metadata
from tests.support.kinds import CLIENT_KINDS, ClientKind
from tests.support.ports import closed_port
from tests.support.proxy import Fault, FaultProxy

F = Fault

# ------------------------------------------------------------------- id modes
ASSIGNED = "assigned"  # no thread_id: the SDK assigns a uuid7 ("do_nothing" on the wire)
CALLER_RAISE = "caller-raise"  # caller's thread_id, if_exists="raise" (the default)
CALLER_DO_NOTHING = "caller-do_nothing"  # caller's thread_id, if_exists="do_nothing"
ASSIGNED_SUPERSTEPS = "assigned+supersteps"  # SDK id, supersteps: "raise", then recovery after a 409
CALLER_DO_NOTHING_SUPERSTEPS = "caller-do_nothing+supersteps"  # retried only when unseen
MODES = (ASSIGNED, CALLER_RAISE, CALLER_DO_NOTHING, ASSIGNED_SUPERSTEPS, CALLER_DO_NOTHING_SUPERSTEPS)
SUPERSTEP_MODES = (ASSIGNED_SUPERSTEPS, CALLER_DO_NOTHING_SUPERSTEPS)
SUPERSTEPS = [{"updates": [{"as_node": "start", "values": {"messages": ["hi"], "count": 1}}]}]


def call_kwargs(mode: str, metadata: Mapping[str, Any], thread_id: uuid.UUID) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"metadata": dict(metadata)}
    if mode in (CALLER_RAISE, CALLER_DO_NOTHING, CALLER_DO_NOTHING_SUPERSTEPS):
        kwargs["thread_id"] = thread_id
    if mode in (CALLER_DO_NOTHING, CALLER_DO_NOTHING_SUPERSTEPS):
        kwargs["if_exists"] = "do_nothing"
    if mode in SUPERSTEP_MODES:
        kwargs["supersteps"] = SUPERSTEPS
        kwargs["graph_id"] = GRAPH_ID
    return kwargs


# ------------------------------------------------------------------ outcomes
@dataclass(frozen=True)
class Returns:
    """The call returns its thread."""

    requests: int  # requests the proxy receives for the call


@dataclass(frozen=True)
class ReturnsOrLostConflict:
    """Caller id + "raise" after a lost response: the thread exists, maybe made by this call.

    Either the call returns it, or raises ConflictError with after_lost_response=True.
    """

    requests: int


@dataclass(frozen=True)
class Raises:
    """The call raises exactly `error` (not a subclass) and leaves `threads` threads."""

    error: type[ThreadsClientError]
    threads: int
    requests: int


Outcome = Returns | ReturnsOrLostConflict | Raises


@dataclass(frozen=True)
class Scenario:
    name: str
    script: tuple[Fault, ...]
    outcomes: Mapping[str, Outcome]

    @property
    def timeout(self) -> float:
        # Short only where a DELAY must outlast it; elsewhere generous, so a slow CI box
        # does not turn a plain answer into a timeout and a different (legal) path.
        return 0.5 if Fault.DELAY in self.script else 10.0


def lost_once(fault: Fault, supersteps_error: type[ThreadsClientError]) -> Scenario:
    """The server created the thread, the client never got the answer, then all is well."""
    return Scenario(
        fault.value,
        (fault,),
        {
            ASSIGNED: Returns(2),  # the retry ("do_nothing") returns the thread of the lost attempt
            CALLER_RAISE: ReturnsOrLostConflict(2),
            CALLER_DO_NOTHING: Returns(2),
            # lost, 409, the fetch without supersteps: the thread exists, but whether the lost
            # attempt ran the supersteps is unknown to the SDK, so it is never the call's result
            ASSIGNED_SUPERSTEPS: Raises(SuperstepsOutcomeUnknownError, threads=1, requests=3),
            CALLER_DO_NOTHING_SUPERSTEPS: Raises(supersteps_error, threads=1, requests=1),  # no replay
        },
    )


def all_modes(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(MODES, outcome)


SCENARIOS = [
    Scenario("no-fault", (), all_modes(Returns(1))),
    lost_once(F.DROP_AFTER_FORWARD, APIConnectionError),
    lost_once(F.DELAY, APITimeoutError),
    lost_once(F.RESET_MID_RESPONSE, APIConnectionError),
    lost_once(F.TRUNCATED_BODY, APIConnectionError),
    lost_once(F.STATUS_502, InternalServerError),
    Scenario(
        "drop_before_forward",  # unseen by the server, but the client cannot know that
        (F.DROP_BEFORE_FORWARD,),
        {**all_modes(Returns(2)), CALLER_DO_NOTHING_SUPERSTEPS: Raises(APIConnectionError, threads=0, requests=1)},
    ),
    Scenario("status_503", (F.STATUS_503,), all_modes(Returns(2))),
    Scenario("status_429", (F.STATUS_429,), all_modes(Returns(2))),
    Scenario("status_503-forever", (F.STATUS_503,) * 3, all_modes(Raises(InternalServerError, 0, 3))),
    Scenario("status_429-forever", (F.STATUS_429,) * 3, all_modes(Raises(RateLimitError, 0, 3))),
    Scenario(
        "delay-forever",
        (F.DELAY,) * 3,
        {**all_modes(Raises(APITimeoutError, 1, 3)), CALLER_DO_NOTHING_SUPERSTEPS: Raises(APITimeoutError, 1, 1)},
    ),
    Scenario(
        "drop_after_forward-forever",
        (F.DROP_AFTER_FORWARD,) * 3,
        {
            **all_modes(Raises(APIConnectionError, 1, 3)),
            CALLER_DO_NOTHING_SUPERSTEPS: Raises(APIConnectionError, 1, 1),
        },
    ),
    Scenario("non_json_200", (F.NON_JSON_200,), all_modes(Raises(APIResponseValidationError, 1, 1))),
    Scenario(
        # For assigned+supersteps: lost, then 409, then the recovery request is lost too and retried.
        "drop_after_forward-then-recovery-dropped",
        (F.DROP_AFTER_FORWARD, F.NONE, F.DROP_AFTER_FORWARD),
        {
            ASSIGNED: Returns(2),
            CALLER_RAISE: ReturnsOrLostConflict(2),
            CALLER_DO_NOTHING: Returns(2),
            ASSIGNED_SUPERSTEPS: Raises(SuperstepsOutcomeUnknownError, threads=1, requests=4),
            CALLER_DO_NOTHING_SUPERSTEPS: Raises(APIConnectionError, threads=1, requests=1),
        },
    ),
    Scenario(
        "status_503-then-drop_after_forward",
        (F.STATUS_503, F.DROP_AFTER_FORWARD),
        {
            ASSIGNED: Returns(3),
            CALLER_RAISE: ReturnsOrLostConflict(3),
            CALLER_DO_NOTHING: Returns(3),
            ASSIGNED_SUPERSTEPS: Raises(SuperstepsOutcomeUnknownError, threads=1, requests=4),
            CALLER_DO_NOTHING_SUPERSTEPS: Raises(APIConnectionError, threads=1, requests=2),
        },
    ),
]

# Faults after which the SDK must wait its exponential backoff (no Retry-After to honour).
BACKOFF_FAULTS = {
    F.DROP_BEFORE_FORWARD,
    F.DROP_AFTER_FORWARD,
    F.DELAY,
    F.RESET_MID_RESPONSE,
    F.TRUNCATED_BODY,
    F.STATUS_502,
}


def check_sleeps(scenario: Scenario, result: CallResult, requests: int) -> None:
    """Retry-After: 0 means no wait; other retries wait the backoff (0.5 s doubling, less <= 25 % jitter)."""
    backoffs = [fault for fault in scenario.script[: requests - 1] if fault in BACKOFF_FAULTS]
    assert len(result.sleeps) == len(backoffs), f"sleeps {result.sleeps} for retries after {scenario.script}"
    assert all(0.375 <= slept <= 8.0 for slept in result.sleeps), result.sleeps
    if result.sleeps:
        assert 0.375 <= result.sleeps[0] <= 0.5 or scenario.script[0] not in BACKOFF_FAULTS, result.sleeps


# The request sequences the server sees: every other scenario sends it one of these, so past the
# full matrix (fake, dev) the other kinds run only these, in every mode, with one client.
#   no-fault:            also drop_before_forward, status_503, status_429 (refused by the proxy,
#                        then forwarded once) and non_json_200 (forwarded once; the proxy spoils it);
#   drop_after_forward:  also delay, reset_mid_response, truncated_body, status_502 and
#                        status_503-then-drop_after_forward (forwarded, the answer lost, retried);
#   status_503-forever:  also status_429-forever (the server sees nothing);
#   drop_after_forward-forever: also delay-forever (forwarded three times, every answer lost);
#   drop_after_forward-then-recovery-dropped: its own (the recovery fetch is lost and retried).
SERVER_VISIBLE = (
    "no-fault",
    "drop_after_forward",
    "status_503-forever",
    "drop_after_forward-forever",
    "drop_after_forward-then-recovery-dropped",
)


@pytest.mark.server_cases(
    ("scenario", "mode", "kind"),
    cases([(SCENARIOS, lambda s: s.name), (MODES, str)], reduced=lambda scenario, _: scenario.name in SERVER_VISIBLE),
)
def test_fault(
    server: AgentServer, proxy: FaultProxy, behaviour: Behaviour, scenario: Scenario, mode: str, kind: ClientKind
) -> None:
    marker = new_marker()
    metadata = {"fault_test": marker, "scenario": scenario.name, "mode": mode, "kind": kind.value}
    sent_metadata = {**metadata, "graph_id": GRAPH_ID} if mode in SUPERSTEP_MODES else metadata
    expected_metadata = {**behaviour.metadata_added, **sent_metadata}  # some kinds add keys of their own
    given_id = uuid.uuid4()
    proxy.script(*scenario.script)

    result = create_once(kind, proxy.base_url, call_kwargs(mode, metadata, given_id), timeout=scenario.timeout)
    proxy.wait_quiet()

    outcome = scenario.outcomes[mode]
    stats = proxy.stats()
    on_server = server.search_threads(metadata={"fault_test": marker})
    context = f"{result.describe()}; proxy {stats}; server holds {[t['thread_id'] for t in on_server]}"
    unused = max(0, len(scenario.script) - outcome.requests)  # faults after a call that gave up stay queued
    assert proxy.pending() == unused, f"scripted faults used: {context}"
    assert stats.requests == outcome.requests, context
    assert len(on_server) <= 1, f"one call created {len(on_server)} threads: {context}"

    if isinstance(outcome, Raises):
        assert result.error is not None, f"expected {outcome.error.__name__}: {context}"
        assert type(result.error) is outcome.error, context
        assert len(on_server) == outcome.threads, context
    elif isinstance(result.error, ConflictError) and isinstance(outcome, ReturnsOrLostConflict):
        assert result.error.after_lost_response is True, context
        assert result.error.thread_id == given_id, context
        assert len(on_server) == 1, f"ConflictError after a lost response, but no thread: {context}"
    else:
        assert result.thread is not None, f"expected the call to return: {context}"
        thread = result.thread
        assert len(on_server) == 1, context
        assert on_server[0]["thread_id"] == str(thread.thread_id), context
        assert thread_metadata(thread) == expected_metadata
        if mode in (CALLER_RAISE, CALLER_DO_NOTHING, CALLER_DO_NOTHING_SUPERSTEPS):
            assert thread.thread_id == given_id
        else:
            assert thread.thread_id.version == 7
        check_sleeps(scenario, result, outcome.requests)

    if on_server:  # whatever the call did, the thread on the server is this call's, intact
        stored = server.get_thread(on_server[0]["thread_id"])
        assert stored is not None
        assert stored["metadata"] == expected_metadata, context
        if mode in (CALLER_RAISE, CALLER_DO_NOTHING, CALLER_DO_NOTHING_SUPERSTEPS):
            assert stored["thread_id"] == str(given_id), context
        if mode in SUPERSTEP_MODES:
            # Applied exactly once: a replayed "do_nothing" + supersteps would append "hi" again
            # (never, on a kind that ignores supersteps).
            state = server.get_state(stored["thread_id"])
            applied = {"messages": ["hi"], "count": 1} if behaviour.applies_supersteps else {}
            assert state["values"] == applied, context


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("mode", MODES)
def test_unreachable_server(mode: str, kind: ClientKind) -> None:
    """Nothing listens: a refused connection proves the server saw nothing, so every mode
    (even do_nothing + supersteps) retries, then raises APIConnectionError (not a timeout)."""
    result = create_once(kind, f"http://127.0.0.1:{closed_port()}", call_kwargs(mode, {"m": 1}, uuid.uuid4()))
    outcome = (type(result.error).__name__, len(result.sleeps))
    assert outcome == ("APIConnectionError", 2), f"(error, retries) for {result.describe()}"
