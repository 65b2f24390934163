"""The fake's routes (moto's ``urls.py``): each path and method mapped to its handler directly.

The real server's routes under ``/threads``, in its order: a path that matches with another
method answers 405 with that route's ``Allow`` (Starlette: the first partial match); a route
the fake does not implement (handler None) answers 404 like an unknown path. ``/ok`` lives
outside that router: another method is 404. A path with a trailing slash is redirected (307)
to the path without it when that one is routed.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from . import _handlers as handlers
from ._exchange import Answer, error, json_answer
from ._store import ThreadStore

__all__ = ["Handler", "route"]

Handler = Callable[[ThreadStore, bytes, list[str]], Answer]
_Route = tuple[tuple[str, ...], frozenset[str], Handler | None]
_ROUTES: tuple[_Route, ...] = tuple(
    (tuple(pattern.strip("/").split("/")), frozenset(methods), handler)
    for pattern, methods, handler in (
        ("/threads", {"POST"}, handlers.create),
        ("/threads/search", {"POST"}, handlers.search),
        ("/threads/count", {"POST"}, handlers.count),
        ("/threads/prune", {"POST"}, None),
        ("/threads/{id}", {"GET", "HEAD"}, handlers.get),
        ("/threads/{id}", {"PATCH"}, None),
        ("/threads/{id}", {"DELETE"}, None),
        ("/threads/{id}/state", {"GET", "HEAD"}, handlers.state),
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


def route(method: str, raw_path: str, query: str, origin: str) -> tuple[Handler | None, list[str], Answer | None]:
    """The handler for a request and its path parameters, or the answer when no handler runs."""
    path = unquote(raw_path)
    if path == "/ok":
        if method in ("GET", "HEAD"):
            return None, [], json_answer(200, {"ok": True, "services": {}})
        return None, [], error(404, "Not Found")
    if not path.startswith("/"):
        return None, [], error(404, "Not Found")
    if path != "/" and path.endswith("/"):
        return None, [], _redirect(path, raw_path, query, origin)
    parts = path[1:].split("/")
    partial: frozenset[str] | None = None
    for pattern, methods, handler in _ROUTES:
        params = _match(pattern, parts)
        if params is None:
            continue
        if method in methods:
            if handler is None:
                return None, [], error(404, "Not Found")
            return handler, params, None
        if partial is None:
            partial = methods
    if partial is not None:
        return None, [], error(405, "Method Not Allowed", [("allow", _allow(partial))])
    return None, [], error(404, "Not Found")


def _redirect(path: str, raw_path: str, query: str, origin: str) -> Answer:
    """Starlette redirects to the path without its trailing slashes when that path is routed."""
    bare = path.rstrip("/")
    bare_parts = bare[1:].split("/")
    if bare == "/ok" or any(_match(pattern, bare_parts) is not None for pattern, _, _ in _ROUTES):
        location = origin + raw_path.rstrip("/") + (f"?{query}" if query else "")
        return Answer(307, [("location", location), ("vary", "Origin")], b"")
    return error(404, "Not Found")


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
