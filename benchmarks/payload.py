"""The recorded response the canned server replays, and the request every client sends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"

#: What every client sends: ``{"metadata": {"user": "u1"}}`` (this SDK also sends ``thread_id`` and ``if_exists``).
METADATA: dict[str, Any] = {"user": "u1"}
#: The floor's pre-encoded request body.
REQUEST_BODY: bytes = json.dumps({"metadata": METADATA}, separators=(",", ":")).encode()


def recorded_thread_body() -> bytes:
    """The 200 body the real server sent for ``POST /threads {"metadata": {"user": "u1"}}``, byte for byte."""
    manifest_path = FIXTURES / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        raw = manifest.get("files", {}).get("thread_created.json", {}).get("raw_body")
        if isinstance(raw, str):
            return raw.encode()
    # The pretty-printed fixture, compacted.
    thread = json.loads((FIXTURES / "thread_created.json").read_text())
    return json.dumps(thread, separators=(",", ":")).encode()
