"""A mocked server for the unit tests, on httpx2's own transport seam.

The SDK builds its own httpx2 clients, so the mock sits where those clients' default
transports hand a request to the network (`HTTPTransport.handle_request` and its async
twin) and answers from routes instead. Any request no route matches fails the test.

Tests of what goes on the wire (test_headers.py, test_arguments.py) use respx routes
instead (pytest-httpx2's `httpx2_mock`), as users mock the SDK; this mock stays where a
test answers with httpx2's own responses and errors through the Driver's sync and async clients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2

Answer = Callable[[httpx2.Request], httpx2.Response]


@dataclass
class Call:
    request: httpx2.Request
    response: httpx2.Response | None


@dataclass
class Calls:
    """The requests a route (or the whole server) received, in order."""

    _calls: list[Call] = field(default_factory=list)

    def __iter__(self) -> Iterator[Call]:
        return iter(self._calls)

    def __len__(self) -> int:
        return len(self._calls)

    @property
    def call_count(self) -> int:
        return len(self._calls)

    @property
    def last(self) -> Call:
        assert self._calls, "no request was received"
        return self._calls[-1]

    def append(self, call: Call) -> None:
        self._calls.append(call)


class Route:
    """What one method and URL answer: a fixed response, or a function of the request."""

    def __init__(self) -> None:
        self.calls = Calls()
        self._answer: Answer | None = None

    @property
    def call_count(self) -> int:
        return self.calls.call_count

    def respond(self, status_code: int = 200, **kwargs: Any) -> Route:
        self._answer = lambda request: httpx2.Response(status_code, **kwargs)
        return self

    def mock(
        self, *, side_effect: Answer | Exception | None = None, return_value: httpx2.Response | None = None
    ) -> Route:
        """`side_effect`: a function of the request, or an exception every request raises."""
        if isinstance(side_effect, Exception):
            error = side_effect

            def fail(request: httpx2.Request) -> httpx2.Response:
                raise error

            self._answer = fail
        elif side_effect is not None:
            self._answer = side_effect
        elif return_value is not None:
            # A fresh copy each time: a response object is read once, and tests reuse theirs.
            template = return_value
            template.read()
            self._answer = lambda request: httpx2.Response(
                template.status_code, headers=template.headers, content=template.content
            )
        return self

    def answer(self, request: httpx2.Request) -> httpx2.Response:
        assert self._answer is not None, f"route {request.method} {request.url} has no response set"
        try:
            response = self._answer(request)
        except Exception:
            self.calls.append(Call(request, None))
            raise
        self.calls.append(Call(request, response))
        return response


class MockServer:
    """Routes by method and absolute URL; a path alone is taken relative to `base_url`."""

    def __init__(self, base_url: str) -> None:
        self._base_url = httpx2.URL(base_url)
        self._routes: dict[tuple[str, str], Route] = {}
        self.calls = Calls()

    def post(self, url: str) -> Route:
        return self.route("POST", url)

    def route(self, method: str, url: str) -> Route:
        key = (method, str(self._base_url.join(url)))
        return self._routes.setdefault(key, Route())

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        url = str(request.url.copy_with(query=None, username=None, password=None))
        route = self._routes.get((request.method, url))
        if route is None:
            raise AssertionError(f"unmocked request: {request.method} {request.url}")
        try:
            response = route.answer(request)
        except Exception:
            self.calls.append(Call(request, None))
            raise
        self.calls.append(Call(request, response))
        return response

    async def handle_async(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        return self.handle(request)
