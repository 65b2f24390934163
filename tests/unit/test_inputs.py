"""Inputs that used to escape the promised errors, and error messages that copied huge values.

Each raises ValueError or TypeError naming the argument (or the environment variable),
with a short message, before anything is sent.
"""

from __future__ import annotations

import math
from typing import Any

import httpx2
import pytest

from langsmith_threads_client import APITimeoutError, AsyncThreadsClient, ThreadsClient
from tests.unit.conftest import DriverFactory
from tests.unit.mock_server import MockServer
from tests.unit.mocks import BASE_URL, sent_json, thread_answer

BIG = 10_000_000
# A message may name the argument, the rule and a cut repr of the value: never the value whole.
MAX_MESSAGE = 400


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def _nested_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def _refused(
    make_client: DriverFactory, api: MockServer, kwargs: dict[str, Any], error: type[Exception], named: str
) -> str:
    route = api.post("/threads").mock(side_effect=thread_answer)
    client = make_client()
    with pytest.raises(error) as caught:
        client.create_thread(**kwargs)
    message = str(caught.value)
    assert named in message
    assert len(message) <= MAX_MESSAGE, f"{len(message)} characters: {message[:300]}..."
    assert route.call_count == 0, "nothing is sent"
    return message


# --- JSON nesting: a deep value is a ValueError, not a RecursionError


@pytest.mark.parametrize("depth", [101, 2000, 100_000])
def test_metadata_nested_deeper_than_the_limit_is_refused(
    make_client: DriverFactory, api: MockServer, depth: int
) -> None:
    message = _refused(make_client, api, {"metadata": _nested(depth)}, ValueError, "metadata")
    assert "100 levels" in message


def test_metadata_at_the_nesting_limit_is_sent(make_client: DriverFactory, api: MockServer) -> None:
    route = api.post("/threads").mock(side_effect=thread_answer)
    given = [_nested(100), {"a": _nested_list(99)}]
    made = [make_client().create_thread(metadata=metadata) for metadata in given]
    sent = [sent_json(call.request) for call in route.calls]
    assert [body["metadata"] for body in sent] == given  # sent whole, one request each
    assert [str(thread.thread_id) for thread in made] == [body["thread_id"] for body in sent]


def test_superstep_values_nested_2000_deep_are_refused(make_client: DriverFactory, api: MockServer) -> None:
    supersteps = [{"updates": [{"as_node": "start", "values": {"deep": _nested_list(2000)}}]}]
    message = _refused(make_client, api, {"supersteps": supersteps}, ValueError, "supersteps")
    assert "100 levels" in message


# --- header values HTTP cannot carry, the API key included; the value is never echoed

SECRET = "s3cr3t-value"
BAD_VALUES = [
    f"{SECRET}\n",
    f"{SECRET}\r\nx-evil: 1",
    f"{SECRET}\x00",
    f"{SECRET}\x7f",
    f"{SECRET}é",
    f"{SECRET}\u2603",
    f" {SECRET}",
    f"{SECRET}\t",
]


@pytest.mark.parametrize("value", BAD_VALUES)
def test_an_api_key_http_cannot_carry_is_refused_without_echoing_it(value: str) -> None:
    for client_class in (ThreadsClient, AsyncThreadsClient):
        with pytest.raises(ValueError, match="api_key") as caught:
            client_class(base_url=BASE_URL, api_key=value)
        assert SECRET not in str(caught.value)


@pytest.mark.parametrize("variable", ["LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"])
def test_an_api_key_from_the_environment_http_cannot_carry_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    for name in ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, f"{SECRET}\n")
    with pytest.raises(ValueError, match=variable) as caught:
        ThreadsClient(base_url=BASE_URL)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_header_value_http_cannot_carry_is_refused_on_the_client_and_on_a_call(
    make_client: DriverFactory, api: MockServer, value: str
) -> None:
    with pytest.raises(ValueError, match="headers") as caught:
        ThreadsClient(base_url=BASE_URL, headers={"authorization": value})
    assert "authorization" in str(caught.value) and SECRET not in str(caught.value)
    message = _refused(make_client, api, {"headers": {"authorization": value}}, ValueError, "authorization")
    assert SECRET not in message


@pytest.mark.parametrize("name", ["bad name", "x:y", "", "x\n", "é", " " + "a" * BIG])
def test_a_header_name_http_cannot_carry_is_refused(make_client: DriverFactory, api: MockServer, name: str) -> None:
    _refused(make_client, api, {"headers": {name: "v"}}, ValueError, "headers")


@pytest.mark.parametrize("headers", [{"x-a": b"secret" * BIG}, {b"x-a": "v"}, {"x-a": None}])
def test_a_header_that_is_not_text_is_a_type_error_without_its_value(
    make_client: DriverFactory, api: MockServer, headers: dict[Any, Any]
) -> None:
    message = _refused(make_client, api, {"headers": headers}, TypeError, "headers")
    assert "secret" not in message


def test_header_values_with_inner_spaces_and_visible_ascii_are_sent(
    make_client: DriverFactory, api: MockServer
) -> None:
    route = api.post("/threads").mock(side_effect=thread_answer)
    value = 'Bearer abc.DEF-123_~+/= "quoted"; q=0.5, !#$%&*^|`'
    make_client(headers={"x-client": "a b\tc"}).create_thread(headers={"authorization": value})
    assert route.calls.last.request.headers["authorization"] == value
    assert route.calls.last.request.headers["x-client"] == "a b\tc"


# --- timeouts: finite and positive; None parts mean no limit, as in httpx2

BAD_TIMEOUTS: list[tuple[object, str]] = [
    (math.inf, "timeout"),
    (-math.inf, "timeout"),
    (math.nan, "timeout"),
    (0, "timeout"),
    (httpx2.Timeout(0), "timeout.connect"),
    (httpx2.Timeout(5.0, connect=0), "timeout.connect"),
    (httpx2.Timeout(5.0, read=-1), "timeout.read"),
    (httpx2.Timeout(5.0, write=math.nan), "timeout.write"),
    (httpx2.Timeout(5.0, pool=math.inf), "timeout.pool"),
]


@pytest.mark.parametrize(("timeout", "named"), BAD_TIMEOUTS)
def test_a_timeout_that_is_not_positive_and_finite_is_refused(
    make_client: DriverFactory, api: MockServer, timeout: object, named: str
) -> None:
    with pytest.raises(ValueError, match=named.replace(".", r"\.")):
        ThreadsClient(base_url=BASE_URL, timeout=timeout)  # type: ignore[arg-type]
    _refused(make_client, api, {"timeout": timeout}, ValueError, named)


def test_a_users_http_client_with_a_zero_timeout_is_refused_naming_it() -> None:
    with httpx2.Client(timeout=httpx2.Timeout(5.0, connect=0)) as http, pytest.raises(ValueError) as caught:
        ThreadsClient(base_url=BASE_URL, http_client=http)
    assert "http_client.timeout.connect" in str(caught.value)


@pytest.mark.parametrize("timeout", [httpx2.Timeout(None), httpx2.Timeout(5.0, pool=None), 0.001, 10**6])
def test_none_parts_and_positive_finite_numbers_are_accepted(
    make_client: DriverFactory, api: MockServer, timeout: float | httpx2.Timeout
) -> None:
    route = api.post("/threads").mock(side_effect=thread_answer)
    try:
        thread = make_client(timeout=timeout).create_thread(timeout=timeout)
    except APITimeoutError as exc:
        # Accepted and applied, not refused: 1 ms is a whole attempt's bound, which a busy
        # machine can pass in every attempt (seen beside the xdist workers).
        assert timeout == 0.001, exc
        assert "0.001 s" in str(exc)
        thread = None
    # Sent (a refused value sends nothing), every attempt carrying the timeout as given.
    assert route.calls
    assert [call.request.extensions["timeout"] for call in route.calls] == [httpx2.Timeout(timeout).as_dict()] * len(
        route.calls
    )
    if thread is not None:
        assert str(thread.thread_id) == sent_json(route.calls.last.request)["thread_id"]


# --- base_url, and the environment variable it falls back to


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:2024/?tenant=a", "http://127.0.0.1:2024/api?x", "http://127.0.0.1:2024/#frag"]
)
def test_a_base_url_with_a_query_or_fragment_is_refused_rather_than_dropped(url: str) -> None:
    with pytest.raises(ValueError, match="base_url") as caught:
        ThreadsClient(base_url=url)
    assert "query" in str(caught.value) or "fragment" in str(caught.value)


@pytest.mark.parametrize("url", ["not a url", "ftp://example.test", "http://[::1", "http://", "x" * BIG])
def test_a_bad_url_in_the_environment_names_the_variable(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("LANGGRAPH_API_URL", url)
    with pytest.raises(ValueError, match="LANGGRAPH_API_URL") as caught:
        ThreadsClient()
    assert len(str(caught.value)) <= MAX_MESSAGE
    if url == "not a url":
        assert "'not a url'" in str(caught.value)


@pytest.mark.parametrize("url", ["http://[::1", "http://host:port", "http://"])
def test_an_unparseable_base_url_is_a_value_error_naming_it(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        ThreadsClient(base_url=url)


def test_a_base_url_that_is_not_text_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="base_url"):
        ThreadsClient(base_url=2024)  # type: ignore[arg-type]


def test_a_password_in_a_refused_base_url_is_not_echoed() -> None:
    with pytest.raises(ValueError, match="base_url") as caught:
        ThreadsClient(base_url="http://user:hunter2@127.0.0.1:2024/?x=1")
    assert "hunter2" not in str(caught.value)


# --- messages never copy a huge value

HUGE: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"metadata": {"blob": b"x" * BIG}}, TypeError, "metadata['blob']"),
    ({"metadata": {"blob": bytearray(BIG)}}, TypeError, "metadata['blob']"),
    ({"metadata": {"k" * BIG: {1, 2}}}, TypeError, "metadata["),
    ({"metadata": {b"k" * BIG: 1}}, TypeError, "metadata keys"),
    ({"metadata": {"a": [b"x" * BIG]}}, TypeError, "metadata['a'][0]"),
    ({"metadata": {"a": set(range(100_000))}}, TypeError, "metadata['a']"),
    ({"thread_id": "x" * BIG}, ValueError, "thread_id"),
    ({"if_exists": "x" * BIG}, ValueError, "if_exists"),
    ({"graph_id": "g" * BIG, "metadata": {"graph_id": "h" * BIG}}, ValueError, "graph_id"),
    ({"ttl": {"strategy": "s" * BIG, "ttl": 5}}, ValueError, "strategy"),
    ({"ttl": {"ttl": 5, "k" * BIG: 1}}, ValueError, "ttl"),
    ({"supersteps": [{"updates": [{"as_node": b"n" * BIG}]}]}, ValueError, "as_node"),
    ({"supersteps": [{"updates": [{"as_node": "a", "k" * BIG: 1}]}]}, ValueError, "supersteps[0].updates[0]"),
    ({"supersteps": [{"updates": [{"as_node": "a", "values": {"v": b"x" * BIG}}]}]}, TypeError, "supersteps"),
    ({"timeout": 10**5000}, ValueError, "timeout"),
]


@pytest.mark.parametrize(("kwargs", "error", "named"), HUGE, ids=[str(n) for n in range(len(HUGE))])
def test_a_message_about_a_huge_value_is_short(
    make_client: DriverFactory, api: MockServer, kwargs: dict[str, Any], error: type[Exception], named: str
) -> None:
    _refused(make_client, api, kwargs, error, named)


def test_the_huge_blob_message_says_type_and_size() -> None:
    with pytest.raises(TypeError) as caught:
        ThreadsClient(base_url=BASE_URL, api_key=None).create_thread(metadata={"blob": b"x" * BIG})
    message = str(caught.value)
    assert "bytes" in message and "10,000,000" in message and len(message) <= MAX_MESSAGE
