"""A fault-injecting loopback HTTP/1.1 proxy between the SDK and the real Agent Server.

::

    with FaultProxy(server.base_url) as proxy:
        proxy.script(Fault.DROP_AFTER_FORWARD, Fault.STATUS_503)   # the next two requests
        client = ThreadsClient(proxy.base_url)
        ...
        proxy.stats()   # requests, forwarded, faults by kind

The proxy is a small asyncio server running on its own event loop in a daemon thread.
It speaks HTTP/1.1 with keep-alive to the client (the SDK reuses connections) and
forwards over a small pool of keep-alive connections to the upstream server. For each
request it takes the next action from a script (a FIFO of :class:`Fault` /
:class:`Redirect`); when the script is empty it draws a fault with probability
``rate`` from a seeded RNG (for load runs), else forwards normally.

Faults (``forwarded`` = the upstream server saw the request, so the thread exists):

==========================  =========  ====================================================
kind                        forwarded  what the client sees
==========================  =========  ====================================================
``DROP_BEFORE_FORWARD``     no         the connection closes, no response
``DROP_AFTER_FORWARD``      yes        the connection closes, no response
``DELAY``                   yes        the response only after ``delay`` seconds (past the
                                       client's timeout)
``STATUS_503``              no         ``503`` with ``Retry-After: 0`` (``retry_after``)
``STATUS_429``              no         ``429`` with ``Retry-After: 0`` (``retry_after``)
``STATUS_502``              yes        ``502`` (a gateway that lost the server's answer)
``STATUS_500``              yes        ``500`` (a server that acted, then failed)
``STATUS_504``              yes        ``504`` (a gateway that timed out on a server that
                                       finished)
``STORE_ONLY_500``          yes, with  ``500``: the server stored the thread but failed
                            no super-  before its supersteps (they are stripped from the
                            steps      forwarded body, so any kind shows it)
``RESET_MID_RESPONSE``      yes        status line, headers and half the body, then RST
``TRUNCATED_BODY``          yes        the upstream status and headers (its Content-Length)
                                       and half the body, then a clean close (FIN)
``NON_JSON_200``            yes        a complete ``200`` whose body (``text/html``, exact
                                       Content-Length) is not JSON; keep-alive
``Redirect(location)``      no         ``307``/``308`` to ``location``; keep-alive
==========================  =========  ====================================================

Everything is bounded: header and body sizes, the request log, and ``stop()`` cancels
every connection (including ones sleeping in a ``DELAY``) and joins the thread.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import enum
import json
import random
import socket
import struct
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

__all__ = ["Fault", "FaultProxy", "ProxyStats", "Redirect", "RequestRecord"]

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_LOG = 100_000
# uvicorn closes idle keep-alive connections after 5 s; never reuse one idle for this long.
UPSTREAM_IDLE_REUSE = 2.0
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)
REASONS = {
    200: "OK",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
# The answers that replace the server's, after it acted: the dev server's own crash page for a
# 500 (uvicorn's), a gateway's words for the others.
_AFTER_FORWARD = {
    "status_500": (500, "text/plain; charset=utf-8", b"Internal Server Error"),
    "status_502": (502, "text/plain", b"bad gateway"),
    "status_504": (504, "text/plain", b"gateway timeout"),
    "store_only_500": (500, "text/plain; charset=utf-8", b"Internal Server Error"),
}


class Fault(enum.StrEnum):
    NONE = "none"
    DROP_BEFORE_FORWARD = "drop_before_forward"
    DROP_AFTER_FORWARD = "drop_after_forward"
    DELAY = "delay"
    STATUS_503 = "status_503"
    STATUS_429 = "status_429"
    STATUS_502 = "status_502"
    STATUS_500 = "status_500"
    STATUS_504 = "status_504"
    STORE_ONLY_500 = "store_only_500"
    RESET_MID_RESPONSE = "reset_mid_response"
    TRUNCATED_BODY = "truncated_body"
    NON_JSON_200 = "non_json_200"

    @property
    def forwards(self) -> bool:
        """Does the upstream server see the request under this fault?"""
        return self not in (Fault.DROP_BEFORE_FORWARD, Fault.STATUS_503, Fault.STATUS_429)


@dataclass(frozen=True)
class Redirect:
    """Answer ``status`` with ``Location: location`` without forwarding."""

    location: str
    status: int = 307

    @property
    def kind(self) -> str:
        return f"redirect_{self.status}"


Action = Fault | Redirect


@dataclass(frozen=True)
class RequestRecord:
    """One request the proxy received (headers lower-cased), and what it did with it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    action: str
    upstream_status: int | None


@dataclass(frozen=True)
class ProxyStats:
    requests: int
    forwarded: int
    faults: dict[str, int]
    upstream_errors: int
    connections: int

    @property
    def faults_total(self) -> int:
        return sum(self.faults.values())


@dataclass
class _Request:
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


@dataclass
class _Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def head(self, content_length: int | None = None) -> bytes:
        length = len(self.body) if content_length is None else content_length
        lines = [f"HTTP/1.1 {self.status} {self.reason}"]
        lines += [f"{k}: {v}" for k, v in self.headers if k.lower() not in HOP_BY_HOP]
        lines.append(f"content-length: {length}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def encode(self) -> bytes:
        return self.head() + self.body


@dataclass
class _Upstream:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)


class _ProtocolError(Exception):
    pass


async def _read_head(reader: asyncio.StreamReader) -> bytes | None:
    """The header block up to and including the blank line, or None at a clean EOF."""
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise _ProtocolError("connection closed inside a header block") from None
    except asyncio.LimitOverrunError:
        raise _ProtocolError("header block too large") from None


def _parse_headers(lines: Sequence[bytes]) -> list[tuple[str, str]]:
    headers = []
    for raw in lines:
        if not raw:
            continue
        name, sep, value = raw.decode("latin-1").partition(":")
        if not sep:
            raise _ProtocolError(f"bad header line {raw!r}")
        headers.append((name.strip(), value.strip()))
    return headers


async def _read_body(reader: asyncio.StreamReader, headers: Sequence[tuple[str, str]], *, until_eof: bool) -> bytes:
    lower = {k.lower(): v for k, v in headers}
    if "chunked" in lower.get("transfer-encoding", "").lower():
        chunks: list[bytes] = []
        size_total = 0
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                    pass
                return b"".join(chunks)
            size_total += size
            if size_total > MAX_BODY_BYTES:
                raise _ProtocolError("body too large")
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    if "content-length" in lower:
        length = int(lower["content-length"])
        if length > MAX_BODY_BYTES:
            raise _ProtocolError("body too large")
        return await reader.readexactly(length)
    if until_eof:
        return await reader.read(MAX_BODY_BYTES)
    return b""


def _without_supersteps(body: bytes) -> bytes:
    """The create's body as a server that stored the thread and never reached its supersteps acts on it."""
    payload = json.loads(body)
    payload.pop("supersteps", None)
    return json.dumps(payload).encode()


class FaultProxy:
    """A scriptable, fault-injecting HTTP/1.1 proxy on ``127.0.0.1`` (see the module doc)."""

    def __init__(
        self,
        upstream: str | None,
        *,
        rate: float = 0.0,
        kinds: Iterable[Fault] = (),
        seed: int = 0,
        delay: float = 1.0,
        retry_after: str = "0",
        host: str = "127.0.0.1",
        stop_timeout: float = 10.0,
    ) -> None:
        """``upstream`` None: a recording endpoint that answers every forward with 404."""
        if upstream is not None:
            parts = urlsplit(upstream)
            if parts.scheme != "http" or not parts.hostname or not parts.port:
                raise ValueError(f"upstream must be http://host:port, got {upstream!r}")
            self._upstream_addr: tuple[str, int] | None = (parts.hostname, parts.port)
        else:
            self._upstream_addr = None
        self.rate = rate
        self.kinds = tuple(kinds)
        if rate and not self.kinds:
            raise ValueError("a fault rate needs the fault kinds to draw from")
        self.delay = delay
        self.retry_after = retry_after
        self.host = host
        self.port: int | None = None
        self.stop_timeout = stop_timeout
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._script: collections.deque[Action] = collections.deque()
        self._log: collections.deque[RequestRecord] = collections.deque(maxlen=MAX_LOG)
        self._requests = 0
        self._forwarded = 0
        self._upstream_errors = 0
        self._connections = 0
        self._in_flight = 0
        self._faults: collections.Counter[str] = collections.Counter()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle: list[_Upstream] = []

    # ---------------------------------------------------------------- control
    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("proxy not started")
        return f"http://{self.host}:{self.port}"

    def script(self, *actions: Action) -> None:
        """Queue actions for the next requests, in order (before any random fault)."""
        with self._lock:
            self._script.extend(actions)

    def pending(self) -> int:
        with self._lock:
            return len(self._script)

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def stats(self) -> ProxyStats:
        with self._lock:
            return ProxyStats(
                requests=self._requests,
                forwarded=self._forwarded,
                faults=dict(self._faults),
                upstream_errors=self._upstream_errors,
                connections=self._connections,
            )

    def wait_quiet(self, timeout: float = 5.0) -> None:
        """Wait until no forward is in progress (so the server's state is final)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if self._in_flight == 0:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError("proxy still forwarding")
            time.sleep(0.005)

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("already started")
        loop = asyncio.new_event_loop()
        self._loop = loop
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._listen())
            except BaseException as exc:
                ready.set_exception(exc)
                return
            ready.set_result(None)
            try:
                loop.run_forever()
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name=f"fault-proxy-{id(self):x}", daemon=True)
        self._thread.start()
        ready.result(timeout=self.stop_timeout)
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=self.stop_timeout)
                loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=self.stop_timeout)
        if thread.is_alive():
            raise RuntimeError("fault proxy thread did not stop")
        self._loop = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<FaultProxy {self.port and self.base_url} -> {self._upstream_addr} {self.stats()}>"

    # ------------------------------------------------------------- internals
    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, self.host, 0, limit=MAX_HEADER_BYTES, backlog=512, reuse_address=True
        )
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = [task for task in self._tasks if not task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for conn in self._idle:
            conn.writer.close()
        self._idle.clear()
        if self._server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)

    def _next_action(self) -> Action:
        with self._lock:
            if self._script:
                return self._script.popleft()
        if self.rate and self._rng.random() < self.rate:
            return self._rng.choice(self.kinds)
        return Fault.NONE

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        with self._lock:
            self._connections += 1
        try:
            while await self._serve_one(reader, writer):
                pass
        except (ConnectionError, _ProtocolError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        except asyncio.CancelledError:
            pass  # stop(): end quietly (asyncio's stream callback would log a cancelled task)
        finally:
            self._tasks.discard(task)
            if not writer.is_closing():
                writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Read one request, act on it; True to keep the connection for another request."""
        head = await _read_head(reader)
        if head is None:
            return False
        lines = head[:-4].split(b"\r\n")
        method, target, version = lines[0].decode("latin-1").split(" ", 2)
        request = _Request(method, target, version, _parse_headers(lines[1:]), b"")
        request.body = await _read_body(reader, request.headers, until_eof=False)
        action = self._next_action()
        kind = action.kind if isinstance(action, Redirect) else action.value
        with self._lock:
            self._requests += 1
            if action is not Fault.NONE:
                self._faults[kind] += 1
        keep_alive = (request.header("connection") or "").lower() != "close"

        upstream: _Response | None = None
        if isinstance(action, Redirect):
            reply = _Response(
                action.status, REASONS.get(action.status, "Redirect"), [("location", action.location)], b""
            )
        elif not action.forwards:
            reply = self._refusal(action)
        else:
            if action is Fault.STORE_ONLY_500:
                request.body = _without_supersteps(request.body)
            upstream = await self._forward(request)
            reply = upstream
        self._record(request, kind, upstream)

        if action is Fault.DROP_BEFORE_FORWARD or action is Fault.DROP_AFTER_FORWARD:
            return False  # close without a word
        if action is Fault.DELAY:
            await asyncio.sleep(self.delay)
        elif isinstance(action, Fault) and action.value in _AFTER_FORWARD:
            status, content_type, text = _AFTER_FORWARD[action.value]
            reply = _Response(status, REASONS[status], [("content-type", content_type)], text)
        elif action is Fault.NON_JSON_200:
            reply = _Response(200, "OK", [("content-type", "text/html")], b"<html><body>upstream hiccup</body></html>")
        if action not in (Fault.RESET_MID_RESPONSE, Fault.TRUNCATED_BODY):
            writer.write(reply.encode())
            await writer.drain()
            return keep_alive
        # RESET_MID_RESPONSE / TRUNCATED_BODY: the declared length, half the body, then close.
        half = max(1, len(reply.body) // 2)
        writer.write(reply.head(content_length=max(len(reply.body), half + 1)) + reply.body[:half])
        await writer.drain()
        await asyncio.sleep(0.02)  # let the client read the partial response first
        if action is Fault.RESET_MID_RESPONSE:
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()  # close() with SO_LINGER 0: RST
        return False

    def _refusal(self, action: Fault) -> _Response:
        if action is Fault.STATUS_503:
            status = 503
        elif action is Fault.STATUS_429:
            status = 429
        else:
            status = 502  # DROP_BEFORE_FORWARD never writes it
        body = f'{{"detail":"injected {status}"}}'.encode()
        return _Response(
            status, REASONS[status], [("content-type", "application/json"), ("retry-after", self.retry_after)], body
        )

    def _record(self, request: _Request, kind: str, upstream: _Response | None) -> None:
        record = RequestRecord(
            method=request.method,
            target=request.target,
            headers={k.lower(): v for k, v in request.headers},
            body=request.body,
            action=kind,
            upstream_status=upstream.status if upstream is not None else None,
        )
        with self._lock:
            self._log.append(record)

    async def _forward(self, request: _Request) -> _Response:
        with self._lock:
            self._in_flight += 1
        try:
            if self._upstream_addr is None:
                with self._lock:
                    self._forwarded += 1
                return _Response(404, "Not Found", [("content-type", "application/json")], b'{"detail":"no upstream"}')
            try:
                response = await self._exchange(request)
            except (OSError, _ProtocolError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                with self._lock:
                    self._upstream_errors += 1
                body = f'{{"detail":"proxy upstream error: {type(exc).__name__}"}}'.encode()
                return _Response(502, "Bad Gateway", [("content-type", "application/json")], body)
            with self._lock:
                self._forwarded += 1
            return response
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _connection(self) -> _Upstream:
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if now - conn.idle_since < UPSTREAM_IDLE_REUSE and not conn.reader.at_eof():
                return conn
            conn.writer.close()
        assert self._upstream_addr is not None
        reader, writer = await asyncio.open_connection(*self._upstream_addr, limit=MAX_HEADER_BYTES)
        return _Upstream(reader, writer)

    async def _exchange(self, request: _Request) -> _Response:
        assert self._upstream_addr is not None
        conn = await self._connection()
        host, port = self._upstream_addr
        lines = [f"{request.method} {request.target} HTTP/1.1", f"host: {host}:{port}"]
        lines += [f"{k}: {v}" for k, v in request.headers if k.lower() not in HOP_BY_HOP and k.lower() != "host"]
        lines.append(f"content-length: {len(request.body)}")
        try:
            conn.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + request.body)
            await conn.writer.drain()
            head = await _read_head(conn.reader)
            if head is None:
                raise _ProtocolError("upstream closed the connection")
            status_line, *header_lines = head[:-4].split(b"\r\n")
            _, status, reason = [*status_line.decode("latin-1").split(" ", 2), ""][:3]
            headers = _parse_headers(header_lines)
            lower = {k.lower(): v.lower() for k, v in headers}
            body = await _read_body(conn.reader, headers, until_eof=True)
        except BaseException:
            conn.writer.close()
            raise
        # uvicorn drops the connection after a crash's 500 without saying so: never reuse it.
        if lower.get("connection") == "close" or conn.reader.at_eof() or status.startswith("5"):
            conn.writer.close()
        else:
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
        return _Response(int(status), reason, headers, body)
