"""Advisories and metrics from real servers arrive typed and validate against their schemas."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

import jsm
from jsm import events as ev
from tests.integration.consumer_helpers import make_stream, publish
from tests.integration.ops_helpers import delete_advisory, validate_event, wait_for_event

if TYPE_CHECKING:
    from jsm.testing import Cluster


async def test_stream_and_consumer_actions_and_api_audit(js: jsm.Manager, unique_name: str) -> None:
    async with js.events.advisories() as events:
        stream = await make_stream(js, unique_name)
        created = await wait_for_event(
            events, ev.StreamActionAdvisory, match={"stream": unique_name, "action": "create"}
        )
        validate_event(created)
        assert created.received_on == f"$JS.EVENT.ADVISORY.STREAM.CREATED.{unique_name}"
        assert created.time is not None
        await stream.consumers.add(jsm.ConsumerConfig(durable_name="c1"))
        consumer = await wait_for_event(
            events, ev.ConsumerActionAdvisory, match={"consumer": "c1", "action": "create"}
        )
        validate_event(consumer)
        # audits and actions interleave in any order: ask for an audit of a later request
        await js.account_info()
        audit = await wait_for_event(events, ev.ApiAuditAdvisory, match={"subject": "$JS.API.INFO"})
        validate_event(audit)
        await stream.consumers.delete("c1")
        validate_event(
            await wait_for_event(
                events, ev.ConsumerActionAdvisory, match={"consumer": "c1", "action": "delete"}
            )
        )
        await stream.delete()
        validate_event(await delete_advisory(js, events, unique_name))


async def test_nak_terminated_max_deliver_and_ack_metric(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    worker = await stream.consumers.add(
        jsm.ConsumerConfig(
            durable_name="w",
            max_deliver=2,
            ack_wait=timedelta(seconds=1),
            sample_freq="100%",
        )
    )
    await publish(js, f"{unique_name}.a", 3)
    async with js.events.advisories(
        kinds=["nak", "terminated", "max_deliver", "consumer_ack"]
    ) as events:
        first, second, third = await worker.fetch(3, max_wait=2)
        await first.nak()
        validate_event(await wait_for_event(events, ev.NakAdvisory, match={"stream": unique_name}))
        await second.term(reason="bad order")
        terminated = await wait_for_event(
            events, ev.TerminatedAdvisory, match={"stream": unique_name}
        )
        validate_event(terminated)
        assert terminated.reason == "bad order"
        await third.ack()
        metric = await wait_for_event(events, ev.ConsumerAckMetric, match={"stream": unique_name})
        validate_event(metric)
        # the nak'd message goes out a second time; ignoring it reaches max_deliver
        assert len(await worker.fetch(1, max_wait=3)) == 1
        await worker.fetch(1, max_wait=2)  # ack wait passes: the server gives up on it
        exceeded = await wait_for_event(
            events, ev.MaxDeliverAdvisory, match={"stream": unique_name}
        )
        validate_event(exceeded)
        assert exceeded.deliveries == 2


async def test_snapshot_advisories(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name, storage=jsm.StorageType.FILE)
    await publish(js, f"{unique_name}.a", 2)
    async with js.events.advisories(
        kinds=[ev.SnapshotCreateAdvisory, ev.SnapshotCompleteAdvisory]
    ) as events:
        await stream.snapshot(io.BytesIO())
        created = await wait_for_event(
            events, ev.SnapshotCreateAdvisory, match={"stream": unique_name}
        )
        validate_event(created)
        done = await wait_for_event(
            events, ev.SnapshotCompleteAdvisory, match={"stream": unique_name}
        )
        validate_event(done)


async def test_leader_elected_on_a_cluster(nats_cluster: Cluster, unique_name: str) -> None:
    async with (
        jsm.connect(nats_cluster.urls) as js,
        js.events.advisories(kinds=["stream_leader_elected", "consumer_leader_elected"]) as events,
    ):
        stream = await make_stream(js, unique_name, replicas=3)
        try:
            elected = await wait_for_event(
                events, ev.StreamLeaderElectedAdvisory, match={"stream": unique_name}
            )
            validate_event(elected)
            assert elected.leader and elected.replicas is not None and len(elected.replicas) == 3
            await stream.consumers.add(jsm.ConsumerConfig(durable_name="d"))
            validate_event(
                await wait_for_event(
                    events, ev.ConsumerLeaderElectedAdvisory, match={"stream": unique_name}
                )
            )
        finally:
            await stream.delete()


async def test_kinds_filter_and_unknown_events(js: jsm.Manager, unique_name: str) -> None:
    async with (
        js.events.subscribe("ops.events.>") as raw,
        js.events.advisories(kinds=["stream_action"], metrics=False) as only_actions,
    ):
        await js.nc.publish("ops.events.x", b'{"type":"io.nats.unknown.v1.thing","id":"1","n":2}')
        await js.nc.publish("ops.events.y", b"not json")
        unknown = await raw.next(timeout=5)
        assert isinstance(unknown, ev.GenericEvent) and unknown.model_extra == {"n": 2}
        garbage = await raw.next(timeout=5)
        assert isinstance(garbage, ev.GenericEvent) and "not JSON" in (garbage.problem or "")
        stream = await make_stream(js, unique_name)
        await stream.consumers.add(jsm.ConsumerConfig(durable_name="c"))
        await stream.edit(description="changed")
        seen = [await only_actions.next(timeout=5), await only_actions.next(timeout=5)]
        assert all(isinstance(e, ev.StreamActionAdvisory) for e in seen)
        assert [e.action for e in seen if isinstance(e, ev.StreamActionAdvisory)] == [
            "create",
            "modify",
        ]


async def test_stream_not_open_is_a_clear_error(js: jsm.Manager) -> None:
    stream = js.events.advisories()
    with pytest.raises(jsm.errors.ClosedError, match="async with"):
        await stream.next(timeout=1)


async def test_server_events_need_the_system_account(js: jsm.Manager) -> None:
    with pytest.raises(jsm.errors.SystemAccountRequiredError, match="system account"):
        await js.events.server_events()


async def test_server_events_from_the_system_account(nats_cluster: Cluster) -> None:
    async with jsm.connect(nats_cluster.system_urls[0]) as sys_js:
        stream = await sys_js.events.server_events(kinds=["client_connect", "client_disconnect"])
        async with stream as events:
            # the probe uses the same server: its events need no route to know our interest
            async with jsm.connect(nats_cluster.urls[0], name="ops-probe"):
                pass
            connected = await _probe_event(events, ev.ClientConnectAdvisory)
            validate_event(connected)
            gone = await _probe_event(events, ev.ClientDisconnectAdvisory)
            validate_event(gone)


async def _probe_event(
    events: ev.EventStream, kind: type[ev.ClientConnectAdvisory | ev.ClientDisconnectAdvisory]
) -> ev.ClientConnectAdvisory | ev.ClientDisconnectAdvisory:
    """The first event of ``kind`` about the client named ``ops-probe`` (others may connect)."""
    while True:
        event = await wait_for_event(events, kind)
        if event.client.name == "ops-probe":
            return event
