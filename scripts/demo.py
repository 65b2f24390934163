"""The SDK's main job, end to end, against a real LangGraph Agent Server started here.

What it does and its arguments: scripts/demo_args.py (`scripts/demo --help` prints them
without importing this module, which needs the package's dependencies).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from langsmith_threads_client import (  # noqa: E402
    AsyncThreadsClient,
    ConflictError,
    SuperstepsError,
    Thread,
    ThreadsClient,
    __version__,
)
from scripts import demo_args  # noqa: E402
from scripts.agent_server.kinds import KINDS  # noqa: E402
from scripts.agent_server.server import GRAPH_ID, AgentServer  # noqa: E402

SOURCE = {"source": "scripts/demo"}


class Style:
    """Bold headings and dim notes on a terminal; plain text otherwise (or with NO_COLOR)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def green(self, text: str) -> str:
        return self._wrap("32", text)

    def red(self, text: str) -> str:
        return self._wrap("31", text)


style = Style(False)


def heading(number: int, text: str) -> None:
    print()
    print(style.bold(f"{number}. {text}"))


def show_json(value: Any) -> str:
    return "None" if value is None else json.dumps(value, ensure_ascii=False)


def show_time(value: Any) -> str:
    return value.isoformat(sep=" ") if hasattr(value, "isoformat") else str(value)


def show_thread(thread: Thread, indent: str = "   ") -> None:
    values = None if not thread.values else thread.values.to_dict()
    rows = [
        ("thread_id", f"{thread.thread_id}  {style.dim(f'(UUID version {thread.thread_id.version})')}"),
        ("status", str(thread.status)),
        ("created_at", show_time(thread.created_at)),
        ("metadata", show_json(thread.metadata.to_dict())),
        ("values", show_json(values)),
    ]
    for name, text in rows:
        print(f"{indent}{name:<11} {text}")


def show_table(threads: Sequence[Thread], indent: str = "   ") -> None:
    header = f"{'thread_id':<36}  {'status':<6}  {'created_at':<32}  metadata"
    print(indent + style.dim(header))
    for thread in threads:
        print(
            f"{indent}{thread.thread_id!s:<36}  {thread.status!s:<6}  {show_time(thread.created_at):<32}  "
            f"{show_json(thread.metadata.to_dict())}"
        )


def note(text: str) -> None:
    print("   " + style.dim(text))


def show_error(error: Exception) -> None:
    """`Name: message`, wrapped to the terminal (the server's details can be long)."""
    width = max(60, min(120, shutil.get_terminal_size((100, 24)).columns))
    text = f"{type(error).__name__}: {error}"
    print("\n".join(textwrap.wrap(text, width=width, initial_indent="   ", subsequent_indent="     ")))


def sync_part(base_url: str) -> None:
    with ThreadsClient(base_url) as client:
        heading(1, 'ThreadsClient: client.create_thread(metadata={"user": "alice"})')
        alice = client.create_thread(metadata={"user": "alice", **SOURCE})
        show_thread(alice)
        note("No thread_id given: the SDK chose a UUID version 7 itself, so a retry cannot create a second thread.")

        heading(2, 'The same thread_id again with if_exists="do_nothing": the existing thread comes back')
        again = client.create_thread(thread_id=alice.thread_id, metadata={"user": "mallory"}, if_exists="do_nothing")
        same = again == alice
        print(f"   same thread, unchanged: {style.green('yes') if same else style.red('no')}")
        note(f"metadata is still {show_json(again.metadata.to_dict())}; the new metadata was ignored.")

        heading(3, 'The same thread_id with if_exists="raise" (the default): a typed error')
        try:
            client.create_thread(thread_id=alice.thread_id)
        except ConflictError as error:
            show_error(error)
            note(f"error.status_code={error.status_code}, error.thread_id={error.thread_id}")

        heading(4, "Supersteps without a graph_id: the server creates the thread but cannot set its state")
        try:
            client.create_thread(
                metadata=SOURCE, supersteps=[{"updates": [{"values": {"count": 1}, "as_node": "start"}]}]
            )
        except SuperstepsError as error:
            show_error(error)
            note(f"the server answered {error.status_code} for thread {error.thread_id}, without that state "
                 "(whether it kept the thread depends on the server: docs/compatibility.md).")
        else:
            note("this server accepted the supersteps without a graph and did not apply them (no error to raise).")


async def async_part(base_url: str, count: int) -> None:
    users = ["bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"]
    names = [users[n % len(users)] + ("" if n < len(users) else str(n // len(users))) for n in range(count)]
    async with AsyncThreadsClient(base_url) as client:
        heading(5, f"AsyncThreadsClient: {count} threads at once with asyncio.gather")
        started = time.perf_counter()
        threads = await asyncio.gather(*(client.create_thread(metadata={"user": name, **SOURCE}) for name in names))
        elapsed_ms = (time.perf_counter() - started) * 1000
        show_table(threads)
        note(f"{count} threads in {elapsed_ms:.0f} ms over one client's connection pool; none has state yet.")

        heading(6, f'Supersteps on graph "{GRAPH_ID}": the thread starts with state')
        supersteps = [{"updates": [{"values": {"messages": ["hello from the demo"], "count": 1}, "as_node": "start"}]}]
        print(f"   supersteps={show_json(supersteps)}")
        stepped = await client.create_thread(
            metadata={"user": "alice", **SOURCE}, graph_id=GRAPH_ID, supersteps=supersteps
        )
        show_thread(stepped)
        if not stepped.values:
            note("this server's answer carries no state (see docs/compatibility.md).")
        if str(stepped.status) == "interrupted":
            note("status is interrupted: the update acted as node start, and the graph's next node, step, is pending.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = demo_args.parser()
    args = parser.parse_args(argv)
    if args.concurrent < 1:
        parser.error("--concurrent must be at least 1")
    global style
    style = Style(sys.stdout.isatty() and not args.no_color and not os.environ.get("NO_COLOR"))

    print(style.bold(f"langsmith-threads-client {__version__} demo"))
    kind = KINDS[args.server]
    print(f"Starting a local Agent Server, kind {kind.name}: {kind.description}, graph {GRAPH_ID!r} ...")
    server = AgentServer(kind.name)
    server.start()
    pid = server.pid
    try:
        rss = server.rss_bytes()
        memory = f", {rss / 2**20:.0f} MB" if rss else ""
        print(f"   ready at {server.base_url} in {server.startup_seconds or 0:.2f} s (pid {pid}{memory})")
        sync_part(server.base_url)
        asyncio.run(async_part(server.base_url, args.concurrent))

        total = server.count_threads()
        print()
        print(f"The server now holds {total} threads.")
    finally:
        print("Stopping the server ...")
        started = time.perf_counter()
        # SIGTERM, then SIGKILL if needed; raises AgentServerError, naming them, if any process of
        # its group survives (zombies aside) or its port still accepts connections.
        server.stop()
    print(f"   stopped in {time.perf_counter() - started:.2f} s; {style.green('no process left behind')}.")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; the server was stopped.", file=sys.stderr)
        sys.exit(130)
