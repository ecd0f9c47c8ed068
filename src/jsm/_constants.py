"""Defaults and limits shared across jsm, kept in one place."""

from __future__ import annotations

from datetime import timedelta

DEFAULT_TIMEOUT = timedelta(seconds=5)
"""How long an API request waits for its reply unless told otherwise."""

MIN_TIMEOUT = timedelta(milliseconds=500)
"""Shorter timeouts are rejected: the server's own API handling can take this long."""

DEFAULT_API_PREFIX = "$JS.API"

RETRY_ATTEMPTS = 5
"""Attempts (the first one included) for a retryable request during a leader election."""

RETRY_BASE_DELAY = 0.05
"""Seconds before the first retry; doubles each time, with jitter."""

RETRY_MAX_DELAY = 1.0
"""Cap on the delay between two retries, in seconds."""

NAME_WARN_LENGTH = 32
"""Names this long or longer get a warning: some file systems and tools truncate them."""

NAME_MAX_LENGTH = 255
"""The server's limit for stream, consumer and account names."""

API_LEVEL_HEADER = "Nats-Required-Api-Level"
