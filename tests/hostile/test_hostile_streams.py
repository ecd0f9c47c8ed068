"""Hostile input to streams: names, subjects and filters, configurations built from any
keywords, and the numbers, sequences and durations of every stream call (purge, message
get and delete, batched gets, info, listings, edits)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jsm
from tests.hostile.harness import attempt, attempt_sync, drop_streams, hostile_settings
from tests.hostile.strategies import (
    ANY_DURATION,
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
    from tests.hostile.harness import Health

# Non-ASCII, ':' and long names warn (JsmWarning); the warning is not what is tested.
pytestmark = pytest.mark.filterwarnings("ignore::jsm.JsmWarning")

COUNT = number(st.integers(min_value=-1, max_value=1000))
SEQUENCE = number(st.integers(min_value=0, max_value=20))
TIMESTAMP = mostly(
    st.none() | st.datetimes(timezones=st.just(UTC)),
    st.one_of(
        st.datetimes(),  # naive
        st.just(datetime.min),
        st.just(datetime.max),
        st.text(max_size=10),
        st.integers(),
        st.floats(),
    ),
)

STREAM_FIELDS = {
    "description": hostile_text(st.text(max_size=20)),
    "retention": mostly(st.sampled_from(list(jsm.RetentionPolicy)), hostile_text()),
    "max_consumers": COUNT,
    "max_msgs": COUNT,
    "max_bytes": number(st.integers(min_value=-1, max_value=2**20)),
    "max_age": duration(st.timedeltas(min_value=timedelta(0), max_value=jsm.MAX_DURATION)),
    "max_msgs_per_subject": COUNT,
    "max_msg_size": number(st.integers(min_value=-1, max_value=2**20)),
    "discard": mostly(st.sampled_from(list(jsm.DiscardPolicy)), hostile_text()),
    "num_replicas": number(st.integers(min_value=0, max_value=5)),
    "duplicate_window": duration(),
    "first_seq": number(st.integers(min_value=0, max_value=2**64 - 1)),
    "allow_msg_ttl": mostly(st.booleans(), hostile_text()),
    "subject_delete_marker_ttl": duration(),
    "allow_rollup_hdrs": mostly(st.booleans(), number(st.integers())),
    "metadata": mostly(
        st.none() | st.dictionaries(TOKEN, TOKEN, max_size=2),
        st.dictionaries(
            hostile_text().filter(lambda k: isinstance(k, str)), hostile_text(), max_size=3
        ),
    ),
    "placement": mostly(st.none(), st.fixed_dictionaries({"tags": st.lists(hostile_text())})),
    "compression": mostly(st.sampled_from(list(jsm.StoreCompression)), hostile_text()),
}


def names(health: Health) -> st.SearchStrategy[Any]:
    """The test's own stream names (``<name>_<token>``), and every kind of hostile one."""
    return hostile_text(TOKEN.map(lambda t: f"{health.name}_{t}"))


def subjects(health: Health) -> st.SearchStrategy[Any]:
    return hostile_subject(wildcards(SUBJECT.map(lambda s: f"{health.name}.{s}")))


@given(data=st.data())
@hostile_settings(60)
async def test_stream_configurations_take_any_keywords(health: Health, data: st.DataObject) -> None:
    name = data.draw(names(health), label="name")
    fields = data.draw(
        st.fixed_dictionaries(
            {
                "subjects": mostly(
                    st.just([f"{health.name}.>"]),
                    st.lists(subjects(health), max_size=3) | hostile_text(),
                ),
            },
            optional=STREAM_FIELDS,
        ),
        label="fields",
    )
    field, values = data.draw(st.sampled_from(sorted(STREAM_FIELDS.items())), label="edit")
    edit = {field: data.draw(values, label="edited")}
    config = attempt_sync(jsm.StreamConfig, name=name, storage=jsm.StorageType.MEMORY, **fields)
    if isinstance(config, jsm.StreamConfig):
        stream = await attempt(health.js.streams.add(config))
        if isinstance(stream, jsm.Stream):
            await attempt(stream.info())
            await attempt(stream.edit(**edit))
            await drop_streams(health.js, [stream.name])
    await health.check()


@given(data=st.data())
@hostile_settings(40)
async def test_stream_lookups_take_any_name_subject_and_timeout(
    health: Health, data: st.DataObject
) -> None:
    js = health.js
    name = data.draw(names(health), label="name")
    timeout = data.draw(TIMEOUT, label="timeout")
    subject = data.draw(subjects(health), label="subject")
    await attempt(js.streams.get(name, timeout=timeout))
    await attempt(
        js.streams.info(
            name,
            deleted_details=data.draw(mostly(st.booleans(), hostile_text()), label="details"),
            subjects_filter=subject,
            timeout=timeout,
        )
    )
    await attempt(js.streams.delete(name, timeout=timeout))
    await attempt(js.streams.name_by_subject(subject, timeout=timeout))
    for listing in (js.streams.names, js.streams.list):
        pager = attempt_sync(listing, subject=subject, timeout=timeout)
        if isinstance(pager, jsm.Pager):
            await attempt(pager.collect())
    await health.check()


async def _stream_with_messages(health: Health) -> jsm.Stream:
    stream = await health.js.streams.add(
        jsm.StreamConfig(
            name=health.name,
            subjects=[f"{health.name}.>"],
            storage=jsm.StorageType.MEMORY,
            allow_direct=True,
        )
    )
    if (await stream.info()).state.messages < 5:
        for index in range(5):
            await health.js.publish(f"{health.name}.m.{index % 2}", b"%d" % index)
    return stream


@given(data=st.data())
@hostile_settings(60)
async def test_stream_message_calls_take_any_number_subject_and_time(
    health: Health, data: st.DataObject
) -> None:
    stream = await _stream_with_messages(health)
    subject = data.draw(subjects(health), label="subject")
    timeout = data.draw(TIMEOUT, label="timeout")
    call = data.draw(st.integers(min_value=0, max_value=5), label="call")
    if call == 0:
        await attempt(
            stream.get_message(
                data.draw(mostly(SEQUENCE | st.none(), st.none()), label="seq"),
                last_by_subject=data.draw(st.none() | st.just(subject), label="last"),
                next_by_subject=data.draw(st.none() | st.just(subject), label="next"),
                direct=data.draw(mostly(st.none() | st.booleans(), hostile_text()), label="direct"),
                timeout=timeout,
            )
        )
    elif call == 1:
        await attempt(
            stream.get_messages_batch(
                data.draw(number(st.integers(min_value=1, max_value=10)), label="batch"),
                start_seq=data.draw(mostly(st.none() | SEQUENCE, SEQUENCE), label="start_seq"),
                start_time=data.draw(TIMESTAMP, label="start_time"),
                subject=data.draw(st.none() | st.just(subject), label="subject?"),
                max_bytes=data.draw(mostly(st.none(), COUNT), label="max_bytes"),
                timeout=timeout,
            )
        )
    elif call == 2:
        await attempt(
            stream.get_last_messages_for(
                data.draw(
                    mostly(st.lists(st.just(subject), max_size=3), hostile_text()), label="subjects"
                ),
                up_to_seq=data.draw(mostly(st.none(), SEQUENCE), label="up_to_seq"),
                up_to_time=data.draw(TIMESTAMP, label="up_to_time"),
                batch=data.draw(mostly(st.none(), COUNT), label="batch"),
                timeout=timeout,
            )
        )
    elif call == 3:
        options: dict[str, Any] = {
            "subject": data.draw(st.none() | st.just(subject), label="subject?"),
            "keep": data.draw(mostly(st.none(), COUNT), label="keep"),
            "up_to_seq": data.draw(mostly(st.none(), SEQUENCE), label="up_to_seq"),
        }
        await attempt(stream.purge(**options, timeout=timeout))
    elif call == 4:
        await attempt(
            stream.delete_message(
                data.draw(SEQUENCE, label="seq"),
                erase=data.draw(mostly(st.booleans(), hostile_text()), label="erase"),
                timeout=timeout,
            )
        )
    else:
        await attempt(stream.info(subjects_filter=subject, timeout=timeout))
    await health.check()


@given(data=st.data())
@hostile_settings(30)
async def test_stream_copies_take_any_name_and_keywords(
    health: Health, data: st.DataObject
) -> None:
    stream = await _stream_with_messages(health)
    field, values = data.draw(st.sampled_from(sorted(STREAM_FIELDS.items())), label="field")
    copy = await attempt(
        stream.copy(
            data.draw(names(health), label="name"),
            timeout=data.draw(TIMEOUT, label="timeout"),
            subjects=[f"{health.name}_copy.>"],
            **{field: data.draw(values, label="value")},
        )
    )
    if isinstance(copy, jsm.Stream):
        await drop_streams(health.js, [copy.name])
    await health.check()


@given(data=st.data())
@hostile_settings(30)
async def test_managers_take_any_option(health: Health, data: st.DataObject) -> None:
    retry = attempt_sync(
        jsm.Retry,
        attempts=data.draw(number(st.integers(min_value=1, max_value=5)), label="attempts"),
        base_delay=data.draw(mostly(st.just(0.05), ANY_DURATION), label="base_delay"),
        max_delay=data.draw(mostly(st.just(1.0), ANY_DURATION), label="max_delay"),
    )
    options = {
        "timeout": data.draw(ANY_DURATION | TIMEOUT, label="timeout"),
        "retry": retry if isinstance(retry, jsm.Retry) else None,
        "strict": data.draw(mostly(st.booleans(), hostile_text()), label="strict"),
        "max_control_line": data.draw(
            number(st.integers(min_value=256, max_value=2**20)), label="max_control_line"
        ),
        **data.draw(
            mostly(
                st.just({}),
                st.fixed_dictionaries(
                    {}, optional={"domain": hostile_text(), "api_prefix": hostile_subject(SUBJECT)}
                ),
            ),
            label="domain or prefix",
        ),
    }
    manager = attempt_sync(jsm.Manager, health.js.nc, **options)
    if isinstance(manager, jsm.Manager):
        await attempt(manager.account_info(timeout=1))
        await attempt(manager.streams.names(timeout=1).collect())
    connect = attempt_sync(jsm.connect, "nats://127.0.0.1:4222", **options)
    assert isinstance(connect, jsm.connect | jsm.JsmError)
    await health.check()
