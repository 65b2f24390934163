"""Defaults shared by the clients and the aiohttp transport (a module of its own, so neither imports the other)."""

from __future__ import annotations

import httpx2

__all__ = ["DEFAULT_TIMEOUT"]

# Supersteps run graph code on the server, so reads get a generous bound; connecting does not.
DEFAULT_TIMEOUT = httpx2.Timeout(60.0, connect=5.0)
