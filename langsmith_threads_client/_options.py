"""`client.with_options(...)`: a client for part of a program, on the same connection pool.

The new client is the original's configuration with the given options over it; it holds
no pool of its own but sends through its root's (the client `with_options` was first
called on), whichever pool that is at the time of a call (`_client._follow_root`): a
forked child or a new event loop renews the root's, and the derived clients follow. The
original is never changed. Closing a derived client closes only it; closing the root
closes the pool, and every client derived from it then says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from ._arguments import TimeoutArg
from ._config import check_headers, check_max_retries, check_timeout
from ._defaults import NotGiven

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._base_client import _BaseThreadsClient

__all__ = ["derive"]

ClientT = TypeVar("ClientT", bound="_BaseThreadsClient[Any]")


def derive(
    client: ClientT, *, timeout: TimeoutArg, max_retries: int | NotGiven, headers: Mapping[str, str] | None
) -> ClientT:
    """A copy of `client` with these options over its own, sharing its root's pool."""
    client._check_open()  # a closed client (or one whose root is closed) says so now, not at the first call
    # Checked before anything is copied: a bad option raises and leaves nothing half made.
    new_timeout = client._timeout if isinstance(timeout, NotGiven) else check_timeout(timeout, "timeout")
    new_retries = client._max_retries if isinstance(max_retries, NotGiven) else check_max_retries(max_retries)
    extra = check_headers(headers, "headers")

    derived: ClientT = object.__new__(type(client))
    derived.__dict__.update(client.__dict__)  # everything, then what differs below
    derived._root = client._root if client._root is not None else client
    derived._owns_http = False  # the pool is the root's: closing this client leaves it open
    derived._closed = False
    derived._timeout = new_timeout
    derived._max_retries = new_retries
    if extra:
        derived._headers = {**client._headers, **extra}
        derived._target = None  # the target holds the headers: bound again by the first call
        derived._has_api_key = client._has_api_key or "x-api-key" in extra
    # What copy.copy(derived) builds a new client (with a pool of its own) from.
    config = dict(client._config)
    config["timeout"] = new_timeout
    config["max_retries"] = new_retries
    if extra:
        given = {name.lower(): value for name, value in (config["headers"] or {}).items()}
        config["headers"] = {**given, **extra}
    derived._config = config
    return derived
