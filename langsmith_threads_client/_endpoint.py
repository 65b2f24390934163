"""The generated endpoint, through its public names: what `POST /threads` sends and how its answer parses.

Its `get_kwargs` and `parse_response` are the wire format the spec gives (public through
openapi/templates/endpoint_module.py.jinja.patch); every other module asks this one, so a
regenerated spec moves them all at once. A body is encoded as the generated endpoint
would send it.
"""

from __future__ import annotations

import json
from typing import Any, cast

import attrs
import httpx2

from ._generated import Client as _GeneratedClient
from ._generated.api.threads import create_thread_threads_post as _generated
from ._generated.models import ErrorResponse, Thread, ThreadCreate
from ._transport import SentResponse

__all__ = ["HEADERS", "METHOD", "PATH", "SDK_FIELDS", "encode_body", "parse_response"]

_WIRE = _generated.get_kwargs(body=ThreadCreate())
METHOD: str = _WIRE["method"].upper()
PATH: str = _WIRE["url"]
HEADERS: dict[str, str] = {name.lower(): value for name, value in _WIRE["headers"].items()}
# The fields the SDK sends itself, from the generated model, so regeneration moves them:
# extra_body may add fields newer than the SDK, never override these.
SDK_FIELDS = frozenset(field.name for field in attrs.fields(ThreadCreate) if field.init)
# Built once: json.dumps with options builds a new encoder on every call.
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)

# Only consulted for its raise_on_unexpected_status flag (False: unknown statuses give None).
_PARSER = _GeneratedClient(base_url="")


def encode_body(body: ThreadCreate) -> bytes:
    """The JSON the generated endpoint would send for `body`, encoded once; ValueError naming the
    argument that holds text UTF-8 cannot carry (a lone surrogate; everything else was checked)."""
    wire: dict[str, Any] = _generated.get_kwargs(body=body)["json"]
    try:
        return _JSON_ENCODER.encode(wire).encode()
    except UnicodeEncodeError as exc:
        parts = {"metadata": "metadata", "supersteps": "supersteps"}
        parts.update({key: f"extra_body[{key!r}]" for key in wire if key not in SDK_FIELDS})
        for key, name in parts.items():
            try:
                _JSON_ENCODER.encode(wire.get(key)).encode()
            except UnicodeEncodeError as part_exc:
                raise ValueError(f"{name} holds text that is not valid Unicode: {part_exc}") from None
        raise ValueError(f"the request body holds text that is not valid Unicode: {exc}") from None


def parse_response(response: SentResponse) -> ErrorResponse | Thread | None:
    """The generated parser's reading of a response: a Thread (200), an ErrorResponse (the
    statuses the spec lists), None (any other); raises what it raises on a body it cannot read.

    It reads only status_code, json() and content, which a RawResponse has too
    (tests/unit/test_transports.py parses every documented status through both).
    """
    return _generated.parse_response(client=_PARSER, response=cast(httpx2.Response, response))
