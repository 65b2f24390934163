"""pytest plugin: a real Agent Server for the whole test session.

Register it from ``tests/conftest.py``::

    pytest_plugins = ["tests.agent_server.pytest_plugin"]

Fixture ``agent_server`` (session scope) starts one :class:`AgentServer` of
``scripts/agent_server/harness.py`` (``langgraph dev`` on a free loopback port,
in a temporary directory), yields it and stops it at the end of the session.
When a test that uses it fails, the tail of the server log is attached to the
report as a section ("agent server log"), shown by pytest next to the captured
output.

Environment:
    AGENT_SERVER_STARTUP_TIMEOUT  seconds to wait for ``GET /ok`` (default 60)
    AGENT_SERVER_LOG_LINES        log lines attached to a failure (default 60)
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    # Imported in the fixture instead: the unit and generated tests (and the sdist, which
    # does not ship scripts/) must run without the harness and the server stack.
    from scripts.agent_server.harness import AgentServer

_SERVER_KEY: pytest.StashKey[AgentServer] = pytest.StashKey()


def _log_lines() -> int:
    try:
        return int(os.environ.get("AGENT_SERVER_LOG_LINES", "60"))
    except ValueError:
        return 60


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "agent_server: test talks to the real langgraph dev server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Mark every test that uses the fixture, so `-m "not agent_server"` skips them.
    for item in items:
        if "agent_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.agent_server)


@pytest.fixture(scope="session")
def agent_server(request: pytest.FixtureRequest) -> Iterator[AgentServer]:
    """A running ``langgraph dev`` with graph ``echo``; shared by the session."""
    from scripts.agent_server.harness import AgentServer
    timeout = float(os.environ.get("AGENT_SERVER_STARTUP_TIMEOUT", "60"))
    server = AgentServer(startup_timeout=timeout)
    server.start()  # raises AgentServerError with the log tail on failure
    request.config.stash[_SERVER_KEY] = server
    try:
        yield server
    finally:
        try:
            server.stop()
        finally:
            del request.config.stash[_SERVER_KEY]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if not report.failed or "agent_server" not in getattr(item, "fixturenames", ()):
        return report
    server = item.config.stash.get(_SERVER_KEY, None)
    if server is None:
        return report
    state = f"{server!r}, startup {server.startup_seconds or 0:.2f}s"
    report.sections.append((f"agent server log ({report.when}; {state})", server.log_tail(_log_lines())))
    return report
