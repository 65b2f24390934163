"""The fake against the real thing: the same raw requests to FakeAgentServer and to ``langgraph dev``.

Each case is a short script of HTTP requests, sent as they are (plain httpx2, no SDK) to
the real ``dev`` server of the test session (``dev_server``) and to a FakeAgentServer
served on loopback, and every answer must agree: status, content type, the headers that
carry meaning (``allow``, ``location``, the pagination headers) and the body, byte for
byte once ids and timestamps that each side made up are replaced by placeholders (in
order of appearance, so a thread that comes back is still recognised as the same one).
Two orders the real server itself does not keep from one process to the next (it builds
them from sets) are compared as sets: the ``allow`` header's methods and the keys of a
checkpoint's ``metadata`` in ``GET /threads/{id}/state``.

What the fake knowingly does differently (FakeAgentServer's docstring) is not sent here:
no update leaves ``messages`` unwritten (the real ``echo`` graph then shows
``"messages": []``), no command without ``goto``, no value written over a list. Searches
and counts filter on metadata unique to the case, since the session's server holds
other tests' threads.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest

from langsmith_threads_client.testing import FakeAgentServer
from scripts.agent_server.server import AgentServer
from tests.support.graph import GRAPH_ID, NODES

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?\+00:00")
_HEADERS = ("content-type", "allow", "location", "x-pagination-total", "x-pagination-next")

G = {"graph_id": GRAPH_ID}
HI = {"updates": [{"values": {"messages": ["hi"], "count": 1}, "as_node": "start"}]}
THERE = {"updates": [{"values": {"messages": ["there"], "count": 2}, "as_node": "step"}]}


def step(node: str, **values: Any) -> dict[str, Any]:
    return {"updates": [{"values": values, "as_node": node}]}


@dataclass(frozen=True)
class Req:
    """One request: ``body`` is JSON (sent as such), bytes/str (sent raw as application/json) or None (no body).

    Strings in ``path`` and in the body may name ids: ``{id:NAME}`` is a fresh uuid4 for the
    case (the same on both servers; ``{id:NAME|upper}``, ``|hex``, ``|braces``, ``|urn``
    spell it otherwise), ``{thread}`` the ``thread_id`` of the last answer that had one,
    ``{detail}`` the id in the second word of the last ``detail`` ("Thread <id> was created...").
    """

    method: str
    path: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def post(body: Any, path: str = "/threads", **headers: str) -> Req:
    return Req("POST", path, body, headers)


def get(path: str) -> Req:
    return Req("GET", path)


M = {"m": "{id:marker}"}  # metadata unique to the case, for searches and counts
THREAD = "/threads/{thread}"

CASES: dict[str, list[Req]] = {
    # ---- creates that succeed
    "empty object": [post({}), get(THREAD), get(THREAD + "/state"), Req("HEAD", THREAD)],
    "metadata as sent, reserved keys dropped": [
        post(
            {
                "metadata": {
                    "a": 1,
                    "nested": {"b": [1, "x", None]},
                    "thread_id": "x",
                    "run_id": 1,
                    "assistant_id": 2,
                    "cron_id": 3,
                    "counters_since_delta_snapshot": 4,
                    "graph_id": "g",
                }
            }
        ),
    ],
    "unknown fields, text/plain, ttl": [
        post({"metadata": {"k": 1}, "foo": "bar"}),
        post('{"metadata": {"ct": "text"}}', **{"content-type": "text/plain"}),
        post({"thread_id": "{id:ttl}", "ttl": {"strategy": "delete", "ttl": 5}}),
        get("/threads/{id:ttl}?include=ttl"),
        post({"ttl": {"strategy": "keep_latest", "ttl": 0.5}}),
        post({"ttl": {}}),
        post({"ttl": {"ttl": -1}}),
        post({"supersteps": []}),
        post({"thread_id": ""}),
    ],
    "numbers and strings as orjson writes them": [
        post(
            b'{"metadata": {"a": 1e16, "b": 1.5e-7, "c": 0.1, "d": 100.0, "e": 1e300, "f": -0.0, '
            b'"g": 18446744073709551615, "h": 18446744073709551616, "i": -9223372036854775809, "k": 1E5, "l": 12.50, '
            b'"m": 0.00001, "n": 1e-6, "o": 2.5e-5, "p": 1e15, "q": 123e-20, "r": 5e-324}}'
        ),
        post(
            b'{"metadata": {"x": "\\u0000", "lit": "\\\\u0000", "y": "\\ud83d\\ude00", '
            b'"z": "\\u00e9\\n\\t\\u001f\\u007f\\u2028<>&/\\""}}'
        ),
        post(b'{"metadata": {"n": 1, "n": 2}}'),
        post(b"  {}  \n"),
    ],
    # ---- 422
    "422 texts": [
        post({"thread_id": "not-a-uuid"}),
        post({"thread_id": " {id:spaces} "}),
        post({"thread_id": 123}),
        post({"thread_id": None}),
        post({"thread_id": 1.0}),
        post({"if_exists": "bogus"}),
        post({"if_exists": None}),
        post({"metadata": "x"}),
        post({"metadata": [1, 2]}),
        post({"metadata": None}),
        post({"metadata": 'é"\n<'}),
        post({"ttl": {"strategy": "delete", "ttl": "five"}}),
        post({"ttl": 5}),
        post({"ttl": {"strategy": "bogus", "ttl": 5}}),
        post({"ttl": None}),
        post({"metadata": G, "supersteps": [{"updates": [{"values": {"count": 1}}]}]}),
        post({"metadata": G, "supersteps": [{}]}),
        post({"supersteps": {"updates": []}}),
        post({"supersteps": None}),
        post({"supersteps": [{"updates": [{"as_node": "start", "values": 5}]}]}),
        post({"supersteps": [{"updates": [{"as_node": "start", "command": {"update": "x"}}]}]}),
        post(
            {"supersteps": [{"updates": [{"as_node": "start", "command": {"goto": [{"node": "a", "input": 1}, "b"]}}]}]}
        ),
        post({"thread_id": 1, "metadata": "x", "if_exists": "bogus"}),
        post({"metadata": {"graph_id": "echo"}, "thread_id": {"b": 1, "a": [1.5, True]}}),
    ],
    "bodies that are not JSON objects": [
        post(b"this is not json"),
        post(b'{"metadata": {'),
        post(None),
        post(b""),
        post(b"[]"),
        post(b"null"),
        post(b"5"),
        post(b'{"metadata": {"n": NaN}}'),
        post(b'{"metadata": {"n": 1e400}}'),
        post(b'{"metadata": {"x": "\\ud800"}}'),
        post(b'{"metadata": {"x": "\xff"}}'),
        post(b"\xef\xbb\xbf{}"),
        post(b"{} {}"),
    ],
    # ---- the same id again
    "409 and do_nothing": [
        post({"thread_id": "{id:dup}", "metadata": {"v": 1}}),
        post({"thread_id": "{id:dup}", "metadata": {"v": 2}}),
        post({"thread_id": "{id:dup}", "if_exists": "raise"}),
        post({"thread_id": "{id:dup}", "metadata": {"v": 3}, "if_exists": "do_nothing"}),
        get("/threads/{id:dup}"),
        post({"thread_id": "{id:new}", "if_exists": "do_nothing", "metadata": {"n": 1}}),
    ],
    "thread_id spellings": [
        post({"thread_id": "{id:upper|upper}"}),
        get("/threads/{id:upper}"),
        get("/threads/{id:upper|upper}"),
        post({"thread_id": "{id:upper}"}),
        post({"thread_id": "{id:hex|hex}"}),
        post({"thread_id": "{id:braces|braces}"}),
        post({"thread_id": "{id:urn|urn}"}),
        get("/threads/{id:braces|braces}"),
    ],
    # ---- supersteps
    "one superstep: interrupted": [post({"metadata": G, "supersteps": [HI]}), get(THREAD), get(THREAD + "/state")],
    "two supersteps: idle": [post({"metadata": G, "supersteps": [HI, THERE]}), get(THREAD + "/state")],
    "__start__ leaves the first node next": [
        post({"metadata": G, "supersteps": [step("__start__", messages=["a"], count=1)]}),
        get(THREAD + "/state"),
    ],
    "several updates in a superstep": [
        post(
            {
                "metadata": G,
                "supersteps": [
                    {
                        "updates": [
                            {"as_node": "start", "values": {"messages": ["a"]}},
                            {"as_node": "start", "values": {"messages": ["b"]}},
                        ]
                    }
                ],
            }
        ),
        post(
            {
                "metadata": G,
                "supersteps": [
                    {
                        "updates": [
                            {"as_node": "start", "values": {"messages": ["a"], "count": 1}},
                            {"as_node": "step", "values": {"count": 2}},
                        ]
                    }
                ],
            }
        ),
        post(
            {
                "metadata": G,
                "supersteps": [
                    step("start", messages=["a"]),
                    {"updates": [{"as_node": "start", "values": [{"messages": ["a"]}]}]},
                ],
            }
        ),
    ],
    "a command's update": [
        post(
            {
                "metadata": G,
                "supersteps": [
                    {
                        "updates": [
                            {"as_node": "start", "command": {"update": {"messages": ["c"], "count": 7}, "goto": "step"}}
                        ]
                    }
                ],
            }
        ),
        get(THREAD + "/state"),
        post(
            {
                "metadata": G,
                "supersteps": [
                    {"updates": [{"as_node": "start", "command": {}, "values": {"messages": ["v"], "count": 8}}]}
                ],
            }
        ),
    ],
    "no graph_id: 201, thread kept": [
        post({"metadata": {"user": "u1"}, "supersteps": [HI]}),
        get("/threads/{detail}"),
        get("/threads/{detail}/state"),
        post({"thread_id": "{id:up|upper}", "metadata": {"graph_id": ""}, "supersteps": [HI]}),
    ],
    "unknown graph: 201, thread kept": [
        post({"metadata": {"graph_id": "nope"}, "supersteps": [HI]}),
        get("/threads/{detail}"),
        get("/threads/{detail}/state"),
        post({"metadata": {"graph_id": 5}, "supersteps": [HI]}),
    ],
    "unknown node: 400, thread kept, earlier supersteps applied": [
        post({"thread_id": "{id:node}", "metadata": G, "supersteps": [step("nope", count=1)]}),
        get("/threads/{id:node}"),
        post({"thread_id": "{id:node2}", "metadata": G, "supersteps": [HI, step("nope", count=5)]}),
        get("/threads/{id:node2}"),
        get("/threads/{id:node2}/state"),
        post({"thread_id": "{id:empty}", "metadata": G, "supersteps": [HI, {"updates": []}]}),
        get("/threads/{id:empty}/state"),
    ],
    "do_nothing applies supersteps to an existing thread": [
        post({"thread_id": "{id:g}", "metadata": G, "supersteps": [HI]}),
        post(
            {
                "thread_id": "{id:g}",
                "if_exists": "do_nothing",
                "metadata": {**G, "x": 1},
                "supersteps": [step("start", messages=["again"], count=9)],
            }
        ),
        get("/threads/{id:g}/state"),
        post({"thread_id": "{id:g}", "metadata": G, "supersteps": [step("start", messages=["third"], count=10)]}),
        get("/threads/{id:g}/state"),
        post({"thread_id": "{id:plain}", "metadata": {"user": "u"}}),
        post({"thread_id": "{id:plain}", "if_exists": "do_nothing", "supersteps": [HI]}),
    ],
    # ---- reading back
    "GET and state of what is not there": [
        get("/threads/{id:missing}"),
        get("/threads/{id:missing}/state"),
        get("/threads/not-a-uuid"),
        get("/threads/not-a-uuid/state"),
        post({"metadata": {"graph_id": "nope"}}),
        get(THREAD + "/state"),
        post({"metadata": G}),
        get(THREAD + "/state"),
    ],
    "routes": [
        get("/ok"),
        Req("HEAD", "/ok"),
        Req("DELETE", "/ok"),
        get("/nosuch"),
        get("/threads"),
        Req("PUT", "/threads"),
        Req("OPTIONS", "/threads"),
        get("/threads/search"),
        Req("PUT", "/threads/search", {}),
        post({}, "/threads/"),
        post({}, "/threads/search/"),
        get("/threads/a/b/c"),
        get("/threads//state"),
        post({"metadata": M}),
        Req("PUT", THREAD, {}),
        post({}, THREAD),
        get(THREAD + "/nosuch"),
    ],
    "search and count": [
        post({"thread_id": "{id:s1}", "metadata": {**M, "n": 1}}),
        post({"thread_id": "{id:s2}", "metadata": {**M, "n": 2, "deep": {"a": 1, "b": 2}}}),
        post({"thread_id": "{id:s3}", "metadata": {**M, **G, "n": 3}, "supersteps": [HI]}),
        post({"thread_id": "{id:s1}", "if_exists": "do_nothing", "metadata": {**M, "n": 9}}),
        post({"metadata": M}, "/threads/search"),
        post({"metadata": M, "limit": 2}, "/threads/search"),
        post({"metadata": M, "limit": 2, "offset": 2}, "/threads/search"),
        post({"metadata": M, "limit": 1, "offset": 5}, "/threads/search"),
        post({"metadata": M, "sort_by": "thread_id", "sort_order": "asc"}, "/threads/search"),
        post({"metadata": M, "sort_by": "created_at", "sort_order": "desc", "limit": 2}, "/threads/search"),
        post({"metadata": M, "sort_by": "status"}, "/threads/search"),
        post({"metadata": {**M, "deep": {"a": 1}}}, "/threads/search"),
        post({"metadata": M, "status": "interrupted"}, "/threads/search"),
        post({"metadata": M, "ids": ["{id:s2|upper}", "{id:s3}"]}, "/threads/search"),
        post({"metadata": M, "ids": ["nope"]}, "/threads/search"),
        post({"metadata": M, "select": ["thread_id", "status"]}, "/threads/search"),
        post(
            {"metadata": M, "select": ["thread_id"], "extract": {"msgs": "values.messages[-1]", "n": "metadata.n"}},
            "/threads/search",
        ),
        post({"metadata": M, "extract": {"values": "values.x"}}, "/threads/search"),
        post({"metadata": M, "extract": {"a-b": "values.x"}}, "/threads/search"),
        post({"metadata": M, "extract": {"a": "nope.x"}}, "/threads/search"),
        post({"metadata": M, "extract": {"a": ""}}, "/threads/search"),
        post({"metadata": {**M, **G}, "values": {"count": 1}}, "/threads/search"),
        post({"metadata": {**M, **G}, "values": {"count": 2}}, "/threads/search"),
        post({"metadata": M, "limit": 0}, "/threads/search"),
        post({"metadata": M, "limit": 1001}, "/threads/search"),
        post({"metadata": M, "limit": 10.0, "offset": -1}, "/threads/search"),
        post({"metadata": M, "sort_by": "bogus"}, "/threads/search"),
        post({"metadata": M, "status": "x"}, "/threads/search"),
        post({"metadata": M, "select": ["bogus"]}, "/threads/search"),
        post({"metadata": [1]}, "/threads/search"),
        post(b"zz", "/threads/search"),
        post(b"null", "/threads/search"),
        post({"metadata": M}, "/threads/count"),
        post({"metadata": M, "status": "idle"}, "/threads/count"),
        post({"metadata": {**M, **G}, "values": {"count": 1}}, "/threads/count"),
        post({"metadata": [1]}, "/threads/count"),
        post(b"[]", "/threads/count"),
        post(b"", "/threads/count"),
    ],
    "a values filter meeting a thread without values crashes the server": [
        post({"metadata": M}),
        post({"metadata": M, "values": {"count": 1}}, "/threads/search"),
    ],
}


class Side:
    """One server's half of a case: its client, and the ids its answers named so far."""

    def __init__(self, base_url: str, ids: dict[str, uuid.UUID]) -> None:
        self.http = httpx2.Client(base_url=base_url, trust_env=False, timeout=30.0)
        self.ids = ids
        self.thread: str | None = None
        self.detail: str | None = None
        self._placeholders: dict[str, str] = {}

    def fill(self, text: str) -> str:
        def spell(match: re.Match[str]) -> str:
            name, _, how = match.group(1).partition("|")
            value = self.ids.setdefault(name, uuid.uuid4())
            return {"": str(value), "upper": str(value).upper(), "hex": value.hex, "braces": f"{{{value}}}",
                    "urn": value.urn}[how]  # fmt: skip

        text = re.sub(r"\{id:([a-z0-9]+(?:\|[a-z]+)?)\}", spell, text)
        return text.replace("{thread}", str(self.thread)).replace("{detail}", str(self.detail))

    def fill_body(self, body: Any) -> Any:
        if isinstance(body, str):
            return self.fill(body)
        if isinstance(body, list):
            return [self.fill_body(item) for item in body]
        if isinstance(body, dict):
            return {self.fill(key): self.fill_body(value) for key, value in body.items()}
        return body

    def send(self, req: Req) -> httpx2.Response:
        headers = dict(req.headers)
        content: bytes | None = None
        if isinstance(req.body, bytes | str):
            content = req.body.encode() if isinstance(req.body, str) else req.body
            headers.setdefault("content-type", "application/json")
        elif req.body is not None:
            content = json.dumps(self.fill_body(req.body)).encode()
            headers.setdefault("content-type", "application/json")
        response = self.http.request(req.method, self.fill(req.path), content=content, headers=headers)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if isinstance(answer, dict) and isinstance(answer.get("thread_id"), str):
            self.thread = answer["thread_id"]
        if (
            isinstance(answer, dict)
            and isinstance(answer.get("detail"), str)
            and answer["detail"].startswith("Thread ")
        ):
            self.detail = answer["detail"].split()[1]
        return response

    def normalize(self, text: str) -> str:
        """Ids this side made up become <id0>, <id1>... in order of appearance; the case's own ids their names."""
        named = {str(value): name for name, value in self.ids.items()}

        def swap(match: re.Match[str]) -> str:
            found = match.group(0)
            if found.lower() in named:
                return f"<{named[found.lower()]}{'|upper' if found != found.lower() else ''}>"
            return self._placeholders.setdefault(found, f"<id{len(self._placeholders)}>")

        return _TIME.sub("<time>", _UUID.sub(swap, text))

    def seen(self, response: httpx2.Response) -> dict[str, Any]:
        headers = {name: response.headers[name] for name in _HEADERS if name in response.headers}
        if "location" in headers:
            headers["location"] = httpx2.URL(headers["location"]).raw_path.decode()
        if "allow" in headers:  # the server joins a set: its order changes from one server process to the next
            headers["allow"] = ", ".join(sorted(headers["allow"].split(", ")))
        body: Any = self.normalize(response.text)
        if response.request.url.path.endswith("/state") and response.status_code == 200:
            body = json.loads(body)  # so does the order of a checkpoint's metadata keys
        return {"status": response.status_code, "headers": headers, "body": body}


@pytest.fixture(scope="module")
def fake_url() -> Iterator[str]:
    fake = FakeAgentServer(graphs={GRAPH_ID: list(NODES)})
    with fake.serve() as base_url:
        yield base_url


@pytest.mark.parametrize("case", list(CASES))
def test_the_fake_answers_as_the_dev_server(case: str, dev_server: AgentServer, fake_url: str) -> None:
    ids: dict[str, uuid.UUID] = {}
    real, fake = Side(dev_server.base_url, ids), Side(fake_url, ids)
    try:
        for number, req in enumerate(CASES[case]):
            said, answered = real.seen(real.send(req)), fake.seen(fake.send(req))
            assert answered == said, f"request {number}: {req.method} {req.path} {req.body!r}"
    finally:
        real.http.close()
        fake.http.close()
