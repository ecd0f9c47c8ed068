"""Declarative state through a JetStream domain, through an imported API prefix, and on a cluster."""

from __future__ import annotations

from datetime import timedelta

import pytest

import jsm
from jsm.declarative import Action
from tests.integration.consumer_helpers import eventually
from tests.integration.declarative_helpers import SAFE, converge


def _state(prefix: str, *, version: int) -> jsm.DesiredState:
    """Streams, a mirror, a sourcing stream, consumers and buckets; version 2 changes some."""
    subject = prefix.lower()
    state = jsm.DesiredState()
    orders = jsm.StreamConfig(
        name=f"{prefix}_O",
        subjects=[f"{subject}.o.>"] + ([f"{subject}.r.>"] if version == 2 else []),
        max_age=timedelta(hours=version),
        metadata={"version": str(version)},
    )
    state.add_stream(orders)
    state.add_stream(
        jsm.StreamConfig(name=f"{prefix}_M", mirror=jsm.StreamSource(name=orders.name))
    )
    state.add_stream(
        jsm.StreamConfig(name=f"{prefix}_AGG", sources=[jsm.StreamSource(name=orders.name)])
    )
    state.add_consumer(
        orders.name, jsm.ConsumerConfig(durable_name="worker", max_deliver=2 + version)
    )
    if version == 1:
        state.add_consumer(orders.name, jsm.ConsumerConfig(durable_name="old"))
        state.add_object_store(jsm.ObjectStoreConfig(bucket=f"{prefix}_files"))
    storage = jsm.StorageType.MEMORY if version == 2 else jsm.StorageType.FILE
    state.add_key_value(jsm.KeyValueConfig(bucket=f"{prefix}_kv", history=version, storage=storage))
    return state


async def _lifecycle(js: jsm.Manager, prefix: str) -> None:
    """Create, update, replace and prune through ``js``, then check an export plans empty."""
    select = [f"{prefix}*"]
    first = await js.plan(_state(prefix, version=1), prune=True, select=select)
    assert {c.action for c in first.changes} == {Action.CREATE}
    await first.apply()
    second = await js.plan(_state(prefix, version=2), prune=True, select=select)
    actions = {c.address: c.action for c in second.pending}
    assert actions == {
        f"consumer.{prefix}_O.old": Action.DELETE,
        f"object_store.{prefix}_files": Action.DELETE,
        f"stream.{prefix}_O": Action.UPDATE,
        f"key_value.{prefix}_kv": Action.REPLACE,
        f"consumer.{prefix}_O.worker": Action.UPDATE,
    }
    with pytest.raises(jsm.ChangeRefusedError):
        await second.apply()
    await second.apply(allow_replace=True)
    assert not (await js.plan(_state(prefix, version=2), prune=True, select=select)).has_drift
    exported = await js.export_state(select=select)
    assert len(exported) == len(_state(prefix, version=2))
    assert not (await js.plan(exported, prune=True, select=select)).has_drift
    await converge(js, jsm.DesiredState(), prefix=prefix, **SAFE)
    assert not [n async for n in js.streams.names() if prefix in n]


async def test_a_state_is_applied_through_a_domain(js_leaf: jsm.Manager, unique_name: str) -> None:
    await _lifecycle(js_leaf, unique_name)


async def test_a_state_is_applied_through_an_api_prefix(
    js_imported: jsm.Manager, unique_name: str
) -> None:
    await _lifecycle(js_imported, unique_name)


async def test_replicas_go_from_one_to_three_in_place(cjs: jsm.Manager, unique_name: str) -> None:
    def state(replicas: int) -> jsm.DesiredState:
        result = jsm.DesiredState()
        result.add_stream(
            jsm.StreamConfig(
                name=unique_name, subjects=[f"{unique_name.lower()}.>"], num_replicas=replicas
            )
        )
        result.add_consumer(unique_name, jsm.ConsumerConfig(durable_name="worker"))
        result.add_key_value(jsm.KeyValueConfig(bucket=f"{unique_name}_kv", replicas=replicas))
        result.add_object_store(
            jsm.ObjectStoreConfig(bucket=f"{unique_name}_obj", replicas=replicas)
        )
        return result

    await converge(cjs, state(1))
    await cjs.publish(f"{unique_name.lower()}.1", b"kept")
    plan = await cjs.plan(state(3))
    assert [(c.address, c.action) for c in plan.pending] == [
        (f"key_value.{unique_name}_kv", Action.UPDATE),
        (f"object_store.{unique_name}_obj", Action.UPDATE),
        (f"stream.{unique_name}", Action.UPDATE),
    ]
    kv_fields = plan.pending[0].fields
    assert [(f.field, f.old, f.new) for f in kv_fields] == [("replicas", 1, 3)]
    await plan.apply()

    async def replicated() -> bool:
        info = await cjs.streams.info(unique_name)
        return info.cluster is not None and len(info.cluster.replicas or []) == 2

    await eventually(replicated, within=30)
    assert (await cjs.streams.info(unique_name)).state.messages == 1
    assert not (await cjs.plan(state(3))).has_drift
