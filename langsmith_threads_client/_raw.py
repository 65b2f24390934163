"""`client.with_raw_response.create_thread(...)`: the call as usual, and what its answer said.

The same call as `create_thread` (the same checks, retries, exactly-once and errors, which
raise as usual); it returns a RawThreadResponse around the final response: its status,
headers and request id, how many retries the call took, how long it took, and `.parse()`
for the Thread. (Not `_raw_response.py`, which is the wire's lean response type.)
"""

from __future__ import annotations

import datetime
import functools
import inspect
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

import httpx2

from ._arguments import CreateArgs
from ._client import AsyncThreadsClient, ThreadsClient
from ._raw_response import as_httpx

if TYPE_CHECKING:
    from ._call import CreateThreadCall
    from ._generated.models import Thread

P = ParamSpec("P")
S = TypeVar("S")
R = TypeVar("R")

__all__ = ["AsyncThreadsClientWithRawResponse", "RawThreadResponse", "ThreadsClientWithRawResponse"]


class RawThreadResponse:
    """The final response of a create_thread call that returned a Thread.

    `status_code`, `headers` and `request_id` (`x-request-id`) are that response's;
    `retries_taken` the retries the call made before it (a same-origin redirect is none);
    `elapsed` the whole call, every attempt and the waits between them; `thread_id` the id
    the request named. `.parse()` is the Thread create_thread would have returned.
    """

    __slots__ = ("_thread", "elapsed", "http_response", "retries_taken", "thread_id")
    http_response: httpx2.Response
    retries_taken: int
    elapsed: datetime.timedelta
    thread_id: uuid.UUID

    def __init__(self, call: CreateThreadCall, thread: Thread) -> None:
        assert call.response is not None  # a call returns its Thread only from a response
        self.http_response = as_httpx(call.response)
        self.retries_taken = call.retries
        self.elapsed = datetime.timedelta(seconds=time.perf_counter() - call.started)
        self.thread_id = call.prepared.thread_id
        self._thread = thread

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx2.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return self.http_response.headers.get("x-request-id")

    def parse(self) -> Thread:
        """The call's Thread (parsed and checked when the response came: a body that is not a
        valid Thread raised APIResponseValidationError then, as create_thread does)."""
        return self._thread

    def __repr__(self) -> str:
        return (
            f"<RawThreadResponse {self.status_code} thread_id={self.thread_id} "
            f"retries_taken={self.retries_taken} elapsed={self.elapsed.total_seconds():.3f}s>"
        )


def _keywords_of(
    method: Callable[Concatenate[Any, P], object],
) -> Callable[[Callable[[S, CreateArgs], R]], Callable[Concatenate[S, P], R]]:
    """The decorated method takes the keywords of `method` (a client's create_thread, where they
    are written out once) and is handed them as one CreateArgs, as the client's own method is.

    Type checkers and IDEs see `method`'s keywords (a ParamSpec); `inspect.signature` shows
    them too. A keyword `method` does not take gets the TypeError Python gives it.
    """
    signature = inspect.signature(method)

    def decorate(impl: Callable[[S, CreateArgs], R]) -> Callable[Concatenate[S, P], R]:
        def pack(owner: object, keywords: dict[str, Any]) -> CreateArgs:
            try:
                return CreateArgs(**keywords)
            except TypeError:
                try:
                    signature.bind(owner, **keywords)
                except TypeError as exc:  # Python's own words, as a method of its own would say them
                    raise TypeError(f"{impl.__qualname__}() {exc}") from None
                raise

        wrapper: Callable[..., Any]
        if inspect.iscoroutinefunction(impl):

            async def wrapper(self: S, /, **keywords: Any) -> Any:
                return await cast(Callable[[S, CreateArgs], Awaitable[Any]], impl)(self, pack(self, keywords))

        else:

            def wrapper(self: S, /, **keywords: Any) -> Any:
                return impl(self, pack(self, keywords))

        functools.update_wrapper(wrapper, impl)
        returns = inspect.signature(impl).return_annotation
        setattr(wrapper, "__signature__", signature.replace(return_annotation=returns))  # noqa: B010 (read by inspect)
        return cast(Callable[Concatenate[S, P], R], wrapper)

    return decorate


class ThreadsClientWithRawResponse:
    """`ThreadsClient.with_raw_response`: create_thread returning a RawThreadResponse."""

    __slots__ = ("_run", "_start")

    def __init__(
        self, start: Callable[[CreateArgs], CreateThreadCall], run: Callable[[CreateThreadCall], Thread]
    ) -> None:
        self._start = start
        self._run = run

    @_keywords_of(ThreadsClient.create_thread)
    def create_thread(self, args: CreateArgs) -> RawThreadResponse:
        """ThreadsClient.create_thread (the same arguments and errors), returning the raw response."""
        call = self._start(args)
        return RawThreadResponse(call, self._run(call))


class AsyncThreadsClientWithRawResponse:
    """`AsyncThreadsClient.with_raw_response`: create_thread returning a RawThreadResponse."""

    __slots__ = ("_run", "_start")

    def __init__(
        self, start: Callable[[CreateArgs], CreateThreadCall], run: Callable[[CreateThreadCall], Awaitable[Thread]]
    ) -> None:
        self._start = start
        self._run = run

    @_keywords_of(AsyncThreadsClient.create_thread)
    async def create_thread(self, args: CreateArgs) -> RawThreadResponse:
        """AsyncThreadsClient.create_thread (the same arguments and errors), returning the raw response."""
        call = self._start(args)
        return RawThreadResponse(call, await self._run(call))
