"""Shared helpers for the fault tests: run one create_thread on a given client kind, and
read back what the real server holds."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2

from langsmith_threads_client import AsyncThreadsClient, DefaultAioHttpClient, Thread, ThreadsClient

# Re-exported: tests/conformance imports the kinds from here.
from tests.support.kinds import ClientKind

__all__ = ["CallResult", "create_once", "new_marker", "thread_metadata"]


@dataclass
class CallResult:
    """What one create_thread call did: its Thread or the exception it raised, and its backoff sleeps."""

    thread: Thread | None = None
    error: BaseException | None = None
    sleeps: list[float] = field(default_factory=list)
    client_text: list[str] = field(default_factory=list)  # repr() and str() of the client

    def describe(self) -> str:
        if self.error is not None:
            return f"raised {type(self.error).__name__}: {self.error}"
        assert self.thread is not None
        return f"returned thread {self.thread.thread_id}"


def create_once(
    kind: ClientKind,
    base_url: str,
    call_kwargs: Mapping[str, Any],
    *,
    timeout: float | httpx2.Timeout = 5.0,
    max_retries: int = 2,
    api_key: str | None = None,
) -> CallResult:
    """One create_thread call on a fresh client of `kind`; backoff sleeps are recorded, not slept."""
    result = CallResult()
    if kind is ClientKind.SYNC:
        with ThreadsClient(base_url, api_key=api_key, timeout=timeout, max_retries=max_retries) as client:
            client._sleep = result.sleeps.append
            result.client_text += [repr(client), str(client)]
            try:
                result.thread = client.create_thread(**call_kwargs)
            except Exception as exc:
                result.error = exc
        return result

    async def run() -> None:
        http_client = DefaultAioHttpClient() if kind is ClientKind.AIOHTTP else None

        async def record_sleep(seconds: float) -> None:
            result.sleeps.append(seconds)

        try:
            async with AsyncThreadsClient(
                base_url, api_key=api_key, timeout=timeout, max_retries=max_retries, http_client=http_client
            ) as client:
                client._sleep = record_sleep
                result.client_text += [repr(client), str(client)]
                try:
                    result.thread = await client.create_thread(**call_kwargs)
                except Exception as exc:
                    result.error = exc
        finally:
            if http_client is not None:
                await http_client.aclose()

    asyncio.run(run())
    return result


def thread_metadata(thread: Thread) -> dict[str, Any]:
    return thread.metadata.to_dict()


def new_marker() -> str:
    return uuid.uuid4().hex
