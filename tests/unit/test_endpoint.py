"""The generated endpoint, touched in one module: most bodies are spliced, byte for byte what the
generated endpoint encodes; every other body, and every body the splice cannot take, goes the generated way."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langsmith_threads_client import _endpoint
from langsmith_threads_client._arguments import CreateArgs
from langsmith_threads_client._endpoint import encode_body, encode_plain_body
from langsmith_threads_client._exactly_once import plan_create
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


def test_every_plain_body_has_a_splice() -> None:
    # Otherwise every call would take the generated way again (correct, and five times the CPU).
    every = {(member, with_metadata) for member in IF_EXISTS for with_metadata in (False, True)}
    assert set(_endpoint._SPLICES) == every


@settings(max_examples=400, deadline=None, database=None)
@given(thread_id=IDS, metadata=METADATA, if_exists=st.sampled_from(IF_EXISTS))
def test_a_spliced_body_is_the_generated_body_byte_for_byte(
    thread_id: uuid.UUID, metadata: dict[str, Any] | None, if_exists: ThreadCreateIfExists
) -> None:
    assert encode_plain_body(thread_id, metadata, if_exists) == generated(thread_id, metadata, if_exists)


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


def test_text_utf8_cannot_carry_is_refused_naming_the_argument() -> None:
    with pytest.raises(ValueError, match=r"^metadata holds text that is not valid Unicode"):
        encode_plain_body(uuid.UUID(int=1), {"k": "\ud800"}, ThreadCreateIfExists("raise"))


def test_no_splice_is_kept_where_the_generated_encoding_does_not_cut_as_expected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = _endpoint._generated_plain

    def id_twice(thread_id: uuid.UUID, metadata: dict[str, Any] | None, if_exists: ThreadCreateIfExists) -> bytes:
        return real(thread_id, metadata, if_exists)[:-1] + f',"again":"{thread_id}"}}'.encode()

    def reordered(thread_id: uuid.UUID, metadata: dict[str, Any] | None, if_exists: ThreadCreateIfExists) -> bytes:
        # A field whose encoding follows the metadata's contents: right for one sample only.
        wire = json.loads(real(thread_id, metadata, if_exists))
        wire["count"] = len(metadata or {})
        return json.dumps(wire, separators=(",", ":"), ensure_ascii=False).encode()

    do_nothing = ThreadCreateIfExists("do_nothing")
    assert _endpoint._cut(do_nothing, True) is not None
    monkeypatch.setattr(_endpoint, "_generated_plain", id_twice)
    assert _endpoint._cut(do_nothing, True) is None
    monkeypatch.setattr(_endpoint, "_generated_plain", reordered)
    assert _endpoint._cut(do_nothing, True) is None
    assert _endpoint._cut(do_nothing, False) is not None  # no metadata: the count is always 0


def test_the_spliced_way_is_taken_only_without_the_fields_it_cannot_carry() -> None:
    # plan_create splices a body when ttl, supersteps and extra fields are all absent; a field
    # added to CheckedCreate must join that condition, or plain calls would drop it.
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
