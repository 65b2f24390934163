"""Apply openapi/corrections.json to the upstream spec, so that nothing upstream is overwritten unseen.

The corrections are a JSON Patch (RFC 6902) with extra members per operation: `reason`
(why) and, for every operation that changes the spec, `evidence` (the test against real
servers it rests on) and `kinds` (the server kinds whose answers that test shows). On top of
JSON Patch:

- an `add` onto a member that already exists fails (JSON Patch would silently replace it);
- every `replace` and `remove` is preceded by a `test` of the *whole* value it changes (the
  same path), so any upstream change to that value fails instead of being overwritten;
- only `add`, `test`, `replace` and `remove` are used;
- a correction only widens what the spec allows (`check_widening`): the SDK may accept more
  than the spec says, to take what a real server sends, never less than the spec allows,
  because another server may send exactly that.

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

__all__ = ["CorrectionError", "apply_corrections", "check_structure", "check_widening", "load", "narrowings"]

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
        kinds = operation.get("kinds")
        if operation["op"] != "test" and not (
            isinstance(kinds, list) and kinds and all(isinstance(kind, str) and kind for kind in kinds)
        ):
            raise CorrectionError(
                f"{name} has no 'kinds': name the server kinds whose answers its evidence shows (e.g. [\"dev\"])"
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
    check_widening(operations, source)
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


# --- the widening rule ------------------------------------------------------------------------
# A correction may widen what the SDK accepts to what a real server sends; it never narrows
# what the spec allows (a narrowing made Thread.values required, and every create on a server
# that leaves it out failed). Checked structurally: the corrected schema must accept every
# instance the upstream one accepts.

# Keywords that only describe: changing them changes no instance's validity.
_ANNOTATIONS = frozenset({"title", "description", "examples", "example", "default", "deprecated", "$comment"})
# Keywords that restrict instances: a correction may drop them, not add or change them.
_CONSTRAINTS = frozenset({
    "format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
    "const", "not", "allOf", "additionalProperties", "$ref", "discriminator", "nullable",
})  # fmt: skip
_ANY_TYPE = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})


def _types(schema: dict[str, Any]) -> frozenset[str]:
    declared = schema.get("type")
    if declared is None:
        return _ANY_TYPE
    found = frozenset([declared] if isinstance(declared, str) else declared)
    return found | {"integer"} if "number" in found else found


def narrowings(old: Any, new: Any, where: str = "") -> list[str]:
    """Ways in which schema `new` rejects an instance schema `old` accepts (empty: `new` widens or keeps)."""
    if old == new or new in ({}, True):
        return []
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [f"{where or '/'}: {_show(old)} -> {_show(new)}"]
    for branches in ("anyOf", "oneOf"):
        if branches in old:  # every old branch must fit the new schema
            return [p for branch in old[branches] for p in narrowings(branch, new, f"{where}/{branches}")]
    for branches in ("anyOf", "oneOf"):
        if branches in new:  # the old schema must fit one new branch
            tried = [narrowings(old, branch, f"{where}/{branches}") for branch in new[branches]]
            return [] if any(not problems for problems in tried) else min(tried, key=len)
    problems: list[str] = []
    if not _types(old) <= _types(new):
        problems.append(f"{where}/type: {sorted(_types(old) - _types(new))} no longer allowed")
    if not set(new.get("required", [])) <= set(old.get("required", [])):
        problems.append(f"{where}/required: {sorted(set(new['required']) - set(old.get('required', [])))} added")
    allowed = set(map(json.dumps, new.get("enum", [])))
    if "enum" in new and ("enum" not in old or not set(map(json.dumps, old["enum"])) <= allowed):
        problems.append(f"{where}/enum: values no longer allowed")
    for keyword in ("items", "additionalItems"):
        if keyword in new:
            problems += narrowings(old.get(keyword, {}), new[keyword], f"{where}/{keyword}")
    for name, schema in new.get("properties", {}).items():
        problems += narrowings(old.get("properties", {}).get(name, {}), schema, f"{where}/properties/{name}")
    for keyword in sorted(set(new) & _CONSTRAINTS):
        if new[keyword] != old.get(keyword):
            problems.append(f"{where}/{keyword}: {_show(old.get(keyword))} -> {_show(new[keyword])}")
    return problems


def check_widening(operations: list[dict[str, Any]], source: str = "corrections.json") -> None:
    """Every correction widens what the spec allows (or only describes); raise on one that narrows it."""
    for index, operation in enumerate(operations):
        name = _name(operations, index, source)
        op, path = operation["op"], operation["path"]
        key = path.rsplit("/", 1)[-1]
        parent = path.rsplit("/", 2)[-2] if path.count("/") >= 2 else ""
        problems: list[str] = []
        if op == "replace":
            old, new = operations[index - 1].get("value"), operation.get("value")
            # A `required` list or an `enum` list is judged as the keyword of its schema.
            wrapped = key in ("required", "enum") and isinstance(old, list) and isinstance(new, list)
            problems = narrowings({key: old}, {key: new}) if wrapped else narrowings(old, new)
        elif op == "add" and (key in _CONSTRAINTS | {"required", "enum"} or parent in ("required", "enum")):
            problems = [f"adds the constraint {key!r}"]
        elif op == "remove" and parent != "required" and key not in _CONSTRAINTS:
            problems = ["removes something other than a constraint"]
        if problems:
            raise CorrectionError(
                f"{name} narrows what the spec allows: {'; '.join(problems)}.\n"
                f"  reason: {operation.get('reason')}\n"
                f"  rule: a correction may widen what the SDK accepts to what a real server sends, never narrow "
                f"what the spec allows (another server may send what the spec allows: openapi/README.md)"
            )
