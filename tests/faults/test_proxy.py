"""The fault proxy itself: each fault looks to a plain httpx client as documented, connections
are kept alive, random faults are reproducible, and stop() is clean even mid-fault."""

from __future__ import annotations

import socket
import threading
import time

import httpx2
import pytest

from scripts.agent_server.server import AgentServer
from tests.support.proxy import Fault, FaultProxy, Redirect

# fault -> (exception a plain httpx client raises, or the status it gets; does the server see it?)
SYMPTOMS: dict[Fault, tuple[type[Exception] | int, bool]] = {
    Fault.NONE: (200, True),
    Fault.DROP_BEFORE_FORWARD: (httpx2.RemoteProtocolError, False),
    Fault.DROP_AFTER_FORWARD: (httpx2.RemoteProtocolError, True),
    Fault.DELAY: (httpx2.ReadTimeout, True),
    Fault.STATUS_503: (503, False),
    Fault.STATUS_429: (429, False),
    Fault.STATUS_502: (502, True),
    Fault.RESET_MID_RESPONSE: (httpx2.ReadError, True),
    Fault.TRUNCATED_BODY: (httpx2.RemoteProtocolError, True),
    Fault.NON_JSON_200: (200, True),
}


@pytest.mark.parametrize("fault", list(SYMPTOMS))
def test_fault_symptom_seen_by_plain_httpx(dev_server: AgentServer, proxy: FaultProxy, fault: Fault) -> None:
    expected, forwarded = SYMPTOMS[fault]
    marker = f"proxy-self-test-{fault.value}-{time.monotonic_ns()}"
    proxy.script(fault)
    with httpx2.Client(base_url=proxy.base_url, timeout=0.5) as http:
        if isinstance(expected, int):
            response = http.post("/threads", json={"metadata": {"marker": marker}})
            assert response.status_code == expected
            if fault in (Fault.STATUS_503, Fault.STATUS_429):
                assert response.headers["retry-after"] == "0"
            if fault is Fault.NON_JSON_200:
                assert response.headers["content-type"] == "text/html"
                assert int(response.headers["content-length"]) == len(response.content)
                with pytest.raises(ValueError):
                    response.json()
        else:
            with pytest.raises(expected):
                http.post("/threads", json={"metadata": {"marker": marker}})
    proxy.wait_quiet()
    stats = proxy.stats()
    assert stats.requests == 1
    assert stats.forwarded == int(forwarded)
    assert stats.faults == ({} if fault is Fault.NONE else {fault.value: 1})
    assert len(dev_server.search_threads(metadata={"marker": marker})) == int(forwarded)


def test_keep_alive_and_redirect(proxy: FaultProxy) -> None:
    proxy.script(Fault.NONE, Fault.STATUS_503, Redirect("/elsewhere", 308))
    with httpx2.Client(base_url=proxy.base_url) as http:
        statuses = [http.post("/threads", json={}).status_code for _ in range(5)]
        last = http.post("/threads", json={})
    assert statuses == [200, 503, 308, 200, 200]
    assert last.status_code == 200
    stats = proxy.stats()
    assert stats.connections == 1, "refusals and redirects keep the connection"
    assert stats.requests == 6 and stats.forwarded == 4
    assert stats.faults == {"status_503": 1, "redirect_308": 1}
    assert [r.action for r in proxy.records()][:3] == ["none", "status_503", "redirect_308"]


def test_random_faults_are_seeded(dev_server: AgentServer) -> None:
    kinds = (Fault.STATUS_503, Fault.STATUS_429)

    def actions(seed: int) -> list[str]:
        with (
            FaultProxy(dev_server.base_url, rate=0.5, kinds=kinds, seed=seed) as p,
            httpx2.Client(base_url=p.base_url) as http,
        ):
            for _ in range(20):
                http.post("/threads/count", json={})
            return [r.action for r in p.records()]

    first = actions(7)
    assert first == actions(7)
    assert first != actions(8)
    assert 2 <= sum(a != "none" for a in first) <= 18


def test_stop_is_clean_during_a_delay(dev_server: AgentServer) -> None:
    proxy = FaultProxy(dev_server.base_url, delay=30.0).start()
    port = proxy.port
    assert port is not None
    proxy.script(Fault.DELAY)
    errors: list[Exception] = []

    def client() -> None:
        try:
            with httpx2.Client(timeout=60.0) as http:
                http.post(f"{proxy.base_url}/threads", json={})
        except Exception as exc:
            errors.append(exc)

    caller = threading.Thread(target=client)
    caller.start()
    deadline = time.monotonic() + 5
    while proxy.stats().requests == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    proxy.stop()
    assert time.monotonic() - started < 5, "stop() waited for the DELAY"
    caller.join(timeout=5)
    assert not caller.is_alive()
    assert errors and isinstance(errors[0], httpx2.TransportError)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "the port still accepts connections"
    assert not any(t.name.startswith("fault-proxy-") and t.is_alive() for t in threading.enumerate())
