"""``js.report``: build a :class:`StreamReport` from the streams the connection can see."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import anyio

from jsm._constants import REPORT_ACCOUNT_WAIT
from jsm._errors_base import ApiError, InvalidOptionError, JsmError
from jsm._generated_errors import StreamNotFoundError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.report._accounts import report_from_views, views_from_jsz
from jsm.report._build import replication_rows, stream_row
from jsm.report.report import StreamReport
from jsm.subjects import check_name, check_subject

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jsm.manager import Manager
    from jsm.models import StreamInfo
    from jsm.report._rows import ReplicationRow, StreamRow

__all__ = ["ReportManager"]

USER_INFO_SUBJECT = "$SYS.REQ.USER.INFO"
"""Any user may ask the server which account its connection is in."""


def _check_names(names: Iterable[str] | None) -> set[str] | None:
    if names is None:
        return None
    if isinstance(names, str):
        raise InvalidOptionError(
            f"names takes a list of stream names, not one string (got {names!r}); "
            f"write names=[{names!r}]"
        )
    return {check_name(n, kind="stream") for n in names}


class ReportManager:
    """Reports over the streams of the account (in the manager's domain or API prefix).

    Reached as ``js.report``::

        report = await js.report.streams(subject="orders.>")
        for row in report.sorted("messages", reverse=True).streams: ...
        print(report.to_dot())
    """

    __slots__ = ("_js",)

    def __init__(self, js: Manager) -> None:
        self._js = js

    def __repr__(self) -> str:
        return f"<jsm.ReportManager of {self._js!r}>"

    async def streams(
        self,
        *,
        subject: str | None = None,
        names: Iterable[str] | None = None,
        account: str | None = None,
        detailed: bool = False,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> StreamReport:
        """Report every stream of the account (in the manager's domain or API prefix).

        ``subject`` keeps streams whose subjects overlap it (the server filters);
        ``names`` keeps only those streams; ``account`` keeps the report only if the
        connection's account has that name (the account is known for a direct
        connection; through a domain or an API prefix it is left unknown).

        The stream list gives most columns in one request per page. ``detailed=True``
        also asks each stream for its own info (one request per stream, as
        ``nats stream report`` does), which adds the server's API level and, on a
        server that is not clustered, the leader.

        Raises:
            InvalidNameError: a bad ``subject`` or stream name in ``names``.
            InvalidOptionError: ``names`` is a single string, or a bad ``timeout``.
            JetStreamUnavailableError: JetStream is not reachable (wrong domain/prefix).
            JsmTimeoutError: the server did not answer in time.
        """
        if subject is not None:
            check_subject(subject, what="subject filter")
        wanted = _check_names(names)
        own_account = await self._account(timeout)
        if account is not None and account != own_account:
            return StreamReport()
        streams: list[StreamRow] = []
        replication: list[ReplicationRow] = []
        listing = self._js.streams.list(subject=subject, timeout=timeout)
        async for item in listing:
            if wanted is not None and item.config.name not in wanted:
                continue
            info = await self._detail(item, timeout) if detailed else item
            if info is None:
                continue
            streams.append(stream_row(info, account=own_account))
            replication += replication_rows(info, account=own_account)
        missing = listing.missing
        if wanted is not None:
            missing = [name for name in missing if name in wanted]
        report = StreamReport(streams=streams, replication=replication, missing=sorted(missing))
        return report.sorted("name")

    async def all_streams(
        self,
        *,
        account: str | None = None,
        subject: str | None = None,
        names: Iterable[str] | None = None,
        expect: int | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> StreamReport:
        """Report the streams of every account (or of ``account``) on every server.

        Needs a connection in the system account: it asks each server for its JSZ with
        stream details (``js.admin.jsz``) and keeps, for each stream, the view of its
        leader. Every row has its ``account``; ``report.filter(account=...)`` narrows it
        further. ``subject`` and ``names`` filter as in :meth:`streams` (here on the
        client); ``expect`` stops waiting once that many servers answered.

        Raises:
            SystemAccountRequiredError: the connection is not in the system account.
            InvalidNameError: a bad ``subject`` or stream name in ``names``.
            InvalidOptionError: ``names`` is a single string, or a bad ``timeout``.
        """
        if subject is not None:
            check_subject(subject, what="subject filter")
        wanted = _check_names(names)
        replies = await self._js.admin.jsz(
            account=account, streams=True, config=True, expect=expect, timeout=timeout
        )
        report = report_from_views(views_from_jsz(replies))
        return report.filter(subject=subject, names=wanted, account=account)

    async def _detail(self, listed: StreamInfo, timeout: Duration | NotGiven) -> StreamInfo | None:
        """The stream's own info: ``None`` if it was deleted since it was listed, what the
        list said if the stream cannot answer (offline)."""
        try:
            return await self._js.streams.info(listed.config.name, timeout=timeout)
        except StreamNotFoundError:
            return None
        except ApiError:
            return listed

    async def _account(self, timeout: Duration | NotGiven) -> str | None:
        """The connection's account, when the streams are in it (no domain, no prefix)."""
        if self._js.domain is not None or self._js.api_prefix is not None:
            return None
        seconds = min(self._js.api.deadline(timeout) - anyio.current_time(), REPORT_ACCOUNT_WAIT)
        try:
            reply = await self._js.api.transport.request(USER_INFO_SUBJECT, timeout=seconds)
            data = json.loads(reply.data).get("data") or {}
        except (JsmError, ValueError):
            return None
        account = data.get("account") if isinstance(data, dict) else None
        return account if isinstance(account, str) and account else None
