"""DefaultAioHttpClient: an httpx.AsyncClient on aiohttp's transport (extra `[aiohttp]`).

With many calls in flight, aiohttp's connection handling costs a fraction of the CPU of
httpx's own transport. aiohttp is imported only when the class is instantiated, so
`import langsmith_threads_client` stays light without the extra.
"""

from __future__ import annotations

from typing import Any

import httpx

from ._client import DEFAULT_CONNECTION_LIMITS, DEFAULT_TIMEOUT

__all__ = ["DefaultAioHttpClient"]


class DefaultAioHttpClient(httpx.AsyncClient):
    """`AsyncThreadsClient(http_client=DefaultAioHttpClient())`; keyword arguments go to httpx.AsyncClient.

    The caller owns it: close it with `await client.aclose()` or `async with`.
    """

    def __init__(self, **kwargs: Any) -> None:
        try:
            import httpx_aiohttp  # optional dependency
        except ImportError as exc:
            raise RuntimeError(
                "DefaultAioHttpClient needs the aiohttp extra: pip install 'langsmith-threads-client[aiohttp]'"
            ) from exc
        limits = kwargs.pop("limits", DEFAULT_CONNECTION_LIMITS)
        verify = kwargs.pop("verify", True)
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("follow_redirects", False)
        kwargs.setdefault("transport", httpx_aiohttp.AiohttpTransport(limits=limits, verify=verify))
        super().__init__(**kwargs)
