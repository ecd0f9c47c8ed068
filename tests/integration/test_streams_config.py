"""Stream configurations against a real server: random samples, stream.json files, bad input, paging."""

from __future__ import annotations

import asyncio
import json
import uuid
import warnings
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jsm
from jsm import errors
from jsm.streams._checks import check_stream_config
from tests.stream_strategies import server_valid_configs

if TYPE_CHECKING:
    from jsm.testing import NatsServer


def _sent_fields_match(sent: jsm.StreamConfig, stored: jsm.StreamConfig) -> None:
    """Every field we sent comes back unchanged (the server may add defaults and metadata)."""
    ours = sent.to_wire()
    theirs = stored.to_wire()
    for key, value in ours.items():
        if key == "metadata":
            assert value.items() <= theirs["metadata"].items()
        else:
            assert theirs[key] == value, key


async def _create_and_read_back(url: str, cfg: jsm.StreamConfig) -> None:
    async with jsm.connect(url) as js:
        stream = await js.streams.add(cfg)
        try:
            _sent_fields_match(cfg, stream.cached_info.config)
            again = await js.streams.get(cfg.name)
            assert again.config == stream.cached_info.config
            assert jsm.StreamConfig.from_json(again.config.to_json()) == again.config
            assert (await js.streams.add(cfg)).cached_info.created == stream.cached_info.created
        finally:
            await stream.delete()


@given(data=st.data())
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_sample_of_random_configs_is_accepted_and_read_back(
    nats_server: NatsServer, data: st.DataObject
) -> None:
    name = f"H_{uuid.uuid4().hex[:10]}"
    cfg = data.draw(server_valid_configs(name, name.lower()))
    asyncio.run(_create_and_read_back(nats_server.client_url, cfg))


async def test_a_stream_json_file_creates_the_stream(js: jsm.Manager, unique_name: str) -> None:
    text = (
        f'{{"name":"{unique_name}","subjects":["{unique_name}.>"],"retention":"limits",'
        '"max_consumers":-1,"max_msgs":-1,"max_bytes":-1,"max_age":86400000000000,'
        '"storage":"memory","num_replicas":1,"duplicate_window":60000000000}'
    )
    stream = await js.streams.add(jsm.StreamConfig.from_json(text))
    info = await stream.info()
    assert info.config.storage == jsm.StorageType.MEMORY
    assert info.config.max_age.days == 1
    assert info.config.duplicate_window is not None
    assert info.config.duplicate_window.total_seconds() == 60


async def _assert_nothing_created(js: jsm.Manager) -> None:
    assert await js.streams.names().collect() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mirror": {"name": "ORIGIN"}, "subjects": ["x.>"]}, "mirror of 'ORIGIN'.*subjects"),
        ({"num_replicas": 7}, "num_replicas must be 1 to 5"),
        ({"deny_purge": True, "allow_rollup_hdrs": True}, "deny_purge"),
        ({"max_age": "10ms"}, "max_age must be 0"),
        ({"discard_new_per_subject": True}, "discard=DiscardPolicy.NEW"),
        ({"allow_msg_counter": True, "allow_msg_ttl": True}, "allow_msg_ttl"),
        ({"persist_mode": "async", "storage": "memory"}, "file storage"),
        ({"mirror_direct": True}, "mirror_direct"),
        ({"sources": [{"name": "A"}, {"name": "A"}]}, "twice"),
        (
            {"sources": [{"name": "A", "filter_subject": "a", "subject_transforms": []}]},
            None,
        ),
        (
            {
                "sources": [
                    {
                        "name": "A",
                        "filter_subject": "a.>",
                        "subject_transforms": [{"src": "a.>", "dest": "b.>"}],
                    }
                ]
            },
            "filter_subject or subject_transforms",
        ),
        ({"subjects": ["a.>", "a.>"]}, "twice"),
    ],
    ids=[
        "mirror-with-subjects",
        "replicas-over-5",
        "rollup-without-purge",
        "tiny-max-age",
        "discard-new-per-subject-needs-new",
        "counter-with-ttl",
        "async-on-memory",
        "mirror-direct-without-mirror",
        "duplicate-source",
        "empty-transform-list-is-fine",
        "filter-and-transforms",
        "duplicate-subject",
    ],
)
async def test_contradictory_settings_are_refused_before_anything_is_created(
    js: jsm.Manager, unique_name: str, fields: dict[str, object], message: str | None
) -> None:
    data: dict[str, object] = {"name": unique_name} | fields
    if "mirror" not in fields:
        data.setdefault("subjects", [f"{unique_name}.>"])
    cfg = jsm.StreamConfig.model_validate(data)
    if message is None:
        await js.streams.add(cfg)
        return
    with pytest.raises(jsm.errors.InvalidOptionError, match=message):
        await js.streams.add(cfg)
    await _assert_nothing_created(js)


@pytest.mark.parametrize("name", ["a.b", "a b", "a*", "a>", "a/b", "a\\b", "", "x" * 256])
async def test_invalid_names_are_refused_locally(js: jsm.Manager, name: str) -> None:
    with pytest.raises(jsm.errors.InvalidNameError):
        await js.streams.add(jsm.StreamConfig(name=name, subjects=["bad.name"]))
    with pytest.raises(jsm.errors.InvalidNameError):
        await js.streams.get(name)
    await _assert_nothing_created(js)


async def test_risky_names_warn_or_fail_in_strict_mode(
    js: jsm.Manager, nats_server: NatsServer
) -> None:
    with pytest.warns(jsm.JsmWarning, match="':'"):
        await js.streams.add(jsm.StreamConfig(name="A:B", subjects=["risky.a"]))
    async with jsm.connect(nats_server.client_url, strict=True) as strict:
        with pytest.raises(jsm.errors.InvalidNameError, match="strict"):
            await strict.streams.add(jsm.StreamConfig(name="C:D", subjects=["risky.c"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        await js.streams.add(jsm.StreamConfig(name="PLAIN", subjects=["risky.plain"]))
        assert (await js.streams.get("A:B")).name == "A:B"  # looking up does not warn again
        await js.streams.delete("A:B")


async def test_features_newer_than_the_server_fail_before_the_wire(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.account_info()
    assert js.api.api_level is not None and js.api.api_level >= 1
    js.api.api_level = 0  # pretend the server predates per-message TTLs (ADR-44)
    with pytest.raises(jsm.errors.UnsupportedApiLevelError, match="level 1"):
        await js.streams.add(
            jsm.StreamConfig(name=unique_name, subjects=["ttl.>"], allow_msg_ttl=True)
        )
    await _assert_nothing_created(js)


async def test_unknown_fields_in_stream_json_are_reported(js: jsm.Manager) -> None:
    with pytest.raises(jsm.errors.InvalidOptionError, match="'subject'"):
        jsm.StreamConfig.from_json('{"name":"S","subject":["s.>"]}')
    await _assert_nothing_created(js)


async def test_subject_overlap_is_the_servers_typed_error(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=["overlap.>"]))
    with pytest.raises(errors.StreamSubjectOverlapError):
        await js.streams.add(jsm.StreamConfig(name=unique_name + "_2", subjects=["overlap.a"]))


async def test_list_and_names_page_through_300_streams(js: jsm.Manager) -> None:
    names = [f"P{index:03d}" for index in range(300)]
    for name in names:
        subject = "paged.even" if int(name[1:]) % 2 == 0 else "paged.odd"
        await js.streams.add(jsm.StreamConfig(name=name, subjects=[f"{subject}.{name}"]))
    assert sorted(await js.streams.names().collect()) == names
    first_page = await js.streams.list()
    assert 0 < len(first_page) < 300  # STREAM.LIST pages by 256; iteration crosses pages
    infos = await js.streams.list().collect()
    assert sorted(info.config.name for info in infos) == names
    even = await js.streams.names(subject="paged.even.>").collect()
    assert sorted(even) == names[::2]
    odd = [info.config.name async for info in js.streams.list(subject="paged.odd.*")]
    assert sorted(odd) == names[1::2]


risky_fields = st.fixed_dictionaries(
    {},
    optional={
        "discard": st.sampled_from(["old", "new"]),
        "discard_new_per_subject": st.booleans(),
        "max_msgs_per_subject": st.sampled_from([-1, 0, 3]),
        "retention": st.sampled_from(["limits", "interest", "workqueue"]),
        "storage": st.sampled_from(["file", "memory"]),
        "persist_mode": st.sampled_from(["default", "async"]),
        "allow_msg_counter": st.booleans(),
        "allow_msg_ttl": st.booleans(),
        "allow_msg_schedules": st.booleans(),
        "allow_atomic": st.booleans(),
        "deny_purge": st.booleans(),
        "allow_rollup_hdrs": st.booleans(),
        "subject_delete_marker_ttl": st.sampled_from([0, 500_000_000, 2_000_000_000]),
        "max_age": st.sampled_from([0, 50_000_000, 1_000_000_000, 3_600_000_000_000]),
        "duplicate_window": st.sampled_from([0, 10_000_000, 2_000_000_000, 7_200_000_000_000]),
        "mirror_direct": st.booleans(),
    },
)


async def _local_and_server_verdicts(url: str, fields: dict[str, object]) -> tuple[str, str]:
    name = f"D_{uuid.uuid4().hex[:10]}"
    text = json.dumps({"name": name, "subjects": [f"{name.lower()}.>"]} | fields)
    cfg = jsm.StreamConfig.from_json(text)
    try:
        check_stream_config(cfg)
        local = ""
    except jsm.errors.InvalidOptionError as err:
        local = str(err)
    async with jsm.connect(url) as js:
        reply = await js.nc.request(f"$JS.API.STREAM.CREATE.{name}", text.encode(), timeout=5)
        server = json.loads(reply.data).get("error", {}).get("description", "")
        if not server:
            await js.streams.delete(name)
    return local, server


@given(fields=risky_fields)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_local_checks_refuse_only_what_the_server_refuses(
    nats_server: NatsServer, fields: dict[str, object]
) -> None:
    local, server = asyncio.run(_local_and_server_verdicts(nats_server.client_url, fields))
    assert not local or server, f"refused locally ({local}) but the server accepts {fields}"
