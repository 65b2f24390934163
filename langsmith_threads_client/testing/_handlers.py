"""The handlers of the fake's routes (moto's ``responses.py``): a request's body in, an answer out.

Each reads the body as the server does (JSON, its schema's first error, its 422 texts),
asks the store (``_store.py``), and answers with the server's statuses, bodies and
headers. Every handler takes ``(store, content, params)``: the routes table
(``_routes.py``) maps each path to one. Called under the fake's lock.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from langsmith_threads_client import uuid7

from ._exchange import Answer, Reject, crash, error, json_answer
from ._json import InvalidJSON, loads
from ._schema import THREAD_COUNT, THREAD_CREATE, THREAD_SEARCH, first_error
from ._store import Crashed, Refused, StoredThread, ThreadStore

__all__ = ["count", "create", "create_thread", "get", "named_uuid", "search", "state"]

# The server strips these from `metadata` before anything else (langgraph_api.validation).
_RESERVED_METADATA_KEYS = frozenset({"thread_id", "assistant_id", "run_id", "cron_id", "counters_since_delta_snapshot"})
_INVALID_ID = "Invalid thread ID: must be a UUID"
# The fields a thread has: what search's `select` may name (its schema's list).
_THREAD_FIELDS = frozenset(THREAD_SEARCH["properties"]["select"]["items"]["enum"])
_EXTRACTABLE = frozenset({"values", "metadata", "config", "interrupts"})
_SORTABLE = ("thread_id", "created_at", "updated_at", "state_updated_at", "status")


# --------------------------------------------------------------------------- POST /threads
def create_thread(store: ThreadStore, content: bytes) -> tuple[Answer, uuid.UUID | None]:
    """``POST /threads``: the answer, and the id of the thread it concerns (None if refused before)."""
    try:
        payload = _parse_body(content, THREAD_CREATE)
        named = payload.get("thread_id")
        thread_id = _parse_id(named) if named else uuid7()
    except Reject as rejected:
        return rejected.answer, None
    metadata: dict[str, Any] = payload.get("metadata") or {}
    try:
        thread = store.create(
            thread_id, metadata, payload.get("if_exists") or "raise", payload.get("supersteps"), named or str(thread_id)
        )
    except Refused as refused:
        return error(refused.status, refused.detail), thread_id
    except Crashed:
        return crash(), thread_id
    return json_answer(200, thread.to_json()), thread_id


def create(store: ThreadStore, content: bytes, params: list[str]) -> Answer:
    return create_thread(store, content)[0]


def named_uuid(content: bytes) -> uuid.UUID | None:
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


# --------------------------------------------------------------------------- search and count
def search(store: ThreadStore, content: bytes, params: list[str]) -> Answer:
    """``POST /threads/search``: filters, sort, the page, ``select`` and ``extract``, as the server does."""
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
                raise Reject(error(400, f"Invalid thread ID {item}")) from None
    try:
        found = store.matching(payload, ids)
    except TypeError:
        return crash()  # a `values` filter meeting a thread whose values are null
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
    return json_answer(200, _shown(page, select, extract), headers)


def _shown(page: list[StoredThread], select: list[str] | None, extract: dict[str, str] | None) -> list[dict[str, Any]]:
    """The page's threads with only the ``select`` columns, and their ``extracted`` paths."""
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
    return out


def count(store: ThreadStore, content: bytes, params: list[str]) -> Answer:
    payload = _parse_body(content, THREAD_COUNT)
    try:
        return json_answer(200, len(store.matching(payload, None)))
    except TypeError:
        return crash()


# --------------------------------------------------------------------------- one thread
def get(store: ThreadStore, content: bytes, params: list[str]) -> Answer:
    return json_answer(200, _lookup(store, params[0]).to_json())


def state(store: ThreadStore, content: bytes, params: list[str]) -> Answer:
    thread = _lookup(store, params[0])
    graph_id = thread.metadata.get("graph_id")
    if graph_id and not (isinstance(graph_id, str) and graph_id in store.graphs):
        raise Reject(error(404, f"Graph '{graph_id}' not found. Expected one of: {sorted(store.graphs)}"))
    return json_answer(200, thread.state_json())


def _lookup(store: ThreadStore, text: str) -> StoredThread:
    thread_id = _parse_id(text)
    thread = store.threads.get(thread_id)
    if thread is None:
        raise Reject(error(404, f"Thread with ID {thread_id} not found"))
    return thread


# --------------------------------------------------------------------------- reading requests
def _parse_body(content: bytes, schema: dict[str, Any]) -> dict[str, Any]:
    """The body as the server reads it: JSON (else 422), reserved metadata keys stripped, then validated."""
    try:
        payload = loads(content)
    except InvalidJSON:
        raise Reject(error(422, "Invalid JSON in request body")) from None
    if schema is THREAD_CREATE and isinstance(payload, dict) and isinstance(payload.get("metadata"), dict):
        metadata = payload["metadata"]
        for key in [key for key in metadata if key in _RESERVED_METADATA_KEYS]:
            del metadata[key]
    detail = first_error(schema, payload)
    if detail is not None:
        raise Reject(error(422, detail))
    assert isinstance(payload, dict)  # the schema's "type": "object"
    return payload


def _parse_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise Reject(error(422, _INVALID_ID)) from None


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
        raise Reject(error(422, f"Maximum of 10 extract paths allowed, got {len(extract)}"))
    reserved = extract.keys() & _THREAD_FIELDS
    if reserved:
        raise Reject(error(422, f"Extract keys cannot use reserved field names: {sorted(reserved)}"))
    for alias, path in extract.items():
        if not re.match(r"^[a-zA-Z_][a-zA-Z0-9_]*$", alias):
            detail = f"Extract key '{alias}' must be a valid identifier (letters, digits, underscores)"
            raise Reject(error(422, detail))
        if not path or not isinstance(path, str):
            raise Reject(error(422, f"Extract path for '{alias}' must be a non-empty string"))
        if path.split(".")[0].split("[")[0] not in _EXTRACTABLE:
            detail = f"Extract path '{path}' must start with one of: {', '.join(sorted(_EXTRACTABLE))}"
            raise Reject(error(422, detail))
