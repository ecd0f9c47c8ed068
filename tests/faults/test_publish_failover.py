"""Publishing while the leader of an R3 stream is killed (SIGKILL) and then restored.

What the server does, measured on nats-server 2.15 with a 3-node cluster: after the
kill, the other nodes notice the dead leader only after their Raft election timeout
(4 to 9 s); until a new leader subscribes, publishes get "no responders" (nothing
stored), which jsm retries until the publish's deadline. The publishes in flight at the
dead leader at the instant of the kill get no reply at all, stored or not; the client
cannot tell, so jsm sends them again only under a ``Nats-Msg-Id`` (the stream drops the
second copy), and otherwise fails them with a timeout that says the outcome is unknown.
So the tests that require every publish to succeed give every message a msg_id; they
publish with default settings: the default publish timeout (20 s) outlasts an election.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from jsm.testing import Cluster, run_cluster
from jsm.testing._probe import monitor_json
from tests.integration.consumer_helpers import eventually, make_stream

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

TOTAL = 10_000
KILL_AT = TOTAL // 3
TIMEOUT = 30.0
"""The set-up connection's API timeout: patient while the cluster recovers."""

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A cluster of its own: these tests kill its nodes."""
    with run_cluster(3, name="FAILOVER") as started:
        yield started


def connect_via(cluster: Cluster, node: int) -> jsm.connect:
    """A connection to ``node`` first (the others only after it fails), with default
    timeouts and retries."""
    urls = [cluster.urls[node]] + [u for i, u in enumerate(cluster.urls) if i != node]
    return jsm.connect(urls, dont_randomize=True)


@pytest.fixture
async def admin(cluster: Cluster) -> AsyncIterator[jsm.Manager]:
    """A manager for setting up and checking (patient while the cluster recovers)."""
    retry = jsm.Retry(attempts=60, max_delay=0.5)
    async with jsm.connect(cluster.urls, timeout=TIMEOUT, retry=retry) as js:
        yield js


async def r3_stream(
    admin: jsm.Manager, cluster: Cluster, name: str, *, allow_atomic: bool = False
) -> tuple[jsm.Stream, int]:
    """An R3 file stream with every replica current; return it and its leader's node."""
    stream = await make_stream(
        admin, name, storage=jsm.StorageType.FILE, replicas=3, allow_atomic=allow_atomic
    )
    await eventually(lambda: healthy(stream), within=60)
    info = (await stream.info()).cluster
    assert info is not None and info.leader is not None
    return stream, [s.name for s in cluster.servers].index(info.leader)


async def healthy(stream: jsm.Stream) -> bool:
    """Whether the stream has a leader and two current followers."""
    try:
        info = (await stream.info(timeout=5)).cluster
    except errors.JsmError:
        return False  # still electing, or the restarted node still catching up
    if info is None or info.leader is None:
        return False
    replicas = info.replicas or []
    return len(replicas) == 2 and all(r.current for r in replicas)


def other_node(node: int) -> int:
    return (node + 1) % 3


async def restore(cluster: Cluster, node: int, stream: jsm.Stream) -> None:
    """Start the killed node again and wait until the stream is whole again."""
    await anyio.to_thread.run_sync(cluster.start_node, node)
    await eventually(lambda: healthy(stream), within=120)


async def stored_payloads(admin: jsm.Manager, stream: jsm.Stream) -> dict[int, bytes]:
    """Every message in the stream, by sequence."""
    total = (await stream.info()).state.messages
    found: dict[int, bytes] = {}
    if total == 0:
        return found
    async with admin.ordered_consumer(stream.name) as messages:
        async for msg in messages:
            found[msg.metadata.sequence.stream] = msg.data
            if len(found) == total:
                return found
    return found


async def check_exactly_once(
    admin: jsm.Manager, stream: jsm.Stream, acks: list[jsm.PubAck]
) -> None:
    """Every acknowledged message is stored once, under the sequence its ack names."""
    state = (await stream.info()).state
    assert (state.messages, state.first_seq, state.last_seq) == (TOTAL, 1, TOTAL)
    assert sorted(ack.seq for ack in acks) == list(range(1, TOTAL + 1))
    stored = await stored_payloads(admin, stream)
    assert all(stored[ack.seq] == str(index).encode() for index, ack in enumerate(acks))


async def test_awaited_publishes_survive_the_stream_leader_crash(
    cluster: Cluster, admin: jsm.Manager, unique_name: str
) -> None:
    stream, leader = await r3_stream(admin, cluster, unique_name)
    acks: list[jsm.PubAck] = []
    try:
        # Connected to the leader's node: the kill takes the client's server too.
        async with connect_via(cluster, leader) as js, anyio.create_task_group() as tg:
            for index in range(TOTAL):
                if index == KILL_AT:  # killed while this publish is on its way
                    tg.start_soon(anyio.to_thread.run_sync, cluster.kill_node, leader)
                acks.append(
                    await js.publish(
                        f"{unique_name}.{index % 10}", str(index).encode(), msg_id=f"m-{index}"
                    )
                )
    finally:
        await restore(cluster, leader, stream)
    assert (await stream.info()).cluster.leader != cluster.servers[leader].name  # type: ignore[union-attr]
    await check_exactly_once(admin, stream, acks)
    await admin.streams.delete(unique_name)


async def test_pipeline_survives_the_stream_leader_crash(
    cluster: Cluster, admin: jsm.Manager, unique_name: str
) -> None:
    stream, leader = await r3_stream(admin, cluster, unique_name)
    futures: list[jsm.PubAckFuture] = []
    try:
        async with (
            connect_via(cluster, other_node(leader)) as js,
            anyio.create_task_group() as tg,
            js.publisher() as pub,
        ):
            for index in range(TOTAL):
                if index == KILL_AT:  # killed with a full window of acks outstanding
                    tg.start_soon(anyio.to_thread.run_sync, cluster.kill_node, leader)
                futures.append(
                    await pub.publish(
                        f"{unique_name}.{index % 10}", str(index).encode(), msg_id=f"m-{index}"
                    )
                )
    finally:
        await restore(cluster, leader, stream)
    assert pub.retried > 0
    await check_exactly_once(admin, stream, [future.result() for future in futures])
    await admin.streams.delete(unique_name)


async def test_without_msg_ids_only_the_publishes_in_flight_are_unknown(
    cluster: Cluster, admin: jsm.Manager, unique_name: str
) -> None:
    stream, leader = await r3_stream(admin, cluster, unique_name)
    futures: list[jsm.PubAckFuture] = []
    max_pending = 64
    try:
        async with (
            connect_via(cluster, other_node(leader)) as js,
            anyio.create_task_group() as tg,
            js.publisher(max_pending=max_pending) as pub,
        ):
            for index in range(TOTAL):
                if index == KILL_AT:
                    tg.start_soon(anyio.to_thread.run_sync, cluster.kill_node, leader)
                futures.append(
                    await pub.publish(f"{unique_name}.{index % 10}", str(index).encode())
                )
            await pub.wait()
            failures = [f.exception() for f in futures if f.exception() is not None]
    finally:
        await restore(cluster, leader, stream)
    # Only a publish that reached the dead leader goes unanswered; the rest got "no
    # responders" and were sent again until the new leader took them.
    assert len(failures) <= max_pending
    for failure in failures:
        assert type(failure) is errors.JsmTimeoutError
        assert "outcome is unknown" in str(failure)
    stored = await stored_payloads(admin, stream)
    assert len(set(stored.values())) == len(stored)  # nothing stored twice
    acked = {i: f.result() for i, f in enumerate(futures) if f.exception() is None}
    assert len(acked) == TOTAL - len(failures)
    assert all(stored[ack.seq] == str(index).encode() for index, ack in acked.items())
    await admin.streams.delete(unique_name)


async def test_a_stream_without_a_leader_is_not_reported_missing(
    cluster: Cluster, admin: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(admin, unique_name, storage=jsm.StorageType.FILE, allow_atomic=True)
    info = (await stream.info()).cluster
    assert info is not None and info.leader is not None
    node = [s.name for s in cluster.servers].index(info.leader)
    await anyio.to_thread.run_sync(cluster.kill_node, node)
    try:
        async with connect_via(cluster, other_node(node)) as js:
            with anyio.fail_after(60), pytest.raises(errors.NoStreamAnsweredError) as caught:
                await js.publish(f"{unique_name}.a", b"x", timeout=2)
            assert isinstance(caught.value, TimeoutError)
            assert "electing a leader" in str(caught.value)
            assert "create a stream" not in str(caught.value)
            async with js.publisher(timeout=2) as pub:
                future = await pub.publish(f"{unique_name}.a", b"x")
                with anyio.fail_after(60), pytest.raises(errors.NoStreamAnsweredError):
                    await future
            with anyio.fail_after(60), pytest.raises(errors.NoStreamAnsweredError):
                async with js.batch(timeout=2) as batch:
                    await batch.add(f"{unique_name}.a", b"1")
                    await batch.add(f"{unique_name}.a", b"2")  # sends the first
    finally:
        await anyio.to_thread.run_sync(cluster.start_node, node)
    await eventually(lambda: has_leader(stream), within=120)
    await admin.streams.delete(unique_name)


async def has_leader(stream: jsm.Stream) -> bool:
    try:
        info = (await stream.info(timeout=2)).cluster
    except jsm.errors.JsmTimeoutError:  # a stream without a leader may leave this unanswered
        return False
    return info is not None and info.leader is not None


async def test_kv_puts_and_batches_wait_for_the_new_leader(
    cluster: Cluster, admin: jsm.Manager, unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    kv = await admin.kv.create(jsm.KeyValueConfig(bucket=unique_name, replicas=3))
    bucket = await admin.streams.get(f"KV_{unique_name}")
    await eventually(lambda: healthy(bucket), within=60)
    stream, leader = await r3_stream(admin, cluster, f"{unique_name}_B", allow_atomic=True)
    # Both streams led from one node, so one kill leaves both electing.
    bucket_cluster = (await bucket.info()).cluster
    assert bucket_cluster is not None and bucket_cluster.leader is not None
    kv_leader = bucket_cluster.leader
    if kv_leader != cluster.servers[leader].name:
        await stream.leader_stepdown(placement=jsm.Placement(preferred=kv_leader))
        leader = [s.name for s in cluster.servers].index(kv_leader)
        await eventually(lambda: led_by(stream, kv_leader), within=60)
    revisions: list[int] = []
    acks: list[jsm.PubAck] = []
    try:
        async with connect_via(cluster, other_node(leader)) as js:
            js_kv = await js.kv.get(unique_name)
            # Killed between two writes (none in flight): each one that follows gets "no
            # responders" until the stream has a new leader, and waits for it. Only once
            # the other nodes have dropped their routes to it, though: a write routed to
            # the dead node before they noticed is lost without a reply, and a KV write has
            # no msg_id to send it again with.
            cluster.kill_node(leader)
            await eventually(lambda: routes_gone(cluster, leader), within=30)

            async def put_keys() -> None:
                for index in range(200):
                    revisions.append(await js_kv.put(f"k{index}", str(index).encode()))

            async def commit_batch() -> None:
                async with js.batch() as batch:
                    for index in range(3):
                        await batch.add(f"{stream.name}.b", str(index).encode())
                assert batch.ack is not None
                acks.append(batch.ack)

            with caplog.at_level(logging.DEBUG, logger="jsm.publish"):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(put_keys)
                    tg.start_soon(commit_batch)
    finally:
        await restore(cluster, leader, stream)
    waited = [r.getMessage() for r in caplog.records if "no responders, retry" in r.getMessage()]
    assert any(f"$KV.{unique_name}." in line for line in waited)
    assert any(f"{stream.name}.b" in line for line in waited)
    assert revisions == list(range(1, 201))
    assert (await kv.get("k199")).value == b"199"
    assert acks[0].count == 3 and (await stream.info()).state.messages == 3
    await admin.kv.delete(unique_name)
    await admin.streams.delete(stream.name)


async def routes_gone(cluster: Cluster, node: int) -> bool:
    """Whether no other node still has a route to ``node``."""
    dead = cluster.servers[node].name
    for index, server in enumerate(cluster.servers):
        if index == node:
            continue
        routez = await anyio.to_thread.run_sync(monitor_json, server.monitor_url, "routez")
        routes = routez.get("routes")
        if isinstance(routes, list) and any(r.get("remote_name") == dead for r in routes):
            return False
    return True


async def led_by(stream: jsm.Stream, server: str) -> bool:
    info = (await stream.info()).cluster
    return info is not None and info.leader == server
