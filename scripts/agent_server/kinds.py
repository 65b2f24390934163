"""The server kinds the tests run, by name: what each is, and how it is started.

Every kind serves the same graph, the testing kit's bundled project
(``langsmith_threads_client.testing.bundled_project``), on a loopback port; they differ in
the build (pins/<kind>.txt), the interpreter, the services they need, the command and its
environment, and the health path. What each kind *answers* is in tests/conformance and
tests/agent_server/OBSERVED.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langsmith_threads_client.testing.bundled_project import GRAPH_ID

__all__ = ["GRAPH_ID", "KINDS", "Kind", "Launch"]


@dataclass(frozen=True)
class Launch:
    """What a kind's command is built from for one start."""

    venv: Path
    workdir: Path
    host: str
    port: int
    workers: int
    database_uri: str | None
    redis_uri: str | None


@dataclass(frozen=True)
class Kind:
    name: str
    description: str  # with versions, for the README's and OBSERVED.md's tables
    python: str
    pins: str  # pins/<pins>.txt
    services: tuple[str, ...]
    project_files: tuple[str, ...]
    health_path: str
    command: Callable[[Launch], list[str]]
    env: Callable[[Launch], dict[str, str]]
    # Several workers on a fresh database race to set it up (migrations, the store's
    # CREATE INDEX CONCURRENTLY: a UniqueViolation or a deadlock kills one worker, and the
    # server stops seconds after its health path answered), so one worker sets it up first.
    set_up_alone: bool = False


def _langgraph_dev(launch: Launch) -> list[str]:
    if launch.workers != 1:
        raise ValueError("langgraph dev runs one process")
    return [str(launch.venv / "bin" / "langgraph"), "dev", "--host", launch.host, "--port", str(launch.port),
            "--no-browser", "--no-reload"]  # fmt: skip


def _no_env(launch: Launch) -> dict[str, str]:
    return {}


def _langhost_serve(launch: Launch) -> list[str]:
    assert launch.database_uri and launch.redis_uri
    return [str(launch.venv / "bin" / "langhost"), "serve", "--host", launch.host, "--port", str(launch.port),
            "--config", "langgraph.json", "--database-uri", launch.database_uri, "--redis-uri", launch.redis_uri,
            "--workers", str(launch.workers), "--no-browser"]  # fmt: skip


def _pg_env(launch: Launch) -> dict[str, str]:
    assert launch.database_uri and launch.redis_uri
    return {"DATABASE_URI": launch.database_uri, "REDIS_URI": launch.redis_uri}


def _aegra(launch: Launch) -> list[str]:
    if launch.workers == 1:
        return [str(launch.venv / "bin" / "aegra"), "serve", "--host", launch.host, "--port", str(launch.port),
                "-c", "aegra.json"]  # fmt: skip
    # `aegra serve` has no workers flag; it runs this same uvicorn app.
    return [str(launch.venv / "bin" / "python"), "-m", "uvicorn", "aegra_api.main:app", "--host", launch.host,
            "--port", str(launch.port), "--workers", str(launch.workers)]  # fmt: skip


def _aegra_env(launch: Launch) -> dict[str, str]:
    assert launch.database_uri
    return {
        "DATABASE_URL": launch.database_uri,
        "AEGRA_CONFIG": str(launch.workdir / "aegra.json"),
        "AUTH_TYPE": "noop",
        "LANGSMITH_OTEL_ENABLED": "false",
        "OTEL_SDK_DISABLED": "true",
        "ENABLE_PROMETHEUS_METRICS": "false",
        "REDIS_BROKER_ENABLED": "false",
        "CRON_ENABLED": "false",
    }


_LANGGRAPH_PROJECT = ("langgraph.json", "graph.py")

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            name="dev",
            description="`langgraph dev`, langgraph-api 0.16.7, langgraph-runtime-inmem 0.36.7, in memory",
            python="3.11",
            pins="dev",
            services=(),
            project_files=_LANGGRAPH_PROJECT,
            health_path="/ok",
            command=_langgraph_dev,
            env=_no_env,
        ),
        Kind(
            name="dev-0.4",
            description="`langgraph dev`, langgraph-api 0.4.48, langgraph-runtime-inmem 0.14.1, in memory",
            python="3.11",
            pins="dev-0.4",
            services=(),
            project_files=_LANGGRAPH_PROJECT,
            health_path="/ok",
            command=_langgraph_dev,
            env=_no_env,
        ),
        Kind(
            name="postgres",
            description=(
                "`langhost serve`, langgraph-api 0.11.1 on langgraph-runtime-pg 0.11.1.post1, Postgres 15 + Redis"
            ),
            python="3.11",
            pins="postgres",
            services=("postgres", "redis"),
            project_files=_LANGGRAPH_PROJECT,
            health_path="/ok",
            command=_langhost_serve,
            env=_pg_env,
            set_up_alone=True,
        ),
        Kind(
            name="aegra",
            description="`aegra serve`, aegra-api 0.11.0 (FastAPI), Postgres 15",
            python="3.12",
            pins="aegra",
            services=("postgres",),
            project_files=("aegra.json", "graph.py"),
            health_path="/health",
            command=_aegra,
            env=_aegra_env,
        ),
    )
}
