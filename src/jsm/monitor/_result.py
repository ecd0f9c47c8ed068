"""The outcome of one health check: :class:`CheckResult`, its status and perf data."""

from __future__ import annotations

import enum
import json
import math

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

__all__ = ["CheckKind", "CheckResult", "CheckStatus", "PerfData"]


class CheckStatus(enum.IntEnum):
    """A check's status; the value is the Nagios plugin exit code, ordered by severity."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3


class CheckKind(enum.StrEnum):
    """What a check looked at."""

    STREAM = "stream"
    CONSUMER = "consumer"
    KV = "kv"
    ACCOUNT = "account"
    SERVER = "server"
    META = "meta"
    CONNECTION = "connection"


class PerfData(BaseModel):
    """One measured figure of a check, with the thresholds it was judged by.

    ``unit`` is a Nagios unit of measure: ``""`` (a count), ``"s"``, ``"%"`` or ``"B"``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    value: float
    unit: str = ""
    warn: float | None = None
    crit: float | None = None
    help: str = ""

    @field_validator("value", "warn", "crit")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError(f"perf data must be finite (got {value!r})")
        return value


class CheckResult(BaseModel):
    """The result of one health check: messages by severity and perf data.

    The status is CRITICAL when any critical message was recorded, else WARNING when
    any warning was, else OK; an ``unknown`` reason (the server could not be asked)
    makes it UNKNOWN. Render it with :meth:`to_nagios`, :meth:`to_prometheus` or
    :meth:`to_json`; :attr:`exit_code` is the Nagios plugin exit code.
    """

    model_config = ConfigDict(extra="ignore")

    name: str
    kind: CheckKind
    ok_messages: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    criticals: list[str] = Field(default_factory=list)
    unknowns: list[str] = Field(default_factory=list)
    perf_data: list[PerfData] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> CheckStatus:
        """The overall status (see the class description)."""
        if self.unknowns:
            return CheckStatus.UNKNOWN
        if self.criticals:
            return CheckStatus.CRITICAL
        if self.warnings:
            return CheckStatus.WARNING
        return CheckStatus.OK

    @property
    def exit_code(self) -> int:
        """The Nagios plugin exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."""
        return int(self.status)

    def ok(self, message: str) -> None:
        """Record something found healthy."""
        self.ok_messages.append(message)

    def warning(self, message: str) -> None:
        """Record something that needs attention."""
        self.warnings.append(message)

    def critical(self, message: str) -> None:
        """Record something broken."""
        self.criticals.append(message)

    def unknown(self, message: str) -> None:
        """Record why the check could not find out (no answer, no permission)."""
        self.unknowns.append(message)

    def perf(
        self,
        name: str,
        value: float,
        *,
        unit: str = "",
        warn: float | None = None,
        crit: float | None = None,
        help: str = "",
    ) -> None:
        """Record a measured figure with the thresholds it was judged by."""
        self.perf_data.append(
            PerfData(name=name, value=value, unit=unit, warn=warn, crit=crit, help=help)
        )

    @property
    def messages(self) -> list[str]:
        """Every message, most severe first."""
        return [*self.unknowns, *self.criticals, *self.warnings, *self.ok_messages]

    def to_nagios(self) -> str:
        """The Nagios plugin output: ``STATUS KIND name: messages | perfdata``."""
        from jsm.monitor._render import nagios

        return nagios(self)

    def to_prometheus(self) -> str:
        """The Prometheus text exposition of the status and perf data (gauges)."""
        from jsm.monitor._render import prometheus

        return prometheus([self])

    def to_json(self, *, indent: int | None = None) -> str:
        """The result as JSON (:meth:`from_json` reads it back)."""
        return json.dumps(self.model_dump(mode="json"), indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> CheckResult:
        """Read a result written by :meth:`to_json`."""
        return cls.model_validate_json(text)
