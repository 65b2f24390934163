"""The generated layer runs on httpx2: scripts/generate moves the generator's `import httpx` over."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "langsmith_threads_client" / "_generated"


def generate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_generate", ROOT / "scripts" / "_generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_generated_module_imports_the_legacy_httpx() -> None:
    legacy = re.compile(r"^\s*(import httpx\s*$|from httpx[ .])", re.MULTILINE)
    offenders = [str(path.relative_to(ROOT)) for path in GENERATED.rglob("*.py") if legacy.search(path.read_text())]
    assert offenders == []
    assert "import httpx2" in (GENERATED / "client.py").read_text()


def test_the_move_rewrites_imports_and_names_but_not_lookalikes() -> None:
    source = (
        "import httpx\n"
        "def f(response: httpx.Response, c: httpx.Client) -> None:\n"
        "    client.get_httpx_client()\n"
        "    _httpx_args = {}\n"
        '    """httpx.TimeoutException: (see httpx docs)"""\n'
    )
    moved = generate_module().use_httpx2(source)
    assert moved == (
        "import httpx2\n"
        "def f(response: httpx2.Response, c: httpx2.Client) -> None:\n"
        "    client.get_httpx_client()\n"
        "    _httpx_args = {}\n"
        '    """httpx2.TimeoutException: (see httpx docs)"""\n'
    )
    assert generate_module().use_httpx2(moved) == moved, "moving twice changes nothing"


def test_an_import_form_the_move_does_not_know_fails_loudly() -> None:
    with pytest.raises(ValueError, match="legacy httpx import"):
        generate_module().use_httpx2("from httpx import Client\n")


def test_generation_stops_when_the_generator_already_emits_httpx2(tmp_path: Path) -> None:
    (tmp_path / "client.py").write_text("import httpx2\n")
    with pytest.raises(SystemExit, match="drop move_to_httpx2"):
        generate_module().move_to_httpx2(tmp_path)
