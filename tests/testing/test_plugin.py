"""The pytest plugin as a user meets it: a test file of theirs, run by pytest in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HINT = "the agent_server fixture needs the Agent Server: pip install 'langgraph-cli[inmem]'"


def run_pytest(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", str(folder)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_without_langgraph_the_agent_server_fixture_says_what_to_install_once(tmp_path: Path) -> None:
    (tmp_path / "test_users.py").write_text("def test_uses_the_server(agent_server):\n    pass\n")
    # No `langgraph` beside this Python (this checkout's .venv has none) nor on this PATH.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "LANGGRAPH_API_URL")}
    env["PATH"] = str(Path(sys.executable).parent)
    assert not (Path(sys.executable).parent / "langgraph").exists()
    ran = run_pytest(tmp_path, env)
    assert ran.returncode == 1, ran.stdout
    assert ran.stdout.count(HINT) == 1, ran.stdout  # the error's own line; the summary cuts it short
    assert "another exception occurred" not in ran.stdout
    assert "Traceback" not in ran.stdout
