"""Stream lifecycle on a real server: add (idempotent), get, info, update, edit, seal, copy, delete."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

import jsm
from jsm import errors
from jsm.models import StreamInfoResponse
from jsm.models.stream import go_json_escape


def config(name: str, **fields: object) -> jsm.StreamConfig:
    return jsm.StreamConfig.model_validate({"name": name, "subjects": [f"{name}.>"]} | fields)


async def put(js: jsm.Manager, subject: str, data: bytes = b"x") -> None:
    reply = await js.nc.request(subject, data, timeout=5)
    assert b'"seq"' in reply.data, reply.data


async def test_add_returns_a_handle_with_the_servers_config(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await js.streams.add(config(unique_name, max_age=timedelta(days=7)))
    assert stream.name == unique_name
    info = stream.cached_info
    assert info.config.max_age == timedelta(days=7)
    assert info.config.duplicate_window == timedelta(minutes=2)  # the server's default
    assert info.state.messages == 0
    assert repr(stream) == f"<jsm.Stream {unique_name!r}>"


async def test_adding_the_same_config_twice_is_idempotent(
    js: jsm.Manager, unique_name: str
) -> None:
    first = await js.streams.add(config(unique_name))
    await put(js, f"{unique_name}.a")
    again = await js.streams.add(config(unique_name))
    assert again.cached_info.created == first.cached_info.created
    assert again.cached_info.state.messages == 1


async def test_adding_a_different_config_under_a_used_name_fails(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.streams.add(config(unique_name))
    with pytest.raises(errors.StreamNameExistError) as caught:
        await js.streams.add(config(unique_name, max_msgs=10))
    assert caught.value.err_code == 10058
    assert unique_name in str(caught.value)
    assert (await js.streams.info(unique_name)).config.max_msgs == -1


async def test_get_and_info_of_a_missing_stream_raise_not_found(js: jsm.Manager) -> None:
    with pytest.raises(errors.StreamNotFoundError, match="NOPE"):
        await js.streams.get("NOPE")
    with pytest.raises(errors.StreamNotFoundError):
        await js.streams.info("NOPE")
    with pytest.raises(errors.StreamNotFoundError):
        await js.streams.delete("NOPE")


async def test_info_refreshes_and_cached_info_does_no_io(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(config(unique_name))
    await put(js, f"{unique_name}.a")
    assert stream.cached_info.state.messages == 0
    info = await stream.info()
    assert info.state.messages == 1
    assert stream.cached_info is info


async def test_info_with_deleted_details_and_subject_counts(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await js.streams.add(config(unique_name))
    for index in range(6):
        await put(js, f"{unique_name}.{index % 3}")
    await stream.delete_message(2, erase=False)
    info = await stream.info(deleted_details=True, subjects_filter=">")
    assert info.state.deleted == [2]
    assert info.state.num_deleted == 1
    assert info.state.subjects == {
        f"{unique_name}.0": 2,
        f"{unique_name}.1": 1,
        f"{unique_name}.2": 2,
    }
    only = await js.streams.info(unique_name, subjects_filter=f"{unique_name}.0")
    assert only.state.subjects == {f"{unique_name}.0": 2}


async def test_update_replaces_the_config(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(config(unique_name))
    current = (await stream.info()).config
    updated = await js.streams.update(current.with_changes(max_msgs=100, description="d"))
    assert updated.cached_info.config.max_msgs == 100
    assert (
        await stream.update(current.with_changes(max_bytes=1 << 20))
    ).config.max_bytes == 1 << 20
    with pytest.raises(errors.StreamInvalidConfigError, match="storage"):
        await stream.update(current.with_changes(storage=jsm.StorageType.MEMORY))


async def test_edit_changes_one_field_and_keeps_the_rest(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(config(unique_name, description="keep me"))
    await stream.edit(max_age=timedelta(hours=2))
    info = await stream.info()
    assert info.config.max_age == timedelta(hours=2)
    assert info.config.description == "keep me"
    with pytest.raises(jsm.errors.InvalidOptionError, match="max_agee"):
        await stream.edit(max_agee=timedelta(hours=1))
    with pytest.raises(jsm.errors.InvalidOptionError, match="max_age"):
        await stream.edit(max_age=3600)
    with pytest.raises(jsm.errors.InvalidOptionError, match="rename"):
        await stream.edit(name="OTHER")


async def test_seal_stops_writes_and_deletes(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(config(unique_name))
    await put(js, f"{unique_name}.a")
    await stream.seal()
    assert stream.cached_info.config.sealed
    reply = await js.nc.request(f"{unique_name}.a", b"late", timeout=5)
    assert b"sealed" in reply.data
    with pytest.raises(errors.ApiError):
        await stream.delete_message(1)


async def test_copy_makes_an_empty_stream_with_overrides(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(
        config(unique_name, max_msgs=50, metadata={"team": "orders"}, description="<orig>")
    )
    await put(js, f"{unique_name}.a")
    copy = await stream.copy(f"{unique_name}_C", subjects=[f"{unique_name}_C.>"])
    info = await copy.info()
    assert info.config.name == f"{unique_name}_C"
    assert info.config.max_msgs == 50 and info.config.description == "<orig>"
    assert info.config.metadata is not None and info.config.metadata["team"] == "orders"
    assert info.state.messages == 0
    with pytest.raises(jsm.errors.InvalidOptionError, match="subjectz"):
        await stream.copy(f"{unique_name}_D", subjectz=["x"])


async def test_delete_removes_the_stream(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(config(unique_name))
    await stream.delete()
    with pytest.raises(errors.StreamNotFoundError):
        await stream.info()


async def test_config_read_back_is_the_servers_json_byte_for_byte(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.streams.add(
        config(
            unique_name,
            description="a <b> & c",
            max_age=timedelta(hours=3),
            allow_direct=True,
            compression=jsm.StoreCompression.S2,
            republish=jsm.RePublish(src=f"{unique_name}.>", dest=f"rp.{unique_name}.>"),
            metadata={"z": "1", "a": "<2>"},
        )
    )
    raw = await js.nc.request(f"$JS.API.STREAM.INFO.{unique_name}", b"", timeout=5)
    server_config = json.loads(raw.data)["config"]
    expected = go_json_escape(json.dumps(server_config, separators=(",", ":"), ensure_ascii=False))
    parsed = StreamInfoResponse.from_wire(raw.data)
    assert parsed.config.to_json() == expected
    assert f'"config":{expected}'.encode() in raw.data


async def test_a_nanosecond_start_time_survives_the_round_trip(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    text = (
        f'{{"name":"{unique_name}_M","mirror":{{"name":"{unique_name}",'
        '"opt_start_time":"2025-06-01T12:00:00.123456789Z"}}'
    )
    mirror = await js.streams.add(jsm.StreamConfig.from_json(text))
    raw = await js.nc.request(f"$JS.API.STREAM.INFO.{mirror.name}", b"", timeout=5)
    assert b'"opt_start_time":"2025-06-01T12:00:00.123456789Z"' in raw.data
    assert f'"config":{mirror.config.to_json()}'.encode() in raw.data


async def test_add_or_update_creates_then_updates(js: jsm.Manager, unique_name: str) -> None:
    created = await js.streams.add_or_update(config(unique_name))
    assert created.config.max_msgs == -1
    updated = await js.streams.add_or_update(config(unique_name, max_msgs=7))
    assert updated.config.max_msgs == 7
    assert updated.cached_info.created == created.cached_info.created


async def test_name_by_subject_finds_the_capturing_stream(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.streams.add(config(unique_name))
    assert await js.streams.name_by_subject(f"{unique_name}.x.y") == unique_name
    with pytest.raises(errors.NoStreamError, match=r"nobody\.home"):
        await js.streams.name_by_subject("nobody.home")
    with pytest.raises(errors.InvalidNameError):
        await js.streams.name_by_subject(f"{unique_name}.>")
