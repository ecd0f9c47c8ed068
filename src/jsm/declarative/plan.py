"""A plan: the steps that turn the live configuration into the desired one, and their results.

:class:`Plan` holds :class:`Change` steps in the order they would be applied (computed by
:mod:`jsm.declarative._planner`); it renders itself as text like ``terraform plan``
(:mod:`jsm.declarative._render`) or JSON, and applies itself
(:mod:`jsm.declarative._apply`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from jsm.declarative.state import ResourceKind

if TYPE_CHECKING:
    from jsm.declarative._diff import FieldChange
    from jsm.declarative.state import Config
    from jsm.manager import Manager

__all__ = ["DRIFT_EXIT_CODE", "Action", "ApplyResult", "Change", "Plan"]

DRIFT_EXIT_CODE: Final = 2
"""The exit code of a ``diff`` that found drift (0: none, 1: an error), for CI pipelines."""


class Action(enum.StrEnum):
    """What a plan step does to a resource."""

    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Change:
    """One step of a plan: a resource, what happens to it and why.

    Attributes:
        kind: stream, consumer, key_value or object_store.
        name: the stream, consumer or bucket name.
        action: create, update (in place), replace (delete and create), delete or unchanged.
        stream: the stream it lives in: its own name, a bucket's ``KV_``/``OBJ_`` stream,
            or a consumer's stream.
        fields: the fields that differ, live value first (an update or a replace).
        reasons: why a replace is needed, or notes about the step (what it loses).
        desired: the desired configuration (``None`` for a delete).
        source: the file it was declared in (``None`` for a delete).
        messages: messages the stream holds now (0 for consumers and new resources).
    """

    kind: ResourceKind
    name: str
    action: Action
    stream: str
    fields: tuple[FieldChange, ...] = ()
    reasons: tuple[str, ...] = ()
    desired: Config | None = None
    source: str | None = None
    messages: int = 0

    @property
    def address(self) -> str:
        """``stream.ORDERS``, ``consumer.ORDERS.worker``, ``key_value.config``, ``object_store.files``."""
        if self.kind is ResourceKind.CONSUMER:
            return f"consumer.{self.stream}.{self.name}"
        return f"{self.kind.value}.{self.name}"

    @property
    def loses_messages(self) -> bool:
        """Whether the step deletes a stream (or bucket) that holds messages."""
        return (
            self.kind is not ResourceKind.CONSUMER
            and self.action in (Action.REPLACE, Action.DELETE)
            and self.messages > 0
        )


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What ``plan.apply()`` did.

    Attributes:
        steps: the plan's steps that change something, in order.
        applied: the steps carried out (all of ``steps``; none on a dry run).
        dry_run: whether nothing was sent.
    """

    steps: tuple[Change, ...]
    applied: tuple[Change, ...]
    dry_run: bool


class Plan:
    """What ``await js.plan(state)`` found: one :class:`Change` per resource, in apply order.

    ``plan.changes`` holds every resource (``unchanged`` ones too); ``plan.pending`` only
    those to change. ``print(plan.to_text())`` shows it like ``terraform plan``;
    ``await plan.apply()`` carries it out.
    """

    __slots__ = ("_changes", "_js", "prune")

    def __init__(self, js: Manager, changes: tuple[Change, ...], *, prune: bool) -> None:
        self._js = js
        self._changes = changes
        self.prune = prune
        """Whether undeclared resources are deleted."""

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {a}" for a, n in self.summary().items() if n)
        return f"<jsm.Plan {counts or 'empty'}>"

    @property
    def changes(self) -> tuple[Change, ...]:
        """Every step, in the order apply takes them (``unchanged`` resources included)."""
        return self._changes

    @property
    def pending(self) -> tuple[Change, ...]:
        """The steps that change something, in order."""
        return tuple(c for c in self._changes if c.action is not Action.UNCHANGED)

    @property
    def has_drift(self) -> bool:
        """Whether the server differs from the desired state (anything to do)."""
        return bool(self.pending)

    @property
    def exit_code(self) -> int:
        """For a CI ``diff``: 0 when nothing differs, :data:`DRIFT_EXIT_CODE` (2) when something does."""
        return DRIFT_EXIT_CODE if self.has_drift else 0

    def summary(self) -> dict[str, int]:
        """How many steps of each action: ``{"create": 1, "update": 0, …}``."""
        return {action.value: sum(c.action is action for c in self._changes) for action in Action}

    def to_text(self, *, color: bool = False, show_unchanged: bool = False) -> str:
        """Render the plan for people, like ``terraform plan`` (ANSI colours with ``color``)."""
        from jsm.declarative._render import render_text

        return render_text(self, color=color, show_unchanged=show_unchanged)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Render the plan for tools: every step with its fields (durations in nanoseconds)."""
        from jsm.declarative._render import render_json

        return render_json(self, indent=indent)

    async def apply(
        self,
        *,
        allow_replace: bool = False,
        allow_data_loss: bool = False,
        dry_run: bool = False,
    ) -> ApplyResult:
        """Carry out the plan in order and stop at the first failure.

        Every step is checked before anything is sent: a replace needs
        ``allow_replace=True``, and deleting a stream or bucket that holds messages (by a
        replace or a prune) needs ``allow_data_loss=True`` as well. ``dry_run`` checks and
        returns without sending anything.

        Raises:
            ChangeRefusedError: a step needs a permission not given (nothing was sent).
            ApplyError: a step failed; ``err.applied`` lists what was done before it.
        """
        from jsm.declarative._apply import apply_plan

        return await apply_plan(
            self._js,
            self,
            allow_replace=allow_replace,
            allow_data_loss=allow_data_loss,
            dry_run=dry_run,
        )
