"""The errors of declarative state: a state that does not hold together, a refused change, a failed apply.

:class:`StateError` gathers every problem found in a desired state (each with its file and
field) before anything is sent; :class:`ChangeRefusedError` is a plan step that would
replace a resource or delete messages without permission; :class:`ApplyError` is a step
the server refused part-way through an apply, with the steps already done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jsm._errors_base import InvalidOptionError, JsmError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jsm.declarative.plan import Change

__all__ = ["ApplyError", "ChangeRefusedError", "Problem", "StateError"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a desired state: where it is and what to fix.

    Attributes:
        source: the file it was read from (``"<code>"`` for a state built in code).
        resource: the resource's address (``stream ORDERS``), when known.
        field: the field at fault (``sources[0].name``), when one is.
        message: what is wrong and how to fix it.
    """

    source: str
    resource: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.resource:
            where += f": {self.resource}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


class StateError(InvalidOptionError):
    """A desired state that cannot be applied: every problem found, each with file and field.

    Raised while loading or building a state and when planning, always before any
    request changes the server.

    Attributes:
        problems: all the problems found, in file order.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"the desired state has {count} problem{'s' * (count != 1)}:\n{lines}")


class ChangeRefusedError(JsmError):
    """A change that replaces a resource or deletes messages, without the permission it needs.

    ``plan.apply()`` checks every step first and raises this before any request when a
    replacement lacks ``allow_replace=True`` or a stream holding messages would be
    deleted without ``allow_data_loss=True``.

    Attributes:
        changes: the refused steps.
    """

    def __init__(self, message: str, changes: Sequence[Change]) -> None:
        self.changes: tuple[Change, ...] = tuple(changes)
        super().__init__(message)


class ApplyError(JsmError):
    """A step of ``plan.apply()`` failed; the steps before it were applied, none after it.

    Attributes:
        applied: the steps carried out before the failure, in order.
        failed: the step that failed.
        error: why it failed (also the exception's ``__cause__``).
    """

    def __init__(self, applied: Sequence[Change], failed: Change, error: JsmError) -> None:
        self.applied: tuple[Change, ...] = tuple(applied)
        self.failed = failed
        self.error = error
        done = ", ".join(change.address for change in self.applied) or "nothing"
        super().__init__(
            f"{failed.action.value} of {failed.address} failed: {error}; "
            f"applied before it: {done}; nothing after it was attempted"
        )
