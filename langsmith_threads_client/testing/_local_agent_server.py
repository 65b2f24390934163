"""A real server process for tests: started on a free loopback port, stopped by process id.

`ServerProcess` is the one lifecycle of every process tests start (public, so that the
project's own harness in scripts/agent_server/ builds its server kinds and their Postgres
and Redis on it, as users may build theirs); `LocalAgentServer` is the one users get from
the `agent_server` fixture: the official in-memory `langgraph dev` of the environment the
tests run in (`pip install 'langgraph-cli[inmem]'`), in a fresh temporary directory.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Self

import httpx2

from ._process import (
    die_with_parent,
    find_free_port,
    group_members,
    kill_group_now,
    owns_listening_socket,
    port_accepts,
    stop_group,
)

__all__ = ["AgentServerError", "AgentServerNotInstalled", "LocalAgentServer", "PortMovedError", "ServerProcess"]

# No tracing, no analytics, no PyPI version check, no colours in the log, unbuffered output.
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
# Removed from the server's environment so that nothing tries to reach LangSmith or a
# license beacon, and a developer's real key or database is never used.
SCRUBBED_ENV = (
    "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY", "LANGSMITH_ENDPOINT", "LANGCHAIN_ENDPOINT",
    "LANGGRAPH_CLOUD_LICENSE_KEY", "LANGSMITH_CONTROL_PLANE_API_KEY", "LANGGRAPH_API_URL", "LANGGRAPH_AUTH",
    "LANGSERVE_GRAPHS", "MOUNT_PREFIX", "LANGGRAPH_MOUNT_PREFIX", "DATABASE_URI", "DATABASE_URL", "REDIS_URI",
    "POSTGRES_URI", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME",
)  # fmt: skip
_PORT_MOVED_RE = re.compile(r"Port (\d+) is already in use, using port (\d+) instead")
INSTALL_HINT = "the agent_server fixture needs the Agent Server: pip install 'langgraph-cli[inmem]'"


class AgentServerError(RuntimeError):
    """The server could not be started, is not where we expect it, or would not stop."""


class AgentServerNotInstalled(AgentServerError):
    """`langgraph dev` is not installed where the tests run."""


class PortMovedError(AgentServerError):
    """The server found its port busy and silently listened on another one."""


class ServerProcess:
    """One server process group on a loopback port: start, wait for health, stop, crash, restart.

    A subclass says what to run (`command`, `environment`, `prepare`, `popen_options`); this
    class runs it in its own process group with its output in `server.log`, waits until it
    is ready (`readiness`: by default `health_path` answers 200) on exactly its port (failing
    fast with the log's tail if it exits, and loudly if the port's socket is not its own),
    and stops the whole group by its id (`stop_signal` first, then SIGKILL).
    """

    name = "server"
    health_path = "/ok"
    stop_signal: signal.Signals = signal.SIGTERM

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        startup_timeout: float = 90.0,
        stop_timeout: float = 15.0,
        env: Mapping[str, str] | None = None,
        port_attempts: int = 3,
    ) -> None:
        self.host = host
        self._requested_port = port
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self._extra_env = dict(env or {})
        self.port_attempts = port_attempts
        self.port: int | None = None
        self.workdir: Path | None = None
        self.log_path: Path | None = None
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None
        self._final_log: str | None = None
        self._log_offset = 0
        self._probe: httpx2.Client | None = None  # the readiness checks' HTTP client while starting

    # --- what to run (subclasses) -------------------------------------------------------------
    def command(self, workers: int) -> list[str]:
        raise NotImplementedError

    def environment(self, workers: int) -> dict[str, str]:
        return {}

    def prepare(self, workdir: Path) -> None:
        """Fill the fresh working directory (project files) before the first start."""

    def popen_options(self) -> dict[str, Any]:
        """More keywords for `subprocess.Popen` (such as `user` and `group`)."""
        return {}

    def readiness(self) -> str | None:
        """None once the process serves; else what it answered, for the error if it never does.

        By default a GET of `health_path` on its port must answer 200. Called every 50 ms
        while the process starts.
        """
        assert self._probe is not None
        url = f"{self.base_url}{self.health_path}"
        try:
            answer = self._probe.get(url)
        except httpx2.HTTPError as exc:
            return f"GET {url}: {type(exc).__name__}: {exc}"
        if answer.status_code == 200:
            return None
        return f"GET {url}: HTTP {answer.status_code}: {answer.text[:200]}"

    # --- info ---------------------------------------------------------------------------------
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
        """Resident memory of the server's process group (Linux), else None."""
        if self._proc is None:
            return None
        total = 0
        for pid in group_members(self._proc.pid) or [self._proc.pid]:
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        return total or None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<{type(self).__name__} {self.name} {state} url={self.port and self.base_url} pid={self.pid}>"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self) -> Self:
        """Start (again, after kill() or a stop of the process: the same port and directory)."""
        if self._proc is not None:
            raise AgentServerError("already started")
        self.start_process(workers=1)
        return self

    def start_process(self, *, workers: int) -> None:
        """Run the server; a port picked here that another process took is retried with a fresh one."""
        fixed = self._requested_port is not None or self.port is not None
        attempts = 1 if fixed else max(1, self.port_attempts)
        for attempt in range(1, attempts + 1):
            try:
                self._start_once(workers)
                return
            except PortMovedError:
                self.port = None
                if attempt == attempts:
                    raise

    def _start_once(self, workers: int) -> None:
        self._final_log = None
        if self.workdir is None:  # a restart keeps the directory (and an in-memory server's state)
            self.workdir = Path(tempfile.mkdtemp(prefix=f"agent-server-{self.name}-"))
            self.prepare(self.workdir)
        self.log_path = self.workdir / "server.log"
        self.port = self.port or self._requested_port or find_free_port(self.host)
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env.update(OFFLINE_ENV)
        env.update(self.environment(workers))
        env.update(self._extra_env)
        cmd = self.command(workers)
        self._log_file = log = open(self.log_path, "ab")
        self._log_offset = len(self.log_text())
        started = time.monotonic()
        try:
            self._proc = subprocess.Popen(
                cmd, cwd=self.workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=die_with_parent if sys.platform == "linux" else None,
                **self.popen_options(),
            )  # fmt: skip
        except OSError as exc:
            self._close_log()
            raise AgentServerError(f"could not run {cmd!r}: {exc}") from exc
        atexit.register(self._atexit_stop)
        try:
            self._wait_until_ready(started)
            if owns_listening_socket(self.port, self._proc.pid) is False:
                raise self._fail(f"the socket on port {self.port} is not the server's (another process took it)",
                                 PortMovedError)  # fmt: skip
        except BaseException:
            self.stop_process(check=False)
            raise

    def _fail(self, message: str, cls: type[AgentServerError] = AgentServerError) -> AgentServerError:
        tail = self.log_tail(80)
        return cls(f"{self.name}: {message}\n--- last lines of the server log ({self.log_path}) ---\n{tail}")

    def _check_port_not_moved(self) -> None:
        moved = _PORT_MOVED_RE.search(self.log_since_start())
        if moved and int(moved.group(1)) == self.port:
            raise self._fail(f"port {self.port} was busy; the server moved to {moved.group(2)}", PortMovedError)

    def _wait_until_ready(self, started: float) -> None:
        assert self._proc is not None
        last: str | None = "no attempt yet"
        with httpx2.Client(timeout=2.0, trust_env=False) as self._probe:
            try:
                while True:
                    self._check_port_not_moved()
                    code = self._proc.poll()
                    if code is not None:
                        raise self._fail(f"the server exited with code {code} before it was ready ({last})")
                    last = self.readiness()
                    if last is None:
                        self.startup_seconds = time.monotonic() - started
                        self._check_port_not_moved()
                        return
                    if time.monotonic() - started > self.startup_timeout:
                        raise self._fail(f"not ready on port {self.port} within {self.startup_timeout:.0f}s ({last})")
                    time.sleep(0.05)
            finally:
                self._probe = None

    def kill(self) -> None:
        """A crash: SIGKILL the whole process group now; start() brings it back on the same port."""
        proc, self._proc = self._proc, None
        if proc is not None:
            kill_group_now(proc)
        self._close_log()

    def stop(self, *, check: bool = True) -> None:
        """Stop the server and remove its directory; with `check`, verify nothing is left."""
        try:
            self.stop_process(check=check)
        finally:
            if self.workdir is not None:
                shutil.rmtree(self.workdir, ignore_errors=True)
                self.workdir = None

    def stop_process(self, *, check: bool) -> None:
        """SIGTERM the process group, then SIGKILL; keeps the directory for a restart."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(Exception):
            atexit.unregister(self._atexit_stop)
        try:
            leftovers = stop_group(proc, timeout=self.stop_timeout, first=self.stop_signal)
        finally:
            self._close_log()
        if check and leftovers:
            raise AgentServerError(f"processes of the server's group {proc.pid} survived SIGKILL: {leftovers}")
        if check and self.port is not None and port_accepts(self.host, self.port):
            raise AgentServerError(f"port {self.port} still accepts connections after the server stopped")

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        self._final_log = self.log_text()

    def _atexit_stop(self) -> None:
        with contextlib.suppress(Exception):
            self.stop(check=False)


def langgraph_command() -> list[str]:
    """`langgraph` of the environment the tests run in; AgentServerNotInstalled (one line) without it."""
    beside = Path(sys.executable).parent / "langgraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("langgraph")
    if found:
        return [found]
    raise AgentServerNotInstalled(INSTALL_HINT)


class LocalAgentServer(ServerProcess):
    """The official in-memory Agent Server (`langgraph dev`), for tests of code that uses the SDK.

    `project` is a folder with a `langgraph.json` (and the graph files it names), copied
    into a fresh temporary directory (the server keeps its threads in its working
    directory); `langgraph` is the executable to run (default: the one beside this
    Python, or on PATH). Without `langgraph-cli[inmem]` installed, start() raises
    AgentServerNotInstalled with one line saying what to install.
    """

    name = "langgraph-dev"
    project: Path

    def __init__(
        self, project: str | os.PathLike[str], *, langgraph: Sequence[str] | None = None, **options: object
    ) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.project = Path(project)
        self._langgraph = None if langgraph is None else list(langgraph)

    def command(self, workers: int) -> list[str]:
        if workers != 1:
            raise ValueError("langgraph dev runs one process")
        executable = self._langgraph or langgraph_command()
        return [*executable, "dev", "--host", self.host, "--port", str(self.port), "--no-browser", "--no-reload"]

    def prepare(self, workdir: Path) -> None:
        if not (self.project / "langgraph.json").is_file():
            raise AgentServerError(f"{self.project} has no langgraph.json")
        shutil.copytree(self.project, workdir, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".langgraph_api"))

    def start(self) -> Self:
        if self._langgraph is None:
            langgraph_command()  # fail at once, in one line, when it is not installed
        return super().start()
