"""The testing kit as a package: not imported by the SDK, cheap to import, built on the SDK's public API only."""

from __future__ import annotations

import ast
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
        "AgentServerNotInstalled",
        "FakeAgentServer",
        "FakeTransport",
        "FaultKind",
        "FaultRecord",
        "LocalAgentServer",
        "RecordedRequest",
    ]
    for name in ("FakeAgentServer", "FakeTransport", "FaultRecord", "RecordedRequest", "LocalAgentServer"):
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
