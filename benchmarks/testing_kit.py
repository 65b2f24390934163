"""The testing kit's costs: its pytest plugin's load time, and creates per second on the fake.

Creates go through one ThreadsClient, one after another, against the FakeAgentServer in
process (its httpx2 transport), over loopback (`fake.serve()`), and against the real `dev`
server (the harness's `langgraph dev`), so the three are side by side in one run. The
plugin's load is `import langsmith_threads_client.testing.pytest_plugin` in a fresh
interpreter that has already imported pytest (what pytest pays when the entry point loads).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, nullcontext
from pathlib import Path
from typing import Any

import httpx2

from langsmith_threads_client import ThreadsClient
from langsmith_threads_client.testing import FakeAgentServer

__all__ = ["measure", "plugin_load_ms", "testing_kit_lines"]

ROOT = Path(__file__).resolve().parent.parent
_PLUGIN_SNIPPET = (
    "import pytest, time; t0 = time.perf_counter(); import langsmith_threads_client.testing.pytest_plugin; "
    "print(repr(time.perf_counter() - t0))"
)


def plugin_load_ms(reps: int) -> float | None:
    """The median milliseconds of loading the plugin module (after pytest), over `reps` fresh processes."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    runs: list[float] = []
    for _ in range(reps + 1):  # the first compiles and caches byte code, untimed
        done = subprocess.run([sys.executable, "-c", _PLUGIN_SNIPPET], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120, check=False)  # fmt: skip
        if done.returncode != 0:
            return None
        runs.append(float(done.stdout) * 1000)
    return statistics.median(runs[1:])


def _creates_per_s(client: ThreadsClient, calls: int) -> float:
    client.create_thread()  # connection and first-call costs, untimed
    started = time.perf_counter()
    for _ in range(calls):
        client.create_thread(metadata={"bench": "testing-kit"})
    return calls / (time.perf_counter() - started)


def _targets(fake: FakeAgentServer) -> dict[str, Callable[[ExitStack], ThreadsClient]]:
    def in_process(stack: ExitStack) -> ThreadsClient:
        http = stack.enter_context(httpx2.Client(transport=fake.transport()))
        return stack.enter_context(ThreadsClient("http://fake.test", api_key=None, http_client=http))

    def loopback(stack: ExitStack) -> ThreadsClient:
        return stack.enter_context(ThreadsClient(stack.enter_context(fake.serve()), api_key=None))

    def real_dev(stack: ExitStack) -> ThreadsClient:
        from scripts.agent_server.server import AgentServer

        server = stack.enter_context(_serving(AgentServer("dev")))
        return stack.enter_context(ThreadsClient(server.base_url, api_key=None))

    return {"fake, in process": in_process, "fake, loopback": loopback, "dev server (langgraph dev)": real_dev}


def _serving(server: Any) -> AbstractContextManager[Any]:
    return server if hasattr(server, "__enter__") else nullcontext(server)


def measure(calls: int, plugin_reps: int) -> dict[str, Any]:
    """Creates per second on each target (and each as a ratio to the real server), and the plugin's load."""
    fake = FakeAgentServer()
    rates: dict[str, float | None] = {}
    for name, build in _targets(fake).items():
        with ExitStack() as stack:
            try:
                client = build(stack)
            except Exception as exc:  # a target that cannot start is reported, not fatal
                rates[name] = None
                print(f"testing kit benchmark: {name} unavailable: {exc}", file=sys.stderr)
                continue
            rates[name] = _creates_per_s(client, calls)
    real = rates.get("dev server (langgraph dev)")
    return {
        "calls": calls,
        "creates_per_s": rates,
        "x_dev_server": {name: (rate / real if rate and real else None) for name, rate in rates.items()},
        "plugin_load_ms": plugin_load_ms(plugin_reps),
    }


def testing_kit_lines(kit: dict[str, Any]) -> list[str]:
    lines = ["", f"== the testing kit: {kit['calls']} creates, one after another, sync client"]
    lines.append(f"{'target':<30} {'creates/s':>10} {'x dev server':>13}")
    for name, rate in kit["creates_per_s"].items():
        ratio = kit["x_dev_server"][name]
        shown = "unavailable" if rate is None else f"{rate:10.0f}"
        lines.append(f"{name:<30} {shown:>10} {'' if ratio is None else f'{ratio:12.2f}x':>13}")
    load = kit["plugin_load_ms"]
    lines.append(f"pytest plugin load (import after pytest): {'n/a' if load is None else f'{load:.2f} ms'}")
    return lines
