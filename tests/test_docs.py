"""The README, CONTRIBUTING.md and the site's pages name what exists: each module.function and each repository path."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The site's pages too (docs/maintaining.md includes CONTRIBUTING.md as it is).
DOCS = ["README.md", "CONTRIBUTING.md", *sorted(str(page.relative_to(ROOT)) for page in (ROOT / "docs").rglob("*.md"))]
# `_validation.check_create`, `_transport.py`: names of the package's private modules.
MODULE_NAME = re.compile(r"`(_[a-z_]+)\.([A-Za-z_]+)(?:\(\))?`")
# `scripts/agent_server/pins/`, `tests/testing/`, `openapi/corrections.json`: repository paths.
REPO_PATH = re.compile(r"`((?:scripts|tests|openapi|benchmarks|langsmith_threads_client)/[^`\s*<>]*)`")


@pytest.mark.parametrize("doc", DOCS)
def test_every_named_function_of_a_module_exists(doc: str) -> None:
    missing = []
    for module, name in MODULE_NAME.findall((ROOT / doc).read_text()):
        if name == "py":  # a module of the package or of its testing kit
            package = ROOT / "langsmith_threads_client"
            assert any((folder / f"{module}.py").is_file() for folder in (package, package / "testing")), module
            continue
        if not hasattr(importlib.import_module(f"langsmith_threads_client.{module}"), name):
            missing.append(f"{module}.{name}")
    assert missing == [], f"{doc} names what does not exist"


@pytest.mark.parametrize("doc", DOCS)
def test_every_named_repository_path_exists(doc: str) -> None:
    missing = [path for path in REPO_PATH.findall((ROOT / doc).read_text()) if not (ROOT / path).exists()]
    assert missing == [], f"{doc} names paths that do not exist"


def test_the_sites_user_pages_name_no_private_module() -> None:
    # Private modules are renamed freely (CONTRIBUTING.md, the maintainers' page, names them);
    # a user's page that named one would go stale, and the reference names only public paths.
    private = re.compile(r"\b_[a-z_]+\.py\b|langsmith_threads_client\._")
    named = {
        str(page.relative_to(ROOT)): private.findall(page.read_text())
        for page in (ROOT / "docs").rglob("*.md")
        if private.search(page.read_text())
    }
    assert named == {}
