"""The live configuration of an account as a desired state: ``await js.export_state()``.

Each stream, bucket and durable consumer is read from the server and written back in the
smallest form that plans empty: server-added ``_nats.*`` metadata goes, and so does every
field whose value is the one the server would fill in anyway (kept: the stream fields the
schema requires and the consumer's policies, as natscli writes them). ``KV_``/``OBJ_``
streams become buckets when their configuration is exactly what ``js.kv``/``js.objects``
make; any other stream stays a stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeVar

import pydantic

from jsm._errors_base import JsmError
from jsm.consumers import ConsumerManager
from jsm.declarative._planner import bucket_kind, is_managed_consumer, selected
from jsm.declarative._views import Defaults, View, consumer_view, stream_view
from jsm.declarative.state import DesiredState, ResourceKind
from jsm.kv._config import bucket_of_stream, kv_stream_config
from jsm.models import (
    ConsumerConfig,
    KeyValueConfig,
    ObjectStoreConfig,
    StoreCompression,
    StreamConfig,
    SubjectTransform,
)
from jsm.objects.manager import object_stream_config

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from jsm.manager import Manager
    from jsm.models import StreamSource

__all__ = ["LIVE", "export_state", "kv_config_of", "object_config_of"]

LIVE: Final = "<live>"
"""The source of declarations read from a server."""

_STREAM_KEEP: Final = frozenset(
    {
        "name",
        "retention",
        "max_consumers",
        "max_msgs",
        "max_bytes",
        "max_age",
        "storage",
        "num_replicas",
    }
)
_CONSUMER_KEEP: Final = frozenset({"durable_name", "deliver_policy", "ack_policy", "replay_policy"})
_M = TypeVar("_M", bound=pydantic.BaseModel)


async def export_state(js: Manager, *, select: Sequence[str] | None) -> DesiredState:
    """Read the account's (selected) streams, buckets and durable consumers as a state."""
    account = await js.account_info()
    defaults = Defaults(max_ack_pending=account.limits.max_ack_pending or 0)
    infos = sorted(
        [info async for info in js.streams.list() if selected(info.config.name, select)],
        key=lambda info: info.config.name,
    )
    state = DesiredState()
    for info in infos:
        _declare_stream(state, info.config)
        async for consumer in ConsumerManager(js, info.config.name).list():
            if is_managed_consumer(consumer.config):
                state.add_consumer(
                    info.config.name,
                    minimal_consumer(consumer.config, info.config, defaults),
                    source=LIVE,
                )
    return state


def _declare_stream(state: DesiredState, config: StreamConfig) -> None:
    kind, bucket = bucket_kind(config.name)
    if kind is ResourceKind.KEY_VALUE and (kv := kv_config_of(bucket, config)) is not None:
        state.add_key_value(_minimal(kv, _kv_view, {"bucket"}), source=LIVE)
    elif kind is ResourceKind.OBJECT_STORE and (obj := object_config_of(bucket, config)):
        state.add_object_store(_minimal(obj, _object_view, {"bucket"}), source=LIVE)
    else:
        state.add_stream(_minimal(config, stream_view, _STREAM_KEEP), source=LIVE)


def minimal_consumer(
    config: ConsumerConfig, stream: StreamConfig, defaults: Defaults
) -> ConsumerConfig:
    """The consumer's configuration without what the server would fill in anyway."""
    return _minimal(config, lambda c: consumer_view(c, stream, defaults), _CONSUMER_KEEP)


def kv_config_of(bucket: str, config: StreamConfig) -> KeyValueConfig | None:
    """The bucket configuration that makes ``config``, or ``None`` if no bucket would."""
    try:
        kv = KeyValueConfig(
            bucket=bucket,
            description=config.description,
            max_value_size=config.max_msg_size if config.max_msg_size is not None else -1,
            history=config.max_msgs_per_subject,
            ttl=config.max_age,
            max_bytes=config.max_bytes,
            storage=config.storage,
            replicas=config.num_replicas,
            placement=config.placement,
            republish=config.republish,
            mirror=config.mirror,
            sources=[_kv_source(s, bucket) for s in config.sources] if config.sources else None,
            compression=config.compression == StoreCompression.S2,
            limit_marker_ttl=config.subject_delete_marker_ttl,
            metadata=config.metadata,
        )
        same = _kv_view(kv) == stream_view(config)
    except (JsmError, pydantic.ValidationError):
        return None
    return kv if same else None


def _kv_source(source: StreamSource, bucket: str) -> StreamSource:
    # js.kv adds the transform that moves another bucket's keys into this one; leave it
    # out so it is added again, and keep any other transform as it is.
    origin = bucket_of_stream(source.name)
    added = [SubjectTransform(src=f"$KV.{origin}.>", dest=f"$KV.{bucket}.>")]
    if source.subject_transforms == added and (source.external is None or origin != bucket):
        data = source.model_dump(exclude_none=True)
        del data["subject_transforms"]
        return type(source).model_validate(data)
    return source


def object_config_of(bucket: str, config: StreamConfig) -> ObjectStoreConfig | None:
    """The object-store configuration that makes ``config``, or ``None`` if none would."""
    try:
        store = ObjectStoreConfig(
            bucket=bucket,
            description=config.description,
            ttl=config.max_age or None,
            max_bytes=config.max_bytes,
            storage=config.storage,
            replicas=config.num_replicas,
            placement=config.placement,
            compression=config.compression == StoreCompression.S2,
            metadata=config.metadata,
        )
        same = _object_view(store) == stream_view(config)
    except (JsmError, pydantic.ValidationError):
        return None
    return store if same else None


def _kv_view(config: KeyValueConfig) -> View:
    return stream_view(kv_stream_config(config))


def _object_view(config: ObjectStoreConfig) -> View:
    return stream_view(object_stream_config(config))


def _minimal(config: _M, view: Callable[[_M], View], keep: set[str] | frozenset[str]) -> _M:
    """Leave out, one by one, the fields whose absence does not change the view."""
    model = type(config)
    data = config.model_dump(exclude_none=True)
    metadata = {k: v for k, v in (data.get("metadata") or {}).items() if not k.startswith("_nats.")}
    data["metadata"] = metadata or None
    target = view(config)
    for key in list(data):
        if key in keep:
            continue
        trial = {k: v for k, v in data.items() if k != key}
        try:
            same = view(model.model_validate(trial)) == target
        except (JsmError, pydantic.ValidationError):
            continue
        if same:
            data = trial
    return model.model_validate(data)
