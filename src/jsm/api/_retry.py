"""Retry policy for JetStream API requests: bounded attempts, capped exponential backoff."""

from __future__ import annotations

import random
from dataclasses import dataclass

from jsm._constants import RETRY_ATTEMPTS, RETRY_BASE_DELAY, RETRY_MAX_DELAY
from jsm._errors_base import InvalidOptionError

__all__ = ["Retry"]


@dataclass(frozen=True, slots=True)
class Retry:
    """How often and how patiently to retry a request during a leader election.

    Retries happen only for idempotent requests, only on "no responders" or a 503
    reply, and never past the request's deadline.

    Args:
        attempts: tries in all, the first one included (1 turns retries off).
        base_delay: seconds before the first retry; doubled each time, with jitter.
        max_delay: cap on the delay between two tries, in seconds.
    """

    attempts: int = RETRY_ATTEMPTS
    base_delay: float = RETRY_BASE_DELAY
    max_delay: float = RETRY_MAX_DELAY

    def __post_init__(self) -> None:
        if (
            isinstance(self.attempts, bool)
            or not isinstance(self.attempts, int)
            or self.attempts < 1
        ):
            raise InvalidOptionError(
                f"Retry.attempts must be an integer ≥ 1 (got {self.attempts!r})"
            )
        if not 0 <= self.base_delay <= self.max_delay:
            raise InvalidOptionError(
                "Retry needs 0 ≤ base_delay ≤ max_delay "
                f"(got base_delay={self.base_delay!r}, max_delay={self.max_delay!r})"
            )

    def delay(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (retry_number - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # jitter, not cryptography


NO_RETRY = Retry(attempts=1)
