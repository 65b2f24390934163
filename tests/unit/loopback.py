"""Small misbehaving HTTP servers on 127.0.0.1, for the transports' own tests.

``async with loopback(handler) as server`` serves each connection with ``handler(conn)``
on a real socket; ``server.url`` is its /threads URL, ``server.requests`` the request
heads it read and ``server.peak`` the most connections it had open at once.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.unit.mocks import real_thread_body

__all__ = ["Conn", "Server", "loopback", "thread_for", "thread_response"]


def thread_response(thread_id: str | None = None, **headers: str) -> bytes:
    """A complete 200 with a real thread body (for `thread_id` when given), keep-alive."""
    body = real_thread_body(**({"thread_id": thread_id} if thread_id else {}))
    return response(200, json.dumps(body).encode(), **headers)


def thread_for(request_body: bytes, **headers: str) -> bytes:
    """A complete 200 with a real thread body for the thread the request named, keep-alive."""
    return thread_response(json.loads(request_body)["thread_id"], **headers)


def response(status: int, body: bytes = b"", reason: str = "", **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason or 'X'}", f"content-length: {len(body)}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    if body:
        lines.append("content-type: application/json")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass
class Conn:
    """One accepted connection."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    server: Server

    async def read_request(self) -> tuple[str, bytes] | None:
        """The next request's head (decoded) and body, or None when the client closed."""
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        text = head.decode("latin-1")
        length = 0
        for line in text.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = await self.reader.readexactly(length)
        self.server.requests.append(text)
        self.server.bodies.append(body)
        return text, body

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    def reset(self) -> None:
        """Close with RST instead of FIN."""
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


@dataclass
class Server:
    port: int = 0
    requests: list[str] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    open_now: int = 0
    peak: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


Handler = Callable[[Conn], Awaitable[None]]


async def answer_each(conn: Conn, answer: bytes | Callable[[str, bytes], bytes]) -> None:
    """Keep-alive: answer every request on the connection until the client closes it."""
    while (request := await conn.read_request()) is not None:
        await conn.send(answer if isinstance(answer, bytes) else answer(*request))


@asynccontextmanager
async def loopback(handler: Handler) -> AsyncIterator[Server]:
    server = Server()
    tasks: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        server.open_now += 1
        server.peak = max(server.peak, server.open_now)
        try:
            await handler(Conn(reader, writer, server))
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # a client that went away, or the server stopping (asyncio logs a cancelled handler as an error)
        finally:
            server.open_now -= 1
            writer.close()
            tasks.discard(task)

    listener = await asyncio.start_server(serve, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    try:
        yield server
    finally:
        listener.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await listener.wait_closed()
