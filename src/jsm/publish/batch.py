"""Atomic batch publishing (ADR-50): several messages stored all together or not at all.

``async with js.batch() as b: await b.add(...)`` streams the messages under one
``Nats-Batch-Id`` with ``Nats-Batch-Sequence`` 1, 2, …; the server stages them and
stores them only when the message carrying ``Nats-Batch-Commit: 1`` arrives. Since the
last message is not known until the block ends, one message is always held back and
sent as the commit when the block ends (or on :meth:`Batch.commit`). The first message
goes out as a request, so a stream without ``allow_atomic`` fails on the first
``add``, and every ``BATCH_FLOW_EVERY`` messages the server is asked to confirm. An
exception in the block sends no commit: the server drops the staged messages (after
ten seconds without traffic) and stores nothing.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Self

from jsm._constants import BATCH_FLOW_EVERY, BATCH_ID_MAX_LENGTH
from jsm._errors_base import ClosedError, InvalidOptionError, UnexpectedReplyError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.api._client import raise_for_error
from jsm.publish._core import publish_once, publish_request
from jsm.publish._options import (
    BATCH_COMMIT,
    BATCH_ID,
    BATCH_SEQUENCE,
    Expect,
    build_headers,
    check_payload,
    check_publish_subject,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import TracebackType

    from jsm.api import ApiClient
    from jsm.models import PubAck

__all__ = ["Batch"]

logger = logging.getLogger(__name__)

ATOMIC_BATCH_API_LEVEL = 2
"""Servers from 2.12 (API level 2) understand atomic batches (ADR-50)."""


class Batch:
    """An atomic batch of messages; use as ``async with js.batch() as b``.

    After the block, :attr:`ack` is the commit's ``PubAck`` (``batch`` = the id,
    ``count`` = the messages stored, ``seq`` = the last one's sequence).
    """

    def __init__(
        self,
        api: ApiClient,
        *,
        batch_id: str | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> None:
        if batch_id is None:
            batch_id = uuid.uuid4().hex
        elif (
            not isinstance(batch_id, str)
            or not batch_id
            or len(batch_id) > BATCH_ID_MAX_LENGTH
            or not batch_id.isprintable()
            or any(c.isspace() for c in batch_id)
        ):
            raise InvalidOptionError(
                f"batch_id must be 1 to {BATCH_ID_MAX_LENGTH} printable characters without "
                f"spaces (got {batch_id!r})"
            )
        api.publish_seconds(timeout)  # check the timeout now
        self._api = api
        self._timeout = timeout
        self.batch_id = batch_id
        """The ``Nats-Batch-Id`` every message of this batch carries."""
        self._held: tuple[str, bytes, dict[str, str]] | None = None
        self._sent = 0
        self._entered = False
        self._done = False
        self.ack: PubAck | None = None
        """The commit's acknowledgement, once committed."""

    @property
    def size(self) -> int:
        """Messages added so far."""
        return self._sent + (1 if self._held is not None else 0)

    async def __aenter__(self) -> Self:
        if self._entered:
            raise ClosedError("this batch was already used; call js.batch() again")
        self._entered = True
        self._api.require_api_level("atomic batch publish", ATOMIC_BATCH_API_LEVEL)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            if self._sent:
                logger.debug(
                    "batch %s abandoned after %d messages: no commit sent",
                    self.batch_id,
                    self._sent,
                )
            self._finish()
            return
        if not self._done and self._held is not None:
            await self.commit()
        self._finish()

    async def add(
        self,
        subject: str,
        data: bytes,
        *,
        headers: Mapping[str, str] | None = None,
        msg_id: str | None = None,
        expect: Expect | None = None,
    ) -> None:
        """Add one message; it is stored only when the whole batch commits.

        ``expect.last_sequence`` is allowed on the first message only (ADR-50).

        Raises:
            InvalidNameError: the subject has wildcards or is malformed.
            InvalidOptionError: the payload is too large or an option is bad.
            AtomicPublishDisabledError: the stream lacks ``allow_atomic``.
            NoStreamError: no stream captures ``subject``.
            ClosedError: the batch is committed, or used outside its block.
        """
        self._check_open()
        check_publish_subject(subject, self._api.transport.max_subject_length)
        payload = check_payload(data, self._api.transport.max_payload, subject=subject)
        own = build_headers(headers, msg_id=msg_id, expect=expect) or {}
        if any(name.startswith("Nats-Batch-") for name in own):
            raise InvalidOptionError("the Nats-Batch-* headers are set by the batch itself")
        held, self._held = self._held, (subject, payload, own)
        if held is not None:
            await self._send(*held)

    async def commit(self) -> PubAck:
        """Send the last message with ``Nats-Batch-Commit: 1`` and return the batch's ``PubAck``.

        Raises:
            ApiError: the batch was refused (an expectation failed, the batch is too large,
                messages were lost: ``AtomicPublishIncompleteBatchError``, ...); nothing stored.
            NoStreamError: no stream captures the subject.
            NoStreamAnsweredError: no stream answered in time (a leader election?).
            JsmTimeoutError: no acknowledgement in time; the batch may or may not be stored.
            InvalidOptionError: the batch is empty.
            ClosedError: already committed, or used outside its block.
        """
        self._check_open()
        if self._held is None:
            raise InvalidOptionError("an empty batch cannot be committed; add a message first")
        subject, payload, own = self._held
        self._held = None
        self._done = True
        headers = own | {
            BATCH_ID: self.batch_id,
            BATCH_SEQUENCE: str(self._sent + 1),
            BATCH_COMMIT: "1",
        }
        # "No responders" is retried (nothing was stored; a batch whose staged messages a
        # lost leader took along is refused by the next one), a lost ack is not: the
        # batch is gone once committed, so a second commit would be refused even so.
        self.ack = await publish_once(
            self._api,
            subject,
            payload,
            headers=headers,
            timeout=self._timeout,
            context=f"batch {self.batch_id!r}",
            resendable=False,
        )
        self._sent += 1
        return self.ack

    async def _send(self, subject: str, payload: bytes, own: dict[str, str]) -> None:
        sequence = self._sent + 1
        headers = own | {BATCH_ID: self.batch_id, BATCH_SEQUENCE: str(sequence)}
        if sequence == 1 or sequence % BATCH_FLOW_EVERY == 0:
            # The first message must be a request (the server answers an empty message,
            # or an error if the stream refuses batches); later ones ask now and then,
            # so a batch the server has dropped fails here rather than at the commit.
            # "No responders" (a stream electing a leader) is retried: nothing was staged.
            try:
                reply = await publish_request(
                    self._api,
                    subject,
                    payload,
                    headers=headers,
                    timeout=self._timeout,
                    context=f"batch {self.batch_id!r}",
                    hint="create a stream with allow_atomic whose subjects include it",
                )
            except BaseException:
                self._done = True
                raise
            if reply.data:
                self._done = True
                raise_for_error(reply.data, context=f"batch {self.batch_id!r}")
                raise UnexpectedReplyError(
                    f"the server acknowledged a batch message to {subject!r} as a single "
                    "publish: it does not know atomic batches (nats-server 2.12 or newer needed)"
                )
        else:
            await self._api.transport.publish(subject, payload, headers=headers)
        self._sent = sequence

    def _check_open(self) -> None:
        if not self._entered:
            raise ClosedError("use the batch inside 'async with js.batch() as b'")
        if self._done:
            raise ClosedError(
                f"batch {self.batch_id!r} is finished (committed or failed); start a new one"
            )

    def _finish(self) -> None:
        self._done = True
        self._held = None
