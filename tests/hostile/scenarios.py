"""The hostile-server scenarios: what the client is asked, and what each client kind must end with.

Shared by the client process (``run_client.py``, which runs them) and the tests (which check
what it reports). Every call uses ``timeout=1.0`` (the attempt bound) and the SDK's default
cap on a response's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ATTEMPT_BOUND", "KINDS", "SCENARIOS", "SIZE_BOUND", "Scenario"]

ATTEMPT_BOUND = 1.0
# Where the size of the answer is the point, not its pace: time enough to read the cap on a
# loaded machine, so that the cap, not the clock, ends the call.
SIZE_BOUND = 5.0
KINDS = ("sync", "async", "trio", "aiohttp")

TOO_LARGE = "ResponseTooLargeError"
TIMEOUT = "APITimeoutError"
CONNECTION = "APIConnectionError"
INVALID = "APIResponseValidationError"


@dataclass(frozen=True)
class Scenario:
    name: str
    outcome: str  # the error class every kind ends with (or "Thread")
    status: int | None = None  # the status the error carries, when it has one
    may_exist: bool | None = None  # ResponseTooLargeError.thread_may_exist
    max_retries: int = 0
    attempts: int = 1  # attempts the call makes: its time bound is this many attempt bounds, plus backoff
    big_request: bool = False  # a request body too large for the socket buffers (8 MiB of metadata)
    supersteps: bool = False  # so that a lost attempt and a 409 lead to the SDK's recovery fetch
    # A kind whose stack ends otherwise (and why, in a comment): its outcome, or outcomes joined by "|".
    per_kind: dict[str, str] = field(default_factory=dict)
    times_out: bool = False  # ends at the attempt bound (not sooner)
    timeout: float = ATTEMPT_BOUND  # the call's timeout: its attempt bound


SCENARIOS = {
    s.name: s
    for s in [
        Scenario("gzip_bomb_200", TOO_LARGE, status=200, may_exist=True, timeout=SIZE_BOUND),
        Scenario("endless_chunked", TOO_LARGE, status=200, may_exist=True, timeout=SIZE_BOUND),
        Scenario("huge_html_500", TOO_LARGE, status=500, may_exist=True, timeout=SIZE_BOUND),
        Scenario("huge_valid_200", TOO_LARGE, status=200, may_exist=True, timeout=SIZE_BOUND),
        Scenario("many_headers", CONNECTION),
        Scenario("drip", TIMEOUT, times_out=True),
        # The bound is per attempt: a retry gets a bound of its own, after the backoff.
        Scenario("drip_retried", TIMEOUT, times_out=True, max_retries=1, attempts=2),
        # h11 reads a chunk size of up to 20 hex digits, then the endless chunk meets the cap;
        # aiohttp's parser refuses a size past 2^63 at once, or (about one run in six here)
        # leaves the read waiting for data it will never take: the attempt's bound ends it.
        Scenario(
            "chunk_size_past_2_63",
            TOO_LARGE,
            status=200,
            may_exist=True,
            per_kind={"aiohttp": f"{CONNECTION}|{TIMEOUT}"},
            timeout=SIZE_BOUND,
        ),
        # aiohttp parses the bytes past the content-length at once, as the next answer's status line.
        Scenario("content_length_smaller", INVALID, per_kind={"aiohttp": CONNECTION}),
        Scenario("content_length_larger", TIMEOUT, times_out=True),
        Scenario("endless_1xx", TIMEOUT, times_out=True),
        Scenario("endless_status_line", CONNECTION),
        Scenario("endless_header", CONNECTION),
        Scenario("never_reads", TIMEOUT, big_request=True, times_out=True),
        Scenario("redirect_to_bomb", TOO_LARGE, status=200, may_exist=True, timeout=SIZE_BOUND),
        Scenario("gzip_ten_deep", CONNECTION),
        Scenario(
            "recovery_bomb",
            TOO_LARGE,
            status=200,
            may_exist=True,
            max_retries=1,
            attempts=2,
            supersteps=True,
            timeout=SIZE_BOUND,
        ),
        Scenario(
            "recovery_endless",
            TOO_LARGE,
            status=200,
            may_exist=True,
            max_retries=1,
            attempts=2,
            supersteps=True,
            timeout=SIZE_BOUND,
        ),
        Scenario("valid", "Thread"),
        Scenario("valid_gzip", "Thread"),
    ]
}
