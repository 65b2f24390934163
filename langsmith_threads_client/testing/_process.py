"""Process and port checks for the servers and services tests start (Linux /proc).

Part of the testing kit (the local Agent Server of the `agent_server` fixture), and used by
the project's own harness for every server kind (scripts/agent_server/).

Every server and service runs in its own process group (``start_new_session=True``), so it
is stopped by its group id with everything it spawned (uvicorn workers, a CLI's child),
and nothing is left listening: ``stop_group`` says which pids survived.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "die_with_parent",
    "find_free_port",
    "group_members",
    "kill_group_now",
    "owns_listening_socket",
    "port_accepts",
    "stop_group",
]


def find_free_port(host: str = "127.0.0.1") -> int:
    """Bind ``host:0``, read the port the kernel chose, close the socket."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_accepts(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def group_members(pgid: int) -> list[int]:
    """PIDs (other than zombies) whose process group is ``pgid``."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may contain spaces/parens.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) >= 3 and int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _listening_inodes(port: int) -> set[str] | None:
    """Socket inodes listening on ``port`` (IPv4/IPv6), or None without /proc/net."""
    inodes: set[str] = set()
    seen_table = False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        seen_table = True
        for line in lines:
            parts = line.split()
            if len(parts) < 10:
                continue
            local, state, inode = parts[1], parts[3], parts[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                inodes.add(inode)
    return inodes if seen_table else None


def _socket_inodes_of(pids: Sequence[int]) -> set[str]:
    inodes: set[str] = set()
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    return inodes


def owns_listening_socket(port: int, pgid: int) -> bool | None:
    """Whether a socket listening on ``port`` belongs to process group ``pgid``; None without /proc."""
    listening = _listening_inodes(port)
    if listening is None:
        return None
    return bool(listening & _socket_inodes_of(group_members(pgid) or [pgid]))


def die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Have the kernel SIGTERM the child if the test process dies (even by SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _wait_group_gone(pgid: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)


def stop_group(
    proc: subprocess.Popen[bytes], *, timeout: float = 15.0, first: signal.Signals = signal.SIGTERM
) -> list[int]:
    """Signal the process group led by ``proc`` (``first``, then SIGKILL), wait; the pids left."""
    pgid = proc.pid  # start_new_session=True: the leader's pid is the group id
    _signal_group(pgid, first)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=timeout)
    if proc.poll() is not None:
        _wait_group_gone(pgid, 3.0)  # children may outlive the leader for a moment
    if proc.poll() is None or group_members(pgid):
        _signal_group(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        _wait_group_gone(pgid, 5.0)
    leftovers = group_members(pgid)
    if proc.poll() is None:
        leftovers.append(proc.pid)
    return leftovers


def kill_group_now(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the whole group at once (a crash, not a shutdown) and reap the leader."""
    _signal_group(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    _wait_group_gone(proc.pid, 5.0)
