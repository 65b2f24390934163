"""JSON in and out, as the dev server's libraries write and read it.

The server parses request bodies with orjson, writes its successful answers with orjson
(through its own ``json_dumpb``), its error answers with Starlette's ``JSONResponse``
(the standard library's encoder), and quotes the offending value in a validation message
the way its validator (``jsonschema_rs``, serde_json underneath) renders it. The three
differ in small ways that show in bytes, so this module reproduces each:

* :func:`loads`: what orjson accepts: strict UTF-8, no ``NaN``/``Infinity``, no number
  that overflows to infinity, no lone surrogate escape; integers outside
  ``[-2**63, 2**64 - 1]`` become floats (as orjson parses them).
* :func:`dumps`: compact, non-ASCII kept, floats as orjson writes them (``1e+16``,
  ``0.00001``, ``1e-6``), keys in order (or sorted, as serde_json renders a value in a
  validation message); :func:`dump_answer` also replaces NUL escapes with U+FFFD, as
  the server's ``json_dumpb`` does.
* :func:`dump_error`: Starlette's ``JSONResponse`` encoding of ``{"detail": ...}``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = ["InvalidJSON", "clone", "dump_answer", "dump_error", "dumps", "format_float", "loads"]

_I64_MIN = -(2**63)
_U64_MAX = 2**64 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidJSON(ValueError):
    """The body is not JSON orjson would parse."""


def _reject_constant(name: str) -> Any:
    raise InvalidJSON(name)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InvalidJSON(text)
    return value


def _parse_int(text: str) -> int | float:
    value = int(text)
    if _I64_MIN <= value <= _U64_MAX:
        return value
    return _parse_float(text)  # orjson reads a wider integer as a float


_DECODER = json.JSONDecoder(parse_float=_parse_float, parse_int=_parse_int, parse_constant=_reject_constant)
_PLAIN_DECODER = json.JSONDecoder()  # for clone(): what dumps() wrote is valid JSON already


def _check_strings(value: Any) -> None:
    """Lone surrogates (``"\\ud800"``) are valid for Python's json, not for orjson."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise InvalidJSON("lone surrogate")
        elif isinstance(item, dict):
            for key, member in item.items():
                if _SURROGATE.search(key):
                    raise InvalidJSON("lone surrogate")
                stack.append(member)
        elif isinstance(item, list):
            stack.extend(item)


def loads(body: bytes) -> Any:
    """The JSON value of a request body; raises InvalidJSON where orjson would."""
    try:
        text = body.decode("utf-8")
        value = _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise InvalidJSON(str(exc)) from None
    _check_strings(value)
    return value


def format_float(value: float) -> str:
    """A float as orjson (and serde_json in a message) writes it: ryu's shortest digits and layout.

    Python's ``repr`` has the same digits but another layout: ``1e-05`` where ryu writes
    ``0.00001``, ``1e-06`` where it writes ``1e-6``.
    """
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    written = whole + fraction
    leading = len(written) - len(written.lstrip("0"))
    digits = written.strip("0")
    point = len(whole) + (int(exponent) if exponent else 0) - leading  # 10**(point-1) <= value < 10**point
    length = len(digits)
    zeros = point - length  # value == int(digits) * 10**zeros
    if zeros >= 0 and point <= 16:
        text = digits + "0" * zeros + ".0"
    elif 0 < point <= 16:
        text = digits[:point] + "." + digits[point:]
    elif -5 < point <= 0:
        text = "0." + "0" * -point + digits
    else:
        power = point - 1
        head = digits if length == 1 else digits[0] + "." + digits[1:]
        text = f"{head}e{'+' if power >= 0 else '-'}{abs(power)}"
    return sign + text


class _Raw(str):
    """Text to copy to the output as is (punctuation), told apart from string values."""


def dumps(value: Any, *, sort_keys: bool = False) -> str:
    """Compact JSON of a JSON value (dict, list, str, int, float, bool, None); iterative, so any depth."""
    out: list[str] = []
    stack: list[Any] = [value]
    encode_string = json.dumps
    while stack:
        item = stack.pop()
        if isinstance(item, _Raw):
            out.append(item)
        elif isinstance(item, str):
            out.append(encode_string(item, ensure_ascii=False))
        elif item is None:
            out.append("null")
        elif item is True:
            out.append("true")
        elif item is False:
            out.append("false")
        elif isinstance(item, int):
            out.append(str(item))
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ValueError(f"{item!r} is not JSON")
            out.append(format_float(item))
        elif isinstance(item, dict):
            if not item:
                out.append("{}")
                continue
            pairs = sorted(item.items()) if sort_keys else list(item.items())
            pending: list[Any] = [_Raw("}")]
            for index in range(len(pairs) - 1, -1, -1):
                key, member = pairs[index]
                pending.append(member)
                pending.append(_Raw(("," if index else "{") + encode_string(key, ensure_ascii=False) + ":"))
            stack.extend(pending)
        elif isinstance(item, list | tuple):
            if not item:
                out.append("[]")
                continue
            pending = [_Raw("]")]
            for index in range(len(item) - 1, -1, -1):
                pending.append(item[index])
                pending.append(_Raw("," if index else "["))
            stack.extend(pending)
        else:
            raise TypeError(f"{type(item).__name__} is not JSON")
    return "".join(out)


def clone(value: Any) -> Any:
    """A deep copy of a JSON value, at any depth the parser took it (copy.deepcopy recurses three frames a level)."""
    if value is None or isinstance(value, str | int | float):
        return value
    return _PLAIN_DECODER.decode(dumps(value))


def dump_answer(value: Any) -> bytes:
    """A successful answer's body, as the server's ``json_dumpb`` writes it (orjson, NUL as U+FFFD)."""
    dumped = dumps(value).encode("utf-8")
    if rb"\u0000" not in dumped:
        return dumped
    return dumped.replace(rb"\\u0000", rb"\\ufffd").replace(rb"\u0000", rb"\ufffd")


def dump_error(detail: str) -> bytes:
    """An error answer's body, as Starlette's JSONResponse writes ``{"detail": detail}``."""
    return json.dumps({"detail": detail}, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
