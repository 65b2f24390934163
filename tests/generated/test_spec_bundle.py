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
from tests.support.kinds import SERVER_KINDS

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


def test_every_correction_names_the_server_kinds_its_evidence_rests_on() -> None:
    for index, operation in enumerate(corrections()):
        if operation["op"] != "test":
            assert operation["kinds"], f"corrections.json[{index}] names no kind"
            assert set(operation["kinds"]) <= set(SERVER_KINDS), f"corrections.json[{index}]: {operation['kinds']}"


def test_every_correction_widens_what_the_spec_allows() -> None:
    _corrections.check_widening(corrections())


def test_a_correction_that_narrows_the_spec_is_refused_naming_it() -> None:
    # The correction that once made Thread.values required: Aegra leaves the key out.
    operations = corrections()
    required = upstream()["components"]["schemas"]["Thread"]["required"]
    operations += [
        {"op": "test", "path": "/components/schemas/Thread/required", "value": required, "reason": "guard, as ever"},
        {"op": "replace", "path": "/components/schemas/Thread/required", "value": [*required, "values"],
         "reason": "one server always sends it", "evidence": "tests/x.py::test_x", "kinds": ["dev"]},
    ]  # fmt: skip
    refused = r"\(replace /components/schemas/Thread/required\) narrows .*: /required: \['values'\] added"
    with pytest.raises(_corrections.CorrectionError, match=refused):
        _corrections.apply_corrections(upstream(), operations)


@pytest.mark.parametrize(
    ("old", "new", "narrows"),
    [
        ({"type": "object"}, {"type": ["object", "null"]}, False),
        ({"type": ["object", "null"]}, {"type": "object"}, True),
        ({"type": "string"}, {}, False),
        ({"type": "string"}, {"type": "string", "format": "uuid"}, True),
        ({"type": "string", "format": "uuid"}, {"type": "string"}, False),
        ({"enum": ["a", "b"]}, {"enum": ["a", "b", "c"]}, False),
        ({"enum": ["a", "b"]}, {"enum": ["a"]}, True),
        ({"type": "array"}, {"type": "array", "items": {}}, False),
        ({"type": "array"}, {"type": "array", "items": {"type": "string"}}, True),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, {"type": ["string", "null"]}, False),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, {"anyOf": [{"type": "string"}]}, True),
        ({"type": "string"}, {"anyOf": [{"type": "string"}, {"type": "null"}]}, False),
        ({"properties": {"a": {"type": "string"}}}, {"properties": {"a": {"type": "integer"}}}, True),
        ({"required": ["a", "b"]}, {"required": ["a"]}, False),
        ({"title": "x"}, {"title": "y", "description": "z"}, False),
    ],
)
def test_narrowings_judges_each_keyword(old: dict[str, Any], new: dict[str, Any], narrows: bool) -> None:
    assert bool(_corrections.narrowings(old, new)) is narrows

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
EVIDENCED: dict[str, Any] = {"reason": "r" * 10, "evidence": "e", "kinds": ["dev"]}


@pytest.mark.parametrize(
    ("operations", "says"),
    [
        ([{"op": "add", "path": "/a/b", "value": 2, **EVIDENCED}], "would overwrite"),
        ([{"op": "replace", "path": "/a/b", "value": 2, **EVIDENCED}], "is not guarded"),
        (
            [
                {"op": "test", "path": "/a", "value": {"b": 1}, "reason": "r" * 10},
                {"op": "replace", "path": "/a/b", "value": 2, **EVIDENCED},
            ],
            "is not guarded",
        ),
        ([{"op": "remove", "path": "/a", **EVIDENCED}], "is not guarded"),
        ([{"op": "move", "from": "/a", "path": "/c", **EVIDENCED}], "op must be one of"),
        ([{"op": "add", "path": "/c", "value": 2, "evidence": "e", "kinds": ["dev"]}], "has no 'reason'"),
        ([{"op": "add", "path": "/c", "value": 2, "reason": "r" * 10}], "has no 'evidence'"),
        ([{"op": "add", "path": "/c", "value": 2, "reason": "r" * 10, "evidence": "e"}], "has no 'kinds'"),
        (
            [
                {"op": "test", "path": "/a/b", "value": 1, "reason": "r" * 10},
                {"op": "replace", "path": "/a/b", "value": 2, **EVIDENCED},
            ],
            "narrows what the spec allows",
        ),
        ([{"op": "add", "path": "/a/maxLength", "value": 2, **EVIDENCED}],
         "narrows what the spec allows: adds the constraint 'maxLength'"),
        ([{"op": "add", "path": "/x/y", "value": 2, **EVIDENCED}], "no longer applies"),
    ],
)
def test_what_the_correction_rules_refuse(operations: list[dict[str, Any]], says: str) -> None:
    with pytest.raises(_corrections.CorrectionError, match=says) as caught:
        _corrections.apply_corrections(copy.deepcopy(SMALL), operations, "c.json")
    assert "c.json[" in str(caught.value)


def test_what_the_rules_allow() -> None:
    schema = {"a": {"b": {"type": "string"}}, "list": [1]}
    wider = {"type": ["string", "null"]}
    operations = [
        {"op": "add", "path": "/c", "value": 3, **EVIDENCED},
        {"op": "add", "path": "/list/-", "value": 2, **EVIDENCED},
        {"op": "test", "path": "/a/b", "value": {"type": "string"}, "reason": "r" * 10},
        {"op": "replace", "path": "/a/b", "value": wider, **EVIDENCED},
    ]
    assert _corrections.apply_corrections(schema, operations) == {"a": {"b": wider}, "list": [1, 2], "c": 3}
    assert schema == {"a": {"b": {"type": "string"}}, "list": [1]}
