"""Draws the Performance page's chart (docs/images/performance.svg) from a benchmark run's JSON.

    .venv-docs/bin/python -m scripts.perf_chart [RUN.json] [OUT.svg]

The run is benchmarks/runs/2026-12-07-run5.json by default: client CPU per call of each
client in each mode, as `scripts/bench` printed them (benchmarks/README.md has the run in
full). The SVG is written byte for byte the same for the same run and matplotlib (no date,
a fixed hash salt, text as paths so it renders without the fonts of the machine that drew
it), so tests/docs can redraw it and compare with the committed file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "benchmarks" / "runs" / "2026-12-07-run5.json"
OUT = ROOT / "docs" / "images" / "performance.svg"
OURS = "#3f51b5"  # Material's indigo, the site's primary colour: this SDK's bars
OTHERS = "#9e9e9e"


def draw(run: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("svg")  # no display, and no other backend's state
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "perf-chart", "svg.fonttype": "path", "font.size": 10})
    modes: dict[str, dict[str, float]] = run["modes"]
    # One mode a row, stacked: the page's column is narrow, and the labels stay readable in it.
    heights = [len(clients) for clients in modes.values()]
    figure, axes = plt.subplots(
        len(modes), 1, figsize=(7.5, 1.2 + 0.42 * sum(heights)), layout="constrained",
        gridspec_kw={"height_ratios": heights},
    )  # fmt: skip
    for axis, (mode, clients) in zip(axes, modes.items(), strict=True):
        names = list(clients)[::-1]  # first client on top
        values = [clients[name] for name in names]
        colours = [OURS if name.startswith("this SDK") else OTHERS for name in names]
        bars = axis.barh(names, values, color=colours)
        axis.bar_label(bars, labels=[f"{value:.0f}" for value in values], padding=3)
        axis.set_title(mode)
        axis.set_xlabel("client CPU per call (µs)")
        axis.set_xlim(0, max(values) * 1.25)
        axis.spines[["top", "right"]].set_visible(False)
    figure.suptitle(f"POST /threads on a canned local server, fresh processes, {run['date']}: less is better")
    figure.text(0.5, -0.01, run["machine"], ha="center", va="top", fontsize=7.5, color="#555555", wrap=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)


def main(argv: list[str]) -> int:
    run_path = Path(argv[0]) if argv else RUN
    out = Path(argv[1]) if len(argv) > 1 else OUT
    draw(json.loads(run_path.read_text()), out)
    print(f"drew {out} from {run_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
