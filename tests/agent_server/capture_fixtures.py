"""Regenerate tests/fixtures/*.json from a fresh real Agent Server.

    python -m tests.agent_server.capture_fixtures          # from the repo root
    python tests/agent_server/capture_fixtures.py [OUTDIR]

Each fixture file is the response body exactly as the server sent it (parsed and
pretty-printed with ``indent=2``, key order and values unchanged). Thread ids
and timestamps differ on every run. ``manifest.json`` records, per file, the
request body, the status code, the response content type and the server versions.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.agent_server.server import GRAPH_ID, AgentServer
from scripts.agent_server.venvs import pinned_versions

DEFAULT_OUTDIR = Path(__file__).resolve().parents[1] / "fixtures"

# A fixed id for the conflict case, so its detail message is stable.
CONFLICT_THREAD_ID = "9f8b1d0e-3c2a-4b5d-8e6f-7a1b2c3d4e5f"

SUPERSTEPS = [
    {
        "updates": [
            {"values": {"messages": ["hello"], "count": 1}, "as_node": "start"},
        ]
    }
]

# (file name, expected status, request body). For conflict_409.json the same
# body is sent twice and the second answer is kept.
CASES: list[tuple[str, int, Any]] = [
    ("thread_created.json", 200, {"metadata": {"user": "u1"}}),
    (
        "thread_with_supersteps.json",
        200,
        {"metadata": {"graph_id": GRAPH_ID, "user": "u1"}, "supersteps": SUPERSTEPS},
    ),
    ("conflict_409.json", 409, {"thread_id": CONFLICT_THREAD_ID, "metadata": {"user": "u1"}}),
    ("unprocessable_422.json", 422, {"thread_id": "not-a-uuid"}),
    ("supersteps_no_graph_201.json", 201, {"metadata": {"user": "u1"}, "supersteps": SUPERSTEPS}),
    (
        "unknown_node_400.json",
        400,
        {
            "metadata": {"graph_id": GRAPH_ID},
            "supersteps": [{"updates": [{"values": {"count": 1}, "as_node": "no_such_node"}]}],
        },
    ),
]


def _versions() -> dict[str, str]:
    return pinned_versions("dev", ("langgraph-api", "langgraph-runtime-inmem", "langgraph-cli", "langgraph"))


def capture(outdir: Path = DEFAULT_OUTDIR) -> dict[str, Any]:
    outdir.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"server_versions": _versions(), "files": {}}
    with AgentServer() as server:
        for name, expected, body in CASES:
            if name == "conflict_409.json":
                first = server.post_threads_raw(body)
                if first.status_code != 200:
                    raise RuntimeError(f"preparing the conflict: {first.status_code} {first.text}")
            r = server.post_threads_raw(body)
            if r.status_code != expected:
                raise RuntimeError(
                    f"{name}: expected HTTP {expected}, server answered {r.status_code} {r.text}\n{server.log_tail(30)}"
                )
            data = r.json()  # exact values; only whitespace changes below
            (outdir / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            manifest["files"][name] = {
                "request": {"method": "POST", "path": "/threads", "json": body},
                "status_code": r.status_code,
                "content_type": r.headers.get("content-type"),
                "raw_body": r.text,
            }
            print(f"{name}: HTTP {r.status_code} {r.text[:120]}")
        # Sanity: the server-assigned id is a UUIDv7, and the thread named in the
        # 201 detail exists although the state update failed.
        created = json.loads((outdir / "thread_created.json").read_text())
        assert uuid.UUID(created["thread_id"]).version == 7, created["thread_id"]
        detail = json.loads((outdir / "supersteps_no_graph_201.json").read_text())["detail"]
        thread_id = detail.split()[1]
        assert server.get_thread(thread_id) is not None, detail
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


if __name__ == "__main__":
    capture(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTDIR)
