"""The client side of the hostile-server suite, in a process of its own so its memory is its own.

``python -m tests.hostile.run_client KIND PORT SCENARIO...`` runs each scenario with one
client kind (sync, async on asyncio, async on trio, aiohttp) against the server on PORT and
prints one JSON line per scenario: how the call ended, how long it took, and the process's
peak resident memory during the call above what it held before (Linux: the peak is reset
through /proc/self/clear_refs before each call). The address space is capped, so a client
without bounds fails with MemoryError here instead of taking the machine.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import json
import resource
import signal
import sys
import time
from typing import Any

import anyio

from langsmith_threads_client import AsyncThreadsClient, DefaultAioHttpClient, ThreadsClient
from tests.hostile.scenarios import SCENARIOS, Scenario

MiB = 1 << 20
ADDRESS_SPACE = 3 << 30
HUNG_AFTER = 30.0  # a scenario still running then has no bound at all


class Hung(Exception):
    pass


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field)


def _reset_peak() -> None:
    # Give freed heap back first (glibc keeps it, and reuses it unseen by RSS), so that the
    # next call's peak is measured from what the process really holds.
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def _call_kwargs(scenario: Scenario) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if scenario.big_request:
        kwargs["metadata"] = {"blob": "x" * (8 * MiB)}
    if scenario.supersteps:
        kwargs["supersteps"] = [{"updates": [{"values": {"n": 1}, "as_node": "start"}]}]
    return kwargs


def _client_kwargs(scenario: Scenario) -> dict[str, Any]:
    return {"api_key": None, "timeout": scenario.timeout, "max_retries": scenario.max_retries}


async def _call_async(kind: str, base_url: str, scenario: Scenario) -> object:
    http = DefaultAioHttpClient() if kind == "aiohttp" else None
    try:
        async with AsyncThreadsClient(base_url, http_client=http, **_client_kwargs(scenario)) as client:
            with anyio.fail_after(HUNG_AFTER):
                return await client.create_thread(**_call_kwargs(scenario))
    finally:
        if http is not None:
            await http.aclose()


def _call(kind: str, base_url: str, scenario: Scenario) -> object:
    if kind == "sync":
        signal.setitimer(signal.ITIMER_REAL, HUNG_AFTER)
        try:
            with ThreadsClient(base_url, **_client_kwargs(scenario)) as client:
                return client.create_thread(**_call_kwargs(scenario))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    if kind == "trio":
        return anyio.run(_call_async, kind, base_url, scenario, backend="trio")
    return asyncio.run(_call_async(kind, base_url, scenario))


def _describe(outcome: object) -> dict[str, Any]:
    if not isinstance(outcome, BaseException):
        return {"outcome": type(outcome).__name__}
    return {
        "outcome": type(outcome).__name__,
        "status": getattr(outcome, "status_code", None),
        "may_exist": getattr(outcome, "thread_may_exist", None),
        "has_thread_id": getattr(outcome, "thread_id", None) is not None,
        "message_chars": len(str(outcome)),
        "detail_chars": len(getattr(outcome, "detail", None) or ""),
        "body_bytes": len(body) if isinstance(body := getattr(outcome, "body", None), bytes | str) else None,
        "message": str(outcome)[:300],
    }


def run(kind: str, port: int, scenario: Scenario) -> dict[str, Any]:
    base_url = f"http://127.0.0.1:{port}/{kind}/{scenario.name}"
    gc.collect()
    _reset_peak()
    before = _status_kib("VmRSS")
    started = time.perf_counter()
    outcome: object
    try:
        outcome = _call(kind, base_url, scenario)
    except BaseException as exc:  # the outcome under test, whatever it is (MemoryError, Hung too)
        outcome = exc
    elapsed = time.perf_counter() - started
    peak = max(0, _status_kib("VmHWM") - before)
    return {
        "scenario": scenario.name,
        "kind": kind,
        "elapsed": round(elapsed, 3),
        "peak_mib": round(peak / 1024, 1),
    } | (_describe(outcome))


def _hung(signum: int, frame: object) -> None:
    raise Hung(f"still running after {HUNG_AFTER} s")


def main(argv: list[str]) -> None:
    kind, port, names = argv[0], int(argv[1]), argv[2:]
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    signal.signal(signal.SIGALRM, _hung)
    run(kind, port, SCENARIOS["valid"])  # warm up: imports, first-call binding, the event loop's own
    for name in names:
        result = run(kind, port, SCENARIOS[name])
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
