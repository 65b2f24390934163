"""A broken or hostile server cannot exhaust the client: every scenario on every client kind.

One loopback server (``server.py``) misbehaves in a different way on each path; one client
process per kind (``run_client.py``; the kinds run side by side) calls each scenario in turn
and reports how the call ended, its wall time and its peak memory. Each test checks one
scenario on one kind: the outcome (a typed error, or a Thread where the answer was valid and
under the cap), the time within the attempt bound plus a margin, and the memory within the
cap plus a fixed margin.
"""

from __future__ import annotations

from typing import Any

import pytest

from langsmith_threads_client import DEFAULT_MAX_RESPONSE_BYTES
from tests.hostile.scenarios import KINDS, SCENARIOS, Scenario
from tests.hostile.table import run_all

MiB = 1 << 20
# What a call may hold beyond the answer it keeps: decoder windows, the sockets' buffers, the
# request it sends (8 MiB in never_reads, held encoded and as text), the interpreter's arenas.
MEMORY_MARGIN = 64 * MiB
# Scheduling on a loaded 2-core machine (four clients and the server share it).
TIME_MARGIN = 0.75
# A retry's backoff before the second attempt: at most 0.5 s.
BACKOFF = 0.5

Results = dict[tuple[str, str], dict[str, Any]]


@pytest.fixture(scope="module")
def results() -> Results:
    return {(result["kind"], result["scenario"]): result for result in run_all()}


CASES = [
    pytest.param(kind, scenario, id=f"{kind}-{scenario.name}")
    for scenario in SCENARIOS.values()
    for kind in KINDS
    if scenario.name != "valid"
]


@pytest.mark.parametrize(("kind", "scenario"), CASES)
def test_bounded(results: Results, kind: str, scenario: Scenario) -> None:
    result = results[(kind, scenario.name)]
    expected = scenario.per_kind.get(kind, scenario.outcome)
    assert result["outcome"] in expected.split("|"), result
    if expected != "Thread":
        assert result["has_thread_id"], result
        assert result["message_chars"] <= 1000 and result["detail_chars"] <= 1000, result
    if expected == "ResponseTooLargeError":
        assert (result["status"], result["may_exist"]) == (scenario.status, scenario.may_exist), result
        assert result["body_bytes"] <= DEFAULT_MAX_RESPONSE_BYTES, result
    bound = scenario.attempts * scenario.timeout + (scenario.attempts - 1) * BACKOFF
    assert result["elapsed"] <= bound + TIME_MARGIN, result
    if scenario.times_out or result["outcome"] == "APITimeoutError":
        assert result["elapsed"] >= scenario.attempts * scenario.timeout * 0.9, result
    assert result["peak_mib"] * MiB <= DEFAULT_MAX_RESPONSE_BYTES + MEMORY_MARGIN, result


@pytest.mark.parametrize("kind", KINDS)
def test_the_512_mib_gzip_bomb_costs_under_the_cap_plus_64_mib_and_2_s(results: Results, kind: str) -> None:
    result = results[(kind, "gzip_bomb_200")]
    assert result["outcome"] == "ResponseTooLargeError", result
    assert result["peak_mib"] * MiB < DEFAULT_MAX_RESPONSE_BYTES + 64 * MiB, result
    assert result["elapsed"] < 2.0, result
