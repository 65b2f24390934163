"""An attempt as the httpx2.Request its client's `build_request` would make, for a fraction of its CPU.

`httpx2.Client.build_request` merges the client's headers with the request's, then its
cookies and query parameters, and `Request` adds `Host` and `Content-Length`: four
`Headers` built and normalised per request, about 25 us, as much as the SDK's whole call
logic. Every attempt of a client goes to the same URL with the same headers and only its
body differs, so the merge is done once, by `build_request` itself, and kept: each request
then takes the kept header list with its own `Content-Length` (`RequestBuilder`).

It is kept only while nothing it came from changes: the same URL and header objects from the
call, the client's own headers equal to what they were (a user may change them in place),
and no cookies or query parameters on the client, which `build_request` merges per request
(with either, every request goes through `build_request`). A client whose class overrides
`build_request` always gets its own. tests/unit/test_requests.py holds the result to
`build_request`'s: method, URL, every header in order, body and extensions.
"""

from __future__ import annotations

import httpx2

from ._raw_response import Attempt

__all__ = ["RequestBuilder"]

_OWN_BUILDERS = (httpx2.Client.build_request, httpx2.AsyncClient.build_request)


class _Kept:
    """One merge: what it came from (the attempt's method, URL and header objects, the client's
    headers), and its header list, whose one Content-Length each request sets to its body's."""

    __slots__ = ("attempt_headers", "client_headers", "headers", "length_at", "method", "url")

    def __init__(self, request: httpx2.Request, attempt: Attempt, client_headers: list[tuple[bytes, bytes]]) -> None:
        raw = request.headers.raw
        at = [i for i, (name, _) in enumerate(raw) if name.lower() == b"content-length"]
        self.length_at = at[0] if len(at) == 1 else -1  # -1: not one Content-Length (never kept)
        self.headers = raw
        self.method = attempt.method
        self.url = attempt.url
        self.attempt_headers = attempt.headers
        self.client_headers = client_headers


class RequestBuilder:
    """Builds each attempt's request for one httpx2 client, as its `build_request` would."""

    __slots__ = ("_custom", "_http", "_kept")

    def __init__(self, http: httpx2.Client | httpx2.AsyncClient) -> None:
        self._http = http
        self._custom = type(http).build_request not in _OWN_BUILDERS
        # One object, replaced whole: a client shared by threads never reads half of a merge.
        self._kept: _Kept | None = None

    def request(self, attempt: Attempt) -> httpx2.Request:
        http = self._http
        kept = self._kept
        if (
            kept is not None
            and attempt.headers is kept.attempt_headers
            and attempt.url is kept.url
            and attempt.method == kept.method
            and attempt.content
            and not http.cookies
            and not http.params
            and http.headers.raw == kept.client_headers
        ):
            content = attempt.content
            headers = kept.headers.copy()
            headers[kept.length_at] = (headers[kept.length_at][0], str(len(content)).encode())
            request = httpx2.Request(
                attempt.method,
                attempt.url,
                headers=headers,
                stream=httpx2.ByteStream(content),
                extensions={"timeout": attempt.timeout.as_dict()},
            )
            request.read()  # as a request built with content= is: its .content is the body
            return request
        return self._build(attempt)

    def _build(self, attempt: Attempt) -> httpx2.Request:
        http = self._http
        request = attempt.request(http)
        # (An empty body's Content-Length is put elsewhere: never kept, nor served from what is.)
        if self._custom or http.cookies or http.params or not attempt.content:
            return request
        kept = _Kept(request, attempt, http.headers.raw)
        if kept.length_at >= 0:
            self._kept = kept
        return request
