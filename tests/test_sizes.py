"""Hand-written code stays small enough to read whole: no module over 800 lines, no function over 60
(its docstring not counted: documenting a function never pushes it over).

The package (the testing kit included; not the generated layer), scripts/ and benchmarks/.
``KNOWN`` lists what is still over, with why; the test fails on anything new over a limit,
and when a listed one is back under it (so the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("langsmith_threads_client", "scripts", "benchmarks")
MODULE_LINES = 800
FUNCTION_LINES = 60
# Nothing: each create_thread packs its keywords and hands them to the shared send loop.
KNOWN: set[str] = set()


def hand_written() -> list[Path]:
    return sorted(
        path for folder in FOLDERS for path in (ROOT / folder).rglob("*.py") if "_generated" not in path.parts
    )


def docstring_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        assert first.end_lineno is not None
        return first.end_lineno - first.lineno + 1
    return 0


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
                if node.end_lineno - node.lineno + 1 - docstring_lines(node) > FUNCTION_LINES:
                    found.add(f"{name}:{node.name}")
    return found


def test_no_module_or_function_is_over_its_limit() -> None:
    assert hand_written(), "no files found: the folders moved?"
    assert oversized() == KNOWN


def test_the_package_is_at_most_twenty_hand_written_modules() -> None:
    # Modules along concepts (CONTRIBUTING.md's layers), not one per helper: the testing kit and
    # the generated layer are packages of their own.
    modules = sorted((ROOT / "langsmith_threads_client").glob("*.py"))
    assert 10 <= len(modules) <= 20, [path.name for path in modules]


def test_a_docstring_does_not_count_toward_a_functions_lines() -> None:
    body = "\n".join(f"    x{n} = {n}" for n in range(55))
    documented = ast.parse(f'def f() -> None:\n    """{"line" + chr(10) * 30}"""\n{body}\n')
    function = documented.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert docstring_lines(function) == 31
    assert function.end_lineno is not None and function.end_lineno - function.lineno + 1 - 31 == 56
