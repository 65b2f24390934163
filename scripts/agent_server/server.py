"""Start and stop one Agent Server of a named kind for tests, and inspect what it holds.

Plain Python, no pytest dependency::

    from scripts.agent_server.server import AgentServer

    with AgentServer("dev") as server:          # or "dev-0.4", "postgres", "aegra"
        print(server.base_url)                  # http://127.0.0.1:<free port>
        server.search_threads(metadata={"user": "u1"})

What it does, for every kind (scripts/agent_server/kinds.py says what differs):

* builds or finds the kind's pinned venv (``venvs.py``), and starts the services it needs
  (``services.py``: a Postgres database, a Redis) unless they are given;
* copies the kind's project files (the ``echo`` graph and its config) into a fresh
  temporary directory, because the in-memory servers keep threads in their working
  directory across restarts;
* runs the server on a free loopback port (or the one given) in its own process group,
  offline (no tracing, no analytics, no version check), its output in ``server.log``;
* waits until the kind's health path answers 200 on exactly that port, failing fast with
  the log's tail if the process exits, and loudly if the socket on the port is not owned
  by the process group it started (``langgraph dev`` moves to another port when its port
  is busy);
* ``stop()`` sends SIGTERM to the process group, then SIGKILL, and verifies that no process
  of the group is left and that the port is closed; ``kill()`` is a crash (SIGKILL at once)
  and ``start()`` again restarts on the same port with the same database.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx2

from scripts.agent_server.inspector import ThreadInspector
from scripts.agent_server.kinds import GRAPH_ID, KINDS, Kind, Launch
from scripts.agent_server.processes import (
    die_with_parent,
    find_free_port,
    group_members,
    kill_group_now,
    owns_listening_socket,
    port_accepts,
    stop_group,
)
from scripts.agent_server.services import Postgres, Redis
from scripts.agent_server.venvs import ensure_venv

__all__ = ["GRAPH_ID", "AgentServer", "AgentServerError", "PortMovedError", "find_free_port"]

HERE = Path(__file__).resolve().parent

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
    "DATABASE_URL",
    "REDIS_URI",
    "POSTGRES_URI",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
)

_PORT_MOVED_RE = re.compile(r"Port (\d+) is already in use, using port (\d+) instead")


class AgentServerError(RuntimeError):
    """The server could not be started, is not where we expect it, or would not stop."""


class PortMovedError(AgentServerError):
    """``langgraph dev`` found our port busy and silently listened on another one."""


class AgentServer(ThreadInspector):
    """A server of one kind in a temporary directory on a loopback port.

    Use as a context manager, or call :meth:`start` / :meth:`stop`. ``postgres`` and
    ``redis`` share services across servers (one database each); without them the server
    starts and stops its own.
    """

    def __init__(
        self,
        kind: str = "dev",
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        startup_timeout: float = 90.0,
        stop_timeout: float = 15.0,
        workers: int = 1,
        postgres: Postgres | None = None,
        redis: Redis | None = None,
        env: Mapping[str, str] | None = None,
        port_attempts: int = 3,
    ) -> None:
        super().__init__()
        if kind not in KINDS:
            raise AgentServerError(f"unknown server kind {kind!r}; the kinds are {', '.join(KINDS)}")
        self.kind: Kind = KINDS[kind]
        self.host = host
        self._requested_port = port
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.workers = workers
        self._extra_env = dict(env or {})
        self.port_attempts = port_attempts
        self._postgres, self._own_postgres = postgres, False
        self._redis, self._own_redis = redis, False
        self.database_uri: str | None = None
        self._set_up = False  # the database was set up by a first start (see Kind.set_up_alone)

        self.port: int | None = None
        self.workdir: Path | None = None
        self.log_path: Path | None = None
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: Any = None
        self._final_log: str | None = None
        self._log_offset = 0

    # ------------------------------------------------------------------ info
    @property
    def name(self) -> str:
        return self.kind.name

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

    def log_since_start(self) -> str:
        """The log of the latest start only (a restart appends to the same file)."""
        return self.log_text()[self._log_offset :]

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def rss_bytes(self) -> int | None:
        """Resident memory of the server process group (Linux), else None."""
        if self._proc is None:
            return None
        total = 0
        for pid in group_members(self._proc.pid) or [self._proc.pid]:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total or None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<AgentServer {self.name} {state} url={self.port and self.base_url} pid={self.pid}>"

    # ------------------------------------------------------------ lifecycle
    def __enter__(self) -> AgentServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> AgentServer:
        """Start the server (again, after ``kill()``/``stop()``: same port, same database).

        When the port was picked here and another process grabbed it between our probe and
        the server's bind, that is detected and retried with a fresh port (up to
        ``port_attempts`` times). A port passed by the caller, or a restart, is never moved.
        """
        if self._proc is not None:
            raise AgentServerError("already started")
        venv = ensure_venv(self.kind.pins, self.kind.python)
        self._start_services()
        if self.workers > 1 and self.kind.set_up_alone and not self._set_up:
            self._start_with_port_retries(venv, workers=1)  # sets the database up, then makes way
            self._stop_process(check=True)
        self._start_with_port_retries(venv, workers=self.workers)
        self._set_up = True
        return self

    def _start_with_port_retries(self, venv: Path, *, workers: int) -> None:
        fixed = self._requested_port is not None or self.port is not None
        attempts = 1 if fixed else max(1, self.port_attempts)
        for attempt in range(1, attempts + 1):
            try:
                self._start_once(venv, workers)
                return
            except PortMovedError:
                self.port = None
                if attempt == attempts:
                    raise

    def _start_services(self) -> None:
        if "postgres" in self.kind.services and self.database_uri is None:
            if self._postgres is None:
                self._postgres, self._own_postgres = Postgres().start(), True
            name = f"{self.kind.name.replace('-', '_')}_{os.getpid()}_{id(self)}"
            self.database_uri = self._postgres.create_database(name)
        if "redis" in self.kind.services and self._redis is None:
            self._redis, self._own_redis = Redis().start(), True

    def _start_once(self, venv: Path, workers: int) -> None:
        self._final_log = None
        if self.workdir is None:  # a restart keeps the directory (and an in-memory server's state)
            self.workdir = Path(tempfile.mkdtemp(prefix=f"agent-server-{self.name}-"))
            for name in self.kind.project_files:
                shutil.copy2(HERE / name, self.workdir / name)
        self.log_path = self.workdir / "server.log"
        self.port = self.port or self._requested_port or find_free_port(self.host)
        launch = Launch(
            venv=venv,
            workdir=self.workdir,
            host=self.host,
            port=self.port,
            workers=workers,
            database_uri=self.database_uri,
            redis_uri=self._redis.uri if self._redis is not None else None,
        )
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env.update(OFFLINE_ENV)
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env.update(self.kind.env(launch))
        env.update(self._extra_env)
        cmd = self.kind.command(launch)
        self._log_file = open(self.log_path, "ab")
        self._log_offset = len(self.log_text())
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
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
        except OSError as exc:
            self._log_file.close()
            raise AgentServerError(f"could not run {cmd!r}: {exc}") from exc
        atexit.register(self._atexit_stop)
        try:
            self._wait_until_ready(t0)
            self._verify_port_ownership()
        except BaseException:
            self._stop_process(check=False)
            raise

    def _fail(self, message: str, cls: type[AgentServerError] = AgentServerError) -> AgentServerError:
        tail = self.log_tail(80)
        return cls(f"{self.name}: {message}\n--- last lines of the server log ({self.log_path}) ---\n{tail}")

    def _check_port_not_moved(self) -> None:
        moved = _PORT_MOVED_RE.search(self.log_text())
        if moved and int(moved.group(1)) == self.port:
            raise self._fail(
                f"the server did not use port {self.port}: it says port {moved.group(1)} is busy "
                f"and moved to {moved.group(2)}",
                PortMovedError,
            )

    def _wait_until_ready(self, t0: float) -> None:
        assert self._proc is not None
        url = f"{self.base_url}{self.kind.health_path}"
        deadline = t0 + self.startup_timeout
        last_error = "no attempt yet"
        with httpx2.Client(timeout=2.0, trust_env=False) as probe:
            while True:
                code = self._proc.poll()
                if code is not None:
                    self._check_port_not_moved()
                    raise self._fail(f"the server exited with code {code} before {url} answered")
                self._check_port_not_moved()
                try:
                    r = probe.get(url)
                    if r.status_code == 200:
                        self.startup_seconds = time.monotonic() - t0
                        self._check_port_not_moved()
                        return
                    last_error = f"HTTP {r.status_code}: {r.text[:200]}"
                except (httpx2.HTTPError, ValueError) as exc:
                    last_error = f"{type(exc).__name__}: {exc}"
                if time.monotonic() > deadline:
                    waited = f"{self.startup_timeout:.0f}s"
                    raise self._fail(f"{url} did not answer 200 within {waited} (last: {last_error})")
                time.sleep(0.05)

    def _verify_port_ownership(self) -> None:
        assert self._proc is not None and self.port is not None
        owned = owns_listening_socket(self.port, self._proc.pid)
        if owned is False:
            raise self._fail(
                f"the socket listening on port {self.port} is not owned by the server's process group "
                f"{self._proc.pid} (another process took the port)",
                PortMovedError,
            )

    def kill(self) -> None:
        """A crash: SIGKILL the whole process group now; ``start()`` brings it back on the same port."""
        self.close_inspector()
        proc, self._proc = self._proc, None
        if proc is not None:
            kill_group_now(proc)
        self._close_log()

    def stop(self, *, check: bool = True) -> None:
        """Stop the server, then the services it started itself, and remove its directory."""
        try:
            self._stop_process(check=check)
        finally:
            if self.workdir is not None:
                shutil.rmtree(self.workdir, ignore_errors=True)
                self.workdir = None
            if self._own_redis and self._redis is not None:
                self._redis.stop()
                self._redis, self._own_redis = None, False
            if self._own_postgres and self._postgres is not None:
                self._postgres.stop()
                self._postgres, self._own_postgres = None, False

    def _stop_process(self, *, check: bool) -> None:
        self.close_inspector()
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(Exception):
            atexit.unregister(self._atexit_stop)
        try:
            leftovers = stop_group(proc, timeout=self.stop_timeout)
        finally:
            self._close_log()
        if check:
            if leftovers:
                raise AgentServerError(f"processes of the server's group {proc.pid} survived SIGKILL: {leftovers}")
            if self.port is not None and port_accepts(self.host, self.port):
                raise AgentServerError(f"port {self.port} still accepts connections after the server stopped")

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        self._final_log = self.log_text()

    def _atexit_stop(self) -> None:
        with contextlib.suppress(Exception):
            self.stop(check=False)


def _main(argv: list[str]) -> None:  # python -m scripts.agent_server.server [KIND]: start, print, stop
    with AgentServer(argv[0] if argv else "dev") as server:
        print(
            json.dumps(
                {
                    "kind": server.name,
                    "base_url": server.base_url,
                    "pid": server.pid,
                    "startup_seconds": round(server.startup_seconds or 0, 3),
                    "rss_bytes": server.rss_bytes(),
                }
            )
        )


if __name__ == "__main__":
    _main(sys.argv[1:])
