"""The bundled spec is the one scripts/update-spec imported; every correction is guarded, explained, evidenced."""

from __future__ import annotations

import ast
import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import _corrections

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "spec.yaml"
CORRECTIONS = ROOT / "openapi" / "corrections.json"
PROVENANCE = ROOT / "openapi" / "spec.provenance.json"


def corrections() -> list[dict[str, Any]]:
    return _corrections.load(CORRECTIONS)


def upstream() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    return spec


def test_the_bundled_spec_is_what_update_spec_imported() -> None:
    record = json.loads(PROVENANCE.read_text())
    assert record["source"] and record["by"] == "scripts/update-spec"
    assert hashlib.sha256(SPEC.read_bytes()).hexdigest() == record["spec_sha256"], (
        f"openapi/spec.yaml is not what scripts/update-spec imported from {record['source']}: import upstream "
        "specs with scripts/update-spec SOURCE (it records where they came from); local changes go in "
        "openapi/corrections.json, never in spec.yaml"
    )


def test_every_correction_is_explained_guarded_and_evidenced() -> None:
    _corrections.check_structure(corrections())


def test_every_evidence_names_a_test_that_exists() -> None:
    for index, operation in enumerate(corrections()):
        if operation["op"] == "test":
            continue
        path, _, name = operation["evidence"].partition("::")
        source = ROOT / path
        assert source.exists(), f"corrections.json[{index}]: evidence file {path} does not exist"
        functions = {node.name for node in ast.walk(ast.parse(source.read_text())) if isinstance(node, ast.FunctionDef)}
        assert name in functions, f"corrections.json[{index}]: {path} has no test {name}"


def test_corrections_apply_to_the_bundled_spec() -> None:
    patched = _corrections.apply_corrections(upstream(), corrections())
    thread = patched["components"]["schemas"]["Thread"]
    assert thread["properties"]["values"]["type"] == ["object", "null"]
    assert "values" not in thread["required"]  # optional, as upstream says (Aegra leaves it out)
    assert "interrupts" not in thread["required"]
    assert {"201", "400", "200", "409", "422"} <= set(patched["paths"]["/threads"]["post"]["responses"])


def test_a_failing_guard_names_the_correction_its_reason_and_what_to_check() -> None:
    spec = upstream()
    spec["components"]["schemas"]["Thread"]["properties"]["values"]["type"] = ["object", "null"]
    with pytest.raises(_corrections.CorrectionError) as caught:
        _corrections.apply_corrections(spec, corrections())
    message = str(caught.value)
    assert "corrections.json[1] (test /components/schemas/Thread/properties/values) failed" in message
    assert "corrections.json[2] (replace /components/schemas/Thread/properties/values)" in message
    assert '"values": null' in message  # the reason of the correction it guards
    assert 'upstream now: {"description"' in message and "check:" in message


SMALL = {"a": {"b": 1}, "list": [1]}


@pytest.mark.parametrize(
    ("operations", "says"),
    [
        ([{"op": "add", "path": "/a/b", "value": 2, "reason": "r" * 10, "evidence": "e"}], "would overwrite"),
        ([{"op": "replace", "path": "/a/b", "value": 2, "reason": "r" * 10, "evidence": "e"}], "is not guarded"),
        (
            [
                {"op": "test", "path": "/a", "value": {"b": 1}, "reason": "r" * 10},
                {"op": "replace", "path": "/a/b", "value": 2, "reason": "r" * 10, "evidence": "e"},
            ],
            "is not guarded",
        ),
        ([{"op": "remove", "path": "/a", "reason": "r" * 10, "evidence": "e"}], "is not guarded"),
        ([{"op": "move", "from": "/a", "path": "/c", "reason": "r" * 10, "evidence": "e"}], "op must be one of"),
        ([{"op": "add", "path": "/c", "value": 2, "evidence": "e"}], "has no 'reason'"),
        ([{"op": "add", "path": "/c", "value": 2, "reason": "r" * 10}], "has no 'evidence'"),
        ([{"op": "add", "path": "/x/y", "value": 2, "reason": "r" * 10, "evidence": "e"}], "no longer applies"),
    ],
)
def test_what_the_correction_rules_refuse(operations: list[dict[str, Any]], says: str) -> None:
    with pytest.raises(_corrections.CorrectionError, match=says) as caught:
        _corrections.apply_corrections(copy.deepcopy(SMALL), operations, "c.json")
    assert "c.json[" in str(caught.value)


def test_what_the_rules_allow() -> None:
    operations = [
        {"op": "add", "path": "/c", "value": 3, "reason": "r" * 10, "evidence": "e"},
        {"op": "add", "path": "/list/-", "value": 2, "reason": "r" * 10, "evidence": "e"},
        {"op": "test", "path": "/a/b", "value": 1, "reason": "r" * 10},
        {"op": "replace", "path": "/a/b", "value": 2, "reason": "r" * 10, "evidence": "e"},
    ]
    assert _corrections.apply_corrections(SMALL, operations) == {"a": {"b": 2}, "list": [1, 2], "c": 3}
    assert SMALL == {"a": {"b": 1}, "list": [1]}
