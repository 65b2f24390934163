"""The SDK's logger: one DEBUG record per attempt, nothing at INFO on the happy path."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ._redaction import redacted_mapping

__all__ = ["SensitiveHeadersFilter", "logger"]


class SensitiveHeadersFilter(logging.Filter):
    """Redacts credential headers from any mapping passed as a log argument.

    The SDK never logs headers itself; this guards a future record (or a handler's own
    formatting of `args`) against ever carrying the key.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's mapping arguments in place; never drops a record."""
        if isinstance(record.args, Mapping):
            record.args = redacted_mapping(record.args)
        elif isinstance(record.args, tuple):
            record.args = tuple(redacted_mapping(arg) if isinstance(arg, Mapping) else arg for arg in record.args)
        return True


logger = logging.getLogger("langsmith_threads_client")
logger.addFilter(SensitiveHeadersFilter())
