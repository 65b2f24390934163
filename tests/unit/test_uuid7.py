"""The SDK's UUID version 7 (RFC 9562): version, variant, time, order, randomness."""

from __future__ import annotations

import time
import uuid

from langsmith_threads_client import uuid7


def test_version_and_variant() -> None:
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_the_first_48_bits_are_the_unix_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    assert before <= value.int >> 80 <= after


def test_ids_sort_by_creation_time_across_milliseconds() -> None:
    first = uuid7()
    time.sleep(0.002)
    second = uuid7()
    assert str(first) < str(second)


def test_ids_are_unique_and_random() -> None:
    values = {uuid7() for _ in range(10_000)}
    assert len(values) == 10_000
    low_bits = {value.int & 0xFFFF for value in values}
    assert len(low_bits) > 5_000


def test_an_id_is_the_uuid_its_int_and_its_text_make_in_every_use() -> None:
    import copy
    import pickle

    value = uuid7()
    for same in (uuid.UUID(int=value.int), uuid.UUID(str(value)), pickle.loads(pickle.dumps(value)), copy.copy(value)):
        assert same == value and hash(same) == hash(value) and str(same) == str(value)
        assert same.is_safe is value.is_safe is uuid.SafeUUID.unknown
    assert type(value) is uuid.UUID
    assert repr(value) == f"UUID('{value}')"
    assert {value: 1}[uuid.UUID(str(value))] == 1
