"""The kinds a test runs over: each client the SDK offers, each server users run."""

from __future__ import annotations

import enum

__all__ = ["CLIENT_KINDS", "SERVER_KINDS", "ClientKind"]


class ClientKind(enum.StrEnum):
    """ThreadsClient, AsyncThreadsClient on httpx2, AsyncThreadsClient on DefaultAioHttpClient."""

    SYNC = "sync"
    ASYNC = "async"
    AIOHTTP = "aiohttp"


CLIENT_KINDS = tuple(ClientKind)

#: The server kinds of scripts/agent_server/kinds.py (tests/conformance checks they agree),
#: and the testing kit's FakeAgentServer, named here so that collecting the tests does not
#: import the harness.
SERVER_KINDS = ("dev", "dev-0.4", "postgres", "aegra", "fake")
