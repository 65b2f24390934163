"""DefaultAioHttpClient: an httpx.AsyncClient on aiohttp's transport (extra `[aiohttp]`).

With many calls in flight, aiohttp's connection handling costs a fraction of the CPU of
httpx's own transport. aiohttp is imported only when the class is instantiated, so
`import langsmith_threads_client` stays light without the extra.
"""

from __future__ import annotations

from typing import Any

import httpx

from ._client import DEFAULT_TIMEOUT

__all__ = ["DefaultAioHttpClient"]

_EXTRA_MISSING = "DefaultAioHttpClient needs the aiohttp extra: pip install 'langsmith-threads-client[aiohttp]'"


def _httpx_error_classes() -> list[tuple[type[BaseException], type[httpx.TransportError]]]:
    """aiohttp's errors, most specific first, to the httpx error that says the same thing.

    httpx-aiohttp 0.2 maps every aiohttp.ClientConnectionError, a refused connection and a
    server that hung up included, to httpx.ConnectTimeout: a timeout that was none, and one
    that hides whether the request reached the server. Retries and error classes depend on
    telling these apart, so the client re-maps them by the aiohttp error behind them.
    """
    import aiohttp

    return [
        (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
        (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
        (aiohttp.ClientConnectorError, httpx.ConnectError),  # refused, DNS: the request was not sent
        (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),  # hung up before answering
        (aiohttp.ClientPayloadError, httpx.ReadError),  # the body broke off
        (aiohttp.ClientConnectionError, httpx.ReadError),  # reset and the like, after sending
    ]


class DefaultAioHttpClient(httpx.AsyncClient):
    """`AsyncThreadsClient(http_client=DefaultAioHttpClient())`; keyword arguments go to httpx.AsyncClient.

    The caller owns it: close it with `await client.aclose()` or `async with`.
    """

    def __init__(self, **kwargs: Any) -> None:
        try:
            import httpx_aiohttp  # optional dependency
        except ImportError as exc:
            raise RuntimeError(_EXTRA_MISSING) from exc
        self._error_classes = _httpx_error_classes()
        limits = kwargs.pop("limits", httpx.Limits())  # httpx's own defaults, as on its transport
        verify = kwargs.pop("verify", True)
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("follow_redirects", False)
        kwargs.setdefault("transport", httpx_aiohttp.AiohttpTransport(limits=limits, verify=verify))
        super().__init__(**kwargs)

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        try:
            return await super().send(request, **kwargs)
        except httpx.TransportError as exc:
            cause = exc.__cause__
            for aiohttp_error, httpx_error in self._error_classes:
                if isinstance(cause, aiohttp_error):
                    if type(exc) is httpx_error:
                        raise
                    raise httpx_error(str(exc) or repr(cause), request=request) from cause
            raise
