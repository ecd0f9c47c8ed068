"""The desired state: the streams, consumers, KV buckets and object stores an account should have.

:class:`DesiredState` is built in code (``add_stream``, ``add_consumer``, …) or loaded from
files (:meth:`DesiredState.load`, in :mod:`jsm.declarative._load`); it checks itself as a
whole (:meth:`DesiredState.problems`): each configuration, names declared twice, consumers
without a name, and mirror cycles. Comparing it with a server is :mod:`jsm.declarative.plan`'s
job; writing it to files is :mod:`jsm.declarative._files`'.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Self, TypeVar

from jsm._errors_base import InvalidOptionError, JsmError
from jsm.consumers._checks import check_consumer_config
from jsm.declarative._errors import Problem, StateError
from jsm.kv._config import kv_stream_config
from jsm.models import ConsumerConfig, KeyValueConfig, ObjectStoreConfig, StreamConfig
from jsm.objects.manager import object_stream_config
from jsm.streams._checks import check_stream_config

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["CODE", "Declaration", "DesiredState", "ResourceKind"]

CODE = "<code>"
"""The source of a declaration made in code rather than read from a file."""

Config = StreamConfig | ConsumerConfig | KeyValueConfig | ObjectStoreConfig
_C = TypeVar("_C", StreamConfig, ConsumerConfig, KeyValueConfig, ObjectStoreConfig)


class ResourceKind(enum.StrEnum):
    """What a declaration or a plan step is about."""

    STREAM = "stream"
    CONSUMER = "consumer"
    KEY_VALUE = "key_value"
    OBJECT_STORE = "object_store"


@dataclass(frozen=True, slots=True)
class Declaration:
    """One resource of a desired state, with where it was declared.

    Attributes:
        kind: stream, consumer, key_value or object_store.
        config: its configuration model.
        source: the file it came from (``"<code>"`` when built in code).
        stream: the consumer's stream (``None`` for the other kinds).
    """

    kind: ResourceKind
    config: Config
    source: str = CODE
    stream: str | None = None

    @property
    def name(self) -> str:
        """The resource's own name: stream, consumer (durable) or bucket name."""
        config = self.config
        if isinstance(config, StreamConfig):
            return config.name
        if isinstance(config, ConsumerConfig):
            return config.durable_name or config.name or ""
        return config.bucket

    @property
    def stream_name(self) -> str:
        """The stream that holds it: its own, its consumer's, or ``KV_``/``OBJ_`` + bucket."""
        if self.kind is ResourceKind.KEY_VALUE:
            return f"KV_{self.name}"
        if self.kind is ResourceKind.OBJECT_STORE:
            return f"OBJ_{self.name}"
        if self.kind is ResourceKind.CONSUMER:
            return self.stream or ""
        return self.name

    @property
    def address(self) -> str:
        """How plans and errors name it: ``stream.ORDERS``, ``consumer.ORDERS.worker``, …."""
        if self.kind is ResourceKind.CONSUMER:
            return f"consumer.{self.stream}.{self.name}"
        return f"{self.kind.value}.{self.name}"

    def stream_config(self) -> StreamConfig:
        """The configuration of the stream it is (a bucket's ``KV_``/``OBJ_`` stream).

        Raises:
            InvalidOptionError: a consumer has no stream configuration of its own, or the
                bucket's settings are out of range.
        """
        config = self.config
        if isinstance(config, StreamConfig):
            return config
        if isinstance(config, KeyValueConfig):
            return kv_stream_config(config)
        if isinstance(config, ObjectStoreConfig):
            return object_stream_config(config)
        raise InvalidOptionError(f"{self.address} is a consumer, not a stream")


class DesiredState:
    """The streams, consumers, KV buckets and object stores an account should have.

    Build it in code or load it from a directory of JSON/YAML files; then
    ``plan = await js.plan(state)`` compares it with the server::

        state = jsm.DesiredState().add_stream(jsm.StreamConfig(name="ORDERS", subjects=["orders.>"]))
        state.add_consumer("ORDERS", jsm.ConsumerConfig(durable_name="worker"))
        plan = await js.plan(state)

    Adding never fails: :meth:`problems` (run by ``js.plan`` and :meth:`load`) reports
    everything wrong at once, each with its file and field.
    """

    __slots__ = ("_declarations",)

    def __init__(self) -> None:
        self._declarations: list[Declaration] = []

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(self.of_kind(kind))} {kind.value}" for kind in ResourceKind)
        return f"<jsm.DesiredState {counts}>"

    def __len__(self) -> int:
        return len(self._declarations)

    def __iter__(self) -> Iterator[Declaration]:
        return iter(self._declarations)

    @property
    def declarations(self) -> tuple[Declaration, ...]:
        """Every declaration, in the order they were added."""
        return tuple(self._declarations)

    def of_kind(self, kind: ResourceKind) -> tuple[Declaration, ...]:
        """The declarations of one kind, in the order they were added."""
        return tuple(d for d in self._declarations if d.kind is kind)

    def add_stream(self, config: StreamConfig, /, *, source: str = CODE) -> Self:
        """Declare a stream (returns the state, so calls chain)."""
        return self._add(Declaration(ResourceKind.STREAM, _typed(config, StreamConfig), source))

    def add_consumer(self, stream: str, config: ConsumerConfig, /, *, source: str = CODE) -> Self:
        """Declare a durable consumer of ``stream`` (it needs a ``durable_name``)."""
        declared = Declaration(
            ResourceKind.CONSUMER, _typed(config, ConsumerConfig), source, stream
        )
        return self._add(declared)

    def add_key_value(self, config: KeyValueConfig, /, *, source: str = CODE) -> Self:
        """Declare a Key-Value bucket."""
        return self._add(
            Declaration(ResourceKind.KEY_VALUE, _typed(config, KeyValueConfig), source)
        )

    def add_object_store(self, config: ObjectStoreConfig, /, *, source: str = CODE) -> Self:
        """Declare an object-store bucket."""
        declared = Declaration(ResourceKind.OBJECT_STORE, _typed(config, ObjectStoreConfig), source)
        return self._add(declared)

    def _add(self, declaration: Declaration) -> Self:
        self._declarations.append(declaration)
        return self

    def problems(self) -> list[Problem]:
        """Check the state as a whole and return every problem found (empty: it holds together).

        Each configuration is checked as ``js.streams.add`` and friends would check it;
        a stream (or bucket stream) or consumer declared twice, a consumer without a
        ``durable_name`` and a cycle through a mirror are problems too.
        """
        found = [p for d in self._declarations if (p := _config_problem(d)) is not None]
        found += _duplicates(self._declarations)
        found += _mirror_cycles(self._declarations)
        return found

    def check(self) -> None:
        """Raise :class:`StateError` listing every problem, if there is any.

        Raises:
            StateError: the state does not hold together.
        """
        problems = self.problems()
        if problems:
            raise StateError(problems)

    @classmethod
    def load(cls, path: str | Path, /) -> DesiredState:
        """Read a directory of ``.json``/``.yaml``/``.yml`` files (or one file) as a state.

        Streams are natscli ``stream.json`` documents, consumers
        ``{"stream_name": ..., "config": {consumer.json}}``, buckets
        ``{"key_value": {...}}`` / ``{"object_store": {...}}``; a file holds one document or a
        list. Durations are integer nanoseconds. Every file is checked against the
        JetStream schemas and models, and every problem is reported at once.

        Raises:
            StateError: files that do not parse or validate, or a state that does not
                hold together (each problem with its file and field).
            InvalidOptionError: a YAML file and PyYAML is not installed
                (``pip install 'jsm[declarative]'``), or ``path`` does not exist.
        """
        from jsm.declarative._load import load_state  # the loader builds states

        return load_state(path)

    def write(
        self,
        directory: str | Path,
        /,
        *,
        format: Literal["json", "yaml"] = "json",
        overwrite: bool = False,
    ) -> list[Path]:
        """Write one file per resource under ``directory``; return the paths written.

        Layout: ``streams/<name>``, ``consumers/<stream>/<name>``, ``key_value/<bucket>``,
        ``object_stores/<bucket>`` with a ``.json`` or ``.yaml`` suffix, in the format
        :meth:`load` reads.

        Raises:
            InvalidOptionError: a file exists already (pass ``overwrite=True``), an unknown
                format, or YAML without PyYAML.
        """
        from jsm.declarative._files import write_state

        return write_state(self, directory, format=format, overwrite=overwrite)


def _typed(config: object, expected: type[_C]) -> _C:
    if not isinstance(config, expected):
        raise InvalidOptionError(f"expected a jsm.{expected.__name__}, got {type(config).__name__}")
    return config


def _config_problem(declaration: Declaration) -> Problem | None:
    config = declaration.config
    try:
        if isinstance(config, ConsumerConfig):
            _check_consumer(config, declaration.stream)
        elif isinstance(config, StreamConfig):
            check_stream_config(config)
        else:
            declaration.stream_config()
    except JsmError as err:
        return Problem(declaration.source, declaration.address, None, str(err))
    return None


def _check_consumer(config: ConsumerConfig, stream: str | None) -> None:
    if not stream:
        raise InvalidOptionError("a consumer must name its stream (stream_name)")
    check_consumer_config(config)
    if not config.durable_name:
        raise InvalidOptionError(
            "a declared consumer must be durable: set durable_name (a consumer with only a "
            "name is removed by the server after 5 s of inactivity)"
        )


def _duplicates(declarations: list[Declaration]) -> list[Problem]:
    seen: dict[tuple[str, str], Declaration] = {}
    found = []
    for declaration in declarations:
        # Buckets are streams: a stream KV_x and a bucket x are the same stream.
        consumer = declaration.name if declaration.kind is ResourceKind.CONSUMER else ""
        key = (declaration.stream_name, consumer)
        first = seen.setdefault(key, declaration)
        if first is declaration:
            continue
        what = f"also declared as {first.address} in {first.source}"
        if first.stream_name == declaration.stream_name and first.kind is not declaration.kind:
            what += f" (both are the stream {declaration.stream_name!r})"
        found.append(
            Problem(declaration.source, declaration.address, None, f"declared twice: {what}")
        )
    return found


def copied_streams(config: StreamConfig) -> list[tuple[str, str]]:
    """The streams a configuration copies from: ``(origin, "mirrors" or "sources")``.

    Origins in another domain or account (``external``) are left out: they are not here.
    """
    found = []
    if config.mirror is not None and config.mirror.external is None:
        found.append((config.mirror.name, "mirrors"))
    for source in config.sources or []:
        if source.external is None:
            found.append((source.name, "sources"))
    return found


def _references(declaration: Declaration) -> list[tuple[str, str]]:
    if declaration.kind is ResourceKind.CONSUMER:
        return []
    try:
        return copied_streams(declaration.stream_config())
    except JsmError:
        return []  # reported as a configuration problem


def _mirror_cycles(declarations: list[Declaration]) -> list[Problem]:
    streams = {d.stream_name: d for d in declarations if d.kind is not ResourceKind.CONSUMER}
    edges = {name: _references(d) for name, d in streams.items()}
    found = []
    for name, declaration in streams.items():
        for origin, how in edges[name]:
            if how != "mirrors" or origin not in streams:
                continue
            back = _path(origin, name, edges)
            if back is None:
                continue
            steps = [f"{name} mirrors {origin}"]
            steps += [f"{a} {h} {b}" for a, h, b in back]
            files = sorted({streams[n].source for n in [name, origin, *(b for _, _, b in back)]})
            found.append(
                Problem(
                    declaration.source,
                    declaration.address,
                    "mirror.name",
                    f"mirror cycle: {', '.join(steps)} (declared in {', '.join(files)}); "
                    "a mirror cannot copy a stream that copies it",
                )
            )
    return found


def _path(
    start: str, goal: str, edges: dict[str, list[tuple[str, str]]]
) -> list[tuple[str, str, str]] | None:
    """A chain of copies from ``start`` to ``goal`` (breadth first), or ``None``."""
    queue: list[tuple[str, list[tuple[str, str, str]]]] = [(start, [])]
    seen = {start}
    while queue:
        node, steps = queue.pop(0)
        if node == goal:
            return steps
        for nxt, how in edges.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, [*steps, (node, how, nxt)]))
    return None
