"""``scripts/bench`` runs end to end with tiny counts, so that it cannot rot. No timing assertions."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

EXPECTED: dict[str, tuple[str, ...]] = {
    "sync": ("httpx2", "httpx", "langgraph-sdk", "sdk"),
    "async": ("httpx2", "httpx", "aiohttp", "langgraph-sdk", "sdk", "sdk-aiohttp"),
    "async64": ("httpx2", "httpx", "aiohttp", "langgraph-sdk", "sdk", "sdk-aiohttp"),
}
POSITIVE = (
    "cpu_per_call_us",
    "wall_per_call_us",
    "calls_per_s",
    "cpu_ratio",
    "wall_ratio",
    "calls_per_s_ratio",
    "cpu_ratio_httpx",
    "wall_ratio_httpx",
)
IMPORTS = ("httpx2", "httpx", "langgraph_sdk", "langsmith_threads_client", "langsmith_threads_client._call")


def _run_bench(*args: str, module: str = "benchmarks") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # minutes only on a machine that other runs share (seen: over 240 s at load 7 on 2 cores)
        check=False,
    )


@pytest.mark.timeout(900)  # its subprocess may take 600 s on a busy machine (beside the other xdist workers)
def test_bench_table_and_json_have_every_client_and_mode(tmp_path: Path) -> None:
    # Two long-lived rounds: each client's process must time a second batch on the same warm client; two fresh
    # rounds: a new process per client and round. One run: the table on stdout, the JSON saved (--save).
    sizes = ("--calls", "20", "--rounds", "2", "--fresh-rounds", "2", "--warmup", "5", "--import-reps", "1")
    saved = tmp_path / "bench.json"
    proc = _run_bench(*sizes, "--save", str(saved))
    assert proc.returncode == 0, proc.stderr
    for heading in ("-- long-lived processes", "-- fresh processes", "httpx2 (floor)", "httpx 0.28 (legacy)",
                    "this SDK", "== the testing kit", "pytest plugin load"):  # fmt: skip
        assert heading in proc.stdout, heading
    report: dict[str, Any] = json.loads(saved.read_text())

    assert report["unavailable"] == {}
    assert report["meta"]["calls"] == 20
    assert report["meta"]["rounds"] == 2
    assert report["meta"]["fresh_rounds"] == 2
    if len(os.sched_getaffinity(0)) >= 2:
        assert report["meta"]["pinned"] is not None
    for phase in ("results", "fresh"):
        _check_phase(report[phase])

    for name in IMPORTS:
        assert report["imports"][name]["median_ms"] > 0, name
    assert {t["target"] for t in report["targets"]}
    assert all(t["value"] is not None for t in report["targets"])
    # Every target but the cold import is measured in both phases, with its spread over rounds.
    assert all(t["fresh_value"] is not None for t in report["targets"][:-1])
    for t in report["targets"][:-1] + report["aims"]:
        assert t["value"] is not None and t["fresh_value"] is not None, t
        # The median and its spread come from the same rounds: with two, the median lies
        # between the quartiles (a spread of other rounds, or of nothing, would not hold it).
        for value, spread in ((t["value"], t["spread"]), (t["fresh_value"], t["fresh_spread"])):
            low, high = spread
            assert low - 1e-9 <= value <= high + 1e-9, t
    # DefaultAioHttpClient paired with bare aiohttp in the modes both run.
    for phase in ("results", "fresh"):
        for mode in ("async", "async64"):
            entry = report[phase][mode]["sdk-aiohttp"]
            assert entry["cpu_ratio_aiohttp"] > 0 and len(entry["cpu_ratio_aiohttp_rounds"]) == 2
    kit = report["testing_kit"]
    assert set(kit["creates_per_s"]) == {"fake, in process", "fake, loopback", "dev server (langgraph dev)"}
    assert all(rate is not None and rate > 0 for rate in kit["creates_per_s"].values()), kit
    real = kit["creates_per_s"]["dev server (langgraph dev)"]
    for name, rate in kit["creates_per_s"].items():  # each rate over the dev server's
        assert kit["x_dev_server"][name] == pytest.approx(rate / real), name
    assert kit["plugin_load_ms"] is not None and kit["plugin_load_ms"] > 0


def _check_phase(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    assert set(results) == set(EXPECTED)
    for mode, clients in EXPECTED.items():
        assert set(results[mode]) == set(clients), mode
        for client in clients:
            entry = results[mode][client]
            for key in POSITIVE:
                assert entry[key] > 0, (mode, client, key, entry[key])
            assert entry["server_cpu_share"] >= 0
            # Exactly one request per call in every batch: nothing retried, nothing lost.
            assert entry["server_requests_per_call"] == 1, (mode, client)
            assert [r["round"] for r in entry["rounds"]] == [0, 1], (mode, client)
            assert len(entry["cpu_ratio_rounds"]) == 2, (mode, client)
        # Each ratio is the median over rounds of the client's CPU per call over the reference's
        # in the same round (httpx2 for cpu_ratio, the legacy httpx for cpu_ratio_httpx).
        for client in clients:
            entry = results[mode][client]
            for key, reference in (("cpu_ratio", "httpx2"), ("cpu_ratio_httpx", "httpx")):
                floor = {r["round"]: r["cpu_per_call_us"] for r in results[mode][reference]["rounds"]}
                rounds = [r["cpu_per_call_us"] / floor[r["round"]] for r in entry["rounds"]]
                assert entry[f"{key}_rounds"] == pytest.approx(rounds), (mode, client, key)
                assert entry[key] == pytest.approx(statistics.median(rounds)), (mode, client, key)


def test_the_paired_aiohttp_figure_runs_and_reports_its_spread() -> None:
    args = ("--processes", "2", "--rounds", "3", "--calls", "16", "--json")
    proc = _run_bench(*args, module="benchmarks.paired")
    assert proc.returncode == 0, proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout)
    assert set(report["modes"]) == {"async", "async64"}
    for entry in report["modes"].values():
        low, high = entry["quartiles"]
        assert 0 < low <= entry["median"] <= high, entry
        assert len(entry["process_medians"]) == 2
