"""``jsm kv`` and ``jsm object``: each command's effect checked through the library."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from pathlib import Path

    import jsm
    from tests.cli.conftest import Cli


async def test_kv_workflow(cli: Cli, js: jsm.Manager) -> None:
    await cli.ok(
        "kv", "add", "CONFIG", "--history", "5", "--ttl", "1h", "--description", "settings"
    )
    status = await js.kv.status("CONFIG")
    assert (status.history, status.ttl.total_seconds()) == (5, 3600)

    assert (await cli.ok("kv", "put", "CONFIG", "app.color", "blue")).out.strip() == "blue"
    kv = await js.kv.get("CONFIG")
    assert (await kv.get("app.color")).value == b"blue"
    await cli.ok("kv", "put", "CONFIG", "app.color", "green")
    got = await cli.ok("kv", "get", "CONFIG", "app.color")
    assert "CONFIG > app.color revision: 2" in got.out and "green" in got.out
    assert (await cli.ok("kv", "get", "CONFIG", "app.color", "--raw")).out == "green"

    await cli.ok("kv", "create", "CONFIG", "app.size", "XL")
    assert "already exists" in (await cli.fails("kv", "create", "CONFIG", "app.size", "S")).err
    revision = (await kv.get("app.size")).revision
    await cli.ok("kv", "update", "CONFIG", "app.size", "L", str(revision))
    assert (await kv.get("app.size")).value == b"L"
    await cli.fails("kv", "update", "CONFIG", "app.size", "M", str(revision))

    history = json.loads((await cli.ok("kv", "history", "CONFIG", "app.color", "-j")).out)
    assert [h["value"] for h in history] == ["blue", "green"]
    assert sorted(json.loads((await cli.ok("kv", "ls", "CONFIG", "-j")).out)) == [
        "app.color",
        "app.size",
    ]
    assert json.loads((await cli.ok("kv", "ls", "-j")).out) == ["CONFIG"]
    assert "History Kept" in (await cli.ok("kv", "status", "CONFIG")).out

    await cli.ok("kv", "del", "CONFIG", "app.size", "-f")
    await cli.ok("kv", "purge", "CONFIG", "app.color", "-f")
    assert await kv.keys() == []
    assert "CONFIG > app.size" not in (await cli.fails("kv", "get", "CONFIG", "app.size")).out

    await cli.ok("kv", "rm", "CONFIG", "-f")
    assert await js.kv.names().collect() == []


async def test_kv_watch_prints_changes(cli: Cli, js: jsm.Manager) -> None:
    await cli.ok("kv", "add", "WATCHED")
    kv = await js.kv.get("WATCHED")
    await kv.put("a", b"1")
    async with anyio.create_task_group() as group:
        result: list[str] = []

        async def watch() -> None:
            result.append((await cli.ok("kv", "watch", "WATCHED", "--count", "2")).out)

        group.start_soon(watch)
        with anyio.fail_after(60):
            while not result:
                await kv.put("b", b"2")  # until the watcher has seen a change after "a"
                await anyio.sleep(0.3)
    assert "WATCHED > a: 1" in result[0] and "WATCHED > b: 2" in result[0]


async def test_object_workflow(cli: Cli, js: jsm.Manager, tmp_path: Path) -> None:
    source = tmp_path / "report.bin"
    data = os.urandom(600 * 1024)  # several chunks
    await anyio.Path(source).write_bytes(data)

    await cli.ok("obj", "add", "FILES", "--description", "reports")
    assert (await js.objects.status("FILES")).description == "reports"
    put = json.loads((await cli.ok("obj", "put", "FILES", str(source), "-j")).out)
    assert (put["name"], put["size"]) == ("report.bin", len(data))
    store = await js.objects.get("FILES")
    assert await store.get_bytes("report.bin") == data

    copy = tmp_path / "copy.bin"
    await cli.ok("obj", "get", "FILES", "report.bin", "-O", str(copy))
    assert await anyio.Path(copy).read_bytes() == data
    assert not await anyio.Path(f"{copy}.part").exists()

    await cli.ok("obj", "link", "FILES", "latest", "report.bin")
    assert await store.get_bytes("latest") == data
    listed = json.loads((await cli.ok("obj", "ls", "FILES", "-j")).out)
    assert sorted(i["name"] for i in listed) == ["latest", "report.bin"]
    assert "Digest" in (await cli.ok("obj", "info", "FILES", "report.bin")).out

    await cli.ok("obj", "rm", "FILES", "latest", "-f")
    assert [i.name async for i in store.list()] == ["report.bin"]
    await cli.ok("obj", "seal", "FILES", "-f")
    assert (await js.objects.status("FILES")).sealed
    await cli.fails("obj", "put", "FILES", str(source), "--name", "again")
    await cli.ok("obj", "rm", "FILES", "-f")
    assert [n async for n in js.objects.names()] == []


async def test_object_get_of_a_missing_object_writes_no_file(
    cli: Cli, js: jsm.Manager, tmp_path: Path
) -> None:
    await cli.ok("obj", "add", "EMPTY")
    target = tmp_path / "missing.bin"
    await cli.fails("obj", "get", "EMPTY", "missing.bin", "-O", str(target))
    assert not await anyio.Path(target).exists()
    assert not await anyio.Path(f"{target}.part").exists()
