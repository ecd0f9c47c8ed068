"""``jsm stream`` commands on messages and operations: get, view, rmm, report, backup,
restore and cluster step-down / peer-remove (registered on :mod:`jsm.cli.stream`'s group).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import anyio
import typer

from jsm.cli import _output as out
from jsm.cli import _progress, _show
from jsm.cli._app import add_aliases, command, confirm, new_group, run
from jsm.cli._errors import CliError
from jsm.cli._params import Force, Json, StreamArg
from jsm.cli._stream_config import duration, load_config_file
from jsm.cli.stream import app

if TYPE_CHECKING:
    import jsm


@command(app, "rmm")
def rmm(
    ctx: typer.Context,
    stream: StreamArg,
    seq: Annotated[int, typer.Argument(metavar="ID", help="Sequence of the message to remove")],
    force: Force = False,
    no_erase: Annotated[
        bool, typer.Option("--no-erase", help="Delete without overwriting the data")
    ] = False,
) -> None:
    """Securely remove one message (overwritten on disk unless --no-erase)."""

    async def body(js: jsm.Manager) -> None:
        handle = await js.streams.get(stream)
        if confirm(f"Really remove message {seq} from Stream {stream}", force=force):
            await handle.delete_message(seq, erase=not no_erase)

    run(ctx, body)


@command(app, "get")
def get(
    ctx: typer.Context,
    stream: StreamArg,
    seq: Annotated[int | None, typer.Argument(metavar="ID", help="Message sequence")] = None,
    last_for: Annotated[
        str | None, typer.Option("-S", "--last-for", help="The last message on this subject")
    ] = None,
    json_: Json = False,
) -> None:
    """Show one stored message, by sequence or the last on a subject."""
    if (seq is None) == (last_for is None):
        raise CliError("give a message sequence or --last-for SUBJECT")

    async def body(js: jsm.Manager) -> None:
        handle = await js.streams.get(stream)
        if last_for is not None:
            msg = await handle.get_message(last_by_subject=last_for)
        else:
            msg = await handle.get_message(seq)
        if json_:
            out.print_json(
                {
                    "subject": msg.subject,
                    "seq": msg.seq,
                    "hdrs": msg.headers,
                    "data": msg.data.decode("utf-8", errors="replace"),
                    "time": msg.time.isoformat(),
                }
            )
            return
        out.line(f"Item: {stream}#{msg.seq} received {out.cell(msg.time)} on Subject {msg.subject}")
        out.line()
        _show.message(None, msg.subject, msg.headers, msg.data)

    run(ctx, body)


@command(app, "view")
def view(
    ctx: typer.Context,
    stream: StreamArg,
    size: Annotated[int, typer.Argument(help="Page size (at most 25)")] = 10,
    id_: Annotated[int | None, typer.Option("--id", help="Start at this sequence")] = None,
    since: Annotated[str | None, typer.Option(help="Start this long ago (1h, 2d)")] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Show only the message bodies")] = False,
    subject: Annotated[str | None, typer.Option(help="Only messages on this subject")] = None,
) -> None:
    """Page through a stream's messages (an ordered consumer; asks for more on a terminal)."""
    page = max(1, min(size, 25))
    start_time = datetime.now(UTC) - duration(since, "--since") if since else None

    async def body(js: jsm.Manager) -> None:
        info = await js.streams.info(stream)
        if info.state.messages == 0:
            out.line(f"Stream {stream} is empty")
            return
        consumer = js.ordered_consumer(
            stream,
            filter_subjects=[subject] if subject else None,
            start_seq=id_,
            start_time=start_time,
        )
        shown = 0
        async with consumer as messages:
            async for msg in messages:
                meta = msg.metadata
                if raw:
                    out.line(msg.data.decode("utf-8", errors="replace"))
                else:
                    stamp = datetime.fromtimestamp(meta.timestamp_ns / 1e9, UTC)
                    _show.message(
                        meta.sequence.stream, msg.subject, msg.headers, msg.data, stamp=stamp
                    )
                shown += 1
                if meta.num_pending == 0:
                    break
                if shown % page == 0 and not _next_page():
                    break

    run(ctx, body)


def _next_page() -> bool:
    # Off a terminal nobody can answer: one page, like a single `head`.
    return out.is_tty() and typer.confirm("Next Page?", default=True)


@command(app, "report")
def report(
    ctx: typer.Context,
    subject: Annotated[str | None, typer.Option(help="Only streams with matching subjects")] = None,
    dot: Annotated[
        str | None, typer.Option(help="Write a GraphViz graph of the replication to FILE")
    ] = None,
    json_: Json = False,
    name: Annotated[bool, typer.Option("-n", "--name", help="Sort by stream name")] = False,
    messages: Annotated[bool, typer.Option("-m", "--messages", help="Sort by messages")] = False,
    consumers: Annotated[bool, typer.Option("-o", "--consumers", help="Sort by consumers")] = False,
) -> None:
    """Report on the streams: sizes, consumers, replicas and replication."""

    async def body(js: jsm.Manager) -> None:
        found = await js.report.streams(subject=subject, detailed=True)
        if messages:
            found = found.sorted("messages")
        elif consumers:
            found = found.sorted("consumers")
        if dot is not None:
            await anyio.Path(dot).write_text(found.to_dot(), encoding="utf-8")
            out.line(f"Wrote the replication graph to {dot}")
            return
        if json_:
            out.line(found.to_json(indent=2))
            return
        out.line(found.to_text())

    run(ctx, body)


@command(app, "backup", "snapshot")
def backup(
    ctx: typer.Context,
    stream: StreamArg,
    target: Annotated[str, typer.Argument(help="Directory to write the backup to")],
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar")] = True,
    consumers: Annotated[
        bool, typer.Option("--consumers/--no-consumers", help="Back up the consumers too")
    ] = True,
) -> None:
    """Back a stream up into a directory (a streamed snapshot)."""
    directory = Path(target)

    async def body(js: jsm.Manager) -> None:
        handle = await js.streams.get(stream)
        await anyio.Path(directory).mkdir(parents=True, exist_ok=True)  # once the stream is known
        expected = handle.cached_info.state.bytes or None
        with _progress.bar(f"Backing up {stream}", total=expected, enabled=progress) as advance:
            result = await handle.snapshot(
                directory, no_consumers=not consumers, progress=lambda p: advance(p.bytes_done)
            )
        out.line(
            f"Received {out.size(result.size)} in {result.chunks:,} chunks for stream {stream} "
            f"to {result.path}"
        )

    run(ctx, body)


@command(app, "restore")
def restore(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="DIR", help="The backup directory (or file)")],
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar")] = True,
    config: Annotated[str | None, typer.Option(help="Restore with this configuration")] = None,
    cluster: Annotated[str | None, typer.Option(help="Place the stream on this cluster")] = None,
    replicas: Annotated[int | None, typer.Option(help="Override the replica count")] = None,
) -> None:
    """Restore a stream from a backup directory made by 'jsm str backup'."""
    path = _snapshot_file(Path(source))
    new_config = load_config_file(config) if config else None
    overrides: dict[str, object] = {}
    if replicas:
        overrides["num_replicas"] = replicas
    if cluster:
        import jsm as lib

        overrides["placement"] = lib.Placement(cluster=cluster)

    async def body(js: jsm.Manager) -> None:
        total = path.stat().st_size
        with _progress.bar(f"Restoring {path.name}", total=total, enabled=progress) as advance:
            restored = await js.streams.restore(
                path,
                config=new_config,
                progress=lambda p: advance(p.bytes_done),
                **overrides,  # type: ignore[arg-type]  # StreamConfig fields, checked by the library
            )
        out.line(f"Restored stream {restored.name}")
        out.line()
        _show.stream_info(restored.cached_info)

    run(ctx, body)


def _snapshot_file(path: Path) -> Path:
    if path.is_file():
        return path
    if not path.is_dir():
        raise CliError(f"no backup at {str(path)!r}")
    found = sorted(path.glob("*.snapshot"))
    if len(found) != 1:
        raise CliError(f"{str(path)!r} should hold one .snapshot file, found {len(found)}")
    return found[0]


cluster_group = new_group("Manage a clustered stream")
app.add_typer(cluster_group, name="cluster")
add_aliases(app, "cluster", "c")


@command(cluster_group, "step-down", "stepdown", "sd", "elect", "down", "d")
def step_down(
    ctx: typer.Context,
    stream: StreamArg,
    preferred: Annotated[str | None, typer.Option(help="Prefer this server as the leader")] = None,
    force: Force = False,
) -> None:
    """Force a new leader election by standing down the stream's leader."""

    async def body(js: jsm.Manager) -> None:
        import jsm as lib

        handle = await js.streams.get(stream)
        before = handle.cached_info.cluster.leader if handle.cached_info.cluster else None
        placement = lib.Placement(preferred=preferred) if preferred else None
        await handle.leader_stepdown(placement=placement)
        out.line(f"Requested leader step-down for Stream {stream} (leader was {before})")

    run(ctx, body)


@command(cluster_group, "peer-remove", "pr")
def peer_remove(
    ctx: typer.Context,
    stream: StreamArg,
    peer: Annotated[str, typer.Argument(help="The server to remove")],
    force: Force = False,
) -> None:
    """Remove a peer from a stream's replicas (the cluster places a new one)."""

    async def body(js: jsm.Manager) -> None:
        handle = await js.streams.get(stream)
        if confirm(f"Really remove peer {peer} from Stream {stream}", force=force):
            await handle.remove_peer(peer)
            out.line(f"Removed peer {peer} from Stream {stream}")

    run(ctx, body)
