"""Plan and apply a desired state on a real server: create, update, replace, prune, export."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

import jsm
from jsm import errors
from jsm.declarative import Action, ResourceKind
from tests.integration.declarative_helpers import converge

if TYPE_CHECKING:
    from pathlib import Path


def _topology(name: str) -> jsm.DesiredState:
    """Declared copies first and origins last, so only the plan can put them in order."""
    subject = name.lower()
    state = jsm.DesiredState()
    state.add_consumer(f"{name}_O", jsm.ConsumerConfig(durable_name="worker", max_deliver=5))
    state.add_stream(jsm.StreamConfig(name=f"{name}_M", mirror=jsm.StreamSource(name=f"{name}_O")))
    state.add_stream(
        jsm.StreamConfig(
            name=f"{name}_AGG",
            sources=[jsm.StreamSource(name=f"{name}_O"), jsm.StreamSource(name=f"{name}_P")],
        )
    )
    state.add_stream(jsm.StreamConfig(name=f"{name}_O", subjects=[f"{subject}.o.>"]))
    state.add_stream(jsm.StreamConfig(name=f"{name}_P", subjects=[f"{subject}.p.>"]))
    state.add_key_value(
        jsm.KeyValueConfig(bucket=f"{name}_kvm", mirror=jsm.StreamSource(name=f"{name}_kv"))
    )
    state.add_key_value(jsm.KeyValueConfig(bucket=f"{name}_kv", history=5))
    state.add_object_store(jsm.ObjectStoreConfig(bucket=f"{name}_files", ttl=timedelta(hours=1)))
    return state


async def test_a_state_is_created_from_nothing_origins_first(
    js: jsm.Manager, unique_name: str
) -> None:
    state = _topology(unique_name)
    plan = await js.plan(state)
    order = [change.address for change in plan.changes]
    assert all(change.action is Action.CREATE for change in plan.changes)
    origin, mirror = f"stream.{unique_name}_O", f"stream.{unique_name}_M"
    assert order.index(origin) < order.index(mirror)
    assert order.index(origin) < order.index(f"stream.{unique_name}_AGG")
    assert order.index(f"stream.{unique_name}_P") < order.index(f"stream.{unique_name}_AGG")
    assert order.index(f"key_value.{unique_name}_kv") < order.index(f"key_value.{unique_name}_kvm")
    assert order[-1] == f"consumer.{unique_name}_O.worker"  # consumers after every stream
    result = await plan.apply()
    assert [c.address for c in result.applied] == order
    again = await js.plan(state)
    assert not again.has_drift and again.exit_code == 0
    assert (await js.streams.info(f"{unique_name}_M")).config.mirror is not None
    assert (await js.kv.status(f"{unique_name}_kv")).history == 5
    worker = await (await js.streams.get(f"{unique_name}_O")).consumers.info("worker")
    assert worker.config.max_deliver == 5
    assert (await js.objects.status(f"{unique_name}_files")).ttl == timedelta(hours=1)


async def test_an_update_changes_subjects_limits_and_metadata_in_place(
    js: jsm.Manager, unique_name: str
) -> None:
    subject = unique_name.lower()
    before = jsm.StreamConfig(name=unique_name, subjects=[f"{subject}.a.>"])
    await converge(js, jsm.DesiredState().add_stream(before))
    created = (await js.streams.info(unique_name)).created
    await js.publish(f"{subject}.a.1", b"kept")
    after = jsm.StreamConfig(
        name=unique_name,
        subjects=[f"{subject}.a.>", f"{subject}.b.>"],
        max_msgs=1000,
        max_age=timedelta(hours=1),
        metadata={"team": "shop"},
    )
    plan = await js.plan(jsm.DesiredState().add_stream(after))
    (change,) = plan.pending
    assert change.action is Action.UPDATE
    fields = {f.field: (f.old, f.new) for f in change.fields}
    assert fields == {
        "subjects": ([f"{subject}.a.>"], [f"{subject}.a.>", f"{subject}.b.>"]),
        "max_msgs": (-1, 1000),
        "max_age": (None, 3_600_000_000_000),
        "metadata.team": (None, "shop"),
    }
    assert not any(f.forces_replace for f in change.fields)
    await plan.apply()
    info = await js.streams.info(unique_name)
    assert info.created == created and info.state.messages == 1
    assert info.config.max_msgs == 1000 and info.config.metadata is not None
    assert info.config.metadata["team"] == "shop"
    assert not (await js.plan(jsm.DesiredState().add_stream(after))).has_drift


async def test_server_defaults_left_out_of_the_state_are_not_drift(
    js: jsm.Manager, unique_name: str
) -> None:
    state = jsm.DesiredState()
    state.add_stream(jsm.StreamConfig(name=unique_name, max_age=timedelta(seconds=30)))
    state.add_consumer(unique_name, jsm.ConsumerConfig(durable_name="pull"))
    state.add_consumer(unique_name, jsm.ConsumerConfig(durable_name="push", deliver_subject="dl.x"))
    await converge(js, state)
    info = await js.streams.info(unique_name)
    # The server filled these in; the state never said them.
    assert info.config.subjects == [unique_name]
    assert info.config.duplicate_window == timedelta(seconds=30)
    assert info.config.max_msg_size == -1
    pull = await jsm.ConsumerManager(js, unique_name).info("pull")
    assert (pull.config.max_waiting, pull.config.max_ack_pending) == (512, 1000)
    assert pull.config.ack_wait == timedelta(seconds=30)
    plan = await js.plan(state)
    assert [c.action for c in plan.changes] == [Action.UNCHANGED] * 3


async def test_a_storage_change_is_a_replace_refused_without_permission(
    js: jsm.Manager, unique_name: str
) -> None:
    subject = unique_name.lower()
    before = jsm.StreamConfig(name=unique_name, subjects=[f"{subject}.>"])
    consumer = jsm.ConsumerConfig(durable_name="worker")
    await converge(js, jsm.DesiredState().add_stream(before).add_consumer(unique_name, consumer))
    after = before.with_changes(storage=jsm.StorageType.MEMORY)
    state = jsm.DesiredState().add_stream(after).add_consumer(unique_name, consumer)
    plan = await js.plan(state)
    stream, worker = plan.pending
    assert stream.action is Action.REPLACE
    assert stream.reasons == ("storage cannot change in place",)
    assert [(f.field, f.old, f.new, f.forces_replace) for f in stream.fields] == [
        ("storage", "file", "memory", True)
    ]
    assert worker.action is Action.CREATE and worker.reasons
    assert "must be replaced" in plan.to_text() and "forces replacement" in plan.to_text()
    with pytest.raises(jsm.ChangeRefusedError, match="allow_replace=True") as refused:
        await plan.apply()
    assert refused.value.changes == (stream,)
    assert (await js.streams.info(unique_name)).config.storage == jsm.StorageType.FILE
    await js.publish(f"{subject}.1", b"precious")
    plan = await js.plan(state)
    with pytest.raises(jsm.ChangeRefusedError, match="1 message"):
        await plan.apply(allow_replace=True)
    assert (await js.streams.info(unique_name)).state.messages == 1
    await plan.apply(allow_replace=True, allow_data_loss=True)
    assert (await js.streams.info(unique_name)).config.storage == jsm.StorageType.MEMORY
    assert (await jsm.ConsumerManager(js, unique_name).info("worker")).name == "worker"
    assert not (await js.plan(state)).has_drift


async def test_prune_deletes_only_undeclared_resources(js: jsm.Manager, unique_name: str) -> None:
    keep = jsm.StreamConfig(name=f"{unique_name}_KEEP", subjects=[f"{unique_name.lower()}.k.>"])
    state = jsm.DesiredState().add_stream(keep)
    state.add_consumer(keep.name, jsm.ConsumerConfig(durable_name="declared"))
    await converge(js, state)
    await js.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_GONE", subjects=[f"{unique_name.lower()}.g.>"])
    )
    await js.kv.create(jsm.KeyValueConfig(bucket=f"{unique_name}_kv"))
    await js.objects.create(jsm.ObjectStoreConfig(bucket=f"{unique_name}_obj"))
    outside = await js.streams.add(jsm.StreamConfig(name=f"X{unique_name}", subjects=["outside.>"]))
    # Streams the state refers to without declaring them are not pruned either.
    used = await js.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_USED", subjects=[f"{unique_name.lower()}.u.>"])
    )
    state.add_consumer(used.name, jsm.ConsumerConfig(durable_name="on_used"))
    copied = await js.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_ORIGIN", subjects=[f"{unique_name.lower()}.c.>"])
    )
    state.add_stream(
        jsm.StreamConfig(name=f"{unique_name}_COPY", mirror=jsm.StreamSource(name=copied.name))
    )
    await converge(js, state)
    consumers = jsm.ConsumerManager(js, keep.name)
    await consumers.add(jsm.ConsumerConfig(durable_name="undeclared"))
    ephemeral = await consumers.add(jsm.ConsumerConfig(inactive_threshold=timedelta(minutes=5)))

    without = await js.plan(state)
    assert not without.has_drift  # nothing is deleted without prune
    plan = await js.plan(state, prune=True, select=[f"{unique_name}*"])
    deleted = {c.address for c in plan.pending}
    assert all(c.action is Action.DELETE for c in plan.pending)
    assert deleted == {
        f"consumer.{keep.name}.undeclared",
        f"stream.{unique_name}_GONE",
        f"key_value.{unique_name}_kv",
        f"object_store.{unique_name}_obj",
    }
    assert plan.pending[0].kind is ResourceKind.CONSUMER  # consumers go first
    await plan.apply()
    names = await js.streams.names().collect()
    assert sorted(n for n in names if unique_name in n) == sorted(
        [keep.name, outside.name, used.name, copied.name, f"{unique_name}_COPY"]
    )
    assert sorted(await consumers.names().collect()) == sorted(["declared", ephemeral.name])
    assert not (await js.plan(state, prune=True, select=[f"{unique_name}*"])).has_drift


async def test_a_dry_run_checks_and_sends_nothing(js: jsm.Manager, unique_name: str) -> None:
    state = _topology(unique_name)
    plan = await js.plan(state)
    result = await plan.apply(dry_run=True)
    assert result.dry_run and not result.applied and result.steps == plan.pending
    assert not [n async for n in js.streams.names() if unique_name in n]


async def test_apply_stops_at_the_first_failure_and_says_what_was_applied(
    js: jsm.Manager, unique_name: str
) -> None:
    subject = unique_name.lower()
    await js.streams.add(jsm.StreamConfig(name=f"{unique_name}_X", subjects=[f"{subject}.b.>"]))
    state = jsm.DesiredState()
    state.add_stream(jsm.StreamConfig(name=f"{unique_name}_A", subjects=[f"{subject}.a.>"]))
    state.add_stream(jsm.StreamConfig(name=f"{unique_name}_B", subjects=[f"{subject}.b.>"]))
    state.add_consumer(f"{unique_name}_A", jsm.ConsumerConfig(durable_name="after"))
    plan = await js.plan(state)
    with pytest.raises(jsm.ApplyError) as failed:
        await plan.apply()
    assert [c.address for c in failed.value.applied] == [f"stream.{unique_name}_A"]
    assert failed.value.failed.address == f"stream.{unique_name}_B"
    assert isinstance(failed.value.error, errors.StreamSubjectOverlapError)
    assert failed.value.__cause__ is failed.value.error
    assert "applied before it: stream." in str(failed.value)
    assert not await jsm.ConsumerManager(js, f"{unique_name}_A").names().collect()


async def test_messages_that_arrive_after_the_plan_are_not_lost_silently(
    js: jsm.Manager, unique_name: str
) -> None:
    subject = unique_name.lower()
    before = jsm.StreamConfig(name=unique_name, subjects=[f"{subject}.>"])
    await converge(js, jsm.DesiredState().add_stream(before))
    plan = await js.plan(
        jsm.DesiredState().add_stream(before.with_changes(storage=jsm.StorageType.MEMORY))
    )
    assert not plan.pending[0].loses_messages
    await js.publish(f"{subject}.1", b"late")
    with pytest.raises(jsm.ApplyError) as failed:
        await plan.apply(allow_replace=True)
    assert isinstance(failed.value.error, jsm.ChangeRefusedError)
    assert (await js.streams.info(unique_name)).state.messages == 1


async def test_a_consumer_of_an_undeclared_absent_stream_fails_before_any_change(
    js: jsm.Manager, unique_name: str
) -> None:
    state = jsm.DesiredState()
    state.add_stream(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name.lower()}.>"]))
    state.add_consumer(
        f"{unique_name}_NOPE", jsm.ConsumerConfig(durable_name="lost"), source="c.yaml"
    )
    with pytest.raises(jsm.StateError) as bad:
        await js.plan(state)
    (problem,) = bad.value.problems
    assert (problem.source, problem.field) == ("c.yaml", "stream_name")
    assert f"{unique_name}_NOPE" in str(bad.value) and "neither declared nor on the server" in str(
        bad.value
    )
    assert not [n async for n in js.streams.names() if unique_name in n]


async def test_an_export_written_to_files_plans_empty(
    js: jsm.Manager, unique_name: str, tmp_path: Path
) -> None:
    await converge(js, _topology(unique_name))
    exported = await js.export_state(select=[f"{unique_name}*"])
    assert sorted(d.address for d in exported) == sorted(d.address for d in _topology(unique_name))
    written = exported.write(tmp_path)
    stream_file = tmp_path / "streams" / f"{unique_name}_O.json"
    assert stream_file in written
    assert jsm.StreamConfig.from_json(stream_file.read_text()).subjects == [
        f"{unique_name.lower()}.o.>"
    ]
    consumer = json.loads((tmp_path / "consumers" / f"{unique_name}_O" / "worker.json").read_text())
    assert consumer == {
        "stream_name": f"{unique_name}_O",
        "config": {
            "durable_name": "worker",
            "deliver_policy": "all",
            "ack_policy": "explicit",
            "max_deliver": 5,
            "replay_policy": "instant",
        },
    }
    assert json.loads((tmp_path / "key_value" / f"{unique_name}_kv.json").read_text()) == {
        "key_value": {"bucket": f"{unique_name}_kv", "history": 5}
    }
    loaded = jsm.DesiredState.load(tmp_path)
    assert not (await js.plan(loaded, prune=True, select=[f"{unique_name}*"])).has_drift


async def test_plans_render_as_text_and_json(js: jsm.Manager, unique_name: str) -> None:
    before = jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name.lower()}.>"])
    await converge(js, jsm.DesiredState().add_stream(before))
    after = before.with_changes(max_age=timedelta(hours=1), description="orders")
    plan = await js.plan(jsm.DesiredState().add_stream(after, source="streams/orders.json"))
    text = plan.to_text()
    assert f"~ stream.{unique_name} will be updated in place (streams/orders.json)" in text
    # A zero duration is "not set", as Go leaves it out of the JSON.
    assert "    + max_age: 1h0m0s\n" in text and '    + description: "orders"\n' in text
    assert text.rstrip().endswith(
        "Plan: 0 to create, 1 to update, 0 to replace, 0 to delete; 0 unchanged."
    )
    assert "\x1b[33m" in plan.to_text(color=True) and "\x1b[" not in text
    document = json.loads(plan.to_json())
    assert document["drift"] is True and document["summary"]["update"] == 1
    (change,) = document["changes"]
    assert change["action"] == "update" and change["source"] == "streams/orders.json"
    assert {
        "field": "max_age",
        "old": None,
        "new": 3_600_000_000_000,
        "forces_replace": False,
    } in change["fields"]
    assert plan.exit_code == jsm.declarative.DRIFT_EXIT_CODE == 2
    await plan.apply()
    final = await js.plan(jsm.DesiredState().add_stream(after))
    assert final.exit_code == 0 and "No changes" in final.to_text()


async def test_a_mirror_cycle_built_in_code_fails_before_any_change(
    js: jsm.Manager, unique_name: str
) -> None:
    state = jsm.DesiredState()
    state.add_stream(
        jsm.StreamConfig(name=f"{unique_name}_OK", subjects=[f"{unique_name.lower()}.>"])
    )
    state.add_stream(
        jsm.StreamConfig(name=f"{unique_name}_A", mirror=jsm.StreamSource(name=f"{unique_name}_B"))
    )
    state.add_stream(
        jsm.StreamConfig(name=f"{unique_name}_B", mirror=jsm.StreamSource(name=f"{unique_name}_A"))
    )
    with pytest.raises(jsm.StateError, match="mirror cycle") as bad:
        await js.plan(state)
    assert [p.field for p in bad.value.problems] == ["mirror.name", "mirror.name"]
    assert not [n async for n in js.streams.names() if unique_name in n]
