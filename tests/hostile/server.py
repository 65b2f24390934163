"""A small raw-socket HTTP server on 127.0.0.1 that misbehaves on purpose, one way per path.

A client's base URL is ``http://127.0.0.1:PORT/<client kind>/<scenario>``, so its requests
arrive as ``POST /<kind>/<scenario>/threads``: the scenario names the misbehaviour, and the
kind keeps the per-path request counters of clients that run at the same time apart. Every
answer is written from small repeated buffers (an endless body costs the server nothing to
make), and each connection is served on a daemon thread that stops when the client goes
away or the server stops.
"""

from __future__ import annotations

import gzip
import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from functools import cache

__all__ = ["BOMB_BYTES", "HANDLERS", "HostileServer", "gzip_bomb"]

MiB = 1 << 20
BOMB_BYTES = 512 * MiB  # what the gzip bomb inflates to
BIG_BODY = 300 * 1000 * 1000  # the 300 MB answers
_SPACES = b" " * MiB


def _thread_body(request_body: bytes) -> bytes:
    """A valid Thread for the thread the request named, as the real server answers."""
    thread_id = json.loads(request_body)["thread_id"] if request_body else "01a211e4-a985-7792-8a15-bb08f85220a9"
    stamp = "2026-11-25T08:48:48.005816+00:00"
    body: dict[str, object] = {
        "thread_id": thread_id,
        "created_at": stamp,
        "updated_at": stamp,
        "state_updated_at": stamp,
        "metadata": {},
        "status": "idle",
        "config": {},
        "values": None,
    }
    return json.dumps(body).encode()


@cache
def gzip_bomb(size: int) -> bytes:
    """A valid gzip member of `size` zero bytes, built from one repeated deflate block (cheap)."""
    block = bytes(MiB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    middle = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    # Once the window holds only zeros, every further MiB compresses to the same bytes.
    assert compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH) == middle
    tail = compressor.flush()
    crc = 0
    for _ in range(size // MiB):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return header + head + middle * (size // MiB - 1) + tail + trailer


def _head(status: str, *headers: str) -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *headers]) + "\r\n\r\n").encode()


class Conn:
    """One accepted connection: the request it carried and the socket to answer on."""

    def __init__(self, sock: socket.socket, server: HostileServer) -> None:
        self.sock = sock
        self.server = server
        self.path = ""
        self.body = b""
        self.number = 0  # this request's number on its path (1 for the first)

    def read_request(self, body: bool = True) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                return False
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.path = lines[0].split(" ")[1]
        length = next(
            (int(v) for k, _, v in (line.partition(":") for line in lines[1:]) if k.lower() == "content-length"), 0
        )
        if body:
            while len(rest) < length:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return False
                rest += chunk
            self.body = rest[:length]
        self.number = self.server.count(self.path)
        return True

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def forever(self, piece: bytes, pause: float = 0.0) -> None:
        """Send `piece` again and again until the client goes away or the server stops."""
        while not self.server.stopping.is_set():
            self.sock.sendall(piece)
            if pause:
                time.sleep(pause)

    def hold(self) -> None:
        """Keep the connection open, silent, until the client goes away or the server stops."""
        self.sock.settimeout(0.1)
        while not self.server.stopping.is_set():
            try:
                if self.sock.recv(65536) == b"":
                    return
            except TimeoutError:
                continue


# --- the misbehaviours, one per scenario --------------------------------------------------------


def gzip_bomb_200(conn: Conn) -> None:
    bomb = gzip_bomb(BOMB_BYTES)
    conn.send(
        _head("200 OK", "content-type: application/json", "content-encoding: gzip", f"content-length: {len(bomb)}")
        + bomb
    )
    conn.hold()


def endless_chunked(conn: Conn) -> None:
    conn.send(_head("200 OK", "content-type: application/json", "transfer-encoding: chunked"))
    conn.forever(b"%x\r\n" % MiB + _SPACES + b"\r\n")


def huge_html_500(conn: Conn) -> None:
    conn.send(_head("500 Internal Server Error", "content-type: text/html", f"content-length: {BIG_BODY}"))
    page = (b"<p>" + b"x" * 1017 + b"</p>\n") * 1024  # 1 MiB of HTML
    for _ in range(BIG_BODY // len(page)):
        conn.send(page)
        if conn.server.stopping.is_set():
            return
    conn.send(b" " * (BIG_BODY % len(page)))
    conn.hold()


def huge_valid_200(conn: Conn) -> None:
    thread = _thread_body(conn.body)
    conn.send(_head("200 OK", "content-type: application/json", f"content-length: {BIG_BODY + len(thread)}"))
    for _ in range(BIG_BODY // MiB):
        conn.send(_SPACES)
    conn.send(_SPACES[: BIG_BODY % MiB] + thread)
    conn.hold()


def many_headers(conn: Conn) -> None:
    conn.send(b"HTTP/1.1 200 OK\r\n" + b"x-h: v\r\n" * 200_000 + b"content-length: 0\r\n\r\n")
    conn.hold()


def drip(conn: Conn) -> None:
    thread = _thread_body(conn.body)
    answer = _head("200 OK", "content-type: application/json", f"content-length: {len(thread)}") + thread
    for byte in answer:
        conn.send(bytes([byte]))
        time.sleep(0.1)
        if conn.server.stopping.is_set():
            return


def chunk_size_past_2_63(conn: Conn) -> None:
    conn.send(_head("200 OK", "content-type: application/json", "transfer-encoding: chunked"))
    conn.send(b"%x\r\n" % (1 << 64))
    conn.forever(_SPACES)


def content_length_smaller(conn: Conn) -> None:
    thread = _thread_body(conn.body)
    conn.send(_head("200 OK", "content-type: application/json", f"content-length: {len(thread) // 2}") + thread)
    conn.hold()


def content_length_larger(conn: Conn) -> None:
    thread = _thread_body(conn.body)
    conn.send(_head("200 OK", "content-type: application/json", f"content-length: {len(thread) * 2}") + thread)
    conn.hold()


def endless_1xx(conn: Conn) -> None:
    conn.forever(b"HTTP/1.1 100 Continue\r\n\r\n" * 64, pause=0.001)


def endless_status_line(conn: Conn) -> None:
    conn.send(b"HTTP/1.1 200 ")
    conn.forever(b"O" * 1024, pause=0.001)


def endless_header(conn: Conn) -> None:
    conn.send(b"HTTP/1.1 200 OK\r\nx-long: ")
    conn.forever(b"a" * 1024, pause=0.001)


def never_reads(conn: Conn) -> None:
    # Accepts, reads nothing (not even the head: the request waits in the kernel's buffers).
    while not conn.server.stopping.wait(0.1):
        pass


def redirect_to_bomb(conn: Conn) -> None:
    kind = conn.path.split("/")[1]
    conn.send(_head("307 Temporary Redirect", f"location: /{kind}/bomb_target/threads", "content-length: 0"))
    if conn.read_request():  # the client follows on the same connection
        gzip_bomb_1gib(conn)


def gzip_1gib_target(conn: Conn) -> None:
    gzip_bomb_1gib(conn)


def gzip_bomb_1gib(conn: Conn) -> None:
    bomb = gzip_bomb(2 * BOMB_BYTES)  # about 1 MB of gzip
    conn.send(
        _head("200 OK", "content-type: application/json", "content-encoding: gzip", f"content-length: {len(bomb)}")
        + bomb
    )
    conn.hold()


def gzip_ten_deep(conn: Conn) -> None:
    body = _thread_body(conn.body)
    for _ in range(10):
        body = gzip.compress(body)
    encodings = ", ".join(["gzip"] * 10)
    conn.send(
        _head(
            "200 OK", "content-type: application/json", f"content-encoding: {encodings}", f"content-length: {len(body)}"
        )
        + body
    )
    conn.hold()


def _lost_then_conflict(conn: Conn) -> bool:
    """The first attempt is lost (read, then dropped); the retry meets 409: the SDK's recovery fetch follows."""
    if conn.number == 1:
        return False
    conflict = b'{"detail":"Thread already exists"}'
    conn.send(_head("409 Conflict", "content-type: application/json", f"content-length: {len(conflict)}") + conflict)
    return conn.read_request()  # the recovery fetch, on the same connection


def recovery_bomb(conn: Conn) -> None:
    if _lost_then_conflict(conn):
        gzip_bomb_1gib(conn)


def recovery_endless(conn: Conn) -> None:
    if _lost_then_conflict(conn):
        endless_chunked(conn)


def valid(conn: Conn) -> None:
    thread = _thread_body(conn.body)
    conn.send(_head("200 OK", "content-type: application/json", f"content-length: {len(thread)}") + thread)
    conn.hold()


def valid_gzip(conn: Conn) -> None:
    body = gzip.compress(_thread_body(conn.body))
    conn.send(
        _head("200 OK", "content-type: application/json", "content-encoding: gzip", f"content-length: {len(body)}")
        + body
    )
    conn.hold()


HANDLERS: dict[str, Callable[[Conn], None]] = {
    "gzip_bomb_200": gzip_bomb_200,
    "endless_chunked": endless_chunked,
    "huge_html_500": huge_html_500,
    "huge_valid_200": huge_valid_200,
    "many_headers": many_headers,
    "drip": drip,
    "drip_retried": drip,
    "chunk_size_past_2_63": chunk_size_past_2_63,
    "content_length_smaller": content_length_smaller,
    "content_length_larger": content_length_larger,
    "endless_1xx": endless_1xx,
    "endless_status_line": endless_status_line,
    "endless_header": endless_header,
    "never_reads": never_reads,
    "redirect_to_bomb": redirect_to_bomb,
    "bomb_target": gzip_1gib_target,
    "gzip_ten_deep": gzip_ten_deep,
    "recovery_bomb": recovery_bomb,
    "recovery_endless": recovery_endless,
    "valid": valid,
    "valid_gzip": valid_gzip,
}
# Scenarios whose handler reads no request itself.
_NO_READ = frozenset({"never_reads"})


class HostileServer:
    """``with HostileServer() as server:`` serves HANDLERS on ``server.port``; stops on exit."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Small receive buffers (inherited by accepted sockets) make a server that never reads
        # the request push back on the client's write after a few MB, not tens.
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port: int = self._listener.getsockname()[1]
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._socks: set[socket.socket] = set()
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def base_url(self, kind: str, scenario: str) -> str:
        return f"http://127.0.0.1:{self.port}/{kind}/{scenario}"

    def count(self, path: str) -> int:
        with self._lock:
            self._counts[path] = self._counts.get(path, 0) + 1
            return self._counts[path]

    def __enter__(self) -> HostileServer:
        gzip_bomb(BOMB_BYTES), gzip_bomb(2 * BOMB_BYTES)  # built before any client waits on them
        self._acceptor.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self._listener.close()
        with self._lock:
            socks = list(self._socks)
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._acceptor.join(5)

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._socks.add(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        conn = Conn(sock, self)
        try:
            scenario = self._peek_scenario(sock)
            if scenario in _NO_READ:
                never_reads(conn)
            elif conn.read_request():
                HANDLERS[conn.path.split("/")[2]](conn)
        except OSError:
            pass  # the client went away: the point of most scenarios
        finally:
            with self._lock:
                self._socks.discard(sock)
            sock.close()

    def _peek_scenario(self, sock: socket.socket) -> str:
        """The scenario of the request waiting on `sock`, without taking it off the socket."""
        sock.settimeout(5)
        data = b""
        while b"\r\n" not in data:
            data = sock.recv(256, socket.MSG_PEEK)
            if not data:
                return ""
            if b"\r\n" not in data:
                time.sleep(0.001)
        sock.settimeout(None)
        parts = data.split(b" ")[1].split(b"/")
        return parts[2].decode() if len(parts) > 2 else ""
