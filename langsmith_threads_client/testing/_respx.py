"""A FakeAgentServer as a respx side effect: ``route.mock(side_effect=fake.respx_side_effect)``.

respx (as pytest-httpx2 starts it, on httpx2's network layer, httpcore2) hands each
request to a side effect as a request of the legacy ``httpx`` package, respx's own
dependency, and wants an ``httpx.Response`` back; it lets an exception raised there
through to httpx2, so the fake's resets and lost answers raise the httpx2 errors a real
connection would. ``httpx`` is imported here only when the side effect runs: whoever
runs it has respx, and with it httpx. Nothing else of the SDK needs the legacy package.
"""

from __future__ import annotations

import time
from typing import Any

import httpx2

# A plug, like _transport.py and _serve.py: it talks to the fake through the exchange only.
from ._exchange import Exchange, Incoming

__all__ = ["respx_answer"]


def respx_answer(fake: Exchange, request: Any) -> Any:
    """The fake's answer to `request` (an ``httpx.Request`` from respx), as an ``httpx.Response``."""
    import httpx  # respx's own dependency (see the module's docstring)

    url = request.url
    incoming = Incoming(
        method=request.method,
        target=url.raw_path.decode("ascii"),
        headers=[(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw],
        content=request.content,
        origin=f"{url.scheme}://{url.netloc.decode('ascii')}",
    )
    outcome = fake._exchange(incoming)
    if outcome.delay:
        # respx calls side effects synchronously, so a delay blocks (an event loop too).
        timeout = request.extensions.get("timeout") or {}
        limit = timeout.get("read") if isinstance(timeout, dict) else None
        time.sleep(outcome.delay if limit is None else min(outcome.delay, limit))
        if limit is not None and outcome.delay > limit:
            raise httpx2.ReadTimeout("timed out")
    if outcome.action == "reset":
        raise httpx2.ReadError("[Errno 104] Connection reset by peer")
    if outcome.action == "close":
        raise httpx2.RemoteProtocolError("Server disconnected without sending a response.")
    answer = outcome.answer
    assert answer is not None
    return httpx.Response(answer.status, headers=answer.headers, content=answer.body)
