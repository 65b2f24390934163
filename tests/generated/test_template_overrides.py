"""Template overrides are small patches on the pinned generator's templates, recorded and checked."""

from __future__ import annotations

import json
import shutil
from importlib.metadata import version
from pathlib import Path

import pytest

from scripts import _templates

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "langsmith_threads_client" / "_generated"
ENTRIES = _templates.load_manifest()


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["template"] for entry in ENTRIES])
def test_the_pinned_generators_template_is_the_one_the_override_was_made_from(entry: dict[str, str]) -> None:
    upstream = _templates.upstream_template(entry["template"])
    assert upstream.exists(), f"openapi-python-client {version('openapi-python-client')} has no {entry['template']}"
    assert _templates.sha256(upstream) == entry["upstream_sha256"], (
        f"openapi-python-client {version('openapi-python-client')}'s {entry['template']} is not the one "
        f"openapi/templates/{entry['template']}.patch was made from ({entry['generator']}): review upstream's change "
        "and re-record the override (python -m scripts._templates record ...)"
    )
    assert entry["why"].strip()


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["template"] for entry in ENTRIES])
def test_each_override_reaches_the_generated_output(entry: dict[str, dict[str, str]]) -> None:
    marker = entry["marker"]
    assert any(marker["text"] in path.read_text() for path in GENERATED.glob(marker["file"]))


def test_overrides_are_patches_not_copies() -> None:
    folder = ROOT / "openapi" / "templates"
    files = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    assert files == sorted(["overrides.json", *(f"{entry['template']}.patch" for entry in ENTRIES)])
    for entry in ENTRIES:
        upstream = _templates.upstream_template(entry["template"]).read_text()
        patch = (ROOT / "openapi" / "templates" / f"{entry['template']}.patch").read_text()
        removed = sum(line[:1] == "-" and not line.startswith("---") for line in patch.splitlines())
        added = sum(line[:1] == "+" and not line.startswith("+++") for line in patch.splitlines())
        # Most of upstream's template survives the override: upstream's later fixes still reach the output.
        assert added + removed > 0
        assert removed < len(upstream.splitlines()) // 2, f"{entry['template']}.patch replaces most of upstream's"


def test_a_changed_upstream_template_stops_generation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    upstream = tmp_path / "upstream" / "str_enum.py.jinja"
    upstream.parent.mkdir()
    upstream.write_text(_templates.upstream_template("str_enum.py.jinja").read_text() + "# a security fix\n")
    monkeypatch.setattr(_templates, "upstream_template", lambda name: upstream.parent / name)
    manifest = tmp_path / "overrides.json"
    manifest.write_text(json.dumps({"overrides": [e for e in ENTRIES if e["template"] == "str_enum.py.jinja"]}))
    (tmp_path / "str_enum.py.jinja.patch").write_text(
        (ROOT / "openapi" / "templates" / "str_enum.py.jinja.patch").read_text()
    )
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(_templates.TemplateError, match=r"str_enum.py.jinja differs from the template the override"):
        _templates.render_overrides(out, manifest)


def test_a_renamed_upstream_template_stops_generation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_templates, "upstream_template", lambda name: tmp_path / name)
    with pytest.raises(_templates.TemplateError, match=r"has no template client\.py\.jinja any more"):
        _templates.render_overrides(tmp_path)


def test_an_override_that_no_longer_reaches_the_output_stops_generation(tmp_path: Path) -> None:
    shutil.copytree(GENERATED, tmp_path, dirs_exist_ok=True)
    _templates.check_markers(tmp_path)
    for path in (tmp_path / "models").glob("*.py"):
        path.write_text(path.read_text().replace("def _missing_", "def _other_"))
    with pytest.raises(_templates.TemplateError, match=r"str_enum.py.jinja.patch no longer reaches the output"):
        _templates.check_markers(tmp_path)


def test_patches_apply_exactly_and_round_trip() -> None:
    upstream = "a\nb\nc\nd\ne\nf\ng\n"
    edited = "a\nB\nc\nd\ne\nf\ng\nh\n"
    patch = _templates.make_patch("t", upstream, edited)
    assert _templates.apply_patch(upstream, patch) == edited
    with pytest.raises(_templates.TemplateError, match="does not match the upstream template"):
        _templates.apply_patch(upstream.replace("c", "C"), patch)
