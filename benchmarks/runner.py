"""One client, one mode, one process: warm up, then time a batch of ``--calls`` calls of ``POST /threads``
each time it is told to.

``python -m benchmarks.runner --client sdk --mode async64 --calls 400 --port 12345`` sets the client up, warms
it up and prints ``{"ready": true}``; then each ``run`` line on stdin times one batch and prints one JSON line::

    {"cpu_s": ..., "wall_s": ..., "server_cpu_s": ..., "server_requests": 400, "server_connections": ...}

until ``quit`` or the end of stdin. The process (and its warm connections) lives across batches, so that the
orchestrator can interleave short batches of every client: the machine's speed drifts by tens of percent over
seconds, and only batches close together in time compare fairly.

``cpu_s`` is this process's user+sys CPU (``time.process_time``, all threads) over the batch's calls only;
``server_*`` are the canned server's deltas over the same section (from its ``GET /__stats``). A client that
cannot be imported prints ``{"unavailable": "<reason>"}`` instead of ready and exits with status 3.

Clients (the floor is ``httpx2``, what the SDK runs on):

- ``httpx2``: ``httpx2.Client.post`` / ``httpx2.AsyncClient.post`` with a pre-encoded body, then ``json.loads``;
- ``httpx``: the same on the legacy ``httpx`` 0.28 (a dev tool here, kept as the reference the issue's targets name);
- ``aiohttp``: ``aiohttp.ClientSession.post`` with the same body, then ``json.loads`` (async modes only): the
  limit for the SDK's aiohttp path;
- ``langgraph-sdk``: ``get_sync_client`` / ``get_client`` then ``.threads.create(metadata=...)``;
- ``sdk``: ``ThreadsClient`` / ``AsyncThreadsClient.create_thread(metadata=...)``, defaults (``max_retries`` too);
- ``sdk-aiohttp``: ``AsyncThreadsClient(http_client=DefaultAioHttpClient())`` (async modes only).

Modes: ``sync`` (sequential), ``async`` (sequential awaits), ``async64`` (64 calls in flight on one client).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import http.client
import importlib
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from benchmarks.payload import METADATA, REQUEST_BODY

if TYPE_CHECKING:
    from langsmith_threads_client import AsyncThreadsClient

CLIENTS: tuple[str, ...] = ("httpx2", "httpx", "aiohttp", "langgraph-sdk", "sdk", "sdk-aiohttp")
MODES: tuple[str, ...] = ("sync", "async", "async64")
FLOOR = "httpx2"
LEGACY = "httpx"  # bare httpx 0.28: the second reference every ratio is also given to
CONCURRENCY = 64
ASYNC_ONLY = frozenset({"aiohttp", "sdk-aiohttp"})
UNAVAILABLE_EXIT = 3

SyncCall = Callable[[], object]
AsyncCall = Callable[[], Awaitable[object]]


def supports(client: str, mode: str) -> bool:
    return not (mode == "sync" and client in ASYNC_ONLY)


class Unavailable(Exception):
    """The client's package cannot be imported here."""


def sanitize_environ(environ: dict[str, str] | os._Environ[str]) -> None:
    """No tracing, no API keys, no proxies: every client talks to the loopback server only."""
    for key in list(environ):
        upper = key.upper()
        if upper.endswith("_API_KEY") and upper.startswith(("LANGGRAPH", "LANGSMITH", "LANGCHAIN")):
            del environ[key]
        elif upper in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            del environ[key]
    environ["LANGSMITH_TRACING"] = "false"
    environ["LANGCHAIN_TRACING_V2"] = "false"
    environ["NO_PROXY"] = environ["no_proxy"] = "127.0.0.1,localhost"


# --- sync clients ---------------------------------------------------------------------------------------------


def _httpx_module(name: str) -> Any:
    """httpx2 or the legacy httpx: the same API under two module names."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise Unavailable(repr(exc)) from exc


def _httpx_sync(name: str, base_url: str, stack: ExitStack) -> SyncCall:
    httpx = _httpx_module(name)
    client = stack.enter_context(httpx.Client(base_url=base_url))
    headers = {"content-type": "application/json"}
    loads = json.loads

    def call() -> object:
        r = client.post("/threads", content=REQUEST_BODY, headers=headers)
        if r.status_code != 200:
            raise RuntimeError(f"unexpected status {r.status_code}")
        return loads(r.content)

    return call


def _langgraph_sync(name: str, base_url: str, stack: ExitStack) -> SyncCall:
    try:
        from langgraph_sdk import get_sync_client
    except ImportError as exc:
        raise Unavailable(repr(exc)) from exc
    lg = stack.enter_context(get_sync_client(url=base_url, api_key=None))
    threads = lg.threads

    def call() -> object:
        return threads.create(metadata=METADATA)

    return call


def _sdk_sync(name: str, base_url: str, stack: ExitStack) -> SyncCall:
    try:
        from langsmith_threads_client import ThreadsClient
    except ImportError as exc:
        raise Unavailable(repr(exc)) from exc
    sdk = stack.enter_context(ThreadsClient(base_url=base_url, api_key=None))
    create = sdk.create_thread

    def call() -> object:
        return create(metadata=METADATA)

    return call


#: Each client's sync builder, called with (client name, base URL, exit stack); the async-only clients have none.
SYNC_CLIENTS: dict[str, Callable[[str, str, ExitStack], SyncCall]] = {
    "httpx2": _httpx_sync,
    "httpx": _httpx_sync,
    "langgraph-sdk": _langgraph_sync,
    "sdk": _sdk_sync,
}


def _sync_client(name: str, base_url: str, stack: ExitStack) -> SyncCall:
    build = SYNC_CLIENTS.get(name)
    if build is None:
        raise ValueError(f"client {name!r} has no sync mode")
    return build(name, base_url, stack)


# --- async clients --------------------------------------------------------------------------------------------


async def _httpx_async(name: str, base_url: str, stack: AsyncExitStack) -> AsyncCall:
    httpx = _httpx_module(name)
    client = await stack.enter_async_context(httpx.AsyncClient(base_url=base_url))
    headers = {"content-type": "application/json"}
    loads = json.loads

    async def call() -> object:
        r = await client.post("/threads", content=REQUEST_BODY, headers=headers)
        if r.status_code != 200:
            raise RuntimeError(f"unexpected status {r.status_code}")
        return loads(r.content)

    return call


async def _aiohttp_async(name: str, base_url: str, stack: AsyncExitStack) -> AsyncCall:
    try:
        import aiohttp
    except ImportError as exc:
        raise Unavailable(repr(exc)) from exc
    session = await stack.enter_async_context(aiohttp.ClientSession(base_url=base_url))
    json_headers = {"content-type": "application/json"}
    json_loads = json.loads

    async def call() -> object:
        async with session.post("/threads", data=REQUEST_BODY, headers=json_headers) as r:
            if r.status != 200:
                raise RuntimeError(f"unexpected status {r.status}")
            return json_loads(await r.read())

    return call


async def _langgraph_async(name: str, base_url: str, stack: AsyncExitStack) -> AsyncCall:
    try:
        from langgraph_sdk import get_client
    except ImportError as exc:
        raise Unavailable(repr(exc)) from exc
    lg = await stack.enter_async_context(get_client(url=base_url, api_key=None))
    lg_threads = lg.threads

    async def call() -> object:
        return await lg_threads.create(metadata=METADATA)

    return call


async def _sdk_async(name: str, base_url: str, stack: AsyncExitStack) -> AsyncCall:
    try:
        from langsmith_threads_client import AsyncThreadsClient
    except ImportError as exc:
        raise Unavailable(repr(exc)) from exc
    sdk = await stack.enter_async_context(AsyncThreadsClient(base_url=base_url, api_key=None))
    return _sdk_call(sdk)


async def _sdk_aiohttp_async(name: str, base_url: str, stack: AsyncExitStack) -> AsyncCall:
    try:
        from langsmith_threads_client import AsyncThreadsClient, DefaultAioHttpClient
    except ImportError as exc:
        raise Unavailable(repr(exc)) from exc
    # The SDK does not close an http_client it was given: close it ourselves, after the SDK client.
    http_client = await stack.enter_async_context(DefaultAioHttpClient())
    sdk = await stack.enter_async_context(AsyncThreadsClient(base_url=base_url, api_key=None, http_client=http_client))
    return _sdk_call(sdk)


def _sdk_call(sdk: AsyncThreadsClient) -> AsyncCall:
    acreate = sdk.create_thread

    async def call() -> object:
        return await acreate(metadata=METADATA)

    return call


#: Each client's async builder, called with (client name, base URL, exit stack).
ASYNC_CLIENTS: dict[str, Callable[[str, str, AsyncExitStack], Awaitable[AsyncCall]]] = {
    "httpx2": _httpx_async,
    "httpx": _httpx_async,
    "aiohttp": _aiohttp_async,
    "langgraph-sdk": _langgraph_async,
    "sdk": _sdk_async,
    "sdk-aiohttp": _sdk_aiohttp_async,
}


async def _async_client(name: str, base_url: str, stack: AsyncExitStack) -> AsyncCall:
    build = ASYNC_CLIENTS.get(name)
    if build is None:
        raise ValueError(f"unknown client {name!r}")
    return await build(name, base_url, stack)


# --- measurement ----------------------------------------------------------------------------------------------


def server_stats(port: int) -> dict[str, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/__stats", headers={"Connection": "close"})
        stats: dict[str, float] = json.loads(conn.getresponse().read())
        return stats
    finally:
        conn.close()


class Measurement:
    def __init__(self) -> None:
        self.result: dict[str, float] = {}


@contextmanager
def measured(port: int) -> Iterator[Measurement]:
    m = Measurement()
    gc.collect()
    s0 = server_stats(port)
    c0 = time.process_time()
    w0 = time.perf_counter()
    yield m
    w1 = time.perf_counter()
    c1 = time.process_time()
    s1 = server_stats(port)
    m.result = {
        "cpu_s": c1 - c0,
        "wall_s": w1 - w0,
        "server_cpu_s": s1["cpu"] - s0["cpu"],
        "server_requests": s1["requests"] - s0["requests"],
        # Minus one: the connection of the second GET /__stats itself.
        "server_connections": s1["connections"] - s0["connections"] - 1,
    }


def check_result(name: str, result: object) -> None:
    """One untimed call's result must look like the recorded thread, whatever type the client returns."""
    if isinstance(result, dict):
        thread_id = result.get("thread_id")
        metadata = result.get("metadata")
    else:
        thread_id = getattr(result, "thread_id", None)
        metadata = getattr(result, "metadata", None)
        to_dict = getattr(metadata, "to_dict", None)
        if callable(to_dict):
            metadata = to_dict()
    if not thread_id or dict(metadata or {}) != METADATA:
        raise RuntimeError(f"{name}: unexpected result {result!r}")
    # The SDK's rows run without OpenTelemetry: installed here (the test group), never imported
    # by the SDK itself, so its tracing costs these rows nothing.
    traced = sorted(module for module in sys.modules if module.startswith("opentelemetry"))
    if name.startswith("sdk") and traced:
        raise RuntimeError(f"{name}: the SDK imported OpenTelemetry without the application tracing: {traced}")


def _batches() -> Iterator[None]:
    """One item per ``run`` line on stdin, until ``quit`` or end of input."""
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            return
        if command != "run":
            raise SystemExit(f"unknown command {command!r} (expected 'run' or 'quit')")
        yield


def _say(out: dict[str, Any]) -> None:
    print(json.dumps(out), flush=True)


def serve_sync(name: str, base_url: str, port: int, calls: int, warmup: int) -> None:
    with ExitStack() as stack:
        call = _sync_client(name, base_url, stack)
        check_result(name, call())
        for _ in range(warmup):
            call()
        _say({"ready": True})
        for _ in _batches():
            with measured(port) as m:
                for _ in range(calls):
                    call()
            _say(m.result)


async def gather_calls(call: AsyncCall, calls: int, concurrency: int) -> None:
    if concurrency <= 1:
        for _ in range(calls):
            await call()
        return
    remaining = calls

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    await asyncio.gather(*(worker() for _ in range(min(concurrency, calls))))


async def serve_async(name: str, base_url: str, port: int, calls: int, warmup: int, concurrency: int) -> None:
    async with AsyncExitStack() as stack:
        call = await _async_client(name, base_url, stack)
        check_result(name, await call())
        await gather_calls(call, warmup, concurrency)
        _say({"ready": True})
        # Waiting for the next command blocks the event loop, on purpose: nothing runs between batches.
        for _ in _batches():
            with measured(port) as m:
                await gather_calls(call, calls, concurrency)
            _say(m.result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client", choices=CLIENTS, required=True)
    parser.add_argument("--mode", choices=MODES, required=True)
    parser.add_argument("--calls", type=int, default=400, help="timed calls per batch")
    parser.add_argument("--warmup", type=int, default=None, help="untimed calls first (default: 2 x calls, >= 256)")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if not supports(args.client, args.mode):
        parser.error(f"client {args.client} has no {args.mode} mode")
    sanitize_environ(os.environ)
    warmup = args.warmup if args.warmup is not None else max(2 * args.calls, 4 * CONCURRENCY)
    base_url = f"http://127.0.0.1:{args.port}"
    try:
        if args.mode == "sync":
            serve_sync(args.client, base_url, args.port, args.calls, warmup)
        else:
            concurrency = CONCURRENCY if args.mode == "async64" else 1
            asyncio.run(serve_async(args.client, base_url, args.port, args.calls, warmup, concurrency))
    except Unavailable as exc:
        _say({"unavailable": str(exc)})
        return UNAVAILABLE_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(main())
