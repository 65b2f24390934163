"""FakeAgentServer: the threads endpoints of the Agent Server, in memory, answering as the ``dev`` kind.

Everything a request meets is here: routing, the create, search, count, get and state
handlers, the stored threads and their checkpoints, the request log and the fault queue.
``_transport.py`` (httpx2's transport seam) and ``_serve.py`` (a real HTTP/1.1 server on
loopback) turn bytes into an :class:`_Incoming`, call :meth:`FakeAgentServer._exchange`,
and act on the :class:`_Outcome` (answer, reset the connection, close it, or wait first).
"""

from __future__ import annotations

import collections
import math
import re
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from urllib.parse import unquote

from langsmith_threads_client import uuid7

from ._json import InvalidJSON, clone, dump_answer, dump_error, loads
from ._schema import THREAD_COUNT, THREAD_CREATE, THREAD_SEARCH, first_error

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ._transport import FakeTransport

__all__ = ["FakeAgentServer", "FaultRecord", "RecordedRequest"]

FaultKind = Literal["fail", "reset", "lost", "delay"]

# The server strips these from `metadata` before anything else (langgraph_api.validation).
_RESERVED_METADATA_KEYS = frozenset({"thread_id", "assistant_id", "run_id", "cron_id", "counters_since_delta_snapshot"})
_START = "__start__"
_NO_GRAPH_ID = (
    "Thread '{id}' has no assigned graph ID. This usually occurs when no runs have been made on this particular "
    "thread. This operation requires a graph ID. Please ensure a run has been made for the thread or manually update "
    "the thread metadata (by setting the 'graph_id' field) before running this operation."
)
_TROUBLESHOOTING = "\nFor troubleshooting, visit: https://docs.langchain.com/oss/python/langgraph/errors/"
_INVALID_ID = "Invalid thread ID: must be a UUID"
# The fields a thread has: what search's `select` may name (its schema's list).
_THREAD_FIELDS = frozenset(THREAD_SEARCH["properties"]["select"]["items"]["enum"])
_EXTRACTABLE = frozenset({"values", "metadata", "config", "interrupts"})
_SORTABLE = ("thread_id", "created_at", "updated_at", "state_updated_at", "status")
_UUID_EPOCH_100NS = 0x01B21DD213814000  # 1582-10-15 to 1970-01-01, in 100 ns steps
_JSON_HEADERS = (("content-type", "application/json"), ("vary", "Origin"))


# --------------------------------------------------------------------------- public records
@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received, whichever way it came (transport or socket).

    ``path`` and ``query`` are as sent (not percent-decoded); ``headers`` has lower-cased
    names (repeated headers joined with ``", "``); ``content`` is the raw body and
    ``body`` its JSON value, or the raw bytes when it is not JSON (``b""`` for none).
    """

    method: str
    path: str
    query: str
    headers: dict[str, str]
    content: bytes
    body: Any


class FaultRecord(NamedTuple):
    """A queued fault that met a request.

    ``stored`` is True when the fake acted on the request before the fault hid the
    answer (a ``lost`` response, a ``fail`` or ``reset`` with ``after_store=True``, a ``delay``) and
    afterwards holds the thread the request names, whether this request created it or it
    was there before (a retry). A ``fail`` or ``reset`` before storing never acts: False;
    nor does a request the fake refused (a 422 has no thread).
    ``thread_id`` is the id the request named (lower-case dashed), the one the fake
    assigned when it acted on a request that named none, or None.
    """

    kind: FaultKind
    stored: bool
    thread_id: str | None


# --------------------------------------------------------------------------- internals shared with the plugs
# Plain classes with __slots__, not dataclasses: building a dataclass costs about a millisecond
# at import, and these are many.
class _Incoming:
    """A request as the plugs hand it over: ``target`` is the path and query as sent."""

    __slots__ = ("content", "headers", "method", "origin", "target")

    def __init__(self, method: str, target: str, headers: list[tuple[str, str]], content: bytes, origin: str) -> None:
        self.method = method
        self.target = target
        self.headers = headers
        self.content = content
        self.origin = origin  # scheme://host[:port], for the absolute Location of a redirect


class _Answer:
    __slots__ = ("body", "close", "content_length", "headers", "status")

    def __init__(
        self,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        close: bool = False,
        content_length: int | None = None,
    ) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.close = close  # close the connection after this answer (a crash of the real server)
        self.content_length = content_length  # when not len(body): the answer to a HEAD request


class _Outcome:
    """What the plug does: answer (after ``delay`` seconds), or give no answer at all."""

    __slots__ = ("action", "answer", "delay")

    def __init__(
        self, action: Literal["answer", "reset", "close"], answer: _Answer | None = None, delay: float = 0.0
    ) -> None:
        self.action = action
        self.answer = answer
        self.delay = delay


class _Fault:
    __slots__ = ("after_store", "body", "headers", "kind", "seconds", "status")

    def __init__(
        self,
        kind: FaultKind,
        *,
        status: int = 0,
        headers: Sequence[tuple[str, str]] = (),
        body: bytes = b"",
        after_store: bool = False,
        seconds: float = 0.0,
    ) -> None:
        self.kind = kind
        self.status = status
        self.headers = list(headers)
        self.body = body
        self.after_store = after_store
        self.seconds = seconds


class _Checkpoint:
    __slots__ = ("checkpoint_id", "created_at", "metadata", "next", "parent_id", "step", "values")

    def __init__(
        self,
        checkpoint_id: str,
        step: int,
        values: dict[str, Any],
        next: list[str],
        created_at: datetime,
        metadata: dict[str, Any],
        parent_id: str | None,
    ) -> None:
        self.checkpoint_id = checkpoint_id
        self.step = step
        self.values = values
        self.next = next
        self.created_at = created_at
        self.metadata = metadata
        self.parent_id = parent_id


class _Thread:
    __slots__ = ("checkpoints", "created_at", "metadata", "state_updated_at", "status", "stepped", "thread_id",
                 "updated_at", "values")  # fmt: skip

    def __init__(self, thread_id: uuid.UUID, created_at: datetime, metadata: dict[str, Any]) -> None:
        self.thread_id = thread_id
        self.created_at = self.updated_at = self.state_updated_at = created_at
        self.metadata = metadata
        self.status = "idle"
        self.values: dict[str, Any] | None = None
        self.stepped = False  # supersteps were applied: the thread gained `error` and `interrupts`
        self.checkpoints: list[_Checkpoint] = []

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "thread_id": str(self.thread_id),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "state_updated_at": self.state_updated_at.isoformat(),
            "metadata": clone(self.metadata),
            "status": self.status,
            "config": {},
            "values": clone(self.values),
        }
        if self.stepped:
            out["error"] = None
            out["interrupts"] = {}
        return out

    def state_json(self) -> dict[str, Any]:
        if not self.checkpoints:
            return {"values": {}, "next": [], "tasks": [], "metadata": None, "created_at": None, "checkpoint": None,
                    "parent_checkpoint": None, "interrupts": [], "checkpoint_id": None,
                    "parent_checkpoint_id": None}  # fmt: skip
        point = self.checkpoints[-1]
        tid = str(self.thread_id)
        tasks = [
            {"id": str(uuid.uuid5(uuid.UUID(point.checkpoint_id), node)), "name": node, "path": ["__pregel_pull", node],
             "error": None, "interrupts": [], "checkpoint": None, "state": None, "result": None}
            for node in point.next
        ]  # fmt: skip
        parent = (
            None
            if point.parent_id is None
            else {"checkpoint_id": point.parent_id, "thread_id": tid, "checkpoint_ns": ""}
        )
        return {
            "values": clone(point.values),
            "next": list(point.next),
            "tasks": tasks,
            "metadata": clone(point.metadata),
            "created_at": point.created_at.isoformat(),
            "checkpoint": {"checkpoint_id": point.checkpoint_id, "thread_id": tid, "checkpoint_ns": ""},
            "parent_checkpoint": parent,
            "interrupts": [],
            "checkpoint_id": point.checkpoint_id,
            "parent_checkpoint_id": point.parent_id,
        }


class _Reject(Exception):
    """An error answer, raised from inside a handler."""

    def __init__(self, answer: _Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


def _json_answer(status: int, value: Any, headers: Iterable[tuple[str, str]] = ()) -> _Answer:
    return _Answer(status, [*headers, *_JSON_HEADERS], dump_answer(value))


def _error(status: int, detail: str, headers: Iterable[tuple[str, str]] = ()) -> _Answer:
    return _Answer(status, [*headers, *_JSON_HEADERS], dump_error(detail))


def _crash() -> _Answer:
    """What uvicorn answers when the server's handler raises: a plain-text 500, then it drops the connection."""
    return _Answer(500, [("content-type", "text/plain; charset=utf-8")], b"Internal Server Error", close=True)


def _parse_body(content: bytes, schema: dict[str, Any]) -> dict[str, Any]:
    """The body as the server reads it: JSON (else 422), reserved metadata keys stripped, then validated."""
    try:
        payload = loads(content)
    except InvalidJSON:
        raise _Reject(_error(422, "Invalid JSON in request body")) from None
    if schema is THREAD_CREATE and isinstance(payload, dict) and isinstance(payload.get("metadata"), dict):
        metadata = payload["metadata"]
        for key in [key for key in metadata if key in _RESERVED_METADATA_KEYS]:
            del metadata[key]
    detail = first_error(schema, payload)
    if detail is not None:
        raise _Reject(_error(422, detail))
    assert isinstance(payload, dict)  # the schema's "type": "object"
    return payload


def _parse_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise _Reject(_error(422, _INVALID_ID)) from None


def _contained(superset: Any, subset: Mapping[str, Any]) -> bool:
    """The in-memory server's containment test (Postgres' ``@>`` for objects only: lists compare equal)."""
    for key, value in subset.items():
        if key not in superset:  # raises TypeError for a thread whose values are null, as the server does
            return False
        if isinstance(value, dict) and isinstance(superset[key], dict):
            if not _contained(superset[key], value):
                return False
        elif superset[key] != value:
            return False
    return True


def _extract_path_value(data: Mapping[str, Any], path: str) -> Any:
    """``values.messages[-1]`` and the like, as the server's ``extract_path_value`` reads it."""
    parts = re.split(r"\.|\[", path)  # "a.b[0]" -> ["a", "b", "0]"]
    if not parts or parts[0] not in _EXTRACTABLE:
        return None
    current: Any = data.get(parts[0])
    for part in parts[1:]:
        if current is None:
            return None
        if not part:
            continue
        if part.startswith("_"):
            return None
        if part.endswith("]"):
            try:
                index = int(part.rstrip("]"))
            except ValueError:
                return None
            if not isinstance(current, list):
                return None
            try:
                current = current[index]
            except IndexError:
                return None
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
    return current


def _check_extract(extract: Mapping[str, Any]) -> None:
    """The server's ``validate_extract``: the same checks, in order, with the same words."""
    if len(extract) > 10:
        raise _Reject(_error(422, f"Maximum of 10 extract paths allowed, got {len(extract)}"))
    reserved = extract.keys() & _THREAD_FIELDS
    if reserved:
        raise _Reject(_error(422, f"Extract keys cannot use reserved field names: {sorted(reserved)}"))
    for alias, path in extract.items():
        if not re.match(r"^[a-zA-Z_][a-zA-Z0-9_]*$", alias):
            detail = f"Extract key '{alias}' must be a valid identifier (letters, digits, underscores)"
            raise _Reject(_error(422, detail))
        if not path or not isinstance(path, str):
            raise _Reject(_error(422, f"Extract path for '{alias}' must be a non-empty string"))
        if path.split(".")[0].split("[")[0] not in _EXTRACTABLE:
            detail = f"Extract path '{path}' must start with one of: {', '.join(sorted(_EXTRACTABLE))}"
            raise _Reject(_error(422, detail))


def _checkpoint_id(step: int) -> str:
    """A UUID version 6 (time-ordered) with the step as its clock sequence, as LangGraph's checkpoint ids look."""
    ticks = time.time_ns() // 100 + _UUID_EPOCH_100NS
    node = int.from_bytes(uuid.uuid4().bytes[-6:], "big")
    value = (
        (ticks >> 12) << 80  # time_high and time_mid
        | 0x6 << 76
        | (ticks & 0xFFF) << 64
        | 0b10 << 62
        | (step & 0x3FFF) << 48
        | node
    )
    return str(uuid.UUID(int=value))


def _copy_graphs(graphs: Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    if graphs is None:
        return {}
    if not isinstance(graphs, Mapping):
        raise TypeError(f"graphs must be a mapping of graph id to node names, not {type(graphs).__name__}")
    out: dict[str, tuple[str, ...]] = {}
    for graph_id, nodes in graphs.items():
        if not isinstance(graph_id, str) or not graph_id:
            raise TypeError(f"a graph id must be a non-empty string, not {graph_id!r}")
        if isinstance(nodes, str | bytes) or not isinstance(nodes, Sequence):
            raise TypeError(f"graphs[{graph_id!r}] must be a sequence of node names, not {type(nodes).__name__}")
        names = tuple(nodes)
        for name in names:
            if not isinstance(name, str) or not name:
                raise TypeError(f"graphs[{graph_id!r}]: a node name must be a non-empty string, not {name!r}")
            if name.startswith("__") and name.endswith("__"):
                raise ValueError(f"graphs[{graph_id!r}]: {name!r} is a name LangGraph reserves")
        if len(set(names)) != len(names):
            raise ValueError(f"graphs[{graph_id!r}] names a node twice: {list(names)}")
        out[graph_id] = names
    return out


def _copy_list_channels(
    channels: Mapping[str, Iterable[str]] | None, graphs: Mapping[str, tuple[str, ...]]
) -> dict[str, frozenset[str]]:
    if channels is None:
        return {}
    if not isinstance(channels, Mapping):
        raise TypeError(f"list_channels must be a mapping of graph id to channel names, not {type(channels).__name__}")
    out: dict[str, frozenset[str]] = {}
    for graph_id, names in channels.items():
        if graph_id not in graphs:
            raise ValueError(f"list_channels names graph {graph_id!r}, which graphs does not")
        if isinstance(names, str | bytes) or not isinstance(names, Iterable):
            raise TypeError(f"list_channels[{graph_id!r}] must be channel names, not {type(names).__name__}")
        out[graph_id] = frozenset(names)
        if not all(isinstance(name, str) and name for name in out[graph_id]):
            raise TypeError(f"list_channels[{graph_id!r}]: a channel name must be a non-empty string")
    return out


# --------------------------------------------------------------------------- routes
# (path pattern, methods, handler name or None). The real server's routes under /threads,
# in its order: a path that matches with another method answers 405 with that route's
# `Allow` (Starlette: the first partial match); a route the fake does not implement
# answers 404 like an unknown path. `/ok` lives outside that router: another method is 404.
_Route = tuple[tuple[str, ...], frozenset[str], str | None]
_ROUTES: tuple[_Route, ...] = tuple(
    (tuple(pattern.strip("/").split("/")), frozenset(methods), handler)
    for pattern, methods, handler in (
        ("/threads", {"POST"}, "_create"),
        ("/threads/search", {"POST"}, "_search"),
        ("/threads/count", {"POST"}, "_count"),
        ("/threads/prune", {"POST"}, None),
        ("/threads/{id}", {"GET", "HEAD"}, "_get"),
        ("/threads/{id}", {"PATCH"}, None),
        ("/threads/{id}", {"DELETE"}, None),
        ("/threads/{id}/state", {"GET", "HEAD"}, "_state"),
        ("/threads/{id}/storage", {"GET", "HEAD"}, None),
        ("/threads/{id}/state", {"POST"}, None),
        ("/threads/{id}/history", {"GET", "HEAD"}, None),
        ("/threads/{id}/copy", {"POST"}, None),
        ("/threads/{id}/history", {"POST"}, None),
        ("/threads/{id}/state/{checkpoint_id}", {"GET", "HEAD"}, None),
        ("/threads/{id}/state/checkpoint", {"POST"}, None),
        ("/threads/{id}/stream", {"GET", "HEAD"}, None),
    )
)


def _match(pattern: tuple[str, ...], parts: list[str]) -> list[str] | None:
    if len(pattern) != len(parts):
        return None
    params = []
    for want, got in zip(pattern, parts, strict=True):
        if want.startswith("{"):
            if not got:
                return None
            params.append(got)
        elif want != got:
            return None
    return params


def _allow(methods: frozenset[str]) -> str:
    return ", ".join(method for method in ("HEAD", "GET", "POST", "PATCH", "DELETE") if method in methods)


# --------------------------------------------------------------------------- the fake
class FakeAgentServer:
    """An in-memory, thread-safe, stateful stand-in for the Agent Server's threads endpoints.

    It answers as the ``dev`` kind of this project's tests does (langgraph-api 0.16.7 on
    the in-memory runtime, ``tests/agent_server/OBSERVED.md``): the same statuses and,
    where the real server's answer is known, the same body bytes, for

    * ``POST /threads``: validation and its 422 texts (the server's validator's words, its
      choice of first error), ``thread_id`` read as Python's ``uuid.UUID()`` reads it
      (stored lower-case dashed), reserved metadata keys (``thread_id``, ``run_id``,
      ``assistant_id``, ``cron_id``, ``counters_since_delta_snapshot``) dropped, a UUID v7
      when none is named, 409 / ``do_nothing``, ``ttl`` accepted and forgotten, unknown
      fields ignored, and supersteps: 201 (no or unknown ``graph_id``; the thread is kept),
      400 (``No updates provided``, ``Node X does not exist``; earlier supersteps stay in
      the state), applied even under ``do_nothing`` on an existing thread;
    * ``GET /ok``, ``GET /threads/{id}`` (``?include=ttl`` changes nothing),
      ``GET /threads/{id}/state``, ``POST /threads/search`` (``ids``, ``metadata``,
      ``values``, ``status``, ``limit``, ``offset``, ``sort_by``, ``sort_order``,
      ``select``, ``extract``; ``X-Pagination-Total`` / ``X-Pagination-Next`` as the
      server computes them) and ``POST /threads/count``; 404 ``Not Found`` for any other
      path, 405 for another method on one of these paths, 307 to the path without a
      trailing slash.

    Plug it in with :meth:`transport` (an httpx2 transport, sync and async) or
    :meth:`serve` (a real HTTP/1.1 server on loopback, for any client); both share this
    state. Inspect it with :attr:`threads`, :meth:`thread`, :meth:`state`,
    :attr:`requests` and :attr:`faults_applied`; script failures of ``POST /threads`` with
    :meth:`fail_next`, :meth:`reset_next`, :meth:`lose_next_response` and
    :meth:`delay_next`.

    ``graphs`` maps each graph id to its node names in order (a linear graph:
    ``{"echo": ["start", "step"]}`` is this project's test graph, ``start -> step ->
    END``). The fake runs no graph; for supersteps it does the simplest thing the real
    server documents:

    * each update's ``values`` (or, when the update has a ``command``, the command's
      ``update``: a mapping or ``[key, value]`` pairs) are merged into the state in order:
      a list value is appended to a list already there (as the ``echo`` graph's
      ``operator.add`` reducer does), any other value replaces; a key written twice in one
      superstep with a value that is not a list is refused as LangGraph refuses it (400);
    * a value that is not a list, written to a key that holds a list or that
      ``list_channels`` names for the graph (channels with a list reducer, such as the
      ``echo`` graph's ``messages``), fails as the real server fails: the thread stays
      stored with the supersteps before that one applied, and the answer is the server's
      plain-text 500 ``Internal Server Error`` (then, over :meth:`serve`, the connection
      closes);
    * ``next`` is the node after each update's ``as_node`` (``__start__`` is before the
      first node); the thread is ``interrupted`` when there is one, else ``idle``.

    Where it cannot be the server (knowingly different; everything else it answers as
    observed):

    * No graph code runs: nodes do not execute, channels are not known (the real ``echo``
      state also shows ``"messages": []`` after any update, and drops keys the state lacks;
      the fake keeps exactly what was written), ``command.goto`` and
      ``command.resume`` are ignored (with no ``goto`` the real server answers 500), and
      ``as_node`` ``__end__``, ``__input__`` and ``__copy__`` are unknown nodes (400).
    * Checkpoint and task ids are made up (UUID v6 / v5 of the right shape); checkpoint
      history, subgraphs, runs, assistants, crons, the store, streaming, auth, TTL sweeps
      and the other thread endpoints (``PATCH``/``DELETE /threads/{id}``, history, copy,
      prune, ``POST .../state``) are not there: they answer 404.
    * Headers: ``content-type``, ``content-length``, ``vary: Origin`` and the pagination
      headers as the server sends them; no ``server: uvicorn``, and over :meth:`serve`
      a ``date`` and ``server`` of the fake's own.
    * Deeply nested JSON: the real server answers 500 (from about 250 levels) or 400
      ``Recursion limit reached`` (from about 300); the fake takes up to about 980 levels,
      then answers 422 ``Invalid JSON in request body``. (The SDK refuses more than 100.)
    * A defect of the fake itself is answered as the server's own crashes are: a
      plain-text 500 ``Internal Server Error`` (then, over :meth:`serve`, the connection
      closes). So is a ``values`` search filter meeting a thread whose values are null,
      which does crash the real server.
    * The checkpoint metadata's keys and the ``allow`` header's methods come in one fixed
      order; the real server's order changes from one server process to the next.
    * No ``/`` or ``/info``, no request body limit (413), no CORS headers.
    * Timing, memory, durability (nothing survives the process), and concurrency: every
      request is handled whole under one lock, so no two requests interleave.
    """

    def __init__(
        self,
        graphs: Mapping[str, Sequence[str]] | None = None,
        *,
        list_channels: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._graphs = _copy_graphs(graphs)
        self._list_channels = _copy_list_channels(list_channels, self._graphs)
        self._lock = threading.Lock()
        self._threads: dict[uuid.UUID, _Thread] = {}
        self._requests: list[RecordedRequest] = []
        self._faults: collections.deque[_Fault] = collections.deque()
        self._applied: list[FaultRecord] = []
        self._last_time = datetime.fromtimestamp(0, UTC)
        self._serving: list[str] = []  # base URLs of the serve() servers running now

    def __repr__(self) -> str:
        with self._lock:
            return (
                f"<FakeAgentServer graphs={sorted(self._graphs)} threads={len(self._threads)} "
                f"requests={len(self._requests)} faults_pending={len(self._faults)}>"
            )

    # ------------------------------------------------------------------ plugs
    def transport(self) -> FakeTransport:
        """An httpx2 transport answering from this fake, for sync and async clients alike::

            http = httpx2.Client(transport=fake.transport())          # or httpx2.AsyncClient(...)
            client = ThreadsClient("http://fake", http_client=http)   # any http(s) base URL

        Delays sleep (``time.sleep``, or anyio's sleep in async code, so asyncio and trio
        both work) and honour the request's read timeout (``httpx2.ReadTimeout`` after it,
        the thread stored); resets raise ``httpx2.ReadError``, lost responses
        ``httpx2.RemoteProtocolError``: what httpx2 raises on a real connection.
        """
        from ._transport import FakeTransport

        return FakeTransport(self)

    def serve(self, port: int = 0, host: str = "127.0.0.1") -> AbstractContextManager[str]:
        """Serve this fake over real HTTP/1.1 (keep-alive) on ``host:port`` in background threads.

        ``with fake.serve() as base_url:`` gives ``http://127.0.0.1:<port>`` (port 0: a free
        one); on exit the listening socket is closed, every connection is shut and every
        thread joined. Any client works: the SDK on ``DefaultAioHttpClient``,
        ``langgraph-sdk``, curl. Resets close the socket with an RST (``SO_LINGER`` 0),
        lost responses close it with a FIN, both without an answer; delays sleep in the
        connection's thread (cut short when the server stops).
        """
        from ._serve import Served

        return Served(self, host, port)

    @property
    def base_url(self) -> str | None:
        """The URL of the :meth:`serve` server started last and still running; None when none runs."""
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
        return dict(self._graphs)

    @property
    def threads(self) -> list[dict[str, Any]]:
        """Copies of the stored threads, in creation order, as ``GET /threads/{id}`` answers them (parsed)."""
        with self._lock:
            return [thread.to_json() for thread in self._threads.values()]

    def thread(self, thread_id: uuid.UUID | str) -> dict[str, Any] | None:
        """A copy of one stored thread (as ``GET /threads/{id}`` answers it), or None.

        ``thread_id`` is read as the server reads it (upper case, no dashes, braces are fine).
        """
        key = thread_id if isinstance(thread_id, uuid.UUID) else uuid.UUID(thread_id)
        with self._lock:
            thread = self._threads.get(key)
            return None if thread is None else thread.to_json()

    def state(self, thread_id: uuid.UUID | str) -> dict[str, Any] | None:
        """A copy of a thread's state as ``GET /threads/{id}/state`` answers it, or None for no such thread.

        ``values`` is ``{}`` and the checkpoint fields null until supersteps were applied;
        after a 400 part-way through, the supersteps before the failing one are here
        (while the thread itself still shows ``values: null``), as on the real server.
        """
        key = thread_id if isinstance(thread_id, uuid.UUID) else uuid.UUID(thread_id)
        with self._lock:
            thread = self._threads.get(key)
            return None if thread is None else thread.state_json()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far (all paths, faulted ones too), oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def faults_applied(self) -> list[FaultRecord]:
        """The queued faults that met a request, in order: ``(kind, stored, thread_id)``."""
        with self._lock:
            return list(self._applied)

    @property
    def faults_pending(self) -> int:
        """How many queued faults are still waiting for a ``POST /threads``."""
        with self._lock:
            return len(self._faults)

    def reset(self) -> None:
        """Forget every thread, request, queued fault and fault record (the graphs stay)."""
        with self._lock:
            self._threads.clear()
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
        """Answer the next ``times`` ``POST /threads`` with ``status``.

        ``after_store=False``: storing nothing; ``after_store=True``: after acting on the
        request as usual (the thread stored, its supersteps applied), as a server that acts
        and then fails does, or a gateway that lost the server's answer.

        ``retry_after`` is sent as the ``Retry-After`` header (seconds, or the text given,
        such as an HTTP date); ``body`` is the answer's body: bytes or text as they are
        (``text/plain``), any other JSON value encoded (``application/json``); by default
        ``{"detail": "<the status's reason phrase>"}``.
        """
        if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
            raise ValueError(f"status must be an HTTP status from 200 to 599, not {status!r}")
        headers: list[tuple[str, str]] = []
        if retry_after is not None:
            if isinstance(retry_after, str):
                headers.append(("retry-after", retry_after))
            elif isinstance(retry_after, int | float) and not isinstance(retry_after, bool) and retry_after >= 0:
                headers.append(("retry-after", format(retry_after, "g")))
            else:
                raise ValueError(f"retry_after must be seconds (>= 0) or a string, not {retry_after!r}")
        if body is None:
            import httpx2

            content = dump_error(httpx2.codes.get_reason_phrase(status) or str(status))
            headers.extend(_JSON_HEADERS)
        elif isinstance(body, bytes | str):
            content = body.encode("utf-8") if isinstance(body, str) else bytes(body)
            headers.append(("content-type", "text/plain; charset=utf-8"))
        else:
            content = dump_answer(body)
            headers.extend(_JSON_HEADERS)
        fault = _Fault("fail", status=status, headers=headers, body=content, after_store=bool(after_store))
        self._queue(fault, times)

    def reset_next(self, times: int = 1, after_store: bool = False) -> None:
        """Reset the connection of the next ``times`` ``POST /threads``: no answer at all.

        ``after_store=False``: before the fake looks at the request (nothing stored);
        ``after_store=True``: after it acted on it (the thread stored, supersteps applied).
        """
        self._queue(_Fault("reset", after_store=bool(after_store)), times)

    def lose_next_response(self, times: int = 1) -> None:
        """Act on the next ``times`` ``POST /threads`` (store the thread), then close without answering."""
        self._queue(_Fault("lost"), times)

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """Act on the next ``times`` ``POST /threads`` at once, but answer only after ``seconds``.

        A client whose read timeout is shorter times out while the thread is already stored.
        """
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
            or seconds < 0
        ):
            raise ValueError(f"seconds must be a finite number >= 0, not {seconds!r}")
        self._queue(_Fault("delay", seconds=float(seconds)), times)

    def _queue(self, fault: _Fault, times: int) -> None:
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(f"times must be a positive integer, not {times!r}")
        with self._lock:
            self._faults.extend(fault for _ in range(times))  # never changed once queued: one object is fine

    # ------------------------------------------------------------------ the exchange
    def _exchange(self, incoming: _Incoming) -> _Outcome:
        """Handle one request: record it, route it, apply a queued fault; never raises for a bad request."""
        raw_path, _, query = incoming.target.partition("?")
        headers: dict[str, str] = {}
        for name, value in incoming.headers:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        try:
            body: Any = loads(incoming.content) if incoming.content else b""
        except InvalidJSON:
            body = incoming.content
        method = incoming.method.upper()
        record = RecordedRequest(method, raw_path, query, headers, incoming.content, body)
        with self._lock:
            self._requests.append(record)
            handler, params, routed = self._route(method, raw_path, query, incoming.origin)
            if handler == "_create" and self._faults:
                return self._faulted(self._faults.popleft(), incoming.content)
            try:
                if handler is None:
                    assert routed is not None
                    answer = routed
                elif handler == "_create":
                    answer, _ = self._create(incoming.content)
                elif handler == "_search":
                    answer = self._search(incoming.content)
                elif handler == "_count":
                    answer = self._count(incoming.content)
                elif handler == "_get":
                    answer = self._get(params[0])
                else:
                    answer = self._state(params[0])
            except _Reject as rejected:
                answer = rejected.answer
            except Exception:  # a defect of the fake: answered as the server's crashes are (500, then close)
                answer = _crash()
        if method == "HEAD":
            answer = _Answer(answer.status, answer.headers, b"", answer.close, len(answer.body))
        return _Outcome("answer", answer)

    def _faulted(self, fault: _Fault, content: bytes) -> _Outcome:
        """Apply one queued fault to a ``POST /threads`` (under the lock)."""
        if not fault.after_store and fault.kind in ("fail", "reset"):
            self._applied.append(FaultRecord(fault.kind, False, _named_id(content)))
            if fault.kind == "reset":
                return _Outcome("reset")
            return _Outcome("answer", _Answer(fault.status, list(fault.headers), fault.body))
        try:
            answer, thread_id = self._create(content)
        except Exception:  # a defect of the fake: answered as the server's crashes are
            answer, thread_id = _crash(), _named_uuid(content)
        stored = thread_id is not None and thread_id in self._threads
        self._applied.append(FaultRecord(fault.kind, stored, None if thread_id is None else str(thread_id)))
        if fault.kind == "delay":
            return _Outcome("answer", answer, delay=fault.seconds)
        if fault.kind == "fail":
            return _Outcome("answer", _Answer(fault.status, list(fault.headers), fault.body))
        return _Outcome("reset" if fault.kind == "reset" else "close")

    def _route(
        self, method: str, raw_path: str, query: str, origin: str
    ) -> tuple[str | None, list[str], _Answer | None]:
        """The handler for a request and its path parameters, or the answer when no handler runs."""
        path = unquote(raw_path)
        if path == "/ok":
            if method in ("GET", "HEAD"):
                return None, [], _json_answer(200, {"ok": True, "services": {}})
            return None, [], _error(404, "Not Found")
        if not path.startswith("/"):
            return None, [], _error(404, "Not Found")
        if path != "/" and path.endswith("/"):
            # Starlette redirects to the path without its trailing slashes when that path is routed.
            bare = path.rstrip("/")
            bare_parts = bare[1:].split("/")
            if bare == "/ok" or any(_match(pattern, bare_parts) is not None for pattern, _, _ in _ROUTES):
                location = origin + raw_path.rstrip("/") + (f"?{query}" if query else "")
                return None, [], _Answer(307, [("location", location), ("vary", "Origin")], b"")
            return None, [], _error(404, "Not Found")
        parts = path[1:].split("/")
        partial: frozenset[str] | None = None
        for pattern, methods, handler in _ROUTES:
            params = _match(pattern, parts)
            if params is None:
                continue
            if method in methods:
                if handler is None:
                    return None, [], _error(404, "Not Found")
                return handler, params, None
            if partial is None:
                partial = methods
        if partial is not None:
            return None, [], _error(405, "Method Not Allowed", [("allow", _allow(partial))])
        return None, [], _error(404, "Not Found")

    def _now(self) -> datetime:
        """The time now, always later than the last one handed out (two events never share a timestamp)."""
        now = datetime.now(UTC)
        if now <= self._last_time:
            now = self._last_time + timedelta(microseconds=1)
        self._last_time = now
        return now

    # ------------------------------------------------------------------ handlers (called under the lock)
    def _create(self, content: bytes) -> tuple[_Answer, uuid.UUID | None]:
        """``POST /threads``: the answer, and the id of the thread it concerns (None if refused before)."""
        try:
            payload = _parse_body(content, THREAD_CREATE)
            named = payload.get("thread_id")
            thread_id = _parse_id(named) if named else uuid7()
        except _Reject as rejected:
            return rejected.answer, None
        metadata: dict[str, Any] = payload.get("metadata") or {}
        if_exists = payload.get("if_exists") or "raise"
        thread = self._threads.get(thread_id)
        if thread is not None and if_exists == "raise":
            return _error(409, f"Thread with ID {thread_id} already exists"), thread_id
        if thread is None:
            now = self._now()
            thread = _Thread(thread_id, now, clone(metadata))
            self._threads[thread_id] = thread
        supersteps = payload.get("supersteps")
        if supersteps:
            failed = self._apply(thread, supersteps, named or str(thread_id))
            if failed is not None:
                return failed, thread_id
        return _json_answer(200, thread.to_json()), thread_id

    def _apply(self, thread: _Thread, supersteps: list[dict[str, Any]], named: str) -> _Answer | None:
        """Apply supersteps as the in-memory server's ``Threads.State.bulk`` does; an error answer, or None."""
        created = f"Thread {named} was created, but there were problems updating the state: "
        graph_id = thread.metadata.get("graph_id")
        if not graph_id:
            return _error(201, created + _NO_GRAPH_ID.format(id=thread.thread_id))
        nodes = self._graphs.get(graph_id) if isinstance(graph_id, str) else None
        if nodes is None:
            return _error(201, created + f"Graph '{graph_id}' not found. Expected one of: {sorted(self._graphs)}")
        if any(len(step["updates"]) == 0 for step in supersteps):
            return _error(400, "No updates provided")
        for index, step in enumerate(supersteps):
            updates: list[dict[str, Any]] = step["updates"]
            for update in updates:
                if update["as_node"] != _START and update["as_node"] not in nodes:
                    return _error(400, f"Node {update['as_node']} does not exist")
            writes: list[tuple[str, Any]] = []
            for update in updates:
                command = update.get("command")
                if command:
                    change = command.get("update")
                    if isinstance(change, dict):
                        writes.extend(change.items())
                    elif isinstance(change, list):
                        writes.extend(
                            (item[0], item[1])
                            for item in change
                            if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                        )
                    continue
                values = update.get("values")
                if isinstance(values, list):
                    detail = f"Expected dict, got {values!r}{_TROUBLESHOOTING}INVALID_GRAPH_NODE_RETURN_VALUE"
                    return _error(400, detail)
                if isinstance(values, dict):
                    writes.extend(values.items())
            written = collections.Counter(key for key, _ in writes)
            for key, count in written.items():
                if count > 1 and not all(isinstance(value, list) for name, value in writes if name == key):
                    detail = (
                        f"At key '{key}': Can receive only one value per step. Use an Annotated key to handle "
                        f"multiple values.{_TROUBLESHOOTING}INVALID_CONCURRENT_GRAPH_UPDATE"
                    )
                    return _error(400, detail)
            previous = thread.checkpoints[-1] if thread.checkpoints else None
            state: dict[str, Any] = clone(previous.values) if previous else {}
            lists = self._list_channels.get(graph_id, frozenset())
            for key, value in writes:
                if isinstance(value, list) and isinstance(state.get(key), list):
                    state[key] = state[key] + clone(value)
                elif not isinstance(value, list) and (key in lists or isinstance(state.get(key), list)):
                    # The list reducer raises inside the server: a 500 after the thread was
                    # stored, with the supersteps before this one applied.
                    return _crash()
                else:
                    state[key] = clone(value)
            following = set()
            for update in updates:
                position = -1 if update["as_node"] == _START else nodes.index(update["as_node"])
                if position + 1 < len(nodes):
                    following.add(nodes[position + 1])
            number = previous.step + 1 if previous else 0
            metadata: dict[str, Any] = (
                {"graph_id": graph_id} if index == 0 or previous is None else {"checkpoint_id": previous.checkpoint_id}
            )
            metadata.update({"thread_id": str(thread.thread_id), "source": "update", "step": number, "parents": {}})
            thread.checkpoints.append(
                _Checkpoint(
                    _checkpoint_id(number),
                    number,
                    state,
                    [node for node in nodes if node in following],
                    self._now(),
                    metadata,
                    previous.checkpoint_id if previous else None,
                )
            )
        latest = thread.checkpoints[-1]
        now = self._now()
        thread.updated_at = thread.state_updated_at = now
        thread.status = "interrupted" if latest.next else "idle"
        thread.values = clone(latest.values)
        thread.stepped = True
        return None

    def _matching(self, payload: Mapping[str, Any], ids: set[uuid.UUID] | None) -> list[_Thread]:
        metadata = payload.get("metadata") or {}
        values = payload.get("values") or {}
        status = payload.get("status")
        found = []
        for thread in self._threads.values():
            if ids is not None and thread.thread_id not in ids:
                continue
            if metadata and not _contained(thread.metadata, metadata):
                continue
            if values and not _contained(thread.values, values):
                continue
            if status and thread.status != status:
                continue
            found.append(thread)
        return found

    def _search(self, content: bytes) -> _Answer:
        payload = _parse_body(content, THREAD_SEARCH)
        select: list[str] | None = payload.get("select") or None
        limit = int(payload.get("limit") or 10)
        offset = int(payload.get("offset") or 0)
        extract: dict[str, str] | None = payload.get("extract") or None
        if extract:
            _check_extract(extract)
        ids: set[uuid.UUID] | None = None
        if payload.get("ids"):
            ids = set()
            for item in payload["ids"]:
                try:
                    ids.add(uuid.UUID(item))
                except ValueError:
                    raise _Reject(_error(400, f"Invalid thread ID {item}")) from None
        try:
            found = self._matching(payload, ids)
        except TypeError:
            return _crash()  # a `values` filter meeting a thread whose values are null
        sort_by = payload.get("sort_by")
        if sort_by in _SORTABLE:
            descending = not (payload.get("sort_order") or "").upper() == "ASC"
            found.sort(key=lambda thread: getattr(thread, sort_by), reverse=descending)
        else:
            found.sort(key=lambda thread: thread.updated_at, reverse=True)
        page = found[offset : offset + limit]
        following = offset + limit if len(found) > offset + limit else None
        if following is None:
            headers = [("x-pagination-total", str(len(page) + offset))]
        else:  # the server's arithmetic: "next offset + 1", whatever the real total
            headers = [("x-pagination-total", str(following + 1)), ("x-pagination-next", str(following))]
        columns = select
        added: set[str] = set()
        if select and extract:
            added = {path.split(".")[0].split("[")[0] for path in extract.values()} - set(select)
            columns = [*select, *sorted(added)]
        out = []
        for thread in page:
            item = thread.to_json()
            if columns:
                item = {key: value for key, value in item.items() if key in columns}
            if extract:
                item["extracted"] = {alias: _extract_path_value(item, path) for alias, path in extract.items()}
            for column in added:
                item.pop(column, None)
            out.append(item)
        return _json_answer(200, out, headers)

    def _count(self, content: bytes) -> _Answer:
        payload = _parse_body(content, THREAD_COUNT)
        try:
            return _json_answer(200, len(self._matching(payload, None)))
        except TypeError:
            return _crash()

    def _lookup(self, text: str) -> _Thread:
        thread_id = _parse_id(text)
        thread = self._threads.get(thread_id)
        if thread is None:
            raise _Reject(_error(404, f"Thread with ID {thread_id} not found"))
        return thread

    def _get(self, text: str) -> _Answer:
        return _json_answer(200, self._lookup(text).to_json())

    def _state(self, text: str) -> _Answer:
        thread = self._lookup(text)
        graph_id = thread.metadata.get("graph_id")
        if graph_id and not (isinstance(graph_id, str) and graph_id in self._graphs):
            raise _Reject(_error(404, f"Graph '{graph_id}' not found. Expected one of: {sorted(self._graphs)}"))
        return _json_answer(200, thread.state_json())


def _named_uuid(content: bytes) -> uuid.UUID | None:
    """The thread id a create request names, if it names a valid one (read leniently, for fault records)."""
    try:
        payload = loads(content)
    except InvalidJSON:
        return None
    named = payload.get("thread_id") if isinstance(payload, dict) else None
    if not isinstance(named, str) or not named:
        return None
    try:
        return uuid.UUID(named)
    except ValueError:
        return None


def _named_id(content: bytes) -> str | None:
    named = _named_uuid(content)
    return None if named is None else str(named)
