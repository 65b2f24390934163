"""A fake Agent Server for testing code that creates threads: `langsmith_threads_client.testing`.

```python
import httpx2

from langsmith_threads_client import ThreadsClient
from langsmith_threads_client.testing import FakeAgentServer

fake = FakeAgentServer(graphs={"echo": ["start", "step"]})  # testing.bundled_project.GRAPHS

# in process, on httpx2's transport seam (sync or async clients)
http = httpx2.Client(transport=fake.transport())
with ThreadsClient("http://fake", http_client=http) as client:
    client.create_thread(metadata={"user": "u1"})

# or over a real loopback socket, for any client (DefaultAioHttpClient, langgraph-sdk, curl)
with fake.serve() as base_url:     # also fake.base_url while it runs
    ...

fake.lose_next_response()          # the next POST /threads is stored, its answer lost
fake.threads, fake.thread(id), fake.state(id), fake.requests, fake.faults_applied
```

`FakeAgentServer` answers the threads endpoints as the real `dev` server
(langgraph-api 0.16.7, in memory) does, statuses and bodies byte for byte where they were
observed; its docstring lists where it cannot be that server. Not imported by
`import langsmith_threads_client`; importing it loads neither `http.server` nor
`asyncio` (`serve()` loads the former when called).
"""

from typing import TYPE_CHECKING, Any

from .._lazy import lazy_names

if TYPE_CHECKING:
    from ._exchange import FaultKind, FaultRecord, RecordedRequest
    from ._local_agent_server import (
        AgentServerError,
        AgentServerNotInstalled,
        LocalAgentServer,
        PortMovedError,
        ServerProcess,
    )
    from ._server import FakeAgentServer
    from ._transport import FakeTransport

__all__ = [
    "AgentServerError",
    "AgentServerNotInstalled",
    "FakeAgentServer",
    "FakeTransport",
    "FaultKind",
    "FaultRecord",
    "LocalAgentServer",
    "PortMovedError",
    "RecordedRequest",
    "ServerProcess",
]

# Imported on first use, so that the pytest plugin (a submodule) loads without the fake
# and without httpx2: pytest loads the plugin in every session of a project that has the SDK.
_HOMES = ("._server", "._exchange", "._transport", "._local_agent_server")

_getattr, _dir = lazy_names(__name__, __all__, _HOMES, globals())


def __getattr__(name: str) -> Any:
    return _getattr(name)


def __dir__() -> list[str]:
    return _dir()
