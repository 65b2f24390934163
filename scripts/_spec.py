"""Import an upstream spec: cut it down to POST /threads and the schemas it reaches, record where it came from.

Run through `scripts/update-spec SOURCE`, SOURCE being a file (YAML or JSON, or a text holding
one ```yaml block) or a running server's URL (e.g. http://127.0.0.1:2024/openapi.json). It
writes openapi/spec.yaml and openapi/spec.provenance.json (source and sha256), prints what
changed in the spec, then runs scripts/generate, which reports what changed in the generated
models and what the facade does not cover, and fails naming any correction that no longer fits.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

__all__ = ["PROVENANCE", "SPEC", "cut_down", "operation_and_schemas", "reached_schemas", "readable_diff"]

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "spec.yaml"
PROVENANCE = ROOT / "openapi" / "spec.provenance.json"
PATH, METHOD = "/threads", "post"
_SCHEMA_REF = "#/components/schemas/"
_YAML_BLOCK = re.compile(r"^```+yaml[^\n]*\n(.*?\n)```+$", re.MULTILINE | re.DOTALL)


class SpecError(Exception):
    """The source is not a spec this project can use."""


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                if not value.startswith(_SCHEMA_REF):
                    raise SpecError(f"unsupported $ref {value!r}: only {_SCHEMA_REF}... is followed")
                found.add(value[len(_SCHEMA_REF) :])
            else:
                _refs(value, found)
    elif isinstance(node, list):
        for item in node:
            _refs(item, found)


def reached_schemas(spec: dict[str, Any], root: Any) -> list[str]:
    schemas = spec.get("components", {}).get("schemas", {})
    todo: set[str] = set()
    _refs(root, todo)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in schemas:
            raise SpecError(f"schema {name!r} is referenced but not defined under components/schemas")
        seen.add(name)
        more: set[str] = set()
        _refs(schemas[name], more)
        todo |= more - seen
    return sorted(seen)


def operation_and_schemas(spec: dict[str, Any]) -> dict[str, Any]:
    """The part of a spec the SDK is generated from: the operation and every schema it reaches."""
    try:
        operation = spec["paths"][PATH][METHOD]
    except (KeyError, TypeError):
        raise SpecError(f"the spec has no {METHOD.upper()} {PATH}") from None
    schemas = spec["components"]["schemas"]
    return {
        "operation": operation,
        "schemas": {name: schemas[name] for name in reached_schemas(spec, operation)},
    }


def cut_down(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with only POST /threads and its schemas; top-level members other than paths/components kept."""
    part = operation_and_schemas(spec)
    result = {key: value for key, value in spec.items() if key not in ("paths", "components")}
    result["paths"] = {PATH: {METHOD: part["operation"]}}
    result["components"] = {"schemas": part["schemas"]}
    return result


def readable_diff(old: Any, new: Any, old_name: str, new_name: str) -> str:
    """A unified diff of two JSON values as sorted YAML; empty when they are equal."""

    def lines(value: Any) -> list[str]:
        text: str = yaml.safe_dump(value, sort_keys=True, allow_unicode=True, width=100)
        return text.splitlines(keepends=True)

    return "".join(difflib.unified_diff(lines(old), lines(new), old_name, new_name, n=3))


def read_source(source: str) -> tuple[bytes, str]:
    """The source's bytes and the spec text in them."""
    if source.startswith(("http://", "https://")):
        import httpx2

        response = httpx2.get(source, timeout=30.0, follow_redirects=False)
        response.raise_for_status()
        raw = response.content
    else:
        raw = Path(source).read_bytes()
    text = raw.decode()
    block = _YAML_BLOCK.search(text)
    if block and not text.lstrip().startswith(("{", "openapi")):
        return raw, block.group(1)
    return raw, text


def import_spec(source: str, spec_path: Path = SPEC, provenance_path: Path = PROVENANCE) -> str:
    """Write the cut-down spec and its provenance; returns the readable diff against the previous spec."""
    raw, text = read_source(source)
    parsed = yaml.safe_load(text)  # YAML is a superset of JSON
    if not isinstance(parsed, dict) or "openapi" not in parsed:
        raise SpecError(f"{source} holds no OpenAPI document")
    trimmed = cut_down(parsed)
    # Already cut down (e.g. the bundled block): keep the upstream text byte for byte.
    out = text if trimmed == parsed and not source.endswith(".json") else yaml.safe_dump(trimmed, sort_keys=False)
    old = yaml.safe_load(spec_path.read_text()) if spec_path.exists() else {}
    spec_path.write_text(out)
    record = {
        "source": source,
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "spec_sha256": hashlib.sha256(out.encode()).hexdigest(),
        "imported": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "by": "scripts/update-spec",
    }
    provenance_path.write_text(json.dumps(record, indent=2) + "\n")
    return readable_diff(old, trimmed, f"{spec_path.name} (before)", f"{spec_path.name} (from {source})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/update-spec", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="a spec file, or a running server's /openapi.json URL")
    parser.add_argument("--spec", type=Path, default=SPEC, help="where the cut-down spec goes")
    parser.add_argument("--provenance", type=Path, default=PROVENANCE)
    parser.add_argument("--output", type=Path, default=None, help="generated package folder (scripts/generate's)")
    parser.add_argument("--no-generate", action="store_true", help="import and record only")
    args = parser.parse_args(argv)
    try:
        diff = import_spec(args.source, args.spec, args.provenance)
    except (SpecError, OSError, yaml.YAMLError) as exc:
        sys.exit(f"cannot import {args.source}: {exc}")
    print(f"imported {args.source} into {args.spec} (provenance in {args.provenance.name})")
    print("spec: no change" if not diff else f"spec changes:\n{diff}")
    if args.no_generate:
        return
    from scripts import _generate

    generate_args = ["--spec", str(args.spec)]
    if args.output is not None:
        generate_args += ["--output", str(args.output)]
    _generate.main(generate_args)


if __name__ == "__main__":
    main()
