"""The API reference documents every public name of the package and of its testing kit."""

from __future__ import annotations

import re
from pathlib import Path

import langsmith_threads_client
import langsmith_threads_client.testing
from langsmith_threads_client.testing import bundled_project, pytest_plugin

# Documented as data of the package, not as objects of their own page.
NOT_OBJECTS = {"__version__"}
FIXTURES = ("fake_agent_server", "fake_agent_server_graphs", "agent_server", "agent_server_project",
            "agent_server_langgraph")  # fmt: skip


def _anchors(site: Path) -> set[str]:
    text = "".join(page.read_text() for page in (site / "reference").rglob("index.html"))
    return set(re.findall(r'id="(langsmith_threads_client[^"]*)"', text))


def test_every_public_name_has_its_entry(site: Path) -> None:
    anchors = _anchors(site)
    public = [name for name in langsmith_threads_client.__all__ if name not in NOT_OBJECTS]
    wanted = [f"langsmith_threads_client.{name}" for name in public]
    wanted += [f"langsmith_threads_client.testing.{name}" for name in langsmith_threads_client.testing.__all__]
    wanted += [f"langsmith_threads_client.testing.bundled_project.{name}" for name in bundled_project.__all__]
    wanted += [f"langsmith_threads_client.testing.pytest_plugin.{name}" for name in FIXTURES]
    assert [name for name in wanted if name not in anchors] == []
    assert len(wanted) > 50


def test_the_fixtures_named_here_are_the_plugins() -> None:
    assert all(callable(getattr(pytest_plugin, name)) for name in FIXTURES)


def test_the_reference_names_no_private_module(site: Path) -> None:
    # Rendered by public path only (`::: langsmith_threads_client.ThreadsClient`), so the
    # private modules' renaming changes nothing in it.
    sources = "".join(page.read_text() for page in (Path(__file__).parents[2] / "docs" / "reference").glob("*.md"))
    assert re.findall(r":::\s+langsmith_threads_client(?:\.[a-z_]+)*\._", sources) == []
    assert re.findall(r'id="langsmith_threads_client(?:\.\w+)*\._[a-z]', "".join(
        page.read_text() for page in (site / "reference").rglob("index.html"))) == []
