"""A real Postgres and a real Redis for the server kinds that need them, per test session.

Each is a `ServerProcess` of the testing kit, the lifecycle the servers share: a fresh
temporary directory, a free loopback port, its own process group, stopped by its process
id and checked gone; nothing listens beyond 127.0.0.1. Postgres refuses to run as root, so
as root it runs as the unprivileged user ``nobody`` (its directory owned by that user),
started directly under that uid so the pid we hold is the postmaster's own. Redis is
Debian's ``redis-server`` (``scripts/install-redis`` installs it when missing).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
from pathlib import Path
from typing import Any

from langsmith_threads_client.testing import AgentServerError, ServerProcess

__all__ = ["Postgres", "Redis", "ServiceError"]

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
_UNPRIVILEGED = "nobody"


class ServiceError(AgentServerError):
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


class Postgres(ServerProcess):
    """A throwaway Postgres cluster (trust auth, user ``postgres``, durability off for speed)."""

    name = "postgres"
    stop_signal = signal.SIGINT  # Postgres' fast shutdown (SIGTERM waits for its clients)

    def __init__(self) -> None:
        super().__init__(host=HOST, startup_timeout=60)
        self._user: str | None = _UNPRIVILEGED if os.geteuid() == 0 else None
        self._bindir: Path | None = None

    def popen_options(self) -> dict[str, Any]:
        if self._user is None:
            return {}
        entry = pwd.getpwnam(self._user)
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    def environment(self, workers: int) -> dict[str, str]:
        return {"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}

    def prepare(self, workdir: Path) -> None:
        self._bindir = _pg_bindir()
        if self._user is not None:
            entry = pwd.getpwnam(self._user)
            os.chown(workdir, entry.pw_uid, entry.pw_gid)  # mkdtemp's 0700 then lets only that user in
        done = subprocess.run(
            [str(self._bindir / "initdb"), "-D", str(workdir / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8",
             "--no-sync"],
            capture_output=True, text=True, env={**os.environ, **self.environment(1)}, cwd=workdir,
            **self.popen_options(),
        )  # fmt: skip
        if done.returncode != 0:
            raise ServiceError(f"initdb failed:\n{done.stdout}{done.stderr}")

    def command(self, workers: int) -> list[str]:
        assert self._bindir is not None and self.workdir is not None
        settings = {
            "listen_addresses": HOST,
            "port": str(self.port),
            "unix_socket_directories": str(self.workdir),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "400",
        }
        cmd = [str(self._bindir / "postgres"), "-D", str(self.workdir / "data")]
        for key, value in settings.items():
            cmd += ["-c", f"{key}={value}"]
        return cmd

    def readiness(self) -> str | None:
        done = self._psql("select 1", check=False)
        return None if done.returncode == 0 else f"psql: {done.stderr.strip()[:200]}"

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


class Redis(ServerProcess):
    """A throwaway Redis, no persistence."""

    name = "redis"

    def __init__(self) -> None:
        super().__init__(host=HOST, startup_timeout=30)
        self._server: str | None = None

    def start(self) -> Redis:
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(server).is_file():
            script = str(ROOT / "scripts" / "install-redis")
            installed = subprocess.run(["bash", script], capture_output=True, text=True)
            server = shutil.which("redis-server") or server
            if installed.returncode != 0 or not Path(server).is_file():
                raise ServiceError(f"redis-server is missing and could not be installed: {installed.stderr.strip()}")
        self._server = server
        return super().start()

    def command(self, workers: int) -> list[str]:
        assert self._server is not None and self.workdir is not None
        return [self._server, "--bind", HOST, "--port", str(self.port), "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", str(self.workdir), "--protected-mode", "yes"]  # fmt: skip

    def readiness(self) -> str | None:
        with contextlib.suppress(OSError), socket.create_connection((HOST, self.port or 0), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            answer = sock.recv(16)
            return None if answer.startswith(b"+PONG") else f"PING answered {answer!r}"
        return "no connection"

    @property
    def uri(self) -> str:
        return f"redis://{HOST}:{self.port}/0"
