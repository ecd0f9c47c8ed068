"""Helpers for the declarative-state tests: random valid states, and plan-apply-plan in one call.

Tests that replace file streams run on a server of their own (:func:`own_manager`):
nats-server 2.15 can leave the directory of a file stream behind when the stream is
deleted soon after it was deleted and created again (the second delete cannot rename the
directory while the first one's removal is still running), and its health check then
reports the stream as not recovered, which would fail the health tests sharing a server.

Every resource of a random state is named after one prefix (``<prefix>_S0``,
``<prefix>_kv``, …) and every subject starts with it in lower case, so states drawn for
one test never collide with another test's, and ``select=[f"{prefix}*"]`` scopes a prune.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

import jsm

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

STREAMS = ("S0", "S1", "S2")
CONSUMERS = ("C0", "C1")
SAFE = {"allow_replace": True, "allow_data_loss": True}
"""Apply options that let a plan replace and delete anything (test resources hold no data)."""

_texts = st.text("abcdefghij -", min_size=1, max_size=12)
_metadata = st.none() | st.dictionaries(
    st.sampled_from(["team", "tier", "owner"]), _texts, max_size=2
)
_durations = st.sampled_from([None, timedelta(seconds=30), timedelta(minutes=1)])


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def stream_configs(draw: st.DrawFn, prefix: str, index: int) -> jsm.StreamConfig:
    """A plain stream the server takes as it is (own subjects, sane limits)."""
    subject = f"{prefix.lower()}.s{index}"
    storage = draw(st.sampled_from(jsm.StorageType))
    max_age = draw(st.sampled_from([timedelta(0), timedelta(hours=1), timedelta(hours=2)]))
    return jsm.StreamConfig(
        name=f"{prefix}_S{index}",
        description=draw(_maybe(_texts)),
        subjects=draw(st.sampled_from([[f"{subject}.>"], [f"{subject}.>", f"{subject}x.>"]])),
        retention=draw(st.sampled_from([jsm.RetentionPolicy.LIMITS, jsm.RetentionPolicy.INTEREST])),
        max_msgs=draw(st.sampled_from([-1, 1000])),
        max_bytes=draw(st.sampled_from([-1, 10_000_000])),
        max_age=max_age,
        max_msgs_per_subject=draw(st.sampled_from([-1, 5])),
        max_msg_size=draw(st.sampled_from([None, -1, 4096])),
        discard=draw(st.sampled_from(jsm.DiscardPolicy)),
        storage=storage,
        duplicate_window=draw(_durations),
        compression=draw(st.sampled_from(jsm.StoreCompression)),
        allow_direct=draw(st.booleans()),
        allow_rollup_hdrs=draw(st.booleans()),
        deny_delete=draw(st.booleans()),
        consumer_limits=jsm.StreamConsumerLimits(
            inactive_threshold=draw(_maybe(st.just(timedelta(hours=1))))
        ),
        metadata=draw(_metadata),
    )


@st.composite
def consumer_configs(draw: st.DrawFn, prefix: str, stream: int, name: str) -> jsm.ConsumerConfig:
    """A durable pull or push consumer of stream ``S<stream>``."""
    ack = draw(st.sampled_from([jsm.AckPolicy.NONE, jsm.AckPolicy.ALL, jsm.AckPolicy.EXPLICIT]))
    push = draw(st.booleans())
    acked = ack != jsm.AckPolicy.NONE
    return jsm.ConsumerConfig(
        durable_name=name,
        description=draw(_maybe(_texts)),
        deliver_policy=draw(
            st.sampled_from([jsm.DeliverPolicy.ALL, jsm.DeliverPolicy.NEW, jsm.DeliverPolicy.LAST])
        ),
        ack_policy=ack,
        ack_wait=draw(_durations) if acked else None,
        max_deliver=draw(st.sampled_from([None, -1, 5])),
        max_ack_pending=draw(st.sampled_from([None, 100])) if acked else None,
        filter_subject=draw(_maybe(st.just(f"{prefix.lower()}.s{stream}.a"))),
        deliver_subject=f"dl.{prefix.lower()}.{stream}.{name}" if push else None,
        max_waiting=None if push else draw(st.sampled_from([None, 100])),
        headers_only=draw(st.sampled_from([None, True])),
        metadata=draw(_metadata),
    )


@st.composite
def desired_states(draw: st.DrawFn, prefix: str) -> jsm.DesiredState:
    """A random state of up to 3 streams, a mirror, a sourcing stream, consumers and buckets."""
    state = jsm.DesiredState()
    present = [i for i in range(len(STREAMS)) if draw(st.booleans())]
    for index in present:
        state.add_stream(draw(stream_configs(prefix, index)))
        for name in CONSUMERS:
            if draw(st.booleans()):
                state.add_consumer(
                    f"{prefix}_S{index}", draw(consumer_configs(prefix, index, name))
                )
    if draw(st.booleans()) and present:
        origin = draw(st.sampled_from(present))
        state.add_stream(
            jsm.StreamConfig(
                name=f"{prefix}_M", mirror=jsm.StreamSource(name=f"{prefix}_S{origin}")
            )
        )
    if draw(st.booleans()) and present:
        chosen = draw(st.lists(st.sampled_from(present), min_size=1, unique=True))
        sources = [jsm.StreamSource(name=f"{prefix}_S{i}") for i in sorted(chosen)]
        state.add_stream(jsm.StreamConfig(name=f"{prefix}_AGG", sources=sources))
    if draw(st.booleans()):
        state.add_key_value(draw(kv_configs(prefix)))
    if draw(st.booleans()):
        state.add_object_store(draw(object_configs(prefix)))
    return state


@st.composite
def kv_configs(draw: st.DrawFn, prefix: str) -> jsm.KeyValueConfig:
    """A Key-Value bucket."""
    return jsm.KeyValueConfig(
        bucket=f"{prefix}_kv",
        description=draw(_maybe(_texts)),
        history=draw(st.sampled_from([1, 5])),
        ttl=draw(st.sampled_from([timedelta(0), timedelta(hours=1)])),
        max_bytes=draw(st.sampled_from([-1, 10_000_000])),
        max_value_size=draw(st.sampled_from([-1, 1024])),
        storage=draw(st.sampled_from(jsm.StorageType)),
        compression=draw(st.booleans()),
        metadata=draw(_metadata),
    )


@st.composite
def object_configs(draw: st.DrawFn, prefix: str) -> jsm.ObjectStoreConfig:
    """An object-store bucket."""
    return jsm.ObjectStoreConfig(
        bucket=f"{prefix}_obj",
        description=draw(_maybe(_texts)),
        ttl=draw(st.sampled_from([None, timedelta(hours=1)])),
        max_bytes=draw(st.sampled_from([None, 10_000_000])),
        storage=draw(st.sampled_from(jsm.StorageType)),
        compression=draw(st.booleans()),
        metadata=draw(_metadata),
    )


async def converge(
    js: jsm.Manager, state: jsm.DesiredState, *, prefix: str | None = None, **apply: bool
) -> jsm.ApplyResult:
    """Apply ``state`` (pruning the prefix's other resources when given) and check it stuck."""
    select = [f"{prefix}*"] if prefix else None
    plan = await js.plan(state, prune=prefix is not None, select=select)
    result = await plan.apply(**apply)
    again = await js.plan(state, prune=prefix is not None, select=select)
    assert not again.has_drift, again.to_text()
    return result


async def own_manager(url: str) -> AsyncIterator[jsm.Manager]:
    """A manager on a test module's own server that deletes every stream afterwards."""
    async with jsm.connect(url) as js:
        yield js
        async for name in js.streams.names():
            await js.streams.delete(name)
