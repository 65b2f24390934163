"""The testing kit's FakeAgentServer as one more server kind of the conformance suite.

It is served on a loopback port like the real kinds and inspected the same way (REST, by
ThreadInspector), so every conformance test runs on it unchanged: wherever the fake answers
unlike the `dev` kind it imitates, a test fails (tests/conformance/observed.py gives both
the same answers).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Self

from langsmith_threads_client.testing import FakeAgentServer, bundled_project
from scripts.agent_server.inspector import ThreadInspector

__all__ = ["FAKE_KIND", "FakeKindServer"]

FAKE_KIND = "fake"


class FakeKindServer(ThreadInspector):
    """A FakeAgentServer with the test graph (`echo`: start, step) on a loopback port."""

    name = FAKE_KIND
    startup_seconds: float | None = 0.0

    def __init__(self) -> None:
        super().__init__()
        self.fake = FakeAgentServer(graphs=bundled_project.GRAPHS, list_channels=bundled_project.LIST_CHANNELS)
        self._serving: AbstractContextManager[str] | None = None
        self._base_url: str | None = None

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the fake is not serving")
        return self._base_url

    def start(self) -> Self:
        self._serving = self.fake.serve()
        self._base_url = self._serving.__enter__()
        return self

    def stop(self) -> None:
        self.close_inspector()
        serving, self._serving = self._serving, None
        if serving is not None:
            serving.__exit__(None, None, None)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(f"{r.method} {r.path}" for r in self.fake.requests[-lines:])

    def __repr__(self) -> str:
        return f"<FakeKindServer url={self._base_url}>"
