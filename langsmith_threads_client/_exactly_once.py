"""Exactly-once creation: what goes on the wire so that one call makes at most one thread.

The contract (the README's "Retries and exactly-once creation" says it for users):

* One create_thread call creates at most one thread, however many attempts it sends.
* The call's thread id is fixed before the first attempt. When the caller names none, the
  SDK assigns a UUID v7 (as the server itself would), so a retry after a lost response
  meets the thread the lost attempt made instead of making a second one; and the SDK never
  raises ConflictError for an id it assigned itself.
* Without supersteps, an SDK-assigned id goes with ``if_exists="do_nothing"``: a retry
  simply gets the call's own thread back.
* With supersteps, ``do_nothing`` would apply them a second time to the thread a lost
  attempt made (the server applies supersteps to an existing thread), so the SDK sends
  ``"raise"``; a 409 after a lost response then means the lost attempt made the thread, and
  one more request, without supersteps and with ``do_nothing``, fetches it unchanged (its
  extra_body goes along: a field newer than the SDK may scope which thread an id names).
* A Thread is returned only when the SDK knows the request it was asked for was carried out
  once, as asked. A server may act and then fail: store the thread, then answer 5xx (a
  superstep it cannot apply), or its answer (even a 201 or 400 saying the supersteps failed)
  may be lost. So the thread fetched after a 409 is never the call's result: the lost
  attempt may have applied its supersteps once, in part or not at all, and the call raises
  SuperstepsOutcomeUnknownError (a SuperstepsError) with ``thread_id`` and ``thread``.
  Without supersteps the thread a lost attempt made is the one asked for (metadata and TTL
  are set at creation), so a retry that meets it is the call's success.
* An attempt that may have reached the server is sent again only when that is harmless
  (``replay_safe``): not for the caller's own ``do_nothing`` with supersteps, which would
  apply them twice; such a call raises, with its ``thread_id``, for the caller to finish.
* Every error after the request was built carries the id, so
  ``create_thread(thread_id=error.thread_id, if_exists="do_nothing")`` (without the
  supersteps) finishes a failed create exactly once.

The outcomes after an attempt that may have reached the server failed (no answer, a reset,
a timeout after sending, 500/502/504), with retries left; a failure that proves the server
never saw the request (a refused connect, 408, 429, 503) is simply retried in every row:

==========  =========  ==========  ===========================  =====================================
id          if_exists  supersteps  the next attempt meets        the call
==========  =========  ==========  ===========================  =====================================
the SDK's   (sends      no         the thread (200)              returns it: it is the one asked for
            do_nothing)
the SDK's   (sends      yes        no thread: creates it (200)   returns it: the retry applied them once
            raise)
the SDK's   (sends      yes        409, then the fetch (200)     raises SuperstepsOutcomeUnknownError
            raise)                                               (``.thread``, ``.thread_id``)
the SDK's   (sends      yes        201/400 (supersteps failed)   raises SuperstepsError
            raise)
caller's    raise       either     409                           raises ConflictError,
                                                                 ``after_lost_response=True`` (an older
                                                                 thread may hold the id: no fetch)
caller's    raise       either     no thread: creates it (200)   returns it
caller's    do_nothing  no         the thread (200)              returns it
caller's    do_nothing  yes        (not sent: it would apply     raises the failure's error
                                   them twice)                   (InternalServerError,
                                                                 APIConnectionError, APITimeoutError)
==========  =========  ==========  ===========================  =====================================

When retries run out, the last failure's error is raised, with ``thread_id``.

`plan_create` turns the checked arguments into that plan; `_call.py` carries it out.
"""

from __future__ import annotations

from ._arguments import PreparedCreate
from ._endpoint import encode_body, encode_plain_body
from ._generated.models import ThreadCreate, ThreadCreateIfExists, ThreadCreateMetadata
from ._generated.types import UNSET
from ._uuid7 import uuid7
from ._validation import CheckedCreate

__all__ = ["PreparedCreate", "plan_create"]

_DO_NOTHING = ThreadCreateIfExists("do_nothing")
_RAISE = ThreadCreateIfExists("raise")


def plan_create(checked: CheckedCreate) -> PreparedCreate:
    if_exists = checked.if_exists
    recover_content = None
    if checked.thread_id is not None:
        thread_id = checked.thread_id
    else:
        thread_id = uuid7()
        if checked.supersteps is None:
            if_exists = _DO_NOTHING
        else:
            if_exists = _RAISE
            recover = ThreadCreate(thread_id=thread_id, if_exists=_DO_NOTHING)
            recover.additional_properties.update(checked.extra)
            recover_content = encode_body(recover)
    if checked.ttl is None and checked.supersteps is None and not checked.extra:
        content = encode_plain_body(thread_id, checked.metadata, if_exists)  # most calls: spliced
    else:
        body = ThreadCreate(
            thread_id=thread_id,
            metadata=UNSET if checked.metadata is None else ThreadCreateMetadata.from_dict(checked.metadata),
            if_exists=if_exists,
            ttl=UNSET if checked.ttl is None else checked.ttl,
            supersteps=UNSET if checked.supersteps is None else checked.supersteps,
        )
        # The generated to_dict writes additional_properties first and its own fields over them.
        body.additional_properties.update(checked.extra)
        content = encode_body(body)
    return PreparedCreate(
        thread_id=thread_id,
        has_supersteps=checked.supersteps is not None,
        content=content,
        replay_safe=checked.supersteps is None or if_exists is not _DO_NOTHING,
        recover_content=recover_content,
    )
