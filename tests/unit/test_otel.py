"""OpenTelemetry: one span per create_thread call, the parent of one HTTP client span per
request, on every transport, with and without the standard instrumentations, under faults.

The server is a FakeAgentServer on a loopback port, so each transport sends as in
production (the instrumentations patch httpx2's transports and aiohttp's sessions).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from opentelemetry import trace
from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
from opentelemetry.instrumentation.httpx import HTTPX2ClientInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult

from langsmith_threads_client import (
    AsyncThreadsClient,
    DefaultAioHttpClient,
    InternalServerError,
    SuperstepsOutcomeUnknownError,
    Thread,
    ThreadsClient,
    ThreadsClientError,
)
from langsmith_threads_client.testing import FakeAgentServer
from tests.support.kinds import CLIENT_KINDS, ClientKind

EXPORTER = InMemorySpanExporter()
SUPERSTEPS = [{"updates": [{"as_node": "start", "values": {"messages": ["hi"]}}]}]


class Switch(Sampler):
    """Records spans only while this module's tests run: the global provider outlives them,
    and later tests (load runs among them) must neither pay for spans nor pile them up."""

    on = False

    def should_sample(
        self, parent_context: Any, trace_id: int, name: str, kind: Any = None, attributes: Any = None, *args: Any
    ) -> SamplingResult:
        if not self.on:
            return SamplingResult(Decision.DROP)
        return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes)  # the span keeps its start attributes

    def get_description(self) -> str:
        return "on while tests/unit/test_otel.py runs"


SWITCH = Switch()
PROVIDER = TracerProvider(sampler=SWITCH)
PROVIDER.add_span_processor(SimpleSpanProcessor(EXPORTER))


@pytest.fixture(scope="module")
def provider() -> Iterator[TracerProvider]:
    # The global provider can be set once per process: this module sets it, and turns it off after.
    trace.set_tracer_provider(PROVIDER)
    assert trace.get_tracer_provider() is PROVIDER, "another tracer provider was set first"
    SWITCH.on = True
    yield PROVIDER
    SWITCH.on = False
    EXPORTER.clear()


@pytest.fixture(params=[False, True], ids=["plain", "instrumented"])
def instrumented(request: pytest.FixtureRequest, provider: TracerProvider) -> Iterator[bool]:
    EXPORTER.clear()
    if not request.param:
        yield False
        return
    HTTPX2ClientInstrumentor().instrument(tracer_provider=provider)
    AioHttpClientInstrumentor().instrument(tracer_provider=provider)
    try:
        yield True
    finally:
        HTTPX2ClientInstrumentor().uninstrument()
        AioHttpClientInstrumentor().uninstrument()


@pytest.fixture
def fake() -> Iterator[tuple[FakeAgentServer, str]]:
    server = FakeAgentServer()
    with server.serve() as base_url:
        yield server, base_url


def create(kind: ClientKind, base_url: str, max_retries: int = 2, **kwargs: Any) -> Thread:
    """One create_thread call on a fresh client of `kind`, without backoff sleeps."""
    if kind is ClientKind.SYNC:
        with ThreadsClient(base_url, api_key=None, max_retries=max_retries) as client:
            client._sleep = lambda delay: None
            return client.create_thread(**kwargs)

    async def no_sleep(delay: float) -> None:
        pass

    async def run() -> Thread:
        http = DefaultAioHttpClient() if kind is ClientKind.AIOHTTP else None
        async with AsyncThreadsClient(base_url, api_key=None, max_retries=max_retries, http_client=http) as client:
            client._sleep = no_sleep
            try:
                return await client.create_thread(**kwargs)
            finally:
                if http is not None:
                    await http.aclose()

    return asyncio.run(run())


def spans() -> tuple[ReadableSpan, list[ReadableSpan]]:
    """The one create_thread span, and the CLIENT spans of its requests (its children), in order."""
    finished = EXPORTER.get_finished_spans()
    [call] = [span for span in finished if span.name == "create_thread"]
    assert call.context is not None
    children = [span for span in finished if span.parent is not None and span.parent.span_id == call.context.span_id]
    assert all(span.kind is trace.SpanKind.CLIENT for span in children)
    assert len(finished) == 1 + len(children), "every span is the call's or one of its requests'"
    return call, sorted(children, key=lambda span: span.start_time or 0)


def check_requests(children: list[ReadableSpan], call: ReadableSpan, instrumented: bool, outcomes: list[str]) -> None:
    """One child span per request, made by the instrumentation when there is one, else by the SDK."""
    assert len(children) == len(outcomes)
    scopes = {span.instrumentation_scope.name for span in children if span.instrumentation_scope}
    if instrumented:
        assert scopes <= {"opentelemetry.instrumentation.httpx", "opentelemetry.instrumentation.aiohttp_client"}
        events = [event for event in call.events if event.name == "attempt"]
        assert [event.attributes.get("error.type", "ok") for event in events if event.attributes] == outcomes
        assert [event.attributes.get("http.request.resend_count", 0) for event in events if event.attributes] == list(
            range(len(outcomes))
        )
        return
    assert scopes == {"langsmith_threads_client"}
    assert [span.attributes.get("error.type", "ok") for span in children if span.attributes] == outcomes
    for number, span in enumerate(children):
        assert span.attributes is not None and span.name == "POST"
        assert span.attributes.get("http.request.resend_count", 0) == number
        assert span.attributes["http.request.method"] == "POST"
        assert str(span.attributes["url.full"]).endswith("/threads")


@pytest.mark.parametrize("kind", CLIENT_KINDS, ids=str)
def test_a_lost_answer_and_the_recovery_fetch(
    kind: ClientKind, instrumented: bool, fake: tuple[FakeAgentServer, str]
) -> None:
    server, base_url = fake
    server.lose_next_response()  # stored, then no answer: the retry meets 409, then the fetch
    with pytest.raises(SuperstepsOutcomeUnknownError) as caught:  # the fetched thread is never a success
        create(kind, base_url, graph_id="echo", supersteps=SUPERSTEPS)
    call, children = spans()
    assert call.attributes is not None
    assert call.attributes["gen_ai.conversation.id"] == str(caught.value.thread.thread_id)
    assert call.attributes["server.address"] == "127.0.0.1"
    assert call.attributes["server.port"] == int(base_url.rsplit(":", 1)[1])
    assert call.attributes["langsmith_threads_client.recovered"] is True
    assert call.attributes["langsmith_threads_client.retries_taken"] == 1
    assert call.attributes["langsmith_threads_client.requests"] == 3
    assert call.attributes["error.type"] == "SuperstepsOutcomeUnknownError"
    assert call.status.status_code is trace.StatusCode.ERROR
    check_requests(children, call, instrumented, ["RemoteProtocolError", "409", "ok"])
    assert len(server.threads) == 1


@pytest.mark.parametrize("kind", CLIENT_KINDS, ids=str)
def test_a_lost_answer_retried(kind: ClientKind, instrumented: bool, fake: tuple[FakeAgentServer, str]) -> None:
    server, base_url = fake
    server.lose_next_response()  # the SDK's id with do_nothing: the retry gets the thread back
    thread = create(kind, base_url)
    call, children = spans()
    assert call.attributes is not None
    assert call.attributes["gen_ai.conversation.id"] == str(thread.thread_id)
    assert call.attributes["langsmith_threads_client.recovered"] is False
    assert call.attributes["langsmith_threads_client.retries_taken"] == 1
    assert "error.type" not in call.attributes and call.status.status_code is not trace.StatusCode.ERROR
    check_requests(children, call, instrumented, ["RemoteProtocolError", "ok"])


@pytest.mark.parametrize("kind", CLIENT_KINDS, ids=str)
def test_retries(kind: ClientKind, instrumented: bool, fake: tuple[FakeAgentServer, str]) -> None:
    server, base_url = fake
    server.fail_next(503, retry_after=0)
    server.fail_next(429, retry_after=0)
    create(kind, base_url)
    call, children = spans()
    assert call.attributes is not None
    assert call.attributes["langsmith_threads_client.retries_taken"] == 2
    assert call.attributes["langsmith_threads_client.recovered"] is False
    check_requests(children, call, instrumented, ["503", "429", "ok"])


@pytest.mark.parametrize("kind", CLIENT_KINDS, ids=str)
def test_a_final_error(kind: ClientKind, instrumented: bool, fake: tuple[FakeAgentServer, str]) -> None:
    server, base_url = fake
    server.fail_next(500, times=2)
    with pytest.raises(InternalServerError):
        create(kind, base_url, max_retries=1)
    call, children = spans()
    assert call.attributes is not None
    assert call.attributes["error.type"] == "InternalServerError"
    assert call.status.status_code is trace.StatusCode.ERROR
    assert call.attributes["langsmith_threads_client.retries_taken"] == 1
    assert [event.name for event in call.events if event.name == "exception"] == ["exception"]
    check_requests(children, call, instrumented, ["500", "500"])


def test_a_users_client_instrumented_on_its_own(provider: TracerProvider, fake: tuple[FakeAgentServer, str]) -> None:
    server, base_url = fake
    EXPORTER.clear()
    http = httpx2.Client()
    HTTPX2ClientInstrumentor.instrument_client(http, tracer_provider=provider)  # type: ignore[arg-type]  # typed for httpx
    try:
        server.fail_next(503, retry_after=0)
        with ThreadsClient(base_url, api_key=None, http_client=http) as client:
            client.create_thread()
    finally:
        HTTPX2ClientInstrumentor.uninstrument_client(http)  # type: ignore[arg-type]
        http.close()
    call, children = spans()
    check_requests(children, call, True, ["503", "ok"])


def test_an_error_before_anything_is_sent_makes_no_span(provider: TracerProvider) -> None:
    EXPORTER.clear()
    with ThreadsClient("http://127.0.0.1:9", api_key=None) as client, pytest.raises(ValueError):
        client.create_thread(metadata={"bad": float("nan")})
    assert EXPORTER.get_finished_spans() == ()


def _fresh_interpreter(code: str) -> str:
    script = textwrap.dedent(code)
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.strip()


CALL_ON_A_MOCK = """
    import json, sys
    {prelude}
    import httpx2
    from langsmith_threads_client import ThreadsClient

    def answer(request):
        thread_id = json.loads(request.content)["thread_id"]
        now = "2026-12-01T07:00:00Z"
        body = {{"thread_id": thread_id, "created_at": now, "updated_at": now, "metadata": {{}}, "status": "idle"}}
        return httpx2.Response(200, json=body)

    http = httpx2.Client(transport=httpx2.MockTransport(answer))
    with ThreadsClient("http://127.0.0.1:9", http_client=http) as client:
        client.create_thread()
        client.with_options(max_retries=0).with_raw_response.create_thread()
    print(sorted(name for name, module in sys.modules.items() if name.startswith("opentelemetry") and module))
"""


def test_without_the_application_tracing_nothing_of_opentelemetry_is_imported() -> None:
    # Installed here (the test group has it), yet not imported: the SDK never imports it itself.
    assert _fresh_interpreter(CALL_ON_A_MOCK.format(prelude="")) == "[]"


def test_without_the_extra_installed_calls_work() -> None:
    blocked = "sys.modules['opentelemetry'] = None  # as if not installed: importing it fails"
    assert _fresh_interpreter(CALL_ON_A_MOCK.format(prelude=blocked)) == "[]"


def test_errors_are_the_sdks_with_tracing_on(provider: TracerProvider) -> None:
    EXPORTER.clear()  # what the module's earlier tests on this worker left (xdist spreads them)
    with ThreadsClient("http://127.0.0.1:9", api_key=None, max_retries=0) as client:
        with pytest.raises(ThreadsClientError):  # nothing listens on port 9: APIConnectionError
            client.create_thread()
    call, children = spans()
    assert call.attributes is not None and call.attributes["error.type"] == "APIConnectionError"
    assert [span.attributes.get("error.type") for span in children if span.attributes] == ["ConnectError"]
