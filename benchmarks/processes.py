"""The benchmark's processes: the canned server on one core, and runner processes (one client, one mode) on
the other, each started, read and stopped here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.runner import UNAVAILABLE_EXIT, sanitize_environ
from benchmarks.stats import Sample

__all__ = ["ROOT", "BenchError", "Runner", "Server", "bench_env", "pinned_cpus", "start_server"]

ROOT = Path(__file__).resolve().parent.parent


class BenchError(RuntimeError):
    pass


def bench_env() -> dict[str, str]:
    env = dict(os.environ)
    sanitize_environ(env)
    env.pop("PYTHONPATH", None)
    return env


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    pid: int
    loop: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def pinned_cpus() -> tuple[int, int] | None:
    """(the server's CPU, the clients' CPU), or None where processes cannot be pinned.

    Pinned, every run has the same placement, one core for the server and one for the client,
    instead of whatever the scheduler chose that time (the same core for both, or two).
    """
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    return (cpus[0], cpus[1]) if len(cpus) >= 2 else None


def _pin(cpu: int | None) -> Callable[[], None] | None:
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def start_server(cpu: int | None = None) -> Server:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", "--port", "0"],
        cwd=ROOT,
        env=bench_env(),
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=_pin(cpu),
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait()
        raise BenchError(f"canned server exited with status {process.returncode} before listening")
    info = json.loads(line)
    return Server(process=process, port=int(info["port"]), pid=int(info["pid"]), loop=str(info["loop"]))


class Runner:
    """One runner process (one client, one mode), set up and warmed up, timing a batch when asked."""

    def __init__(self, client: str, mode: str, calls: int, warmup: int | None, port: int, cpu: int | None) -> None:
        self.client, self.mode, self.calls = client, mode, calls
        self._stderr = tempfile.TemporaryFile("w+")
        cmd = [sys.executable, "-m", "benchmarks.runner", "--client", client, "--mode", mode]
        cmd += ["--calls", str(calls), "--port", str(port)]
        if warmup is not None:
            cmd += ["--warmup", str(warmup)]
        self.process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=bench_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # A file, not a pipe: a long-lived runner's warnings must never fill a pipe nobody reads.
            stderr=self._stderr,
            text=True,
            preexec_fn=_pin(cpu),
        )
        self.unavailable: str | None = None

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=60)
            if self.process.returncode != UNAVAILABLE_EXIT:
                self._stderr.seek(0)
                stderr = self._stderr.read()
                raise BenchError(
                    f"{self.client}/{self.mode} exited with status {self.process.returncode}:\n{stderr[-4000:]}"
                )
            return {"unavailable": "exited"}
        out: dict[str, Any] = json.loads(line)
        return out

    def wait_ready(self) -> None:
        out = self._read()
        if "unavailable" in out:
            self.unavailable = str(out["unavailable"])

    def run(self) -> Sample:
        assert self.process.stdin is not None
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        out = self._read()
        n = self.calls
        cpu, wall, server_cpu = float(out["cpu_s"]), float(out["wall_s"]), float(out["server_cpu_s"])
        return Sample(
            cpu_per_call=cpu / n,
            wall_per_call=wall / n,
            calls_per_s=n / wall,
            server_cpu_per_call=server_cpu / n,
            server_cpu_share=server_cpu / (server_cpu + cpu) if server_cpu + cpu > 0 else 0.0,
            server_core_busy=server_cpu / wall,
            server_requests=int(out["server_requests"]),
            server_connections=int(out["server_connections"]),
        )

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.write("quit\n")
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self._stderr.close()
