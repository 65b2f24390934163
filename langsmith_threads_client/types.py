"""Every generated model of the API, in one documented namespace (as openai-python's `openai.types`).

The package root re-exports the models most code needs (`Thread`, `ThreadStatus`, ...);
every one of them, and every other generated model, is importable from here:

    from langsmith_threads_client.types import ThreadTTLInfo, ThreadInterrupts

This module follows the generated layer: a model added by regeneration appears here at
once (tests/unit/test_package_imports.py checks it).
"""

from ._generated import models as _models
from ._generated.models import *  # noqa: F403
from ._generated.types import UNSET, Unset

__all__ = ["UNSET", "Unset"]
__all__ += _models.__all__
