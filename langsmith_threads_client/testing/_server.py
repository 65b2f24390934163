"""FakeAgentServer: the front of the fake Agent Server (moto's `mock_*`): lock, request log, plugs, inspection.

A request goes, under one lock: recorded, routed (`_routes.py`), to a queued fault
(`_faults.py`) or its handler (`_handlers.py`), which asks the store of threads
(`_store.py`, no HTTP in it). The plugs, `_transport.py` (httpx2's transport seam) and
`_serve.py` (a real HTTP/1.1 server on loopback), speak to it through `_exchange.py`'s
`Incoming` and `Outcome`, which they import instead
of this module.
"""

from __future__ import annotations

import collections
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import _faults
from ._exchange import Answer, FaultKind, FaultRecord, Incoming, Outcome, RecordedRequest, Reject, crash
from ._handlers import create
from ._json import InvalidJSON, loads
from ._routes import route
from ._store import ThreadStore

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ._transport import FakeTransport

__all__ = ["FakeAgentServer", "FaultKind", "FaultRecord", "RecordedRequest"]


class FakeAgentServer:
    """An in-memory, thread-safe, stateful stand-in for the Agent Server's threads endpoints.

    It answers as the `dev` kind of this project's tests does (langgraph-api 0.16.7 on
    the in-memory runtime, `tests/agent_server/OBSERVED.md`): the same statuses and,
    where the real server's answer is known, the same body bytes, for

    * `POST /threads`: validation and its 422 texts (the server's validator's words, its
      choice of first error), `thread_id` read as Python's `uuid.UUID()` reads it
      (stored lower-case dashed), reserved metadata keys (`thread_id`, `run_id`,
      `assistant_id`, `cron_id`, `counters_since_delta_snapshot`) dropped, a UUID v7
      when none is named, 409 / `do_nothing`, `ttl` accepted and forgotten, unknown
      fields ignored, and supersteps: 201 (no or unknown `graph_id`; the thread is kept),
      400 (`No updates provided`, `Node X does not exist`; earlier supersteps stay in
      the state), applied even under `do_nothing` on an existing thread;
    * `GET /ok`, `GET /threads/{id}` (`?include=ttl` changes nothing),
      `GET /threads/{id}/state`, `POST /threads/search` (`ids`, `metadata`,
      `values`, `status`, `limit`, `offset`, `sort_by`, `sort_order`,
      `select`, `extract`; `X-Pagination-Total` / `X-Pagination-Next` as the
      server computes them) and `POST /threads/count`; 404 `Not Found` for any other
      path, 405 for another method on one of these paths, 307 to the path without a
      trailing slash.

    Plug it in with `transport()` (an httpx2 transport, sync and async) or
    `serve()` (a real HTTP/1.1 server on loopback, for any client); both share this
    state. Inspect it with `threads`, `thread()`, `state()`,
    `requests` and `faults_applied`; script failures of `POST /threads` with
    `fail_next()`, `reset_next()`, `lose_next_response()` and
    `delay_next()`.

    `graphs` maps each graph id to its node names in order (a linear graph:
    `{"echo": ["start", "step"]}` is this project's test graph, ``start -> step ->
    END``). The fake runs no graph; for supersteps it does the simplest thing the real
    server documents:

    * each update's `values` (or, when the update has a `command`, the command's
      `update`: a mapping or `[key, value]` pairs) are merged into the state in order:
      a list value is appended to a list already there (as the `echo` graph's
      `operator.add` reducer does), any other value replaces; a key written twice in one
      superstep with a value that is not a list is refused as LangGraph refuses it (400);
    * a value that is not a list, written to a key that holds a list or that
      `list_channels` names for the graph (channels with a list reducer, such as the
      `echo` graph's `messages`), fails as the real server fails: the thread stays
      stored with the supersteps before that one applied, and the answer is the server's
      plain-text 500 `Internal Server Error` (then, over `serve()`, the connection
      closes);
    * `next` is the node after each update's `as_node` (`__start__` is before the
      first node); the thread is `interrupted` when there is one, else `idle`.

    Where it cannot be the server (knowingly different; everything else it answers as
    observed):

    * No graph code runs: nodes do not execute, channels are not known (the real `echo`
      state also shows `"messages": []` after any update, and drops keys the state lacks;
      the fake keeps exactly what was written), `command.goto` and
      `command.resume` are ignored (with no `goto` the real server answers 500), and
      `as_node` `__end__`, `__input__` and `__copy__` are unknown nodes (400).
    * Checkpoint and task ids are made up (UUID v6 / v5 of the right shape); checkpoint
      history, subgraphs, runs, assistants, crons, the store, streaming, auth, TTL sweeps
      and the other thread endpoints (`PATCH`/`DELETE /threads/{id}`, history, copy,
      prune, `POST .../state`) are not there: they answer 404.
    * Headers: `content-type`, `content-length`, `vary: Origin` and the pagination
      headers as the server sends them; no `server: uvicorn`, and over `serve()`
      a `date` and `server` of the fake's own.
    * Deeply nested JSON: the real server answers 500 (from about 250 levels) or 400
      `Recursion limit reached` (from about 300); the fake takes up to about 980 levels,
      then answers 422 `Invalid JSON in request body`. (The SDK refuses more than 100.)
    * A defect of the fake itself is answered as the server's own crashes are: a
      plain-text 500 `Internal Server Error` (then, over `serve()`, the connection
      closes). So is a `values` search filter meeting a thread whose values are null,
      which does crash the real server.
    * The checkpoint metadata's keys and the `allow` header's methods come in one fixed
      order; the real server's order changes from one server process to the next.
    * No `/` or `/info`, no request body limit (413), no CORS headers.
    * Timing, memory, durability (nothing survives the process), and concurrency: every
      request is handled whole under one lock, so no two requests interleave.
    """

    def __init__(
        self,
        graphs: Mapping[str, Sequence[str]] | None = None,
        *,
        list_channels: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._store = ThreadStore(graphs, list_channels)
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._faults: collections.deque[_faults.Fault] = collections.deque()
        self._applied: list[FaultRecord] = []
        self._serving: list[str] = []  # base URLs of the serve() servers running now

    def __repr__(self) -> str:
        with self._lock:
            return (
                f"<FakeAgentServer graphs={sorted(self._store.graphs)} threads={len(self._store.threads)} "
                f"requests={len(self._requests)} faults_pending={len(self._faults)}>"
            )

    # ------------------------------------------------------------------ plugs
    def transport(self) -> FakeTransport:
        """An httpx2 transport answering from this fake, for sync and async clients alike:

        ```python
        http = httpx2.Client(transport=fake.transport())          # or httpx2.AsyncClient(...)
        client = ThreadsClient("http://fake", http_client=http)   # any http(s) base URL
        ```

        Delays sleep (`time.sleep`, or anyio's sleep in async code, so asyncio and trio
        both work) and honour the request's read timeout (`httpx2.ReadTimeout` after it,
        the thread stored); resets raise `httpx2.ReadError`, lost responses
        `httpx2.RemoteProtocolError`: what httpx2 raises on a real connection.
        """
        from ._transport import FakeTransport

        return FakeTransport(self)

    def respx_side_effect(self, request: Any, **route_context: Any) -> Any:
        """This fake as a respx side effect (pytest-httpx2's `httpx2_mock`):

        ```python
        httpx2_mock.route(host="agents.test").mock(side_effect=fake.respx_side_effect)
        ```

        The request and response are the legacy `httpx` package's, as respx passes them.
        Resets and lost responses raise httpx2's errors; a delay blocks (respx calls side
        effects synchronously), cut at the request's read timeout (then `httpx2.ReadTimeout`).
        """
        from ._respx import respx_answer

        return respx_answer(self, request)

    def serve(self, port: int = 0, host: str = "127.0.0.1") -> AbstractContextManager[str]:
        """Serve this fake over real HTTP/1.1 (keep-alive) on `host:port` in background threads.

        `with fake.serve() as base_url:` gives `http://127.0.0.1:<port>` (port 0: a free
        one); on exit the listening socket is closed, every connection is shut and every
        thread joined. Any client works: the SDK on `DefaultAioHttpClient`,
        `langgraph-sdk`, curl. Resets close the socket with an RST (`SO_LINGER` 0),
        lost responses close it with a FIN, both without an answer; delays sleep in the
        connection's thread (cut short when the server stops).
        """
        from ._serve import Served

        return Served(self, host, port)

    @property
    def base_url(self) -> str | None:
        """The URL of the `serve()` server started last and still running; None when none runs."""
        with self._lock:
            return self._serving[-1] if self._serving else None

    def _serve_started(self, base_url: str) -> None:
        with self._lock:
            self._serving.append(base_url)

    def _serve_stopped(self, base_url: str) -> None:
        with self._lock:
            self._serving.remove(base_url)

    # ------------------------------------------------------------------ inspection
    @property
    def graphs(self) -> dict[str, tuple[str, ...]]:
        """The graphs this fake knows: graph id to node names, in order."""
        return dict(self._store.graphs)

    @property
    def threads(self) -> list[dict[str, Any]]:
        """Copies of the stored threads, in creation order, as `GET /threads/{id}` answers them (parsed)."""
        with self._lock:
            return [thread.to_json() for thread in self._store.threads.values()]

    def thread(self, thread_id: uuid.UUID | str) -> dict[str, Any] | None:
        """A copy of one stored thread (as `GET /threads/{id}` answers it), or None.

        `thread_id` is read as the server reads it (upper case, no dashes, braces are fine).
        """
        key = thread_id if isinstance(thread_id, uuid.UUID) else uuid.UUID(thread_id)
        with self._lock:
            thread = self._store.threads.get(key)
            return None if thread is None else thread.to_json()

    def state(self, thread_id: uuid.UUID | str) -> dict[str, Any] | None:
        """A copy of a thread's state as `GET /threads/{id}/state` answers it, or None for no such thread.

        `values` is `{}` and the checkpoint fields null until supersteps were applied;
        after a 400 part-way through, the supersteps before the failing one are here
        (while the thread itself still shows `values: null`), as on the real server.
        """
        key = thread_id if isinstance(thread_id, uuid.UUID) else uuid.UUID(thread_id)
        with self._lock:
            thread = self._store.threads.get(key)
            return None if thread is None else thread.state_json()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far (all paths, faulted ones too), oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def faults_applied(self) -> list[FaultRecord]:
        """The queued faults that met a request, in order: `(kind, stored, thread_id)`."""
        with self._lock:
            return list(self._applied)

    @property
    def faults_pending(self) -> int:
        """How many queued faults are still waiting for a `POST /threads`."""
        with self._lock:
            return len(self._faults)

    def reset(self) -> None:
        """Forget every thread, request, queued fault and fault record (the graphs stay)."""
        with self._lock:
            self._store.threads.clear()
            self._requests.clear()
            self._faults.clear()
            self._applied.clear()

    # ------------------------------------------------------------------ faults
    def fail_next(
        self,
        status: int,
        times: int = 1,
        retry_after: float | str | None = None,
        body: Any = None,
        after_store: bool = False,
    ) -> None:
        """Answer the next `times` `POST /threads` with `status`.

        `after_store=False`: storing nothing; `after_store=True`: after acting on the
        request as usual (the thread stored, its supersteps applied), as a server that acts
        and then fails does, or a gateway that lost the server's answer.

        `retry_after` is sent as the `Retry-After` header (seconds, or the text given,
        such as an HTTP date); `body` is the answer's body: bytes or text as they are
        (`text/plain`), any other JSON value encoded (`application/json`); by default
        `{"detail": "<the status's reason phrase>"}`.
        """
        self._queue(_faults.failure(status, retry_after, body, after_store), times)

    def reset_next(self, times: int = 1, after_store: bool = False) -> None:
        """Reset the connection of the next `times` `POST /threads`: no answer at all.

        `after_store=False`: before the fake looks at the request (nothing stored);
        `after_store=True`: after it acted on it (the thread stored, supersteps applied).
        """
        self._queue(_faults.Fault("reset", after_store=bool(after_store)), times)

    def lose_next_response(self, times: int = 1) -> None:
        """Act on the next `times` `POST /threads` (store the thread), then close without answering."""
        self._queue(_faults.Fault("lost"), times)

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """Act on the next `times` `POST /threads` at once, but answer only after `seconds`.

        A client whose read timeout is shorter times out while the thread is already stored.
        """
        self._queue(_faults.delay(seconds), times)

    def _queue(self, fault: _faults.Fault, times: int) -> None:
        _faults.checked_times(times)
        with self._lock:
            self._faults.extend(fault for _ in range(times))  # never changed once queued: one object is fine

    # ------------------------------------------------------------------ the exchange
    def _exchange(self, incoming: Incoming) -> Outcome:
        """Handle one request: record it, route it, apply a queued fault; never raises for a bad request."""
        raw_path, _, query = incoming.target.partition("?")
        method = incoming.method.upper()
        record = _record(method, raw_path, query, incoming)
        with self._lock:
            self._requests.append(record)
            handler, params, routed = route(method, raw_path, query, incoming.origin)
            if handler is create and self._faults:
                outcome, applied = _faults.apply(self._faults.popleft(), incoming.content, self._store)
                self._applied.append(applied)
                return outcome
            try:
                if handler is None:
                    assert routed is not None
                    answer = routed
                else:
                    answer = handler(self._store, incoming.content, params)
            except Reject as rejected:
                answer = rejected.answer
            except Exception:  # a defect of the fake: answered as the server's crashes are (500, then close)
                answer = crash()
        if method == "HEAD":
            answer = Answer(answer.status, answer.headers, b"", answer.close, len(answer.body))
        return Outcome("answer", answer)


def _record(method: str, raw_path: str, query: str, incoming: Incoming) -> RecordedRequest:
    """The request as tests read it: lower-cased headers (repeats joined), the body parsed when JSON."""
    headers: dict[str, str] = {}
    for name, value in incoming.headers:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    try:
        body: Any = loads(incoming.content) if incoming.content else b""
    except InvalidJSON:
        body = incoming.content
    return RecordedRequest(method, raw_path, query, headers, incoming.content, body)
