"""What every hostile-input example checks: its calls end, typed, and leave the connection as it was.

:func:`attempt` runs one public call with a deadline: success or a ``jsm.JsmError``
(whose text says something) is fine; any other exception propagates and fails the
example, and a call still running after :data:`HANG` seconds fails it as a hang.
:class:`Health` remembers the shared connection's tasks, subscriptions and reconnects
before the examples and, after each one, proves the connection still publishes and
answers requests and that nothing was left running.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
from hypothesis import HealthCheck, Phase, event, settings

import jsm
from jsm import errors
from jsm._options import to_timedelta

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

T = TypeVar("T")

HANG = 30.0
"""Seconds a call may take before it counts as hung: every wait an example passes is
capped at a few seconds (:func:`capped`), so only a call that ignores it gets here."""

LEAK_GRACE = 10.0
"""Seconds a task or subscription ended by a call may take to disappear."""

_SCALE = {"quick": 1, "thorough": 25}


def scale() -> int:
    """How many times more examples each property runs: 25 when the environment sets
    ``JSM_HOSTILE_PROFILE=thorough`` (for a long local run), else 1."""
    profile = os.environ.get("JSM_HOSTILE_PROFILE", "quick")
    if profile not in _SCALE:
        raise ValueError(f"JSM_HOSTILE_PROFILE must be one of {sorted(_SCALE)} (got {profile!r})")
    return _SCALE[profile]


def hostile_settings(examples: int) -> settings:
    """Settings of a hostile-input property: ``examples`` per run, times :func:`scale`."""
    return settings(
        max_examples=examples * scale(),
        deadline=None,
        # The explain phase reruns each failing example hundreds of times on the server.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


def _check_error(err: jsm.JsmError, allow: tuple[type[jsm.JsmError], ...] = ()) -> None:
    text = str(err)
    assert text.strip(), f"{type(err).__name__} without a message"
    if isinstance(err, allow):
        return
    # A reply jsm cannot read means it sent what the server thinks malformed; a
    # connection error, that nats-py refused what jsm let through.
    assert not isinstance(err, errors.UnexpectedReplyError | errors.JsmConnectionError), text
    if isinstance(err, errors.InvalidNameError | errors.InvalidOptionError):
        assert isinstance(err, ValueError)


async def attempt(
    call: Awaitable[T], *, allow: tuple[type[jsm.JsmError], ...] = ()
) -> T | jsm.JsmError:
    """Await one public call: its result, or the ``JsmError`` it raised.

    ``allow`` names errors that are a right answer here even though they usually mean
    that jsm sent something wrong (an ``UnexpectedReplyError`` for a reply that really
    is not of the type asked for)."""
    name = getattr(call, "__qualname__", type(call).__name__)
    try:
        with anyio.fail_after(HANG):
            result = await call
    except jsm.JsmError as err:
        _check_error(err, allow)
        event(f"{name}: {type(err).__name__}")
        return err
    except TimeoutError as err:
        raise AssertionError(f"{name} hung for {HANG:g} s") from err
    event(f"{name}: success")
    return result


def attempt_sync(function: Callable[..., T], *args: object, **kwargs: object) -> T | jsm.JsmError:
    """Call one synchronous public function: its result, or the ``JsmError`` it raised."""
    name = getattr(function, "__qualname__", repr(function))
    try:
        result = function(*args, **kwargs)
    except jsm.JsmError as err:
        _check_error(err)
        event(f"{name}: {type(err).__name__}")
        return err
    event(f"{name}: success")
    return result


def capped(value: Any, limit: float = 2.0) -> Any:
    """``value`` unchanged unless it is a valid wait longer than ``limit`` seconds, which
    becomes ``limit``: a long wait for something that never comes is not a hang."""
    if isinstance(value, str):
        return value
    try:
        wait = to_timedelta(value, name="wait")
    except jsm.JsmError:
        return value
    return limit if wait > timedelta(seconds=limit) else value


def live_tasks() -> set[asyncio.Task[object]]:
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if not t.done() and t is not current}


class Health:
    """The shared connection before the examples, and the check after each one.

    ``name`` is the test's own unique name, free for the streams, buckets and subjects
    (``<name>.>``) it makes; the probe publishes go to a stream of their own.
    """

    def __init__(self, js: jsm.Manager, name: str) -> None:
        self.js = js
        self.name = name
        self.subject = f"{name}_PROBE.probe"
        self.tasks = live_tasks()
        self.subscriptions = len(js.nc._subs)  # nats-py keeps its subscriptions here
        self.reconnects = js.nc.stats["reconnects"]

    @classmethod
    async def start(cls, js: jsm.Manager, name: str) -> Health:
        """Make the probe stream ``<name>_PROBE`` and remember the connection's state."""
        await js.streams.add(
            jsm.StreamConfig(
                name=f"{name}_PROBE",
                subjects=[f"{name}_PROBE.probe"],
                storage=jsm.StorageType.MEMORY,
            )
        )
        await js.account_info()  # opens nats-py's reply subscription before the baseline
        return cls(js, name)

    async def check(self) -> None:
        """The connection still works, was never lost, and nothing was left running."""
        nc = self.js.nc
        assert nc.is_connected, f"the connection is {'closed' if nc.is_closed else 'down'}"
        assert nc.stats["reconnects"] == self.reconnects, "the server dropped the connection"
        with anyio.fail_after(HANG):
            ack = await self.js.publish(self.subject, b"probe")
            assert ack.seq > 0
            await self.js.account_info()
        # Tasks and subscriptions ended by a call may take a moment to be reaped.
        with anyio.move_on_after(LEAK_GRACE):
            while True:
                if not live_tasks() - self.tasks and len(nc._subs) <= self.subscriptions:
                    break
                await anyio.sleep(0.01)
        assert not live_tasks() - self.tasks, f"tasks left running: {live_tasks() - self.tasks}"
        assert len(nc._subs) <= self.subscriptions, "subscriptions left open"


async def drop_streams(js: jsm.Manager, names: list[str]) -> None:
    """Delete streams an example may have made (missing ones are fine)."""
    for name in names:
        with contextlib.suppress(errors.StreamNotFoundError):
            await js.streams.delete(name)
