"""Snapshots and restores cut by kill -9 of their server fail at once, leaving nothing.

A snapshot's chunks and a restore's acknowledgements travel on the connection; once it is
lost, the server's side of the transfer is gone with it, so waiting for the next chunk
or ack until the timeout would only delay the failure. Here the timeout is five minutes:
a transfer that waited for it would trip the test's guard. Each fails with
``JsmConnectionError`` naming the transfer, the partial snapshot file is removed, and no
half-restored stream is left; tried again once the server is back, both succeed.
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from tests.faults.harness import eventually
from tests.faults.workloads import read_numbers

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from jsm.testing import NatsServer

COUNT = 1000
TIMEOUT = 300.0
GUARD = 60.0
"""Seconds the cut transfer may take to fail: far below its timeout."""


def connect(server: NatsServer) -> jsm.connect:
    return jsm.connect(server.client_url, max_reconnect_attempts=-1, reconnect_time_wait=1)


async def filled_stream(js: jsm.Manager, name: str) -> jsm.Stream:
    """A file stream of 8 MiB: more than the server sends ahead of the acks (4 MiB)."""
    stream = await js.streams.add(
        jsm.StreamConfig(name=name, subjects=[f"{name}.>"], storage=jsm.StorageType.FILE)
    )
    async with js.publisher() as pub:
        for number in range(COUNT):
            # Random bytes after the number: snapshots are compressed.
            await pub.publish(f"{name}.m", b"%d " % number + os.urandom(8 * 1024))
    return stream


def crash_at(chunk: int, server: NatsServer) -> Callable[[jsm.SnapshotProgress], None]:
    """A progress callback that kills ``server`` once ``chunk`` chunks have moved."""

    def progress(report: jsm.SnapshotProgress) -> None:
        if report.chunks_done == chunk:
            server.kill()

    return progress


async def restart(js: jsm.Manager, server: NatsServer) -> None:
    await anyio.to_thread.run_sync(server.start)

    async def answers() -> bool:
        await js.account_info()
        return True

    await eventually(answers, within=60, what="the restarted server to answer")


async def test_snapshot_cut_by_a_crash_fails_at_once_and_leaves_no_file(
    nats_server_fresh: NatsServer, unique_name: str, tmp_path: Path
) -> None:
    target = tmp_path / "cut.snapshot"
    async with connect(nats_server_fresh) as js:
        stream = await filled_stream(js, unique_name)
        with anyio.fail_after(GUARD), pytest.raises(errors.JsmConnectionError) as caught:
            await stream.snapshot(
                target,
                chunk_size=64 * 1024,
                timeout=TIMEOUT,
                progress=crash_at(3, nats_server_fresh),
            )
        assert f"snapshot of stream {unique_name!r}" in str(caught.value)
        assert not target.exists()
        await restart(js, nats_server_fresh)
        result = await stream.snapshot(target)
        assert result.size > 0 and target.exists()


async def test_restore_cut_by_a_crash_fails_at_once_and_leaves_no_stream(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    async with connect(nats_server_fresh) as js:
        stream = await filled_stream(js, unique_name)
        saved = io.BytesIO()
        await stream.snapshot(saved)
        await stream.delete()
        with anyio.fail_after(GUARD), pytest.raises(errors.JsmConnectionError) as caught:
            await js.streams.restore(
                io.BytesIO(saved.getvalue()),
                timeout=TIMEOUT,
                progress=crash_at(3, nats_server_fresh),
            )
        assert f"restore of stream {unique_name!r}" in str(caught.value)
        await restart(js, nats_server_fresh)
        assert unique_name not in [name async for name in js.streams.names()]
        await js.streams.restore(io.BytesIO(saved.getvalue()))
        assert sorted(await read_numbers(js, unique_name)) == list(range(COUNT))
