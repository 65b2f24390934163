"""The README's examples run as written, against the real Agent Server (and the testing page's conftest.py
and respx test file, which the README points to, as a user's files)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.agent_server.server import AgentServer
from tests.support.typecheck import mypy_strict

README = Path(__file__).resolve().parents[1] / "README.md"
# The site's "Testing your code" page: the README links to it for the conftest and respx examples.
TESTING_PAGE = Path(__file__).resolve().parents[1] / "docs" / "testing.md"
EXAMPLE_URL = "http://127.0.0.1:2024"
EXAMPLES = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
# "Testing your code": pytest test files of a user's, using the testing kit's fixtures.
TEST_EXAMPLES = re.findall(r"```python test\n(.*?)```", README.read_text(), flags=re.DOTALL)
# The testing page's conftest.py that points the agent_server fixture at another venv's server.
(CONFTEST,) = re.findall(r'```python title="conftest.py"\n(.*?)```', TESTING_PAGE.read_text(), flags=re.DOTALL)
CONFTEST_LANGGRAPH = "/path/to/server-venv/bin/langgraph"
# The testing page's "With respx": a user's test file mocking the SDK with pytest-httpx2's httpx2_mock.
RESPX_EXAMPLES = re.findall(
    r'```python title="test_with_respx.py"\n(.*?)```', TESTING_PAGE.read_text(), flags=re.DOTALL
)


def write_test_examples(folder: Path) -> None:
    for number, code in enumerate(TEST_EXAMPLES):
        (folder / f"test_readme_example_{number}.py").write_text(code)


def run_pytest(python: str | Path, folder: Path) -> subprocess.CompletedProcess[str]:
    """pytest on `folder` as a user runs it: its own rootdir, the plugin found by its entry point."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "LANGGRAPH_API_URL")}
    return subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(folder)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip

# What each example must print (a part of it), in README order.
EXPECTED = ["idle", "10 threads", "409 True Thread with ID"]


def test_the_readme_has_the_examples_this_test_expects() -> None:
    assert len(EXAMPLES) == len(EXPECTED)
    assert all(EXAMPLE_URL in example for example in EXAMPLES)


@pytest.mark.parametrize(("example", "expected"), list(zip(EXAMPLES, EXPECTED, strict=True)))
def test_readme_example_runs_against_the_real_server(dev_server: AgentServer, example: str, expected: str) -> None:
    code = example.replace(EXAMPLE_URL, dev_server.base_url)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
    assert expected in printed.getvalue()


def test_the_testing_examples_pass_as_a_users_test_files(tmp_path: Path) -> None:
    from scripts.agent_server.kinds import KINDS
    from scripts.agent_server.venvs import ensure_venv

    assert len(TEST_EXAMPLES) == 3
    write_test_examples(tmp_path)
    # This checkout's .venv has no Agent Server (each kind has its own venv): the
    # agent_server fixture is pointed at the dev kind's `langgraph` the way a user would.
    # The README's conftest.py, with this machine's path.
    langgraph = ensure_venv(KINDS["dev"].pins, KINDS["dev"].python) / "bin" / "langgraph"
    assert CONFTEST_LANGGRAPH in CONFTEST
    (tmp_path / "conftest.py").write_text(CONFTEST.replace(CONFTEST_LANGGRAPH, str(langgraph)))
    ran = run_pytest(sys.executable, tmp_path)
    assert ran.returncode == 0, ran.stdout[-4000:]
    assert "3 passed" in ran.stdout


def test_the_testing_examples_pass_mypy_strict(tmp_path: Path, mypy_cache: Path) -> None:
    # A user's test files, annotated with the kit's exported types, as a strict project checks them.
    write_test_examples(tmp_path)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    ran = mypy_strict(".", cwd=tmp_path, cache=mypy_cache)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    files = len(TEST_EXAMPLES) + 1
    assert ran.stdout.startswith(f"Success: no issues found in {files} source files"), ran.stdout
def test_the_respx_example_passes_as_a_users_test_file(tmp_path: Path, mypy_cache: Path) -> None:
    # Run as a user runs it: pytest finds pytest-httpx2 (this checkout's test group) by its entry point.
    assert len(RESPX_EXAMPLES) == 1
    (tmp_path / "test_readme_respx.py").write_text(RESPX_EXAMPLES[0])
    ran = run_pytest(sys.executable, tmp_path)
    assert ran.returncode == 0, ran.stdout[-4000:]
    assert "3 passed" in ran.stdout
    # Typed as a strict project checks it (respx and pytest-httpx2 ship their types).
    checked = mypy_strict(".", cwd=tmp_path, cache=mypy_cache)
    assert checked.returncode == 0, checked.stdout + checked.stderr
