"""mypy --strict on a user's files, as a strict project checks them, with one cache per session.

The first run on a worker reads httpx2, pytest, respx and the package (about 10 s); every
later one on the same worker reuses that (under a second): the scheduler keeps the tests that
type-check (tests/typing, tests/test_readme.py) on one worker (tests/agent_server/pytest_plugin.py).
mypy checks each module's cache entry against its source, so one cache serves every project.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This worker's mypy cache folder (fresh each session: no result from another run)."""
    return tmp_path_factory.mktemp("mypy-cache")


def mypy_strict(*targets: str | Path, cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), *map(str, targets)],
        cwd=cwd, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
