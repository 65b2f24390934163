"""The public types as users meet them: a user-style script under mypy --strict and pyright
strict, and pyright's type completeness report on the package (100%, checked here so CI
fails below it).

pyright is the pinned `pyright` package of the dev extra: its wheel carries pyright itself,
and it runs on the machine's node (never downloading one, nor checking for a newer version).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.typecheck import mypy_strict

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("user_script.py")
BIN = Path(sys.executable).parent


def _pyright(*args: str) -> dict[str, Any]:
    assert shutil.which("node"), "pyright needs node on PATH (the machine's own; nothing is downloaded)"
    env = {
        **os.environ,
        # `python` on PATH is this environment's, so pyright resolves the installed package.
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYRIGHT_PYTHON_GLOBAL_NODE": "1",
        "PYRIGHT_PYTHON_NODEJS_WHEEL": "0",
        "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1",
    }
    result = subprocess.run(
        [BIN / "pyright", "--outputjson", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.stdout.startswith("{"), f"pyright did not run: {result.stdout[:2000]}{result.stderr[:2000]}"
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_the_user_script_passes_mypy_strict(mypy_cache: Path) -> None:
    result = mypy_strict(SCRIPT, cwd=ROOT, cache=mypy_cache)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_user_script_passes_pyright_strict() -> None:
    assert SCRIPT.read_text().startswith("# pyright: strict\n")
    report = _pyright(str(SCRIPT))
    problems = [
        f"{d['range']['start']['line'] + 1}: {d['message']}"
        for d in report["generalDiagnostics"]
        if d["severity"] in ("error", "warning")
    ]
    assert not problems, "\n".join(problems)
    assert report["summary"]["filesAnalyzed"] == 1


def test_pyright_type_completeness_of_the_package_is_100_percent() -> None:
    report = _pyright("--verifytypes", "langsmith_threads_client", "--ignoreexternal")
    completeness = report["typeCompleteness"]
    assert completeness["packageRootDirectory"] == str(ROOT / "langsmith_threads_client")
    ambiguous = [
        f"{symbol['name']}: {diagnostic['message']}"
        for symbol in completeness["symbols"]
        for diagnostic in symbol["diagnostics"]
        if diagnostic["severity"] == "error"
    ]
    assert completeness["completenessScore"] == 1.0, "\n".join(ambiguous)


RAW_MISUSE = """\
from langsmith_threads_client import AsyncThreadsClient, RawThreadResponse, ThreadsClient


def misuse(client: ThreadsClient, aclient: AsyncThreadsClient) -> None:
    ok: RawThreadResponse = client.with_raw_response.create_thread(metadata={"a": 1}, if_exists="do_nothing")
    client.with_raw_response.create_thread(thread_idd="x")
    client.with_raw_response.create_thread(if_exists="maybe")
    pending = aclient.with_raw_response.create_thread(graph_id=1)
    print(ok, pending)
"""


def test_the_raw_create_thread_has_the_clients_keywords_for_type_checkers(tmp_path: Path, mypy_cache: Path) -> None:
    # Its keywords are the client's own create_thread's (a ParamSpec), not a copy: misuse is caught.
    script = tmp_path / "raw_misuse.py"
    script.write_text(RAW_MISUSE)
    result = mypy_strict(script, cwd=ROOT, cache=mypy_cache)
    said = [line for line in result.stdout.splitlines() if ": error: " in line]
    errors = [line.split(": error: ")[0].rsplit(":", 1)[1] for line in said]
    assert errors == ["6", "7", "8"], result.stdout
    report = _pyright(str(script))
    lines = sorted({d["range"]["start"]["line"] + 1 for d in report["generalDiagnostics"] if d["severity"] == "error"})
    assert lines == [6, 7, 8], report["generalDiagnostics"]
