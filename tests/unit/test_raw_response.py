"""A RawResponse reads its body as json.loads would: the same value, or the same error."""

from __future__ import annotations

import json

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langsmith_threads_client._raw_response import RawResponse


def raw(content: bytes) -> RawResponse:
    return RawResponse(200, "OK", {}, [], content, lambda: httpx2.Request("POST", "http://127.0.0.1/threads"))


def outcome(read: object) -> tuple[str, object]:
    try:
        return "value", read()  # type: ignore[operator]
    except Exception as exc:  # the error's type and words are the outcome
        return type(exc).__name__, str(exc)


OBJECTS = st.dictionaries(st.text(max_size=5), st.text(max_size=5) | st.integers() | st.none(), max_size=4)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])


@settings(max_examples=300, deadline=None)
@given(value=OBJECTS, encoding=ENCODINGS, surrogates=st.booleans())
def test_an_object_in_any_encoding_loads_detects(value: dict[str, object], encoding: str, surrogates: bool) -> None:
    text = json.dumps(value, ensure_ascii=False)
    content = text.encode(encoding, "surrogatepass" if surrogates else "strict")
    assert outcome(raw(content).json) == outcome(lambda: json.loads(content))


@settings(max_examples=300, deadline=None)
@given(content=st.binary(max_size=24) | st.binary(max_size=24).map(lambda b: b"{" + b))
def test_any_bytes_give_json_loads_value_or_error(content: bytes) -> None:
    assert outcome(raw(content).json) == outcome(lambda: json.loads(content))


@pytest.mark.parametrize(
    "content",
    [b'{"a": "\xed\xa0\x80"}', b'{"a": 1', b"{", b'{"a":1}x', b'{\x00"\x00}\x00', b"\xef\xbb\xbf{}", b"[1]", b"{}"],
)
def test_edge_bodies(content: bytes) -> None:
    assert outcome(raw(content).json) == outcome(lambda: json.loads(content))
