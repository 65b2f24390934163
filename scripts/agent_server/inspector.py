"""The test-side view of what a server holds, over its REST API (not through the SDK).

Tests assert on the server's state (how many threads carry a marker, what state a thread
has) with plain httpx2 calls, so a defect in the SDK cannot hide itself. The kinds differ
here too: Aegra has no ``/threads/count`` and sends no ``X-Pagination-Next``; both are
handled once, here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx2

__all__ = ["ThreadInspector"]


class ThreadInspector:
    """REST calls on ``base_url``; ``http`` is a client that ignores proxy environment variables."""

    #: page size for POST /threads/search (the servers allow 1..1000)
    search_page_size = 1000

    def __init__(self) -> None:
        self._http: httpx2.Client | None = None

    @property
    def base_url(self) -> str:
        raise NotImplementedError

    @property
    def http(self) -> httpx2.Client:
        if self._http is None:
            self._http = httpx2.Client(base_url=self.base_url, timeout=30.0, trust_env=False)
        return self._http

    def close_inspector(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def search_threads(
        self,
        metadata: Mapping[str, Any] | None = None,
        limit: int = 100_000,
        *,
        ids: Sequence[str] | None = None,
        status: str | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Threads the server holds, newest first, via ``POST /threads/search``, every page.

        ``metadata`` is a containment filter (``{"user": "u1"}`` matches threads whose
        metadata has that key and value). Pages are followed by ``X-Pagination-Next`` where
        the server sends it, else while a page comes back full.
        """
        if limit < 1:
            return []
        body: dict[str, Any] = {"sort_by": "created_at", "sort_order": "desc"}
        if metadata is not None:
            body["metadata"] = dict(metadata)
        if ids is not None:
            body["ids"] = [str(i) for i in ids]
        if status is not None:
            body["status"] = status
        if values is not None:
            body["values"] = dict(values)
        out: list[dict[str, Any]] = []
        offset = 0
        while len(out) < limit:
            page = min(self.search_page_size, limit - len(out))
            r = self.http.post("/threads/search", json={**body, "limit": page, "offset": offset})
            r.raise_for_status()
            items = r.json()
            out.extend(items)
            nxt = r.headers.get("x-pagination-next")
            if not items or (nxt is None and ("x-pagination-total" in r.headers or len(items) < page)):
                break
            offset = int(nxt) if nxt is not None else offset + len(items)
        return out[:limit]

    def count_threads(self, metadata: Mapping[str, Any] | None = None) -> int:
        """How many threads (optionally matching metadata): ``POST /threads/count``, or a full search."""
        body = {"metadata": dict(metadata)} if metadata is not None else {}
        r = self.http.post("/threads/count", json=body)
        if r.status_code in (404, 405):  # Aegra has no count endpoint
            return len(self.search_threads(metadata))
        r.raise_for_status()
        return int(r.json())

    def get_thread(self, thread_id: Any, *, include_ttl: bool = False) -> dict[str, Any] | None:
        """``GET /threads/{id}``; None if the server says 404."""
        params = {"include": "ttl"} if include_ttl else None
        r = self.http.get(f"/threads/{thread_id}", params=params)
        if r.status_code == 404:
            return None
        r.raise_for_status()
        thread: dict[str, Any] = r.json()
        return thread

    def get_state(self, thread_id: Any) -> dict[str, Any]:
        """``GET /threads/{id}/state``: values, next, tasks, checkpoint, metadata..."""
        r = self.http.get(f"/threads/{thread_id}/state")
        r.raise_for_status()
        state: dict[str, Any] = r.json()
        return state

    def post_threads_raw(self, body: Any, **kwargs: Any) -> httpx2.Response:
        """``POST /threads`` with ``body`` as JSON (or raw bytes/str via content=)."""
        if isinstance(body, (bytes, str)):
            headers = {"content-type": "application/json", **kwargs.pop("headers", {})}
            return self.http.post("/threads", content=body, headers=headers, **kwargs)
        return self.http.post("/threads", json=body, **kwargs)
