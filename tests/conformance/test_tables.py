"""The tables people read say what the conformance tests assert: both are rendered from
observed.py, the data the tests check each kind against (`python -m tests.conformance.observed`
prints them to paste into OBSERVED.md; the site's compatibility page renders them as it builds)."""

from __future__ import annotations

from pathlib import Path

from scripts.agent_server.kinds import KINDS as STARTABLE
from scripts.docs_hooks import render_observed
from tests.conformance.observed import KINDS, compatibility_table, matrix_table
from tests.support.kinds import SERVER_KINDS

ROOT = Path(__file__).resolve().parents[2]


def test_every_kind_the_harness_starts_is_observed_and_selectable() -> None:
    assert (*STARTABLE, "fake") == tuple(KINDS) == SERVER_KINDS


def test_observed_md_has_the_table_the_tests_assert() -> None:
    text = (ROOT / "tests" / "agent_server" / "OBSERVED.md").read_text()
    assert matrix_table() in text, "paste `python -m tests.conformance.observed`'s first table into OBSERVED.md"


def test_the_sites_compatibility_page_renders_the_tables_the_tests_assert() -> None:
    # The page holds markers, not tables: the site's build hook renders them from observed.py.
    page = (ROOT / "docs" / "compatibility.md").read_text()
    assert compatibility_table() not in page
    rendered = render_observed(page)
    assert compatibility_table() in rendered
    assert matrix_table() in rendered
    assert "<!-- observed:" not in rendered


def test_each_kinds_versions_in_the_tables_are_its_pins() -> None:
    for name, behaviour in KINDS.items():
        if name == "fake":
            continue
        assert STARTABLE[name].python in ("3.11", "3.12")
        # The table's versions are the pinned ones (pins/<kind>.txt), e.g. "langgraph-api 0.16.7".
        pins = (ROOT / "scripts" / "agent_server" / "pins" / f"{STARTABLE[name].pins}.txt").read_text()
        for part in behaviour.versions.split(", "):
            words = part.split(" ")
            if len(words) >= 2 and words[0].islower() and "-" in words[0]:
                assert f"{words[0]}=={words[1]}" in pins, (name, part)
