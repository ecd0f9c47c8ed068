""":class:`JetStreamCollector`: check results and stream/consumer state for Prometheus.

Prometheus's client collects synchronously, often from another thread, while checks
are asynchronous; so :meth:`JetStreamCollector.refresh` runs them (on the event loop)
and keeps the latest results, and ``collect()`` only turns those into metric families.
``async with collector.running(interval=15)`` refreshes in the background.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from typing import TYPE_CHECKING

import anyio

from jsm._errors_base import InvalidOptionError, JsmError
from jsm._generated_errors import StreamNotFoundError
from jsm._options import Duration, to_timedelta
from jsm.consumers import ConsumerManager
from jsm.metrics._config import Check
from jsm.monitor import CheckKind, CheckResult

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator, Sequence
    from types import TracebackType

    from anyio.abc import TaskGroup
    from prometheus_client.core import Metric

    from jsm.manager import Manager
    from jsm.metrics._families import Outcome
    from jsm.models import ConsumerInfo, StreamInfo

    CheckFunction = Callable[[Manager], Awaitable[CheckResult]]

__all__ = [
    "DEFAULT_NAMESPACE",
    "STATE_NAMESPACE",
    "JetStreamCollector",
    "gather_state",
    "outcome_of",
    "require_prometheus",
]

logger = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "nats_server_check"
"""The prefix of check metrics: natscli's, so its dashboards and alerts apply."""
STATE_NAMESPACE = "jsm"
"""The prefix of stream and consumer state metrics."""

_METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_CONCURRENT_CHECKS = 8
KIND_OF = {
    "stream": CheckKind.STREAM,
    "consumer": CheckKind.CONSUMER,
    "kv": CheckKind.KV,
    "jetstream": CheckKind.ACCOUNT,
    "meta": CheckKind.META,
}


def require_prometheus() -> None:
    """Check prometheus-client is installed.

    Raises:
        InvalidOptionError: it is not.
    """
    if importlib.util.find_spec("prometheus_client") is None:
        raise InvalidOptionError(
            "jsm.metrics needs prometheus-client: install jsm's metrics extra "
            "(pip install 'jsm[metrics]')"
        )


def check_namespace(namespace: str, *, name: str) -> str:
    """Check a metric name prefix.

    Raises:
        InvalidOptionError: it is not a valid Prometheus metric name.
    """
    if not isinstance(namespace, str) or not _METRIC_NAME.match(namespace):
        raise InvalidOptionError(
            f"{name} must be a Prometheus metric name such as 'jsm' (got {namespace!r})"
        )
    return namespace


async def outcome_of(check: Check | CheckFunction, js: Manager) -> Outcome:
    """Run one check: its (item, natscli kind, result). A check that cannot run is CRITICAL."""
    if isinstance(check, Check):
        try:
            result = await check.run(js)
        except JsmError as err:
            result = CheckResult(name=check.name, kind=KIND_OF[check.kind])
            result.critical(f"check failed: {err}")
        return check.name, check.kind, result
    result = await check(js)
    from jsm.metrics._families import NATSCLI_KIND

    return result.name, NATSCLI_KIND[result.kind], result


async def run_checks(checks: Sequence[Check | CheckFunction], js: Manager) -> list[Outcome]:
    """Run ``checks`` a few at a time; their outcomes in the same order."""
    outcomes: list[Outcome | None] = [None] * len(checks)
    limiter = anyio.CapacityLimiter(_CONCURRENT_CHECKS)

    async def one(index: int) -> None:
        async with limiter:
            outcomes[index] = await outcome_of(checks[index], js)

    async with anyio.create_task_group() as tg:
        for index in range(len(checks)):
            tg.start_soon(one, index)
    return [outcome for outcome in outcomes if outcome is not None]


async def gather_state(
    js: Manager, streams: bool | Sequence[str]
) -> tuple[list[StreamInfo], list[ConsumerInfo]]:
    """The info of the streams asked for (``True``: all) and of all their consumers."""
    if streams is True:
        infos = [info async for info in js.streams.list()]
    else:
        infos = []
        for name in streams or ():
            try:
                infos.append(await js.streams.info(name))
            except StreamNotFoundError:
                logger.debug("stream %s not found; no state exported for it", name)
    consumers: list[ConsumerInfo] = []
    for info in infos:
        try:
            consumers += [c async for c in ConsumerManager(js, info.config.name).list()]
        except StreamNotFoundError:
            continue  # deleted meanwhile
    return infos, consumers


class JetStreamCollector:
    """A Prometheus collector of health checks and of stream and consumer state.

    ``registry.register(collector)``, then ``await collector.refresh()`` (or
    ``async with collector.running(interval=15)``) keeps what it exports current.
    ``checks`` are :class:`Check` objects or ``async`` functions taking the manager
    and returning a :class:`~jsm.CheckResult` (``lambda js: js.monitor.stream("ORDERS")``);
    ``streams`` exports the state of those streams (``True``: every stream) and of
    their consumers.

    Raises:
        InvalidOptionError: prometheus-client is missing, or a bad namespace.
    """

    def __init__(
        self,
        js: Manager,
        *,
        checks: Sequence[Check | CheckFunction] = (),
        streams: bool | Sequence[str] = False,
        namespace: str = DEFAULT_NAMESPACE,
        state_namespace: str = STATE_NAMESPACE,
    ) -> None:
        require_prometheus()
        if isinstance(streams, str):
            raise InvalidOptionError("streams must be True, False or a list of stream names")
        self._js = js
        self._checks = list(checks)
        self._streams = streams if isinstance(streams, bool) else list(streams)
        self._namespace = check_namespace(namespace, name="namespace")
        self._state_namespace = check_namespace(state_namespace, name="state_namespace")
        self._outcomes: list[Outcome] = []
        self._stream_infos: list[StreamInfo] = []
        self._consumer_infos: list[ConsumerInfo] = []

    @property
    def results(self) -> list[CheckResult]:
        """The results of the latest refresh, in the order of the checks."""
        return [result for _, _, result in self._outcomes]

    async def refresh(self) -> None:
        """Run the checks and read the state; what ``collect()`` exports from now on.

        Raises:
            JsmError: the state could not be read (the check results are kept).
        """
        self._outcomes = await run_checks(self._checks, self._js)
        if self._streams:
            self._stream_infos, self._consumer_infos = await gather_state(self._js, self._streams)

    def collect(self) -> Iterator[Metric]:
        """The metric families of the latest refresh (Prometheus's collector protocol)."""
        from jsm.metrics._families import check_families, state_families

        yield from check_families(self._outcomes, self._namespace)
        yield from state_families(self._stream_infos, self._consumer_infos, self._state_namespace)

    def describe(self) -> list[Metric]:
        """Nothing: the families depend on what the checks find (as natscli's exporter)."""
        return []

    def running(self, *, interval: Duration = 15.0) -> _Refreshing:
        """Refresh now and then every ``interval``: ``async with collector.running():``.

        A refresh that fails is logged (WARNING) and tried again at the next interval.

        Raises:
            InvalidOptionError: a bad interval.
        """
        return _Refreshing(self, to_timedelta(interval, name="interval").total_seconds())

    def __repr__(self) -> str:
        return f"<jsm.metrics.JetStreamCollector {len(self._checks)} checks of {self._js!r}>"


class _Refreshing:
    """The background refreshing of a collector (see :meth:`JetStreamCollector.running`)."""

    def __init__(self, collector: JetStreamCollector, interval: float) -> None:
        self._collector = collector
        self._interval = interval
        self._tg: TaskGroup | None = None

    async def __aenter__(self) -> JetStreamCollector:
        if self._tg is not None:
            raise InvalidOptionError("running() was entered already; call it again")
        await self._refresh()
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._tg = tg
        tg.start_soon(self._loop)
        return self._collector

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        tg, self._tg = self._tg, None
        if tg is not None:
            tg.cancel_scope.cancel()
            await tg.__aexit__(None, None, None)

    async def _loop(self) -> None:
        while True:
            await anyio.sleep(self._interval)
            await self._refresh()

    async def _refresh(self) -> None:
        try:
            await self._collector.refresh()
        except JsmError as err:
            logger.warning("metrics refresh failed: %s; trying again later", err)
