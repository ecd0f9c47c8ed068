"""Stream backup and restore: streamed to disk with bounded memory, consumers kept, names guarded."""

from __future__ import annotations

import io
import logging
import os
import re
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from jsm.models import ReplyModel

if TYPE_CHECKING:
    from pathlib import Path

logger = logging.getLogger(__name__)

MB = 1024 * 1024


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        text = status.read()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    assert match is not None, field
    return int(match.group(1))


def _reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # Linux: reset VmHWM to the current RSS


async def _fill(js: jsm.Manager, subject: str, total: int, size: int) -> int:
    count = total // size
    for index in range(count):
        await js.nc.publish(f"{subject}.{index % 10}", os.urandom(size))
        if index % 64 == 63:
            await js.nc.flush()
    await js.nc.flush()
    return count


async def _wait_for(stream: jsm.Stream, count: int) -> None:
    with anyio.fail_after(30):
        while True:
            if (await stream.info()).state.messages >= count:
                return
            await anyio.sleep(0.05)


async def _add_durable(js: jsm.Manager, stream: str, name: str) -> None:
    body: dict[str, object] = {
        "stream_name": stream,
        "config": {"durable_name": name, "ack_policy": "explicit"},
    }
    await js.api.request(f"CONSUMER.CREATE.{stream}.{name}", body, ReplyModel)


async def test_snapshot_and_restore_of_50mb_stay_within_64mb_of_memory(
    js: jsm.Manager, unique_name: str, tmp_path: Path
) -> None:
    stream = await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    count = await _fill(js, unique_name, 50 * MB, 64 * 1024)
    await _wait_for(stream, count)
    await _add_durable(js, unique_name, "worker")
    original = await stream.get_message(count // 2)

    _reset_peak_rss()
    baseline = _status_kb("VmRSS")
    reports: list[jsm.SnapshotProgress] = []
    result = await stream.snapshot(tmp_path, progress=reports.append, timeout=30)
    assert result.path is not None
    restored = await js.streams.restore(
        result.path, name=f"{unique_name}_R", subjects=[f"{unique_name}_R.>"], timeout=30
    )
    growth_mb = (_status_kb("VmHWM") - baseline) / 1024
    logger.warning("snapshot+restore of %d MB: peak RSS grew by %.1f MB", 50, growth_mb)

    assert growth_mb < 64, f"peak RSS grew by {growth_mb:.1f} MB"
    assert result.path == tmp_path / f"{unique_name}.snapshot"
    assert result.size > 50 * MB * 0.9 and result.chunks > 100
    assert result.state.messages == count
    assert reports[-1].is_done and reports[-1].bytes_done == result.size
    info = await restored.info()
    assert info.state.messages == count
    assert info.state.consumer_count == 1  # consumers travel with the snapshot
    copy = await restored.get_message(count // 2)
    assert (copy.subject, copy.data) == (original.subject, original.data)


async def test_restore_onto_an_existing_name_fails_before_sending_data(
    js: jsm.Manager, unique_name: str, tmp_path: Path
) -> None:
    stream = await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    await js.nc.request(f"{unique_name}.a", b"1", timeout=5)
    result = await stream.snapshot(tmp_path / "backup.snap")
    reports: list[jsm.SnapshotProgress] = []
    with pytest.raises(errors.StreamNameExistRestoreFailedError, match=unique_name):
        await js.streams.restore(tmp_path / "backup.snap", progress=reports.append)
    assert reports == []  # no chunk moved
    assert result.path is not None
    await stream.delete()
    again = await js.streams.restore(result.path)
    assert (await again.info()).state.messages == 1


async def test_memory_stream_round_trips_through_a_file_object(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await js.streams.add(
        jsm.StreamConfig(
            name=unique_name, subjects=[f"{unique_name}.>"], storage=jsm.StorageType.MEMORY
        )
    )
    for index in range(20):
        await js.nc.request(f"{unique_name}.{index}", f"m{index}".encode(), timeout=5)
    buffer = io.BytesIO()
    result = await stream.snapshot(buffer, no_consumers=True, chunk_size=4096)
    assert result.path is None and result.config.storage == jsm.StorageType.MEMORY
    buffer.seek(0)
    restored = await js.streams.restore(buffer, name=f"{unique_name}_R", subjects=["mem.r.>"])
    info = await restored.info()
    assert info.config.storage == jsm.StorageType.MEMORY
    assert info.state.messages == 20
    assert (await restored.get_message(20)).data == b"m19"


async def test_restore_rejects_files_that_are_not_snapshots(
    js: jsm.Manager, tmp_path: Path
) -> None:
    bogus = tmp_path / "bogus.snap"
    bogus.write_bytes(b"not a snapshot at all")
    with pytest.raises(errors.InvalidOptionError, match="not a jsm stream snapshot"):
        await js.streams.restore(bogus)
    assert await js.streams.names().collect() == []


async def test_snapshot_options_are_checked(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    with pytest.raises(errors.InvalidOptionError, match="chunk_size"):
        await stream.snapshot(io.BytesIO(), chunk_size=10)
    with pytest.raises(errors.InvalidOptionError, match="destination"):
        await stream.snapshot(object())  # type: ignore[arg-type]  # the error under test


async def test_a_failed_snapshot_leaves_no_file(
    js: jsm.Manager, unique_name: str, tmp_path: Path
) -> None:
    target = tmp_path / "missing.snapshot"
    stream = jsm.Stream(js, await _deleted_stream_info(js, unique_name))
    with pytest.raises(errors.StreamNotFoundError):
        await stream.snapshot(target)
    assert not target.exists()


async def _deleted_stream_info(js: jsm.Manager, name: str) -> jsm.StreamInfo:
    """Info of a stream that is deleted right after, so the handle points at nothing."""
    made = await js.streams.add(jsm.StreamConfig(name=name, subjects=[f"{name}.>"]))
    await made.delete()
    return made.cached_info


async def test_unreadable_and_unwritable_paths_are_invalid_options(
    js: jsm.Manager, unique_name: str, tmp_path: Path
) -> None:
    with pytest.raises(errors.InvalidOptionError, match="cannot read"):
        await js.streams.restore(tmp_path / "absent.snapshot")
    stream = await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    with pytest.raises(errors.InvalidOptionError, match="cannot write"):
        await stream.snapshot(tmp_path / "no" / "such" / "dir" / "x.snapshot")
