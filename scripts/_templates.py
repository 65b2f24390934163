"""Template overrides as small patches on the pinned generator's own templates.

openapi-python-client's templates have no blocks to extend, so an override would be a
whole copy that silently shadows every later upstream fix. Instead each override is a
unified diff (`openapi/templates/<template>.patch`) applied to the installed generator's
template at generation time, recorded in `openapi/templates/overrides.json` with the
generator version and the sha256 of the upstream template it was made from, and a marker
that must appear in the generated output. Generation fails when the installed template is
not the recorded one (review upstream's change, then re-record) or a marker is missing
(the override no longer reaches the output).

Re-record an override after editing a copy of the upstream template:

    .venv/bin/python -m scripts._templates record model.py.jinja path/to/edited/model.py.jinja
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import openapi_python_client

__all__ = [
    "MANIFEST",
    "TemplateError",
    "apply_patch",
    "check_markers",
    "load_manifest",
    "render_overrides",
    "upstream_template",
]

ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = ROOT / "openapi" / "templates"
MANIFEST = OVERRIDES / "overrides.json"
GENERATOR = "openapi-python-client"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class TemplateError(Exception):
    """An override no longer fits the pinned generator, or no longer reaches the output."""


def upstream_template(name: str) -> Path:
    return Path(openapi_python_client.__file__).resolve().parent / "templates" / name


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_manifest(manifest: Path = MANIFEST) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(manifest.read_text())["overrides"]
    return entries


def apply_patch(original: str, patch: str, name: str = "template") -> str:
    """Apply a unified diff exactly: every context and removed line must match where the hunk says."""
    source = original.splitlines(keepends=True)
    out: list[str] = []
    position = 0
    lines = patch.splitlines(keepends=True)
    index = 0
    while index < len(lines) and not lines[index].startswith("@@"):
        index += 1  # the ---/+++ header
    while index < len(lines):
        match = _HUNK.match(lines[index])
        if not match:
            raise TemplateError(f"{name}.patch: expected a hunk header at line {index + 1}, got {lines[index]!r}")
        start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
        if start < position:
            raise TemplateError(f"{name}.patch: hunks overlap at line {index + 1}")
        out.extend(source[position:start])
        position = start
        index += 1
        while index < len(lines) and not lines[index].startswith("@@"):
            tag, text = lines[index][:1], lines[index][1:]
            if tag in (" ", "-"):
                if position >= len(source) or source[position] != text:
                    raise TemplateError(
                        f"{name}.patch line {index + 1} does not match the upstream template at line {position + 1}"
                    )
                if tag == " ":
                    out.append(text)
                position += 1
            elif tag == "+":
                out.append(text)
            else:
                raise TemplateError(f"{name}.patch line {index + 1}: unexpected {lines[index]!r}")
            index += 1
    out.extend(source[position:])
    return "".join(out)


def make_patch(name: str, upstream: str, edited: str) -> str:
    for label, text in (("upstream", upstream), ("edited", edited)):
        if not text.endswith("\n"):
            raise TemplateError(f"the {label} {name} must end with a newline")
    diff = difflib.unified_diff(
        upstream.splitlines(keepends=True),
        edited.splitlines(keepends=True),
        f"upstream/{name}",
        f"override/{name}",
        n=2,
    )
    return "".join(diff)


def render_overrides(target: Path, manifest: Path = MANIFEST) -> list[str]:
    """Write each override (upstream template + patch) into target; returns the template names."""
    installed = version(GENERATOR)
    names = []
    for entry in load_manifest(manifest):
        name = entry["template"]
        upstream = upstream_template(name)
        where = f"openapi/templates/{name}.patch (made from {GENERATOR} {entry['generator']})"
        if not upstream.exists():
            raise TemplateError(
                f"{where}: {GENERATOR} {installed} has no template {name} any more; find what replaced it "
                f"upstream, port the override (the patch says what it changes and why) and re-record it"
            )
        if sha256(upstream) != entry["upstream_sha256"]:
            raise TemplateError(
                f"{where}: {GENERATOR} {installed}'s {name} differs from the template the override was made "
                f"from (sha256 {entry['upstream_sha256'][:12]}..., now {sha256(upstream)[:12]}...). Read upstream's "
                f"change (it may fix a bug the override would hide), re-apply the override's change to the new "
                f"template and re-record it: python -m scripts._templates record {name} <edited copy>"
            )
        patch = (manifest.parent / f"{name}.patch").read_text()
        (target / name).parent.mkdir(parents=True, exist_ok=True)  # property_templates/...
        (target / name).write_text(apply_patch(upstream.read_text(), patch, name))
        names.append(name)
    return names


def check_markers(package: Path, manifest: Path = MANIFEST) -> None:
    """Every override's marker is in the generated output (in one of the files its glob names)."""
    for entry in load_manifest(manifest):
        marker = entry["marker"]
        if not any(marker["text"] in path.read_text() for path in package.glob(marker["file"])):
            raise TemplateError(
                f"openapi/templates/{entry['template']}.patch no longer reaches the output: no "
                f"{marker['file']} holds {marker['text']!r}. Did the generator stop using {entry['template']} "
                f"(renamed or split upstream)? Port the override to the template that now writes {marker['file']}"
            )


def record(name: str, edited: Path, manifest: Path = MANIFEST) -> None:
    """Write <name>.patch from an edited copy of the upstream template and record its origin."""
    upstream = upstream_template(name)
    patch = make_patch(name, upstream.read_text(), edited.read_text())
    (manifest.parent / f"{name}.patch").parent.mkdir(parents=True, exist_ok=True)
    (manifest.parent / f"{name}.patch").write_text(patch)
    document = json.loads(manifest.read_text())
    for entry in document["overrides"]:
        if entry["template"] == name:
            entry["generator"] = version(GENERATOR)
            entry["upstream_sha256"] = sha256(upstream)
            break
    else:
        raise TemplateError(f"add an entry for {name} (why, marker) to {manifest.name} first")
    manifest.write_text(json.dumps(document, indent=2) + "\n")


def main(argv: list[str]) -> None:
    if len(argv) != 3 or argv[0] != "record":
        sys.exit("usage: python -m scripts._templates record <template name> <edited copy of the upstream template>")
    record(argv[1], Path(argv[2]))
    print(f"recorded openapi/templates/{argv[1]}.patch")


if __name__ == "__main__":
    main(sys.argv[1:])
