"""MkDocs hooks of the documentation site (mkdocs.yml names this file under `hooks:`).

The compatibility page's tables are rendered at build time from tests/conformance/observed.py,
the data the conformance tests assert each server kind against: a page that says
`<!-- observed: compatibility_table -->` gets that function's table in its place, so the
page cannot drift from the tests. An unknown name, or a marker left on any page, fails the build.

No import of mkdocs here: the hook is called with its objects, and mypy checks this file in
.venv, which has no mkdocs.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"<!-- observed: ([a-z_]+) -->")


def _tables() -> dict[str, Callable[[], str]]:
    if str(ROOT) not in sys.path:  # mkdocs runs with the repository as its directory, not on sys.path
        sys.path.insert(0, str(ROOT))
    from tests.conformance.observed import compatibility_table, matrix_table

    return {"compatibility_table": compatibility_table, "matrix_table": matrix_table}


def render_observed(markdown: str) -> str:
    """`markdown` with each `<!-- observed: NAME -->` replaced by observed.NAME()'s table."""
    tables = _tables()

    def table(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in tables:
            raise ValueError(f"<!-- observed: {name} -->: no such table (known: {', '.join(sorted(tables))})")
        return tables[name]()

    return MARKER.sub(table, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return render_observed(markdown) if MARKER.search(markdown) else markdown
