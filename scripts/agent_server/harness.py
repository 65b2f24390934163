"""Start and stop a real LangGraph Agent Server (``langgraph dev``) for tests.

Plain Python, no pytest dependency::

    from scripts.agent_server.harness import AgentServer

    with AgentServer() as server:
        print(server.base_url)            # http://127.0.0.1:<free port>
        server.search_threads(metadata={"user": "u1"})

What it does:

* copies ``langgraph.json`` and ``graph.py`` (graph id ``echo``) into a fresh
  temporary directory, because the in-memory server keeps its threads in
  ``./.langgraph_api/`` of its working directory across restarts;
* picks a free loopback port (bind ``127.0.0.1:0``, read it, close) and runs
  ``langgraph dev --host 127.0.0.1 --port P --no-browser --no-reload`` in its own
  process group, offline (no tracing, no analytics, no version check), with
  stdout and stderr going to ``server.log`` in that directory;
* waits until ``GET /ok`` answers 200 ``{"ok": true, ...}`` on exactly that port,
  failing fast with the log's tail if the process exits, and loudly if
  ``langgraph dev`` moved to another port (it does so silently when the port is
  busy) or if the socket on the port is not owned by the process it started;
* on ``stop()`` sends SIGTERM to the process group, waits, then SIGKILL, and
  verifies that no process of the group is left and that the port is closed.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx2

__all__ = ["GRAPH_ID", "HEALTH_PATH", "AgentServer", "AgentServerError", "PortMovedError", "find_free_port"]

HERE = Path(__file__).resolve().parent
GRAPH_ID = "echo"
HEALTH_PATH = "/ok"
PROJECT_FILES = ("langgraph.json", "graph.py")

# Environment for the server process: no tracing, no analytics, no PyPI
# version check, no colours in the log, unbuffered output.
OFFLINE_ENV = {
    "LANGSMITH_TRACING": "false",
    "LANGSMITH_TRACING_V2": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "LANGCHAIN_TRACING": "false",
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    "LANGGRAPH_NO_VERSION_CHECK": "true",
    "LOG_COLOR": "false",
    "LOG_LEVEL": "INFO",
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "NO_COLOR": "1",
}
# Removed from the server's environment so that nothing tries to reach
# LangSmith / the license beacon, and so a developer's real key is never used.
SCRUBBED_ENV = (
    "LANGSMITH_API_KEY",
    "LANGCHAIN_API_KEY",
    "LANGSMITH_ENDPOINT",
    "LANGCHAIN_ENDPOINT",
    "LANGGRAPH_CLOUD_LICENSE_KEY",
    "LANGSMITH_CONTROL_PLANE_API_KEY",
    "LANGGRAPH_API_URL",
    "LANGGRAPH_AUTH",
    "LANGSERVE_GRAPHS",
    "MOUNT_PREFIX",
    "LANGGRAPH_MOUNT_PREFIX",
    "DATABASE_URI",
    "REDIS_URI",
    "POSTGRES_URI",
)

_PORT_MOVED_RE = re.compile(r"Port (\d+) is already in use, using port (\d+) instead")
_API_URL_RE = re.compile(r"API:\s*(?:\x1b\[[0-9;]*m)?(https?://[^\s\x1b]+)")


class AgentServerError(RuntimeError):
    """The server could not be started, is not where we expect it, or would not stop."""


class PortMovedError(AgentServerError):
    """``langgraph dev`` found our port busy and silently listened on another one."""


def find_free_port(host: str = "127.0.0.1") -> int:
    """Bind ``host:0``, read the port the kernel chose, close the socket."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _langgraph_command() -> list[str]:
    exe = Path(sys.executable).parent / "langgraph"
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe)]
    found = shutil.which("langgraph")
    if found:
        return [found]
    try:  # same interpreter, without the console script
        import langgraph_cli  # noqa: F401
    except ImportError as exc:
        raise AgentServerError(
            "cannot find the `langgraph` executable next to "
            f"{sys.executable} nor on PATH, and langgraph_cli is not importable; "
            "install the test extras: pip install 'langgraph-cli[inmem]'"
        ) from exc
    return [sys.executable, "-m", "langgraph_cli"]


def _process_group_members(pgid: int) -> list[int]:
    """PIDs (other than zombies) whose process group is ``pgid``; Linux /proc only."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may contain spaces/parens.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) >= 3 and int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _listening_inodes(port: int) -> set[str] | None:
    """Socket inodes listening on ``port`` (IPv4/IPv6), or None without /proc/net."""
    inodes: set[str] = set()
    seen_table = False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        seen_table = True
        for line in lines:
            parts = line.split()
            if len(parts) < 10:
                continue
            local, state, inode = parts[1], parts[3], parts[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                inodes.add(inode)
    return inodes if seen_table else None


def _socket_inodes_of(pids: Sequence[int]) -> set[str]:
    inodes: set[str] = set()
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        try:
            fds = list(fd_dir.iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    return inodes


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: have the kernel SIGTERM the server if the test process dies (even by SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _port_accepts(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


class AgentServer:
    """A ``langgraph dev`` server in a temporary directory on a free loopback port.

    Use as a context manager, or call :meth:`start` / :meth:`stop`.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        startup_timeout: float = 60.0,
        stop_timeout: float = 15.0,
        project_dir: str | os.PathLike[str] | None = None,
        keep_workdir: bool = False,
        env: Mapping[str, str] | None = None,
        port_attempts: int = 3,
    ) -> None:
        self.host = host
        self._requested_port = port
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.project_dir = Path(project_dir) if project_dir else HERE
        self.keep_workdir = keep_workdir
        self._extra_env = dict(env or {})
        self.port_attempts = port_attempts
        self.start_attempts = 0

        self.port: int | None = None
        self.workdir: Path | None = None
        self.log_path: Path | None = None
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: Any = None
        self._final_log: str | None = None
        self._http: httpx2.Client | None = None

    # ------------------------------------------------------------------ info
    @property
    def base_url(self) -> str:
        if self.port is None:
            raise AgentServerError("server not started")
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_text(self) -> str:
        """The server's combined stdout/stderr so far (kept after stop())."""
        if self._final_log is not None:
            return self._final_log
        if self.log_path is None:
            return ""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def rss_bytes(self) -> int | None:
        """Resident memory of the server process group (Linux), else None."""
        if self._proc is None:
            return None
        total = 0
        for pid in _process_group_members(self._proc.pid) or [self._proc.pid]:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total or None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<AgentServer {state} url={self.port and self.base_url} pid={self.pid}>"

    # ------------------------------------------------------------ lifecycle
    def __enter__(self) -> AgentServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> AgentServer:
        """Start the server; return once ``GET /ok`` answers 200 on our port.

        When the port was picked here (not passed in) and another process grabbed
        it between our probe and the server's bind, ``langgraph dev`` would move
        to a random port; that is detected and retried with a fresh port (up to
        ``port_attempts`` times).  A port passed by the caller is never retried.
        """
        if self._proc is not None:
            raise AgentServerError("already started")
        attempts = 1 if self._requested_port else max(1, self.port_attempts)
        self.start_attempts = 0
        for attempt in range(1, attempts + 1):
            self.start_attempts = attempt
            try:
                return self._start_once()
            except PortMovedError:
                if attempt == attempts:
                    raise
        raise AssertionError("unreachable")

    def _start_once(self) -> AgentServer:
        self._final_log = None
        self.workdir = Path(tempfile.mkdtemp(prefix="agent-server-"))
        for name in PROJECT_FILES:
            shutil.copy2(self.project_dir / name, self.workdir / name)
        self.log_path = self.workdir / "server.log"
        self.port = self._requested_port or find_free_port(self.host)

        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env.update(OFFLINE_ENV)
        env.update(self._extra_env)
        cmd = [
            *_langgraph_command(),
            "dev",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--no-browser",
            "--no-reload",
        ]
        self._log_file = open(self.log_path, "wb")
        t0 = time.monotonic()
        try:
            self._proc = subprocess.Popen(
                cmd,
                cwd=self.workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        except OSError as exc:
            self._log_file.close()
            self._cleanup_workdir()
            raise AgentServerError(f"could not run {cmd!r}: {exc}") from exc
        atexit.register(self._atexit_stop)
        try:
            self._wait_until_ready(t0)
            self._verify_port_ownership()
        except BaseException:
            self.stop(check=False)
            raise
        return self

    def _fail(self, message: str, cls: type[AgentServerError] = AgentServerError) -> AgentServerError:
        return cls(f"{message}\n--- last lines of the server log ({self.log_path}) ---\n{self.log_tail(80)}")

    def _check_port_not_moved(self) -> None:
        text = self.log_text()
        moved = _PORT_MOVED_RE.search(text)
        if moved:
            raise self._fail(
                f"langgraph dev did not use port {self.port}: it says port "
                f"{moved.group(1)} is busy and moved to {moved.group(2)}",
                PortMovedError,
            )
        api = _API_URL_RE.search(text)
        if api and not api.group(1).rstrip("/").endswith(f":{self.port}"):
            raise self._fail(
                f"langgraph dev announces {api.group(1)}, not port {self.port}",
                PortMovedError,
            )

    def _wait_until_ready(self, t0: float) -> None:
        assert self._proc is not None
        url = f"{self.base_url}{HEALTH_PATH}"
        deadline = t0 + self.startup_timeout
        last_error = "no attempt yet"
        with httpx2.Client(timeout=2.0, trust_env=False) as probe:
            while True:
                code = self._proc.poll()
                if code is not None:
                    raise self._fail(f"langgraph dev exited with code {code} before {url} answered")
                self._check_port_not_moved()
                try:
                    r = probe.get(url)
                    if r.status_code == 200 and r.json().get("ok") is True:
                        self.startup_seconds = time.monotonic() - t0
                        self._check_port_not_moved()
                        return
                    last_error = f"HTTP {r.status_code}: {r.text[:200]}"
                except (httpx2.HTTPError, ValueError) as exc:
                    last_error = f"{type(exc).__name__}: {exc}"
                if time.monotonic() > deadline:
                    raise self._fail(
                        f"{url} did not answer 200 within {self.startup_timeout:.0f}s (last: {last_error})"
                    )
                time.sleep(0.05)

    def _verify_port_ownership(self) -> None:
        """Fail unless the socket listening on self.port belongs to our process group."""
        assert self._proc is not None and self.port is not None
        listening = _listening_inodes(self.port)
        if listening is None:  # no /proc (not Linux): the log check must do
            return
        if not listening:
            raise self._fail(f"nothing listens on port {self.port} although /ok answered")
        ours = _socket_inodes_of(_process_group_members(self._proc.pid) or [self._proc.pid])
        if not listening & ours:
            raise self._fail(
                f"the socket listening on port {self.port} is not owned by the "
                f"langgraph dev process {self._proc.pid} (another process took the port)"
            )

    def stop(self, *, check: bool = True) -> None:
        """SIGTERM the process group, wait, SIGKILL if needed, verify nothing is left."""
        if self._http is not None:
            self._http.close()
            self._http = None
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(Exception):
            atexit.unregister(self._atexit_stop)
        pgid = proc.pid  # start_new_session=True: the leader's pid is the group id
        leftovers: list[int] = []
        try:
            self._signal_group(pgid, signal.SIGTERM)
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                pass
            if proc.poll() is not None:
                # Children may outlive the leader; give them a moment, then kill.
                deadline = time.monotonic() + 3.0
                while _process_group_members(pgid) and time.monotonic() < deadline:
                    time.sleep(0.05)
            if proc.poll() is None or _process_group_members(pgid):
                self._signal_group(pgid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
                deadline = time.monotonic() + 5.0
                while _process_group_members(pgid) and time.monotonic() < deadline:
                    time.sleep(0.05)
            leftovers = _process_group_members(pgid)
            if proc.poll() is None:
                leftovers.append(proc.pid)
        finally:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None
            self._final_log = self.log_text()
            self._cleanup_workdir()
        if check:
            if leftovers:
                raise AgentServerError(f"processes of the server's group {pgid} survived SIGKILL: {leftovers}")
            if self.port is not None and _port_accepts(self.host, self.port):
                raise AgentServerError(f"port {self.port} still accepts connections after the server stopped")

    @staticmethod
    def _signal_group(pgid: int, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)

    def _cleanup_workdir(self) -> None:
        if self.workdir is not None and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _atexit_stop(self) -> None:
        with contextlib.suppress(Exception):
            self.stop(check=False)

    # --------------------------------------------------------- inspection
    #: page size for POST /threads/search (the server allows 1..1000)
    search_page_size = 1000

    @property
    def http(self) -> httpx2.Client:
        """An httpx client on base_url (ignores proxy environment variables)."""
        if self._http is None:
            self._http = httpx2.Client(base_url=self.base_url, timeout=10.0, trust_env=False)
        return self._http

    def search_threads(
        self,
        metadata: Mapping[str, Any] | None = None,
        limit: int = 1000,
        *,
        ids: Sequence[str] | None = None,
        status: str | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Threads the server holds, newest first, via ``POST /threads/search``.

        The server pages with ``limit`` (1..1000, default 10) and ``offset``
        and reports the next offset in the ``X-Pagination-Next`` header; this
        follows it until ``limit`` threads are collected or there are no more.
        ``metadata`` is a containment filter (``{"user": "u1"}`` matches threads
        whose metadata has that key and value).
        """
        if limit < 1:
            return []
        body: dict[str, Any] = {"sort_by": "created_at", "sort_order": "desc"}
        if metadata is not None:
            body["metadata"] = dict(metadata)
        if ids is not None:
            body["ids"] = [str(i) for i in ids]
        if status is not None:
            body["status"] = status
        if values is not None:
            body["values"] = dict(values)
        out: list[dict[str, Any]] = []
        offset = 0
        while len(out) < limit:
            page = min(self.search_page_size, limit - len(out))
            r = self.http.post("/threads/search", json={**body, "limit": page, "offset": offset})
            r.raise_for_status()
            items = r.json()
            out.extend(items)
            nxt = r.headers.get("x-pagination-next")
            if not items or nxt is None:
                break
            offset = int(nxt)
        return out[:limit]

    def count_threads(self, metadata: Mapping[str, Any] | None = None) -> int:
        """``POST /threads/count``: number of threads (optionally matching metadata)."""
        body = {"metadata": dict(metadata)} if metadata is not None else {}
        r = self.http.post("/threads/count", json=body)
        r.raise_for_status()
        return int(r.json())

    def get_thread(self, thread_id: Any, *, include_ttl: bool = False) -> dict[str, Any] | None:
        """``GET /threads/{id}``; None if the server says 404."""
        params = {"include": "ttl"} if include_ttl else None
        r = self.http.get(f"/threads/{thread_id}", params=params)
        if r.status_code == 404:
            return None
        r.raise_for_status()
        thread: dict[str, Any] = r.json()
        return thread

    def get_state(self, thread_id: Any) -> dict[str, Any]:
        """``GET /threads/{id}/state``: values, next, tasks, checkpoint, metadata..."""
        r = self.http.get(f"/threads/{thread_id}/state")
        r.raise_for_status()
        state: dict[str, Any] = r.json()
        return state

    def post_threads_raw(self, body: Any, **kwargs: Any) -> httpx2.Response:
        """``POST /threads`` with ``body`` as JSON (or raw bytes/str via content=)."""
        if isinstance(body, (bytes, str)):
            headers = {"content-type": "application/json", **kwargs.pop("headers", {})}
            return self.http.post("/threads", content=body, headers=headers, **kwargs)
        return self.http.post("/threads", json=body, **kwargs)


def _main() -> None:  # python -m scripts.agent_server.harness: start, print, stop
    with AgentServer() as server:
        print(
            json.dumps(
                {
                    "base_url": server.base_url,
                    "pid": server.pid,
                    "startup_seconds": round(server.startup_seconds or 0, 3),
                    "rss_bytes": server.rss_bytes(),
                }
            )
        )


if __name__ == "__main__":
    _main()
