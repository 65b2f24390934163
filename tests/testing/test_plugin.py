"""The pytest plugin as a user meets it: a test file of theirs, run by pytest in a subprocess."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from langsmith_threads_client.testing import pytest_plugin

HINT = "the agent_server fixture needs the Agent Server: pip install 'langgraph-cli[inmem]'"


def run_pytest(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", str(folder)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_without_langgraph_the_agent_server_fixture_says_what_to_install_once(tmp_path: Path) -> None:
    (tmp_path / "test_users.py").write_text("def test_uses_the_server(agent_server):\n    pass\n")
    # No `langgraph` beside this Python (this checkout's .venv has none) nor on this PATH.
    # Nor CI's variables: under them pytest prints the summary line uncut, the error's words again.
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "LANGGRAPH_API_URL", "CI", "BUILD_NUMBER")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PATH"] = str(Path(sys.executable).parent)
    assert not (Path(sys.executable).parent / "langgraph").exists()
    ran = run_pytest(tmp_path, env)
    assert ran.returncode == 1, ran.stdout
    assert ran.stdout.count(HINT) == 1, ran.stdout  # the error's own line; the summary cuts it short
    assert "another exception occurred" not in ran.stdout
    assert "Traceback" not in ran.stdout


def _fixtures_defined_in(path: Path) -> set[str]:
    """Names of the functions decorated with pytest.fixture (or pytest.fixture(...)) in a file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if ast.unparse(target) in ("pytest.fixture", "fixture"):
                    found.add(node.name)
    return found


def test_no_fixture_of_this_projects_tests_is_named_like_a_public_one() -> None:
    # A test fixture with a public fixture's name shadows it in this project's own tests, so a
    # test reading "agent_server" would get another type than users get.
    public = set(pytest_plugin.__all__)
    assert public == {name for name in dir(pytest_plugin) if name in _fixtures_defined_in(Path(pytest_plugin.__file__))}
    tests = Path(__file__).resolve().parents[1]
    clashes = {str(path.relative_to(tests)): _fixtures_defined_in(path) & public for path in tests.rglob("*.py")}
    assert {path: sorted(names) for path, names in clashes.items() if names} == {}
