"""Hostile input to consumers: configurations built from any keywords (names, filters,
durations, limits, priority groups), lookups by any name, the options of fetch, next,
consume and push, acknowledgements with any delay or reason, and ordered consumers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jsm
from tests.hostile.harness import attempt, attempt_sync, capped, hostile_settings
from tests.hostile.strategies import (
    ANY_DURATION,
    SHORT,
    SUBJECT,
    TIMEOUT,
    TOKEN,
    duration,
    hostile_subject,
    hostile_text,
    mostly,
    number,
    wildcards,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from tests.hostile.harness import Health

pytestmark = pytest.mark.filterwarnings("ignore::jsm.JsmWarning")

COUNT = number(st.integers(min_value=-1, max_value=1000))
POSITIVE = number(st.integers(min_value=1, max_value=100))
FLAG = mostly(st.none() | st.booleans(), hostile_text())
TIMESTAMP = mostly(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
    st.one_of(
        st.datetimes(),
        st.just(datetime.min),
        st.just(datetime.max.replace(tzinfo=UTC)),
        st.text(max_size=10),
        st.integers(),
        st.floats(),
        st.none(),
    ),
)
GROUP = hostile_text(st.just("g1"))
"""The pulling consumer's priority group (a pull without it is refused), or a hostile one."""
WAIT = duration(st.floats(min_value=0.5, max_value=1.5))
"""A pull's wait: mostly valid and short (an empty pull waits it out: not the 30 s
default), else any duration."""


def filters(health: Health) -> st.SearchStrategy[Any]:
    return hostile_subject(wildcards(SUBJECT.map(lambda s: f"{health.name}.{s}")))


def consumer_fields(health: Health) -> dict[str, st.SearchStrategy[Any]]:
    """Strategies for every ConsumerConfig field a caller sets."""
    return {
        "description": hostile_text(st.text(max_size=20)),
        "deliver_policy": mostly(st.sampled_from(list(jsm.DeliverPolicy)), hostile_text()),
        "opt_start_seq": number(st.integers(min_value=0, max_value=2**64 - 1)),
        "opt_start_time": TIMESTAMP,
        "ack_policy": mostly(st.sampled_from(list(jsm.AckPolicy)), hostile_text()),
        "ack_wait": duration(st.timedeltas(min_value=timedelta(seconds=1))),
        "max_deliver": COUNT,
        "backoff": mostly(
            st.none() | st.lists(SHORT, max_size=3), st.lists(ANY_DURATION, max_size=3)
        ),
        "filter_subject": filters(health),
        "filter_subjects": mostly(st.lists(filters(health), max_size=3), hostile_text()),
        "replay_policy": mostly(st.sampled_from(list(jsm.ReplayPolicy)), hostile_text()),
        "rate_limit_bps": number(st.integers(min_value=0, max_value=2**64 - 1)),
        "sample_freq": mostly(
            st.sampled_from(["100%", "5%", 7, "0%"]), number(st.integers()) | hostile_text()
        ),
        "max_waiting": COUNT,
        "max_ack_pending": COUNT,
        "headers_only": FLAG,
        "max_batch": COUNT,
        "max_expires": duration(st.timedeltas(min_value=timedelta(seconds=1))),
        "max_bytes": COUNT,
        "inactive_threshold": duration(),
        "num_replicas": number(st.integers(min_value=0, max_value=5)),
        "mem_storage": FLAG,
        "metadata": mostly(
            st.none() | st.dictionaries(TOKEN, TOKEN, max_size=2),
            st.dictionaries(
                hostile_text().filter(lambda k: isinstance(k, str)), hostile_text(), max_size=3
            ),
        ),
        "pause_until": TIMESTAMP,
        "priority_groups": mostly(
            st.lists(TOKEN, min_size=1, max_size=2), st.lists(hostile_text())
        ),
        "priority_policy": mostly(st.sampled_from(list(jsm.PriorityPolicy)), hostile_text()),
        "priority_timeout": duration(),
    }


async def _stream(health: Health, messages: int = 0) -> jsm.Stream:
    stream = await health.js.streams.add(
        jsm.StreamConfig(
            name=health.name, subjects=[f"{health.name}.>"], storage=jsm.StorageType.MEMORY
        )
    )
    stored = (await stream.info()).state.messages
    async with health.js.publisher() as pub:
        for index in range(stored, messages):
            await pub.publish(f"{health.name}.m.{index % 3}", b"%d" % index)
    return stream


@given(data=st.data())
@hostile_settings(60)
async def test_consumer_configurations_take_any_keywords(
    health: Health, data: st.DataObject
) -> None:
    stream = await _stream(health)
    fields = consumer_fields(health)
    name = data.draw(hostile_text(TOKEN.map(lambda t: f"c_{t}")), label="name")
    kind = data.draw(st.sampled_from(["durable_name", "name"]), label="kind")
    config_fields = data.draw(st.fixed_dictionaries({}, optional=fields), label="fields")
    push = data.draw(
        mostly(
            st.none() | st.just({"deliver_subject": f"{health.name}_deliver"}),
            st.fixed_dictionaries(
                {"deliver_subject": hostile_subject(SUBJECT)},
                optional={
                    "deliver_group": hostile_text(),
                    "idle_heartbeat": duration(),
                    "flow_control": FLAG,
                },
            ),
        ),
        label="push",
    )
    field, values = data.draw(st.sampled_from(sorted(fields.items())), label="edit")
    edit = {field: data.draw(values, label="edited")}
    config = attempt_sync(jsm.ConsumerConfig, **{kind: name}, **config_fields, **(push or {}))
    if isinstance(config, jsm.ConsumerConfig):
        consumer = await attempt(stream.consumers.add(config))
        if isinstance(consumer, jsm.Consumer):
            await attempt(consumer.info())
            await attempt(consumer.edit(**edit))
            await attempt(consumer.delete())
    await health.check()


@given(data=st.data())
@hostile_settings(40)
async def test_consumer_lookups_take_any_name_time_and_group(
    health: Health, data: st.DataObject
) -> None:
    stream = await _stream(health)
    await stream.consumers.add_or_update(
        jsm.ConsumerConfig(
            durable_name="known",
            priority_groups=["g1"],
            priority_policy=jsm.PriorityPolicy.PINNED_CLIENT,
        )
    )
    name = data.draw(hostile_text(st.sampled_from(["known", "missing"])), label="name")
    timeout = data.draw(TIMEOUT, label="timeout")
    until = data.draw(TIMESTAMP, label="until")
    group = data.draw(hostile_text(st.just("g1")), label="group")
    consumers = stream.consumers
    await attempt(consumers.get(name, timeout=timeout))
    await attempt(consumers.info(name, timeout=timeout))
    await attempt(consumers.pause(name, until, timeout=timeout))
    await attempt(consumers.resume(name, timeout=timeout))
    await attempt(consumers.unpin(name, group, timeout=timeout))
    await attempt(consumers.leader_stepdown(name, timeout=timeout))
    if name != "known":
        await attempt(consumers.delete(name, timeout=timeout))
    await attempt(consumers.names().collect())
    await health.check()


async def _take(messages: AsyncIterator[jsm.Msg], count: int) -> list[jsm.Msg]:
    """Up to ``count`` messages, or fewer if none come for a while (not a hang)."""
    taken: list[jsm.Msg] = []
    with anyio.move_on_after(1):
        async for msg in messages:
            taken.append(msg)
            if len(taken) >= count:
                break
    return taken


async def _settle(msgs: list[jsm.Msg], actions: list[tuple[str, Any]]) -> None:
    """Acknowledge each message the way ``actions`` say, with their hostile arguments."""
    for msg, (action, value) in zip(msgs, actions, strict=False):
        if action == "nak":
            await attempt(msg.nak(delay=value))
        elif action == "term":
            await attempt(msg.term(reason=value))
        elif action == "ack_sync":
            await attempt(msg.ack_sync(timeout=value))
        elif action == "in_progress":
            await attempt(msg.in_progress())
        else:
            await attempt(msg.ack())


ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("ack"), st.none()),
        st.tuples(st.just("nak"), mostly(st.none() | SHORT, ANY_DURATION)),
        st.tuples(st.just("term"), mostly(st.none() | st.text(max_size=10), hostile_text())),
        st.tuples(st.just("ack_sync"), TIMEOUT),
        st.tuples(st.just("in_progress"), st.none()),
    ),
    max_size=4,
)


@given(data=st.data())
@hostile_settings(60)
async def test_pulling_takes_any_option_and_acknowledgement(
    health: Health, data: st.DataObject
) -> None:
    stream = await _stream(health, messages=300)
    consumer = await stream.consumers.add_or_update(
        jsm.ConsumerConfig(
            durable_name="puller",
            ack_wait=timedelta(seconds=2),
            priority_groups=["g1"],
            priority_policy=jsm.PriorityPolicy.OVERFLOW,
        )
    )
    call = data.draw(st.sampled_from(["fetch", "next", "consume"]), label="call")
    actions = data.draw(ACTIONS, label="acks")
    if call == "fetch":
        wait = capped(data.draw(WAIT, label="max_wait"))
        outcome = await attempt(
            consumer.fetch(
                data.draw(POSITIVE, label="batch"),
                max_bytes=data.draw(mostly(st.none(), COUNT), label="max_bytes"),
                max_wait=wait,
                no_wait=data.draw(mostly(st.booleans(), hostile_text()), label="no_wait"),
                heartbeat=capped(data.draw(mostly(st.none(), WAIT), label="heartbeat")),
                group=data.draw(GROUP, label="group"),
                priority=data.draw(mostly(st.none(), COUNT), label="priority"),
                min_pending=data.draw(mostly(st.none(), COUNT), label="min_pending"),
                min_ack_pending=data.draw(mostly(st.none(), COUNT), label="min_ack"),
            )
        )
        msgs = outcome if isinstance(outcome, list) else []
    elif call == "next":
        one = await attempt(
            consumer.next(
                timeout=capped(data.draw(WAIT, label="timeout")),
                group=data.draw(GROUP, label="group"),
            )
        )
        msgs = [one] if isinstance(one, jsm.Msg) else []
    else:
        stream_or_error = attempt_sync(
            consumer.consume,
            max_messages=data.draw(mostly(st.just(jsm.NOT_GIVEN), POSITIVE), label="max_messages"),
            max_bytes=data.draw(mostly(st.none(), COUNT), label="max_bytes"),
            expires=capped(data.draw(mostly(st.just(jsm.NOT_GIVEN), WAIT), label="expires")),
            idle_heartbeat=capped(
                data.draw(mostly(st.just(jsm.NOT_GIVEN), WAIT), label="heartbeat")
            ),
            threshold=data.draw(mostly(st.none(), COUNT), label="threshold"),
            group=data.draw(GROUP, label="group"),
            priority=data.draw(mostly(st.none(), COUNT), label="priority"),
            min_pending=data.draw(mostly(st.none(), COUNT), label="min_pending"),
            min_ack_pending=data.draw(mostly(st.none(), COUNT), label="min_ack"),
        )
        msgs = []
        if isinstance(stream_or_error, jsm.MessageStream):

            async def consume() -> list[jsm.Msg]:
                async with stream_or_error as messages:
                    return await _take(messages, len(actions))

            outcome = await attempt(consume())
            msgs = outcome if isinstance(outcome, list) else []
    await _settle(msgs, actions)
    await health.check()


@given(data=st.data())
@hostile_settings(15)
async def test_push_and_ordered_consumers_take_any_option(
    health: Health, data: st.DataObject
) -> None:
    stream = await _stream(health, messages=30)
    deliver = f"{health.name}_push"
    consumer = await stream.consumers.add_or_update(
        jsm.ConsumerConfig(
            durable_name="pusher",
            deliver_subject=deliver,
            deliver_group="workers",
            ack_policy=jsm.AckPolicy.NONE,
        )
    )
    push = attempt_sync(
        consumer.push,
        queue=data.draw(
            mostly(st.just(jsm.NOT_GIVEN) | st.just("workers"), hostile_text()), label="queue"
        ),
        max_buffer=data.draw(mostly(st.just(jsm.NOT_GIVEN), POSITIVE), label="max_buffer"),
    )
    if isinstance(push, jsm.PushStream):

        async def receive() -> list[jsm.Msg]:
            async with push as messages:
                return await _take(messages, 2)

        await attempt(receive())
    ordered = attempt_sync(
        health.js.ordered_consumer,
        data.draw(hostile_text(st.just(health.name)), label="stream"),
        filter_subjects=data.draw(
            mostly(st.none(), st.lists(filters(health), max_size=2) | hostile_text()),
            label="filters",
        ),
        deliver_policy=data.draw(
            mostly(st.sampled_from(list(jsm.DeliverPolicy)), hostile_text()), label="policy"
        ),
        start_seq=data.draw(mostly(st.none(), COUNT), label="start_seq"),
        start_time=data.draw(mostly(st.none(), TIMESTAMP), label="start_time"),
        replay=data.draw(mostly(st.just(jsm.ReplayPolicy.INSTANT), hostile_text()), label="replay"),
        headers_only=data.draw(mostly(st.booleans(), hostile_text()), label="headers_only"),
        max_messages=data.draw(mostly(st.integers(1, 100), COUNT), label="max_messages"),
        idle_heartbeat=capped(data.draw(mostly(st.none(), duration()), label="heartbeat")),
    )
    if isinstance(ordered, jsm.OrderedConsumer):

        async def replay() -> list[jsm.Msg]:
            async with ordered as messages:
                return await _take(messages, 2)

        await attempt(replay())
    await health.check()
