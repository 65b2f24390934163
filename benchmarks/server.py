"""A canned HTTP/1.1 keep-alive server that answers ``POST /threads`` with a recorded Agent Server body.

It is meant to cost as little CPU as possible so that it is never the bottleneck: one process, one event loop
(uvloop when installed, else stdlib asyncio), an ``asyncio.Protocol`` that parses the request head and a
``Content-Length`` body minimally and writes one pre-built response. The response body is the one the real
server sent (``raw_body`` of ``thread_created.json`` in ``tests/fixtures/manifest.json``); when the request
names a ``thread_id`` (this SDK assigns one client-side), that id is spliced in, as the real server would echo
it, so the bodies stay the same length.

``GET /__stats`` returns ``{"cpu": <process CPU seconds>, "requests": <POSTs answered>, "connections": <accepted>}``
so that a client runner can measure the server's CPU over exactly its timed section.

Run: ``python -m benchmarks.server [--port 0]``; it prints one JSON line ``{"port": ..., "pid": ..., "loop": ...}``
on stdout once it listens, and exits on SIGTERM/SIGINT or when its parent process goes away.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from email.utils import formatdate
from typing import Any, cast

from benchmarks.payload import recorded_thread_body

_MAX_HEAD = 64 * 1024


class _Stats:
    __slots__ = ("connections", "requests")

    def __init__(self) -> None:
        self.requests = 0
        self.connections = 0


class _Responses:
    """Pre-built response bytes."""

    def __init__(self, body: bytes) -> None:
        thread = json.loads(body)
        recorded_id = str(thread["thread_id"]).encode()
        start = body.index(recorded_id)
        self.pre = body[:start]
        self.post = body[start + len(recorded_id) :]
        self.recorded_id = recorded_id
        self.head = _head(200, "OK", len(body), "application/json")
        self.not_found = _head(404, "Not Found", 0, "text/plain")
        self.bad_request = _head(400, "Bad Request", 0, "text/plain")

    def thread(self, request_body: bytes) -> bytes:
        tid = self.recorded_id
        i = request_body.find(b'"thread_id"')
        if i >= 0:
            q = request_body.find(b'"', i + 11)
            if q >= 0:
                candidate = request_body[q + 1 : q + 37]
                if len(candidate) == 36 and request_body[q + 37 : q + 38] == b'"':
                    tid = candidate.lower()
        return self.head + self.pre + tid + self.post


def _head(status: int, reason: str, length: int, content_type: str) -> bytes:
    # Headers as uvicorn would send them (date, server, content-length, content-type).
    return (
        f"HTTP/1.1 {status} {reason}\r\n"
        f"date: {formatdate(usegmt=True)}\r\n"
        "server: uvicorn\r\n"
        f"content-length: {length}\r\n"
        f"content-type: {content_type}\r\n"
        "\r\n"
    ).encode("latin-1")


class _HttpProtocol(asyncio.Protocol):
    __slots__ = ("_buf", "_responses", "_stats", "_transport")

    def __init__(self, responses: _Responses, stats: _Stats) -> None:
        self._responses = responses
        self._stats = stats
        self._buf = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self._transport = cast(asyncio.Transport, transport)
        self._stats.connections += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None

    def data_received(self, data: bytes) -> None:
        buf = self._buf + data if self._buf else data
        transport = self._transport
        if transport is None:
            return
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > _MAX_HEAD:
                    transport.write(self._responses.bad_request)
                    transport.close()
                    buf = b""
                break
            head = buf[:end].lower()
            length = 0
            i = head.find(b"\r\ncontent-length:")
            if i >= 0:
                j = head.find(b"\r\n", i + 17)
                try:
                    length = int(head[i + 17 : j if j >= 0 else len(head)])
                except ValueError:
                    transport.write(self._responses.bad_request)
                    transport.close()
                    buf = b""
                    break
            total = end + 4 + length
            if len(buf) < total:
                break
            body = buf[end + 4 : total]
            buf = buf[total:]
            if head.startswith(b"post /threads "):
                self._stats.requests += 1
                transport.write(self._responses.thread(body))
            elif head.startswith(b"get /__stats "):
                stats = json.dumps(
                    {
                        "cpu": time.process_time(),
                        "requests": self._stats.requests,
                        "connections": self._stats.connections,
                    }
                ).encode()
                transport.write(_head(200, "OK", len(stats), "application/json") + stats)
            else:
                transport.write(self._responses.not_found)
            if b"\r\nconnection: close" in head:
                transport.close()
                buf = b""
                break
        self._buf = buf


def _new_loop(kind: str) -> tuple[asyncio.AbstractEventLoop, str]:
    if kind in ("auto", "uvloop"):
        try:
            import uvloop
        except ImportError:
            if kind == "uvloop":
                raise
        else:
            loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
            return loop, "uvloop"
    return asyncio.new_event_loop(), "asyncio"


async def _serve(host: str, port: int, loop_name: str) -> None:
    loop = asyncio.get_running_loop()
    responses = _Responses(recorded_thread_body())
    stats = _Stats()
    server = await loop.create_server(lambda: _HttpProtocol(responses, stats), host, port, backlog=1024)
    sock_port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    parent = os.getppid()

    def watch_parent() -> None:
        if os.getppid() != parent:
            stop.set()
        else:
            loop.call_later(1.0, watch_parent)

    loop.call_later(1.0, watch_parent)
    info: dict[str, Any] = {"port": sock_port, "pid": os.getpid(), "loop": loop_name}
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (default): a free port")
    parser.add_argument("--loop", choices=("auto", "uvloop", "asyncio"), default="auto")
    args = parser.parse_args(argv)
    loop, loop_name = _new_loop(args.loop)
    try:
        loop.run_until_complete(_serve(args.host, args.port, loop_name))
    finally:
        loop.close()


if __name__ == "__main__":
    main()
