"""The fake's faults, for testing retry code: what each does to a request, and the SDK's exactly-once across them.

A fault is queued for the next ``POST /threads`` requests (FIFO, one per request) and
recorded in ``fake.faults_applied`` when it meets one, with whether the thread was stored.
The SDK tests run with every client and plug; the raw tests pin the httpx2 error each
fault gives, on the transport and on a real socket alike.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from langsmith_threads_client import (
    APIConnectionError,
    ConflictError,
    InternalServerError,
    RateLimitError,
    SuperstepsOutcomeUnknownError,
)
from langsmith_threads_client.testing import FakeAgentServer, FaultRecord
from tests.support.driver import Driver
from tests.support.graph import GRAPH_ID, HI
from tests.testing.plugs import FAKE_URL, MakeDriver


def posts(fake: FakeAgentServer) -> list[dict[str, Any]]:
    return [request.body for request in fake.requests if request.path == "/threads"]


# ----------------------------------------------------------------------------- through the SDK
def test_a_503_with_retry_after_is_retried_at_once_and_stores_nothing_itself(
    sdk: Driver, fake: FakeAgentServer
) -> None:
    fake.fail_next(503, retry_after=0)
    thread = sdk.create_thread(metadata={"job": "a"})

    assert fake.faults_applied == [FaultRecord("fail", False, str(thread.thread_id))]
    assert [t["thread_id"] for t in fake.threads] == [str(thread.thread_id)]
    sent = posts(fake)
    assert len(sent) == 2 and sent[0] == sent[1]  # the same request again
    assert fake.faults_pending == 0


def test_failures_beyond_the_retries_raise_and_leave_nothing(make_sdk: MakeDriver, fake: FakeAgentServer) -> None:
    sdk = make_sdk(max_retries=2)
    fake.fail_next(500, times=3, retry_after=0)
    with pytest.raises(InternalServerError) as caught:
        sdk.create_thread()
    assert caught.value.status_code == 500
    assert caught.value.detail == "Internal Server Error"  # the default body: {"detail": <reason phrase>}
    assert [record.kind for record in fake.faults_applied] == ["fail"] * 3
    assert fake.threads == []


def test_a_failure_answers_the_body_it_is_given(make_sdk: MakeDriver, fake: FakeAgentServer) -> None:
    sdk = make_sdk(max_retries=0)
    fake.fail_next(429, body="slow down")
    with pytest.raises(RateLimitError) as caught:
        sdk.create_thread()
    assert caught.value.detail == "slow down"
    assert caught.value.response.headers["content-type"].startswith("text/plain")
    fake.fail_next(503, body={"detail": "maintenance", "until": 5})
    with pytest.raises(InternalServerError) as unavailable:  # 5xx
        sdk.create_thread()
    assert unavailable.value.detail == "maintenance"


def test_a_reset_before_storing_is_retried_and_makes_one_thread(sdk: Driver, fake: FakeAgentServer) -> None:
    fake.reset_next()
    thread = sdk.create_thread(metadata={"job": "b"})
    assert fake.faults_applied == [FaultRecord("reset", False, str(thread.thread_id))]
    assert [t["thread_id"] for t in fake.threads] == [str(thread.thread_id)]


def test_a_reset_after_storing_is_retried_and_gets_the_same_thread_back(sdk: Driver, fake: FakeAgentServer) -> None:
    fake.reset_next(after_store=True)
    thread = sdk.create_thread(metadata={"job": "c"})
    assert fake.faults_applied == [FaultRecord("reset", True, str(thread.thread_id))]
    assert [t["thread_id"] for t in fake.threads] == [str(thread.thread_id)]
    assert [body["if_exists"] for body in posts(fake)] == ["do_nothing", "do_nothing"]


def test_exactly_once_across_a_lost_response(sdk: Driver, fake: FakeAgentServer) -> None:
    fake.lose_next_response()
    thread = sdk.create_thread(metadata={"job": "d"})

    assert fake.faults_applied == [FaultRecord("lost", True, str(thread.thread_id))]
    assert len(fake.threads) == 1
    assert fake.threads[0]["thread_id"] == str(thread.thread_id)
    assert fake.threads[0]["metadata"] == {"job": "d"}


def test_exactly_once_with_supersteps_across_a_lost_response_applies_them_once(
    sdk: Driver, fake: FakeAgentServer
) -> None:
    fake.lose_next_response()
    with pytest.raises(SuperstepsOutcomeUnknownError) as caught:
        sdk.create_thread(graph_id=GRAPH_ID, supersteps=[HI])
    thread = caught.value.thread  # the SDK cannot know the lost attempt ran them: never returned

    assert len(fake.threads) == 1
    state = fake.state(thread.thread_id)
    assert state is not None and state["values"] == {"messages": ["hi"], "count": 1}  # not ["hi", "hi"]
    # The SDK sent "raise", met its own thread (409), and fetched it without the supersteps.
    assert [(b["if_exists"], "supersteps" in b) for b in posts(fake)] == [
        ("raise", True),
        ("raise", True),
        ("do_nothing", False),
    ]


@pytest.mark.parametrize("status", [500, 502, 504])
def test_fail_after_store_acts_then_answers_the_status(sdk: Driver, fake: FakeAgentServer, status: int) -> None:
    # A server that stores the thread and applies the supersteps, then answers an error.
    fake.fail_next(status, after_store=True)
    with pytest.raises(SuperstepsOutcomeUnknownError) as caught:
        sdk.create_thread(graph_id=GRAPH_ID, supersteps=[HI])
    error = caught.value
    assert fake.faults_applied == [FaultRecord("fail", True, str(error.thread_id))]
    assert [t["thread_id"] for t in fake.threads] == [str(error.thread_id)]
    state = fake.state(error.thread_id)
    assert state is not None and state["values"] == {"messages": ["hi"], "count": 1}, "applied once"
    assert error.lost_failure.startswith(str(status))


def test_fail_after_store_without_supersteps_is_the_calls_success(sdk: Driver, fake: FakeAgentServer) -> None:
    fake.fail_next(500, after_store=True)
    thread = sdk.create_thread(metadata={"job": "a"})
    assert fake.faults_applied == [FaultRecord("fail", True, str(thread.thread_id))]
    assert [t["thread_id"] for t in fake.threads] == [str(thread.thread_id)]


def test_a_non_list_written_over_a_list_fails_after_the_thread_is_stored(sdk: Driver, fake: FakeAgentServer) -> None:
    # As the dev server does for the echo graph's `messages` (an operator.add reducer): a
    # plain-text 500, the thread kept with the supersteps before the failing one applied.
    steps = [
        {"updates": [{"as_node": "start", "values": {"messages": ["a"]}}]},
        {"updates": [{"as_node": "start", "values": {"messages": "b"}}]},
    ]
    with pytest.raises(SuperstepsOutcomeUnknownError) as caught:
        sdk.create_thread(graph_id=GRAPH_ID, supersteps=steps)
    assert caught.value.lost_failure == "500 Internal Server Error: Internal Server Error"
    state = fake.state(caught.value.thread_id)
    assert state is not None and state["values"] == {"messages": ["a"]}, "half applied, as the server leaves it"


def test_a_declared_list_channel_fails_on_a_fresh_thread_too() -> None:
    fake = FakeAgentServer(graphs={GRAPH_ID: ["start", "step"]}, list_channels={GRAPH_ID: ["messages"]})
    body = {
        "metadata": {"graph_id": GRAPH_ID},
        "supersteps": [{"updates": [{"as_node": "start", "values": {"messages": "b"}}]}],
    }
    with httpx2.Client(transport=fake.transport(), base_url=FAKE_URL) as raw:
        answer = raw.post("/threads", json=body)
    assert (answer.status_code, answer.text) == (500, "Internal Server Error")
    assert len(fake.threads) == 1, "stored before the superstep failed"


def test_list_channels_must_name_known_graphs() -> None:
    with pytest.raises(ValueError, match="names graph 'other'"):
        FakeAgentServer(graphs={GRAPH_ID: ["start"]}, list_channels={"other": ["messages"]})
    with pytest.raises(TypeError, match="must be channel names"):
        FakeAgentServer(graphs={GRAPH_ID: ["start"]}, list_channels={GRAPH_ID: "messages"})


def test_a_lost_response_to_the_callers_own_id_with_raise_is_a_conflict_after_lost_response(
    sdk: Driver, fake: FakeAgentServer
) -> None:
    thread_id = uuid.uuid4()
    fake.lose_next_response()
    with pytest.raises(ConflictError) as caught:
        sdk.create_thread(thread_id=thread_id)
    assert caught.value.after_lost_response is True
    assert caught.value.thread_id == thread_id
    assert [t["thread_id"] for t in fake.threads] == [str(thread_id)]


def test_a_delay_past_the_timeout_stores_the_thread_and_the_retry_gets_it(
    make_sdk: MakeDriver, fake: FakeAgentServer
) -> None:
    sdk = make_sdk(timeout=0.3)
    fake.delay_next(2.0)
    started = time.monotonic()
    thread = sdk.create_thread(metadata={"job": "e"})

    assert time.monotonic() - started < 2.0  # the client gave up waiting, then retried
    assert fake.faults_applied == [FaultRecord("delay", True, str(thread.thread_id))]
    assert [t["thread_id"] for t in fake.threads] == [str(thread.thread_id)]


def test_a_delay_within_the_timeout_is_only_slow(sdk: Driver, fake: FakeAgentServer) -> None:
    fake.delay_next(0.2)
    started = time.monotonic()
    sdk.create_thread()
    assert time.monotonic() - started >= 0.2
    assert len(fake.requests) == 1 and len(fake.threads) == 1


def test_retries_running_out_on_lost_responses_leave_one_thread_to_finish(
    make_sdk: MakeDriver, fake: FakeAgentServer
) -> None:
    sdk = make_sdk(max_retries=1)
    fake.lose_next_response(times=2)
    with pytest.raises(APIConnectionError) as caught:
        sdk.create_thread(metadata={"job": "f"})
    thread_id = caught.value.thread_id
    assert thread_id is not None
    assert [t["thread_id"] for t in fake.threads] == [str(thread_id)]
    # The README's continuation finishes it without a second thread.
    assert sdk.create_thread(thread_id=thread_id, if_exists="do_nothing", metadata={"job": "f"}).thread_id == thread_id
    assert len(fake.threads) == 1


def test_faults_apply_in_order_one_per_request(make_sdk: MakeDriver, fake: FakeAgentServer) -> None:
    sdk = make_sdk(max_retries=3)
    fake.fail_next(503, retry_after=0)
    fake.lose_next_response()
    fake.fail_next(429, retry_after=0)
    thread = sdk.create_thread()
    tid = str(thread.thread_id)
    assert fake.faults_applied == [("fail", False, tid), ("lost", True, tid), ("fail", False, tid)]
    assert len(posts(fake)) == 4
    assert len(fake.threads) == 1


# ----------------------------------------------------------------------------- what a fault does, raw
@pytest.fixture(params=["transport", "serve"])
def http(request: pytest.FixtureRequest, fake: FakeAgentServer) -> Iterator[httpx2.Client]:
    """Plain httpx2 on the fake: through its transport, or over a socket to ``fake.serve()``."""
    if request.param == "transport":
        with httpx2.Client(transport=fake.transport(), base_url=FAKE_URL) as client:
            yield client
    else:
        with fake.serve() as base_url, httpx2.Client(base_url=base_url, trust_env=False) as client:
            yield client


def test_a_reset_is_a_read_error(http: httpx2.Client, fake: FakeAgentServer) -> None:
    fake.reset_next()
    with pytest.raises(httpx2.ReadError):
        http.post("/threads", json={})
    assert fake.threads == []
    assert http.post("/threads", json={}).status_code == 200  # the next request is answered


def test_a_lost_response_is_a_disconnect_without_an_answer(http: httpx2.Client, fake: FakeAgentServer) -> None:
    fake.lose_next_response()
    with pytest.raises(httpx2.RemoteProtocolError, match="without sending a response"):
        http.post("/threads", json={"thread_id": "9af2a2aa-780c-45e9-acc3-dbab8588976b"})
    assert fake.faults_applied == [("lost", True, "9af2a2aa-780c-45e9-acc3-dbab8588976b")]
    assert http.get("/threads/9af2a2aa-780c-45e9-acc3-dbab8588976b").status_code == 200


def test_a_delay_past_the_read_timeout_is_a_read_timeout(http: httpx2.Client, fake: FakeAgentServer) -> None:
    fake.delay_next(2.0)
    with pytest.raises(httpx2.ReadTimeout):
        http.post("/threads", json={}, timeout=httpx2.Timeout(5.0, read=0.2))
    assert len(fake.threads) == 1  # acted on before the wait


def test_a_fault_that_meets_a_bad_request_records_what_it_did(http: httpx2.Client, fake: FakeAgentServer) -> None:
    fake.lose_next_response()
    fake.fail_next(503)
    with pytest.raises(httpx2.RemoteProtocolError):
        http.post("/threads", json={"thread_id": "not-a-uuid"})  # acted on: a 422, lost
    answer = http.post("/threads", json={})
    assert answer.status_code == 503 and answer.json() == {"detail": "Service Unavailable"}
    assert fake.faults_applied == [("lost", False, None), ("fail", False, None)]


def test_faults_wait_for_post_threads_only(http: httpx2.Client, fake: FakeAgentServer) -> None:
    fake.fail_next(503, retry_after="Wed, 21 Oct 2037 07:28:00 GMT")
    assert http.get("/ok").status_code == 200
    assert http.post("/threads/search", json={}).status_code == 200
    assert fake.faults_pending == 1
    answer = http.post("/threads", json={})
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "Wed, 21 Oct 2037 07:28:00 GMT"
    assert fake.faults_pending == 0


def test_reset_forgets_queued_faults_and_their_records(fake: FakeAgentServer, raw: httpx2.Client) -> None:
    fake.fail_next(500)
    raw.post("/threads", json={})
    fake.reset_next(times=3)
    fake.reset()
    assert (fake.faults_pending, fake.faults_applied, fake.requests, fake.threads) == (0, [], [], [])
    assert raw.post("/threads", json={}).status_code == 200


@pytest.mark.parametrize(
    "call",
    [
        lambda fake: fake.fail_next(99),
        lambda fake: fake.fail_next(600),
        lambda fake: fake.fail_next(True),
        lambda fake: fake.fail_next(503, retry_after=-1),
        lambda fake: fake.fail_next(503, times=0),
        lambda fake: fake.reset_next(times=-1),
        lambda fake: fake.lose_next_response(times=1.5),
        lambda fake: fake.delay_next(-1),
        lambda fake: fake.delay_next(float("inf")),
    ],
    ids=["status 99", "status 600", "status True", "negative retry_after", "times 0", "times -1", "times 1.5",
         "negative delay", "infinite delay"],
)  # fmt: skip
def test_a_fault_that_makes_no_sense_is_refused(fake: FakeAgentServer, call: object) -> None:
    with pytest.raises(ValueError):
        call(fake)  # type: ignore[operator]
    assert fake.faults_pending == 0
