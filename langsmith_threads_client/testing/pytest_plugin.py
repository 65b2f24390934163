"""pytest plugin of the testing kit, registered by the `pytest11` entry point of the package.

Fixtures (nothing to import; the module itself imports only pytest, the standard library
and `bundled_project`, so collection stays fast; annotate them with the types that
`langsmith_threads_client.testing` exports):

* `fake_agent_server` (`FakeAgentServer`): a fresh fake per test, served on a loopback
  port, with `LANGGRAPH_API_URL` pointing at it, so code that builds `ThreadsClient()`
  without a `base_url` talks to it unchanged. `fake_agent_server.base_url` is its URL.
* `agent_server` (`LocalAgentServer`): a real local `langgraph dev` for the session, on
  a free port in a temporary directory, stopped by process id. Without
  `langgraph-cli[inmem]` installed it fails with one line saying what to install.

Fixtures to override in a `conftest.py` (session scope):

* `fake_agent_server_graphs`: graph id -> node names, the graphs the fake knows (default:
  the bundled project's `echo`: `start`, `step`).
* `agent_server_project`: the folder with the `langgraph.json` `agent_server` serves
  (default: the test rootdir when it has one, else `bundled_project.FOLDER`).
* `agent_server_langgraph`: the `langgraph` command to run (default `None`: the one
  beside the tests' Python, or on PATH), e.g. another venv's.

`AGENT_SERVER_STARTUP_TIMEOUT` (seconds, default 90) bounds the server's start.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from . import bundled_project

if TYPE_CHECKING:
    from ._local_agent_server import LocalAgentServer
    from ._server import FakeAgentServer

__all__ = [
    "agent_server",
    "agent_server_langgraph",
    "agent_server_project",
    "fake_agent_server",
    "fake_agent_server_graphs",
]

@pytest.fixture(scope="session")
def fake_agent_server_graphs() -> Mapping[str, Sequence[str]]:
    """The graphs the fake knows (graph id -> node names, in order); override to declare yours."""
    return bundled_project.GRAPHS


@pytest.fixture
def fake_agent_server(
    fake_agent_server_graphs: Mapping[str, Sequence[str]], monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeAgentServer]:
    """A fresh FakeAgentServer on a loopback port; LANGGRAPH_API_URL points at it for this test."""
    from ._server import FakeAgentServer

    fake = FakeAgentServer(graphs=fake_agent_server_graphs)
    with fake.serve() as base_url:
        monkeypatch.setenv("LANGGRAPH_API_URL", base_url)
        yield fake


@pytest.fixture(scope="session")
def agent_server_project(pytestconfig: pytest.Config) -> Path:
    """The folder with the langgraph.json `agent_server` serves; override to pick another."""
    root = Path(pytestconfig.rootpath)
    return root if (root / "langgraph.json").is_file() else bundled_project.FOLDER


@pytest.fixture(scope="session")
def agent_server_langgraph() -> Sequence[str] | None:
    """The `langgraph` command to run (None: the one installed beside this Python, or on PATH)."""
    return None


@pytest.fixture(scope="session")
def agent_server(
    agent_server_project: Path, agent_server_langgraph: Sequence[str] | None
) -> Iterator[LocalAgentServer]:
    """A real `langgraph dev` for the session; `.base_url` is its URL."""
    from ._local_agent_server import AgentServerNotInstalled, LocalAgentServer

    timeout = float(os.environ.get("AGENT_SERVER_STARTUP_TIMEOUT", "90"))
    server = LocalAgentServer(agent_server_project, langgraph=agent_server_langgraph, startup_timeout=timeout)
    try:
        server.start()
    except AgentServerNotInstalled as exc:
        missing: str | None = str(exc)
    else:
        missing = None
    if missing is not None:  # failed outside the except block, so pytest prints it once, not chained
        pytest.fail(missing, pytrace=False)
    try:
        yield server
    finally:
        server.stop()
