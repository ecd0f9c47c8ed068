"""``js.monitor``: health checks of streams, consumers, buckets, the account and servers."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from jsm._errors_base import InvalidOptionError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.consumers._api import fetch_info as consumer_info
from jsm.monitor._account import AccountThresholds, judge_account
from jsm.monitor._connection import judge_time
from jsm.monitor._consumer import CONSUMER_METADATA, ConsumerThresholds, judge_consumer
from jsm.monitor._kv import judge_bucket
from jsm.monitor._outcome import Abort, recorded
from jsm.monitor._result import CheckKind, CheckResult
from jsm.monitor._stream import STREAM_METADATA, StreamThresholds, judge_stream
from jsm.monitor._system import judge_healthz, judge_meta
from jsm.monitor._thresholds import (
    MetadataError,
    check_count,
    check_duration,
    check_percent,
    read_metadata,
)
from jsm.streams import _api as streams_api
from jsm.subjects import check_bucket_name, check_kv_key, check_name

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jsm.manager import Manager
    from jsm.models import HealthzReply

__all__ = ["MonitorManager"]

Count = int | None | NotGiven
"""A count threshold argument: a number, ``None`` to switch it off, or left to metadata."""
Age = Duration | None | NotGiven
"""An age threshold argument: a duration, ``None`` to switch it off, or left to metadata."""


def _merge(
    metadata: Mapping[str, str] | None,
    keys: Mapping[str, tuple[str, type]],
    given: Mapping[str, Any],
    result: CheckResult,
) -> dict[str, Any]:
    """Thresholds: the arguments given, else the ``io.nats.monitor.*`` metadata.

    A metadata count of ``0`` leaves its threshold unset, as jsm.go reads it. A bad
    metadata value that no argument overrides is recorded as CRITICAL in ``result``
    (an operator's mistake on the server, reported with its key) and that threshold
    is left unset.
    """
    merged = {k: v for k, v in given.items() if not isinstance(v, NotGiven)}
    for key, (option, kind) in keys.items():
        if option in merged:
            continue
        try:
            found = read_metadata(metadata, {key: (option, kind)})
        except MetadataError as err:
            result.critical(str(err))
            continue
        merged.update({k: v for k, v in found.items() if v != 0})
    return merged


PINNED_METADATA = "io.nats.monitor.pinned"
"""Consumer metadata ``"true"``: each priority group should have a pinned client."""


def _flag(metadata: Mapping[str, str] | None, key: str, result: CheckResult) -> bool:
    """A true/false metadata flag (absent: false); anything else is recorded as CRITICAL."""
    text = (metadata or {}).get(key)
    if text is None:
        return False
    value = text.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value not in ("false", "0", "no"):
        result.critical(f"metadata {key}={text!r} is not true or false")
    return False


def _counts(**values: Count) -> dict[str, Count]:
    return {
        k: (v if isinstance(v, NotGiven) else check_count(v, name=k)) for k, v in values.items()
    }


def _ages(**values: Age) -> dict[str, timedelta | NotGiven | None]:
    return {
        k: (v if isinstance(v, NotGiven) else check_duration(v, name=k)) for k, v in values.items()
    }


class MonitorManager:
    """Health checks like ``nats server check``, reached as ``js.monitor``::

    result = await js.monitor.stream("ORDERS", msgs_critical=1)
    print(result.to_nagios()); sys.exit(result.exit_code)

    Every check returns a :class:`~jsm.CheckResult` and never raises for what it
    finds: a missing stream, consumer or bucket is CRITICAL, a server that cannot be
    asked (timeout, no system account) is UNKNOWN. Only bad arguments raise
    :class:`~jsm.errors.InvalidOptionError` (or ``InvalidNameError``).

    Count and age thresholds left out are read from the stream's or consumer's
    ``io.nats.monitor.*`` metadata (``io.nats.monitor.msgs-critical: "10"``,
    ``io.nats.monitor.last-ack-critical: "5m"``); an argument overrides its metadata
    key and ``None`` switches a threshold off. A metadata count of ``"0"`` switches
    its threshold off, as jsm.go reads it.
    """

    __slots__ = ("_js",)

    def __init__(self, js: Manager) -> None:
        self._js = js

    def __repr__(self) -> str:
        return f"<jsm.MonitorManager of {self._js!r}>"

    def _now(self) -> datetime:
        return datetime.now(UTC)

    async def stream(
        self,
        name: str,
        /,
        *,
        peer_expect: Count = NOT_GIVEN,
        peer_lag_critical: Count = NOT_GIVEN,
        peer_seen_critical: Age = NOT_GIVEN,
        lag_critical: Count = NOT_GIVEN,
        seen_critical: Age = NOT_GIVEN,
        min_sources: Count = NOT_GIVEN,
        max_sources: Count = NOT_GIVEN,
        msgs_warn: Count = NOT_GIVEN,
        msgs_critical: Count = NOT_GIVEN,
        subjects_warn: Count = NOT_GIVEN,
        subjects_critical: Count = NOT_GIVEN,
        msg_age_warn: Age = NOT_GIVEN,
        msg_age_critical: Age = NOT_GIVEN,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> CheckResult:
        """Check a stream's replicas, mirror/sources, message count and message age.

        Replicas: the leader plus current peers must number ``peer_expect`` (default
        the configured replicas); offline peers are CRITICAL, peers more than
        ``peer_lag_critical`` operations behind or silent for ``peer_seen_critical``
        too. Mirror and sources: ``lag_critical`` operations behind or no contact for
        ``seen_critical`` is CRITICAL, so is an upstream error; ``min_sources`` /
        ``max_sources`` bound the number of sources. Messages: with ``msgs_warn`` above
        ``msgs_critical`` fewer messages are worse, otherwise more are; the same for
        ``subjects_*``. ``msg_age_*`` judge the age of the last message.

        Raises:
            InvalidNameError: a bad stream name.
            InvalidOptionError: a threshold that is not a non-negative integer or a
                positive duration.
        """
        check_name(name, kind="stream")
        given: dict[str, Any] = {
            **_counts(
                peer_expect=peer_expect,
                peer_lag_critical=peer_lag_critical,
                lag_critical=lag_critical,
                min_sources=min_sources,
                max_sources=max_sources,
                msgs_warn=msgs_warn,
                msgs_critical=msgs_critical,
                subjects_warn=subjects_warn,
                subjects_critical=subjects_critical,
            ),
            **_ages(
                peer_seen_critical=peer_seen_critical,
                seen_critical=seen_critical,
                msg_age_warn=msg_age_warn,
                msg_age_critical=msg_age_critical,
            ),
        }
        result = CheckResult(name=name, kind=CheckKind.STREAM)
        try:
            with recorded(result, f"stream {name!r}"):
                info = await streams_api.fetch_info(self._js.api, name, timeout=timeout)
        except Abort:
            return result
        values = _merge(info.config.metadata, STREAM_METADATA, given, result)
        judge_stream(result, info, StreamThresholds(**values), now=self._now())
        return result

    async def consumer(
        self,
        stream: str,
        name: str,
        /,
        *,
        outstanding_ack_critical: Count = NOT_GIVEN,
        waiting_critical: Count = NOT_GIVEN,
        unprocessed_critical: Count = NOT_GIVEN,
        redelivery_critical: Count = NOT_GIVEN,
        last_delivery_critical: Age = NOT_GIVEN,
        last_ack_critical: Age = NOT_GIVEN,
        paused_critical: bool = False,
        pinned_expected: bool | NotGiven = NOT_GIVEN,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> CheckResult:
        """Check a consumer: acks outstanding, pulls waiting, unprocessed and redelivered
        messages (CRITICAL at or above each threshold), the age of the last delivery and
        last ack, a pause (WARNING, or CRITICAL with ``paused_critical``) and, for a
        pinned-client consumer, whether each group has a pinned client
        (``pinned_expected`` makes a missing pin CRITICAL; left out, it follows the
        consumer's ``io.nats.monitor.pinned: "true"`` metadata).

        Raises:
            InvalidNameError: a bad stream or consumer name.
            InvalidOptionError: a bad threshold.
        """
        check_name(stream, kind="stream")
        check_name(name, kind="consumer")
        for flag, value in (
            ("paused_critical", paused_critical),
            ("pinned_expected", pinned_expected),
        ):
            if not isinstance(value, bool | NotGiven):
                raise InvalidOptionError(f"{flag} must be True or False (got {value!r})")
        given: dict[str, Any] = {
            **_counts(
                outstanding_ack_critical=outstanding_ack_critical,
                waiting_critical=waiting_critical,
                unprocessed_critical=unprocessed_critical,
                redelivery_critical=redelivery_critical,
            ),
            **_ages(
                last_delivery_critical=last_delivery_critical, last_ack_critical=last_ack_critical
            ),
        }
        result = CheckResult(name=f"{stream}.{name}", kind=CheckKind.CONSUMER)
        try:
            with recorded(result, f"consumer {name!r} of stream {stream!r}"):
                info = await consumer_info(self._js, stream, name, timeout=timeout)
        except Abort:
            return result
        values = _merge(info.config.metadata, CONSUMER_METADATA, given, result)
        if isinstance(pinned_expected, NotGiven):
            pinned_expected = _flag(info.config.metadata, PINNED_METADATA, result)
        values.update(paused_critical=paused_critical, pinned_expected=pinned_expected)
        judge_consumer(result, info, ConsumerThresholds(**values), now=self._now())
        return result

    async def kv(
        self,
        bucket: str,
        /,
        *,
        key: str | None = None,
        values_warn: int | None = None,
        values_critical: int | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> CheckResult:
        """Check that a bucket exists, optionally that ``key`` holds a value, and its
        value count (with ``values_warn`` above ``values_critical`` fewer values are
        worse, otherwise more are).

        Raises:
            InvalidNameError: a bad bucket name or key.
            InvalidOptionError: a bad threshold.
        """
        check_bucket_name(bucket)
        if key is not None:
            check_kv_key(key)
        check_count(values_warn, name="values_warn")
        check_count(values_critical, name="values_critical")
        result = CheckResult(name=bucket, kind=CheckKind.KV)
        try:
            with recorded(result, f"bucket {bucket!r}"):
                handle = await self._js.kv.get(bucket, timeout=timeout)
            judge_bucket(
                result,
                handle.cached_info,
                values_warn=values_warn,
                values_critical=values_critical,
            )
            if key is not None:
                with recorded(result, f"key {key!r}"):
                    entry = await handle.get(key, timeout=timeout)
                result.ok(f"key {key!r} present at revision {entry.revision}")
        except Abort:
            pass
        return result

    async def account(
        self,
        *,
        memory_warn: float | None = 75.0,
        memory_critical: float | None = 90.0,
        storage_warn: float | None = 75.0,
        storage_critical: float | None = 90.0,
        streams_warn: float | None = 75.0,
        streams_critical: float | None = 90.0,
        consumers_warn: float | None = 75.0,
        consumers_critical: float | None = 90.0,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> CheckResult:
        """Check how much of each JetStream limit (memory, storage, streams, consumers;
        per tier too) the account uses, as percentages (``None`` leaves one unjudged).

        Raises:
            InvalidOptionError: a percentage outside 0-100.
        """
        values = {
            "memory_warn": memory_warn,
            "memory_critical": memory_critical,
            "storage_warn": storage_warn,
            "storage_critical": storage_critical,
            "streams_warn": streams_warn,
            "streams_critical": streams_critical,
            "consumers_warn": consumers_warn,
            "consumers_critical": consumers_critical,
        }
        checked = {k: check_percent(v, name=k) for k, v in values.items()}
        result = CheckResult(name=self._js.domain or "account", kind=CheckKind.ACCOUNT)
        try:
            with recorded(result, "account info"):
                info = await self._js.account_info(timeout=timeout)
        except Abort:
            return result
        judge_account(result, info, AccountThresholds(**checked))
        return result

    async def connection(
        self,
        *,
        connect_time: Duration | None = None,
        connect_warn: Duration | None = 0.5,
        connect_critical: Duration | None = 1.0,
        rtt_warn: Duration | None = 0.5,
        rtt_critical: Duration | None = 1.0,
        request_warn: Duration | None = 0.5,
        request_critical: Duration | None = 1.0,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> CheckResult:
        """Check the connection as ``nats server check connection`` does: how long
        connecting took (``connect_time``, measured by the caller, who opened it), a
        round trip to the server (PING/PONG) and a JetStream API request took.

        A time at or above its critical threshold is CRITICAL, above its warning one a
        WARNING (``None`` leaves one unjudged); no answer is UNKNOWN.

        Raises:
            InvalidOptionError: a threshold or ``connect_time`` that is not a duration.
        """
        limits = {
            name: check_duration(value, name=name)
            for name, value in (
                ("connect_warn", connect_warn),
                ("connect_critical", connect_critical),
                ("rtt_warn", rtt_warn),
                ("rtt_critical", rtt_critical),
                ("request_warn", request_warn),
                ("request_critical", request_critical),
            )
        }
        connected = check_duration(connect_time, name="connect_time")
        result = CheckResult(name="connection", kind=CheckKind.CONNECTION)
        if connected is not None:
            judge_time(
                result,
                "connect_time",
                "connecting",
                connected.total_seconds(),
                warn=limits["connect_warn"],
                critical=limits["connect_critical"],
            )
        wait = (
            self._js.timeout
            if isinstance(timeout, NotGiven)
            else check_duration(timeout, name="timeout")
        )
        try:
            with recorded(result, "a server round trip"):
                started = time.perf_counter()
                await self._js.api.transport.flush((wait or self._js.timeout).total_seconds())
                judge_time(
                    result,
                    "rtt",
                    "round trip",
                    time.perf_counter() - started,
                    warn=limits["rtt_warn"],
                    critical=limits["rtt_critical"],
                )
            with recorded(result, "a JetStream API request"):
                started = time.perf_counter()
                await self._js.account_info(timeout=timeout)
                judge_time(
                    result,
                    "request_time",
                    "API request",
                    time.perf_counter() - started,
                    warn=limits["request_warn"],
                    critical=limits["request_critical"],
                )
        except Abort:
            pass
        return result

    async def server(
        self,
        *,
        expect: int | None = None,
        details: bool = True,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> CheckResult:
        """Check every server's HEALTHZ (through the system account): any unhealthy
        server is CRITICAL, so are fewer than ``expect`` answers.

        UNKNOWN when the connection is not in the system account or nothing answers.

        Raises:
            InvalidOptionError: a bad ``expect``.
        """
        expected = check_count(expect, name="expect")
        result = CheckResult(name="servers", kind=CheckKind.SERVER)
        replies: list[HealthzReply] = []
        try:
            with recorded(result, "server health"):
                replies = await self._js.admin.healthz(
                    details=details, expect=expected, timeout=timeout
                )
        except Abort:
            return result
        if not replies:
            result.unknown("no server answered the HEALTHZ query")
            return result
        judge_healthz(result, replies, expect=expected)
        return result

    async def meta(
        self,
        *,
        expect: int | None = None,
        lag_critical: int | None = None,
        seen_critical: Duration | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> CheckResult:
        """Check the JetStream meta group (through the system account): a leader, the
        expected number of peers (``expect``, default the cluster size) with none
        offline, lagging more than ``lag_critical`` or silent for ``seen_critical``.

        UNKNOWN when the connection is not in the system account or nothing answers.

        Raises:
            InvalidOptionError: a bad threshold.
        """
        expected = check_count(expect, name="expect")
        lag = check_count(lag_critical, name="lag_critical")
        seen = check_duration(seen_critical, name="seen_critical")
        result = CheckResult(name="meta", kind=CheckKind.META)
        try:
            with recorded(result, "the meta group"):
                replies = await self._js.admin.jsz(leader_only=True, expect=1, timeout=timeout)
        except Abort:
            return result
        if not replies:
            result.unknown("no meta leader answered the JSZ query (no leader, or no JetStream)")
            return result
        judge_meta(
            result, replies[0].data.meta, expect=expected, lag_critical=lag, seen_critical=seen
        )
        return result
