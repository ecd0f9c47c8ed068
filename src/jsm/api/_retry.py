"""What jsm retries and how patiently: the known-transient conditions and the backoff.

Every retry decision reads this module: the API client retries idempotent requests on
"no responders" and on the transient error codes below until the request's deadline
(an election takes seconds, not a number of tries; ``Retry.attempts`` may cap them);
the publish paths retry "no responders" and the same codes until the publish's
deadline, and a timed-out publish only when it carries a ``Nats-Msg-Id``.
Every other error reply, whatever its status, is final: a 503 ``maximum bytes exceeded``
is a full stream, not an election.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from jsm._constants import (
    MIN_TIMEOUT,
    PUBLISH_ATTEMPTS_PER_TIMEOUT,
    RETRY_BASE_DELAY,
    RETRY_MAX_DELAY,
)
from jsm._errors_base import InvalidOptionError
from jsm.errors import api_error

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jsm._errors_base import ApiError

__all__ = [
    "NO_RETRY",
    "TRANSIENT_ERR_CODES",
    "Retry",
    "attempt_span",
    "is_store_race",
    "is_transient",
    "is_transient_reply",
    "transient_error",
]


TRANSIENT_ERR_CODES: Mapping[int, str] = MappingProxyType(
    {
        # JSClusterNotAvailErr: the meta group has no leader (an election after a server
        # died or stepped down); nats-server's API handlers answer it while leaderless.
        10008: "JetStream system temporarily unavailable (meta leader election)",
        # JSStreamExpectedLastSeqPerSubjectNotReady: a just-elected stream leader is not
        # ready to check Nats-Expected-Last-Subject-Sequence yet (nats-server 2.10; 2.11
        # and later wait instead of answering it).
        10163: "expected last sequence per subject temporarily unavailable (new stream leader)",
    }
)
"""The error codes that mean "try again shortly": a leader election under way.

Any other error reply is final, whatever its status (503 replies include full streams,
10077 ``maximum bytes exceeded``, and missing resources, 10023).
"""


def is_transient(error: ApiError) -> bool:
    """Whether ``error`` is a known-transient condition (see TRANSIENT_ERR_CODES)."""
    return error.err_code in TRANSIENT_ERR_CODES


STORE_RACE_DESCRIPTION = "error creating store for stream"


def is_store_race(error: ApiError) -> bool:
    """Whether a stream create failed only because it met the server's directory clean-up.

    nats-server removes an account's emptied streams directory in a goroutine after a
    stream is deleted (stream.go, "cleanup directories after the stream"); a create that
    lands in between fails with 10049 and this text, and leaves nothing behind, so
    creating again is safe.
    """
    return error.err_code == 10049 and error.description == STORE_RACE_DESCRIPTION


def transient_error(data: bytes, *, context: str | None = None) -> ApiError | None:
    """The typed error in ``data`` if it is a known-transient error reply, else ``None``."""
    if b'"error"' not in data:
        return None
    try:
        reply = json.loads(data)
    except ValueError:
        return None
    error = reply.get("error") if isinstance(reply, dict) else None
    if not isinstance(error, dict) or error.get("err_code") not in TRANSIENT_ERR_CODES:
        return None
    return api_error(error, context=context)


def is_transient_reply(data: bytes) -> bool:
    """Whether ``data`` is an error reply with a known-transient code (see TRANSIENT_ERR_CODES)."""
    return transient_error(data) is not None


def attempt_span(timeout: float) -> float:
    """Seconds one try of a publish with a ``msg_id`` waits before it is sent again.

    A share of the whole timeout, so a lost acknowledgement (its stream leader died)
    leaves time for more tries, but never under ``MIN_TIMEOUT``.
    """
    return max(MIN_TIMEOUT.total_seconds(), timeout / PUBLISH_ATTEMPTS_PER_TIMEOUT)


@dataclass(frozen=True, slots=True)
class Retry:
    """How often and how patiently to retry during a leader election.

    API requests that are safe to repeat and publishes are retried until their deadline
    (an election takes seconds, not a number of tries), with capped exponential backoff.
    ``attempts=1`` turns every retry off.

    Args:
        attempts: tries in all for an API request, the first one included; ``None``
            (the default) retries until the request's deadline; 1 turns retries off,
            for publishes too.
        base_delay: seconds before the first retry; doubled each time, with jitter.
        max_delay: cap on the delay between two tries, in seconds.
    """

    attempts: int | None = None
    base_delay: float = RETRY_BASE_DELAY
    max_delay: float = RETRY_MAX_DELAY

    def __post_init__(self) -> None:
        attempts = self.attempts
        if attempts is not None and (
            isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1
        ):
            raise InvalidOptionError(
                f"Retry.attempts must be None (until the deadline) or an integer ≥ 1 "
                f"(got {attempts!r})"
            )
        for name in ("base_delay", "max_delay"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or math.isinf(value):
                raise InvalidOptionError(
                    f"Retry.{name} must be a finite number of seconds (got {value!r})"
                )
        if not 0 <= self.base_delay <= self.max_delay:
            raise InvalidOptionError(
                "Retry needs 0 ≤ base_delay ≤ max_delay "
                f"(got base_delay={self.base_delay!r}, max_delay={self.max_delay!r})"
            )

    @property
    def enabled(self) -> bool:
        """Whether anything is retried at all (``attempts`` not 1)."""
        return self.attempts is None or self.attempts > 1

    def allows(self, attempt: int) -> bool:
        """Whether a try may follow try number ``attempt`` (the deadline permitting)."""
        return self.attempts is None or attempt < self.attempts

    def delay(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry)."""
        # Capped before the power so a publish retried for minutes cannot overflow.
        exponent = min(retry_number - 1, 32)
        ceiling = min(self.max_delay, self.base_delay * 2.0**exponent)
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # jitter, not cryptography


NO_RETRY = Retry(attempts=1)
