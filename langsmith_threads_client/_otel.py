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

The attributes, and which conventions are stable, are listed on the Tracing page (docs/tracing.md).
"""

from __future__ import annotations

import contextvars
import time
from types import TracebackType
from typing import Any

import httpx2
from opentelemetry import context, trace

from ._call import CreateThreadCall, Phase
from ._transport import RawResponse, SentResponse
from ._version import __version__

__all__ = ["CallTrace"]

_TRACER = trace.get_tracer("langsmith_threads_client", __version__)  # follows a provider set later
_NAMESPACE = "langsmith_threads_client"


def _sent_request(response: SentResponse | None, exc: BaseException | None) -> httpx2.Request | None:
    """The request as it went out (the object an instrumentation of httpx2 saw), when there is one."""
    try:
        if isinstance(response, RawResponse):
            return response.sent_request()
        if response is not None:
            return response.request
        return exc.request if isinstance(exc, httpx2.RequestError) else None
    except RuntimeError:  # built without one
        return None


def _instrumentation_traced(call: CreateThreadCall, response: SentResponse | None, exc: BaseException | None) -> bool:
    """Did a standard instrumentation (HTTPX2ClientInstrumentor, for a client or all) trace this request?

    Seen from what it does to the request, through public names only: it propagates its own
    span's context in the request's headers (`traceparent`), which the call did not send.
    """
    request = _sent_request(response, exc)
    if request is None:
        return False
    return request.headers.get("traceparent") != call.headers.get("traceparent")


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
        # DefaultAioHttpClient says whether AioHttpClientInstrumentor traces its session; an
        # httpx2 client's requests show it each (`_instrumentation_traced`).
        self._instrumented: bool = getattr(http, "traced", False)
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
        recovered = call.phase is Phase.RECOVER
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

    def attempt(self, status: int | None, response: SentResponse | None, exc: BaseException | None) -> None:
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
        if self._instrumented or _instrumentation_traced(call, response, exc):
            self._span.add_event("attempt", {**attributes, f"{_NAMESPACE}.attempt": call.attempt})
            return
        # The span is made now, timed from when the request started (the call logic's clock).
        end = time.time_ns()
        start = end - int((time.perf_counter() - call.attempt_started) * 1e9)
        attributes.update(_server(call.url))
        attributes["url.full"] = str(call.url.copy_with(username=None, password=None))
        parent = trace.set_span_in_context(self._span)
        span = _TRACER.start_span(
            call.method, context=parent, kind=trace.SpanKind.CLIENT, attributes=attributes, start_time=start
        )
        if error_type is not None:
            span.set_status(trace.StatusCode.ERROR, error_type)
        span.end(end_time=end)
