"""Turn what went wrong while asking the servers into a check's status, never an exception."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from jsm._errors_base import (
    ClosedError,
    InvalidNameError,
    InvalidOptionError,
    JetStreamUnavailableError,
    JsmConnectionError,
    JsmError,
    JsmTimeoutError,
    KeyNotFoundError,
    NotFoundError,
    SystemAccountRequiredError,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jsm.monitor._result import CheckResult

__all__ = ["Abort", "recorded"]

_CANNOT_ASK = (
    JsmTimeoutError,
    JetStreamUnavailableError,
    SystemAccountRequiredError,
    JsmConnectionError,
    ClosedError,
)


class Abort(Exception):
    """Raised inside :func:`recorded` to stop a check once its result says why."""


@contextlib.contextmanager
def recorded(result: CheckResult, what: str) -> Iterator[None]:
    """Record a failure to learn ``what`` in ``result`` and raise :class:`Abort`.

    Missing things are CRITICAL; no answer (timeout, no responders, no system account,
    closed connection) is UNKNOWN; mistakes in the caller's own options propagate.
    """
    try:
        yield
    except (InvalidOptionError, InvalidNameError):
        raise
    except (NotFoundError, KeyNotFoundError) as err:
        result.critical(f"{what} not found: {err}")
        raise Abort from err
    except _CANNOT_ASK as err:
        result.unknown(f"could not ask for {what}: {type(err).__name__}: {err}")
        raise Abort from err
    except JsmError as err:
        result.critical(f"{what} failed: {type(err).__name__}: {err}")
        raise Abort from err
