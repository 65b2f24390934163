"""The clients' configuration: every default, the checks of each setting, and a call's keywords.

Each check raises TypeError (wrong kind of value) or ValueError (right kind, bad value)
naming the argument, or the environment variable the value came from. Header values and
the key are never echoed in a message: they may be credentials. Imports nothing heavy (no
generated models), so the clients and the aiohttp transport share it at import.
"""

from __future__ import annotations

import datetime
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple

import httpx2

from ._logging import short_repr
from ._version import __version__

if TYPE_CHECKING:
    from ._generated.models import ThreadCreateSuperstepsItem, ThreadCreateTTL

__all__ = [
    "API_KEY_ENV_VARS",
    "BASE_URL_ENV_VAR",
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "USER_AGENT",
    "CreateArgs",
    "NotGiven",
    "TimeoutArg",
    "check_api_key",
    "check_base_url",
    "check_header",
    "check_headers",
    "check_max_response_bytes",
    "check_max_retries",
    "check_timeout",
]

# --- defaults ------------------------------------------------------------------------------------


class NotGiven:
    """Marks an argument the caller left out, where None means something else.

    `api_key=NOT_GIVEN` reads the key from the environment (None: no key); `timeout=NOT_GIVEN`
    is the client's default timeout (None: no limit), as openai-python's NOT_GIVEN.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # One object, so `is NOT_GIVEN` holds even for a copy or an unpickled one.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

DEFAULT_BASE_URL = "http://127.0.0.1:2024"  # `langgraph dev`'s own default
BASE_URL_ENV_VAR = "LANGGRAPH_API_URL"
API_KEY_ENV_VARS = ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY")
DEFAULT_MAX_RETRIES = 2
# Supersteps run graph code on the server, so reads get a generous bound; connecting does not.
DEFAULT_TIMEOUT = httpx2.Timeout(60.0, connect=5.0)
# httpx2's client defaults (its DEFAULT_LIMITS), so both transports pool alike.
DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
# The most of one answer the SDK reads, counted after decoding (docs/timeouts-and-limits.md). A
# thread's `values` holds its graph's whole state: `langgraph dev` answered a create whose
# supersteps set 16,000 messages of 1 KB with a 16.2 MB body (0.7 s); 64 MiB is four times that.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
USER_AGENT = f"langsmith-threads-client/{__version__}"


# --- checks of the settings ----------------------------------------------------------------------

# RFC 9110 token: what h11 and aiohttp accept as a header name.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# httpx2 encodes a str header value as ASCII, and h11 then accepts visible characters
# with spaces or tabs between them: no control character, no space at either end.
_HEADER_VALUE = re.compile(r"(?:[\x21-\x7e](?:[ \t]*[\x21-\x7e])*)?")
_USERINFO = re.compile(r"//[^/?#]*@")
_TIMEOUT_PARTS = ("connect", "read", "write", "pool")
_NO_LIMIT = httpx2.Timeout(None)


def _shown_url(value: str) -> str:
    return short_repr(_USERINFO.sub("//***@", value))


def check_base_url(value: object, source: str) -> httpx2.URL:
    """`value` as the server's URL; `source` names where it came from (argument or variable)."""
    if isinstance(value, httpx2.URL):
        value = str(value)
    if not isinstance(value, str):
        raise TypeError(f"{source} must be a URL string, not {type(value).__name__}")
    try:
        url = httpx2.URL(value)
    except httpx2.InvalidURL as exc:
        raise ValueError(f"{source} is not a valid URL ({exc}): {_shown_url(value)}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"{source} must be an http(s) URL such as http://127.0.0.1:2024, got {_shown_url(value)}")
    if url.query or url.fragment or "?" in value or "#" in value:
        raise ValueError(
            f"{source} must not have a query string or fragment (requests go to its path + /threads), "
            f"got {_shown_url(value)}"
        )
    return url


def _check_seconds(value: object, name: str, none_allowed: bool) -> None:
    if value is None and none_allowed:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "seconds (a number) or None" if none_allowed else "seconds (a number) or an httpx2.Timeout"
        raise TypeError(f"{name} must be {kind}, not {type(value).__name__}")
    if isinstance(value, int) and value.bit_length() > 64:
        raise ValueError(f"{name} must be a positive, finite number of seconds, got {short_repr(value)}")
    if not (value > 0 and math.isfinite(value)):
        no_limit = " (None means no limit)" if none_allowed else ""
        raise ValueError(f"{name} must be a positive, finite number of seconds{no_limit}, got {short_repr(value)}")


def check_timeout(timeout: object, name: str) -> httpx2.Timeout:
    """Seconds or an httpx2.Timeout whose parts are each positive and finite (or None: no limit),
    or None for no limit at all, as to httpx2."""
    if timeout is None:
        return _NO_LIMIT
    if isinstance(timeout, httpx2.Timeout):
        for part in _TIMEOUT_PARTS:
            _check_seconds(getattr(timeout, part), f"{name}.{part}", none_allowed=True)
        return timeout
    _check_seconds(timeout, name, none_allowed=False)
    assert isinstance(timeout, int | float)
    return httpx2.Timeout(float(timeout))


def check_header(name: object, value: object, where: str) -> None:
    """One header as HTTP/1.1 can carry it; `where` names the argument or variable in messages."""
    if not isinstance(name, str):
        raise TypeError(f"{where} names must be strings, not {type(name).__name__}")
    if not _HEADER_NAME.fullmatch(name):
        raise ValueError(f"{where} has a name HTTP cannot carry: {short_repr(name, 60)}")
    label = f"{where}[{short_repr(name, 60)}]"
    if not isinstance(value, str):
        raise TypeError(f"{label} must be a string, not {type(value).__name__}")
    _check_header_value(value, label)


def _check_header_value(value: str, label: str) -> None:
    if _HEADER_VALUE.fullmatch(value):
        return
    # The value may be a credential: say where and what is wrong, never what it is.
    if value != value.strip(" \t"):
        raise ValueError(f"{label} must not start or end with a space or tab")
    index, char = next((i, c) for i, c in enumerate(value) if not ("\x20" <= c <= "\x7e" or c == "\t"))
    kind = "a control character" if char.isascii() else "a character that is not ASCII"
    raise ValueError(f"{label} holds {kind} (U+{ord(char):04X} at index {index}), which an HTTP header cannot carry")


# The body's own headers: the SDK encodes the JSON body, so only it can say its type and length.
_BODY_HEADERS = frozenset({"content-type", "content-length"})


def check_headers(headers: object, name: str) -> dict[str, str]:
    """Header names (lower-cased, so merging is case-insensitive and each is sent once) to values,
    each as HTTP/1.1 can carry it."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise TypeError(f"{name} must be a mapping of header names to values, not {type(headers).__name__}")
    checked: dict[str, str] = {}
    for key, value in headers.items():
        check_header(key, value, name)
        lower = key.lower()
        if lower in _BODY_HEADERS:
            raise ValueError(f"{name}[{key!r}] is set by the SDK for the JSON body it sends; leave it out")
        if lower in checked:
            raise ValueError(f"{name} gives {key!r} twice (header names are case-insensitive)")
        checked[lower] = value
    return checked


def check_api_key(key: str, source: str) -> str:
    """The key as sent in `x-api-key`; `source` names the argument or variable it came from."""
    _check_header_value(key, source)
    return key


def check_max_retries(max_retries: object) -> int:
    """How many times a failed attempt may be retried: an int >= 0 (not a bool)."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int):
        raise TypeError(f"max_retries must be an int, not {type(max_retries).__name__}")
    if max_retries < 0:
        raise ValueError(f"max_retries must be >= 0, got {short_repr(max_retries)}")
    return max_retries


def check_max_response_bytes(value: object, name: str) -> int | None:
    """A positive number of bytes, or None for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int (bytes) or None, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive number of bytes (None means no limit), got {value}")
    return value


# --- a call's keywords ---------------------------------------------------------------------------

TimeoutArg = float | httpx2.Timeout | None | NotGiven  # NOT_GIVEN: the client's default; None: no limit


class CreateArgs(NamedTuple):
    """One create_thread call's keywords, as the caller gave them (checked later, once).

    A NamedTuple: as frozen as a frozen dataclass, and made in a third of the time.
    """

    thread_id: uuid.UUID | str | None = None
    metadata: Mapping[str, Any] | None = None
    if_exists: Literal["raise", "do_nothing"] = "raise"
    ttl: float | int | datetime.timedelta | Mapping[str, Any] | ThreadCreateTTL | None = None
    supersteps: Sequence[Mapping[str, Any] | ThreadCreateSuperstepsItem] | None = None
    graph_id: str | None = None
    timeout: TimeoutArg = NOT_GIVEN
    headers: Mapping[str, str] | None = None
    extra_body: Mapping[str, Any] | None = None
