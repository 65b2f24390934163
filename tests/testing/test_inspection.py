"""Looking at what the fake holds: over its REST endpoints, as tests look at a real server, and from Python.

The REST half is what ``scripts/agent_server/inspector.py`` (the conformance suite's view
of a server) calls: ``GET /ok``, ``GET /threads/{id}[?include=ttl]``, ``GET
/threads/{id}/state``, ``POST /threads/search`` with its paging headers and ``POST
/threads/count``; the inspector itself is run against ``fake.serve()`` too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx2
import pytest

from langsmith_threads_client.testing import FakeAgentServer, RecordedRequest
from scripts.agent_server.inspector import ThreadInspector
from tests.support.graph import HI
from tests.testing.plugs import FAKE_URL

GRAPH = {"graph_id": "echo"}


def create(raw: httpx2.Client, **body: object) -> dict[str, object]:
    answer = raw.post("/threads", json=body)
    assert answer.status_code == 200, answer.text
    thread: dict[str, object] = answer.json()
    return thread


# ----------------------------------------------------------------------------- health, get, state
def test_health(raw: httpx2.Client) -> None:
    answer = raw.get("/ok")
    assert (answer.status_code, answer.content) == (200, b'{"ok":true,"services":{}}')
    assert raw.head("/ok").content == b""


def test_get_a_thread_is_the_create_answer_and_ttl_changes_nothing(raw: httpx2.Client) -> None:
    created = raw.post("/threads", json={"metadata": {"u": 1}, "ttl": {"strategy": "delete", "ttl": 5}})
    thread_id = created.json()["thread_id"]
    assert raw.get(f"/threads/{thread_id}").content == created.content
    assert raw.get(f"/threads/{thread_id}", params={"include": "ttl"}).content == created.content
    head = raw.head(f"/threads/{thread_id}")
    assert head.content == b"" and head.headers["content-length"] == str(len(created.content))


def test_get_what_is_not_there(raw: httpx2.Client) -> None:
    missing = uuid.uuid4()
    answer = raw.get(f"/threads/{missing}")
    assert (answer.status_code, answer.json()) == (404, {"detail": f"Thread with ID {missing} not found"})
    assert raw.get(f"/threads/{missing}/state").status_code == 404
    answer = raw.get("/threads/not-a-uuid")
    assert (answer.status_code, answer.json()) == (422, {"detail": "Invalid thread ID: must be a UUID"})


def test_the_state_of_a_plain_thread_is_empty(raw: httpx2.Client) -> None:
    thread = create(raw)
    assert raw.get(f"/threads/{thread['thread_id']}/state").json() == {
        "values": {}, "next": [], "tasks": [], "metadata": None, "created_at": None, "checkpoint": None,
        "parent_checkpoint": None, "interrupts": [], "checkpoint_id": None, "parent_checkpoint_id": None,
    }  # fmt: skip


def test_the_state_after_a_superstep(raw: httpx2.Client) -> None:
    thread = create(raw, metadata=GRAPH, supersteps=[HI])
    state = raw.get(f"/threads/{thread['thread_id']}/state").json()
    assert state["values"] == {"messages": ["hi"], "count": 1}
    assert state["next"] == ["step"]
    assert state["metadata"] == {"graph_id": "echo", "thread_id": thread["thread_id"], "source": "update", "step": 0,
                                 "parents": {}}  # fmt: skip
    assert state["checkpoint"] == {"checkpoint_id": state["checkpoint_id"], "thread_id": thread["thread_id"],
                                   "checkpoint_ns": ""}  # fmt: skip
    assert uuid.UUID(state["checkpoint_id"]).version == 6
    assert state["parent_checkpoint"] is None


def test_the_state_of_a_thread_whose_graph_is_unknown_is_a_404(raw: httpx2.Client) -> None:
    thread = create(raw, metadata={"graph_id": "nope"})
    answer = raw.get(f"/threads/{thread['thread_id']}/state")
    assert (answer.status_code, answer.json()) == (404, {"detail": "Graph 'nope' not found. Expected one of: ['echo']"})


# ----------------------------------------------------------------------------- search and count
@pytest.fixture
def five(raw: httpx2.Client) -> list[dict[str, object]]:
    """Five threads, the third with supersteps (interrupted), all with metadata {"set": "five", "n": i}."""
    made = []
    for n in range(5):
        extra = {"supersteps": [HI]} if n == 2 else {}
        made.append(create(raw, metadata={"set": "five", "n": n, **(GRAPH if n == 2 else {})}, **extra))
    create(raw, metadata={"set": "other"})
    return made


def ids(answer: httpx2.Response) -> list[object]:
    return [thread["thread_id"] for thread in answer.json()]


def test_search_filters_by_metadata_containment_newest_first(raw: httpx2.Client, five: list[dict[str, object]]) -> None:
    answer = raw.post("/threads/search", json={"metadata": {"set": "five"}})
    assert ids(answer) == [t["thread_id"] for t in reversed(five)]
    assert answer.headers["x-pagination-total"] == "5"
    assert "x-pagination-next" not in answer.headers
    assert ids(raw.post("/threads/search", json={"metadata": {"set": "five", "n": 3}})) == [five[3]["thread_id"]]


def test_search_pages_with_the_servers_headers(raw: httpx2.Client, five: list[dict[str, object]]) -> None:
    first = raw.post("/threads/search", json={"metadata": {"set": "five"}, "limit": 2})
    assert (first.headers["x-pagination-total"], first.headers["x-pagination-next"]) == ("3", "2")  # next + 1
    last = raw.post("/threads/search", json={"metadata": {"set": "five"}, "limit": 2, "offset": 4})
    assert ids(last) == [five[0]["thread_id"]]
    assert last.headers["x-pagination-total"] == "5" and "x-pagination-next" not in last.headers
    beyond = raw.post("/threads/search", json={"metadata": {"set": "five"}, "offset": 50})
    assert (beyond.json(), beyond.headers["x-pagination-total"]) == ([], "50")


def test_search_by_ids_status_and_sort(raw: httpx2.Client, five: list[dict[str, object]]) -> None:
    wanted = [five[1]["thread_id"], str(five[4]["thread_id"]).upper()]
    assert set(ids(raw.post("/threads/search", json={"ids": wanted}))) == {five[1]["thread_id"], five[4]["thread_id"]}
    assert ids(raw.post("/threads/search", json={"status": "interrupted"})) == [five[2]["thread_id"]]
    ascending = raw.post("/threads/search", json={"metadata": {"set": "five"}, "sort_by": "created_at",
                                                  "sort_order": "asc"})  # fmt: skip
    assert ids(ascending) == [t["thread_id"] for t in five]
    by_id = ids(
        raw.post("/threads/search", json={"metadata": {"set": "five"}, "sort_by": "thread_id", "sort_order": "asc"})
    )
    assert by_id == sorted(by_id, key=lambda text: uuid.UUID(str(text)))
    answer = raw.post("/threads/search", json={"ids": ["nope"]})
    assert (answer.status_code, answer.json()) == (400, {"detail": "Invalid thread ID nope"})


def test_search_select_and_extract(raw: httpx2.Client, five: list[dict[str, object]]) -> None:
    extract = {"last": "values.messages[-1]", "n": "metadata.n"}
    answer = raw.post("/threads/search", json={"status": "interrupted", "select": ["thread_id"], "extract": extract})
    assert answer.json() == [{"thread_id": five[2]["thread_id"], "extracted": {"last": "hi", "n": 2}}]


@pytest.mark.parametrize(
    ("body", "status", "starts"),
    [
        ({"limit": 0}, 422, "0 is less than the minimum of 1"),
        ({"limit": 1001}, 422, "1001 is greater than the maximum of 1000"),
        ({"offset": -1}, 422, "-1 is less than the minimum of 0"),
        ({"sort_by": "bogus"}, 422, '"bogus" is not one of "thread_id", "status" or 3 other candidates'),
        ({"status": "x"}, 422, '"x" is not one of "idle", "busy" or 2 other candidates'),
        ({"metadata": [1]}, 422, '[1] is not of type "object"'),
    ],
)
def test_search_refuses_what_the_server_refuses(raw: httpx2.Client, body: object, status: int, starts: str) -> None:
    answer = raw.post("/threads/search", json=body)
    assert answer.status_code == status
    assert answer.json()["detail"].startswith(starts)


def test_a_values_filter_crashes_on_a_thread_without_values_as_the_server_does(
    raw: httpx2.Client, five: list[dict[str, object]]
) -> None:
    answer = raw.post("/threads/search", json={"values": {"count": 1}})
    assert (answer.status_code, answer.text) == (500, "Internal Server Error")
    matching = raw.post("/threads/search", json={"metadata": GRAPH, "values": {"count": 1}})
    assert ids(matching) == [five[2]["thread_id"]]


def test_count_is_a_bare_integer(raw: httpx2.Client, five: list[dict[str, object]]) -> None:
    assert raw.post("/threads/count", json={}).content == b"6"
    assert raw.post("/threads/count", json={"metadata": {"set": "five"}, "status": "idle"}).json() == 4
    assert raw.post("/threads/count", json={"metadata": "x"}).status_code == 422


# ----------------------------------------------------------------------------- routes
@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [
        ("GET", "/nosuch", 404, None),
        ("DELETE", "/ok", 404, None),
        ("GET", "/threads", 405, "POST"),
        ("PUT", "/threads/search", 405, "POST"),
        ("PUT", "/threads/9af2a2aa-780c-45e9-acc3-dbab8588976b", 405, "HEAD, GET"),
        ("DELETE", "/threads/9af2a2aa-780c-45e9-acc3-dbab8588976b", 404, None),  # a real route the fake lacks
        ("GET", "/threads/9af2a2aa-780c-45e9-acc3-dbab8588976b/history", 404, None),
        ("GET", "/threads/a/b/c", 404, None),
    ],
)
def test_other_routes(raw: httpx2.Client, method: str, path: str, status: int, allow: str | None) -> None:
    answer = raw.request(method, path)
    assert answer.status_code == status
    assert answer.json() == {"detail": "Not Found" if status == 404 else "Method Not Allowed"}
    assert answer.headers.get("allow") == allow


def test_a_trailing_slash_redirects_to_the_route(raw: httpx2.Client) -> None:
    answer = raw.post("/threads/?x=1", json={})
    assert answer.status_code == 307
    assert answer.headers["location"] == f"{FAKE_URL}/threads?x=1"


# ----------------------------------------------------------------------------- from Python
def test_threads_thread_and_state_are_copies(fake: FakeAgentServer, raw: httpx2.Client) -> None:
    first = create(raw, metadata={"a": 1})
    second = create(raw, metadata=GRAPH, supersteps=[HI])
    assert fake.threads == [first, second]  # creation order
    assert fake.thread(str(first["thread_id"]).upper()) == first
    assert fake.thread(uuid.uuid4()) is None
    assert fake.state(uuid.uuid4()) is None
    fake.threads[0]["metadata"]["a"] = 2
    thread = fake.thread(str(first["thread_id"]))
    assert thread is not None and thread["metadata"] == {"a": 1}
    state = fake.state(str(second["thread_id"]))
    assert state == raw.get(f"/threads/{second['thread_id']}/state").json()


def test_requests_are_recorded_with_lower_case_headers_and_parsed_bodies(
    fake: FakeAgentServer, raw: httpx2.Client
) -> None:
    raw.post("/threads?x=1", json={"metadata": {"a": 1}}, headers={"X-Request-ID": "r-1"})
    raw.post("/threads", content=b"not json", headers={"content-type": "application/json"})
    raw.get("/ok")
    first, second, third = fake.requests
    assert isinstance(first, RecordedRequest)
    assert (first.method, first.path, first.query) == ("POST", "/threads", "x=1")
    assert first.headers["x-request-id"] == "r-1"
    assert first.body == {"metadata": {"a": 1}}
    assert first.content == b'{"metadata":{"a":1}}'
    assert (second.body, second.content) == (b"not json", b"not json")
    assert (third.method, third.body) == ("GET", b"")


def test_graphs_are_checked_and_kept(fake: FakeAgentServer) -> None:
    assert fake.graphs == {"echo": ("start", "step")}
    assert FakeAgentServer().graphs == {}
    with pytest.raises(TypeError):
        FakeAgentServer(graphs={"echo": "start"})  # a string is not a list of nodes
    with pytest.raises(ValueError):
        FakeAgentServer(graphs={"echo": ["start", "start"]})
    with pytest.raises(ValueError):
        FakeAgentServer(graphs={"echo": ["__start__"]})
    assert "graphs=['echo']" in repr(fake)


def test_a_fake_without_the_graph_says_so_as_the_server_does(raw: httpx2.Client) -> None:
    empty = FakeAgentServer()
    with httpx2.Client(transport=empty.transport(), base_url=FAKE_URL) as client:
        answer = client.post("/threads", json={"metadata": GRAPH, "supersteps": [HI]})
    assert answer.status_code == 201
    assert answer.json()["detail"].endswith("Graph 'echo' not found. Expected one of: []")


# ----------------------------------------------------------------------------- the conformance suite's inspector
class FakeInspector(ThreadInspector):
    def __init__(self, base_url: str) -> None:
        super().__init__()
        self._base_url = base_url

    @property
    def base_url(self) -> str:
        return self._base_url


@pytest.fixture
def inspector(fake: FakeAgentServer) -> Iterator[FakeInspector]:
    with fake.serve() as base_url:
        inspector = FakeInspector(base_url)
        try:
            yield inspector
        finally:
            inspector.close_inspector()


def test_the_test_suites_inspector_reads_the_fake_like_a_server(inspector: FakeInspector) -> None:
    inspector.search_page_size = 2  # so that it follows X-Pagination-Next
    made = [inspector.post_threads_raw({"metadata": {"m": "x", "n": n}}).json() for n in range(5)]
    stepped = inspector.post_threads_raw({"metadata": {"m": "x", **GRAPH}, "supersteps": [HI]}).json()
    assert [t["thread_id"] for t in inspector.search_threads({"m": "x"})] == [
        stepped["thread_id"],
        *(t["thread_id"] for t in reversed(made)),
    ]
    assert inspector.count_threads({"m": "x"}) == 6
    assert inspector.get_thread(made[0]["thread_id"], include_ttl=True) == made[0]
    assert inspector.get_thread(uuid.uuid4()) is None
    assert inspector.get_state(stepped["thread_id"])["values"] == {"messages": ["hi"], "count": 1}
    assert inspector.search_threads(status="interrupted") == [stepped]
