"""What a regeneration changed, and what the hand-written facade does not cover or no longer fits.

Read from source (ast), never imported: a generated package that lost a name the facade
imports must still be reported on, by name, instead of ending in an ImportError.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FacadeBreak",
    "create_thread_parameters",
    "diff_models",
    "facade_breaks",
    "model_fields",
    "uncovered_fields",
]

ROOT = Path(__file__).resolve().parent.parent
FACADE = ROOT / "langsmith_threads_client"
CLIENT_CLASSES = ("ThreadsClient", "AsyncThreadsClient")
REQUEST_MODEL = "ThreadCreate"
_NOT_FIELDS = frozenset({"additional_properties"})


def _enum_bases(node: ast.ClassDef) -> bool:
    return any(isinstance(base, ast.Name) and base.id.endswith("Enum") for base in node.bases)


def model_fields(package: Path) -> dict[str, dict[str, str]]:
    """{model or enum: {field: annotation}} (for an enum {MEMBER: value}) of a generated package."""
    models: dict[str, dict[str, str]] = {}
    for path in sorted((package / "models").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.ClassDef):
                continue
            fields: dict[str, str] = {}
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    fields[statement.target.id] = ast.unparse(statement.annotation)
                elif _enum_bases(node) and isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                    target = statement.targets[0]
                    if isinstance(target, ast.Name):
                        fields[target.id] = "= " + ast.unparse(statement.value)
            models[node.name] = {name: kind for name, kind in fields.items() if name not in _NOT_FIELDS}
    return models


def diff_models(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> list[str]:
    """One line per model or field added, removed or retyped."""
    lines = []
    for model in sorted(old.keys() | new.keys()):
        if model not in new:
            lines.append(f"- {model} (model removed)")
            continue
        if model not in old:
            lines.append(f"+ {model} (new model): {', '.join(f'{k}: {v}' for k, v in new[model].items())}")
            continue
        for field in sorted(old[model].keys() | new[model].keys()):
            before, after = old[model].get(field), new[model].get(field)
            if before == after:
                continue
            if after is None:
                lines.append(f"- {model}.{field} (was {before})")
            elif before is None:
                lines.append(f"+ {model}.{field}: {after}")
            else:
                lines.append(f"~ {model}.{field}: {before} -> {after}")
    return lines


def create_thread_parameters(facade: Path = FACADE) -> dict[str, set[str]]:
    """{client class: create_thread's keyword parameters}, read from the facade's source."""
    found: dict[str, set[str]] = {}
    for node in ast.parse((facade / "_client.py").read_text()).body:
        if isinstance(node, ast.ClassDef) and node.name in CLIENT_CLASSES:
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name == "create_thread":
                    found[node.name] = {arg.arg for arg in item.args.kwonlyargs + item.args.args[1:]}
    return found


def uncovered_fields(package: Path, facade: Path = FACADE) -> list[str]:
    """One message per ThreadCreate field a client's create_thread does not take."""
    request = model_fields(package).get(REQUEST_MODEL, {})
    messages = []
    for client, parameters in sorted(create_thread_parameters(facade).items()):
        for field in request:
            if field not in parameters:
                messages.append(
                    f"{REQUEST_MODEL}.{field} ({request[field]}) is not an argument of {client}.create_thread: "
                    f"add `{field}` to both clients (langsmith_threads_client/_client.py) and to CreateArgs, check it "
                    f"in _validation.check_create, send it from _call.plan_create and document it in "
                    f"README.md; until then users can send it with extra_body"
                )
    return messages


@dataclass(frozen=True)
class FacadeBreak:
    name: str
    message: str


def _bound_names(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(module.read_text()).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
    return names


def _uses(facade: Path, pattern: re.Pattern[str]) -> list[str]:
    hits = []
    for path in sorted(facade.glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                hits.append(f"{path.relative_to(facade.parent)}:{number}: {line.strip()}")
    return hits


def facade_breaks(
    package: Path, old_models: dict[str, dict[str, str]] | None = None, facade: Path = FACADE
) -> list[FacadeBreak]:
    """Names the facade imports from _generated that the package lacks, and removed fields the facade uses."""
    breaks = []
    for path in sorted(facade.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.ImportFrom) and node.level == 1 and node.module):
                continue
            parts = node.module.split(".")
            if parts[0] != "_generated":
                continue
            module_dir = package.joinpath(*parts[1:])
            module = module_dir / "__init__.py" if module_dir.is_dir() else module_dir.with_suffix(".py")
            available = _bound_names(module) if module.exists() else set()
            for alias in node.names:
                submodule = module_dir / alias.name  # `from ._generated import models`: a subpackage
                # `import *` (langsmith_threads_client/types.py) names nothing that could go missing.
                if alias.name in available or submodule.with_suffix(".py").exists() or submodule.is_dir():
                    continue
                if alias.name == "*":
                    continue
                where = f"{path.relative_to(facade.parent)}:{node.lineno}"
                uses = _uses(facade, re.compile(rf"\b{re.escape(alias.asname or alias.name)}\b"))
                breaks.append(
                    FacadeBreak(
                        alias.name,
                        f"the regenerated layer has no {alias.name} ({node.module}), which {where} imports; "
                        f"upstream removed or renamed what it was generated from. Change the facade code that "
                        f"uses it:\n    " + "\n    ".join(uses),
                    )
                )
    if old_models is not None:
        new_models = model_fields(package)
        for model, fields in sorted(old_models.items()):
            if model not in new_models:
                continue
            for field in sorted(fields.keys() - new_models[model].keys()):
                uses = _uses(facade, re.compile(rf"(\b{re.escape(field)}=|\.{re.escape(field)}\b)"))
                if uses:
                    breaks.append(
                        FacadeBreak(
                            f"{model}.{field}",
                            f"{model}.{field} is gone from the regenerated layer, and the facade uses it; if "
                            f"upstream removed it on purpose, drop it from the facade (argument, checks, README), "
                            f"else restore it with a correction. Uses:\n    " + "\n    ".join(uses),
                        )
                    )
    return breaks
