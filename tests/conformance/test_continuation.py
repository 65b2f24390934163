"""Finishing a failed create exactly once, as the README shows, against the real server.

A call whose response is lost raises APIConnectionError/APITimeoutError carrying the
`thread_id` its request named (the SDK's own uuid7 here); the continuation
`create_thread(thread_id=error.thread_id, if_exists="do_nothing")` returns that same
thread, and the server holds exactly one. With supersteps the continuation is sent without
them (the server would apply them a second time under "do_nothing"), and the returned
thread's `values` say whether they ran.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from langsmith_threads_client import APIConnectionError, APITimeoutError, ThreadsClient
from scripts.agent_server.server import GRAPH_ID, AgentServer
from tests.conformance.observed import Behaviour
from tests.faults.proxy import Fault, FaultProxy
from tests.faults.support import create_once, new_marker
from tests.support.kinds import CLIENT_KINDS, ClientKind

SUPERSTEPS = [{"updates": [{"as_node": "start", "values": {"messages": ["hi"], "count": 1}}]}]
APPLIED_ONCE = {"messages": ["hi"], "count": 1}


def _held(server: AgentServer, marker: str) -> list[str]:
    return [thread["thread_id"] for thread in server.search_threads(metadata={"marker": marker})]



@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize(
    ("fault", "error_class", "timeout"),
    [(Fault.DROP_AFTER_FORWARD, APIConnectionError, 5.0), (Fault.DELAY, APITimeoutError, 0.5)],
)
def test_a_lost_create_is_finished_with_its_thread_id_and_do_nothing(
    server: AgentServer,
    proxy: FaultProxy,
    kind: ClientKind,
    fault: Fault,
    error_class: type[APIConnectionError],
    timeout: float,
    behaviour: Behaviour,
) -> None:
    marker = new_marker()
    proxy.script(fault)
    failed = create_once(kind, proxy.base_url, {"metadata": {"marker": marker}}, timeout=timeout, max_retries=0)
    proxy.wait_quiet()
    error = failed.error
    assert type(error) is error_class, failed.describe()
    assert isinstance(error, APIConnectionError) and error.thread_id is not None
    assert error.thread_id.version == 7, "the SDK assigned the id before sending"
    assert _held(server, marker) == [str(error.thread_id)], "the lost attempt created the thread"

    continued = create_once(
        kind, proxy.base_url, {"thread_id": error.thread_id, "if_exists": "do_nothing", "metadata": {"marker": marker}}
    )
    assert continued.thread is not None, continued.describe()
    assert continued.thread.thread_id == error.thread_id
    assert continued.thread.metadata.to_dict() == {**behaviour.metadata_added, "marker": marker}
    assert _held(server, marker) == [str(error.thread_id)], "still exactly one thread"


def _supersteps_call(marker: str, **changes: Any) -> dict[str, Any]:
    return {"metadata": {"marker": marker}, "graph_id": GRAPH_ID, "supersteps": SUPERSTEPS, **changes}


@pytest.mark.parametrize("fault", [Fault.DROP_AFTER_FORWARD, Fault.DROP_BEFORE_FORWARD])
def test_a_lost_create_with_supersteps_is_finished_without_them_and_applies_them_once(
    server: AgentServer, proxy: FaultProxy, fault: Fault, behaviour: Behaviour
) -> None:
    marker = new_marker()
    proxy.script(fault)
    with ThreadsClient(proxy.base_url, api_key=None, max_retries=0) as client:
        with pytest.raises(APIConnectionError) as caught:
            client.create_thread(**_supersteps_call(marker))
        proxy.wait_quiet()
        thread_id = caught.value.thread_id
        assert thread_id is not None

        # The README's continuation: the same id, metadata and graph, no supersteps.
        thread = client.create_thread(
            thread_id=thread_id, if_exists="do_nothing", metadata={"marker": marker}, graph_id=GRAPH_ID
        )
        assert thread.thread_id == thread_id
        if fault is Fault.DROP_AFTER_FORWARD and behaviour.applies_supersteps:
            assert thread.values, "the lost attempt ran them"
            assert thread.values.to_dict() == APPLIED_ONCE
        else:
            # The lost attempt never reached the server, or this kind ignores supersteps.
            assert not thread.values, "no state yet"
            # Now, and only now, the supersteps are sent (the server applies them to the thread).
            thread = client.create_thread(**_supersteps_call(marker, thread_id=thread_id, if_exists="do_nothing"))
            assert thread.thread_id == thread_id
    assert _held(server, marker) == [str(thread_id)]
    applied = APPLIED_ONCE if behaviour.applies_supersteps else {}
    assert server.get_state(thread_id)["values"] == applied, "applied once (never, on a kind that ignores them)"


def test_the_continuation_never_touches_another_callers_thread(server: AgentServer, proxy: FaultProxy) -> None:
    # The id in the error is the one this call's request named, not a fresh one.
    marker = new_marker()
    proxy.script(Fault.DROP_AFTER_FORWARD)
    given = uuid.uuid4()
    with ThreadsClient(proxy.base_url, api_key=None, max_retries=0) as client:
        with pytest.raises(APIConnectionError) as caught:
            client.create_thread(thread_id=given, metadata={"marker": marker})
    assert caught.value.thread_id == given
    assert _held(server, marker) == [str(given)]
