"""The testing kit as a package: not imported by the SDK, cheap to import, built on the SDK's public API only."""

from __future__ import annotations

import ast
import itertools
import json
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import langsmith_threads_client
import langsmith_threads_client.testing as testing

KIT = Path(testing.__file__).parent


def run(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it leaves its findings in a dict named ``out``."""
    script = "import json, sys\nout = {}\n" + textwrap.dedent(code) + "\nprint(json.dumps(out))\n"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def test_importing_the_sdk_does_not_import_the_testing_kit() -> None:
    out = run("import langsmith_threads_client\nout['loaded'] = 'langsmith_threads_client.testing' in sys.modules")
    assert out == {"loaded": False}


def test_importing_the_kit_loads_no_server_machinery() -> None:
    out = run(
        """
        import langsmith_threads_client
        before = set(sys.modules)
        import langsmith_threads_client.testing
        added = set(sys.modules) - before
        heavy = ("asyncio", "http.server", "socketserver", "email", "anyio", "aiohttp")
        heavy += ("langsmith_threads_client._generated",)
        out["loaded"] = sorted(name for name in heavy if name in added)
        out["serve_loaded"] = "langsmith_threads_client.testing._serve" in sys.modules
        """
    )
    assert out == {"loaded": [], "serve_loaded": False}


def test_the_public_names() -> None:
    assert testing.__all__ == [
        "AgentServerError",
        "AgentServerNotInstalled",
        "FakeAgentServer",
        "FakeTransport",
        "FaultKind",
        "FaultRecord",
        "LocalAgentServer",
        "PortMovedError",
        "RecordedRequest",
        "ServerProcess",
    ]
    for name in set(testing.__all__) - {"FaultKind"}:
        assert getattr(testing, name).__module__.startswith("langsmith_threads_client.testing")
    assert set(typing.get_args(testing.FaultKind)) == {"fail", "reset", "lost", "delay"}


def test_the_kit_uses_only_the_sdks_public_api() -> None:
    # The SDK's private modules are renamed at will; the kit must not depend on them.
    public = set(langsmith_threads_client.__all__)
    for path in sorted(KIT.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("langsmith_threads_client"), f"{path.name}: import {alias.name}"
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
                if node.module.startswith("langsmith_threads_client"):
                    assert node.module == "langsmith_threads_client", f"{path.name}: from {node.module} import ..."
                    names = {alias.name for alias in node.names}
                    assert names <= public, f"{path.name}: {sorted(names - public)} not in the SDK's __all__"


def test_the_bundled_projects_files_say_what_its_facts_say() -> None:
    # graph.py runs in the server's environment, where the SDK may not be installed, so it
    # spells its graph out; this holds it, and every config that names it, to bundled_project.
    from langsmith_threads_client.testing import bundled_project

    tree = ast.parse((bundled_project.FOLDER / "graph.py").read_text())
    calls: dict[str, list[list[str]]] = {"add_node": [], "add_edge": []}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in calls:
            calls[node.func.attr].append([ast.unparse(arg) for arg in node.args])
    assert [ast.literal_eval(args[0]) for args in calls["add_node"]] == list(bundled_project.NODES)
    chain = ["START", *(repr(name) for name in bundled_project.NODES), "END"]  # start -> step -> END, in order
    assert calls["add_edge"] == [list(pair) for pair in itertools.pairwise(chain)]
    # The channels annotated with a list reducer (operator.add) in the graph's State.
    lists = [
        node.target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and "operator.add" in ast.unparse(node)
    ]
    assert {bundled_project.GRAPH_ID: tuple(lists)} == dict(bundled_project.LIST_CHANNELS)
    aegra = KIT.parents[1] / "scripts" / "agent_server" / "aegra.json"
    for config in (bundled_project.FOLDER / "langgraph.json", aegra):
        assert json.loads(config.read_text())["graphs"] == {bundled_project.GRAPH_ID: "./graph.py:graph"}, config
    assert dict(bundled_project.GRAPHS) == {bundled_project.GRAPH_ID: bundled_project.NODES}


def _runtime_imports(path: Path) -> set[str]:
    """The kit's modules ``path`` imports when it runs (not under TYPE_CHECKING), by file stem."""
    tree = ast.parse(path.read_text(), filename=str(path))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and id(node) not in typing_only:
            found.update([node.module] if node.module else [alias.name for alias in node.names])
    return {name for name in found if (KIT / f"{name}.py").is_file()}


def test_the_kit_has_no_import_circle() -> None:
    # The plugs (_transport, _serve) speak to the fake through _exchange, never _server, which
    # makes them: an import circle before the split.
    graph = {path.stem: _runtime_imports(path) for path in KIT.glob("*.py")}
    assert "_server" not in graph["_transport"] | graph["_serve"]

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in graph[start])

    assert [module for module in graph if reaches(module, module, {module})] == []
