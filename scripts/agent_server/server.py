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

import json
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from langsmith_threads_client.testing import AgentServerError, PortMovedError, ServerProcess, bundled_project
from scripts.agent_server.inspector import ThreadInspector
from scripts.agent_server.kinds import GRAPH_ID, KINDS, Kind, Launch
from scripts.agent_server.services import Postgres, Redis
from scripts.agent_server.venvs import ensure_venv

__all__ = ["GRAPH_ID", "AgentServer", "AgentServerError", "PortMovedError"]

HERE = Path(__file__).resolve().parent


class AgentServer(ServerProcess, ThreadInspector):
    """A server of one kind in a temporary directory on a loopback port.

    The process lifecycle is the testing kit's (`ServerProcess`, which the `agent_server`
    fixture's LocalAgentServer uses too); this adds the kinds: their venvs, services,
    commands and health paths. `postgres` and `redis` share services across servers (one
    database each); without them the server starts and stops its own.
    """

    def __init__(
        self,
        kind: str = "dev",
        *,
        workers: int = 1,
        postgres: Postgres | None = None,
        redis: Redis | None = None,
        env: Mapping[str, str] | None = None,
        **options: float | int | str | None,
    ) -> None:
        if kind not in KINDS:
            raise AgentServerError(f"unknown server kind {kind!r}; the kinds are {', '.join(KINDS)}")
        ServerProcess.__init__(self, env=env, **options)  # type: ignore[arg-type]
        ThreadInspector.__init__(self)
        self.kind: Kind = KINDS[kind]
        self.name = self.kind.name
        self.health_path = self.kind.health_path
        self.workers = workers
        self._postgres, self._own_postgres = postgres, False
        self._redis, self._own_redis = redis, False
        self.database_uri: str | None = None
        self._venv: Path | None = None
        self._set_up = False  # the database was set up by a first start (see Kind.set_up_alone)

    def _launch(self, workers: int) -> Launch:
        assert self._venv is not None and self.workdir is not None and self.port is not None
        return Launch(
            venv=self._venv,
            workdir=self.workdir,
            host=self.host,
            port=self.port,
            workers=workers,
            database_uri=self.database_uri,
            redis_uri=self._redis.uri if self._redis is not None else None,
        )

    def command(self, workers: int) -> list[str]:
        return self.kind.command(self._launch(workers))

    def environment(self, workers: int) -> dict[str, str]:
        assert self._venv is not None
        path = f"{self._venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        return {"PATH": path, **self.kind.env(self._launch(workers))}

    def prepare(self, workdir: Path) -> None:
        # The test graph is the one the testing kit ships (the agent_server fixture's default).
        for name in self.kind.project_files:
            source = bundled_project.FOLDER / name if (bundled_project.FOLDER / name).is_file() else HERE / name
            shutil.copy2(source, workdir / name)

    def start(self) -> AgentServer:
        """Start the server (again, after kill(): same port, same database)."""
        if self._proc is not None:
            raise AgentServerError("already started")
        self._venv = ensure_venv(self.kind.pins, self.kind.python)
        self._start_services()
        if self.workers > 1 and self.kind.set_up_alone and not self._set_up:
            self.start_process(workers=1)  # sets the database up, then makes way
            self.stop_process(check=True)
        self.start_process(workers=self.workers)
        self._set_up = True
        return self

    def _start_services(self) -> None:
        if "postgres" in self.kind.services and self.database_uri is None:
            if self._postgres is None:
                self._postgres, self._own_postgres = Postgres().start(), True
            name = f"{self.kind.name.replace('-', '_')}_{os.getpid()}_{id(self)}"
            self.database_uri = self._postgres.create_database(name)
        if "redis" in self.kind.services and self._redis is None:
            self._redis, self._own_redis = Redis().start(), True

    def kill(self) -> None:
        self.close_inspector()
        super().kill()

    def stop_process(self, *, check: bool) -> None:
        self.close_inspector()
        super().stop_process(check=check)

    def stop(self, *, check: bool = True) -> None:
        """Stop the server, then the services it started itself, and remove its directory."""
        try:
            super().stop(check=check)
        finally:
            if self._own_redis and self._redis is not None:
                self._redis.stop()
                self._redis, self._own_redis = None, False
            if self._own_postgres and self._postgres is not None:
                self._postgres.stop()
                self._postgres, self._own_postgres = None, False


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
