"""``js.admin``: typed system-account queries and JetStream administration.

Use it on a connection in the system account::

    async with jsm.connect(url, user="sys", password="sys") as sys:
        for reply in await sys.admin.jsz(expect=3):
            print(reply.server.name, reply.data.meta.leader)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsm._constants import MIN_TIMEOUT
from jsm._errors_base import InvalidOptionError, ServerNotFoundError
from jsm._options import NOT_GIVEN, Duration, NotGiven, to_timedelta
from jsm.admin import _ops
from jsm.admin._query import Kind, R, gather, is_server_id, query_server
from jsm.models.system import (
    HealthzOptions,
    HealthzReply,
    JszOptions,
    JszReply,
    MetaClusterInfo,
    ServerFilter,
    ServerInfo,
    VarzReply,
)
from jsm.subjects import check_name

if TYPE_CHECKING:
    from jsm.manager import Manager
    from jsm.models import AccountInfo, Placement, StreamInfo
    from jsm.models.admin import (
        AccountPurgeResponse,
        MetaLeaderStepdownResponse,
        MetaServerRemoveResponse,
    )

__all__ = ["AdminManager"]


class AdminManager:
    """System-account queries (VARZ, JSZ, HEALTHZ) and administration (step-downs, removes).

    Queries and meta operations need a connection in the system account and raise
    :class:`~jsm.errors.SystemAccountRequiredError` otherwise. Queries ask every server
    and wait ``timeout`` for their replies, or less once ``expect`` replies arrived or
    (with ``quiet=``) once that long passed without a reply after the first one;
    ``server=`` (a server id or an exact server name) asks one server only.
    """

    def __init__(self, js: Manager) -> None:
        self._js = js

    # ---- queries

    async def varz(
        self,
        *,
        server: str | None = None,
        select: ServerFilter | None = None,
        expect: int | None = None,
        quiet: Duration | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> list[VarzReply]:
        """Each server's general state (``$SYS.REQ.SERVER.PING.VARZ``), sorted by server name.

        Raises:
            SystemAccountRequiredError: the connection is not in the system account.
            ServerNotFoundError: ``server`` named no server.
        """
        return await self._query(
            "VARZ", select or ServerFilter(), VarzReply, server, expect, timeout, quiet
        )

    async def jsz(
        self,
        *,
        server: str | None = None,
        accounts: bool = False,
        account: str | None = None,
        streams: bool = False,
        consumers: bool = False,
        config: bool = False,
        raft: bool = False,
        leader_only: bool = False,
        stream_leader_only: bool = False,
        offset: int | None = None,
        limit: int | None = None,
        select: ServerFilter | None = None,
        expect: int | None = None,
        quiet: Duration | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> list[JszReply]:
        """Each server's JetStream state (``$SYS.REQ.SERVER.PING.JSZ``), sorted by server name.

        ``accounts`` adds per-account usage (``account`` limits it to one), ``streams``
        their stream details with cluster info, ``consumers`` the consumers too,
        ``config`` the stream/consumer configs, ``raft`` the Raft group names;
        ``leader_only`` makes only the meta leader answer, ``stream_leader_only`` lists
        each stream only on the server leading it; ``offset``/``limit`` page the accounts.

        Raises:
            SystemAccountRequiredError: the connection is not in the system account.
            ServerNotFoundError: ``server`` named no server.
            InvalidOptionError: a negative offset or limit.
        """
        if account is not None:
            _ops.check_account(account)
        for label, value in (("offset", offset), ("limit", limit)):
            if value is not None and (isinstance(value, bool) or value < 0):
                raise InvalidOptionError(f"{label} must be a non-negative integer (got {value!r})")
        body = JszOptions.model_validate(
            {
                **(select or ServerFilter()).to_wire(),
                "account": account or None,
                "accounts": accounts or bool(account) or streams or consumers or None,
                "streams": streams or consumers or None,
                "consumer": consumers or None,
                "config": config or None,
                "raft": raft or None,
                "leader_only": leader_only or None,
                "stream_leader_only": stream_leader_only or None,
                "offset": offset,
                "limit": limit,
            }
        )
        return await self._query("JSZ", body, JszReply, server, expect, timeout, quiet)

    async def healthz(
        self,
        *,
        server: str | None = None,
        js_enabled_only: bool = False,
        js_server_only: bool = False,
        js_meta_only: bool = False,
        account: str | None = None,
        stream: str | None = None,
        consumer: str | None = None,
        details: bool = False,
        select: ServerFilter | None = None,
        expect: int | None = None,
        quiet: Duration | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> list[HealthzReply]:
        """Each server's health (``$SYS.REQ.SERVER.PING.HEALTHZ``), sorted by server name.

        ``js_enabled_only`` checks only that JetStream is enabled, ``js_server_only``
        skips the per-stream/consumer checks, ``js_meta_only`` checks only the meta
        group; ``account`` (with ``stream``, then ``consumer``) checks only that asset;
        ``details`` lists every problem in ``errors``.

        Raises:
            SystemAccountRequiredError: the connection is not in the system account.
            ServerNotFoundError: ``server`` named no server.
            InvalidOptionError: a stream without its account, or a consumer without its stream.
            InvalidNameError: a malformed account, stream or consumer name.
        """
        if stream is not None and account is None:
            raise InvalidOptionError("healthz: a stream check needs its account (account=...)")
        if consumer is not None and stream is None:
            raise InvalidOptionError("healthz: a consumer check needs its stream (stream=...)")
        if account is not None:
            _ops.check_account(account)
        for kind, name in (("stream", stream), ("consumer", consumer)):
            if name is not None:
                check_name(name, kind=kind)
        body = HealthzOptions.model_validate(
            {
                **(select or ServerFilter()).to_wire(),
                "js-enabled-only": js_enabled_only or None,
                "js-server-only": js_server_only or None,
                "js-meta-only": js_meta_only or None,
                "account": account,
                "stream": stream,
                "consumer": consumer,
                "details": details or None,
            }
        )
        return await self._query("HEALTHZ", body, HealthzReply, server, expect, timeout, quiet)

    async def servers(
        self,
        *,
        select: ServerFilter | None = None,
        expect: int | None = None,
        quiet: Duration | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> list[ServerInfo]:
        """The servers that answer (name, id, cluster, domain, version), sorted by name.

        Raises:
            SystemAccountRequiredError: the connection is not in the system account.
        """
        return [
            r.server
            for r in await self.varz(select=select, expect=expect, quiet=quiet, timeout=timeout)
        ]

    async def meta_cluster(
        self, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> MetaClusterInfo | None:
        """The meta group as its leader reports it (None while there is no leader).

        Raises:
            SystemAccountRequiredError: the connection is not in the system account.
        """
        replies = await self.jsz(leader_only=True, expect=1, timeout=timeout)
        return replies[0].data.meta if replies else None

    async def _query(
        self,
        kind: Kind,
        body: ServerFilter,
        reply_type: type[R],
        server: str | None,
        expect: int | None,
        timeout: Duration | NotGiven,
        quiet: Duration | None = None,
    ) -> list[R]:
        seconds = self._seconds(timeout)
        settle = None if quiet is None else to_timedelta(quiet, name="quiet").total_seconds()
        transport = self._js.api.transport
        if server is None:
            return await gather(
                transport, kind, body, reply_type, timeout=seconds, expect=expect, quiet=settle
            )
        if not isinstance(server, str) or not server.strip():
            raise InvalidOptionError("server must be a server id or name (got an empty one)")
        if is_server_id(server):
            return [await query_server(transport, kind, server, body, reply_type, timeout=seconds)]
        named = body.model_copy(update={"server_name": server, "exact_match": True})
        replies = await gather(transport, kind, named, reply_type, timeout=seconds, expect=1)
        if not replies:
            raise ServerNotFoundError(
                f"no server named {server!r} answered the {kind} query within {seconds:g}s; "
                "js.admin.servers() lists the servers"
            )
        return replies

    # ---- meta group administration

    async def meta_leader_stepdown(
        self,
        *,
        preferred: str | None = None,
        cluster: str | None = None,
        tags: list[str] | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> MetaLeaderStepdownResponse:
        """Make the JetStream meta leader step down, optionally towards a server/cluster/tags.

        Raises:
            InvalidOptionError: an empty server name, cluster or tag.
            SystemAccountRequiredError: the connection is not in the system account.
            ApiError: no server fits (e.g. the preferred server is unknown).
        """
        placement = _ops.meta_placement(preferred=preferred, cluster=cluster, tags=tags)
        return await _ops.meta_leader_stepdown(
            self._js.api, placement=placement, timeout=self._seconds(timeout)
        )

    async def server_remove(
        self,
        name: str | None = None,
        /,
        *,
        peer_id: str | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> MetaServerRemoveResponse:
        """Remove a (stopped) server from the meta group, by server name or peer id.

        Raises:
            InvalidOptionError: neither a name nor a peer id, or an empty one.
            SystemAccountRequiredError: the connection is not in the system account.
            ClusterServerNotMemberError: the server is not in the meta group.
        """
        return await _ops.server_remove(
            self._js.api, name=name, peer_id=peer_id, timeout=self._seconds(timeout)
        )

    async def account_purge(
        self, account: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> AccountPurgeResponse:
        """Delete all JetStream assets (streams, consumers) of ``account``; cannot be undone.

        Raises:
            InvalidNameError: the account name is empty or malformed.
            SystemAccountRequiredError: the connection is not in the system account.
        """
        return await _ops.account_purge(self._js.api, account, timeout=self._seconds(timeout))

    async def cancel_stream_move(
        self, stream: str, /, *, account: str, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> StreamInfo:
        """Cancel the move (or other reconfiguration) of ``stream`` in ``account``.

        Raises:
            InvalidNameError: the stream or account name is malformed.
            SystemAccountRequiredError: the connection is not in the system account.
            StreamReconfigureNotInProgressError: the stream is not moving.
            StreamNotFoundError: no such stream in the account.
        """
        return await _ops.cancel_stream_move(
            self._js.api, stream, account=account, timeout=self._seconds(timeout)
        )

    # ---- account-level conveniences (any account with JetStream)

    async def account_info(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> AccountInfo:
        """This account's usage, limits per tier and API statistics (``js.account_info()``)."""
        return await self._js.account_info(timeout=timeout)

    async def stream_leader_stepdown(
        self,
        stream: str,
        /,
        *,
        placement: Placement | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> None:
        """Make ``stream``'s Raft leader step down (``Stream.leader_stepdown``).

        Raises:
            StreamNotFoundError: no such stream.
        """
        handle = await self._js.streams.get(stream, timeout=timeout)
        await handle.leader_stepdown(placement=placement, timeout=timeout)

    async def stream_peer_remove(
        self, stream: str, peer: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> None:
        """Remove ``stream``'s replica on server ``peer`` (``Stream.remove_peer``).

        Raises:
            StreamNotFoundError: no such stream.
            ClusterPeerNotMemberError: the server holds no replica.
        """
        handle = await self._js.streams.get(stream, timeout=timeout)
        await handle.remove_peer(peer, timeout=timeout)

    async def consumer_leader_stepdown(
        self, stream: str, consumer: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> None:
        """Make a consumer's Raft leader step down (``ConsumerManager.leader_stepdown``).

        Raises:
            StreamNotFoundError, ConsumerNotFoundError: no such stream or consumer.
        """
        handle = await self._js.streams.get(stream, timeout=timeout)
        await handle.consumers.leader_stepdown(consumer, timeout=timeout)

    def _seconds(self, timeout: Duration | NotGiven) -> float:
        span = (
            self._js.timeout
            if isinstance(timeout, NotGiven)
            else to_timedelta(timeout, name="timeout", minimum=MIN_TIMEOUT)
        )
        return span.total_seconds()

    def __repr__(self) -> str:
        return f"<jsm.AdminManager over {self._js!r}>"
