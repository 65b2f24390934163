"""The report as the table `scripts/bench` prints."""

from __future__ import annotations

from typing import Any

from benchmarks.cold_imports import IMPORT_NOTES
from benchmarks.runner import CONCURRENCY, FLOOR

__all__ = ["LABELS", "format_table"]

LABELS: dict[str, str] = {
    "httpx2": "httpx2 (floor)",
    "httpx": "httpx 0.28 (legacy)",
    "aiohttp": "aiohttp (limit of the aiohttp path)",
    "langgraph-sdk": "langgraph-sdk",
    "sdk": "this SDK",
    "sdk-aiohttp": "this SDK, DefaultAioHttpClient",
}
MODE_LABELS: dict[str, str] = {
    "sync": "sync, sequential",
    "async": "async, sequential",
    "async64": f"async, {CONCURRENCY} in flight on one client",
}


def _us(v: float) -> str:
    return f"{v / 1000:.2f} ms" if v >= 10_000 else f"{v:.1f} us"


def _rows(by_client: dict[str, Any]) -> list[str]:
    return [
        f"{LABELS.get(client, client):36} {_us(e['cpu_per_call_us']):>10} {e['cpu_ratio']:>7.2f}x "
        f"{e['cpu_ratio_httpx']:>7.2f}x {_us(e['wall_per_call_us']):>10} {e['wall_ratio']:>7.2f}x "
        f"{e['calls_per_s']:>8.0f} {e['server_cpu_share']:>10.1%}"
        for client, e in by_client.items()
    ]


def _verdict(value: float | None, ok: bool | None, spread: tuple[float, float] | None = None) -> str:
    if value is None:
        return "n/a"
    quartiles = f" ({spread[0]:.2f}-{spread[1]:.2f})" if spread else ""
    return f"{value:.3f}x{quartiles} {'ok' if ok else 'MISSED'}"


_HEADER = (
    f"{'client':36} {'CPU/call':>10} {'x httpx2':>8} {'x httpx':>8} {'wall/call':>10} {'x httpx2':>8} "
    f"{'calls/s':>8} {'server CPU':>11}"
)


def format_table(report: dict[str, Any]) -> str:
    fresh: dict[str, dict[str, Any]] = report.get("fresh", {})
    lines = _intro_lines(report["meta"])
    lines += _mode_lines(report["results"], fresh)
    lines += _unavailable_lines(report["unavailable"])
    lines += _import_lines(report["imports"])
    lines += _target_lines(report["targets"], "targets")
    if report.get("aims"):
        lines += ["", *_target_lines(report["aims"], "aims (not held)")]
    return "\n".join(lines)


def _intro_lines(meta: dict[str, Any]) -> list[str]:
    pinned = (
        f" (server pinned to CPU {meta['pinned']['server_cpu']}, clients to CPU {meta['pinned']['client_cpu']}); "
        if meta.get("pinned")
        else " (not pinned); "
    )
    return [
        f"POST /threads against a canned local server ({meta['server_loop']}), {meta['calls']} calls per batch. "
        f"Long-lived: each client's process warmed up once, then {meta['rounds']} rounds of one batch each. "
        f"Fresh: {meta.get('fresh_rounds', 0)} rounds of a new process per client, the same warm-up, one batch. "
        "Medians over rounds; 'x httpx2' / 'x httpx' = the median over rounds of the ratio to bare httpx2 "
        "(the floor) / bare httpx 0.28 of the same mode in that round.",
        f"Python {meta['python']} on {meta['platform']}, {meta['cpu_count']} CPUs"
        + pinned
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v),
        "",
    ]


def _mode_lines(results: dict[str, dict[str, Any]], fresh: dict[str, dict[str, Any]]) -> list[str]:
    """Per mode, a block of rows for each phase; then the server's share of the CPU."""
    lines: list[str] = []
    for mode in dict.fromkeys([*results, *fresh]):
        lines.append(f"== {mode}: {MODE_LABELS.get(mode, mode)}")
        for phase, by_mode in (("long-lived processes", results), ("fresh processes", fresh)):
            if mode in by_mode:
                lines += [f"-- {phase}", _HEADER, *_rows(by_mode[mode])]
        lines.append("")
    busy = [e["server_core_busy"] for r in (results, fresh) for c in r.values() for e in c.values()]
    if busy:
        lines.append(
            "server CPU = the canned server's share of client+server CPU over the timed calls; "
            f"the server kept at most {max(busy):.0%} of one core busy."
        )
        lines.append("")
    return lines


def _unavailable_lines(unavailable: dict[str, str]) -> list[str]:
    if not unavailable:
        return []
    return [*(f"unavailable: {LABELS.get(client, client)}: {reason}" for client, reason in unavailable.items()), ""]


def _import_lines(imports: dict[str, dict[str, Any]]) -> list[str]:
    if not imports:
        return []
    lines = ["cold import (fresh interpreter, byte code cached, median)"]
    floor = imports.get(FLOOR, {}).get("median_ms")
    for name, e in imports.items():
        text = f"{e['median_ms']:.1f} ms" if "median_ms" in e else "unavailable"
        versus = f"{e['median_ms'] / floor:.2f}x httpx2" if "median_ms" in e and floor else ""
        lines.append(f"  import {name:32} {text:>10} {versus:>13}  {IMPORT_NOTES.get(name, '')}".rstrip())
    lines.append("")
    return lines


def _target_lines(report_targets: list[dict[str, Any]], title: str) -> list[str]:
    """Each target's median ratio over rounds, with the quartiles of its rounds in brackets (its spread)."""
    lines = [f"{title:54} {'limit':>7}  {'long-lived (quartiles)':29} fresh (quartiles)"]
    for t in report_targets:
        long_lived = _verdict(t["value"], t["ok"], t.get("spread"))
        fresh = _verdict(t["fresh_value"], t["fresh_ok"], t.get("fresh_spread"))
        lines.append(f"  {t['target']:52} {t['limit']:>6.2f}x  {long_lived:29} {fresh}".rstrip())
    return lines
