"""Contains some shared types for properties"""

import datetime
from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, BinaryIO, Generic, Literal, TypeVar

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False

    def __reduce__(self) -> str:
        # "The module global UNSET": copy, deepcopy and pickle keep the one UNSET object, so a
        # copied or unpickled model still compares equal to its original.
        return "UNSET"


UNSET: Unset = Unset()


def parse_datetime(value: str) -> datetime.datetime:
    """An RFC 3339 date-time (section 5.6) as a datetime: every spelling it allows.

    The standard library's fromisoformat is the fast path (about 0.1 us; what servers send);
    it refuses a lower-case "z", which RFC 3339 allows, so what it refuses goes to
    python-dateutil's isoparse (about 150 times slower, and imported only then). A leap
    second (":60"), which datetime cannot hold, is the last microsecond of the second before.
    A value that is not a string raises TypeError; one that is no date-time, ValueError.
    """
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        pass
    from dateutil.parser import isoparse

    # YYYY-MM-DDThh:mm:ss has a fixed width: the seconds are at 17 and 18.
    if value[16:19] == ":60":
        return isoparse(value[:17] + "59" + value[19:]).replace(microsecond=999999)
    return isoparse(value)


# The types that `httpx2.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "RequestFiles",
    "Response",
    "Unset",
    "parse_datetime",
]
