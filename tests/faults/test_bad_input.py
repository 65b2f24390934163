"""Property-based checks of create_thread's arguments.

* Invalid arguments (one bad argument among valid ones) raise ValueError or TypeError
  whose message names the argument, before any request is sent: the clients' transport
  is an httpx2.MockTransport that records and fails the test if it is ever called.
* Valid combinations are accepted by the real server and read back equal (id and
  metadata, including graph_id).
"""

from __future__ import annotations

import asyncio
import datetime
import math
import uuid
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langsmith_threads_client import AsyncThreadsClient, ThreadCreateTTL, ThreadsClient, ThreadSuperstepUpdate
from langsmith_threads_client.types import ThreadCreateTTLStrategy
from scripts.agent_server.server import AgentServer
from tests.support.driver import create_once, thread_metadata
from tests.support.kinds import CLIENT_KINDS, ClientKind

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ------------------------------------------------------------------ JSON values
# No lone surrogates (not encodable as UTF-8), and no NUL: the server stores U+0000 as U+FFFD
# (observed: {"k": "a\u0000b"} reads back as "a\ufffdb"), which is its limitation, not the SDK's.
NO_SURROGATES = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
json_text = st.text(alphabet=NO_SURROGATES, max_size=16)
json_scalars = (
    st.none()
    | st.booleans()
    # The server parses with orjson: integers beyond 64 bits come back as floats.
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | json_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(json_text, children, max_size=4),
    max_leaves=12,
)
json_objects = st.dictionaries(json_text, json_values, max_size=5)


class Opaque:
    """A value JSON cannot carry."""

    def __repr__(self) -> str:
        return "Opaque()"


non_json_scalars = st.one_of(
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.builds(Opaque),
    st.binary(max_size=4),
    st.sets(st.integers(), max_size=2),
    st.just(1 + 2j),
    st.just(datetime.datetime(2024, 1, 1)),
)


@st.composite
def with_non_json_inside(draw: st.DrawFn) -> Any:
    """A JSON object with one value JSON cannot carry somewhere inside it."""
    bad = draw(non_json_scalars)
    wrap = draw(st.integers(min_value=0, max_value=2))
    value: Any = bad
    for _ in range(wrap):
        value = [value] if draw(st.booleans()) else {"k": value}
    base = draw(json_objects)
    return {**base, draw(json_text): value}


# --------------------------------------------------------------- bad arguments
def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


bad_minutes = st.one_of(
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.floats(max_value=0, allow_nan=False),
    st.integers(max_value=0),
    st.booleans(),
    st.text(max_size=5),
)
bad_strategy = st.one_of(
    st.text(max_size=12).filter(lambda s: s not in ("delete", "keep_latest")), st.integers(), st.booleans()
)

BAD_ARGUMENTS: dict[str, st.SearchStrategy[Any]] = {
    "thread_id": st.one_of(
        st.text(max_size=40).filter(lambda s: not _is_uuid(s)),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.binary(min_size=16, max_size=16),
        st.lists(st.integers(), max_size=2),
        st.builds(lambda: {"thread_id": str(uuid.uuid4())}),
    ),
    "if_exists": st.one_of(
        st.text(max_size=12).filter(lambda s: s not in ("raise", "do_nothing")),
        st.sampled_from(["RAISE", " raise", "do-nothing", "do_nothing ", "update"]),
        st.none(),
        st.integers(),
        st.booleans(),
    ),
    "ttl": st.one_of(
        bad_minutes.filter(lambda v: not isinstance(v, str)),
        st.text(max_size=5),
        st.lists(st.integers(), max_size=2),
        st.builds(lambda m: datetime.timedelta(minutes=m), st.integers(min_value=-(10**6), max_value=0)),
        st.builds(lambda m: {"ttl": m}, bad_minutes),
        st.builds(lambda s: {"strategy": s, "ttl": 5}, bad_strategy),
        st.builds(
            lambda k: {"ttl": 5, k: 1}, st.text(min_size=1, max_size=8).filter(lambda k: k not in ("ttl", "strategy"))
        ),
        st.just({}),
        st.just({"strategy": "delete"}),
        st.builds(lambda m: ThreadCreateTTL(ttl=m), bad_minutes.filter(lambda v: not isinstance(v, str))),
        st.builds(
            lambda s: ThreadCreateTTL(strategy=ThreadCreateTTLStrategy(s), ttl=5.0),
            bad_strategy.filter(lambda s: isinstance(s, str)),
        ),
    ),
    "metadata": st.one_of(
        st.lists(json_scalars, max_size=3),
        json_text,
        st.integers(),
        st.booleans(),
        st.builds(lambda pairs: tuple(pairs.items()), json_objects),
        st.dictionaries(
            st.one_of(st.integers(), st.none(), st.booleans(), st.tuples(st.integers())),
            json_values,
            min_size=1,
            max_size=3,
        ),
        with_non_json_inside(),
    ),
    "supersteps": st.one_of(
        st.dictionaries(json_text, json_values, max_size=2),
        json_text,
        st.integers(),
        st.lists(st.one_of(st.integers(), json_text, st.none()), min_size=1, max_size=2),
        st.just([{}]),
        st.just([{"updates": {"as_node": "start"}}]),
        st.just([{"updates": ["start"]}]),
        st.builds(lambda values: [{"updates": [{"values": values}]}], json_objects),  # no as_node
        st.builds(lambda node: [{"updates": [{"as_node": node}]}], st.one_of(st.just(""), st.integers(), st.none())),
        st.builds(
            lambda k: [{"updates": [{"as_node": "start", k: 1}]}],
            st.text(min_size=1, max_size=8).filter(lambda k: k not in ("as_node", "values", "command")),
        ),
        st.builds(lambda v: [{"updates": [{"as_node": "start", "values": v}]}], st.one_of(st.integers(), json_text)),
        st.builds(lambda c: [{"updates": [{"as_node": "start", "command": c}]}], st.one_of(st.integers(), json_text)),
        st.builds(lambda bad: [{"updates": [{"as_node": "start", "values": {"v": bad}}]}], non_json_scalars),
        st.just([{"updates": [ThreadSuperstepUpdate(as_node="")]}]),
    ),
    "graph_id": st.one_of(st.just(""), st.integers(), st.binary(max_size=4), st.lists(json_text, max_size=1)),
    "timeout": st.one_of(
        st.floats(max_value=0, allow_nan=False), st.just(math.nan), st.booleans(), st.text(max_size=3)
    ),
    "headers": st.one_of(
        st.lists(json_text, max_size=2),
        json_text,
        st.dictionaries(
            json_text.filter(bool), st.one_of(st.integers(), st.none(), st.binary(max_size=2)), min_size=1, max_size=2
        ),
    ),
}

valid_kwargs = st.fixed_dictionaries(
    {},
    optional={
        "thread_id": st.uuids(),
        "metadata": json_objects,
        "if_exists": st.sampled_from(["raise", "do_nothing"]),
        "ttl": st.floats(min_value=1e-3, max_value=1e6),
    },
)


@st.composite
def one_bad_argument(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(BAD_ARGUMENTS)))
    kwargs = draw(valid_kwargs)
    kwargs[name] = draw(BAD_ARGUMENTS[name])
    return name, kwargs


def _never(request: httpx2.Request) -> httpx2.Response:
    raise AssertionError(f"a request was sent: {request.method} {request.url} {request.content!r}")


def _assert_rejected(call: Callable[[], object], name: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert name in str(info.value), f"the message does not name {name!r}: {info.value!r} for {kwargs!r}"


@settings(SETTINGS, max_examples=300)  # no server involved: cheap
@given(one_bad_argument())
def test_invalid_arguments_raise_before_any_request(case: tuple[str, dict[str, Any]]) -> None:
    name, kwargs = case
    sent: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return _never(request)

    with (
        httpx2.Client(transport=httpx2.MockTransport(handler)) as http,
        ThreadsClient("http://127.0.0.1:9", http_client=http, max_retries=0) as client,
    ):
        _assert_rejected(lambda: client.create_thread(**kwargs), name, kwargs)

    async def run_async() -> None:
        async with (
            httpx2.AsyncClient(transport=httpx2.MockTransport(handler)) as ahttp,
            AsyncThreadsClient("http://127.0.0.1:9", http_client=ahttp, max_retries=0) as aclient,
        ):
            with pytest.raises((ValueError, TypeError)) as info:
                await aclient.create_thread(**kwargs)
            assert name in str(info.value), f"the message does not name {name!r}: {info.value!r}"

    asyncio.run(run_async())
    assert sent == []


# The two cases below are kept apart from the property so that each names its own problem.
def _no_request_client() -> tuple[ThreadsClient, list[httpx2.Request]]:
    sent: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return _never(request)

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    return ThreadsClient("http://127.0.0.1:9", http_client=http, max_retries=0), sent


@pytest.mark.parametrize(
    "metadata",
    [{"a": {1: "x"}}, {"a": [{None: 1}]}, {"a": {True: 1}}, {"a": {1.5: 1}}],
    ids=["int", "None", "bool", "float"],
)
def test_nested_non_string_metadata_keys_are_rejected(metadata: dict[str, Any]) -> None:
    """JSON object keys are strings at every depth; json.dumps would silently turn 1 into "1"."""
    client, sent = _no_request_client()
    with client:
        _assert_rejected(lambda: client.create_thread(metadata=metadata), "metadata", {"metadata": metadata})
    assert sent == []


@pytest.mark.parametrize("where", ["value", "key", "graph_id"])
def test_lone_surrogates_are_rejected_naming_the_argument(where: str) -> None:
    """A str with a lone surrogate cannot be sent as UTF-8 JSON."""
    bad = "x\ud800y"
    cases: dict[str, dict[str, Any]] = {
        "value": {"metadata": {"k": bad}},
        "key": {"metadata": {bad: 1}},
        "graph_id": {"graph_id": bad},
    }
    kwargs = cases[where]
    name = "graph_id" if where == "graph_id" else "metadata"
    client, sent = _no_request_client()
    with client:
        with pytest.raises((ValueError, TypeError)) as info:
            client.create_thread(**kwargs)
        assert name in str(info.value), repr(info.value)
    assert sent == []


# ---------------------------------------------------------------- valid calls
ID_FORMS: dict[str, Callable[[uuid.UUID], uuid.UUID | str]] = {
    "none": lambda u: u,  # replaced by None below
    "uuid": lambda u: u,
    "str": str,
    "upper": lambda u: str(u).upper(),
    "hex": lambda u: u.hex,
    "braces": lambda u: "{" + str(u) + "}",
    "urn": lambda u: u.urn,
}
valid_ttl = st.one_of(
    st.none(),
    st.floats(min_value=1e-3, max_value=1e6),
    st.integers(min_value=1, max_value=10**6),
    st.builds(lambda m: datetime.timedelta(minutes=m), st.integers(min_value=1, max_value=10**5)),
    st.builds(
        lambda s, m: {"ttl": m} if s is None else {"strategy": s, "ttl": m},
        st.sampled_from([None, "delete", "keep_latest"]),
        st.floats(min_value=1e-3, max_value=1e6),
    ),
    st.builds(
        lambda s, m: ThreadCreateTTL(strategy=ThreadCreateTTLStrategy(s), ttl=m),
        st.sampled_from(["delete", "keep_latest"]),
        st.floats(min_value=1e-3, max_value=1e6),
    ),
)


@SETTINGS
@given(
    kind=st.sampled_from(CLIENT_KINDS),
    id_form=st.sampled_from(sorted(ID_FORMS)),
    metadata=st.none() | json_objects,
    if_exists=st.sampled_from(["raise", "do_nothing"]),
    ttl=valid_ttl,
    graph_id=st.none() | st.text(alphabet=NO_SURROGATES, min_size=1, max_size=12),
)
def test_valid_arguments_are_accepted_and_read_back(
    dev_server: AgentServer,
    kind: ClientKind,
    id_form: str,
    metadata: dict[str, Any] | None,
    if_exists: str,
    ttl: Any,
    graph_id: str | None,
) -> None:
    fresh = uuid.uuid4()  # not drawn by hypothesis: examples must never collide on the server
    thread_id = None if id_form == "none" else ID_FORMS[id_form](fresh)
    if graph_id is not None and metadata is not None and "graph_id" in metadata:
        metadata = {**metadata, "graph_id": graph_id}  # equal, so not a conflict
    expected = dict(metadata or {})
    if graph_id is not None:
        expected["graph_id"] = graph_id
    kwargs = {"thread_id": thread_id, "metadata": metadata, "if_exists": if_exists, "ttl": ttl, "graph_id": graph_id}

    result = create_once(kind, dev_server.base_url, kwargs, max_retries=0)

    assert result.thread is not None, result.describe()
    thread = result.thread
    if thread_id is not None:
        assert thread.thread_id == fresh
    else:
        assert thread.thread_id.version == 7
    assert thread_metadata(thread) == expected
    stored = dev_server.get_thread(thread.thread_id)
    assert stored is not None
    assert stored["thread_id"] == str(thread.thread_id)
    assert stored["metadata"] == expected
