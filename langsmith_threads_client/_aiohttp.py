"""DefaultAioHttpClient: an httpx2.AsyncClient on aiohttp's transport (extra `[aiohttp]`).

With many calls in flight, aiohttp's connection handling costs a fraction of the CPU of
httpx's own transport. aiohttp is imported only when the class is instantiated, so
`import langsmith_threads_client` stays light without the extra.
"""

from __future__ import annotations

from typing import Any

import httpx2

from ._client import DEFAULT_TIMEOUT

__all__ = ["DefaultAioHttpClient"]

_EXTRA_MISSING = "DefaultAioHttpClient needs the aiohttp extra: pip install 'langsmith-threads-client[aiohttp]'"


def _httpx_error_classes() -> list[tuple[type[BaseException], type[httpx2.TransportError]]]:
    """aiohttp's errors, most specific first, to the httpx error that says the same thing.

    httpx-aiohttp 0.2 maps every aiohttp.ClientConnectionError, a refused connection and a
    server that hung up included, to httpx2.ConnectTimeout: a timeout that was none, and one
    that hides whether the request reached the server. Retries and error classes depend on
    telling these apart, so the client re-maps them by the aiohttp error behind them.
    """
    import aiohttp

    return [
        (aiohttp.ConnectionTimeoutError, httpx2.ConnectTimeout),
        (aiohttp.ServerTimeoutError, httpx2.ReadTimeout),
        (aiohttp.ClientConnectorError, httpx2.ConnectError),  # refused, DNS: the request was not sent
        (aiohttp.ServerDisconnectedError, httpx2.RemoteProtocolError),  # hung up before answering
        (aiohttp.ClientPayloadError, httpx2.ReadError),  # the body broke off
        (aiohttp.ClientConnectionError, httpx2.ReadError),  # reset and the like, after sending
    ]


class DefaultAioHttpClient(httpx2.AsyncClient):
    """`AsyncThreadsClient(http_client=DefaultAioHttpClient())`; keyword arguments go to httpx2.AsyncClient.

    The caller owns it: close it with `await client.aclose()` or `async with`.
    """

    def __init__(self, **kwargs: Any) -> None:
        try:
            import httpx_aiohttp.httpx2 as httpx_aiohttp  # optional dependency
        except ImportError as exc:
            raise RuntimeError(_EXTRA_MISSING) from exc
        self._error_classes = _httpx_error_classes()
        limits = kwargs.pop("limits", httpx2.Limits())  # httpx's own defaults, as on its transport
        verify = kwargs.pop("verify", True)
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("follow_redirects", False)
        kwargs.setdefault("transport", httpx_aiohttp.AiohttpTransport(limits=limits, verify=verify))
        super().__init__(**kwargs)

    async def send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
        """httpx2.AsyncClient.send, with aiohttp's connection errors mapped to the httpx2 error they mean."""
        try:
            return await super().send(request, **kwargs)
        except httpx2.TransportError as exc:
            cause = exc.__cause__
            for aiohttp_error, httpx_error in self._error_classes:
                if isinstance(cause, aiohttp_error):
                    if type(exc) is httpx_error:
                        raise
                    raise httpx_error(str(exc) or repr(cause), request=request) from cause
            raise
