"""create_thread's arguments as one frozen value, from the public methods to the request body.

The public signatures spell the keywords out (so IDEs and type checkers show them); each
method packs them into a CreateArgs at once, and everything after works on that one value
(tests/unit/test_arguments.py fails when a keyword of either signature does not reach the
request). Imports nothing heavy: the generated models load with a client's first call.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import httpx2

from ._defaults import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from ._generated.models import ThreadCreateSuperstepsItem, ThreadCreateTTL

__all__ = ["CreateArgs", "PreparedCreate", "TimeoutArg"]

TimeoutArg = float | httpx2.Timeout | None | NotGiven  # NOT_GIVEN: the client's default; None: no limit


class CreateArgs(NamedTuple):
    """One create_thread call's keywords, as the caller gave them (checked later, once).

    A NamedTuple: as frozen as a frozen dataclass, and made in a third of the time.
    """

    thread_id: uuid.UUID | str | None = None
    metadata: Mapping[str, Any] | None = None
    if_exists: Literal["raise", "do_nothing"] = "raise"
    ttl: float | int | datetime.timedelta | Mapping[str, Any] | ThreadCreateTTL | None = None
    supersteps: Sequence[Mapping[str, Any] | ThreadCreateSuperstepsItem] | None = None
    graph_id: str | None = None
    timeout: TimeoutArg = NOT_GIVEN
    headers: Mapping[str, str] | None = None
    extra_body: Mapping[str, Any] | None = None


class PreparedCreate(NamedTuple):
    """One create_thread call's request, fixed before the first attempt and reused by retries
    (`_exactly_once.plan_create` makes it from the CreateArgs; the responses read it)."""

    thread_id: uuid.UUID
    has_supersteps: bool
    content: bytes  # the JSON body of every attempt, encoded once
    # May an attempt be sent again after one that may have reached the server?
    replay_safe: bool
    # After a lost response and then a 409 for an id the SDK assigned, this body (no
    # supersteps, "do_nothing") fetches the thread the lost attempt created, unchanged.
    recover_content: bytes | None

    def body_after_conflict(self, lost: bool, sent: bytes) -> bytes | None:
        """What to send after a 409 to the body `sent`: the recovery body, or None (the 409 stands)."""
        if lost and self.recover_content is not None and sent is not self.recover_content:
            return self.recover_content
        return None
