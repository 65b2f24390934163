"""Typed client for the LangGraph Agent Server's Create Thread endpoint (POST /threads).

from langsmith_threads_client import ThreadsClient

with ThreadsClient(base_url="http://127.0.0.1:2024") as client:
    thread = client.create_thread(metadata={"user": "u1"})
"""

from typing import TYPE_CHECKING, Any

from ._lazy import lazy_names
from ._version import __version__

if TYPE_CHECKING:
    from ._aiohttp import DefaultAioHttpClient
    from ._client import (
        AsyncThreadsClient,
        AsyncThreadsClientWithRawResponse,
        RawThreadResponse,
        ThreadsClient,
        ThreadsClientWithRawResponse,
    )
    from ._config import (
        DEFAULT_BASE_URL,
        DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_MAX_RETRIES,
        DEFAULT_TIMEOUT,
        NOT_GIVEN,
        NotGiven,
    )
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
        ResponseTooLargeError,
        SuperstepsError,
        SuperstepsOutcomeUnknownError,
        ThreadsClientError,
        UnprocessableEntityError,
    )
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
    from ._logging import SensitiveHeadersFilter
    from ._transport import DefaultAsyncHttpxClient, DefaultHttpxClient
    from ._uuid7 import uuid7

# Every name of __all__ but the version is imported on first use: `import
# langsmith_threads_client` costs almost nothing (no httpx2, no attrs models), so that the
# testing kit's pytest plugin, which pytest loads in every session, stays cheap too. The
# clients load httpx2 when first named; the generated attrs models, which cost more than
# the rest together, with a create_thread call or their first use. A name is looked up
# in these modules, in order.
_HOMES = (
    "._client",
    "._exceptions",
    "._config",
    "._transport",
    "._aiohttp",
    "._logging",
    "._uuid7",
    "._generated.types",
    "._generated.models",
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "UNSET",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncThreadsClient",
    "AsyncThreadsClientWithRawResponse",
    "AuthenticationError",
    "BadRequestError",
    "Command",
    "ConflictError",
    "DefaultAioHttpClient",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "InternalServerError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "RawThreadResponse",
    "ResponseTooLargeError",
    "Send",
    "SensitiveHeadersFilter",
    "SuperstepsError",
    "SuperstepsOutcomeUnknownError",
    "Thread",
    "ThreadCreateSuperstepsItem",
    "ThreadCreateTTL",
    "ThreadMetadata",
    "ThreadStatus",
    "ThreadSuperstepUpdate",
    "ThreadValues",
    "ThreadsClient",
    "ThreadsClientError",
    "ThreadsClientWithRawResponse",
    "UnprocessableEntityError",
    "Unset",
    "__version__",
    "uuid7",
]

_getattr, _dir = lazy_names(__name__, __all__, _HOMES, globals())


def __getattr__(name: str) -> Any:
    return _getattr(name)


def __dir__() -> list[str]:
    return _dir()
