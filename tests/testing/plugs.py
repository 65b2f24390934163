"""The ways the SDK's public clients plug into a FakeAgentServer, each driven by tests/support/driver.py.

A ``Plug`` is a client kind on ``fake.transport()`` (``sync-transport``, ``async-transport``)
or on ``fake.serve()`` (``sync-serve``, ``async-serve``, and ``aiohttp-serve``:
AsyncThreadsClient on DefaultAioHttpClient); ``plugged(plug, fake, stack)`` is that
client's ``Driver``, closed (and any server stopped) with ``stack``.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable
from typing import Any

from langsmith_threads_client.testing import FakeAgentServer
from tests.support.driver import Driver
from tests.support.kinds import ClientKind

__all__ = ["FAKE_URL", "MakeDriver", "Plug", "plugged"]

FAKE_URL = "http://fake-agent-server.test"  # any http(s) URL: the transport never touches the network


class Plug(enum.StrEnum):
    SYNC_TRANSPORT = "sync-transport"
    ASYNC_TRANSPORT = "async-transport"
    SYNC_SERVE = "sync-serve"
    ASYNC_SERVE = "async-serve"
    AIOHTTP_SERVE = "aiohttp-serve"

    @property
    def served(self) -> bool:
        return self.value.endswith("serve")

    @property
    def kind(self) -> ClientKind:
        return ClientKind(self.value.split("-")[0])


def plugged(plug: Plug, fake: FakeAgentServer, stack: contextlib.ExitStack, **client_kwargs: Any) -> Driver:
    """The client of ``plug`` on ``fake`` (only the SDK's public names are used)."""
    if plug.served:
        return stack.enter_context(Driver(plug.kind, stack.enter_context(fake.serve()), **client_kwargs))
    return stack.enter_context(Driver(plug.kind, FAKE_URL, transport=fake.transport(), **client_kwargs))


MakeDriver = Callable[..., Driver]
