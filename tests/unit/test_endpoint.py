"""The generated endpoint, reached in one module through its public names: every body is the
generated endpoint's encoding, and text UTF-8 cannot carry is refused naming its argument."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langsmith_threads_client._call import plan_create
from langsmith_threads_client._config import CreateArgs
from langsmith_threads_client._endpoint import encode_body
from langsmith_threads_client._validation import CheckedCreate, check_create
from langsmith_threads_client.types import UNSET, ThreadCreate, ThreadCreateIfExists, ThreadCreateMetadata

IF_EXISTS = list(ThreadCreateIfExists)

# JSON as the checks let it through: string keys, finite numbers, any text UTF-8 carries.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT
JSON = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4))
METADATA = st.none() | st.dictionaries(TEXT, JSON, max_size=6)
IDS = st.integers(0, 2**128 - 1).map(lambda n: uuid.UUID(int=n))


def generated(thread_id: uuid.UUID, metadata: dict[str, Any] | None, if_exists: ThreadCreateIfExists) -> bytes:
    meta = UNSET if metadata is None else ThreadCreateMetadata.from_dict(metadata)
    return encode_body(ThreadCreate(thread_id=thread_id, metadata=meta, if_exists=if_exists))


@pytest.mark.parametrize(
    "metadata", [None, {}, {"user": "u1"}, {"\u2603": "\U0001f600", "q": '"\\\n'}, {"n": [1, 2.5, None, {"x": True}]}]
)
def test_a_plain_call_sends_the_generated_body(metadata: dict[str, Any] | None) -> None:
    for if_exists in ("raise", "do_nothing"):
        for thread_id in (None, uuid.UUID(int=7)):
            args = CreateArgs(thread_id=thread_id, metadata=metadata, if_exists=if_exists)
            prepared = plan_create(check_create(args))
            wire_if_exists = ThreadCreateIfExists(json.loads(prepared.content)["if_exists"])
            assert prepared.content == generated(prepared.thread_id, metadata, wire_if_exists)


@settings(max_examples=200, deadline=None, database=None)
@given(thread_id=IDS, metadata=METADATA, if_exists=st.sampled_from(IF_EXISTS))
def test_any_plain_body_is_the_generated_body(
    thread_id: uuid.UUID, metadata: dict[str, Any] | None, if_exists: ThreadCreateIfExists
) -> None:
    args = CreateArgs(thread_id=thread_id, metadata=metadata, if_exists=if_exists.value)
    prepared = plan_create(check_create(args))
    assert prepared.content == generated(thread_id, metadata, if_exists)
    assert json.loads(prepared.content)["thread_id"] == str(thread_id)


def test_text_utf8_cannot_carry_is_refused_naming_the_argument() -> None:
    with pytest.raises(ValueError, match=r"^metadata holds text that is not valid Unicode"):
        plan_create(check_create(CreateArgs(metadata={"k": "\ud800"})))
    with pytest.raises(ValueError, match=r"^extra_body\['x'\] holds text that is not valid Unicode"):
        plan_create(check_create(CreateArgs(extra_body={"x": "\ud800"})))


def test_every_checked_field_reaches_the_body() -> None:
    # A field added to CheckedCreate must reach the request body in plan_create.
    assert CheckedCreate._fields == ("thread_id", "metadata", "if_exists", "ttl", "supersteps", "extra")
    full = CreateArgs(metadata={"a": 1}, ttl=5, supersteps=[{"updates": [{"as_node": "a"}]}], extra_body={"x_n": 1})
    assert set(json.loads(plan_create(check_create(full)).content)) == {
        "thread_id",
        "metadata",
        "if_exists",
        "ttl",
        "supersteps",
        "x_n",
    }
