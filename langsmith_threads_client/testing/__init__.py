"""A fake Agent Server for testing code that creates threads: ``langsmith_threads_client.testing``.

::

    from langsmith_threads_client import ThreadsClient
    from langsmith_threads_client.testing import FakeAgentServer

    fake = FakeAgentServer(graphs={"echo": ["start", "step"]})

    # in process, on httpx2's transport seam (sync or async clients)
    http = httpx2.Client(transport=fake.transport())
    with ThreadsClient("http://fake", http_client=http) as client:
        client.create_thread(metadata={"user": "u1"})

    # or over a real loopback socket, for any client (DefaultAioHttpClient, langgraph-sdk, curl)
    with fake.serve() as base_url:
        ...

    fake.lose_next_response()          # the next POST /threads is stored, its answer lost
    fake.threads, fake.requests, fake.faults_applied

:class:`FakeAgentServer` answers the threads endpoints as the real ``dev`` server
(langgraph-api 0.16.7, in memory) does, statuses and bodies byte for byte where they were
observed; its docstring lists where it cannot be that server. Not imported by
``import langsmith_threads_client``; importing it loads neither ``http.server`` nor
``asyncio`` (``serve()`` loads the former when called).
"""

from ._server import FakeAgentServer, FaultKind, FaultRecord, RecordedRequest
from ._transport import FakeTransport

__all__ = ["FakeAgentServer", "FakeTransport", "FaultKind", "FaultRecord", "RecordedRequest"]
