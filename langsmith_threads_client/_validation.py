"""create_thread's arguments checked, before any I/O, and the request they become.

`check_create` only checks (what the checked values mean for retries is the call's to
decide: `_call.plan_create`); `PreparedCreate` is the request the plan makes of them.

Every check raises TypeError (wrong kind of value) or ValueError (right kind, bad
value) with a message that names the argument. The allowed enum values come from the
generated models, so a regenerated spec moves the checks with it.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from ._config import CreateArgs
from ._endpoint import SDK_FIELDS
from ._generated.models import (
    Command,
    Send,
    ThreadCreateIfExists,
    ThreadCreateSuperstepsItem,
    ThreadCreateTTL,
    ThreadCreateTTLStrategy,
    ThreadSuperstepUpdate,
)
from ._generated.types import Unset
from ._logging import short_repr

__all__ = ["SDK_FIELDS", "CheckedCreate", "PreparedCreate", "SuperstepArg", "TTLArg", "check_create"]

TTLArg = float | int | datetime.timedelta | Mapping[str, Any] | ThreadCreateTTL
SuperstepArg = Mapping[str, Any] | ThreadCreateSuperstepsItem

# The enums are open (unknown values parse, for responses); requests use only declared members.
_IF_EXISTS = {member.value: member for member in ThreadCreateIfExists}
IF_EXISTS_VALUES = frozenset(_IF_EXISTS)
TTL_STRATEGIES = frozenset(member.value for member in ThreadCreateTTLStrategy)
_TTL_KEYS = frozenset({"strategy", "ttl"})
_UPDATE_KEYS = frozenset({"as_node", "values", "command"})
# Objects and arrays inside each other, the argument itself counted: far beyond real
# metadata or graph state, and below what the encoder and the server can take.
MAX_JSON_DEPTH = 100
# Tuples, not unions: isinstance takes a tuple in about half the time.
_LEAVES = (str, bool, int)
_CONTAINERS = (dict, list, tuple)


class CheckedCreate(NamedTuple):
    """create_thread's body arguments, each checked (None: not given)."""

    thread_id: uuid.UUID | None
    metadata: dict[str, Any] | None  # a copy, checked
    if_exists: ThreadCreateIfExists
    ttl: ThreadCreateTTL | None
    supersteps: list[ThreadCreateSuperstepsItem] | None
    extra: dict[str, Any]


class PreparedCreate(NamedTuple):
    """One create_thread call's request, fixed before the first attempt and reused by retries
    (`_call.plan_create` makes it from the checked arguments; the responses read it)."""

    thread_id: uuid.UUID
    has_supersteps: bool
    content: bytes  # the JSON body of every attempt, encoded once
    # May an attempt be sent again after one that may have reached the server?
    replay_safe: bool
    # After a lost response and then a 409 for an id the SDK assigned, this body (no
    # supersteps, "do_nothing") fetches the thread the lost attempt created, unchanged.
    recover_content: bytes | None


def check_create(args: CreateArgs) -> CheckedCreate:
    """Every body argument of `args` checked, or the TypeError/ValueError naming the first bad one."""
    # (An argument not given is not checked at all: most calls give one or two.)
    if_exists = _check_if_exists(args.if_exists)
    extra = {} if args.extra_body is None else _check_extra_body(args.extra_body)
    given_metadata = args.metadata is not None or args.graph_id is not None
    metadata = _check_metadata(args.metadata, args.graph_id) if given_metadata else None
    ttl = None if args.ttl is None else _check_ttl(args.ttl)
    supersteps = None if args.supersteps is None else _check_supersteps(args.supersteps) or None
    thread_id = None if args.thread_id is None else _check_thread_id(args.thread_id)
    return CheckedCreate(thread_id, metadata, if_exists, ttl, supersteps, extra)


def _check_extra_body(extra_body: object) -> dict[str, Any]:
    if extra_body is None:
        return {}
    if not isinstance(extra_body, Mapping):
        raise TypeError(f"extra_body must be a mapping (JSON fields to send), not {type(extra_body).__name__}")
    extra = dict(extra_body)
    for key in extra:
        if isinstance(key, str) and key in SDK_FIELDS:
            raise ValueError(
                f"extra_body[{key!r}] is a field create_thread sends itself: pass it as the {key}= argument"
            )
    _check_json(extra, "extra_body")
    return extra


def _check_thread_id(value: object) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        raise TypeError(f"thread_id must be a uuid.UUID or a UUID string, not {type(value).__name__}")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValueError(f"thread_id must be a UUID, got {short_repr(value)}") from None


def _check_if_exists(value: object) -> ThreadCreateIfExists:
    member = _IF_EXISTS.get(value) if type(value) is str else None
    if member is not None:
        return member
    if not isinstance(value, str):
        raise TypeError(f"if_exists must be a string, one of {sorted(IF_EXISTS_VALUES)}, not {type(value).__name__}")
    member = _IF_EXISTS.get(value)
    if member is None:
        raise ValueError(f"if_exists must be one of {sorted(IF_EXISTS_VALUES)}, got {short_repr(value)}")
    return member


def _check_metadata(metadata: object, graph_id: object) -> dict[str, Any] | None:
    if metadata is None:
        result: dict[str, Any] | None = None
    elif type(metadata) is not dict and not isinstance(metadata, Mapping):  # (dict first: a quicker check)
        raise TypeError(f"metadata must be a mapping (a JSON object), not {type(metadata).__name__}")
    else:
        result = dict(metadata)
        _check_json(result, "metadata")
    if graph_id is None:
        return result
    if not isinstance(graph_id, str):
        raise TypeError(f"graph_id must be a string, not {type(graph_id).__name__}")
    if not graph_id:
        raise ValueError("graph_id must not be empty")
    if not graph_id.isascii():
        try:
            graph_id.encode()
        except UnicodeEncodeError as exc:
            raise ValueError(f"graph_id is not valid Unicode text: {exc}") from None
    result = {} if result is None else result
    if result.setdefault("graph_id", graph_id) != graph_id:
        raise ValueError(
            f"graph_id={short_repr(graph_id)} disagrees with metadata['graph_id']={short_repr(result['graph_id'])}"
        )
    return result


# A path into a JSON value, built as (parent, key) links: cheap to extend, spelled out
# only for a message.
_Path = tuple["_Path | None", object] | None


def _spell(where: str, path: _Path) -> str:
    keys: list[object] = []
    while path is not None:
        path, key = path
        keys.append(key)
    keys.reverse()
    if len(keys) > 8:
        keys = [*keys[:4], ..., *keys[-3:]]
    return where + "".join("[...]" if key is ... else f"[{short_repr(key, 40)}]" for key in keys)


def _check_json(value: object, where: str) -> None:
    """Only what JSON carries as is: json.dumps would turn a key 1 into "1" and NaN into invalid JSON.

    With a nesting limit, so a deep value gets this ValueError, not a RecursionError here,
    in the encoder or on the server (the recursion below stops at the limit).
    """
    _check_json_at(value, where, None, 0)


def _check_json_at(value: object, where: str, path: _Path, depth: int) -> None:
    if value is None or isinstance(value, _LEAVES):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(
                f"{_spell(where, path)} must be a finite number (JSON has no NaN or Infinity), got {value!r}"
            )
        return
    if isinstance(value, _CONTAINERS):
        if depth >= MAX_JSON_DEPTH:
            raise ValueError(
                f"{where} nests deeper than {MAX_JSON_DEPTH} levels of objects and arrays (at {_spell(where, path)})"
            )
        if isinstance(value, dict):
            for key, child in value.items():
                if not isinstance(key, str):
                    raise TypeError(
                        f"{_spell(where, path)} keys must be strings (JSON object keys), "
                        f"got {type(key).__name__} {short_repr(key)}"
                    )
                if not (child is None or isinstance(child, _LEAVES)):  # leaves inline: the common case
                    _check_json_at(child, where, (path, key), depth + 1)
        else:
            for index, child in enumerate(value):
                if not (child is None or isinstance(child, _LEAVES)):
                    _check_json_at(child, where, (path, index), depth + 1)
        return
    raise TypeError(
        f"{_spell(where, path)} must be JSON-serialisable (a dict, list, str, number, bool or None), "
        f"got {type(value).__name__} {short_repr(value)}"
    )


def _keys(keys: set[Any]) -> str:
    return short_repr(sorted(short_repr(key, 40) for key in keys))


def _check_ttl_minutes(value: object, name: str) -> float:
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds() / 60
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of minutes, not {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive, finite number of minutes, got {short_repr(value)}")
    return float(value)


def _check_ttl_strategy(value: object) -> ThreadCreateTTLStrategy:
    if not isinstance(value, str) or value not in TTL_STRATEGIES:
        raise ValueError(f"ttl strategy must be one of {sorted(TTL_STRATEGIES)}, got {short_repr(value)}")
    return ThreadCreateTTLStrategy(value)


def _check_ttl(ttl: object) -> ThreadCreateTTL | None:
    if ttl is None:
        return None
    if isinstance(ttl, ThreadCreateTTL):
        if ttl.additional_properties:
            raise ValueError(f"ttl has unknown fields {sorted(ttl.additional_properties)}")
        strategy = "delete" if isinstance(ttl.strategy, Unset) else ttl.strategy
        return ThreadCreateTTL(strategy=_check_ttl_strategy(strategy), ttl=_check_ttl_minutes(ttl.ttl, "ttl.ttl"))
    if isinstance(ttl, Mapping):
        unknown = set(ttl) - _TTL_KEYS
        if unknown:
            raise ValueError(f"ttl has unknown keys {_keys(unknown)}; allowed: {sorted(_TTL_KEYS)}")
        if "ttl" not in ttl:
            raise ValueError("ttl must give 'ttl', the time-to-live in minutes")
        return ThreadCreateTTL(
            strategy=_check_ttl_strategy(ttl.get("strategy", "delete")),
            ttl=_check_ttl_minutes(ttl["ttl"], "ttl['ttl']"),
        )
    if isinstance(ttl, int | float | datetime.timedelta) and not isinstance(ttl, bool):
        return ThreadCreateTTL(strategy=ThreadCreateTTLStrategy("delete"), ttl=_check_ttl_minutes(ttl, "ttl"))
    raise TypeError(
        f"ttl must be minutes (a number), a timedelta, a mapping or ThreadCreateTTL, not {type(ttl).__name__}"
    )


def _is_sequence(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)


def _check_update(update: object, where: str) -> ThreadSuperstepUpdate:
    if isinstance(update, ThreadSuperstepUpdate):
        if not isinstance(update.as_node, str) or not update.as_node:
            raise ValueError(f"{where}.as_node must be a non-empty string")
        return update
    if not isinstance(update, Mapping):
        raise TypeError(f"{where} must be a mapping or ThreadSuperstepUpdate, not {type(update).__name__}")
    if "as_node" not in update:
        raise ValueError(f"{where} is missing 'as_node', the node the update acts as")
    if not isinstance(update["as_node"], str) or not update["as_node"]:
        raise ValueError(f"{where}['as_node'] must be a non-empty string, got {short_repr(update['as_node'])}")
    unknown = set(update) - _UPDATE_KEYS
    if unknown:
        raise ValueError(f"{where} has unknown keys {_keys(unknown)}; allowed: {sorted(_UPDATE_KEYS)}")
    values = update.get("values")
    if not (
        values is None
        or isinstance(values, Mapping)
        or (_is_sequence(values) and all(isinstance(item, Mapping) for item in values))
    ):
        raise TypeError(f"{where}['values'] must be a mapping, a list of mappings or None")
    command = update.get("command")
    if not (command is None or isinstance(command, Mapping | Command)):
        raise TypeError(f"{where}['command'] must be a mapping, Command or None, not {type(command).__name__}")
    plain = dict(update)
    if isinstance(command, Command):
        plain["command"] = command.to_dict()
    if plain.get("command") is not None:
        _check_command(plain["command"], f"{where}['command']")
    return ThreadSuperstepUpdate.from_dict(plain)


def _check_command(command: Mapping[str, Any], where: str) -> None:
    """What the real server's schema rejects (422) even where the generated types are wider."""
    update = command.get("update")
    if not (update is None or isinstance(update, Mapping | list | tuple)):
        raise TypeError(
            f"{where}['update'] must be a mapping, a list (of [key, value] pairs) or None, not {type(update).__name__}"
        )
    goto = command.get("goto")
    if _is_sequence(goto):
        assert isinstance(goto, Sequence)
        names = sum(isinstance(item, str) for item in goto)
        sends = sum(isinstance(item, Mapping | Send) for item in goto)
        if names + sends != len(goto):
            raise TypeError(f"{where}['goto'] items must be node names (str) or Send objects")
        if names and sends:
            raise ValueError(
                f"{where}['goto'] mixes node names and Send objects; the server takes a list of one kind only"
            )
    elif not (goto is None or isinstance(goto, str | Mapping | Send)):
        raise TypeError(f"{where}['goto'] must be a node name, a Send, a list of either, or None")


def _check_supersteps(supersteps: object) -> list[ThreadCreateSuperstepsItem] | None:
    if supersteps is None:
        return None
    if not _is_sequence(supersteps):
        raise TypeError(f"supersteps must be a sequence of supersteps, not {type(supersteps).__name__}")
    assert isinstance(supersteps, Sequence)
    checked: list[ThreadCreateSuperstepsItem] = []
    for index, superstep in enumerate(supersteps):
        where = f"supersteps[{index}]"
        if isinstance(superstep, ThreadCreateSuperstepsItem):
            updates: object = superstep.updates
        elif isinstance(superstep, Mapping):
            if "updates" not in superstep:
                raise ValueError(f"{where} is missing 'updates'")
            updates = superstep["updates"]
        else:
            raise TypeError(f"{where} must be a mapping or ThreadCreateSuperstepsItem, not {type(superstep).__name__}")
        if not _is_sequence(updates):
            raise TypeError(f"{where}['updates'] must be a sequence of updates, not {type(updates).__name__}")
        assert isinstance(updates, Sequence)
        item = ThreadCreateSuperstepsItem(
            updates=[_check_update(update, f"{where}.updates[{n}]") for n, update in enumerate(updates)]
        )
        checked.append(item)
    _check_json([item.to_dict() for item in checked], "supersteps")
    return checked
