"""Typed client for the LangGraph Agent Server's Create Thread endpoint (POST /threads).

from langsmith_threads_client import ThreadsClient

with ThreadsClient(base_url="http://127.0.0.1:2024") as client:
    thread = client.create_thread(metadata={"user": "u1"})
"""

from typing import TYPE_CHECKING, Any

from ._aiohttp import DefaultAioHttpClient
from ._client import AsyncThreadsClient, ThreadsClient
from ._defaults import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, NOT_GIVEN, NotGiven
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SuperstepsError,
    ThreadsClientError,
    UnprocessableEntityError,
)
from ._logging import SensitiveHeadersFilter
from ._uuid7 import uuid7
from ._version import __version__

if TYPE_CHECKING:
    from ._generated.models import (
        Command,
        Send,
        Thread,
        ThreadCreateSuperstepsItem,
        ThreadCreateTTL,
        ThreadMetadata,
        ThreadStatus,
        ThreadSuperstepUpdate,
        ThreadValues,
    )
    from ._generated.types import UNSET, Unset

# The generated models are attrs classes, and building them costs more than the rest of the
# package together: the names of __all__ not bound above are imported on first use (here, or
# by a create_thread call), so that `import langsmith_threads_client` costs little beyond httpx2.


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ._generated import models, types

        value = getattr(types if name in ("UNSET", "Unset") else models, name)
        globals()[name] = value  # found here from now on, without this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "UNSET",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncThreadsClient",
    "AuthenticationError",
    "BadRequestError",
    "Command",
    "ConflictError",
    "DefaultAioHttpClient",
    "InternalServerError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "Send",
    "SensitiveHeadersFilter",
    "SuperstepsError",
    "Thread",
    "ThreadCreateSuperstepsItem",
    "ThreadCreateTTL",
    "ThreadMetadata",
    "ThreadStatus",
    "ThreadSuperstepUpdate",
    "ThreadValues",
    "ThreadsClient",
    "ThreadsClientError",
    "UnprocessableEntityError",
    "Unset",
    "__version__",
    "uuid7",
]
