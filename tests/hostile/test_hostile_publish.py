"""Hostile input to every way of publishing: js.publish, increment, the publisher pipeline
and atomic batches. Subjects, payloads, header mappings, msg ids, expectations, TTLs,
rollups, counts and timeouts of any kind end in an acknowledgement or a ``JsmError``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypothesis import given
from hypothesis import strategies as st

import jsm
from tests.hostile.harness import attempt, attempt_sync, hostile_settings
from tests.hostile.strategies import (
    ANY_DURATION,
    HEADERS,
    PAYLOAD,
    SUBJECT,
    TIMEOUT,
    TOKEN,
    hostile_subject,
    hostile_text,
    mostly,
    number,
)

if TYPE_CHECKING:
    from tests.hostile.harness import Health

SEQUENCE = number(st.integers(min_value=0, max_value=3))
EXPECT = mostly(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "stream": hostile_text(),
            "last_sequence": SEQUENCE,
            "last_subject_sequence": SEQUENCE,
            "last_subject": hostile_subject(SUBJECT),
            "last_msg_id": hostile_text(),
        },
    ),
)
ROLLUP = mostly(st.none() | st.sampled_from([*jsm.Rollup, "sub", "all"]), hostile_text())
TTL = mostly(
    st.none() | st.just("never") | st.integers(min_value=1, max_value=60),
    ANY_DURATION | st.sampled_from(["1s", "10", "Never", ""]),
)
MSG_ID = mostly(st.none() | TOKEN, hostile_text())


def subjects(health: Health) -> st.SearchStrategy[Any]:
    """Subjects of the test's stream, and every kind of hostile one."""
    return hostile_subject(SUBJECT.map(lambda s: f"{health.name}.{s}"))


async def stream_for(health: Health, **fields: Any) -> None:
    """Make the test's stream (``<name>.>``) with ``fields``; an existing one is kept."""
    await health.js.streams.add(
        jsm.StreamConfig(
            name=health.name,
            subjects=[f"{health.name}.>"],
            storage=jsm.StorageType.MEMORY,
            **fields,
        )
    )


def expectation(fields: Any) -> Any:
    if not isinstance(fields, dict):
        return fields
    built = attempt_sync(jsm.Expect, **fields)
    return None if isinstance(built, jsm.JsmError) else built


@given(data=st.data())
@hostile_settings(60)
async def test_publish_takes_any_input(health: Health, data: st.DataObject) -> None:
    await stream_for(health, allow_msg_ttl=True, allow_rollup_hdrs=True)
    await attempt(
        health.js.publish(
            data.draw(subjects(health), label="subject"),
            data.draw(PAYLOAD, label="data"),
            headers=data.draw(HEADERS, label="headers"),
            msg_id=data.draw(MSG_ID, label="msg_id"),
            expect=expectation(data.draw(EXPECT, label="expect")),
            ttl=data.draw(TTL, label="ttl"),
            rollup=data.draw(ROLLUP, label="rollup"),
            timeout=data.draw(TIMEOUT, label="timeout"),
        )
    )
    await health.check()


@given(data=st.data())
@hostile_settings(30)
async def test_increment_takes_any_input(health: Health, data: st.DataObject) -> None:
    await stream_for(health, allow_msg_counter=True)
    await attempt(
        health.js.increment(
            data.draw(subjects(health), label="subject"),
            data.draw(number(st.integers(-(2**70), 2**70)), label="by"),
            msg_id=data.draw(MSG_ID, label="msg_id"),
            timeout=data.draw(TIMEOUT, label="timeout"),
        )
    )
    await health.check()


def messages(health: Health, data: st.DataObject, *, most: int) -> list[dict[str, Any]]:
    """Arguments of up to ``most`` publishes, all drawn before anything is sent (the
    outcome of one depends on the stream's state, and draws must not)."""
    count = data.draw(st.integers(min_value=1, max_value=most), label="count")
    return [
        {
            "subject": data.draw(subjects(health), label="subject"),
            "data": data.draw(PAYLOAD, label="data"),
            "headers": data.draw(HEADERS, label="headers"),
            "msg_id": data.draw(MSG_ID, label="msg_id"),
            "expect": expectation(data.draw(EXPECT, label="expect")),
        }
        for _ in range(count)
    ]


@given(data=st.data())
@hostile_settings(30)
async def test_the_publisher_pipeline_takes_any_input(health: Health, data: st.DataObject) -> None:
    await stream_for(health, allow_msg_ttl=True, allow_rollup_hdrs=True)
    publisher = attempt_sync(
        health.js.publisher,
        max_pending=data.draw(number(st.integers(min_value=1, max_value=300)), label="max_pending"),
        timeout=data.draw(TIMEOUT, label="timeout"),
    )
    sends = [
        message | {"ttl": data.draw(TTL, label="ttl"), "rollup": data.draw(ROLLUP, label="rollup")}
        for message in messages(health, data, most=4)
    ]
    futures: list[jsm.PubAckFuture] = []

    async def publish_all(pub: jsm.Publisher) -> None:
        async with pub:
            for message in sends:
                future = await attempt(pub.publish(**message))
                if isinstance(future, jsm.PubAckFuture):
                    futures.append(future)

    if isinstance(publisher, jsm.Publisher):
        await attempt(publish_all(publisher))
    for future in futures:
        await attempt(future)
    await health.check()


@given(data=st.data())
@hostile_settings(30)
async def test_atomic_batches_take_any_input(health: Health, data: st.DataObject) -> None:
    await stream_for(health, allow_atomic=True)
    batch = attempt_sync(
        health.js.batch,
        batch_id=data.draw(mostly(st.none() | TOKEN, hostile_text()), label="batch_id"),
        timeout=data.draw(TIMEOUT, label="timeout"),
    )
    adds = messages(health, data, most=3)

    async def add_all(batch: jsm.Batch) -> None:
        async with batch as b:
            for message in adds:
                await b.add(**message)

    if isinstance(batch, jsm.Batch):
        await attempt(add_all(batch))
    await health.check()
