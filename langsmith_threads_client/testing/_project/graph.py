"""A tiny deterministic LangGraph graph: the agent_server fixture's default project (and the harness').

No LLM, no API key, no network. Graph id ``echo`` (see ``langgraph.json``).

State:
    messages: list, appended to (``operator.add`` reducer)
    count:    int, last value wins

Nodes: ``start`` -> ``step`` -> END. ``start`` echoes a message; ``step``
increments ``count``. Supersteps such as
``[{"updates": [{"values": {"messages": ["hi"], "count": 1}, "as_node": "start"}]}]``
with ``metadata.graph_id = "echo"`` set state on a thread created by
``POST /threads``.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    messages: Annotated[list[Any], operator.add]
    count: int


def start(state: State) -> dict[str, Any]:
    return {"messages": [f"echo: {len(state.get('messages') or [])}"]}


def step(state: State) -> dict[str, Any]:
    return {"count": int(state.get("count") or 0) + 1}


builder = StateGraph(State)
builder.add_node("start", start)
builder.add_node("step", step)
builder.add_edge(START, "start")
builder.add_edge("start", "step")
builder.add_edge("step", END)

graph = builder.compile()
