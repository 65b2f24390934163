"""`python -m langsmith_threads_client.testing`: the Quickstart's servers on a chosen port, as a user runs them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from langsmith_threads_client import ThreadsClient
from tests.support.ports import free_port

COMMAND = (sys.executable, "-m", "langsmith_threads_client.testing")


def _env() -> dict[str, str]:
    # No LANGGRAPH_API_URL of the session's: the command must print the URL itself.
    return {k: v for k, v in os.environ.items() if k not in ("LANGGRAPH_API_URL", "PYTHONPATH")}


@contextmanager
def _running(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The command started; yields it and the first line it printed (it prints once it serves)."""
    proc = subprocess.Popen(
        [*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
        start_new_session=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        yield proc, proc.stdout.readline()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # only when a failed assertion left it running
        proc.wait(30)


@contextmanager
def _listening(port: int) -> Iterator[None]:
    """Another process's server on `port` (a bare listening socket: it answers nothing)."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", port))
        other.listen()
        yield


def test_serve_prints_its_url_serves_the_bundled_graph_and_stops_on_ctrl_c() -> None:
    port = free_port()
    with _running("serve", "--port", str(port)) as (proc, first):
        assert first == f"FakeAgentServer (graph 'echo') serving on http://127.0.0.1:{port}; Ctrl-C stops it\n"
        with ThreadsClient(f"http://127.0.0.1:{port}") as client:
            thread = client.create_thread(
                graph_id="echo", supersteps=[{"updates": [{"values": {"messages": ["hi"]}, "as_node": "start"}]}]
            )
        assert thread.values and thread.values.to_dict() == {"messages": ["hi"]}
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert out == "stopped; it held 1 thread(s)\n"
        assert err == ""


@pytest.mark.parametrize("command", ["serve", "dev"])
def test_a_taken_port_is_refused_in_one_line_saying_what_to_do(command: str) -> None:
    port = free_port()
    with _listening(port):
        ran = subprocess.run(
            [*COMMAND, command, "--port", str(port)], capture_output=True, text=True, env=_env(), timeout=60,
            check=False,
        )  # fmt: skip
    assert ran.returncode == 1
    assert ran.stdout == ""
    assert ran.stderr == (
        f"error: port {port} on 127.0.0.1 is taken by another process (another Agent Server?): stop it, or choose a "
        "free port with --port and give its URL to the SDK (base_url=... or LANGGRAPH_API_URL)\n"
    )


def test_a_bad_port_is_refused() -> None:
    ran = subprocess.run(
        [*COMMAND, "serve", "--port", "70000"], capture_output=True, text=True, timeout=60, check=False
    )
    assert ran.returncode == 2
    assert ran.stderr == "error: --port must be from 1 to 65535, not 70000\n"


def test_dev_without_langgraph_says_what_to_install() -> None:
    # No `langgraph` beside this Python (this checkout's .venv has none) nor on this PATH.
    assert not (Path(sys.executable).parent / "langgraph").exists()
    env = {**_env(), "PATH": str(Path(sys.executable).parent)}
    ran = subprocess.run(
        [*COMMAND, "dev", "--port", str(free_port())], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert ran.returncode == 1
    assert ran.stderr == (
        "error: dev runs langgraph dev, which is not installed: pip install 'langgraph-cli[inmem]' "
        "(or name it with --langgraph PATH)\n"
    )


def test_dev_with_a_langgraph_that_is_not_there_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-langgraph"
    ran = subprocess.run(
        [*COMMAND, "dev", "--port", str(free_port()), "--langgraph", str(missing)],
        capture_output=True, text=True, env=_env(), timeout=60, check=False,
    )  # fmt: skip
    assert ran.returncode == 1
    assert ran.stderr.startswith(f"error: could not run ['{missing}', 'dev'"), ran.stderr
    assert "Traceback" not in ran.stderr


@pytest.mark.timeout(600)
def test_dev_serves_the_bundled_project_with_the_real_server() -> None:
    from scripts.agent_server.kinds import KINDS
    from scripts.agent_server.venvs import ensure_venv

    langgraph = ensure_venv(KINDS["dev"].pins, KINDS["dev"].python) / "bin" / "langgraph"
    port = free_port()
    with _running("dev", "--port", str(port), "--langgraph", str(langgraph)) as (proc, first):
        assert first.startswith(f"starting langgraph dev on 127.0.0.1:{port} (the bundled project"), first
        assert proc.stdout is not None
        assert proc.stdout.readline() == (
            f"langgraph dev (graph 'echo') serving on http://127.0.0.1:{port}; Ctrl-C stops it\n"
        )
        with ThreadsClient(f"http://127.0.0.1:{port}") as client:
            thread = client.create_thread(
                graph_id="echo", supersteps=[{"updates": [{"values": {"messages": ["hi"]}, "as_node": "start"}]}]
            )
        assert thread.values and thread.values.to_dict()["messages"] == ["hi"]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out == "stopped\n"
