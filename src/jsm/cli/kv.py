"""``jsm kv``: Key-Value buckets and their keys, over ``js.kv`` and :class:`jsm.KeyValue`."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from jsm.cli import _output as out
from jsm.cli._app import command, confirm, new_group, run
from jsm.cli._errors import CliError
from jsm.cli._params import Force, Json, Names
from jsm.cli._stream_config import duration, size

if TYPE_CHECKING:
    import jsm

app = new_group(
    "Interacts with a JetStream based Key-Value store",
    examples=(
        "  jsm kv add CONFIG --history 5\n\n"
        "  jsm kv put CONFIG app.color blue\n\n"
        "  jsm kv get CONFIG app.color"
    ),
)

Bucket = Annotated[str, typer.Argument(help="Bucket name")]
Key = Annotated[str, typer.Argument(help="Key")]


def _value(value: str | None) -> bytes:
    if value is not None:
        return value.encode()
    if sys.stdin is not None and not sys.stdin.isatty():
        return sys.stdin.buffer.read()
    raise CliError("give a value, or pipe one on standard input")


def _status(status: jsm.KeyValueStatus, json_: bool) -> None:
    if json_:
        out.print_json(status.stream_info)
        return
    config = status.stream_info.config
    out.fields(
        f"Information for Key-Value Store Bucket {status.bucket} created {out.cell(status.created)}",
        [
            ("Description", config.description),
            ("Bucket Name", status.bucket),
            ("History Kept", status.history),
            ("Values Stored", status.values),
            ("Compressed", status.is_compressed),
            ("Backing Store Kind", "JetStream"),
            ("JetStream Stream", status.stream_info.config.name),
            ("Maximum Age", out.duration(status.ttl) if status.ttl else "unlimited"),
            ("Limit Marker TTL", status.limit_marker_ttl),
            ("Maximum Bucket Size", out.size(config.max_bytes)),
            ("Maximum Value Size", out.size(config.max_msg_size)),
            ("Storage", config.storage),
            ("Replicas", config.num_replicas),
            ("Bytes Stored", out.size(status.bytes)),
        ],
    )


@command(app, "add", "new")
def add(
    ctx: typer.Context,
    bucket: Bucket,
    history: Annotated[int, typer.Option(help="How many values to keep per key")] = 1,
    ttl: Annotated[str | None, typer.Option(help="How long values are kept")] = None,
    replicas: Annotated[int, typer.Option(help="How many replicas")] = 1,
    max_value_size: Annotated[str | None, typer.Option(help="Largest value")] = None,
    max_bucket_size: Annotated[str | None, typer.Option(help="Largest bucket size")] = None,
    storage: Annotated[str, typer.Option(help="Storage backend (file, memory)")] = "file",
    description: Annotated[str | None, typer.Option(help="A description")] = None,
    compress: Annotated[bool, typer.Option("--compress", help="Compress the data")] = False,
    marker_ttl: Annotated[
        str | None, typer.Option(help="How long the markers of expired keys stay")
    ] = None,
    json_: Json = False,
) -> None:
    """Create a bucket."""
    if storage not in ("file", "memory"):
        raise CliError("--storage: file or memory")

    async def body(js: jsm.Manager) -> None:
        import jsm as lib

        config = lib.KeyValueConfig(
            bucket=bucket,
            description=description,
            history=history,
            ttl=duration(ttl, "--ttl") if ttl else timedelta(0),
            replicas=replicas,
            max_value_size=size(max_value_size, "--max-value-size") if max_value_size else -1,
            max_bytes=size(max_bucket_size, "--max-bucket-size") if max_bucket_size else -1,
            storage=lib.StorageType(storage),
            compression=compress,
            limit_marker_ttl=duration(marker_ttl, "--marker-ttl") if marker_ttl else None,
        )
        created = await js.kv.create(config)
        _status(await created.status(), json_)

    run(ctx, body)


@command(app, "put")
def put(
    ctx: typer.Context,
    bucket: Bucket,
    key: Key,
    value: Annotated[str | None, typer.Argument()] = None,
) -> None:
    """Store a value (from the argument or standard input) and print it."""
    _store(ctx, bucket, key, _value(value), only_new=False)


@command(app, "create")
def create(
    ctx: typer.Context,
    bucket: Bucket,
    key: Key,
    value: Annotated[str | None, typer.Argument()] = None,
) -> None:
    """Store a value only if the key has none."""
    _store(ctx, bucket, key, _value(value), only_new=True)


def _store(ctx: typer.Context, bucket: str, key: str, data: bytes, *, only_new: bool) -> None:
    """``put`` (or ``create`` when ``only_new``) the value, then print it."""

    async def body(js: jsm.Manager) -> None:
        kv = await js.kv.get(bucket)
        await (kv.create(key, data) if only_new else kv.put(key, data))
        out.line(data.decode("utf-8", errors="replace"))

    run(ctx, body)


@command(app, "update")
def update(
    ctx: typer.Context,
    bucket: Bucket,
    key: Key,
    value: Annotated[str, typer.Argument()],
    revision: Annotated[int, typer.Argument(help="The revision the key must be at")],
) -> None:
    """Store a value only if the key is still at REVISION."""

    async def body(js: jsm.Manager) -> None:
        await (await js.kv.get(bucket)).update(key, value.encode(), revision)
        out.line(value)

    run(ctx, body)


@command(app, "get")
def get(
    ctx: typer.Context,
    bucket: Bucket,
    key: Key,
    raw: Annotated[bool, typer.Option("--raw", help="Show only the value")] = False,
    revision: Annotated[int | None, typer.Option(help="The value at this revision")] = None,
    json_: Json = False,
) -> None:
    """Show a key's value."""

    async def body(js: jsm.Manager) -> None:
        entry = await (await js.kv.get(bucket)).get(key, revision=revision)
        if json_:
            out.print_json(_entry_json(entry))
        elif raw:
            sys.stdout.write(entry.value.decode("utf-8", errors="replace"))
            sys.stdout.flush()
        else:
            out.line(
                f"{bucket} > {key} revision: {entry.revision} created @ {out.cell(entry.created)}"
            )
            out.line()
            out.line(entry.value.decode("utf-8", errors="replace"))

    run(ctx, body)


def _entry_json(entry: jsm.KeyValueEntry) -> dict[str, object]:
    return {
        "bucket": entry.bucket,
        "key": entry.key,
        "value": entry.value.decode("utf-8", errors="replace"),
        "revision": entry.revision,
        "created": entry.created.isoformat(),
        "delta": entry.delta,
        "operation": str(entry.operation),
    }


@command(app, "del", "rm-key")
def delete(ctx: typer.Context, bucket: Bucket, key: Key, force: Force = False) -> None:
    """Delete a key (its history stays until purged)."""

    async def body(js: jsm.Manager) -> None:
        kv = await js.kv.get(bucket)
        if confirm(f"Delete key {bucket} > {key}", force=force):
            await kv.delete(key)

    run(ctx, body)


@command(app, "purge")
def purge(ctx: typer.Context, bucket: Bucket, key: Key, force: Force = False) -> None:
    """Delete a key and its history."""

    async def body(js: jsm.Manager) -> None:
        kv = await js.kv.get(bucket)
        if confirm(f"Purge key {bucket} > {key}", force=force):
            await kv.purge(key)

    run(ctx, body)


@command(app, "history")
def history(ctx: typer.Context, bucket: Bucket, key: Key, json_: Json = False) -> None:
    """Show every value a key kept, oldest first."""

    async def body(js: jsm.Manager) -> None:
        entries = await (await js.kv.get(bucket)).history(key)
        if json_:
            out.print_json([_entry_json(e) for e in entries])
            return
        out.table(
            f"History for {bucket} > {key}",
            ["Key", "Revision", "Op", "Created", "Length", "Value"],
            [
                (
                    e.key,
                    e.revision,
                    e.operation,
                    e.created,
                    len(e.value),
                    e.value.decode("utf-8", errors="replace")[:40],
                )
                for e in entries
            ],
        )

    run(ctx, body)


@command(app, "watch")
def watch(
    ctx: typer.Context,
    bucket: Bucket,
    key: Annotated[str, typer.Argument(help="Keys to watch (wildcards allowed)")] = ">",
    count: Annotated[int, typer.Option(help="Stop after this many updates (0: never)")] = 0,
) -> None:
    """Print a bucket's values as they change, until Ctrl-C or --count."""

    async def body(js: jsm.Manager) -> None:
        seen = 0
        async with (await js.kv.get(bucket)).watch(key) as updates:
            async for entry in updates:
                if entry is None:  # the initial values are all delivered
                    continue
                op = "" if str(entry.operation) == "PUT" else f" {entry.operation}"
                out.line(
                    f"[{out.cell(entry.created)}]{op} {bucket} > {entry.key}: "
                    f"{entry.value.decode('utf-8', errors='replace')}"
                )
                sys.stdout.flush()
                seen += 1
                if count and seen >= count:
                    return

    run(ctx, body)


@command(app, "ls", "list")
def ls(
    ctx: typer.Context,
    bucket: Annotated[str | None, typer.Argument(help="List this bucket's keys")] = None,
    names: Names = False,
    json_: Json = False,
) -> None:
    """List the buckets, or a bucket's keys."""

    async def body(js: jsm.Manager) -> None:
        if bucket is not None:
            out.names(sorted(await (await js.kv.get(bucket)).keys()), json_=json_)
            return
        statuses = sorted(await js.kv.list().collect(), key=lambda s: s.bucket)
        if json_ or names:
            out.names([s.bucket for s in statuses], json_=json_)
            return
        if not statuses:
            out.line("No Key-Value buckets found")
            return
        out.table(
            "Key-Value Buckets",
            ["Bucket", "Description", "Created", "Size", "Values", "Last Update"],
            [
                (
                    s.bucket,
                    s.stream_info.config.description,
                    s.created,
                    out.size(s.bytes),
                    s.values,
                    s.stream_info.state.last_ts,
                )
                for s in statuses
            ],
        )

    run(ctx, body)


@command(app, "info", "status")
def info(ctx: typer.Context, bucket: Bucket, json_: Json = False) -> None:
    """Show a bucket's configuration and state."""

    async def body(js: jsm.Manager) -> None:
        _status(await js.kv.status(bucket), json_)

    run(ctx, body)


@command(app, "rm")
def rm(ctx: typer.Context, bucket: Bucket, force: Force = False) -> None:
    """Remove a bucket with all its keys."""

    async def body(js: jsm.Manager) -> None:
        await js.kv.status(bucket)
        if confirm(f"Really delete Key-Value bucket {bucket}", force=force):
            await js.kv.delete(bucket)

    run(ctx, body)
