"""Maintainer edits to the upstream spec, replayed on temporary copies: what the maintainer sees.

Each test edits a copy of openapi/spec.yaml the way an upstream release might, runs the
maintainer's own commands (scripts/update-spec, scripts/generate, pytest) on a temporary
copy of the repository or into a temporary output folder, and asserts the outcome: it
succeeds quietly where nothing needs doing, and otherwise fails loudly, naming what to
change. The repository itself is never touched.
"""

from __future__ import annotations

import ast
import copy
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from langsmith_threads_client._call import plan_create
from langsmith_threads_client._config import CreateArgs
from langsmith_threads_client._validation import check_create
from scripts import _corrections

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "spec.yaml"
GENERATED = ROOT / "langsmith_threads_client" / "_generated"
COPIED = ("langsmith_threads_client", "tests", "scripts", "openapi", "generator-config.yml", "pyproject.toml")
Edit = Callable[[dict[str, Any]], None]


def upstream() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    return spec


def schemas(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"]
    return found


def edited_spec(folder: Path, edit: Edit) -> Path:
    """The upstream spec with one edit, as a file a maintainer would be handed."""
    spec = upstream()
    edit(spec)
    path = folder / "upstream-spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHON": sys.executable, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True)


def repo_copy(tmp_path: Path) -> Path:
    """The parts of the repository the loop touches, in a temporary folder."""
    copy_root = tmp_path / "repo"
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy_root / name, ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache"))
        else:
            copy_root.mkdir(exist_ok=True)
            shutil.copy2(source, copy_root / name)
    return copy_root


def update_spec(repo: Path, spec: Path) -> subprocess.CompletedProcess[str]:
    return run(["bash", repo / "scripts" / "update-spec", spec], repo)


def generate_into(tmp_path: Path, spec: Path) -> subprocess.CompletedProcess[str]:
    """scripts/generate on an edited spec into a copy of the committed generated package."""
    out = tmp_path / "_generated"
    shutil.copytree(GENERATED, out, ignore=shutil.ignore_patterns("__pycache__"))
    return run(["bash", ROOT / "scripts" / "generate", "--spec", spec, "--output", out], ROOT)


def pytest_in(repo: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths], repo)


def add_tenant(spec: dict[str, Any]) -> None:
    schemas(spec)["ThreadCreate"]["properties"]["tenant"] = {
        "type": "string",
        "title": "Tenant",
        "description": "The tenant the thread belongs to.",
    }


def test_a_new_optional_request_field_generates_is_named_by_the_completeness_test_and_extra_body_sends_it(
    tmp_path: Path,
) -> None:
    repo = repo_copy(tmp_path)
    result = update_spec(repo, edited_spec(tmp_path, add_tenant))
    assert result.returncode == 0, result.stderr
    assert "+ ThreadCreate.tenant: str | Unset" in result.stdout
    assert "not covered by the facade: ThreadCreate.tenant (str | Unset) is not an argument of" in result.stdout

    tests = pytest_in(repo, "tests/generated/test_facade_covers_the_spec.py")
    assert tests.returncode == 1
    assert "ThreadCreate.tenant is not an argument of ThreadsClient.create_thread" in tests.stdout
    assert "ThreadCreate.tenant is not an argument of AsyncThreadsClient.create_thread" in tests.stdout

    # Until the SDK grows the argument, its users send the field with extra_body.
    prepared = plan_create(check_create(CreateArgs(extra_body={"tenant": "t1"})))
    assert b'"tenant":"t1"' in prepared.content


# The thread statuses the spec names, as a test would spell one.
STATUSES = schemas(upstream())["Thread"]["properties"]["status"]["enum"]
STATUS_WORDS = ("ThreadStatus", *(f'"{value}"' for value in STATUSES))


def files_that_name_a_status(repo: Path) -> list[str]:
    """tests/generated (every test of the generated layer and the spec), and each unit test file
    that names a thread status: the tests a new status value could break. (The rest of
    tests/unit never sees a status; running it all here took a minute and a half of the suite.)"""
    named = [
        str(path.relative_to(repo))
        for path in sorted((repo / "tests" / "unit").glob("test_*.py"))
        if any(word in path.read_text() for word in STATUS_WORDS)
    ]
    return ["tests/generated", *named]


# Minutes of regeneration and a test run of its own: 300 s (pytest's default here) ran out
# beside the other xdist workers on a busy two-core machine.
@pytest.mark.timeout(900)
def test_a_new_status_value_parses_and_no_test_breaks(tmp_path: Path) -> None:
    repo = repo_copy(tmp_path)

    def add_status(spec: dict[str, Any]) -> None:
        schemas(spec)["Thread"]["properties"]["status"]["enum"].append("archived")

    result = update_spec(repo, edited_spec(tmp_path, add_status))
    assert result.returncode == 0, result.stderr
    assert "+ ThreadStatus.ARCHIVED: = 'archived'" in result.stdout
    assert "not covered" not in result.stdout

    check = (
        "import json; from langsmith_threads_client import Thread, ThreadStatus;"
        "body = json.load(open('tests/fixtures/thread_created.json')); body['status'] = 'archived';"
        "assert Thread.from_dict(body).status is ThreadStatus.ARCHIVED; print('parsed')"
    )
    parsed = run([sys.executable, "-c", check], repo)
    assert parsed.stdout.strip() == "parsed", parsed.stderr
    chosen = files_that_name_a_status(repo)
    assert len(chosen) > 3, chosen  # the models' tests and the unit files that name statuses
    tests = pytest_in(repo, *chosen)
    assert tests.returncode == 0, tests.stdout[-3000:]


def without_docstrings(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                body[0] = ast.Pass()
    return ast.dump(tree)


def test_a_description_only_change_regenerates_cleanly_and_nothing_else_fails(tmp_path: Path) -> None:
    repo = repo_copy(tmp_path)

    def describe(spec: dict[str, Any]) -> None:
        schemas(spec)["ThreadCreate"]["properties"]["metadata"]["description"] = "Metadata to add to the new thread."

    result = update_spec(repo, edited_spec(tmp_path, describe))
    assert result.returncode == 0, result.stderr
    assert "generated models: no change" in result.stdout
    assert "not covered" not in result.stdout
    regenerated = repo / "langsmith_threads_client" / "_generated"
    assert "Metadata to add to the new thread." in (regenerated / "models" / "thread_create.py").read_text()
    # The same code as before, docstrings aside: no behaviour the facade or its tests rely on moved.
    files = sorted(path.relative_to(GENERATED) for path in GENERATED.rglob("*.py"))
    assert files == sorted(path.relative_to(regenerated) for path in regenerated.rglob("*.py"))
    for name in files:
        assert without_docstrings((regenerated / name).read_text()) == without_docstrings(
            (GENERATED / name).read_text()
        )
    # What does read the spec (provenance, corrections, models against the spec) still passes.
    tests = pytest_in(repo, "tests/generated")
    assert tests.returncode == 0, tests.stdout[-3000:]


def test_a_removed_field_names_the_field_the_generated_name_and_the_facade_code_to_change(tmp_path: Path) -> None:
    def remove_ttl(spec: dict[str, Any]) -> None:
        del schemas(spec)["ThreadCreate"]["properties"]["ttl"]

    result = generate_into(tmp_path, edited_spec(tmp_path, remove_ttl))
    assert result.returncode == 1
    message = result.stderr
    assert "- ThreadCreate.ttl" in result.stdout and "- ThreadCreateTTL (model removed)" in result.stdout
    assert "the facade (langsmith_threads_client/) no longer fits the regenerated layer" in message
    assert (
        "the regenerated layer has no ThreadCreateTTL (_generated.models), which langsmith_threads_client/" in message
    )
    assert "ThreadCreate.ttl is gone from the regenerated layer, and the facade uses it" in message
    assert "langsmith_threads_client/_validation.py:" in message
    assert "ImportError" not in message


@pytest.mark.parametrize("status", ["201", "400"])
def test_a_new_response_code_is_never_silently_overwritten_by_a_correction(tmp_path: Path, status: str) -> None:
    def declare(spec: dict[str, Any]) -> None:
        spec["paths"]["/threads"]["post"]["responses"][status] = {
            "description": "Created",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thread"}}},
        }

    result = generate_into(tmp_path, edited_spec(tmp_path, declare))
    assert result.returncode == 1
    assert f"(add /paths/~1threads/post/responses/{status}) would overwrite a member upstream now defines" in (
        result.stderr
    )
    assert '"$ref": "#/components/schemas/Thread"' in result.stderr  # what upstream now says
    assert "reason:" in result.stderr and "check:" in result.stderr
    # Nothing was generated: the output is the committed package, untouched.
    assert sorted(p.name for p in (tmp_path / "_generated" / "models").iterdir() if p.suffix == ".py") == sorted(
        p.name for p in (GENERATED / "models").iterdir() if p.suffix == ".py"
    )


def guarded() -> list[tuple[int, dict[str, Any]]]:
    operations = _corrections.load(ROOT / "openapi" / "corrections.json")
    return [(index, operation) for index, operation in enumerate(operations) if operation["op"] == "test"]


def changed(value: Any) -> Any:
    """An upstream change to a guarded value: a new member, item or wording."""
    if isinstance(value, dict):
        return {**value, "x-new-upstream-member": True}
    if isinstance(value, list):
        return [*value, "new"]
    return f"{value} (changed upstream)"


def at(spec: dict[str, Any], path: str) -> tuple[Any, str]:
    parts = [part.replace("~1", "/").replace("~0", "~") for part in path.lstrip("/").split("/")]
    node: Any = spec
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, parts[-1]


@pytest.mark.parametrize(("index", "guard"), guarded(), ids=[operation["path"] for _, operation in guarded()])
def test_an_upstream_change_under_each_guarded_correction_fails_naming_it(index: int, guard: dict[str, Any]) -> None:
    spec = upstream()
    parent, key = at(spec, guard["path"])
    parent[key] = changed(parent[key])
    operations = _corrections.load(ROOT / "openapi" / "corrections.json")
    with pytest.raises(_corrections.CorrectionError) as caught:
        _corrections.apply_corrections(spec, operations)
    message = str(caught.value)
    corrected = operations[index + 1]
    assert f"corrections.json[{index}] (test {guard['path']}) failed" in message
    assert f"corrections.json[{index + 1}] ({corrected['op']} {corrected['path']}) corrects" in message
    assert corrected["reason"] in message
    assert "check:" in message


UPSTREAM_FIXES: dict[str, Edit] = {
    # The changes the issue saw applied silently and overwritten.
    "Command.update gains items": lambda spec: schemas(spec)["Command"]["properties"]["update"].update(items={}),
    "goto gains a branch": lambda spec: schemas(spec)["Command"]["properties"]["goto"]["anyOf"].append(
        {"type": "object"}
    ),
    "Send.input gains items": lambda spec: schemas(spec)["Send"]["properties"]["input"].update(items={}),
    "values becomes nullable": lambda spec: schemas(spec)["Thread"]["properties"]["values"].update(
        type=["object", "null"]
    ),
}


@pytest.mark.parametrize("edit", UPSTREAM_FIXES.values(), ids=list(UPSTREAM_FIXES))
def test_upstream_fixing_what_a_correction_fixes_is_never_overwritten(tmp_path: Path, edit: Edit) -> None:
    spec = upstream()
    edit(spec)
    before = copy.deepcopy(spec)
    with pytest.raises(_corrections.CorrectionError, match=r"failed: upstream changed the value that"):
        _corrections.apply_corrections(spec, _corrections.load(ROOT / "openapi" / "corrections.json"))
    assert spec == before


def test_scripts_generate_stops_with_the_named_correction_and_changes_nothing(tmp_path: Path) -> None:
    result = generate_into(tmp_path, edited_spec(tmp_path, UPSTREAM_FIXES["Command.update gains items"]))
    assert result.returncode == 1
    assert "corrections.json[5] (test /components/schemas/Command/properties/update) failed" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "_generated" / "models" / "command.py").read_text() == (
        GENERATED / "models" / "command.py"
    ).read_text()
