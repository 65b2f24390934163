"""Which kinds run a fault family's whole matrix, and what the other kinds run of it.

A family of fault tests (exactly-once, act-then-fail, the continuation) crosses scenarios,
id modes and client kinds. The three clients send byte-identical bodies, and several faults
look the same from the server (the proxy forwarded the request and the client got no
usable answer, whatever it got instead), so on most kinds most of the matrix repeats what
the server already showed. The whole matrix runs on ``fake`` and ``dev`` (the client-side
paths: every client, every fault); every other kind runs one client (a different one per
kind) over the cases that differ in what the server sees, in every mode. Each family's
module names its server-visible representatives; ``cases`` builds the per-kind parameters
for ``@pytest.mark.server_cases`` (tests/agent_server/pytest_plugin.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from tests.support.kinds import CLIENT_KINDS, SERVER_KINDS, ClientKind

__all__ = ["FULL_MATRIX_KINDS", "Cases", "cases", "one_client"]

#: The kinds that run every client on every case.
FULL_MATRIX_KINDS = ("fake", "dev")

Cases = Callable[[str], list[tuple[str, tuple[Any, ...]]]]


def one_client(server_kind: str) -> ClientKind:
    """The one client a reduced kind runs: a different one on each kind, so each client meets each server family."""
    reduced = [kind for kind in SERVER_KINDS if kind not in FULL_MATRIX_KINDS]
    return CLIENT_KINDS[reduced.index(server_kind) % len(CLIENT_KINDS)] if server_kind in reduced else CLIENT_KINDS[0]


def cases(
    axes: Sequence[tuple[Iterable[Any], Callable[[Any], str]]],
    *,
    reduced: Callable[..., bool],
    clients: bool = True,
) -> Cases:
    """Per kind, the cross product of ``axes`` (each its values and their id) and the client kind:
    all of it on the full-matrix kinds; elsewhere one client and the combinations ``reduced``
    keeps (it takes one value per axis). With ``clients=False`` the test has no client
    parameter (it runs one client of its own) and only the cases are narrowed."""
    values = [list(axis) for axis, _ in axes]
    namers = [namer for _, namer in axes]

    def per_kind(server_kind: str) -> list[tuple[str, tuple[Any, ...]]]:
        full = server_kind in FULL_MATRIX_KINDS
        rows = []
        for combo in itertools.product(*values):
            if not full and not reduced(*combo):
                continue
            ids = [namer(value) for namer, value in zip(namers, combo, strict=True)]
            if not clients:
                rows.append(("-".join(ids), combo))
                continue
            for client in CLIENT_KINDS if full else (one_client(server_kind),):
                rows.append(("-".join([*ids, str(client)]), (*combo, client)))
        return rows

    return per_kind
