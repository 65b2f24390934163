"""UUID version 7 (RFC 9562, section 5.7): Python 3.11's uuid module has no uuid7()."""

from __future__ import annotations

import os
import time
import uuid

__all__ = ["uuid7"]

_RAND_B_MASK = (1 << 62) - 1
_VERSION_AND_VARIANT = (0x7 << 76) | (0b10 << 62)


def uuid7() -> uuid.UUID:
    """A time-ordered random UUID: 48-bit Unix milliseconds, then 74 random bits.

    The server itself assigns v7 ids; assigning the same kind client-side keeps ids
    sortable by creation time whichever side made them.
    """
    unix_ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")  # 80 bits; 12 for rand_a, 62 for rand_b
    value = (unix_ms & 0xFFFF_FFFF_FFFF) << 80 | _VERSION_AND_VARIANT | (rand >> 68) << 64 | rand & _RAND_B_MASK
    return uuid.UUID(int=value)
