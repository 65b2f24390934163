"""The dev server's request schemas, and a validator that words its first error as the server does.

The server (langgraph-api 0.16.7) validates request bodies with ``jsonschema_rs`` against
the schemas of its own ``openapi.json`` and answers the first error's text as a 422
``detail``. The schemas below are copied from that file (only the keywords that constrain;
titles and descriptions left out), and :func:`first_error` reproduces what the server
says about the first error, byte for byte for every case this fake was checked against:

* keywords are checked in the order ``type``, ``enum``, ``required``, ``minimum``,
  ``maximum``, ``maxProperties``, ``properties``, ``additionalProperties``, ``items``,
  ``anyOf``; properties in sorted order (the validator holds a schema's properties in a
  sorted map); array items by index;
* an ``anyOf`` that fails says so at its own level (never which branch failed);
* a ``$ref`` error names the referenced schema's path (``schema["components"]["schemas"]
  ["ThreadSuperstepUpdate"]``), not the path through the reference;
* the offending value is rendered as compact JSON with sorted keys (serde_json).
"""

from __future__ import annotations

from typing import Any

from ._json import dumps

__all__ = ["THREAD_COUNT", "THREAD_CREATE", "THREAD_SEARCH", "first_error"]

_ANY_JSON = ["object", "array", "number", "string", "boolean", "null"]

_SEND: dict[str, Any] = {
    "type": "object",
    "properties": {"node": {"type": "string"}, "input": {"type": _ANY_JSON}},
    "required": ["node", "input"],
}
_COMMAND: dict[str, Any] = {
    "type": "object",
    "properties": {
        "update": {"type": ["object", "array", "null"]},
        "resume": {"type": _ANY_JSON},
        "goto": {
            "anyOf": [
                {"$ref": "#/components/schemas/Send"},
                {"type": "array", "items": {"$ref": "#/components/schemas/Send"}},
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}},
                {"type": "null"},
            ]
        },
    },
}
_SUPERSTEP_UPDATE: dict[str, Any] = {
    "properties": {
        "values": {"anyOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}, {"type": "null"}]},
        "command": {"anyOf": [{"$ref": "#/components/schemas/Command"}, {"type": "null"}]},
        "as_node": {"type": "string"},
    },
    "required": ["as_node"],
    "type": "object",
}

THREAD_CREATE: dict[str, Any] = {
    "properties": {
        "thread_id": {"type": "string", "format": "uuid"},
        "metadata": {"type": "object"},
        "if_exists": {"type": "string", "enum": ["raise", "do_nothing"]},
        "ttl": {
            "type": "object",
            "properties": {
                "strategy": {"type": "string", "enum": ["delete", "keep_latest"]},
                "ttl": {"type": "number"},
            },
        },
        "supersteps": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "updates": {"type": "array", "items": {"$ref": "#/components/schemas/ThreadSuperstepUpdate"}}
                },
                "required": ["updates"],
            },
        },
    },
    "type": "object",
    "components": {"schemas": {"ThreadSuperstepUpdate": _SUPERSTEP_UPDATE, "Command": _COMMAND, "Send": _SEND}},
}

_STATUS = {"type": "string", "enum": ["idle", "busy", "interrupted", "error"]}

THREAD_SEARCH: dict[str, Any] = {
    "properties": {
        "ids": {"type": "array", "items": {"type": "string", "format": "uuid"}},
        "metadata": {"type": "object"},
        "values": {"type": "object"},
        "status": _STATUS,
        "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
        "offset": {"type": "integer", "minimum": 0},
        "sort_by": {"type": "string", "enum": ["thread_id", "status", "created_at", "updated_at", "state_updated_at"]},
        "sort_order": {"type": "string", "enum": ["asc", "desc"]},
        "select": {
            "type": "array",
            "items": {
                "type": "string",
                "enum": [
                    "thread_id",
                    "created_at",
                    "updated_at",
                    "state_updated_at",
                    "metadata",
                    "config",
                    "status",
                    "values",
                    "interrupts",
                ],
            },
        },
        "extract": {"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": 10},
    },
    "type": "object",
}

THREAD_COUNT: dict[str, Any] = {
    "properties": {"metadata": {"type": "object"}, "values": {"type": "object"}, "status": _STATUS},
    "type": "object",
}

Path = tuple[str | int, ...]


class _Error:
    __slots__ = ("instance", "instance_path", "keyword", "message", "schema_path")

    def __init__(self, keyword: str, message: str, schema_path: Path, instance_path: Path, instance: Any) -> None:
        self.keyword = keyword
        self.message = message
        self.schema_path = schema_path
        self.instance_path = instance_path
        self.instance = instance


def _render(value: Any) -> str:
    return dumps(value, sort_keys=True)


def _is_type(instance: Any, name: str) -> bool:
    if name == "object":
        return isinstance(instance, dict)
    if name == "array":
        return isinstance(instance, list)
    if name == "string":
        return isinstance(instance, str)
    if name == "null":
        return instance is None
    if name == "boolean":
        return isinstance(instance, bool)
    if isinstance(instance, bool):
        return False
    if name == "number":
        return isinstance(instance, int | float)
    if name == "integer":  # serde_json: a float with no fraction is an integer too
        return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())
    raise ValueError(f"unknown JSON type {name!r}")


def _enum_message(instance: Any, options: list[Any]) -> str:
    rendered = [_render(option) for option in options]
    if len(rendered) == 1:
        choices = rendered[0]
    elif len(rendered) == 2:
        choices = f"{rendered[0]} or {rendered[1]}"
    else:
        choices = f"{rendered[0]}, {rendered[1]} or {len(rendered) - 2} other candidates"
    return f"{_render(instance)} is not one of {choices}"


def _resolve(root: dict[str, Any], ref: str) -> tuple[dict[str, Any], Path]:
    if not ref.startswith("#/"):
        raise ValueError(f"unsupported $ref {ref!r}")
    target: Any = root
    path = tuple(ref[2:].split("/"))
    for part in path:
        target = target[part]
    return target, path


def _check(root: dict[str, Any], schema: dict[str, Any], spath: Path, instance: Any, ipath: Path) -> _Error | None:
    if "$ref" in schema:
        schema, spath = _resolve(root, schema["$ref"])
    kind = schema.get("type")
    if kind is not None:
        names = kind if isinstance(kind, list) else [kind]
        if not any(_is_type(instance, name) for name in names):
            wanted = ", ".join(f'"{name}"' for name in names)
            noun = "type" if len(names) == 1 else "types"
            return _Error("type", f"{_render(instance)} is not of {noun} {wanted}", spath, ipath, instance)
    if "enum" in schema and not any(_same(instance, option) for option in schema["enum"]):
        return _Error("enum", _enum_message(instance, schema["enum"]), spath, ipath, instance)
    if isinstance(instance, dict):
        for name in schema.get("required", ()):
            if name not in instance:
                return _Error("required", f"{_render(name)} is a required property", spath, ipath, instance)
    if isinstance(instance, int | float) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            message = f"{_render(instance)} is less than the minimum of {_render(schema['minimum'])}"
            return _Error("minimum", message, spath, ipath, instance)
        if "maximum" in schema and instance > schema["maximum"]:
            message = f"{_render(instance)} is greater than the maximum of {_render(schema['maximum'])}"
            return _Error("maximum", message, spath, ipath, instance)
    if isinstance(instance, dict):
        if "maxProperties" in schema and len(instance) > schema["maxProperties"]:
            message = f"{_render(instance)} has more than {schema['maxProperties']} properties"
            return _Error("maxProperties", message, spath, ipath, instance)
        properties: dict[str, Any] = schema.get("properties", {})
        for name in sorted(properties):
            if name in instance:
                error = _check(root, properties[name], (*spath, "properties", name), instance[name], (*ipath, name))
                if error is not None:
                    return error
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for name in sorted(instance):
                if name not in properties:
                    error = _check(root, extra, (*spath, "additionalProperties"), instance[name], (*ipath, name))
                    if error is not None:
                        return error
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            error = _check(root, schema["items"], (*spath, "items"), item, (*ipath, index))
            if error is not None:
                return error
    if "anyOf" in schema and all(_check(root, branch, spath, instance, ipath) for branch in schema["anyOf"]):
        message = f"{_render(instance)} is not valid under any of the schemas listed in the 'anyOf' keyword"
        return _Error("anyOf", message, spath, ipath, instance)
    return None


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _path(head: str, path: Path) -> str:
    return head + "".join(f"[{part}]" if isinstance(part, int) else f"[{_render(part)}]" for part in path)


def first_error(schema: dict[str, Any], instance: Any) -> str | None:
    """The server's 422 ``detail`` for ``instance`` under ``schema``, or None when it is valid."""
    error = _check(schema, schema, (), instance, ())
    if error is None:
        return None
    return (
        f"{error.message}\n\nFailed validating {_render(error.keyword)} in {_path('schema', error.schema_path)}"
        f"\n\nOn {_path('instance', error.instance_path)}:\n    {_render(error.instance)}"
    )
