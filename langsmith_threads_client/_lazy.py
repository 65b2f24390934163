"""Names of a package imported on first use (PEP 562), for the package root and the testing kit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from types import ModuleType
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, names: Sequence[str], homes: Sequence[str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's `__getattr__` and `__dir__` that find each of `names` in the first of `homes`
    (modules relative to `package`) that has it, and bind it in `namespace` from then on."""

    def __getattr__(name: str) -> Any:
        if name in names:
            for home in homes:
                module = import_module(home, package)
                if hasattr(module, name):
                    value = getattr(module, name)
                    namespace[name] = value  # found there from now on, without this function
                    return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        # The public names, the module's dunders, and public submodules already imported; not
        # what the module imports for its own use (typing's names, this helper).
        bound = {
            key
            for key, value in namespace.items()
            if (key.startswith("__") and key.endswith("__"))
            or (not key.startswith("_") and isinstance(value, ModuleType) and value.__name__ == f"{package}.{key}")
        }
        return sorted({*bound, *names})

    return __getattr__, __dir__
