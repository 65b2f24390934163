"""OpenTelemetry spans of create_thread calls (the `[otel]` extra: opentelemetry-api).

Imported only when the application has imported `opentelemetry.trace` (it has, to set a
tracer provider or through auto-instrumentation): otherwise the SDK imports nothing of
OpenTelemetry and a call pays one dict lookup (`_client._BaseThreadsClient._start`).

One span per call (`create_thread`, INTERNAL), current while the call's requests are sent,
so the HTTP client spans of the standard instrumentations (HTTPX2ClientInstrumentor,
AioHttpClientInstrumentor) are its children, one per request. Where no instrumentation
covers the client's transport, the call makes those CLIENT spans itself, after the HTTP
client conventions, from the times the call logic records; where one does, it makes none
(no duplicates) and adds an `attempt` event per request to the call span instead, with
the resend count the instrumentation does not know.

The attributes, and which conventions are stable, are listed in the README.
"""

from __future__ import annotations

import contextvars
import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx2
from opentelemetry import context, trace

from ._version import __version__

if TYPE_CHECKING:
    from ._call import CreateThreadCall

__all__ = ["CallTrace", "instrumented"]

_TRACER = trace.get_tracer("langsmith_threads_client", __version__)  # follows a provider set later
_NAMESPACE = "langsmith_threads_client"


def _wrapped(method: object) -> bool:
    # wrapt's wrappers (what the instrumentations patch with) expose the original as __wrapped__.
    return hasattr(method, "__wrapped__")


def instrumented(http: object) -> bool:
    """Does a standard OpenTelemetry instrumentation trace each request `http` sends?"""
    if isinstance(http, httpx2.Client | httpx2.AsyncClient):
        if getattr(http, "_is_instrumented_by_opentelemetry", False):  # instrument_client(http)
            return True
        transports = [http._transport, *(mount for mount in http._mounts.values() if mount is not None)]
        for transport in transports:
            for name in ("handle_request", "handle_async_request"):
                if name in vars(transport) or _wrapped(getattr(type(transport), name, None)):
                    return True
        return False
    session = getattr(http, "_session", None)  # DefaultAioHttpClient's, once open
    if session is not None:
        return any(hasattr(config, "_is_instrumented_by_opentelemetry") for config in session.trace_configs)
    aiohttp = sys.modules.get("aiohttp")  # AioHttpClientInstrumentor patches the sessions made from now on
    return aiohttp is not None and _wrapped(aiohttp.ClientSession.__init__)


def _server(url: httpx2.URL) -> dict[str, Any]:
    port = url.port or (443 if url.scheme == "https" else 80)
    return {"server.address": url.host, "server.port": port}


def _error_type(status: int | None, exc: BaseException | None) -> str | None:
    if exc is not None:
        return type(exc).__qualname__
    return str(status) if status is not None and status >= 400 else None


class CallTrace:
    """The span of one call, and what it records of each request the call sends."""

    __slots__ = ("_call", "_instrumented", "_sends", "_span", "_token")

    def __init__(self, call: CreateThreadCall, http: object) -> None:
        self._call = call
        self._instrumented = instrumented(http)
        self._sends = 0
        self._span: trace.Span = trace.INVALID_SPAN
        self._token: contextvars.Token[context.Context] | None = None

    def __enter__(self) -> CallTrace:
        call = self._call
        attributes = {**_server(call.url), "gen_ai.conversation.id": str(call.prepared.thread_id)}
        self._span = _TRACER.start_span("create_thread", kind=trace.SpanKind.INTERNAL, attributes=attributes)
        self._token = context.attach(trace.set_span_in_context(self._span))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._token is not None:
            context.detach(self._token)
        call, span = self._call, self._span
        recovered = call.prepared.recover_content is not None and call.content is call.prepared.recover_content
        span.set_attributes(
            {
                f"{_NAMESPACE}.retries_taken": call.retries,
                f"{_NAMESPACE}.requests": self._sends,
                f"{_NAMESPACE}.recovered": recovered,
            }
        )
        if exc is not None:
            span.set_attribute("error.type", type(exc).__qualname__)
            span.record_exception(exc)
            span.set_status(trace.StatusCode.ERROR, type(exc).__qualname__)
        span.end()

    def attempt(self, status: int | None, exc: BaseException | None) -> None:
        """One request of the call ended (a response, or `exc`): its span, or an event when an
        instrumentation made the span."""
        call = self._call
        resend_count = self._sends
        self._sends += 1
        error_type = _error_type(status, exc)
        attributes: dict[str, Any] = {"http.request.method": call.method}
        if resend_count:
            attributes["http.request.resend_count"] = resend_count
        if status is not None:
            attributes["http.response.status_code"] = status
        if error_type is not None:
            attributes["error.type"] = error_type
        if self._instrumented:
            self._span.add_event("attempt", {**attributes, f"{_NAMESPACE}.attempt": call.attempt})
            return
        # The span is made now, timed from when the request started (the call logic's clock).
        end = time.time_ns()
        start = end - int((time.perf_counter() - call._attempt_started) * 1e9)
        attributes.update(_server(call.url))
        attributes["url.full"] = str(call.url.copy_with(username=None, password=None))
        parent = trace.set_span_in_context(self._span)
        span = _TRACER.start_span(
            call.method, context=parent, kind=trace.SpanKind.CLIENT, attributes=attributes, start_time=start
        )
        if error_type is not None:
            span.set_status(trace.StatusCode.ERROR, error_type)
        span.end(end_time=end)
