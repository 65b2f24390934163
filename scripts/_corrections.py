"""Apply openapi/corrections.json to the upstream spec, so that nothing upstream is overwritten unseen.

The corrections are a JSON Patch (RFC 6902) with two extra members per operation: `reason`
(why) and, for every operation that changes the spec, `evidence` (the test against the real
server it rests on). On top of JSON Patch:

- an `add` onto a member that already exists fails (JSON Patch would silently replace it);
- every `replace` and `remove` is preceded by a `test` of the *whole* value it changes (the
  same path), so any upstream change to that value fails instead of being overwritten;
- only `add`, `test`, `replace` and `remove` are used.

Every failure is a CorrectionError whose message names the correction (index, op, path,
reason) and says what to check.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonpatch
import jsonpointer

__all__ = ["CorrectionError", "apply_corrections", "check_structure", "load"]

_OPS = ("add", "test", "replace", "remove")


class CorrectionError(Exception):
    """A correction is malformed or no longer fits the upstream spec."""


def load(path: Path) -> list[dict[str, Any]]:
    operations = json.loads(path.read_text())
    if not isinstance(operations, list) or not all(isinstance(op, dict) for op in operations):
        raise CorrectionError(f"{path.name} must be a JSON array of operations")
    return operations


def _name(operations: list[dict[str, Any]], index: int, source: str) -> str:
    operation = operations[index]
    return f"{source}[{index}] ({operation.get('op')} {operation.get('path')})"


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 400 else text[:400] + " ..."


def check_structure(operations: list[dict[str, Any]], source: str = "corrections.json") -> None:
    """The rules that hold whatever the spec: reasons, evidence, known ops, whole-value guards."""
    for index, operation in enumerate(operations):
        name = _name(operations, index, source)
        if operation.get("op") not in _OPS:
            raise CorrectionError(f"{name}: op must be one of {list(_OPS)}")
        if not isinstance(operation.get("path"), str):
            raise CorrectionError(f"{name}: has no 'path'")
        if len(str(operation.get("reason", "")).strip()) < 10:
            raise CorrectionError(f"{name} has no 'reason'; every correction says why")
        if operation["op"] != "test" and not str(operation.get("evidence", "")).strip():
            raise CorrectionError(
                f"{name} has no 'evidence': name the real-server test it rests on (tests/...::test_...)"
            )
        if operation["op"] in ("replace", "remove"):
            guard = operations[index - 1] if index else {}
            if guard.get("op") != "test" or guard.get("path") != operation["path"]:
                raise CorrectionError(
                    f"{name} is not guarded: put a 'test' of the whole value at {operation['path']} (the upstream "
                    "value it changes) right before it, so an upstream change there fails instead of being overwritten"
                )


def apply_corrections(
    spec: dict[str, Any], operations: list[dict[str, Any]], source: str = "corrections.json"
) -> dict[str, Any]:
    """The spec with every correction applied; the input is left unchanged."""
    check_structure(operations, source)
    document = copy.deepcopy(spec)
    for index, operation in enumerate(operations):
        op, path = operation["op"], operation["path"]
        name = _name(operations, index, source)
        reason = operation["reason"]
        try:
            pointer = jsonpointer.JsonPointer(path)
            parent, key = pointer.to_last(document)
        except jsonpointer.JsonPointerException as exc:
            raise CorrectionError(
                f"{name} no longer applies: {exc}. Upstream moved or removed what it corrects.\n"
                f"  reason: {reason}\n"
                f"  check: whether the new upstream spec still needs this correction; update or drop it"
            ) from None
        if op == "add" and isinstance(parent, dict) and key in parent:
            raise CorrectionError(
                f"{name} would overwrite a member upstream now defines.\n"
                f"  reason: {reason}\n"
                f"  upstream now: {_show(parent[key])}\n"
                f"  the correction adds: {_show(operation.get('value'))}\n"
                f"  check: does upstream's value say what the correction said? Then drop the correction (and its "
                f"evidence test stays to prove it); if not, make it a guarded replace (a 'test' of upstream's value "
                f"first) and say why upstream is wrong"
            )
        if op == "test":
            actual = parent.get(key) if isinstance(parent, dict) else None
            if not isinstance(parent, dict) or key not in parent or actual != operation.get("value"):
                guarded = _name(operations, index + 1, source) if index + 1 < len(operations) else "nothing"
                guarded_reason = operations[index + 1].get("reason", "") if index + 1 < len(operations) else ""
                raise CorrectionError(
                    f"{name} failed: upstream changed the value that {guarded} corrects.\n"
                    f"  reason for the correction: {guarded_reason}\n"
                    f"  expected (upstream when the correction was made): {_show(operation.get('value'))}\n"
                    f"  upstream now: {_show(actual) if isinstance(parent, dict) and key in parent else '(absent)'}\n"
                    f"  check: does upstream's new value already fix what the correction fixed? Then delete the "
                    f"guard and the correction; if not, set the guard to upstream's new value and re-check the "
                    f"correction against the real server (its evidence test)"
                )
            continue
        patch_op = {member: operation[member] for member in ("op", "path", "value") if member in operation}
        try:
            document = jsonpatch.JsonPatch([patch_op]).apply(document)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
            raise CorrectionError(
                f"{name} no longer applies: {exc}.\n  reason: {reason}\n"
                f"  check: whether upstream moved what it corrects; update or drop the correction"
            ) from None
    return document
