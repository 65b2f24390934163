"""The project the kit bundles: the `agent_server` fixture's default, and the fake's default graph.

The one place its facts are written: the pytest plugin, the project's own server harness
(`scripts/agent_server/`), its demo and its tests read them from here. The graph itself
(`_project/graph.py`) runs inside the server's own environment, where this package may
not be installed, so it spells its node names out; a test holds it to `NODES`.

Standard library only: the demo imports it with nothing but the package installed.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

__all__ = ["FOLDER", "GRAPHS", "GRAPH_ID", "LIST_CHANNELS", "NODES"]

FOLDER = Path(__file__).resolve().parent / "_project"
"""A folder with a `langgraph.json` and `graph.py`, as `langgraph dev` serves it."""

GRAPH_ID = "echo"
"""The graph id `langgraph.json` names."""

NODES = ("start", "step")
"""The graph's nodes in order: `start` -> `step` -> END."""

GRAPHS = MappingProxyType({GRAPH_ID: NODES})  # read-only: every reader shares it
"""What `FakeAgentServer(graphs=...)` takes to know the bundled graph."""

LIST_CHANNELS = MappingProxyType({GRAPH_ID: ("messages",)})
"""The graph's state channels with a list reducer (`messages`: `operator.add`), as
`FakeAgentServer(list_channels=...)` takes them."""
