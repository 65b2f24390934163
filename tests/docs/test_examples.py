"""Every Python block of the site's pages runs, against the testing kit's FakeAgentServer.

A page's plain ```python blocks are scripts: each runs in a fresh interpreter with
`http://127.0.0.1:2024` replaced by a fake served for it (knowing the bundled graph, as
`python -m langsmith_threads_client.testing serve` does), and must exit 0 having printed.
Blocks titled `test_….py` are a user's test files: a page's run together under pytest as a
user runs them (the page's `conftest.py` block pointed at the dev kind's `langgraph`, which the
`agent_server` fixture starts). A block titled `not run: …` says why it cannot run; none may
be left out otherwise (a block of any other kind fails the count).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from langsmith_threads_client.testing import FakeAgentServer, bundled_project
from tests.docs.conftest import ROOT

EXAMPLE_URL = "http://127.0.0.1:2024"
CONFTEST_LANGGRAPH = "/path/to/server-venv/bin/langgraph"
FENCE = re.compile(r"^```python(?P<info>[^\n]*)\n(?P<code>.*?)^```$", flags=re.DOTALL | re.MULTILINE)
TITLE = re.compile(r'^ title="(?P<title>[^"]+)"$')
PAGES = sorted((ROOT / "docs").rglob("*.md"))


def _blocks(page: Path) -> list[tuple[str | None, str]]:
    """(title or None, code) of each ```python block of the page, in order."""
    found = []
    for fence in FENCE.finditer(page.read_text()):
        info = fence["info"]
        titled = TITLE.match(info)
        assert info == "" or titled, f"{page.name}: a ```python block with {info!r}: plain, or title=\"...\""
        found.append((titled["title"] if titled else None, fence["code"]))
    return found


SCRIPTS = [
    pytest.param(code, id=f"{page.stem}-{number}")
    for page in PAGES
    for number, (title, code) in enumerate(_blocks(page))
    if title is None
]
TEST_PAGES = [page for page in PAGES if any((title or "").startswith("test_") for title, _ in _blocks(page))]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "LANGGRAPH_API_URL")}


@pytest.fixture
def fake_url() -> Iterator[str]:
    fake = FakeAgentServer(bundled_project.GRAPHS, list_channels=bundled_project.LIST_CHANNELS)
    with fake.serve() as base_url:
        yield base_url


def test_every_python_block_is_run_or_says_why_not() -> None:
    kinds: dict[str, int] = {"script": 0, "test file": 0, "conftest": 0}
    for page in PAGES:
        # Every fence that opens Python, however written (indented, ~~~): each must be one this test runs.
        opened = re.findall(r"^\s*(?:```|~~~)\s*(?:python|py)\b", page.read_text(), flags=re.MULTILINE)
        assert len(opened) == len(_blocks(page)), f"{page.name}: a Python block this test does not see"
        for title, _ in _blocks(page):
            if title is None:
                kinds["script"] += 1
            elif title.startswith("test_") and title.endswith(".py"):
                kinds["test file"] += 1
            elif title == "conftest.py":
                kinds["conftest"] += 1
            else:
                assert title.startswith("not run: ") and len(title) > len("not run: ") + 10, (page.name, title)
    assert kinds == {"script": 12, "test file": 6, "conftest": 1}, "update the counts when adding a block"


@pytest.mark.parametrize("code", SCRIPTS)
def test_a_script_block_runs_against_the_fake(code: str, fake_url: str) -> None:
    assert EXAMPLE_URL in code, "every script example talks to the Quickstart's server"
    ran = subprocess.run(
        [sys.executable, "-c", code.replace(EXAMPLE_URL, fake_url)],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, f"{code}\n{ran.stderr[-3000:]}"
    assert ran.stdout.strip(), "each example prints what it shows"
    assert "Traceback" not in ran.stderr


@pytest.mark.timeout(900)
@pytest.mark.parametrize("page", TEST_PAGES, ids=lambda page: page.stem)
def test_a_pages_test_files_pass_as_a_users_tests(page: Path, tmp_path: Path) -> None:
    from scripts.agent_server.kinds import KINDS
    from scripts.agent_server.venvs import ensure_venv

    files = tests = 0
    for title, code in _blocks(page):
        if title is None or title.startswith("not run: "):
            continue
        if title == "conftest.py":
            # The page's conftest.py, with this machine's path to the dev kind's langgraph.
            assert CONFTEST_LANGGRAPH in code
            langgraph = ensure_venv(KINDS["dev"].pins, KINDS["dev"].python) / "bin" / "langgraph"
            code = code.replace(CONFTEST_LANGGRAPH, str(langgraph))
        else:
            files += 1
            tests += len(re.findall(r"^(?:async )?def test_", code, flags=re.MULTILINE))
        assert not (tmp_path / title).exists(), f"two blocks titled {title}"
        (tmp_path / title).write_text(code)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-4000:]
    assert re.search(rf"\b{tests} passed\b", ran.stdout), ran.stdout[-2000:]  # each test of each file ran
    assert " skipped" not in ran.stdout and " error" not in ran.stdout, ran.stdout[-2000:]
    assert files >= 1


def test_the_performance_chart_is_the_one_its_script_draws(tmp_path: Path) -> None:
    import json

    from scripts.perf_chart import OUT, RUN, draw

    drawn = tmp_path / "performance.svg"
    draw(json.loads(RUN.read_text()), drawn)
    assert drawn.read_bytes() == OUT.read_bytes(), "redraw it: .venv-docs/bin/python -m scripts.perf_chart"
    assert "images/performance.svg" in (ROOT / "docs" / "performance.md").read_text()
