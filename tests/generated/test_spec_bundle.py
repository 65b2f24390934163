"""The bundled spec is the seed's verbatim, and every local correction is data with a reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonpatch
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "000_605cc8b58e1f685b.txt"
SPEC = ROOT / "openapi" / "spec.yaml"
CORRECTIONS = ROOT / "openapi" / "corrections.json"


def seed_yaml_block() -> bytes:
    text = SEED.read_bytes()
    start = text.index(b"````yaml")
    body = text.index(b"\n", start) + 1
    end = text.index(b"\n````", body)
    return text[body : end + 1]


def corrections() -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = json.loads(CORRECTIONS.read_text())
    return operations


def test_bundled_spec_is_the_seed_block_byte_for_byte() -> None:
    assert SEED.exists(), f"../shared must sit beside the repo: {SEED} is missing"
    assert SPEC.read_bytes() == seed_yaml_block()


def test_every_correction_gives_its_reason() -> None:
    for index, operation in enumerate(corrections()):
        assert len(str(operation.get("reason", "")).strip()) > 10, f"correction {index} has no reason"


def test_every_replace_is_guarded_by_a_test_of_the_upstream_value() -> None:
    # A `test` op before each `replace` makes the patch fail loudly when upstream changes
    # the very thing we correct, instead of silently overwriting a fix made upstream.
    operations = corrections()
    for index, operation in enumerate(operations):
        if operation["op"] == "replace":
            guard = operations[index - 1]
            assert guard["op"] == "test", f"replace at {index} has no test before it"
            assert operation["path"].startswith(guard["path"]) or guard["path"].startswith(operation["path"])


def test_corrections_apply_to_the_bundled_spec() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    patched = jsonpatch.JsonPatch(corrections()).apply(spec)
    thread = patched["components"]["schemas"]["Thread"]["properties"]
    assert thread["values"]["type"] == ["object", "null"]
    assert thread["interrupts"]["type"] == ["object", "null"]
    assert {"201", "400", "200", "409", "422"} <= set(patched["paths"]["/threads"]["post"]["responses"])


def test_corrections_fail_loudly_when_upstream_changes() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    spec["components"]["schemas"]["Thread"]["properties"]["values"]["type"] = ["object", "null"]
    with pytest.raises(jsonpatch.JsonPatchTestFailed):
        jsonpatch.JsonPatch(corrections()).apply(spec)
