"""Every change the plan calls a replacement is one the server will not make in place.

For each rule in ``jsm.declarative._diff`` (nats-server's ``configUpdateCheck`` for streams
and ``checkNewConsumerConfig`` for consumers): the server refuses the change as an update
of a twin resource, the plan marks the field as forcing a replacement, apply refuses it
without ``allow_replace`` and makes it with it, after which the plan is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

import jsm
from jsm import errors
from jsm.declarative import Action
from jsm.testing import run_server
from tests.integration.declarative_helpers import converge, own_manager

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from jsm.testing import NatsServer


@pytest.fixture(scope="module")
def replace_server() -> Iterator[NatsServer]:
    """A server of this module's own: replaced file streams can leave directories behind."""
    with run_server() as server:
        yield server


@pytest.fixture
async def js(replace_server: NatsServer) -> AsyncIterator[jsm.Manager]:
    """A manager on :func:`replace_server` (shadows the shared one)."""
    async for manager in own_manager(replace_server.client_url):
        yield manager


@dataclass(frozen=True)
class Case:
    """A field, a configuration before and after (as model fields), and how to reach ``before``."""

    field: str
    before: dict[str, Any]
    after: dict[str, Any]
    seal: bool = False


STREAM_CASES = [
    Case("storage", {}, {"storage": jsm.StorageType.MEMORY}),
    Case("retention", {}, {"retention": jsm.RetentionPolicy.WORK_QUEUE}),
    Case(
        "retention",
        {"retention": jsm.RetentionPolicy.WORK_QUEUE},
        {"retention": jsm.RetentionPolicy.INTEREST},
    ),
    Case("mirror", {"mirror": "O1"}, {"mirror": "O2"}),
    Case("mirror", {}, {"mirror": "O1"}),
    Case("sealed", {}, {}, seal=True),
    Case("deny_delete", {"deny_delete": True}, {}),
    Case("deny_purge", {"deny_purge": True}, {}),
    Case("allow_msg_ttl", {"allow_msg_ttl": True}, {}),
    Case("allow_msg_schedules", {"allow_msg_schedules": True}, {}),
    Case("allow_msg_counter", {}, {"allow_msg_counter": True}),
    Case("allow_msg_counter", {"allow_msg_counter": True}, {}),
    Case("persist_mode", {}, {"persist_mode": jsm.PersistMode.ASYNC}),
    Case("first_seq", {"first_seq": 10}, {"first_seq": 20}),
]
STREAM_IDS = [
    "storage", "to-workqueue", "from-workqueue", "mirror-origin", "become-mirror", "unseal",
    "deny-delete-off", "deny-purge-off", "msg-ttl-off", "schedules-off", "counter-on",
    "counter-off", "persist-mode", "first-seq",
]  # fmt: skip


def _stream(name: str, prefix: str, fields: dict[str, Any]) -> jsm.StreamConfig:
    data: dict[str, Any] = {"name": name, "subjects": [f"{name.lower()}.>"]} | fields
    if "mirror" in fields:
        data["mirror"] = jsm.StreamSource(name=f"{prefix}_{fields['mirror']}")
        del data["subjects"]
    return jsm.StreamConfig.model_validate(data)


async def _origins(js: jsm.Manager, prefix: str) -> None:
    for origin in ("O1", "O2"):
        await js.streams.add(_stream(f"{prefix}_{origin}", prefix, {}))


async def _server_refuses_in_place(js: jsm.Manager, prefix: str, case: Case) -> None:
    twin = f"{prefix}_TWIN"
    created = await js.streams.add(_stream(twin, prefix, case.before))
    if case.seal:
        await created.seal()
    after = _stream(twin, prefix, case.after)
    if case.field == "first_seq":
        # Taken in place, but it only ever applies to a new stream.
        await js.streams.update(after)
        assert (await js.streams.info(twin)).state.first_seq == case.before["first_seq"]
        return
    with pytest.raises(errors.ApiError):
        await js.streams.update(after)


@pytest.mark.parametrize("case", STREAM_CASES, ids=STREAM_IDS)
async def test_a_stream_change_the_server_refuses_in_place_is_a_replace(
    js: jsm.Manager, unique_name: str, case: Case
) -> None:
    await _origins(js, unique_name)
    await _server_refuses_in_place(js, unique_name, case)
    name = f"{unique_name}_S"
    stream = await js.streams.add(_stream(name, unique_name, case.before))
    if case.seal:
        await stream.seal()
    state = jsm.DesiredState().add_stream(_stream(name, unique_name, case.after))
    plan = await js.plan(state)
    (change,) = plan.pending
    assert change.action is Action.REPLACE
    assert case.field in {f.field for f in change.fields if f.forces_replace}
    with pytest.raises(jsm.ChangeRefusedError):
        await plan.apply()
    await plan.apply(allow_replace=True)
    assert not (await js.plan(state)).has_drift
    if case.field == "first_seq":
        assert (await js.streams.info(name)).state.first_seq == case.after["first_seq"]


T1 = datetime(2026, 1, 1, tzinfo=UTC)
PUSH = {"deliver_subject": "dl.{name}", "idle_heartbeat": timedelta(seconds=5)}
CONSUMER_CASES = [
    Case("deliver_policy", {}, {"deliver_policy": jsm.DeliverPolicy.NEW}),
    Case(
        "opt_start_seq",
        {"deliver_policy": jsm.DeliverPolicy.BY_START_SEQUENCE, "opt_start_seq": 1},
        {"deliver_policy": jsm.DeliverPolicy.BY_START_SEQUENCE, "opt_start_seq": 2},
    ),
    Case(
        "opt_start_time",
        {"deliver_policy": jsm.DeliverPolicy.BY_START_TIME, "opt_start_time": T1},
        {
            "deliver_policy": jsm.DeliverPolicy.BY_START_TIME,
            "opt_start_time": T1 + timedelta(hours=1),
        },
    ),
    Case("ack_policy", {}, {"ack_policy": jsm.AckPolicy.NONE}),
    Case("replay_policy", {}, {"replay_policy": jsm.ReplayPolicy.ORIGINAL}),
    Case("mem_storage", {}, {"mem_storage": True}),
    Case("idle_heartbeat", PUSH, PUSH | {"idle_heartbeat": timedelta(seconds=10)}),
    Case("flow_control", PUSH, PUSH | {"flow_control": True}),
    Case("max_waiting", {"max_waiting": 100}, {"max_waiting": 200}),
    Case("deliver_subject", {}, {"deliver_subject": "dl.{name}"}),
    Case("deliver_subject", {"deliver_subject": "dl.{name}"}, {}),
]
CONSUMER_IDS = [
    "deliver-policy", "start-seq", "start-time", "ack-policy", "replay-policy", "mem-storage",
    "heartbeat", "flow-control", "max-waiting", "pull-to-push", "push-to-pull",
]  # fmt: skip


def _consumer(name: str, fields: dict[str, Any]) -> jsm.ConsumerConfig:
    data = {"durable_name": name} | fields
    if "deliver_subject" in data:
        data["deliver_subject"] = data["deliver_subject"].format(name=name)
    return jsm.ConsumerConfig.model_validate(data)


@pytest.mark.parametrize("case", CONSUMER_CASES, ids=CONSUMER_IDS)
async def test_a_consumer_change_the_server_refuses_in_place_is_a_replace(
    js: jsm.Manager, unique_name: str, case: Case
) -> None:
    stream = jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name.lower()}.>"])
    await converge(js, jsm.DesiredState().add_stream(stream))
    consumers = jsm.ConsumerManager(js, unique_name)
    await consumers.add(_consumer("twin", case.before))
    with pytest.raises(errors.ApiError):
        await consumers.update(_consumer("twin", case.after))
    await consumers.add(_consumer("worker", case.before))
    state = jsm.DesiredState().add_stream(stream)
    state.add_consumer(unique_name, _consumer("worker", case.after))
    state.add_consumer(unique_name, _consumer("twin", case.before))
    plan = await js.plan(state)
    (change,) = plan.pending
    assert change.action is Action.REPLACE and change.address == f"consumer.{unique_name}.worker"
    assert case.field in {f.field for f in change.fields if f.forces_replace}
    with pytest.raises(jsm.ChangeRefusedError):
        await plan.apply()
    await plan.apply(allow_replace=True)
    assert not (await js.plan(state)).has_drift


async def test_removing_a_mirror_promotes_it_in_place(js: jsm.Manager, unique_name: str) -> None:
    await _origins(js, unique_name)
    name = f"{unique_name}_S"
    await js.streams.add(_stream(name, unique_name, {"mirror": "O1"}))
    promoted = jsm.DesiredState().add_stream(_stream(name, unique_name, {}))
    plan = await js.plan(promoted)
    assert [c.action for c in plan.pending] == [Action.UPDATE]
    await plan.apply()
    assert (await js.streams.info(name)).config.mirror is None
    assert not (await js.plan(promoted)).has_drift
