"""``jsm object`` (``obj``): object-store buckets and their objects, over ``js.objects``.

Puts and gets stream the file a chunk at a time (bounded memory) with a progress bar on
a terminal; a get writes ``FILE.part`` and renames it only once the digest checks out.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import anyio
import typer

from jsm.cli import _output as out
from jsm.cli import _progress
from jsm.cli._app import command, confirm, new_group, run
from jsm.cli._errors import CliError
from jsm.cli._params import Force, Json, Names
from jsm.cli._stream_config import duration, size

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    import jsm

app = new_group(
    "Interacts with a JetStream based Object store",
    examples=(
        "  jsm obj add FILES\n\n"
        "  jsm obj put FILES ./report.pdf\n\n"
        "  jsm obj get FILES report.pdf -O /tmp/report.pdf"
    ),
)

Bucket = Annotated[str, typer.Argument(help="Bucket name")]
_CHUNK = 128 * 1024


@command(app, "add", "new")
def add(
    ctx: typer.Context,
    bucket: Bucket,
    ttl: Annotated[str | None, typer.Option(help="How long objects are kept")] = None,
    replicas: Annotated[int, typer.Option(help="How many replicas")] = 1,
    max_bucket_size: Annotated[str | None, typer.Option(help="Largest bucket size")] = None,
    storage: Annotated[str, typer.Option(help="Storage backend (file, memory)")] = "file",
    description: Annotated[str | None, typer.Option(help="A description")] = None,
    compress: Annotated[bool, typer.Option("--compress", help="Compress the data")] = False,
    json_: Json = False,
) -> None:
    """Create a bucket."""
    if storage not in ("file", "memory"):
        raise CliError("--storage: file or memory")
    max_age = duration(ttl, "--ttl") if ttl else timedelta(0)
    limit = size(max_bucket_size, "--max-bucket-size") if max_bucket_size else -1

    async def body(js: jsm.Manager) -> None:
        import jsm as lib

        store = await js.objects.create(
            lib.ObjectStoreConfig(
                bucket=bucket,
                description=description,
                ttl=max_age or None,
                max_bytes=limit,
                storage=lib.StorageType(storage),
                replicas=replicas,
                compression=compress,
            )
        )
        _status(await store.status(), json_)

    run(ctx, body)


def _status(status: jsm.ObjectStoreStatus, json_: bool) -> None:
    if json_:
        out.print_json(status)
        return
    out.fields(
        f"Information for Object Store Bucket {status.bucket}",
        [
            ("Description", status.description),
            ("Replicas", status.replicas),
            ("Storage", status.storage),
            ("TTL", out.duration(status.ttl) if status.ttl else "unlimited"),
            ("Sealed", status.sealed),
            ("Size", out.size(status.size)),
            ("Maximum Size", out.size(status.max_bytes)),
            ("Compressed", status.compressed),
        ],
    )


@command(app, "put")
def put(
    ctx: typer.Context,
    bucket: Bucket,
    file: Annotated[str, typer.Argument(help="The file to store")],
    name: Annotated[
        str | None, typer.Option(help="The object's name (default: the file name)")
    ] = None,
    description: Annotated[str | None, typer.Option(help="A description")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar")] = True,
    json_: Json = False,
) -> None:
    """Store a file as an object (streamed, with a progress bar on a terminal)."""
    path = Path(file)
    if not path.is_file():
        raise CliError(f"no such file {file!r}")
    object_name = name or path.name
    total = path.stat().st_size

    async def body(js: jsm.Manager) -> None:
        import jsm as lib

        store = await js.objects.get(bucket)
        with _progress.bar(f"Storing {object_name}", total=total, enabled=progress) as advance:
            info = await store.put(
                object_name,
                _chunks(path, advance),
                meta=lib.ObjectMeta(name=object_name, description=description),
            )
        _info(info, json_)

    run(ctx, body)


async def _chunks(path: Path, advance: Callable[[int], None]) -> AsyncIterator[bytes]:
    done = 0
    async with await anyio.open_file(path, "rb") as source:
        while chunk := await source.read(_CHUNK):
            done += len(chunk)
            advance(done)
            yield chunk


def _info(info: jsm.ObjectInfo, json_: bool) -> None:
    if json_:
        out.print_json(info)
        return
    out.fields(
        f"Object information for {info.bucket} > {info.name}",
        [
            ("Size", out.size(info.size)),
            ("Modification Time", info.mtime),
            ("Chunks", info.chunks),
            ("Digest", info.digest),
            ("Description", info.description),
            ("Link", _link(info)),
            ("Deleted", info.deleted or None),
            ("Metadata", info.metadata),
        ],
    )


def _link(info: jsm.ObjectInfo) -> str | None:
    link = info.options.link if info.options else None
    if link is None:
        return None
    return f"{link.bucket} > {link.name}" if link.name else f"bucket {link.bucket}"


@command(app, "get")
def get(
    ctx: typer.Context,
    bucket: Bucket,
    name: Annotated[str, typer.Argument(help="The object to read")],
    output: Annotated[
        str | None, typer.Option("-O", "--output", help="The file to write (default: NAME)")
    ] = None,
    force: Force = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar")] = True,
) -> None:
    """Write an object to a file; its digest is checked before the file appears."""
    target = Path(output or os.path.basename(name))
    if target.exists() and not confirm(f"Overwrite {target}", force=force):
        return

    async def body(js: jsm.Manager) -> None:
        store = await js.objects.get(bucket)
        partial = anyio.Path(f"{target}.part")
        try:
            async with store.get(name) as reader, await anyio.open_file(partial, "wb") as sink:
                total = reader.info.size if reader.info else None
                done = 0
                with _progress.bar(f"Reading {name}", total=total, enabled=progress) as advance:
                    async for chunk in reader:  # the last chunk checks the digest
                        await sink.write(chunk)
                        done += len(chunk)
                        advance(done)
            await partial.replace(target)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await partial.unlink(missing_ok=True)
            raise
        out.line(f"Wrote: {out.size(done)} to {target}")

    run(ctx, body)


@command(app, "ls", "list")
def ls(
    ctx: typer.Context,
    bucket: Annotated[str | None, typer.Argument(help="List this bucket's objects")] = None,
    names: Names = False,
    json_: Json = False,
) -> None:
    """List the buckets, or a bucket's objects."""

    async def body(js: jsm.Manager) -> None:
        if bucket is None:
            statuses = sorted([s async for s in js.objects.list()], key=lambda s: s.bucket)
            if json_ or names:
                out.names([s.bucket for s in statuses], json_=json_)
                return
            out.table(
                "Object Store Buckets",
                ["Bucket", "Description", "Size", "Sealed"],
                [(s.bucket, s.description, out.size(s.size), s.sealed) for s in statuses],
            )
            return
        store = await js.objects.get(bucket)
        infos = sorted([i async for i in store.list()], key=lambda i: i.name)
        if json_:
            out.print_json(infos)
        elif names:
            for info in infos:
                out.line(info.name)
        elif not infos:
            out.line(f"No objects in bucket {bucket}")
        else:
            out.table(
                f"Bucket Contents {bucket}",
                ["Name", "Size", "Time"],
                [(i.name, out.size(i.size), i.mtime) for i in infos],
            )

    run(ctx, body)


@command(app, "info")
def info(
    ctx: typer.Context,
    bucket: Bucket,
    name: Annotated[str | None, typer.Argument(help="An object (default: the bucket)")] = None,
    json_: Json = False,
) -> None:
    """Show a bucket's or an object's information."""

    async def body(js: jsm.Manager) -> None:
        if name is None:
            _status(await js.objects.status(bucket), json_)
        else:
            _info(await (await js.objects.get(bucket)).info(name), json_)

    run(ctx, body)


@command(app, "rm", "del")
def rm(
    ctx: typer.Context,
    bucket: Bucket,
    name: Annotated[str | None, typer.Argument(help="An object (default: the bucket)")] = None,
    force: Force = False,
) -> None:
    """Remove an object, or a whole bucket."""

    async def body(js: jsm.Manager) -> None:
        store = await js.objects.get(bucket)
        if name is None:
            if confirm(f"Delete bucket {bucket} and all its objects", force=force):
                await js.objects.delete(bucket)
        elif confirm(f"Delete object {bucket} > {name}", force=force):
            await store.delete(name)

    run(ctx, body)


@command(app, "seal")
def seal(ctx: typer.Context, bucket: Bucket, force: Force = False) -> None:
    """Seal a bucket: no more changes."""

    async def body(js: jsm.Manager) -> None:
        store = await js.objects.get(bucket)
        if confirm(f"Really seal bucket {bucket}, sealed buckets can not be unsealed", force=force):
            _status(await store.seal(), False)

    run(ctx, body)


@command(app, "link")
def link(
    ctx: typer.Context,
    bucket: Bucket,
    name: Annotated[str, typer.Argument(help="The link's name")],
    target: Annotated[str, typer.Argument(help="The object it points to, in the same bucket")],
    json_: Json = False,
) -> None:
    """Store NAME as a link to the object TARGET."""

    async def body(js: jsm.Manager) -> None:
        _info(await (await js.objects.get(bucket)).add_link(name, target), json_)

    run(ctx, body)


@command(app, "watch")
def watch(
    ctx: typer.Context,
    bucket: Bucket,
    count: Annotated[int, typer.Option(help="Stop after this many changes (0: never)")] = 0,
) -> None:
    """Print changes to a bucket's objects until Ctrl-C or --count."""

    async def body(js: jsm.Manager) -> None:
        seen = 0
        async with (await js.objects.get(bucket)).watch(updates_only=True) as updates:
            async for entry in updates:
                if entry is None:
                    continue
                state = "DEL" if entry.deleted else "PUT"
                out.line(
                    f"[{out.cell(entry.mtime)}] {state} {bucket} > {entry.name}: {out.size(entry.size)}"
                )
                seen += 1
                if count and seen >= count:
                    return

    run(ctx, body)
