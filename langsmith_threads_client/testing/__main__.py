"""`python -m langsmith_threads_client.testing`: a server for the documentation's examples.

Every example uses `http://127.0.0.1:2024` (the SDK's default `base_url`), so a new user
needs a server there:

* `serve --port 2024`: a `FakeAgentServer` knowing the bundled project's graph
  (`echo`), in this process, until Ctrl-C. Nothing else to install.
* `dev --port 2024`: the real in-memory Agent Server (`langgraph dev`) serving the
  bundled project, until Ctrl-C. Needs `pip install 'langgraph-cli[inmem]'`.

Both print the URL they serve once it answers. A port another process holds is refused with
one line saying so: `langgraph dev` would otherwise move to another port with one log line,
and the SDK's default URL would then reach the other process.
"""

from __future__ import annotations

import argparse
import errno
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from . import bundled_project

__all__ = ["main"]

DEFAULT_PORT = 2024
DEFAULT_HOST = "127.0.0.1"


class PortTaken(Exception):
    """The port is held by another process (the message says which port and what to do)."""


def _port_taken_message(host: str, port: int) -> str:
    return (
        f"port {port} on {host} is taken by another process (another Agent Server?): stop it, "
        f"or choose a free port with --port and give its URL to the SDK (base_url=... or LANGGRAPH_API_URL)"
    )


def _check_port_free(host: str, port: int) -> None:
    """Raise PortTaken when `host:port` cannot be bound.

    Bound without SO_REUSEADDR, as a second server would meet it: the check must fail
    exactly when the server's own bind would (or, for langgraph dev, when it would move).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortTaken(_port_taken_message(host, port)) from None
            raise


def _wait_for_interrupt() -> None:
    """Block until SIGINT or SIGTERM (Ctrl-C, or a supervisor stopping us)."""
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    stop.wait()


def serve_fake(host: str, port: int) -> None:
    from ._server import FakeAgentServer

    fake = FakeAgentServer(bundled_project.GRAPHS, list_channels=bundled_project.LIST_CHANNELS)
    # The fake's server sets SO_REUSEADDR (quick restarts in tests); the check binds without it,
    # so a port another process listens on is refused here with a message saying what to do.
    _check_port_free(host, port)
    try:
        served = fake.serve(port=port, host=host)
        base_url = served.__enter__()
    except OSError as error:  # taken between the check and the bind
        if error.errno == errno.EADDRINUSE:
            raise PortTaken(_port_taken_message(host, port)) from None
        raise
    try:
        print(f"FakeAgentServer (graph {bundled_project.GRAPH_ID!r}) serving on {base_url}; Ctrl-C stops it",
              flush=True)  # fmt: skip
        _wait_for_interrupt()
    finally:
        served.__exit__(None, None, None)
    print(f"stopped; it held {len(fake.threads)} thread(s)", flush=True)


def serve_dev(host: str, port: int, langgraph: Sequence[str] | None) -> None:
    from ._local_agent_server import LocalAgentServer

    _check_port_free(host, port)  # langgraph dev itself would move to another port instead
    server = LocalAgentServer(bundled_project.FOLDER, langgraph=langgraph, host=host, port=port)
    print(f"starting langgraph dev on {host}:{port} (the bundled project, in {server.name}'s temporary folder) ...",
          flush=True)  # fmt: skip
    with server:  # started here, stopped (its whole process group) on the way out
        print(f"langgraph dev (graph {bundled_project.GRAPH_ID!r}) serving on {server.base_url}; Ctrl-C stops it",
              flush=True)  # fmt: skip
        _wait_for_interrupt()
    print("stopped", flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m langsmith_threads_client.testing",
        description="Serve an Agent Server for trying the SDK's examples (they use http://127.0.0.1:2024).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fake = commands.add_parser("serve", help="the testing kit's FakeAgentServer, in memory (nothing to install)")
    dev = commands.add_parser("dev", help="the real langgraph dev on the bundled project (needs langgraph-cli[inmem])")
    for sub in (fake, dev):
        sub.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
        sub.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    dev.add_argument("--langgraph", help="the langgraph executable to run (default: beside this Python, or on PATH)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not 0 < args.port < 65536:
        print(f"error: --port must be from 1 to 65535, not {args.port}", file=sys.stderr)
        return 2
    try:
        if args.command == "serve":
            serve_fake(args.host, args.port)
        else:
            from ._local_agent_server import AgentServerError, AgentServerNotInstalled

            try:
                serve_dev(args.host, args.port, [args.langgraph] if args.langgraph else None)
            except AgentServerNotInstalled:  # its own words name the fixture, not this command
                print("error: dev runs langgraph dev, which is not installed: pip install 'langgraph-cli[inmem]' "
                      "(or name it with --langgraph PATH)", file=sys.stderr)  # fmt: skip
                return 1
            except AgentServerError as error:
                print(f"error: {error}", file=sys.stderr)
                return 1
    except PortTaken as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
