"""Is this connection in the system account? One probe, a clear error when it is not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsm._constants import SYS_PING_SUBJECT
from jsm._errors_base import JsmTimeoutError, SystemAccountRequiredError
from jsm._transport import NoRespondersError

if TYPE_CHECKING:
    from jsm._transport import NatsMsg, Transport

__all__ = ["require_system", "system_account_error"]


def system_account_error(what: str) -> SystemAccountRequiredError:
    """The error for ``what`` run on a connection outside the system account."""
    return SystemAccountRequiredError(
        f"{what} needs a connection in the system account: no server answered "
        f"{SYS_PING_SUBJECT!r} on this connection; connect as the system account's user "
        "(e.g. jsm.connect(url, user=..., password=...) with system-account credentials)"
    )


async def require_system(transport: Transport, what: str, *, timeout: float) -> NatsMsg:
    """Return the first server's ping reply, or raise :class:`SystemAccountRequiredError`.

    Outside the system account nobody listens on ``$SYS.REQ.SERVER.PING``, so the answer
    is an immediate "no responders". A timeout instead means the request was dropped on
    the way (a reconnecting connection, or no permission to publish on ``$SYS``).

    Raises:
        SystemAccountRequiredError: no responders: not the system account.
        JsmTimeoutError: no answer in time.
    """
    try:
        return await transport.request(SYS_PING_SUBJECT, b"", timeout=timeout)
    except NoRespondersError as err:
        raise system_account_error(what) from err
    except JsmTimeoutError as err:
        raise JsmTimeoutError(
            f"{what}: no server answered {SYS_PING_SUBJECT!r} within {timeout:g}s; the "
            "connection may be reconnecting, or its user may not publish on $SYS (these "
            "requests need the system account's user)"
        ) from err
