"""Names of a package imported on first use (PEP 562), for the package root and the testing kit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
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
        return sorted({*namespace, *names})

    return __getattr__, __dir__
