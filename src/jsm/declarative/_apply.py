"""Carry out a plan's steps in order through the public API, stopping at the first failure.

Every step is checked before the first request: a replace needs ``allow_replace`` and
deleting messages needs ``allow_data_loss``. Just before a stream or bucket is deleted its
message count is read again, so messages that arrived after planning are not lost
silently either. Streams go through ``js.streams``, buckets through ``js.kv`` and
``js.objects`` (which keep their ADR-8/ADR-20 settings), consumers through
:class:`jsm.ConsumerManager`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from jsm._errors_base import InvalidOptionError, JsmError
from jsm.consumers import ConsumerManager
from jsm.declarative._errors import ApplyError, ChangeRefusedError
from jsm.declarative.plan import Action, ApplyResult, Change
from jsm.declarative.state import ResourceKind
from jsm.models import ConsumerConfig, KeyValueConfig, ObjectStoreConfig, StreamConfig

if TYPE_CHECKING:
    from jsm.declarative.plan import Plan
    from jsm.manager import Manager

__all__ = ["apply_plan"]

logger = logging.getLogger(__name__)


async def apply_plan(
    js: Manager, plan: Plan, *, allow_replace: bool, allow_data_loss: bool, dry_run: bool
) -> ApplyResult:
    """Check every step, then carry them out in order (nothing is sent on a dry run).

    Raises:
        ChangeRefusedError: a step needs a permission not given (nothing was sent).
        ApplyError: a step failed; the steps before it were applied.
    """
    steps = plan.pending
    _refuse(steps, allow_replace=allow_replace, allow_data_loss=allow_data_loss)
    if dry_run:
        return ApplyResult(steps=steps, applied=(), dry_run=True)
    done: list[Change] = []
    for step in steps:
        try:
            await _carry_out(js, step, allow_data_loss=allow_data_loss)
        except JsmError as err:
            raise ApplyError(done, step, err) from err
        done.append(step)
    return ApplyResult(steps=steps, applied=tuple(done), dry_run=False)


def _refuse(steps: tuple[Change, ...], *, allow_replace: bool, allow_data_loss: bool) -> None:
    replaces = [s for s in steps if s.action is Action.REPLACE]
    if replaces and not allow_replace:
        listed = "; ".join(f"{s.address} ({', '.join(s.reasons)})" for s in replaces)
        raise ChangeRefusedError(
            f"the plan replaces (deletes and creates) {listed}; "
            "pass allow_replace=True to let it, or change the desired state",
            replaces,
        )
    losing = [s for s in steps if s.loses_messages]
    if losing and not allow_data_loss:
        raise ChangeRefusedError(_loss_message(losing), losing)


def _loss_message(steps: list[Change]) -> str:
    listed = ", ".join(
        f"{s.address} ({s.messages} message{'s' * (s.messages != 1)})" for s in steps
    )
    return (
        f"the plan deletes streams holding messages: {listed}; "
        "pass allow_data_loss=True to lose them, or keep the streams"
    )


async def _carry_out(js: Manager, step: Change, *, allow_data_loss: bool) -> None:
    if step.action in (Action.DELETE, Action.REPLACE):
        if not allow_data_loss and step.kind is not ResourceKind.CONSUMER:
            await _check_still_empty(js, step)
        await _delete(js, step)
        if step.action is Action.DELETE:
            return
    if step.action is Action.UPDATE or step.kind is ResourceKind.CONSUMER:
        await _write(js, step, create=step.action is not Action.UPDATE)
        return
    # A create that meets nats-server's clean-up of a deleted stream's directory is
    # retried by js.streams.add itself (a replace deletes, then creates at once).
    await _write(js, step, create=True)


async def _check_still_empty(js: Manager, step: Change) -> None:
    info = await js.streams.info(step.stream)
    if info.state.messages:
        counted = Change(
            step.kind, step.name, step.action, step.stream, messages=info.state.messages
        )
        raise ChangeRefusedError(_loss_message([counted]), [counted])


async def _delete(js: Manager, step: Change) -> None:
    if step.kind is ResourceKind.CONSUMER:
        await ConsumerManager(js, step.stream).delete(step.name)
    elif step.kind is ResourceKind.KEY_VALUE:
        await js.kv.delete(step.name)
    elif step.kind is ResourceKind.OBJECT_STORE:
        await js.objects.delete(step.name)
    else:
        await js.streams.delete(step.name)


async def _write(js: Manager, step: Change, *, create: bool) -> None:
    config = step.desired
    if isinstance(config, ConsumerConfig):
        consumers = ConsumerManager(js, step.stream)
        await (consumers.add(config) if create else consumers.update(config))
    elif isinstance(config, KeyValueConfig):
        await (js.kv.create(config) if create else js.kv.update(config))
    elif isinstance(config, ObjectStoreConfig):
        await (js.objects.create(config) if create else js.objects.update(config))
    elif isinstance(config, StreamConfig):
        await (js.streams.add(config) if create else js.streams.update(config))
    else:
        raise InvalidOptionError(f"{step.address} has no desired configuration to apply")
