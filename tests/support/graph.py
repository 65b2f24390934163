"""The test graph every server kind serves: the testing kit's bundled project, and one superstep on it."""

from __future__ import annotations

from typing import Any

from langsmith_threads_client.testing.bundled_project import GRAPH_ID, NODES

__all__ = ["GRAPH_ID", "HI", "NODES"]

#: One superstep that sets state through node ``start``.
HI: dict[str, Any] = {"updates": [{"values": {"messages": ["hi"], "count": 1}, "as_node": "start"}]}
