"""The :class:`Consumer` handle: pull (``next``/``fetch``/``consume``), push, info.

A handle is cheap: the manager, the info it last saw (``cached_info``, never refreshed
behind the caller's back) and, for pinned clients, the pin id the server gave it.
Everything that holds a subscription (``consume``, ``push``) is an async context
manager. Management of consumers (create, list, pause…) is
:class:`jsm.consumers.ConsumerManager`'s.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import anyio

from jsm._constants import (
    CONSUME_EXPIRES,
    CONSUME_MAX_MESSAGES,
    DEFAULT_FETCH_MAX_WAIT,
    MAX_CONSUME_HEARTBEAT,
    MIN_CONSUME_EXPIRES,
    MIN_HEARTBEAT,
    MIN_PULL_EXPIRES,
    MIN_TIMEOUT,
    RETRY_BASE_DELAY,
    RETRY_MAX_DELAY,
)
from jsm._errors_base import (
    InvalidOptionError,
    JetStreamUnavailableError,
    JsmError,
    JsmTimeoutError,
    WrongConsumerTypeError,
)
from jsm._generated_errors import ConsumerNotFoundError
from jsm._options import NOT_GIVEN, Duration, NotGiven, to_timedelta
from jsm.api import encode
from jsm.consumers._api import context_of, delete_consumer, fetch_info, unpin
from jsm.consumers.consume import (
    ConsumeSettings,
    MessageStream,
    default_heartbeat,
    default_threshold,
)
from jsm.consumers.pull import PullTarget, fetch_batch
from jsm.models import AckPolicy, PullRequest

if TYPE_CHECKING:
    from jsm.consumers.message import Msg
    from jsm.consumers.push import PushStream
    from jsm.manager import Manager
    from jsm.models import ConsumerConfig, ConsumerInfo

__all__ = ["Consumer"]

logger = logging.getLogger(__name__)

_FETCH_GRACE = 1.0
_REPULL_FIRST_DELAY = RETRY_BASE_DELAY
_REPULL_MAX_DELAY = RETRY_MAX_DELAY


class Consumer:
    """A handle on one consumer, from ``stream.consumers.get(name)`` or ``.add(config)``.

    ``info()`` always asks the server; ``cached_info`` is what the handle last saw.
    Pull consumers use :meth:`next`, :meth:`fetch` and :meth:`consume`; push consumers
    :meth:`push`. Using one kind's API on the other raises
    :class:`~jsm.errors.WrongConsumerTypeError` before anything is sent.
    """

    __slots__ = ("_info", "_js", "_target")

    def __init__(self, js: Manager, info: ConsumerInfo) -> None:
        self._js = js
        self._info = info
        self._target: PullTarget | None = None

    @property
    def name(self) -> str:
        """The consumer's name."""
        return self._info.name

    @property
    def stream_name(self) -> str:
        """The stream the consumer reads."""
        return self._info.stream_name

    @property
    def cached_info(self) -> ConsumerInfo:
        """The info this handle last received (no I/O; may be stale)."""
        return self._info

    @property
    def config(self) -> ConsumerConfig:
        """The configuration from :attr:`cached_info` (no I/O)."""
        return self._info.config

    @property
    def pin_id(self) -> str | None:
        """The pin id the server gave this handle, for ``pinned_client`` priority groups."""
        return None if self._target is None else self._target.pin_id

    def __repr__(self) -> str:
        return f"<jsm.Consumer {self.name!r} of stream {self.stream_name!r}>"

    async def info(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> ConsumerInfo:
        """Ask the server for the consumer's current info (and refresh ``cached_info``).

        Raises:
            ConsumerNotFoundError: the consumer no longer exists.
        """
        self._info = await fetch_info(self._js, self.stream_name, self.name, timeout=timeout)
        return self._info

    async def edit(self, *, timeout: Duration | NotGiven = NOT_GIVEN, **fields: object) -> Consumer:
        """Change some fields of the consumer's configuration: ``await c.edit(max_deliver=5)``.

        The current configuration is read from the server, the changes are validated
        through :class:`~jsm.ConsumerConfig`, and the result is sent as an update.

        Raises:
            InvalidOptionError: an unknown field, a value of the wrong type, or a rename.
            ApiError: the server refused the change (some fields cannot change).
        """
        if any(fields.get(key) not in (None, self.name) for key in ("name", "durable_name")):
            raise InvalidOptionError("edit() cannot rename a consumer; create a new one")
        current = (await self.info(timeout=timeout)).config
        changed = current.with_changes(**fields)
        from jsm.consumers.manager import ConsumerManager  # the manager imports this module

        updated = await ConsumerManager(self._js, self.stream_name).update(changed, timeout=timeout)
        self._info = updated.cached_info
        return self

    async def delete(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Delete the consumer.

        Raises:
            ConsumerNotFoundError: it no longer exists.
        """
        await delete_consumer(self._js, self.stream_name, self.name, timeout=timeout)

    async def unpin(self, group: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Release the client pinned to priority ``group`` (ADR-42).

        Raises:
            ApiError: no such group, or the consumer is not ``pinned_client``.
        """
        await unpin(self._js, self.stream_name, self.name, group, timeout=timeout)

    # ------------------------------------------------------------------ pull

    @property
    def next_subject(self) -> str:
        """The (domain / prefix mapped) ``CONSUMER.MSG.NEXT`` subject of this consumer."""
        return self._js.api.subjects.api(f"CONSUMER.MSG.NEXT.{self.stream_name}.{self.name}")

    def _check_group(self, group: str | None) -> None:
        groups = self.config.priority_groups or []
        where = context_of(self.stream_name, self.name)
        if groups and group not in groups:
            raise InvalidOptionError(
                f"pulls on {where} must name one of its priority groups {groups} "
                f"(got group={group!r})"
            )
        if group is not None and not groups:
            raise InvalidOptionError(f"{where} has no priority groups; pull without group=")

    def _pull_target(self, api: str) -> PullTarget:
        if self.config.deliver_subject:
            raise WrongConsumerTypeError(
                f"{api}() pulls, but {context_of(self.stream_name, self.name)} is a push "
                f"consumer (deliver_subject {self.config.deliver_subject!r}); use push(), "
                "or create a consumer without deliver_subject to pull"
            )
        if self._target is None:
            self._target = PullTarget(
                self._js.api.transport,
                self.next_subject,
                stream=self.stream_name,
                consumer=self.name,
                ack_none=self.config.ack_policy == AckPolicy.NONE,
            )
        return self._target

    async def fetch(
        self,
        batch: int,
        /,
        *,
        max_bytes: int | None = None,
        max_wait: Duration | NotGiven = NOT_GIVEN,
        no_wait: bool = False,
        heartbeat: Duration | None = None,
        group: str | None = None,
        priority: int | None = None,
        min_pending: int | None = None,
        min_ack_pending: int | None = None,
    ) -> list[Msg]:
        """Pull up to ``batch`` messages, waiting at most ``max_wait`` (default 30 s).

        Returns what arrived: fewer messages, or none, when the wait ends first (that
        is not an error). ``no_wait=True`` returns at once with what is available.
        ``group`` (and ``priority`` / ``min_pending`` / ``min_ack_pending``) pull from
        a priority group (ADR-42).

        Raises:
            InvalidOptionError: a bad option, or one the consumer's limits refuse.
            WrongConsumerTypeError: this is a push consumer.
            ConsumerNotFoundError: the consumer was deleted.
            MissedHeartbeatError: ``heartbeat`` was set and the server fell silent.
        """
        target = self._pull_target("fetch")
        self._check_group(group)
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise InvalidOptionError(f"batch must be a positive integer (got {batch!r})")
        _check_positive("max_bytes", max_bytes)
        wait = (
            DEFAULT_FETCH_MAX_WAIT
            if isinstance(max_wait, NotGiven)
            else to_timedelta(max_wait, name="max_wait", minimum=MIN_PULL_EXPIRES)
        )
        beat = _heartbeat(heartbeat, wait)
        request = PullRequest(
            batch=batch,
            max_bytes=max_bytes,
            expires=None if no_wait else wait,
            no_wait=True if no_wait else None,
            idle_heartbeat=beat,
            group=group,
            priority=priority,
            min_pending=min_pending,
            min_ack_pending=min_ack_pending,
        )
        local_wait = self._js.timeout if no_wait else wait
        deadline = anyio.current_time() + local_wait.total_seconds()
        delay = _REPULL_FIRST_DELAY
        checked = False
        while True:
            pull = fetch_batch(
                target,
                request,
                wait=max(deadline - anyio.current_time(), 0.0) + _FETCH_GRACE,
                heartbeat=None if beat is None else beat.total_seconds(),
            )
            tracing = target.transport.tracing  # a receive span (jsm.tracing) when traced
            msgs, no_responders = await (
                pull
                if tracing is None
                else tracing.fetch(pull, stream=self.stream_name, consumer=self.name)
            )
            if msgs or not no_responders:
                return msgs
            # Nobody served the pull, so nothing was delivered: a consumer just created or
            # electing a leader has no server listening yet. A deleted one never will.
            if not checked:
                checked = True
                await self._raise_if_deleted()
            remaining = deadline - anyio.current_time() - delay
            if no_wait or remaining < MIN_PULL_EXPIRES.total_seconds():
                await self._explain_no_responders()
            await anyio.sleep(delay)
            delay = min(delay * 2, _REPULL_MAX_DELAY)
            if not no_wait:
                request = PullRequest.model_validate(
                    request.model_dump() | {"expires": timedelta(seconds=remaining)}
                )

    async def next(
        self, *, timeout: Duration | NotGiven = NOT_GIVEN, group: str | None = None
    ) -> Msg:
        """Pull one message, waiting at most ``timeout`` (default: the manager's timeout).

        Raises:
            JsmTimeoutError: no message arrived in time.
            WrongConsumerTypeError: this is a push consumer.
            ConsumerNotFoundError: the consumer was deleted.
        """
        wait = self._js.timeout if isinstance(timeout, NotGiven) else timeout
        msgs = await self.fetch(1, max_wait=wait, group=group)
        if not msgs:
            raise JsmTimeoutError(
                f"no message from {context_of(self.stream_name, self.name)} within "
                f"{to_timedelta(wait, name='timeout').total_seconds():g}s"
            )
        return msgs[0]

    def consume(
        self,
        *,
        max_messages: int | NotGiven = NOT_GIVEN,
        max_bytes: int | None = None,
        expires: Duration | NotGiven = NOT_GIVEN,
        idle_heartbeat: Duration | NotGiven = NOT_GIVEN,
        threshold: int | None = None,
        group: str | None = None,
        priority: int | None = None,
        min_pending: int | None = None,
        min_ack_pending: int | None = None,
    ) -> MessageStream:
        """Pull continuously: ``async with worker.consume() as msgs: async for m in msgs``.

        At most ``max_messages`` (default 500) — or ``max_bytes``, not both — are
        requested or buffered at once; more are pulled when that falls to ``threshold``
        (default half). Each pull lives ``expires`` (default 30 s) with heartbeats every
        ``idle_heartbeat`` (default half of that, at most 30 s).

        Raises:
            InvalidOptionError: a bad or contradictory option (raised here).
            WrongConsumerTypeError: this is a push consumer (raised here).
        """
        target = self._pull_target("consume")
        self._check_group(group)
        settings = _consume_settings(
            max_messages, max_bytes, expires, idle_heartbeat, threshold, group=group
        )
        # The loop builds its pulls later: check the priority options now, at the call.
        PullRequest(priority=priority, min_pending=min_pending, min_ack_pending=min_ack_pending)
        settings.priority = priority
        settings.min_pending = min_pending
        settings.min_ack_pending = min_ack_pending
        check_timeout = max(MIN_TIMEOUT, min(self._js.timeout, settings.heartbeat))

        async def check_consumer() -> object:
            # Short: during an election nobody may answer, and the loop retries anyway.
            return await self.info(timeout=check_timeout)

        return MessageStream(target, settings, check_consumer=check_consumer)

    async def request_next(
        self, body: PullRequest | dict[str, object] | bytes, /, *, reply: str
    ) -> None:
        """Send a raw pull request (``CONSUMER.MSG.NEXT``) whose messages go to ``reply``.

        For callers that manage their own subscription; ``fetch`` and ``consume`` are
        the safe ways to pull.

        Raises:
            WrongConsumerTypeError: this is a push consumer.
            ClosedError: the connection is closed.
        """
        target = self._pull_target("request_next")
        if not reply:
            raise InvalidOptionError("reply must be the subject the messages should go to")
        await target.transport.publish(self.next_subject, encode(body), reply=reply)

    async def _raise_if_deleted(self) -> None:
        try:
            await self.info(timeout=MIN_TIMEOUT)
        except ConsumerNotFoundError:
            raise
        except JsmError as err:  # unanswered while electing: keep pulling
            logger.debug("consumer check during a re-pull failed: %s", err)

    async def _explain_no_responders(self) -> None:
        await self.info()  # raises ConsumerNotFoundError when the consumer is gone
        raise JetStreamUnavailableError(
            f"nobody served the pull on {context_of(self.stream_name, self.name)}; "
            "its JetStream server may be restarting or electing a leader — try again"
        )

    # ------------------------------------------------------------------ push

    def push(
        self, *, queue: str | NotGiven = NOT_GIVEN, max_buffer: int | NotGiven = NOT_GIVEN
    ) -> PushStream:
        """Receive a push consumer's messages: ``async with c.push() as msgs: ...``.

        Subscribes to the consumer's ``deliver_subject`` (in its ``deliver_group``
        unless ``queue`` is given), answers flow control and watches heartbeats.

        Raises:
            WrongConsumerTypeError: this is a pull consumer (raised here).
            InvalidOptionError: ``queue`` differs from the consumer's deliver_group.
        """
        from jsm.consumers.push import open_push  # push imports this module's peers

        return open_push(self._js, self, queue=queue, max_buffer=max_buffer)


def _check_positive(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise InvalidOptionError(f"{name} must be a positive integer (got {value!r})")


def _heartbeat(value: Duration | None, wait: timedelta) -> timedelta | None:
    if value is None:
        return None
    beat = to_timedelta(value, name="heartbeat", minimum=MIN_HEARTBEAT)
    if beat * 2 > wait:
        raise InvalidOptionError(
            f"heartbeat ({beat.total_seconds():g}s) must be at most half of max_wait "
            f"({wait.total_seconds():g}s)"
        )
    return beat


def _consume_settings(
    max_messages: int | NotGiven,
    max_bytes: int | None,
    expires: Duration | NotGiven,
    idle_heartbeat: Duration | NotGiven,
    threshold: int | None,
    *,
    group: str | None,
) -> ConsumeSettings:
    if max_bytes is not None and not isinstance(max_messages, NotGiven):
        raise InvalidOptionError("consume takes max_messages or max_bytes, not both")
    count = CONSUME_MAX_MESSAGES if isinstance(max_messages, NotGiven) else max_messages
    _check_positive("max_messages", count)
    _check_positive("max_bytes", max_bytes)
    life = (
        CONSUME_EXPIRES
        if isinstance(expires, NotGiven)
        else to_timedelta(expires, name="expires", minimum=MIN_CONSUME_EXPIRES)
    )
    if isinstance(idle_heartbeat, NotGiven):
        beat = default_heartbeat(life, MAX_CONSUME_HEARTBEAT, MIN_HEARTBEAT)
    else:
        beat = to_timedelta(idle_heartbeat, name="idle_heartbeat", minimum=MIN_HEARTBEAT)
    if beat * 2 > life:
        raise InvalidOptionError(
            f"idle_heartbeat ({beat.total_seconds():g}s) must be at most half of expires "
            f"({life.total_seconds():g}s)"
        )
    limit = max_bytes if max_bytes is not None else count
    if threshold is None:
        threshold = default_threshold(limit)
    elif (
        isinstance(threshold, bool) or not isinstance(threshold, int) or not 0 <= threshold < limit
    ):
        raise InvalidOptionError(
            f"threshold must be an integer from 0 to below {limit} (got {threshold!r})"
        )
    return ConsumeSettings(
        max_messages=count,
        max_bytes=max_bytes,
        expires=life,
        heartbeat=beat,
        threshold=threshold,
        group=group,
    )
