"""Every default of the SDK, in one place: the clients' and the aiohttp transport's.

A module of its own so that the clients and the aiohttp transport can share them without
importing each other.
"""

from __future__ import annotations

from typing import Final

import httpx2

from ._version import __version__

__all__ = [
    "API_KEY_ENV_VARS",
    "BASE_URL_ENV_VAR",
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "USER_AGENT",
    "NotGiven",
]


class NotGiven:
    """Marks an argument the caller left out, where None means something else.

    `api_key=NOT_GIVEN` reads the key from the environment (None: no key); `timeout=NOT_GIVEN`
    is the client's default timeout (None: no limit), as openai-python's NOT_GIVEN.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # One object, so `is NOT_GIVEN` holds even for a copy or an unpickled one.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

DEFAULT_BASE_URL = "http://127.0.0.1:2024"  # `langgraph dev`'s own default
BASE_URL_ENV_VAR = "LANGGRAPH_API_URL"
API_KEY_ENV_VARS = ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY")
DEFAULT_MAX_RETRIES = 2
# Supersteps run graph code on the server, so reads get a generous bound; connecting does not.
DEFAULT_TIMEOUT = httpx2.Timeout(60.0, connect=5.0)
# httpx2's client defaults (its DEFAULT_LIMITS), so both transports pool alike.
DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
# The most of one answer the SDK reads, counted after decoding (README, "Security"). A
# thread's `values` holds its graph's whole state: `langgraph dev` answered a create whose
# supersteps set 16,000 messages of 1 KB with a 16.2 MB body (0.7 s); 64 MiB is four times that.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
USER_AGENT = f"langsmith-threads-client/{__version__}"
