"""Values shown in error messages: cut, so a message never copies a huge value."""

from __future__ import annotations

import reprlib

__all__ = ["short_repr"]

LIMIT = 120
_REPR = reprlib.Repr()
_REPR.maxstring = LIMIT
_REPR.maxother = LIMIT
_REPR.maxlevel = 3


def short_repr(value: object, limit: int = LIMIT) -> str:
    """repr(value) cut to about `limit` characters, with the size of a long str/bytes."""
    if isinstance(value, str | bytes | bytearray | memoryview):
        size = len(value)
        if size <= limit:
            return repr(value)
        unit = "characters" if isinstance(value, str) else "bytes"
        # Slice before repr (repr of 10 MB of bytes is 10 MB or more), and after: escapes grow it.
        return f"{repr(value[:limit])[:limit]}... ({size:,} {unit})"
    if isinstance(value, int) and value.bit_length() > 256:
        return f"<int of {value.bit_length():,} bits>"  # str() of a huge int is slow, or raises
    try:
        text = _REPR.repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else f"{text[:limit]}..."
