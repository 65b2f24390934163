"""Every date-time RFC 3339 allows (section 5.6) parses, in the generated models and on each client.

RFC 3339: `T` and `Z` may be lower case, the offset is `Z` or `+hh:mm`/`-hh:mm` (`-00:00`
too), the fraction of a second has any number of digits, and the second may be 60 (a leap
second). The standard library's `datetime.fromisoformat` is the fast path; what it refuses
(a lower-case `z`) goes to python-dateutil's `isoparse`.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import httpx2
import pytest

from langsmith_threads_client import AsyncThreadsClient, DefaultAioHttpClient, Thread
from langsmith_threads_client._generated.types import parse_datetime
from tests.unit.conftest import DriverFactory
from tests.unit.loopback import answer_each, loopback, response
from tests.unit.mock_server import MockServer
from tests.unit.mocks import real_thread_body, sent_json

UTC = datetime.UTC


def at(offset_minutes: int = 0, microsecond: int = 0, second: int = 0) -> datetime.datetime:
    tz = datetime.timezone(datetime.timedelta(minutes=offset_minutes))
    return datetime.datetime(2026, 12, 1, 7, 0, second, microsecond, tzinfo=tz)


SPELLINGS: list[tuple[str, datetime.datetime]] = [
    # The letters T and Z in either case (RFC 3339 5.6, the note under the ABNF).
    ("2026-12-01T07:00:00Z", at()),
    ("2026-12-01t07:00:00Z", at()),
    ("2026-12-01T07:00:00z", at()),
    ("2026-12-01t07:00:00z", at()),
    ("2026-12-01t07:00:00.5z", at(microsecond=500000)),  # the answer
    # Numeric offsets, both signs, and -00:00 (UTC, the local offset unknown).
    ("2026-12-01T07:00:00+00:00", at()),
    ("2026-12-01T07:00:00-00:00", at()),
    ("2026-12-01T07:00:00+05:30", at(330)),
    ("2026-12-01T07:00:00-08:00", at(-480)),
    ("2026-12-01t07:00:00+14:00", at(840)),
    ("2026-12-01T07:00:00-12:00", at(-720)),
    # A fraction of any length: cut to microseconds, the most datetime holds.
    ("2026-12-01T07:00:00.1Z", at(microsecond=100000)),
    ("2026-12-01T07:00:00.12Z", at(microsecond=120000)),
    ("2026-12-01T07:00:00.123z", at(microsecond=123000)),
    ("2026-12-01T07:00:00.1234+00:00", at(microsecond=123400)),
    ("2026-12-01T07:00:00.12345-00:00", at(microsecond=123450)),
    ("2026-12-01T07:00:00.123456+00:00", at(microsecond=123456)),  # what the dev server sends
    ("2026-12-01T07:00:00.1234567Z", at(microsecond=123456)),
    ("2026-12-01t07:00:00.123456789z", at(microsecond=123456)),
    ("2026-12-01T07:00:00.000000000001+05:30", at(330)),
    ("2026-12-01T07:00:00.999999999-08:00", at(-480, microsecond=999999)),
    # A leap second: datetime has no 60th second, so it is the last microsecond of the 59th.
    ("2026-12-01T07:00:60Z", at(second=59, microsecond=999999)),
    ("2026-12-01t07:00:60.5z", at(second=59, microsecond=999999)),
]
LOWER_CASE = "2026-12-01t07:00:00.5z"


@pytest.mark.parametrize(("text", "expected"), SPELLINGS, ids=[text for text, _ in SPELLINGS])
def test_every_rfc3339_spelling_parses(text: str, expected: datetime.datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("text", "expected"), SPELLINGS, ids=[text for text, _ in SPELLINGS])
def test_every_datetime_field_of_a_thread_takes_it(text: str, expected: datetime.datetime) -> None:
    thread = Thread.from_dict(real_thread_body(created_at=text, updated_at=text, state_updated_at=text))
    assert thread.created_at == thread.updated_at == thread.state_updated_at == expected


@pytest.mark.parametrize("text", ["2026-12-01T25:00:00Z", "yesterday", "2026-12-01T07:00:61Z", ""])
def test_what_is_not_a_date_time_is_still_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text)


def test_a_value_that_is_not_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_datetime(1733036400)  # type: ignore[arg-type]


def lower_case_answer(request: httpx2.Request) -> httpx2.Response:
    body = real_thread_body(thread_id=sent_json(request)["thread_id"], created_at=LOWER_CASE, updated_at=LOWER_CASE)
    return httpx2.Response(200, json=body)


def test_both_httpx2_clients_return_a_thread_with_lower_case_t_and_z(
    make_client: DriverFactory, api: MockServer
) -> None:
    api.post("/threads").mock(side_effect=lower_case_answer)
    thread = make_client().create_thread()
    assert thread.created_at == thread.updated_at == at(microsecond=500000)


async def test_the_aiohttp_transport_returns_a_thread_with_lower_case_t_and_z() -> None:
    def answer(head: str, body: bytes) -> bytes:
        sent: dict[str, Any] = json.loads(body)
        thread = real_thread_body(thread_id=sent["thread_id"], created_at=LOWER_CASE, updated_at=LOWER_CASE)
        return response(200, json.dumps(thread).encode())

    async with loopback(lambda conn: answer_each(conn, answer)) as server:
        async with (
            DefaultAioHttpClient() as http,
            AsyncThreadsClient(server.base_url, api_key=None, http_client=http) as client,
        ):
            thread = await client.create_thread()
    assert thread.created_at == at(microsecond=500000)
