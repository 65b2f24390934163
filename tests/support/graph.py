"""Names of the test graph every server kind serves (langsmith_threads_client/testing/_project/graph.py)."""

from __future__ import annotations

from typing import Any

__all__ = ["GRAPH_ID", "HI", "NODES"]

GRAPH_ID = "echo"
NODES = ("start", "step")
#: One superstep that sets state through node ``start``.
HI: dict[str, Any] = {"updates": [{"values": {"messages": ["hi"], "count": 1}, "as_node": "start"}]}
