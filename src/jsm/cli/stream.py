"""``jsm stream`` (``str``, ``s``): create, inspect, change and remove streams.

Each command is a thin layer over ``js.streams`` and :class:`jsm.Stream`; flags and
their defaults follow natscli's ``stream`` command (see ``_stream_config``).
Message-level and operational commands (get, view, rmm, backup, restore, report,
cluster) live in :mod:`jsm.cli.stream_data`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from jsm.cli import _output as out
from jsm.cli import _show
from jsm.cli._app import command, confirm, new_group, run, with_options
from jsm.cli._errors import CliError
from jsm.cli._params import ConfigFile, Defaults, DryRun, Force, Json, Names, StreamArg
from jsm.cli._stream_config import (
    changes,
    config_for_add,
    load_config_file,
    stream_flags,
    without_server_metadata,
)

if TYPE_CHECKING:
    import jsm

app = new_group(
    "JetStream stream management",
    examples=(
        '  jsm str add ORDERS --subjects "ORDERS.*" --max-age 1y --defaults\n\n'
        "  jsm str info ORDERS -j\n\n"
        "  jsm str purge ORDERS -f"
    ),
)


def _add_only(
    storage: Annotated[str | None, typer.Option(help="Storage backend (file, memory)")] = None,
    first_sequence: Annotated[int | None, typer.Option(help="The starting sequence")] = None,
) -> None:
    """Flags ``stream add`` and ``cp`` take that ``edit`` does not."""


def _edit_only(
    no_mirror: Annotated[bool, typer.Option("--no-mirror", help="Remove the mirror")] = False,
    no_transform: Annotated[
        bool, typer.Option("--no-transform", help="Remove the subject transform")
    ] = False,
    no_republish: Annotated[
        bool, typer.Option("--no-republish", help="Remove the republish setting")
    ] = False,
) -> None:
    """Flags only ``stream edit`` takes."""


async def _max_bytes_required(js: jsm.Manager) -> bool:
    return (await js.account_info()).limits.max_bytes_required


@command(app, "add", "create", "new")
@with_options(stream_flags, _add_only)
def add(
    ctx: typer.Context,
    stream: Annotated[str | None, typer.Argument(help="Stream name")] = None,
    config: ConfigFile = None,
    output: Annotated[
        str | None, typer.Option(help="Save the configuration to FILE instead of creating")
    ] = None,
    defaults: Defaults = False,
    json_: Json = False,
    *,
    options: dict[str, Any],
) -> None:
    """Create a new stream."""
    if config is not None:
        cfg = _from_file(config, stream, options)
    elif stream is None:
        raise CliError("a stream name is required: jsm str add NAME --subjects ...")
    else:
        cfg = config_for_add(stream, options)
    if output is not None:
        with open(output, "w", encoding="utf-8") as file:
            file.write(cfg.to_json(indent=2) + "\n")
        out.line(f"Stream configuration written to {output}")
        return

    async def body(js: jsm.Manager) -> None:
        created = cfg
        if config is None and "max_bytes" not in changes(options) and await _max_bytes_required(js):
            created = cfg.with_changes(max_bytes=256 * 1024 * 1024)
        stream_ = await js.streams.add(created)
        _report(stream_.cached_info, json_, f"Stream {created.name} was created")

    run(ctx, body)


def _from_file(path: str, name: str | None, options: dict[str, Any]) -> jsm.StreamConfig:
    cfg = load_config_file(path)
    found = changes(options)
    overrides: dict[str, object] = {
        key: found[key]
        for key in ("subjects", "placement", "description", "num_replicas")
        if key in found
    }
    if name:
        overrides["name"] = name
    return cfg.with_changes(**overrides) if overrides else cfg


def _report(info: jsm.StreamInfo, json_: bool, title: str) -> None:
    if json_:
        out.print_json(info)
        return
    out.line(title)
    out.line()
    _show.stream_info(info)


@command(app, "info", "nfo", "i")
def info(
    ctx: typer.Context,
    stream: StreamArg,
    json_: Json = False,
    state: Annotated[bool, typer.Option("--state", help="Show only the stream state")] = False,
) -> None:
    """Show a stream's configuration and state (-j: the server's JSON)."""

    async def body(js: jsm.Manager) -> None:
        found = await js.streams.info(stream)
        if json_:
            out.print_json(found.state if state else found)
        else:
            _show.stream_info(found, state_only=state)

    run(ctx, body)


@command(app, "state")
def state(ctx: typer.Context, stream: StreamArg, json_: Json = False) -> None:
    """Show a stream's state."""

    async def body(js: jsm.Manager) -> None:
        found = await js.streams.info(stream)
        if json_:
            out.print_json(found.state)
        else:
            _show.stream_info(found, state_only=True)

    run(ctx, body)


@command(app, "ls", "list", "l")
def ls(
    ctx: typer.Context,
    names: Names = False,
    subject: Annotated[
        str | None, typer.Option(help="Only streams with subjects matching this one")
    ] = None,
    json_: Json = False,
) -> None:
    """List the streams."""

    async def body(js: jsm.Manager) -> None:
        if names or json_:
            out.names(sorted(await js.streams.names(subject=subject).collect()), json_=json_)
            return
        infos = sorted(
            await js.streams.list(subject=subject).collect(), key=lambda i: i.config.name
        )
        if not infos:
            out.line("No streams defined")
            return
        out.table(
            "Streams",
            ["Name", "Description", "Created", "Messages", "Size", "Last Message"],
            [
                (
                    i.config.name,
                    i.config.description,
                    i.created,
                    i.state.messages,
                    out.size(i.state.bytes),
                    i.state.last_ts,
                )
                for i in infos
            ],
        )

    run(ctx, body)


@command(app, "cp", "copy")
@with_options(stream_flags, _add_only)
def cp(
    ctx: typer.Context,
    original: Annotated[str, typer.Argument(metavar="SOURCE", help="Stream to copy")],
    destination: Annotated[str, typer.Argument(help="New stream to create")],
    json_: Json = False,
    *,
    options: dict[str, Any],
) -> None:
    """Create a new stream from another's configuration (no data is copied)."""
    if original == destination:
        raise CliError("source and destination stream names cannot be the same")
    found = changes(options)

    async def body(js: jsm.Manager) -> None:
        handle = await js.streams.get(original)
        created = await handle.copy(destination, **found)  # type: ignore[arg-type]  # config fields
        _report(created.cached_info, json_, f"Stream {destination} was created")

    run(ctx, body)


@command(app, "edit", "update")
@with_options(stream_flags, _edit_only)
def edit(
    ctx: typer.Context,
    stream: StreamArg,
    config: ConfigFile = None,
    force: Force = False,
    dry_run: DryRun = False,
    json_: Json = False,
    *,
    options: dict[str, Any],
) -> None:
    """Change a stream: shows the differences and asks unless -f."""
    found = changes(options)
    from_file = load_config_file(config) if config is not None else None

    async def body(js: jsm.Manager) -> int | None:
        handle = await js.streams.get(stream)
        current = handle.config.with_changes(
            metadata=without_server_metadata(handle.config.metadata)
        )
        if from_file is not None:
            wanted = from_file.with_changes(name=stream)
        else:
            wanted = current.with_changes(**found)
        if not _show.differences(current, wanted, dry_run=dry_run):
            return None
        if dry_run:
            return 1
        if not confirm(f"Really edit Stream {stream}", force=force):
            return None
        await handle.update(wanted)
        _report(await handle.info(), json_, f"Stream {stream} was updated")
        return None

    run(ctx, body)


@command(app, "rm", "delete", "del")
def rm(ctx: typer.Context, stream: StreamArg, force: Force = False) -> None:
    """Remove a stream with all its messages and consumers."""

    async def body(js: jsm.Manager) -> None:
        handle = await js.streams.get(stream)
        if confirm(f"Really delete Stream {stream}", force=force):
            await handle.delete()

    run(ctx, body)


@command(app, "purge")
def purge(
    ctx: typer.Context,
    stream: StreamArg,
    force: Force = False,
    json_: Json = False,
    subject: Annotated[str | None, typer.Option(help="Purge only this subject")] = None,
    seq: Annotated[
        int | None, typer.Option(help="Purge up to, not including, this sequence")
    ] = None,
    keep: Annotated[int | None, typer.Option(help="Keep this many newest messages")] = None,
) -> None:
    """Remove messages from a stream."""

    async def body(js: jsm.Manager) -> None:
        handle = await js.streams.get(stream)
        if not confirm(f"Really purge Stream {stream}", force=force):
            return
        if seq is not None:
            purged = await handle.purge(subject=subject, up_to_seq=seq)
        else:
            purged = await handle.purge(subject=subject, keep=keep)
        found = await handle.info()
        if json_:
            out.print_json(found)
            return
        out.line(f"Purged {purged:,} messages from {stream}")
        out.line()
        _show.stream_info(found)

    run(ctx, body)


@command(app, "seal")
def seal(ctx: typer.Context, stream: StreamArg, force: Force = False, json_: Json = False) -> None:
    """Seal a stream: no more writes or deletes, for ever."""

    async def body(js: jsm.Manager) -> None:
        handle = await js.streams.get(stream)
        if confirm(f"Really seal Stream {stream}, sealed streams can not be unsealed", force=force):
            await handle.seal()
            _report(await handle.info(), json_, f"Stream {stream} was sealed")

    run(ctx, body)


@command(app, "subjects", "subj")
def subjects(
    ctx: typer.Context,
    stream: StreamArg,
    filter_: Annotated[str, typer.Argument(metavar="FILTER", help="Only matching subjects")] = ">",
    json_: Json = False,
    sort: Annotated[str, typer.Option(help="Sort by name or messages")] = "messages",
    reverse: Annotated[bool, typer.Option("-R", "--reverse", help="Reverse the order")] = False,
    names: Annotated[bool, typer.Option("--names", help="List only the subject names")] = False,
) -> None:
    """List the subjects a stream holds, with message counts."""

    async def body(js: jsm.Manager) -> None:
        found = (await js.streams.info(stream, subjects_filter=filter_)).state.subjects or {}
        if json_:
            out.print_json(found)
            return
        by_name = sort in ("name", "subjects")
        rows = sorted(found.items(), key=lambda kv: kv[0] if by_name else kv[1], reverse=reverse)
        if names:
            for subject, _ in rows:
                out.line(subject)
        elif not rows:
            out.line(f"No subjects found matching {filter_}")
        else:
            out.table(f"{len(rows):,} Subjects in stream {stream}", ["Subject", "Count"], rows)

    run(ctx, body)


@command(
    app,
    "template",
    hidden=True,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def template(
    args: Annotated[list[str] | None, typer.Argument(help="Ignored")] = None,
) -> None:
    """Stream templates were removed from the NATS server."""
    raise CliError(
        "stream templates were removed from the NATS server (2.14); "
        "create each stream with 'jsm str add' instead"
    )
