"""Typed client for the LangGraph Agent Server's Create Thread endpoint (POST /threads).

from langsmith_threads_client import ThreadsClient

with ThreadsClient(base_url="http://127.0.0.1:2024") as client:
    thread = client.create_thread(metadata={"user": "u1"})
"""

from . import _unset  # noqa: F401  (keeps UNSET one object through copy and pickle)
from ._aiohttp import DefaultAioHttpClient
from ._client import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    AsyncThreadsClient,
    NotGiven,
    ThreadsClient,
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
    SuperstepsError,
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
from ._uuid7 import uuid7
from ._version import __version__

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
