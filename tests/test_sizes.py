"""Hand-written code stays small enough to read whole: no module over 400 lines, no function over 60.

The package (the testing kit included; not the generated layer), scripts/ and benchmarks/.
``KNOWN`` lists what is still over, with why; the test fails on anything new over a limit,
and when a listed one is back under it (so the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("langsmith_threads_client", "scripts", "benchmarks")
MODULE_LINES = 400
FUNCTION_LINES = 60
# Nothing: the clients' shared base is in _base_client.py, and each create_thread packs its
# keywords and hands them to the shared send loop.
KNOWN: set[str] = set()


def hand_written() -> list[Path]:
    return sorted(
        path for folder in FOLDERS for path in (ROOT / folder).rglob("*.py") if "_generated" not in path.parts
    )


def oversized() -> set[str]:
    found = set()
    for path in hand_written():
        text = path.read_text()
        name = str(path.relative_to(ROOT))
        if len(text.splitlines()) > MODULE_LINES:
            found.add(name)
        for node in ast.walk(ast.parse(text, filename=name)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                if node.end_lineno - node.lineno + 1 > FUNCTION_LINES:
                    found.add(f"{name}:{node.name}")
    return found


def test_no_module_or_function_is_over_its_limit() -> None:
    assert hand_written(), "no files found: the folders moved?"
    assert oversized() == KNOWN
