"""Finishing a failed create exactly once, as the documentation shows (docs/exactly-once.md), against the real server.

A call whose response is lost raises APIConnectionError/APITimeoutError carrying the
`thread_id` its request named (the SDK's own uuid7 here); the continuation
`create_thread(thread_id=error.thread_id, if_exists="do_nothing")` returns that same
thread, and the server holds exactly one. With supersteps the continuation is sent without
them (the server would apply them a second time under "do_nothing"); the page's
`create_with_supersteps` reads the state and sends them again only where they did not run.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from langsmith_threads_client import APIConnectionError, APITimeoutError, Thread, ThreadsClient
from scripts.agent_server.server import GRAPH_ID, AgentServer
from tests.conformance.matrix import cases
from tests.conformance.observed import Behaviour
from tests.support.driver import create_once, new_marker
from tests.support.kinds import ClientKind
from tests.support.proxy import Fault, FaultProxy

SUPERSTEPS = [{"updates": [{"as_node": "start", "values": {"messages": ["hi"], "count": 1}}]}]
APPLIED_ONCE = {"messages": ["hi"], "count": 1}
# The site's page with the continuation users copy.
EXACTLY_ONCE_PAGE = Path(__file__).resolve().parents[2] / "docs" / "exactly-once.md"


def _held(server: AgentServer, marker: str) -> list[str]:
    return [thread["thread_id"] for thread in server.search_threads(metadata={"marker": marker})]


LOST: list[tuple[Fault, type[APIConnectionError], float]] = [
    (Fault.DROP_AFTER_FORWARD, APIConnectionError, 5.0),
    (Fault.DELAY, APITimeoutError, 0.5),
]


# Both faults forward the create and lose its answer, so the server sees the same requests;
# past the full matrix (fake, dev), the other kinds run the first with one client.
@pytest.mark.server_cases(
    ("lost", "kind"),
    cases([(LOST, lambda lost: f"{lost[0]}-{lost[1].__name__}-{lost[2]}")], reduced=lambda lost: lost == LOST[0]),
)
def test_a_lost_create_is_finished_with_its_thread_id_and_do_nothing(
    server: AgentServer,
    proxy: FaultProxy,
    kind: ClientKind,
    lost: tuple[Fault, type[APIConnectionError], float],
    behaviour: Behaviour,
) -> None:
    fault, error_class, timeout = lost
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


def _readme_continuation() -> Callable[..., Thread]:
    """`create_with_supersteps` as the exactly-once page writes it (its example, less the lines that run it)."""
    blocks = re.findall(r"```python\n(.*?)```", EXACTLY_ONCE_PAGE.read_text(), flags=re.DOTALL)
    (block,) = [block for block in blocks if "def create_with_supersteps(" in block]
    namespace: dict[str, Any] = {}
    exec(compile(block.partition("\nwith ThreadsClient(")[0], str(EXACTLY_ONCE_PAGE), "exec"), namespace)
    function: Callable[..., Thread] = namespace["create_with_supersteps"]
    return function


def _said_hi(thread: Thread) -> bool:
    values = thread.values.to_dict() if thread.values else {}
    return "hi" in values.get("messages", [])


FAULT_SEQUENCES = [
    (Fault.STATUS_500,),  # stored and applied, then 500: the SDK raises, the check says they ran
    (Fault.STATUS_502,),
    (Fault.STATUS_504,),
    (Fault.DROP_AFTER_FORWARD,),
    (Fault.STORE_ONLY_500,),  # stored before the supersteps: the check says they did not run
    (Fault.DROP_BEFORE_FORWARD,) * 3,  # never reached: retries run out, the continuation creates it
    (Fault.DROP_AFTER_FORWARD,) * 3,  # applied, and every answer lost
]
# 502 and 504 after the server acted are 500's case on both sides (the server saw the same
# request, the SDK treats them alike): past the full matrix (fake, dev), the other kinds run the rest.
SAME_AS_500 = ((Fault.STATUS_502,), (Fault.STATUS_504,))


@pytest.mark.server_cases(
    ("faults",),
    cases(
        [(FAULT_SEQUENCES, lambda faults: "-".join(fault.value for fault in faults))],
        reduced=lambda faults: faults not in SAME_AS_500,
        clients=False,
    ),
)
def test_the_readmes_supersteps_continuation_applies_them_exactly_once(
    server: AgentServer, proxy: FaultProxy, faults: tuple[Fault, ...], behaviour: Behaviour
) -> None:
    create_with_supersteps = _readme_continuation()
    marker = new_marker()
    proxy.script(*faults)
    with ThreadsClient(proxy.base_url, api_key=None) as client:
        client._sleep = lambda seconds: None
        thread = create_with_supersteps(client, SUPERSTEPS, _said_hi, metadata={"marker": marker}, graph_id=GRAPH_ID)
    proxy.wait_quiet()
    assert _held(server, marker) == [str(thread.thread_id)], "exactly one thread"
    applied = APPLIED_ONCE if behaviour.applies_supersteps else {}
    assert server.get_state(thread.thread_id)["values"] == applied, "applied once (never, on a kind that ignores them)"


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
