"""The package's layers, as CONTRIBUTING.md's table gives them: a module imports only from layers below.

Every import counts, also those under ``TYPE_CHECKING`` and inside functions: a name a
module types with is a name it depends on. A module may import from its own layer. Each
known breach is listed in ``KNOWN`` with why it is still there; the test fails on a new
breach, and also when a listed one is gone (so the list only shrinks).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "langsmith_threads_client"

# None left: the seam is a value (a sender sees one Attempt, not the call), the request
# plan and the configuration checks are plain values and checks in the bottom layer.
KNOWN: set[tuple[str, str]] = set()


def layers() -> dict[str, int]:
    """Module (a file under the package, or a folder ending in /) -> its layer's rank, 0 at the top."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    table = text.split("| layer | modules | job |", 1)[1].split("\n\n", 1)[0]
    rank: dict[str, int] = {}
    for number, row in enumerate(line for line in table.splitlines()[2:] if line.startswith("|")):
        cells = row.split("|")
        for name in re.findall(r"`([^`]+)`", cells[2]):
            rank[name] = number
    return rank


def layer_of(path: Path, rank: dict[str, int]) -> int:
    relative = path.relative_to(PACKAGE)
    if len(relative.parts) > 1 or path.is_dir():
        return rank[f"{relative.parts[0]}/"]
    return rank[relative.name]


def module_path(module: str) -> Path:
    """The file or package folder a module of the package is, e.g. ``_generated.models`` -> _generated/."""
    first = module.split(".")[0]
    return PACKAGE / first if (PACKAGE / first).is_dir() else PACKAGE / f"{first}.py"


def imported(path: Path) -> set[str]:
    """The package's modules ``path`` imports, relative to the package (``_call``, ``_generated.models``)."""
    package_parts = path.relative_to(PACKAGE).parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package_parts[: len(package_parts) - node.level + 1])
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
                names = [alias.name for alias in node.names] if not node.module else [""]
                found.update(f"{target}.{name}".strip(".") for name in names)
            elif node.module and node.module.startswith("langsmith_threads_client."):
                found.add(node.module.removeprefix("langsmith_threads_client."))
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.removeprefix("langsmith_threads_client.")
                for alias in node.names
                if alias.name.startswith("langsmith_threads_client.")
            )
    return {name for name in found if name}


def hand_written() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "_generated" not in path.parts)


def test_every_module_is_in_a_layer() -> None:
    rank = layers()
    missing = []
    for path in hand_written():
        try:
            layer_of(path, rank)
        except KeyError:
            missing.append(str(path.relative_to(PACKAGE)))
    assert missing == [], "add them to CONTRIBUTING.md's table of layers"


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    rank = layers()
    breaches = set()
    for path in hand_written():
        own = layer_of(path, rank)
        for module in imported(path):
            target = module_path(module)
            if target.relative_to(PACKAGE).parts[0] == path.relative_to(PACKAGE).parts[0]:
                continue  # inside the same module or subpackage
            if layer_of(target, rank) < own:
                breaches.add((str(path.relative_to(PACKAGE)), target.name + ("/" if target.is_dir() else "")))
    assert breaches - KNOWN == set(), "a module imports from a layer above its own"
    assert KNOWN - breaches == set(), "a known breach is gone: remove it from KNOWN"
