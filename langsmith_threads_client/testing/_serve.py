"""A FakeAgentServer over real HTTP/1.1 on loopback: the standard library's http.server, in background threads.

Imported by :meth:`FakeAgentServer.serve` only, so that importing the testing kit does not
load ``http.server`` (and the ``email`` package it brings).
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import struct
import threading
from types import TracebackType
from typing import Any

from ._exchange import Exchange, Incoming

__all__ = ["Served"]

# uvicorn's default: an idle keep-alive connection is closed after 5 s.
_KEEP_ALIVE_TIMEOUT = 5.0
_JOIN_TIMEOUT = 10.0
_MAX_CHUNK_LINE = 1024


class _Handler(http.server.BaseHTTPRequestHandler):
    """One connection: HTTP/1.1 with keep-alive, every request handed to the fake."""

    protocol_version = "HTTP/1.1"
    server_version = "langsmith-threads-client-fake"
    sys_version = ""
    timeout = _KEEP_ALIVE_TIMEOUT
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read fake.requests instead

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                line = self.rfile.readline(_MAX_CHUNK_LINE)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(_MAX_CHUNK_LINE) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(_MAX_CHUNK_LINE)
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        try:
            content = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        target = self.path
        if not target.startswith("/"):  # absolute form (a proxy's request line)
            after_scheme = target.partition("://")[2]
            target = "/" + after_scheme.partition("/")[2] if after_scheme else target
        host = self.headers.get("host") or "{}:{}".format(*self.server.server_address[:2])
        incoming = Incoming(self.command, target, list(self.headers.items()), content, f"http://{host}")
        outcome = self.server.fake._exchange(incoming)
        if outcome.delay and self.server.stopping.wait(outcome.delay):
            self.close_connection = True  # stopping: drop the connection rather than answer late
            return
        if outcome.action == "reset":
            self._reset()
            return
        if outcome.action == "close":
            self.close_connection = True  # a FIN, no answer
            return
        answer = outcome.answer
        assert answer is not None
        if answer.close:
            self.close_connection = True
        length = len(answer.body) if answer.content_length is None else answer.content_length
        lines = [f"HTTP/1.1 {answer.status} {_reason(answer.status)}"]
        lines.append(f"date: {self.date_time_string()}")
        lines.append(f"server: {self.server_version}")
        lines.extend(f"{name}: {value}" for name, value in answer.headers)
        lines.append(f"content-length: {length}")
        if self.close_connection:
            lines.append("connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + answer.body)

    def _reset(self) -> None:
        """Close the socket with an RST, before any byte of an answer."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # the file object holds a reference; the socket closes only without it
        self.connection.close()

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


class _HTTPServer(http.server.HTTPServer):
    """One thread per connection, each tracked so that stopping can shut it and join it."""

    request_queue_size = 2048  # uvicorn's backlog; socketserver's 5 stalls clients that connect in bursts

    def __init__(self, fake: Exchange, address: tuple[str, int], family: socket.AddressFamily) -> None:
        self.address_family = family
        self.fake = fake
        self.stopping = threading.Event()
        self.connections: dict[threading.Thread, socket.socket] = {}
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks the resolver for the host's full name: slow, and not needed.
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection, args=(request, client_address), name="fake-agent-server-connection"
        )
        thread.daemon = True
        with self.connections_lock:
            self.connections[thread] = request
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            pass  # a client that went away mid-request: nothing to report
        finally:
            self.shutdown_request(request)
            with self.connections_lock:
                self.connections.pop(threading.current_thread(), None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class Served:
    """``with fake.serve() as base_url:``: start on enter, stop (and join) on exit.

    Reusable: entering again after an exit starts a fresh server (a new port when port 0).
    """

    def __init__(self, fake: Exchange, host: str, port: int) -> None:
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an integer from 0 to 65535, not {port!r}")
        self._fake = fake
        self._host = host
        self._port = port
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url: str | None = None

    def __repr__(self) -> str:
        return f"<Served {self.base_url or 'stopped'}>"

    def __enter__(self) -> str:
        if self._server is not None:
            raise RuntimeError("this fake.serve() is already running")
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        server = _HTTPServer(self._fake, (self._host, self._port), family)
        port = server.server_port
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-agent-server", daemon=True
        )
        self._thread.start()
        host = f"[{self._host}]" if family == socket.AF_INET6 else self._host
        self.base_url = f"http://{host}:{port}"
        self._fake._serve_started(self.base_url)
        return self.base_url

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        server, thread, base_url = self._server, self._thread, self.base_url
        self._server = self._thread = None
        self.base_url = None
        if server is None or thread is None or base_url is None:
            return
        self._fake._serve_stopped(base_url)
        server.stopping.set()
        server.shutdown()  # the accept loop ends
        server.server_close()  # the listening socket closes
        thread.join(_JOIN_TIMEOUT)
        with server.connections_lock:
            open_connections = list(server.connections.items())
        for _, connection in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)  # wakes a thread waiting for the next request
        for connection_thread, _ in open_connections:
            connection_thread.join(_JOIN_TIMEOUT)
        left = [t for t, _ in open_connections if t.is_alive()] + ([thread] if thread.is_alive() else [])
        if left and exc_type is None:
            raise RuntimeError(f"fake.serve(): {len(left)} thread(s) did not stop within {_JOIN_TIMEOUT} s")
