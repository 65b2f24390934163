"""pytest plugin: real Agent Servers of every kind for the whole test session.

Register it from ``tests/conftest.py``::

    pytest_plugins = ["tests.agent_server.pytest_plugin"]

``--server KIND`` (repeatable; default: every kind of scripts/agent_server/kinds.py) names
the kinds the session runs against. A test takes a server in one of two ways:

* ``dev_server``: the ``dev`` kind (the current official server), for the tests that
  go deep on one server (integration, faults, README);
* ``server``: each selected kind in turn (the test is parametrized by ``server_kind``), for
  the conformance suite in tests/conformance.

Each kind's server starts on first use and stops at the end of the session, with the one
Postgres and the one Redis the session shares (started only if a kind needs them). Under
pytest-xdist (``-n N``) the session is each worker's: every worker starts the servers and
services its tests use, each on its own free ports and temporary directories. A test
whose server kind is not selected is deselected, never skipped. When a test that uses a
server fails, the tail of its log is attached to the report.

Two markers narrow a ``server`` test's kinds without skipping anything (the test is simply
generated fewer times):

* ``@pytest.mark.one_kind``: a client-side check that sends nothing to the server runs on
  one selected kind (``fake`` when it is selected, else the first);
* ``@pytest.mark.server_cases(("a", "b"), cases)``: the test's other parameters chosen per
  kind, ``cases(kind)`` giving ``(id, (a, b))`` pairs (tests/conformance/matrix.py: the
  full matrix on some kinds, the server-visible distinct cases on the others).

At the end of every run it prints the time per server kind (tests run and seconds spent)
and each server's start-up time (per xdist worker).

Environment:
    AGENT_SERVER_STARTUP_TIMEOUT  seconds to wait for the health path (default 90)
    AGENT_SERVER_LOG_LINES        log lines attached to a failure (default 60)
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, cast

import pytest

from tests.support.kinds import SERVER_KINDS

if TYPE_CHECKING:
    # Imported in the fixtures instead: the unit and generated tests (and the sdist, which
    # does not ship scripts/agent_server) must run without the harness and the server stack.
    from scripts.agent_server.server import AgentServer
    from scripts.agent_server.services import Postgres, Redis

__all__ = ["ServerPool"]


class ServerPool:
    """One running server per kind, and the services they share, started on first use."""

    def __init__(self, startup_timeout: float) -> None:
        self.startup_timeout = startup_timeout
        self._servers: dict[str, AgentServer] = {}
        self._postgres: Postgres | None = None
        self._redis: Redis | None = None

    def postgres(self) -> Postgres:
        from scripts.agent_server.services import Postgres

        if self._postgres is None:
            self._postgres = Postgres().start()
        return self._postgres

    def redis(self) -> Redis:
        from scripts.agent_server.services import Redis

        if self._redis is None:
            self._redis = Redis().start()
        return self._redis

    def new(self, kind: str, **kwargs: object) -> AgentServer:
        """A server of ``kind`` not in the pool (the caller starts and stops it) on the shared services."""
        from scripts.agent_server.kinds import KINDS
        from scripts.agent_server.server import AgentServer

        needs = KINDS[kind].services
        return AgentServer(
            kind,
            startup_timeout=self.startup_timeout,
            postgres=self.postgres() if "postgres" in needs else None,
            redis=self.redis() if "redis" in needs else None,
            **kwargs,  # type: ignore[arg-type]
        )

    def get(self, kind: str) -> AgentServer:
        server = self._servers.get(kind)
        if server is not None:
            return server
        if kind == "fake":  # the testing kit's fake, served and inspected like the real kinds
            from scripts.agent_server.fake import FakeKindServer

            # Not an AgentServer, but what the tests use of one: base_url and the inspector.
            server = cast("AgentServer", FakeKindServer().start())
        else:
            server = self.new(kind)
            server.start()  # raises AgentServerError with the log tail on failure
        self._servers[kind] = server
        return server

    def started(self) -> dict[str, AgentServer]:
        return dict(self._servers)

    def close(self) -> None:
        errors: list[BaseException] = []
        for service in (*self._servers.values(), self._redis, self._postgres):
            if service is None:
                continue
            try:
                service.stop()
            except Exception as exc:
                errors.append(exc)
        self._servers.clear()
        self._postgres = self._redis = None
        if errors:
            raise errors[0]


_POOL_KEY: pytest.StashKey[ServerPool] = pytest.StashKey()
# Per server kind: tests run and seconds spent (setup, call, teardown), for the summary.
_TIME_KEY: pytest.StashKey[dict[str, list[float]]] = pytest.StashKey()


def _log_lines() -> int:
    try:
        return int(os.environ.get("AGENT_SERVER_LOG_LINES", "60"))
    except ValueError:
        return 60


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--server",
        action="append",
        choices=SERVER_KINDS,
        default=[],
        metavar="KIND",
        help=f"run the server tests against this kind (repeatable; default: all of {', '.join(SERVER_KINDS)})",
    )


def selected_kinds(config: pytest.Config) -> tuple[str, ...]:
    chosen: list[str] = config.getoption("--server") or list(SERVER_KINDS)
    return tuple(kind for kind in SERVER_KINDS if kind in chosen)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_server: test talks to a real Agent Server")
    config.addinivalue_line("markers", "kinds(*names): run the test only on these server kinds")
    config.addinivalue_line(
        "markers", "one_kind: a client-side check that sends nothing: run it on one selected kind (the fake first)"
    )
    config.addinivalue_line(
        "markers", "server_cases(names, cases): the parameters `names` per kind, cases(kind) -> [(id, values)]"
    )
    config.pluginmanager.register(_Gathered(config), "agent_server_gathered")


_UNSELECTED = "unselected"
_ONE_KIND_FIRST = "fake"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "server_kind" not in metafunc.fixturenames:
        return
    only = metafunc.definition.get_closest_marker("kinds")
    kinds = [kind for kind in selected_kinds(metafunc.config) if only is None or kind in only.args]
    if kinds and metafunc.definition.get_closest_marker("one_kind") is not None:
        kinds = [_ONE_KIND_FIRST if _ONE_KIND_FIRST in kinds else kinds[0]]
    # Session scope groups each kind's tests together, so servers start once per kind. A
    # test none of whose kinds is selected is deselected below (an empty parametrization
    # would be reported as skipped).
    cases = metafunc.definition.get_closest_marker("server_cases")
    if cases is None or not kinds:
        metafunc.parametrize("server_kind", kinds or [_UNSELECTED], scope="session")
        return
    names, per_kind = cases.args
    rows = [
        pytest.param(kind, *values, id=f"{kind}-{case_id}")
        for kind in kinds
        for case_id, values in per_kind(kind)
    ]
    metafunc.parametrize(["server_kind", *names], rows, scope="session")


# Under `--dist loadgroup`, each of these kinds' tests run on one worker, so its server (and
# the Postgres and Redis it needs) starts once, not once per worker. The fake starts at once,
# and dev serves most of the suite (dev_server), so their tests spread over every worker.
_ONE_WORKER_KINDS = ("dev-0.4", "postgres", "aegra")
# The kind in a test id: `[postgres-...]`, `[sync-postgres]`, `[dev-0.4-no-fault-assigned-sync]`.
_KINDS_PATTERN = "|".join(re.escape(kind) for kind in _ONE_WORKER_KINDS)
_KIND_IN_ID = re.compile(rf"\[(?:.*-)?({_KINDS_PATTERN})(?:-.*)?\]$")


# The tests that run mypy on a user's files: on one worker, they share its cache.
_TYPE_CHECKS = ("tests/typing/test_typing.py", "tests/test_readme.py::test_the_testing_examples_pass_mypy",
                "tests/test_readme.py::test_the_respx_example")  # fmt: skip


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup`, grouping by server kind: xdist's own (the xdist_group mark) sets
    item._nodeid, which pytest 9 no longer reads, so the scheduler reads the kind from the id.

    Every other test is a unit of its own, handed out as workers free up, in collection order
    (not largest unit first, xdist's default: the long tests, collected first, must start
    before a worker is busy with a kind's group for minutes).
    """
    if config.getoption("dist", None) != "loadgroup":
        return None
    config.option.loadscopereorder = False
    from xdist.scheduler import LoadGroupScheduling  # type: ignore[import-untyped]

    class ByServerKind(LoadGroupScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(_TYPE_CHECKS):
                return "type checks"  # one mypy cache warmed once (tests/support/typecheck.py)
            found = _KIND_IN_ID.search(nodeid)
            return f"server kind {found.group(1)}" if found else nodeid

    return ByServerKind(config, log)


# Under xdist, the tests that take minutes each (pip, mypy, a benchmark, in processes of their
# own) are collected first, so no worker starts one while the others have run out of tests.
_LONG_FIRST = (
    "tests/test_install.py",
    "tests/test_newcomer.py",
    "tests/test_bench_smoke.py",
    "tests/typing/",
    "tests/test_readme.py",
    "tests/maintainer/",
    "tests/conformance/test_postgres_restarts.py",
    "tests/conformance/test_load.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kinds = selected_kinds(config)
    kept, dropped = [], []
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "dev_server" in names or "server" in names or "servers" in names:
            item.add_marker(pytest.mark.real_server)
        callspec = getattr(item, "callspec", None)
        unselected = callspec is not None and callspec.params.get("server_kind") == _UNSELECTED
        if unselected or ("dev_server" in names and "dev" not in kinds):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    if getattr(config, "workerinput", None) is not None:
        items.sort(key=lambda item: not item.nodeid.startswith(_LONG_FIRST))


@pytest.fixture(scope="session")
def servers(request: pytest.FixtureRequest) -> Iterator[ServerPool]:
    """The session's (under xdist: the worker's) pool of running servers, one per kind, and their
    shared Postgres and Redis."""
    pool = ServerPool(float(os.environ.get("AGENT_SERVER_STARTUP_TIMEOUT", "90")))
    request.config.stash[_POOL_KEY] = pool
    try:
        yield pool
    finally:
        _record_startups(request.config, pool)
        del request.config.stash[_POOL_KEY]
        pool.close()


@pytest.fixture(scope="session")
def dev_server(servers: ServerPool) -> AgentServer:
    """A running ``langgraph dev`` (the ``dev`` kind) with graph ``echo``; shared by the session."""
    return servers.get("dev")


@pytest.fixture(scope="session")
def server(servers: ServerPool, server_kind: str) -> AgentServer:
    """A running server of ``server_kind`` (each selected kind in turn); shared by the session."""
    return servers.get(server_kind)


def _kind_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "server_kind" in callspec.params:
        kind: str = callspec.params["server_kind"]
        return kind
    return "dev" if "dev_server" in getattr(item, "fixturenames", ()) else None


# Start-up seconds of each server a session (or an xdist worker) started: (worker, kind, seconds).
_STARTUP_KEY: pytest.StashKey[list[tuple[str, str, float]]] = pytest.StashKey()
_KIND_PROPERTY = "server_kind"


def _worker(config: pytest.Config) -> str:
    workerinput = getattr(config, "workerinput", None)
    return str(workerinput["workerid"]) if workerinput else "main"


def _record_startups(config: pytest.Config, pool: ServerPool) -> None:
    services = {"(postgres)": pool._postgres, "(redis)": pool._redis}
    every = {**pool.started(), **{name: service for name, service in services.items() if service is not None}}
    started = [(_worker(config), name, float(getattr(s, "startup_seconds", 0) or 0)) for name, s in every.items()]
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller prints them (pytest_testnodedown)
        workeroutput["server_startups"] = started
    else:
        config.stash.setdefault(_STARTUP_KEY, []).extend(started)


class _Gathered:
    """Where the reports are gathered (the xdist controller, or the one process): the time per
    kind over every worker (the kind travels in each report's user_properties) and the
    workers' server start-ups (in their workeroutput)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        kind = dict(report.user_properties).get(_KIND_PROPERTY)
        if kind is not None:
            spent = self.config.stash.setdefault(_TIME_KEY, {}).setdefault(str(kind), [0, 0.0])
            spent[0] += report.when == "call"
            spent[1] += report.duration

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: object, error: object) -> None:
        output = getattr(node, "workeroutput", None) or {}
        rows = [(str(w), str(k), float(s)) for w, k, s in output.get("server_startups", ())]
        self.config.stash.setdefault(_STARTUP_KEY, []).extend(rows)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    spent = config.stash.get(_TIME_KEY, {})
    if spent:
        terminalreporter.section("time per server kind")
        terminalreporter.write_line("(seconds summed over tests: setup, call and teardown, in every worker)")
        for kind, (tests, seconds) in sorted(spent.items()):
            terminalreporter.write_line(f"{kind:<10} {int(tests):>5} tests  {seconds:7.1f} s")
    startups = config.stash.get(_STARTUP_KEY, [])
    if startups:
        terminalreporter.section("server start-ups")
        for worker, kind, seconds in sorted(startups):
            terminalreporter.write_line(f"{worker:<6} {kind:<10} {seconds:6.1f} s")
        terminalreporter.write_line(f"{'all':<6} {len(startups):>3} servers  {sum(s for _, _, s in startups):6.1f} s")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    kind = _kind_of(item)
    if kind is not None and (_KIND_PROPERTY, kind) not in report.user_properties:
        report.user_properties.append((_KIND_PROPERTY, kind))
    if not report.failed:
        return report
    pool = item.config.stash.get(_POOL_KEY, None)
    if pool is None:
        return report
    names = getattr(item, "fixturenames", ())
    callspec = getattr(item, "callspec", None)
    wanted = set()
    if "dev_server" in names:
        wanted.add("dev")
    if callspec is not None and "server_kind" in callspec.params:
        wanted.add(callspec.params["server_kind"])
    for kind, server in pool.started().items():
        if kind in wanted:
            state = f"{server!r}, startup {server.startup_seconds or 0:.2f}s"
            report.sections.append((f"{kind} server log ({report.when}; {state})", server.log_tail(_log_lines())))
    return report
