"""Errors survive pickle and copy (multiprocessing, Celery) whole, and never carry the API key."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
import subprocess
import sys
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

import langsmith_threads_client
from langsmith_threads_client import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    ConflictError,
    SuperstepsError,
    Thread,
    ThreadsClientError,
)
from langsmith_threads_client._generated.types import UNSET
from tests.unit.error_cases import CASES, KEY, error_of, raise_case
from tests.unit.mocks import real_thread_body

# What a caller reads from an error; each must come through a round trip unchanged.
_FIELDS = (
    "message",
    "thread_id",
    "status_code",
    "detail",
    "body",
    "request_id",
    "after_lost_response",
    "thread_created",
)


def _fields(error: ThreadsClientError) -> dict[str, Any]:
    return {name: getattr(error, name) for name in _FIELDS if hasattr(error, name)}


def _assert_same(copied: BaseException, original: ThreadsClientError) -> None:
    assert type(copied) is type(original)
    assert isinstance(copied, ThreadsClientError)
    assert str(copied) == str(original)
    assert copied.args == original.args
    assert _fields(copied) == _fields(original)
    if isinstance(original, APIStatusError | APIResponseValidationError):
        assert isinstance(copied, APIStatusError | APIResponseValidationError)
        assert copied.response.status_code == original.status_code
        assert copied.response.content == original.response.content
        assert copied.response.headers.get("x-request-id") == original.response.headers.get("x-request-id")
        assert copied.response.request.method == "POST"
    if isinstance(original, APIConnectionError):
        assert isinstance(copied, APIConnectionError)
        assert original.request is not None and copied.request is not None
        assert copied.request.url == original.request.url


def _pickled(protocol: int) -> Callable[[Any], Any]:
    def round_trip(value: Any) -> Any:
        return pickle.loads(pickle.dumps(value, protocol))

    return round_trip


ROUND_TRIPS: dict[str, Callable[[Any], Any]] = {
    **{f"pickle-{protocol}": _pickled(protocol) for protocol in range(pickle.HIGHEST_PROTOCOL + 1)},
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
}


@pytest.mark.parametrize("round_trip", sorted(ROUND_TRIPS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_error_class_survives_pickle_and_copy(case: str, round_trip: str) -> None:
    error = error_of(case, thread_id=uuid.uuid4())
    assert type(error).__name__ == CASES[case][2]
    _assert_same(ROUND_TRIPS[round_trip](error), error)


@pytest.mark.parametrize("case", sorted(CASES))
def test_pickled_errors_and_their_reprs_never_hold_the_api_key(case: str) -> None:
    error = error_of(case)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert KEY.encode() not in pickle.dumps(error, protocol)
    if isinstance(error, APIConnectionError):
        request = error.request
    else:
        assert isinstance(error, APIStatusError | APIResponseValidationError)
        request = error.response.request
    assert request is not None
    assert "x-api-key" in request.headers, "the header's name stays, so a reader sees a key was sent"
    assert KEY not in repr(request.headers) and KEY not in str(dict(request.headers))
    assert KEY not in repr(error) and KEY not in str(error)
    if isinstance(error, APIStatusError):
        assert KEY not in repr(error.response.headers)


def test_the_copy_keeps_what_the_server_sent_except_credentials() -> None:
    error = error_of("500")
    assert isinstance(error, APIStatusError)
    restored = pickle.loads(pickle.dumps(error))
    assert restored.response.headers["set-cookie"] == "[redacted]"
    assert restored.response.headers["x-request-id"] == "req-1"
    assert restored.response.json() == {"detail": "the server says 500"}
    assert restored.response.request.headers["x-api-key"] == "[redacted]"
    assert b'"user":"u1"' in restored.response.request.content


def test_an_error_built_by_hand_pickles_too() -> None:
    error = langsmith_threads_client.APITimeoutError()
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is langsmith_threads_client.APITimeoutError
    assert str(restored) == "Request timed out." and restored.request is None and restored.thread_id is None


def test_a_conflict_raised_in_a_process_pool_worker_arrives_as_a_conflict_error() -> None:
    thread_id = uuid.uuid4()
    # spawn: the worker is a fresh interpreter that shares nothing with this one.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        future = pool.submit(raise_case, "409", thread_id)
        with pytest.raises(ConflictError) as caught:
            future.result(timeout=120)
    error = caught.value
    assert error.thread_id == thread_id
    assert error.status_code == 409
    assert error.detail == f"Thread with ID {thread_id} already exists"
    assert error.body == {"detail": error.detail}
    assert error.response.status_code == 409
    assert error.after_lost_response is False


def test_multiprocessing_pool_apply_returns_the_error_instead_of_hanging() -> None:
    thread_id = uuid.uuid4()
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result = pool.apply_async(raise_case, ("supersteps-201", thread_id))
        with pytest.raises(SuperstepsError) as caught:
            result.get(timeout=120)  # without pickling, the result thread dies and get() waits forever
    assert caught.value.thread_id == thread_id
    assert caught.value.thread_created is True


@pytest.mark.parametrize("round_trip", sorted(ROUND_TRIPS))
def test_a_thread_equals_its_copy_and_unset_stays_one_object(round_trip: str) -> None:
    thread = Thread.from_dict(real_thread_body())
    assert thread.interrupts is UNSET, "the real server sends no interrupts: the field is UNSET"
    copied = ROUND_TRIPS[round_trip](thread)
    assert copied == thread
    assert copied.interrupts is UNSET
    assert ROUND_TRIPS[round_trip](UNSET) is UNSET


def test_a_thread_unpickled_in_a_fresh_process_equals_its_copy() -> None:
    # The receiving process (a worker, a cache reader) imports only what unpickling needs: UNSET
    # must stay one object there too, whatever else of the package it has loaded.
    pickled = pickle.dumps(Thread.from_dict(real_thread_body()))
    code = (
        "import copy, pickle, sys\n"
        "thread = pickle.loads(sys.stdin.buffer.read())\n"
        "again = pickle.loads(pickle.dumps(thread))\n"
        "print(thread == copy.deepcopy(thread), thread == copy.copy(thread), thread == again)"
    )
    proc = subprocess.run([sys.executable, "-c", code], input=pickled, capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().split() == ["True", "True", "True"]
