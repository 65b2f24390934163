"""The SDK's logger: one DEBUG record per attempt, nothing at INFO on the happy path."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

__all__ = ["SensitiveHeadersFilter", "logger"]

SENSITIVE_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie"})


class SensitiveHeadersFilter(logging.Filter):
    """Redacts credential headers from any mapping passed as a log argument.

    The SDK never logs headers itself; this guards a future record (or a handler's own
    formatting of `args`) against ever carrying the key.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's mapping arguments in place; never drops a record."""
        if isinstance(record.args, Mapping):
            record.args = _redact(record.args)
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact(arg) if isinstance(arg, Mapping) else arg for arg in record.args)
        return True


def _redact(mapping: Mapping[Any, Any]) -> dict[Any, Any]:
    return {
        key: "<redacted>" if isinstance(key, str) and key.lower() in SENSITIVE_HEADERS else value
        for key, value in mapping.items()
    }


logger = logging.getLogger("langsmith_threads_client")
logger.addFilter(SensitiveHeadersFilter())
