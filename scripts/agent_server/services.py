"""A real Postgres and a real Redis for the server kinds that need them, per test session.

Each runs from a fresh temporary directory on a free loopback port, in its own process
group, and is stopped by its process id; nothing listens beyond 127.0.0.1. Postgres
refuses to run as root, so as root it runs as the unprivileged user ``nobody`` (its
directory owned by that user), started directly under that uid so the pid we hold is the
postmaster's own. Redis is Debian's ``redis-server`` (``scripts/install-redis`` installs it
when missing).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from langsmith_threads_client.testing._process import die_with_parent, find_free_port, stop_group

__all__ = ["Postgres", "Redis", "ServiceError"]

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
_UNPRIVILEGED = "nobody"


class ServiceError(RuntimeError):
    """A service could not be started or stopped."""


def _pg_bindir() -> Path:
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0 and (Path(out.stdout.strip()) / "postgres").is_file():
            return Path(out.stdout.strip())
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "postgres").is_file():
            return candidate
    raise ServiceError(
        "no Postgres server found (pg_config --bindir, /usr/lib/postgresql/*/bin): apt-get install postgresql"
    )


class _Service:
    name = "service"

    def __init__(self) -> None:
        self.port: int | None = None
        self.dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _spawn(self, cmd: list[str], **kwargs: Any) -> None:
        assert self.dir is not None
        self._log = open(self.dir / f"{self.name}.log", "wb")
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
            **kwargs,
        )

    def log_tail(self, lines: int = 40) -> str:
        if self.dir is None:
            return ""
        try:
            text = (self.dir / f"{self.name}.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _wait(self, ready: Any, seconds: float) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + seconds
        while not ready():
            if self._proc.poll() is not None:
                raise ServiceError(f"{self.name} exited with {self._proc.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise ServiceError(f"{self.name} not ready on port {self.port} in {seconds:.0f} s:\n{self.log_tail()}")
            time.sleep(0.05)

    def stop(self, first: signal.Signals = signal.SIGTERM) -> None:
        proc, self._proc = self._proc, None
        try:
            if proc is not None:
                leftovers = stop_group(proc, timeout=15, first=first)
                if leftovers:
                    raise ServiceError(f"{self.name} processes survived SIGKILL: {leftovers}")
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None
            if self.dir is not None:
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir = None

    def __enter__(self) -> _Service:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> _Service:
        raise NotImplementedError


class Postgres(_Service):
    """A throwaway Postgres cluster (trust auth, user ``postgres``, durability off for speed)."""

    name = "postgres"

    def __init__(self) -> None:
        super().__init__()
        self._user: str | None = _UNPRIVILEGED if os.geteuid() == 0 else None

    def _as_user(self) -> dict[str, Any]:
        if self._user is None:
            return {}
        entry = pwd.getpwnam(self._user)
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    def start(self) -> Postgres:
        bindir = _pg_bindir()
        self.dir = Path(tempfile.mkdtemp(prefix="lstc-pg-"))
        if self._user is not None:
            entry = pwd.getpwnam(self._user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)  # mkdtemp's 0700 then lets only that user in
        data = self.dir / "data"
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        done = subprocess.run(
            [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.dir,
            **self._as_user(),
        )
        if done.returncode != 0:
            raise ServiceError(f"initdb failed:\n{done.stdout}{done.stderr}")
        self.port = find_free_port(HOST)
        settings = {
            "listen_addresses": HOST,
            "port": str(self.port),
            "unix_socket_directories": str(self.dir),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "400",
        }
        cmd = [str(bindir / "postgres"), "-D", str(data)]
        for key, value in settings.items():
            cmd += ["-c", f"{key}={value}"]
        self._spawn(cmd, env=env, cwd=self.dir, **self._as_user())
        self._wait(self._ready, 60)
        return self

    def _ready(self) -> bool:
        return self._psql("select 1", check=False).returncode == 0

    def _psql(self, sql: str, *, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(_pg_bindir() / "psql"), "-h", HOST, "-p", str(self.port), "-U", "postgres", "-d", "postgres",
               "-v", "ON_ERROR_STOP=1", "-Atqc", sql]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if check and done.returncode != 0:
            raise ServiceError(f"psql {sql!r} failed: {done.stderr.strip()}")
        return done

    def create_database(self, name: str) -> str:
        """A new empty database; its URI (``postgresql://postgres@127.0.0.1:PORT/name``)."""
        self._psql(f'create database "{name}"')
        return f"postgresql://postgres@{HOST}:{self.port}/{name}"

    def stop(self, first: signal.Signals = signal.SIGINT) -> None:  # SIGINT: Postgres' fast shutdown
        super().stop(first)


class Redis(_Service):
    """A throwaway Redis, no persistence."""

    name = "redis"

    def start(self) -> Redis:
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(server).is_file():
            script = str(ROOT / "scripts" / "install-redis")
            installed = subprocess.run(["bash", script], capture_output=True, text=True)
            server = shutil.which("redis-server") or server
            if installed.returncode != 0 or not Path(server).is_file():
                raise ServiceError(f"redis-server is missing and could not be installed: {installed.stderr.strip()}")
        self.dir = Path(tempfile.mkdtemp(prefix="lstc-redis-"))
        self.port = find_free_port(HOST)
        cmd = [server, "--bind", HOST, "--port", str(self.port), "--save", "", "--appendonly", "no",
               "--daemonize", "no", "--dir", str(self.dir), "--protected-mode", "yes"]  # fmt: skip
        self._spawn(cmd, cwd=self.dir)
        self._wait(self._ready, 30)
        return self

    def _ready(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection((HOST, self.port or 0), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        return False

    @property
    def uri(self) -> str:
        return f"redis://{HOST}:{self.port}/0"
