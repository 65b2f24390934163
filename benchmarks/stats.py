"""One client's timed batches, round by round, and their medians and paired ratios to the references."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from benchmarks.runner import FLOOR, LEGACY

__all__ = ["AIOHTTP", "PhaseSeries", "Sample", "Series", "quartiles", "summarize"]

#: The SDK's aiohttp transport is also paired with bare aiohttp (its limit), in the modes both run.
AIOHTTP = ("sdk-aiohttp", "aiohttp")


@dataclass
class Sample:
    cpu_per_call: float
    wall_per_call: float
    calls_per_s: float
    server_cpu_per_call: float
    server_cpu_share: float  # server CPU / (server CPU + client CPU)
    server_core_busy: float  # server CPU / wall: the fraction of one core the server used
    server_requests: int
    server_connections: int


@dataclass
class Series:
    by_round: dict[int, Sample] = field(default_factory=dict)

    @property
    def samples(self) -> list[Sample]:
        return list(self.by_round.values())

    def median(self, attr: str) -> float:
        return statistics.median(float(getattr(s, attr)) for s in self.samples)

    def paired_ratios(self, floor: Series, attr: str) -> list[float]:
        """This client's value over the floor's, round by round (the two ran minutes apart at most)."""
        return [
            float(getattr(s, attr)) / float(getattr(floor.by_round[r], attr))
            for r, s in sorted(self.by_round.items())
            if r in floor.by_round
        ]


def quartiles(values: list[float]) -> tuple[float, float]:
    """The first and third quartile (the spread said beside a median); both the value when there is one."""
    if len(values) < 2:
        return (values[0], values[0]) if values else (float("nan"), float("nan"))
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


#: One phase's series, by (client, mode).
PhaseSeries = dict[tuple[str, str], Series]


def summarize(
    series: dict[tuple[str, str], Series], clients: list[str], modes: list[str], calls: int
) -> dict[str, dict[str, Any]]:
    """Per mode and client: medians over rounds, and ratios to the two references."""
    results: dict[str, dict[str, Any]] = {}
    for mode in modes:
        floor, legacy = series.get((FLOOR, mode)), series.get((LEGACY, mode))
        if floor is None or not floor.samples or legacy is None or not legacy.samples:
            continue
        results[mode] = {}
        for client in clients:
            s = series.get((client, mode))
            if s is not None and s.samples:
                results[mode][client] = _summary(s, floor, legacy, calls)
        ours, theirs = series.get((AIOHTTP[0], mode)), series.get((AIOHTTP[1], mode))
        if ours is not None and ours.samples and theirs is not None and theirs.samples:
            rounds = ours.paired_ratios(theirs, "cpu_per_call")
            results[mode][AIOHTTP[0]]["cpu_ratio_aiohttp"] = statistics.median(rounds)
            results[mode][AIOHTTP[0]]["cpu_ratio_aiohttp_rounds"] = rounds
    return results


def _summary(s: Series, floor: Series, legacy: Series, calls: int) -> dict[str, Any]:
    """One client's entry in one mode and phase."""

    def paired(reference: Series, attr: str) -> float:
        return statistics.median(s.paired_ratios(reference, attr))

    return {
        "cpu_per_call_us": s.median("cpu_per_call") * 1e6,
        "wall_per_call_us": s.median("wall_per_call") * 1e6,
        "calls_per_s": s.median("calls_per_s"),
        # Ratios are medians over rounds of the round's ratio: a round's batches are seconds apart,
        # while the machine's speed drifts by tens of percent over tens of seconds (visible in
        # "rounds"), so a ratio of the medians would mix batches run at different speeds.
        "cpu_ratio": paired(floor, "cpu_per_call"),
        "wall_ratio": paired(floor, "wall_per_call"),
        "calls_per_s_ratio": paired(floor, "calls_per_s"),
        "cpu_ratio_httpx": paired(legacy, "cpu_per_call"),
        "wall_ratio_httpx": paired(legacy, "wall_per_call"),
        "cpu_ratio_rounds": s.paired_ratios(floor, "cpu_per_call"),
        "cpu_ratio_httpx_rounds": s.paired_ratios(legacy, "cpu_per_call"),
        "server_cpu_per_call_us": s.median("server_cpu_per_call") * 1e6,
        "server_cpu_share": s.median("server_cpu_share"),
        "server_core_busy": s.median("server_core_busy"),
        "server_requests_per_call": statistics.median(x.server_requests / calls for x in s.samples),
        "new_connections_per_run": statistics.median(x.server_connections for x in s.samples),
        "rounds": [
            {"round": r, "cpu_per_call_us": x.cpu_per_call * 1e6, "wall_per_call_us": x.wall_per_call * 1e6}
            for r, x in sorted(s.by_round.items())
        ],
    }
