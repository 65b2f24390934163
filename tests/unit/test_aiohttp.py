"""DefaultAioHttpClient: the SDK's defaults, and aiohttp's errors told apart as httpx's own transport does."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import AsyncIterator

import httpx2
import pytest

from langsmith_threads_client import DEFAULT_TIMEOUT, DefaultAioHttpClient


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
async def hangs_up() -> AsyncIterator[str]:
    """A loopback server that reads the request and closes without answering."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/threads"
    server.close()
    await server.wait_closed()


async def test_defaults_are_the_sdks() -> None:
    async with DefaultAioHttpClient() as client:
        assert client.timeout == DEFAULT_TIMEOUT
        assert client.follow_redirects is False


async def test_a_refused_connection_is_a_connect_error_not_a_timeout() -> None:
    async with DefaultAioHttpClient() as client:
        with pytest.raises(httpx2.ConnectError):
            await client.post(f"http://127.0.0.1:{closed_port()}/threads", content=b"{}")


async def test_a_server_that_hangs_up_is_a_protocol_error_not_a_timeout(hangs_up: str) -> None:
    async with DefaultAioHttpClient() as client:
        with pytest.raises(httpx2.RemoteProtocolError):
            await client.post(hangs_up, content=b"{}")


def test_without_the_extra_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "httpx_aiohttp", None)
    with pytest.raises(RuntimeError, match=r"pip install 'langsmith-threads-client\[aiohttp\]'"):
        DefaultAioHttpClient()
