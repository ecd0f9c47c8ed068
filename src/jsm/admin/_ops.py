"""The administration requests of the JetStream API (system account only).

Each checks its input before touching the wire, then confirms the connection is in the
system account: the server silently ignores these requests from other accounts, which
would otherwise look like a timeout.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from jsm._errors_base import InvalidOptionError, JsmTimeoutError, JsmWarning
from jsm.admin._system import require_system
from jsm.models.admin import (
    AccountPurgeResponse,
    MetaLeaderStepdownRequest,
    MetaLeaderStepdownResponse,
    MetaServerRemoveRequest,
    MetaServerRemoveResponse,
)
from jsm.models.stream import Placement
from jsm.models.stream_info import StreamInfo
from jsm.subjects import check_name

if TYPE_CHECKING:
    from jsm.api import ApiClient

__all__ = [
    "account_purge",
    "cancel_stream_move",
    "check_account",
    "meta_leader_stepdown",
    "meta_placement",
    "server_remove",
]


def check_account(account: str) -> str:
    """Check an account name (a plain name or a 56-character account nkey) and return it.

    Raises:
        InvalidNameError: empty, or contains whitespace, ``.``, ``*``, ``>``, ``/`` or ``\\``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JsmWarning)  # account nkeys are long by nature
        return check_name(account, kind="account")


def meta_placement(
    *, preferred: str | None, cluster: str | None, tags: list[str] | None
) -> Placement | None:
    """The placement of a meta leader step-down, or None for "any other server".

    Raises:
        InvalidOptionError: an empty name or tag.
    """
    for label, value in (("preferred", preferred), ("cluster", cluster)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise InvalidOptionError(f"{label} must be a non-empty server/cluster name")
    if tags is not None and (
        isinstance(tags, str) or not all(isinstance(t, str) and t.strip() for t in tags)
    ):
        raise InvalidOptionError("tags must be a list of non-empty strings")
    if preferred is None and cluster is None and not tags:
        return None
    return Placement(preferred=preferred, cluster=cluster, tags=list(tags) if tags else None)


async def meta_leader_stepdown(
    api: ApiClient, *, placement: Placement | None, timeout: float
) -> MetaLeaderStepdownResponse:
    """Ask the meta leader to step down (towards ``placement`` if given).

    Raises:
        SystemAccountRequiredError: not in the system account.
        ApiError: no server fits the placement (``ClusterNoPeersError``, ...).
    """
    await require_system(api.transport, "meta leader step-down", timeout=timeout)
    try:
        return await api.request(
            "META.LEADER.STEPDOWN",
            MetaLeaderStepdownRequest(placement=placement),
            MetaLeaderStepdownResponse,
            timeout=timeout,
            context="meta leader step-down",
        )
    except JsmTimeoutError as err:
        raise _no_meta_leader("meta leader step-down", timeout) from err


async def server_remove(
    api: ApiClient, *, name: str | None, peer_id: str | None, timeout: float
) -> MetaServerRemoveResponse:
    """Remove a server from the meta group by name or peer id.

    Raises:
        InvalidOptionError: neither or an empty name/peer id.
        SystemAccountRequiredError: not in the system account.
        ClusterServerNotMemberError: no such server in the meta group.
    """
    for label, value in (("name", name), ("peer_id", peer_id)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise InvalidOptionError(f"server remove: {label} must be a non-empty string")
    if name is None and peer_id is None:
        raise InvalidOptionError("server remove needs the server's name or its peer_id")
    await require_system(api.transport, "server remove", timeout=timeout)
    about = f"server {name!r}" if name else f"peer {peer_id!r}"
    try:
        return await api.request(
            "SERVER.REMOVE",
            MetaServerRemoveRequest(peer=name, peer_id=peer_id),
            MetaServerRemoveResponse,
            timeout=timeout,
            context=f"server remove of {about}",
        )
    except JsmTimeoutError as err:
        raise _no_meta_leader("server remove", timeout) from err


def _no_meta_leader(what: str, timeout: float) -> JsmTimeoutError:
    return JsmTimeoutError(
        f"{what}: no JetStream meta leader answered within {timeout:g}s; these requests "
        "need a clustered JetStream with a meta leader (a single server never answers them)"
    )


async def account_purge(api: ApiClient, account: str, *, timeout: float) -> AccountPurgeResponse:
    """Delete every stream and consumer of ``account``.

    Raises:
        InvalidNameError: the account name is empty or malformed.
        SystemAccountRequiredError: not in the system account.
    """
    check_account(account)
    await require_system(api.transport, "account purge", timeout=timeout)
    return await api.request(
        f"ACCOUNT.PURGE.{account}",
        None,
        AccountPurgeResponse,
        timeout=timeout,
        context=f"purge of account {account!r}",
    )


async def cancel_stream_move(
    api: ApiClient, stream: str, *, account: str, timeout: float
) -> StreamInfo:
    """Roll back a stream's move (or any reconfiguration in flight); return its info.

    Raises:
        InvalidNameError: the stream or account name is malformed.
        SystemAccountRequiredError: not in the system account.
        StreamReconfigureNotInProgressError: the stream is not moving.
        StreamNotFoundError, NoAccountError: no such stream or account.
    """
    check_name(stream, kind="stream")
    check_account(account)
    await require_system(api.transport, "cancel stream move", timeout=timeout)
    return await api.request(
        f"ACCOUNT.STREAM.CANCEL_MOVE.{account}.{stream}",
        None,
        StreamInfo,
        timeout=timeout,
        context=f"cancel move of stream {stream!r} in account {account!r}",
    )
