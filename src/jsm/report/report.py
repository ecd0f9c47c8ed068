""":class:`StreamReport`: the streams of an account (or several), their replicas and replication."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

from pydantic import Field

from jsm._errors_base import InvalidOptionError
from jsm.models._base import ReplyModel
from jsm.report._dot import render_dot
from jsm.report._rows import ReplicationRow, StreamRow
from jsm.report._select import check_sort_key, sort_value, subjects_overlap
from jsm.report._text import render_text
from jsm.subjects import check_subject

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jsm.report._select import SortKey

__all__ = ["StreamReport"]


def _now() -> datetime:
    return datetime.now(UTC)


class StreamReport(ReplyModel):
    """A report of streams, like ``nats stream report``: one row per stream plus replication.

    ``streams`` holds one :class:`StreamRow` per stream (size, storage, placement,
    consumers, API level, replicas with leader and current/lagged/offline peers);
    ``replication`` one :class:`ReplicationRow` per mirror and source (upstream, lag,
    last seen, error). The report is a frozen value: ``sorted()`` and ``filter()``
    return new reports, ``to_json()`` / ``from_json()`` round-trip it and ``to_dot()``
    draws the mirror/source graph.
    """

    streams: list[StreamRow] = Field(default_factory=list)
    replication: list[ReplicationRow] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    """Streams the cluster knows but whose leader did not answer (offline or unreachable)."""
    taken: datetime = Field(default_factory=_now)
    """When the report was made (UTC)."""

    def stream(self, name: str, /, *, account: str | None = None) -> StreamRow:
        """The row of stream ``name`` (in ``account``, for a report across accounts).

        Raises:
            KeyError: no such stream in the report.
        """
        for row in self.streams:
            if row.name == name and (account is None or row.account == account):
                return row
        raise KeyError(f"stream {name!r} is not in this report")

    def upstreams(self, name: str, /) -> list[ReplicationRow]:
        """The mirror and source rows of stream ``name`` (empty if it copies nothing)."""
        return [row for row in self.replication if row.stream == name]

    def sorted(self, by: SortKey = "name", *, reverse: bool = False) -> Self:
        """A copy with the stream rows ordered by column ``by`` (ties by name).

        Replication rows follow the order of their streams. ``reverse=True`` puts the
        largest first; streams missing a value (e.g. no account) always come last.

        Raises:
            InvalidOptionError: ``by`` is not one of :data:`jsm.report.SORT_KEYS`.
        """
        key = check_sort_key(by)
        by_name = sorted(self.streams, key=lambda r: (r.name, r.account or ""))
        known = [r for r in by_name if not sort_value(r, key)[0]]
        unknown = [r for r in by_name if sort_value(r, key)[0]]
        rows = sorted(known, key=lambda r: sort_value(r, key)[1], reverse=reverse) + unknown
        return self._with(rows)

    def filter(
        self,
        *,
        subject: str | None = None,
        names: Iterable[str] | None = None,
        account: str | None = None,
        cluster: str | None = None,
    ) -> Self:
        """A copy with only the streams that match every criterion given.

        ``subject`` keeps streams with a subject overlapping it (wildcards allowed, as
        the server's stream list filter does); ``names`` keeps those streams; ``account``
        keeps the streams of that account, ``cluster`` those placed in that cluster.
        Replication rows of dropped streams go too;
        ``missing`` keeps the names that pass the ``names`` criterion.

        Raises:
            InvalidNameError: ``subject`` is not a valid subject.
            InvalidOptionError: ``names`` is a single string rather than a list.
        """
        if subject is not None:
            check_subject(subject, what="subject filter")
        if isinstance(names, str):
            raise InvalidOptionError(
                f"names takes a list of stream names, not one string (got {names!r})"
            )
        wanted = set(names) if names is not None else None
        rows = [
            row
            for row in self.streams
            if (wanted is None or row.name in wanted)
            and (account is None or row.account == account)
            and (cluster is None or row.cluster == cluster)
            and (subject is None or any(subjects_overlap(subject, s) for s in row.subjects))
        ]
        missing = [m for m in self.missing if wanted is None or m in wanted]
        return self._with(rows, missing=missing)

    @property
    def leader_counts(self) -> dict[str, int]:
        """How many of the report's streams each server leads (most first, then by name)."""
        counts: dict[str, int] = {}
        for row in self.streams:
            if row.leader is not None:
                counts[row.leader] = counts.get(row.leader, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def to_json(self, *, indent: int | None = None) -> str:
        """The report as JSON (durations in nanoseconds, times in RFC 3339)."""
        return self.model_dump_json(indent=indent, exclude_none=True)

    @classmethod
    def from_json(cls, data: str | bytes) -> Self:
        """Read a report written by :meth:`to_json`."""
        return cls.model_validate_json(data)

    def to_dot(self, *, title: str = "Stream Replication Structure") -> str:
        """The mirror/source graph as Graphviz dot text (render with ``dot -Tsvg``).

        One node per stream, edges from upstream to downstream: mirrors solid blue and
        labelled ``mirror``, sources dashed green and labelled ``source`` with their
        filters; upstreams in another domain or account are separate dashed nodes and
        their edges name the domain or API prefix.
        """
        return render_dot(self.streams, self.replication, title=title)

    def to_text(self) -> str:
        """The report as plain-text tables, as ``nats stream report`` prints them.

        Replicas are marked ``*`` (leader), ``~`` (lagged, with its lag) and ``!``
        (offline); streams of a report across accounts show as ``ACCOUNT > NAME``.
        """
        return render_text(self.streams, self.replication, self.missing)

    def _with(self, rows: list[StreamRow], *, missing: list[str] | None = None) -> Self:
        order = {(r.name, r.account): i for i, r in enumerate(rows)}
        replication = sorted(
            (r for r in self.replication if (r.stream, r.account) in order),
            key=lambda r: order[(r.stream, r.account)],
        )
        return type(self)(
            streams=rows,
            replication=replication,
            missing=self.missing if missing is None else missing,
            taken=self.taken,
        )
