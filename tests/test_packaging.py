"""What the package publishes, read from pyproject.toml and the installed metadata.

Cheap checks only; .ci/run builds the sdist and wheel and checks the real artifacts
(twine check --strict, check-wheel-contents, a fresh install, the sdist's own tests).
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import langsmith_threads_client

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT: dict[str, Any] = PYPROJECT["project"]


def test_the_only_published_extras_are_aiohttp_and_otel() -> None:
    # Developer tooling lives in [dependency-groups], which is never part of the metadata.
    assert set(PROJECT.get("optional-dependencies", {})) == {"aiohttp", "otel"}
    assert [requirement.split(">")[0] for requirement in PROJECT["optional-dependencies"]["otel"]] == [
        "opentelemetry-api"
    ]
    # At run time: httpx2, attrs, and python-dateutil for the date-times the standard library refuses.
    assert [re.split(r"[<>=]", requirement)[0] for requirement in PROJECT["dependencies"]] == [
        "httpx2",
        "attrs",
        "python-dateutil",
    ]
    assert {"dev", "test", "bench", "release"} <= set(PYPROJECT["dependency-groups"])
    # The Agent Servers are not a group: each server kind has its own venv from its pins.
    assert "server" not in PYPROJECT["dependency-groups"]
    assert sorted(path.stem for path in (ROOT / "scripts" / "agent_server" / "pins").glob("*.txt")) == sorted(
        ["dev", "dev-0.4", "postgres", "aegra"]
    )


def test_the_version_is_written_in_one_place() -> None:
    assert "version" not in PROJECT
    assert "version" in PROJECT["dynamic"]
    source = ROOT / PYPROJECT["tool"]["hatch"]["version"]["path"]
    assert source == ROOT / "langsmith_threads_client" / "_version.py"
    assert re.findall(r'^__version__ = "([^"]+)"$', source.read_text(), flags=re.MULTILINE) == [
        langsmith_threads_client.__version__
    ]


def test_the_installed_metadata_has_the_package_version() -> None:
    installed = metadata.version("langsmith-threads-client")
    assert installed == langsmith_threads_client.__version__, "stale install: pip install -e . again"


def test_licence_is_an_spdx_expression_with_its_file() -> None:
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")
    # PEP 639: a License-Expression and a "License ::" classifier must not appear together.
    assert not [c for c in PROJECT["classifiers"] if c.startswith("License ::")]


def test_classifiers_name_the_python_versions_ci_runs() -> None:
    versions = {c.rsplit(" :: ", 1)[1] for c in PROJECT["classifiers"] if re.fullmatch(r".*:: 3\.\d+", c)}
    assert versions == {"3.11", "3.12", "3.13"}
    assert PROJECT["requires-python"] == ">=3.11"
    ci_versions = re.findall(r"^python_versions=\((.*)\)$", (ROOT / ".ci" / "run").read_text(), flags=re.MULTILINE)
    assert [set(line.split()) for line in ci_versions] == [versions]


def test_the_readme_reads_right_on_pypi() -> None:
    # The README is the PyPI page: a relative link or one into ../shared would be broken there.
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)]*)\)", readme)
    assert [link for link in links if not link.startswith("https://")] == []
    assert "../" not in readme
