"""No breaking change to the public API since a previous release: run through `scripts/check-api [REF]`.

Two checks against REF (default: ``PREVIOUS_RELEASE``), both on the public API only, that is
the names of ``__all__`` in ``langsmith_threads_client`` and ``langsmith_threads_client.testing``:

1. ``griffe check`` (pinned in the ``api`` dependency group) compares every public object
   with REF's: a removed name, a removed or renamed parameter, a parameter made positional or
   required, a changed default, a removed attribute or base. It follows a public name to the
   private module that defines it, so moving code between private modules (``_base_client.py``
   into ``_client.py``) is no change; private names are not compared.
2. Every name of REF's ``__all__`` is still in ``__all__``. griffe sees the names both roots
   import under ``TYPE_CHECKING`` and counts those as still there when only ``__all__`` loses
   one, but the roots resolve their names lazily from ``__all__``: at run time the name is gone.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "langsmith_threads_client"
# The commit of the previous release (0.1.0); move it on with each release.
PREVIOUS_RELEASE = "9b2d8d7"
PUBLIC_ROOTS = (f"{PACKAGE}/__init__.py", f"{PACKAGE}/testing/__init__.py")


def exported(source: str, where: str) -> list[str]:
    """The names of a module's literal ``__all__``."""
    for node in ast.parse(source, filename=where).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            names = ast.literal_eval(node.value)
            if isinstance(names, list | tuple) and all(isinstance(name, str) for name in names):
                return list(names)
    raise SystemExit(f"check-api: {where} has no literal __all__ (a list of names) to compare")


def removed_names(ref: str) -> list[str]:
    removed: list[str] = []
    for path in PUBLIC_ROOTS:
        before = subprocess.run(
            ["git", "show", f"{ref}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
        now = (ROOT / path).read_text()
        module = path.removesuffix("/__init__.py").replace("/", ".")
        kept = set(exported(now, path))
        removed += [f"{module}.{name}" for name in exported(before, f"{ref}:{path}") if name not in kept]
    return removed


def main(argv: list[str]) -> int:
    ref = argv[0] if argv else PREVIOUS_RELEASE
    griffe = Path(sys.executable).parent / "griffe"
    print(f"== griffe check {PACKAGE} against {ref}", flush=True)
    # The search path must be relative ("."): griffe loads REF in a temporary git worktree and
    # searches there for a relative path; an absolute one would load the work tree both times
    # and compare it with itself (griffe 2.4.1 then reports nothing).
    checked = subprocess.run(
        [str(griffe), "check", PACKAGE, "--against", ref, "--search", ".", "--format", "verbose", "--no-color"],
        cwd=ROOT,
        check=False,
    )
    print(f"== __all__ of {', '.join(PUBLIC_ROOTS)} against {ref}", flush=True)
    removed = removed_names(ref)
    for name in removed:
        print(f"{name}: public name removed from __all__")
    if checked.returncode != 0 or removed:
        print(f"check-api: breaking changes to the public API since {ref} (above)", file=sys.stderr)
        return 1
    print(f"check-api: no breaking change to the public API since {ref}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
