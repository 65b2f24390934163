"""The fake's stored threads and their checkpoints, with no HTTP in it (moto's ``models.py``).

What the in-memory server does with a create, its supersteps and a search's filters, on
Python values; what it refuses is raised as :class:`Refused` (its status and detail, which
the handlers answer as the server does) or :class:`Crashed` (where the real server raises
inside and answers a plain-text 500). Called under the fake's lock.
"""

from __future__ import annotations

import collections
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ._json import clone

__all__ = ["Crashed", "Refused", "StoredThread", "ThreadStore", "contained"]

START = "__start__"
_NO_GRAPH_ID = (
    "Thread '{id}' has no assigned graph ID. This usually occurs when no runs have been made on this particular "
    "thread. This operation requires a graph ID. Please ensure a run has been made for the thread or manually update "
    "the thread metadata (by setting the 'graph_id' field) before running this operation."
)
_TROUBLESHOOTING = "\nFor troubleshooting, visit: https://docs.langchain.com/oss/python/langgraph/errors/"
_UUID_EPOCH_100NS = 0x01B21DD213814000  # 1582-10-15 to 1970-01-01, in 100 ns steps


class Refused(Exception):
    """What the server refuses: the status and detail it answers."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail


class Crashed(Exception):
    """Where the real server raises inside (the list reducer): what was stored before stays stored."""


# Plain classes with __slots__, not dataclasses: building a dataclass costs about a millisecond
# at import.
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


class StoredThread:
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


class ThreadStore:
    """The threads, the graphs they may name, and a clock that never hands out one time twice."""

    def __init__(
        self, graphs: Mapping[str, Sequence[str]] | None, list_channels: Mapping[str, Iterable[str]] | None
    ) -> None:
        self.graphs = _copy_graphs(graphs)
        self.list_channels = _copy_list_channels(list_channels, self.graphs)
        self.threads: dict[uuid.UUID, StoredThread] = {}
        self._last_time = datetime.fromtimestamp(0, UTC)

    def now(self) -> datetime:
        """The time now, always later than the last one handed out (two events never share a timestamp)."""
        now = datetime.now(UTC)
        if now <= self._last_time:
            now = self._last_time + timedelta(microseconds=1)
        self._last_time = now
        return now

    def create(
        self,
        thread_id: uuid.UUID,
        metadata: dict[str, Any],
        if_exists: str,
        supersteps: list[dict[str, Any]] | None,
        named: str,
    ) -> StoredThread:
        """``POST /threads`` on a valid body: the thread, stored (and its supersteps applied)."""
        thread = self.threads.get(thread_id)
        if thread is not None and if_exists == "raise":
            raise Refused(409, f"Thread with ID {thread_id} already exists")
        if thread is None:
            thread = self.threads[thread_id] = StoredThread(thread_id, self.now(), clone(metadata))
        if supersteps:
            self.apply(thread, supersteps, named)
        return thread

    def apply(self, thread: StoredThread, supersteps: list[dict[str, Any]], named: str) -> None:
        """Apply supersteps as the in-memory server's ``Threads.State.bulk`` does."""
        graph_id, nodes = self._graph_of(thread, named)
        if any(len(step["updates"]) == 0 for step in supersteps):
            raise Refused(400, "No updates provided")
        lists = self.list_channels.get(graph_id, frozenset())
        for index, step in enumerate(supersteps):
            updates: list[dict[str, Any]] = step["updates"]
            for update in updates:
                if update["as_node"] != START and update["as_node"] not in nodes:
                    raise Refused(400, f"Node {update['as_node']} does not exist")
            writes = _writes(updates)
            previous = thread.checkpoints[-1] if thread.checkpoints else None
            state = _merged(clone(previous.values) if previous else {}, writes, lists)
            thread.checkpoints.append(self._checkpoint(thread, graph_id, nodes, index, previous, updates, state))
        latest = thread.checkpoints[-1]
        thread.updated_at = thread.state_updated_at = self.now()
        thread.status = "interrupted" if latest.next else "idle"
        thread.values = clone(latest.values)
        thread.stepped = True

    def _graph_of(self, thread: StoredThread, named: str) -> tuple[str, tuple[str, ...]]:
        """The thread's graph id and nodes; a 201 (the thread was created, its state not set) without one."""
        created = f"Thread {named} was created, but there were problems updating the state: "
        graph_id = thread.metadata.get("graph_id")
        if not graph_id:
            raise Refused(201, created + _NO_GRAPH_ID.format(id=thread.thread_id))
        nodes = self.graphs.get(graph_id) if isinstance(graph_id, str) else None
        if nodes is None:
            raise Refused(201, created + f"Graph '{graph_id}' not found. Expected one of: {sorted(self.graphs)}")
        return graph_id, nodes

    def _checkpoint(
        self,
        thread: StoredThread,
        graph_id: str,
        nodes: tuple[str, ...],
        index: int,
        previous: _Checkpoint | None,
        updates: list[dict[str, Any]],
        state: dict[str, Any],
    ) -> _Checkpoint:
        """The checkpoint one superstep writes: ``next`` is the node after each update's ``as_node``."""
        following = set()
        for update in updates:
            position = -1 if update["as_node"] == START else nodes.index(update["as_node"])
            if position + 1 < len(nodes):
                following.add(nodes[position + 1])
        number = previous.step + 1 if previous else 0
        metadata: dict[str, Any] = (
            {"graph_id": graph_id} if index == 0 or previous is None else {"checkpoint_id": previous.checkpoint_id}
        )
        metadata.update({"thread_id": str(thread.thread_id), "source": "update", "step": number, "parents": {}})
        return _Checkpoint(
            _checkpoint_id(number),
            number,
            state,
            [node for node in nodes if node in following],
            self.now(),
            metadata,
            previous.checkpoint_id if previous else None,
        )

    def matching(self, payload: Mapping[str, Any], ids: set[uuid.UUID] | None) -> list[StoredThread]:
        """The threads a search or count selects (TypeError: a ``values`` filter met null values)."""
        metadata = payload.get("metadata") or {}
        values = payload.get("values") or {}
        status = payload.get("status")
        found = []
        for thread in self.threads.values():
            if ids is not None and thread.thread_id not in ids:
                continue
            if metadata and not contained(thread.metadata, metadata):
                continue
            if values and not contained(thread.values, values):
                continue
            if status and thread.status != status:
                continue
            found.append(thread)
        return found


def _writes(updates: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """One superstep's writes, in order: each update's values, or its command's update."""
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
            raise Refused(400, f"Expected dict, got {values!r}{_TROUBLESHOOTING}INVALID_GRAPH_NODE_RETURN_VALUE")
        if isinstance(values, dict):
            writes.extend(values.items())
    written = collections.Counter(key for key, _ in writes)
    for key, count in written.items():
        if count > 1 and not all(isinstance(value, list) for name, value in writes if name == key):
            detail = (
                f"At key '{key}': Can receive only one value per step. Use an Annotated key to handle "
                f"multiple values.{_TROUBLESHOOTING}INVALID_CONCURRENT_GRAPH_UPDATE"
            )
            raise Refused(400, detail)
    return writes


def _merged(state: dict[str, Any], writes: list[tuple[str, Any]], lists: frozenset[str]) -> dict[str, Any]:
    """``state`` with the writes merged: a list appended to a list, anything else replacing."""
    for key, value in writes:
        if isinstance(value, list) and isinstance(state.get(key), list):
            state[key] = state[key] + clone(value)
        elif not isinstance(value, list) and (key in lists or isinstance(state.get(key), list)):
            # The list reducer raises inside the server: a 500 after the thread was stored,
            # with the supersteps before this one applied.
            raise Crashed
        else:
            state[key] = clone(value)
    return state


def contained(superset: Any, subset: Mapping[str, Any]) -> bool:
    """The in-memory server's containment test (Postgres' ``@>`` for objects only: lists compare equal)."""
    for key, value in subset.items():
        if key not in superset:  # raises TypeError for a thread whose values are null, as the server does
            return False
        if isinstance(value, dict) and isinstance(superset[key], dict):
            if not contained(superset[key], value):
                return False
        elif superset[key] != value:
            return False
    return True


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
