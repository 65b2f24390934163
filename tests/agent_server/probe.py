"""Probe the real server's POST /threads behaviour (the data behind OBSERVED.md).

    python -m tests.agent_server.probe [--runs N] [--server KIND] > observed.json

Starts fresh AgentServers of one kind (``dev`` unless told; N times, for startup timing
and memory), then sends every request listed in the contract's table of the dev server's
behaviour plus the extra cases OBSERVED.md reports (the table is ``probe_cases.py``), and
prints one JSON document: per case, the request, the status, the response headers and the
body, and what was read back after it. A read that fails on a kind (Aegra answers some
reads differently) is recorded in its entry as ``{"error": "..."}``; the probe goes on.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx2

from scripts.agent_server.kinds import KINDS
from scripts.agent_server.server import AgentServer
from tests.agent_server.probe_cases import CASES, Case, Read

# {id:NAME}, {id:NAME|SPELLING}, {thread_id}, {thread_id:CASE}, {detail_id}: see probe_cases.py
_REF = re.compile(r"\{(id|thread_id|detail_id)(?::(\w+))?(?:\|(\w+))?\}")
_SPELLINGS: dict[str, Callable[[uuid.UUID], str]] = {
    "": str,
    "upper": lambda u: str(u).upper(),
    "hex": lambda u: u.hex,
    "urn": lambda u: u.urn,
    "braces": lambda u: "{" + str(u) + "}",
}


class _Absent(Exception):
    """A ``{detail_id}`` the response has no ``detail`` for: the read is not made."""


class _Run:
    """One pass over the table: the server, the ids made up so far, the entries so far."""

    def __init__(self, server: AgentServer) -> None:
        self.server = server
        self.ids: dict[str, uuid.UUID] = {}
        self.out: dict[str, Any] = {}

    def fill(self, value: Any, case: str | None) -> Any:
        """``value`` (a body, a read's argument) with its id references replaced."""
        if isinstance(value, str):
            return _REF.sub(lambda m: self._ref(m, case), value)
        if isinstance(value, dict):
            return {k: self.fill(v, case) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v, case) for v in value]
        return value

    def _ref(self, m: re.Match[str], case: str | None) -> str:
        kind, name, spelling = m.groups()
        if kind == "id":
            if not name:
                raise ValueError(f"{m.group(0)} names no id")
            return _SPELLINGS[spelling or ""](self.ids.setdefault(name, uuid.uuid4()))
        body = self.out[name or case or ""]["body"]
        if kind == "thread_id":
            return str(body["thread_id"])
        if not (isinstance(body, dict) and "detail" in body):
            raise _Absent
        return str(body["detail"].split()[1])  # "Thread <id> was created, but ..."


def _error(exc: Exception) -> dict[str, str]:
    return {"error": f"{type(exc).__name__}: {exc}"}


def _body(r: httpx2.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return r.text


def _request(case: Case, body: Any) -> tuple[Any, dict[str, Any]]:
    """What the entry shows as the request, and the keyword arguments of the POST."""
    headers = dict(case.headers or {})
    shown = dict(case.headers) if case.headers is not None else None
    if case.raw is not None:
        raw = case.raw if isinstance(case.raw, str) else case.raw.decode()
        return {"raw": raw, "headers": shown}, {"content": case.raw, "headers": headers}
    if case.body is None:
        return {"no_body": True, "headers": shown}, {"headers": headers}
    return body, {"json": body, "headers": headers}


def _post(run: _Run, case: Case) -> None:
    """Send the case, store its entry, then make its reads into the entry."""
    request, kwargs = _request(case, run.fill(case.body, case.name))
    try:
        r = run.server.http.post("/threads", **kwargs)
    except httpx2.HTTPError as exc:
        run.out[case.name] = {"request": request, **_error(exc)}
        return
    entry = {"request": request, "status": r.status_code, "headers": dict(r.headers), "body": _body(r)}
    run.out[case.name] = entry
    for read in case.reads:
        _read(run, read, entry, case.name)


def _read(run: _Run, read: Read, into: dict[str, Any], case: str | None) -> None:
    try:
        into[read.key] = read.fetch(run.server, run.fill(read.arg, case))
    except _Absent:
        pass
    except Exception as exc:  # an endpoint the kind lacks, an id the answer before did not give...
        into[read.key] = _error(exc)


def probe(server: AgentServer, cases: tuple[Case | Read, ...] = CASES) -> dict[str, Any]:
    """Run the table in order against ``server``: one entry per case and per top-level read."""
    run = _Run(server)
    for case in cases:
        if isinstance(case, Case):
            _post(run, case)
        else:
            _read(run, case, run.out, None)
    return run.out


def _start_stop_runs(kind: str, n: int) -> tuple[list[dict[str, float | None]], list[int | None]]:
    """Start and stop ``n`` servers: their startup timings and their memory once started."""
    timings: list[dict[str, float | None]] = []
    rss: list[int | None] = []
    for _ in range(n):
        t0 = time.monotonic()
        with AgentServer(kind) as s:
            startup = s.startup_seconds
            rss.append(s.rss_bytes())
        timings.append({"startup_seconds": startup, "start_stop_seconds": time.monotonic() - t0})
    return timings, rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--server", default="dev", choices=list(KINDS), help="the server kind (default: dev)")
    args = ap.parse_args()
    timings, rss = _start_stop_runs(args.server, max(0, args.runs - 1))
    with AgentServer(args.server) as s:
        rss_idle = s.rss_bytes()
        timings.append({"startup_seconds": s.startup_seconds})
        result = probe(s)
        rss_after = s.rss_bytes()
    print(
        json.dumps(
            {
                "timings": timings,
                "rss_idle_bytes": [*rss, rss_idle],
                "rss_after_probe_bytes": rss_after,
                "cases": result,
            },
            indent=2,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
