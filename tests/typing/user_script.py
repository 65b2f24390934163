# pyright: strict
"""Code as a user writes it against the SDK, never run: mypy --strict and pyright --strict check it.

tests/typing/test_typing.py runs both checkers on this file; each line here is a promise
about the public types (exception attributes, narrowing of optional model fields, the
clients' configuration).
"""

from __future__ import annotations

import asyncio
import copy
import datetime
import pickle
import uuid
from collections.abc import Mapping
from typing import Any

import httpx2

from langsmith_threads_client import (
    APIConnectionError,
    APIStatusError,
    AsyncThreadsClient,
    ConflictError,
    RateLimitError,
    RawThreadResponse,
    SuperstepsError,
    SuperstepsOutcomeUnknownError,
    Thread,
    ThreadsClient,
    ThreadsClientError,
    ThreadStatus,
    uuid7,
)


def create_or_get(client: ThreadsClient, thread_id: uuid.UUID) -> Thread:
    try:
        return client.create_thread(thread_id=thread_id, metadata={"user": "u1"}, ttl=60)
    except ConflictError as error:
        existing: uuid.UUID = error.thread_id
        status: int = error.status_code
        detail: str | None = error.detail
        print(status, detail, error.after_lost_response, error.response.status_code)
        return client.create_thread(thread_id=existing, if_exists="do_nothing")


def finish_exactly_once(client: ThreadsClient) -> Thread | None:
    try:
        return client.create_thread(metadata={"job": "nightly"})
    except APIConnectionError as error:
        if error.thread_id is None:
            return None
        request: httpx2.Request | None = error.request
        print(request.url if request is not None else "no request")
        return client.create_thread(thread_id=error.thread_id, if_exists="do_nothing")
    except SuperstepsOutcomeUnknownError as error:
        fetched: Thread = error.thread
        lost: str = error.lost_failure
        print(fetched.thread_id == error.thread_id, lost)
        return None
    except SuperstepsError as error:
        created: uuid.UUID = error.thread_id
        print(created, error.thread_created)
        return None
    except APIStatusError as error:
        print(error.status_code, error.request_id, error.body)
        raise


def state_of(thread: Thread) -> dict[str, Any]:
    # `values` is `ThreadValues | None | Unset`: null until state is set, absent on servers
    # that leave it out (Aegra). Both are falsy, so this narrowing is all a user needs.
    if thread.values:
        return thread.values.to_dict()
    return {}


def metadata_of(thread: Thread) -> dict[str, Any]:
    # Free-form models read as the mappings they are.
    user: Any = thread.metadata.get("user")
    keys: list[str] = list(thread.metadata.keys())
    pairs: dict[str, Any] = dict(thread.metadata.items())
    as_mapping: Mapping[str, Any] = thread.metadata
    print(user, keys, len(thread.metadata), "user" in thread.metadata, list(as_mapping.values()))
    return pairs


def describe(thread: Thread) -> str:
    when: str = thread.created_at.isoformat()
    status: ThreadStatus = thread.status
    same: bool = copy.deepcopy(thread) == thread
    return f"{thread.thread_id} {status} {when} {same} {thread.metadata.to_dict()}"


def round_trip(error: ThreadsClientError) -> ThreadsClientError:
    restored = pickle.loads(pickle.dumps(error))
    assert isinstance(restored, ThreadsClientError)
    return restored


def per_part(client: ThreadsClient) -> Thread:
    # A client for part of a program, on the same pool; the original unchanged.
    batch: ThreadsClient = client.with_options(timeout=5.0, max_retries=0, headers={"x-part": "batch"})
    raw: RawThreadResponse = batch.with_raw_response.create_thread(metadata={"job": "nightly"})
    status: int = raw.status_code
    request_id: str | None = raw.request_id
    retries: int = raw.retries_taken
    took: datetime.timedelta = raw.elapsed
    print(status, request_id, retries, took.total_seconds(), raw.headers.get("content-type"))
    return raw.parse()


def wait_asked(client: ThreadsClient) -> float | None:
    try:
        client.create_thread()
    except RateLimitError as error:
        return error.retry_after  # seconds the server asked for; beyond the cap, not retried
    return None


async def per_part_async(client: AsyncThreadsClient) -> Thread:
    quick: AsyncThreadsClient = client.with_options(max_retries=1)
    raw: RawThreadResponse = await quick.with_raw_response.create_thread()
    return raw.parse()


def configured(client: ThreadsClient) -> tuple[httpx2.URL, httpx2.Timeout, int]:
    return client.base_url, client.timeout, client.max_retries


async def many(base_url: str) -> list[Thread]:
    async with AsyncThreadsClient(base_url=base_url, timeout=httpx2.Timeout(10.0, connect=2.0)) as client:
        await per_part_async(client)
        return list(await asyncio.gather(*(client.create_thread(thread_id=uuid7()) for _ in range(3))))


def main() -> None:
    with ThreadsClient(base_url="http://127.0.0.1:2024", api_key=None, max_retries=3) as client:
        thread = create_or_get(client, uuid.uuid4())
        print(describe(thread), state_of(thread), configured(client), metadata_of(thread))
        finish_exactly_once(client)
        print(per_part(client), wait_asked(client))
    print(len(asyncio.run(many("http://127.0.0.1:2024"))))
