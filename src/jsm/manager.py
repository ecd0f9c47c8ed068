"""The facade: :func:`connect` and :class:`Manager`, the entry points to everything else.

A ``Manager`` holds the settings every call shares (domain or API prefix, timeout,
retry policy, strict naming) over one NATS connection, and composes the per-concept
managers. It owns no tasks or subscriptions, so it is cheap to create. :func:`connect`,
which opens a connection and yields a manager owning it, lives in :mod:`jsm._connector`
and is importable from here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import jsm.publish as publishing
from jsm._connector import ConnectOptions, connect
from jsm._constants import (
    DEFAULT_PUBLISH_TIMEOUT,
    DEFAULT_TIMEOUT,
    MIN_TIMEOUT,
    ORDERED_MAX_MESSAGES,
    PUBLISHER_MAX_PENDING,
)
from jsm._errors_base import InvalidOptionError
from jsm._limits import DEFAULT_MAX_CONTROL_LINE, check_max_control_line
from jsm._options import NOT_GIVEN, Duration, NotGiven, to_timedelta
from jsm._transport import NatsClient, Transport
from jsm.admin import AdminManager
from jsm.api import ApiClient, Retry
from jsm.consumers._checks import check_consumer_config
from jsm.consumers.ordered import OrderedConsumer, ordered_config, ordered_heartbeat
from jsm.events import EventManager
from jsm.kv import KeyValueManager
from jsm.models import DeliverPolicy, ReplayPolicy
from jsm.monitor import MonitorManager
from jsm.objects import ObjectStoreManager
from jsm.report import ReportManager
from jsm.services import ServiceManager
from jsm.streams import StreamManager
from jsm.subjects import ApiSubjects, check_name
from jsm.tracing._setup import check_tracing, tracing_for

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime, timedelta

    from opentelemetry.trace import TracerProvider

    from jsm.declarative import DesiredState, Plan
    from jsm.models import AccountInfo, PubAck

__all__ = ["ConnectOptions", "Manager", "connect"]


class Manager:
    """Manage and use JetStream over one NATS connection.

    ``Manager(nc)`` borrows a connection the application already has and never closes
    it; :func:`connect` opens one and closes it on exit.

    Args:
        nc: a connected nats-py client.
        domain: reach the JetStream of this domain (``$JS.<domain>.API``).
        api_prefix: reach a JetStream API imported from another account under this prefix.
        timeout: default deadline of each API call (at least 0.5 s).
        publish_timeout: default deadline of each publish, retries included (20 s: longer
            than a stream leader election), for publishes, batches, KV writes, object puts.
        retry: how to retry idempotent requests during leader elections.
        strict: turn naming warnings (``:`` or long names) into errors.
        max_control_line: the server's ``max_control_line`` (bytes; not announced by the
            server, 4096 unless configured): longer subjects are refused before sending.
        tracing: OpenTelemetry tracing (:mod:`jsm.tracing`): ``None`` traces when a tracer
            provider is set, ``True`` whenever opentelemetry-api is installed, a
            ``TracerProvider`` with that provider, ``False`` never.

    On a borrowed connection, the manager chains to the connection's error callback (it
    still gets every error) so that permission violations fail jsm's requests at once.

    Raises:
        InvalidOptionError: domain and api_prefix together, a malformed one, a bad timeout
            or max_control_line, or ``tracing=True`` without opentelemetry-api.
    """

    def __init__(
        self,
        nc: NatsClient,
        *,
        domain: str | None = None,
        api_prefix: str | None = None,
        timeout: Duration = DEFAULT_TIMEOUT,
        publish_timeout: Duration = DEFAULT_PUBLISH_TIMEOUT,
        retry: Retry | None = None,
        strict: bool = False,
        max_control_line: int = DEFAULT_MAX_CONTROL_LINE,
        tracing: bool | TracerProvider | None = None,
    ) -> None:
        if not isinstance(nc, NatsClient):
            raise InvalidOptionError(
                f"Manager needs a nats-py connection (nats.aio.client.Client), got {type(nc).__name__}; "
                "use jsm.connect(url) to open one"
            )
        self._subjects = ApiSubjects(domain=domain, api_prefix=api_prefix)
        self._timeout = to_timedelta(timeout, name="timeout", minimum=MIN_TIMEOUT)
        publish_span = to_timedelta(publish_timeout, name="publish_timeout", minimum=MIN_TIMEOUT)
        self._strict = strict
        self._transport = Transport(
            nc,
            max_control_line=check_max_control_line(max_control_line),
            tracing=tracing_for(nc, check_tracing(tracing)),
        )
        self._api = ApiClient(
            self._transport,
            self._subjects,
            timeout=self._timeout,
            retry=retry or Retry(),
            publish_timeout=publish_span,
        )

    @property
    def nc(self) -> NatsClient:
        """The NATS connection this manager uses."""
        return self._transport.nc

    @property
    def domain(self) -> str | None:
        """The JetStream domain requests go to, if any."""
        return self._subjects.domain

    @property
    def api_prefix(self) -> str | None:
        """The imported API prefix requests go to, if any."""
        return self._subjects.api_prefix

    @property
    def timeout(self) -> timedelta:
        """The default deadline of each API call."""
        return self._timeout

    @property
    def publish_timeout(self) -> timedelta:
        """The default deadline of each publish (retries included)."""
        return self._api.publish_timeout

    @property
    def strict(self) -> bool:
        """Whether naming warnings are raised as errors."""
        return self._strict

    @property
    def tracing(self) -> bool:
        """Whether this manager makes OpenTelemetry spans (see :mod:`jsm.tracing`)."""
        return self._transport.tracing is not None

    @property
    def api(self) -> ApiClient:
        """The low-level API client (for requests jsm has no method for)."""
        return self._api

    @property
    def streams(self) -> StreamManager:
        """Streams: ``await js.streams.add(config)``, ``get``, ``list``, ``delete``, ``restore``."""
        return StreamManager(self)

    @property
    def services(self) -> ServiceManager:
        """Services (ADR-32): ``js.services.add(name, version)``, ``ping``/``info``/``stats``, ``request``."""
        return ServiceManager(self._transport, timeout=self._timeout)

    @property
    def kv(self) -> KeyValueManager:
        """Key-Value buckets: ``await js.kv.create(config)``, ``get``, ``names``, ``delete``."""
        return KeyValueManager(self)

    @property
    def objects(self) -> ObjectStoreManager:
        """Object stores: ``await js.objects.create(config)``, ``get``, ``list``, ``delete``."""
        return ObjectStoreManager(self)

    @property
    def events(self) -> EventManager:
        """Typed advisories and metrics: ``async with js.events.advisories() as events``."""
        return EventManager(self._transport)

    @property
    def admin(self) -> AdminManager:
        """System-account queries and administration: ``await js.admin.jsz()``, ``meta_leader_stepdown()``."""
        return AdminManager(self)

    @property
    def report(self) -> ReportManager:
        """Stream reports: ``await js.report.streams()`` → :class:`~jsm.StreamReport` (``to_dot()``)."""
        return ReportManager(self)

    @property
    def monitor(self) -> MonitorManager:
        """Health checks: ``await js.monitor.stream("ORDERS")`` → :class:`~jsm.CheckResult`."""
        return MonitorManager(self)

    # ---- publishing (jsm.publish)

    async def publish(
        self,
        subject: str,
        data: bytes = b"",
        /,
        *,
        headers: Mapping[str, str] | None = None,
        msg_id: str | None = None,
        expect: publishing.Expect | None = None,
        ttl: Duration | Literal["never"] | None = None,
        rollup: publishing.Rollup | str | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> PubAck:
        """Publish ``data`` to a stream's subject and return its :class:`~jsm.models.PubAck`.

        ``msg_id`` deduplicates within the stream's duplicate window (``ack.duplicate``);
        ``expect=jsm.Expect(last_subject_sequence=7)`` stores only if the stream is as
        expected; ``ttl`` (≥ 1 s, or ``"never"``) needs ``allow_msg_ttl``; ``rollup``
        (``"sub"``/``"all"``) needs ``allow_rollup_hdrs``.

        Raises:
            InvalidNameError: the subject has wildcards or is malformed.
            InvalidOptionError: the payload exceeds ``max_payload`` or an option is bad.
            ApiError: the stream refused it (``StreamWrongLastSequenceError``,
                ``MessageTTLDisabledError``, ``StreamMessageExceedsMaximumError``, ...).
            NoStreamError: no stream captures ``subject``.
            NoStreamAnsweredError: no stream answered in time (electing a leader?).
            JsmTimeoutError: no acknowledgement within ``timeout`` (``publish_timeout``
                unless given); the outcome is unknown (with a ``msg_id``, jsm sent it
                again within the timeout, and so may you).
        """
        return await publishing.publish(
            self._api,
            subject,
            data,
            headers=headers,
            msg_id=msg_id,
            expect=expect,
            ttl=ttl,
            rollup=rollup,
            timeout=timeout,
        )

    async def increment(
        self,
        subject: str,
        by: int = 1,
        /,
        *,
        msg_id: str | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> int:
        """Add ``by`` (may be negative) to the counter on ``subject``; return the new total.

        The stream needs ``allow_msg_counter`` (ADR-49).

        Raises:
            MessageIncrDisabledError: the stream does not hold counters.
            NoStreamError: no stream captures ``subject``.
        """
        return await publishing.increment(self._api, subject, by, msg_id=msg_id, timeout=timeout)

    def batch(
        self, *, batch_id: str | None = None, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> publishing.Batch:
        """Publish several messages atomically (ADR-50): ``async with js.batch() as b``.

        ``await b.add(subject, data)`` for each; leaving the block commits and sets
        ``b.ack``; an exception in the block stores nothing. The stream needs ``allow_atomic``.
        ``timeout`` defaults to ``publish_timeout``.

        Raises:
            InvalidOptionError: a bad ``batch_id`` or timeout.
        """
        return publishing.Batch(self._api, batch_id=batch_id, timeout=timeout)

    def publisher(
        self,
        *,
        max_pending: int = PUBLISHER_MAX_PENDING,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> publishing.Publisher:
        """Publish with many acknowledgements in flight: ``async with js.publisher() as pub``.

        ``fut = await pub.publish(subject, data)`` waits only while ``max_pending`` acks
        are outstanding; ``await fut`` gives the ``PubAck``. Leaving the block waits for
        every ack and raises ``PublishFailedError`` for failures nobody retrieved.
        ``timeout`` (each publish's) defaults to ``publish_timeout``.

        Raises:
            InvalidOptionError: ``max_pending`` below 1 or a bad timeout.
        """
        if isinstance(max_pending, bool) or not isinstance(max_pending, int) or max_pending < 1:
            raise InvalidOptionError(
                f"max_pending must be a positive integer (got {max_pending!r})"
            )
        return publishing.Publisher(
            self._api,
            max_pending=max_pending,
            timeout=self._api.publish_seconds(timeout),
            retry=self._api.retry,
        )

    def ordered_consumer(
        self,
        stream: str,
        /,
        *,
        filter_subjects: list[str] | None = None,
        deliver_policy: DeliverPolicy = DeliverPolicy.ALL,
        start_seq: int | None = None,
        start_time: datetime | None = None,
        replay: ReplayPolicy = ReplayPolicy.INSTANT,
        headers_only: bool = False,
        max_messages: int = ORDERED_MAX_MESSAGES,
        idle_heartbeat: Duration | None = None,
    ) -> OrderedConsumer:
        """Replay ``stream`` in order, gap-free, repairing itself (ADR-17).

        ``async with js.ordered_consumer("ORDERS", start_seq=100) as msgs: async for m in msgs``.
        ``start_seq`` / ``start_time`` imply the matching deliver policy; ``replay``
        original replays at the pace the messages were stored. Messages take no acks.

        Raises:
            InvalidOptionError: contradictory options (raised here).
            StreamNotFoundError: the stream does not exist (raised on entering).
        """
        check_name(stream, kind="stream", strict=self._strict)
        config = ordered_config(
            filter_subjects=filter_subjects,
            deliver_policy=deliver_policy,
            start_seq=start_seq,
            start_time=start_time,
            replay=replay,
            headers_only=headers_only,
        )
        check_consumer_config(config)
        if isinstance(max_messages, bool) or not isinstance(max_messages, int) or max_messages < 1:
            raise InvalidOptionError(
                f"max_messages must be a positive integer (got {max_messages!r})"
            )
        return OrderedConsumer(
            self,
            stream,
            config=config,
            max_messages=max_messages,
            heartbeat=ordered_heartbeat(idle_heartbeat),
        )

    async def account_info(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> AccountInfo:
        """Return the account's JetStream usage, limits (per tier) and the server's API level.

        Raises:
            JetStreamUnavailableError: JetStream is not enabled or the domain/prefix is wrong.
            JsmTimeoutError: no reply in time.
        """
        return await self._api.account_info(timeout=timeout)

    async def plan(
        self,
        state: DesiredState,
        /,
        *,
        prune: bool = False,
        select: Sequence[str] | None = None,
    ) -> Plan:
        """Compare a desired state with the server: what to create, update, replace or delete.

        Only read requests are sent. ``prune`` deletes streams, buckets and durable
        consumers the state does not declare; ``select`` (glob patterns on stream or
        bucket names) limits which undeclared streams it looks at.
        ``await plan.apply()`` carries the plan out; ``plan.to_text()`` shows it.

        Raises:
            StateError: the state does not hold together (every problem, with file and
                field), or a consumer's stream is neither declared nor on the server.
        """
        from jsm.declarative._planner import make_plan  # loaded on first use

        return await make_plan(self, state, prune=prune, select=select)

    async def export_state(self, *, select: Sequence[str] | None = None) -> DesiredState:
        """Read the account's streams, buckets and durable consumers as a desired state.

        ``select`` (glob patterns on stream or bucket names) limits it; server defaults
        are left out, so ``await js.plan(await js.export_state())`` is empty.
        ``state.write(directory)`` writes it as files.
        """
        from jsm.declarative._export import export_state  # loaded on first use

        return await export_state(self, select=select)

    def __repr__(self) -> str:
        return (
            f"<jsm.Manager {self._subjects.describe()} timeout={self._timeout.total_seconds():g}s>"
        )
