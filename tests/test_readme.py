"""The README's examples run as written, against the real Agent Server."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from scripts.agent_server.server import AgentServer

README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLE_URL = "http://127.0.0.1:2024"
EXAMPLES = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)

# What each example must print (a part of it), in README order.
EXPECTED = ["idle", "10 threads", "['hi']", "409 True Thread with ID", "7", "created once:", "64 threads"]


def test_the_readme_has_the_examples_this_test_expects() -> None:
    assert len(EXAMPLES) == len(EXPECTED)
    assert all(EXAMPLE_URL in example for example in EXAMPLES)


@pytest.mark.parametrize(("example", "expected"), list(zip(EXAMPLES, EXPECTED, strict=True)))
def test_readme_example_runs_against_the_real_server(agent_server: AgentServer, example: str, expected: str) -> None:
    code = example.replace(EXAMPLE_URL, agent_server.base_url)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
    assert expected in printed.getvalue()
