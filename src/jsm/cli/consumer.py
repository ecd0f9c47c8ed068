"""``jsm consumer`` (``con``, ``c``): create, inspect and use consumers.

Thin commands over ``stream.consumers`` and :class:`jsm.Consumer`; flags follow natscli's
``consumer`` command (see ``_consumer_config``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jsm.cli import _output as out
from jsm.cli import _show
from jsm.cli._app import add_aliases, command, confirm, new_group, run, with_options
from jsm.cli._consumer_config import (
    common_changes,
    config_for_add,
    consumer_add_flags,
    consumer_flags,
    load_config_file,
    pause_until,
)
from jsm.cli._errors import CliError
from jsm.cli._params import ConfigFile, Defaults, DryRun, Force, Json, Names, StreamArg

if TYPE_CHECKING:
    import jsm

app = new_group(
    "JetStream consumer management",
    examples=(
        "  jsm con add ORDERS NEW --filter ORDERS.received --pull --defaults\n\n"
        "  jsm con next ORDERS NEW --count 10\n\n"
        "  jsm con info ORDERS NEW -j"
    ),
)

ConsumerArg = Annotated[str, typer.Argument(help="Consumer name")]


def _info_or_json(info: jsm.ConsumerInfo, json_: bool, title: str | None = None) -> None:
    if json_:
        out.print_json(info)
        return
    if title:
        out.line(title)
        out.line()
    _show.consumer_info(info)


@command(app, "add", "create", "new")
@with_options(consumer_flags, consumer_add_flags)
def add(
    ctx: typer.Context,
    stream: StreamArg,
    consumer: Annotated[str | None, typer.Argument(help="Consumer name")] = None,
    config: ConfigFile = None,
    defaults: Defaults = False,
    json_: Json = False,
    *,
    options: dict[str, Any],
) -> None:
    """Create a consumer."""
    if config is not None:
        cfg = load_config_file(config)
        if consumer:
            cfg = cfg.with_changes(durable_name=consumer)
        if options["target"]:
            cfg = cfg.with_changes(deliver_subject=options["target"])
    else:
        cfg = config_for_add(consumer, options)

    async def body(js: jsm.Manager) -> None:
        handle = await js.streams.get(stream)
        created = await handle.consumers.add(cfg)
        _info_or_json(created.cached_info, json_)

    run(ctx, body)


@command(app, "edit", "update")
@with_options(consumer_flags)
def edit(
    ctx: typer.Context,
    stream: StreamArg,
    consumer: ConsumerArg,
    config: ConfigFile = None,
    force: Force = False,
    dry_run: DryRun = False,
    json_: Json = False,
    *,
    options: dict[str, Any],
) -> None:
    """Change a consumer: shows the differences and asks unless -f."""
    found = common_changes(options)
    from_file = load_config_file(config) if config is not None else None

    async def body(js: jsm.Manager) -> int | None:
        consumers = (await js.streams.get(stream)).consumers
        current = (await consumers.get(consumer)).config
        wanted = from_file if from_file is not None else current.with_changes(**found)
        if not _show.differences(current, wanted, dry_run=dry_run):
            return None
        if dry_run:
            return 1
        if not confirm(f"Really edit Consumer {stream} > {consumer}", force=force):
            return None
        updated = await consumers.update(wanted)
        _info_or_json(updated.cached_info, json_, f"Consumer {consumer} was updated")
        return None

    run(ctx, body)


@command(app, "ls", "list")
def ls(
    ctx: typer.Context,
    stream: StreamArg,
    json_: Json = False,
    names: Names = False,
) -> None:
    """List a stream's consumers."""

    async def body(js: jsm.Manager) -> None:
        consumers = (await js.streams.get(stream)).consumers
        if names or json_:
            out.names(sorted(await consumers.names().collect()), json_=json_)
            return
        infos = sorted(await consumers.list().collect(), key=lambda i: i.name)
        if not infos:
            out.line(f"No Consumers defined for Stream {stream}")
            return
        out.table(
            f"Consumers for Stream {stream}",
            ["Name", "Description", "Created", "Ack Pending", "Unprocessed", "Last Delivery"],
            [
                (
                    i.name,
                    i.config.description,
                    i.created,
                    i.num_ack_pending,
                    i.num_pending,
                    i.delivered.last_active,
                )
                for i in infos
            ],
        )

    run(ctx, body)


@command(app, "info", "nfo")
def info(ctx: typer.Context, stream: StreamArg, consumer: ConsumerArg, json_: Json = False) -> None:
    """Show a consumer's configuration and state (-j: the server's JSON)."""
    run(ctx, _info_body(stream, consumer, json_))


@command(app, "state")
def state(
    ctx: typer.Context, stream: StreamArg, consumer: ConsumerArg, json_: Json = False
) -> None:
    """Show a consumer's state."""
    run(ctx, _info_body(stream, consumer, json_))


def _info_body(stream: str, consumer: str, json_: bool) -> Any:
    async def body(js: jsm.Manager) -> None:
        found = await (await js.streams.get(stream)).consumers.info(consumer)
        _info_or_json(found, json_)

    return body


@command(app, "rm", "delete", "del")
def rm(ctx: typer.Context, stream: StreamArg, consumer: ConsumerArg, force: Force = False) -> None:
    """Remove a consumer."""

    async def body(js: jsm.Manager) -> None:
        consumers = (await js.streams.get(stream)).consumers
        await consumers.info(consumer)  # a missing consumer fails before the question
        if confirm(f"Really delete Consumer {stream} > {consumer}", force=force):
            await consumers.delete(consumer)

    run(ctx, body)


@command(app, "cp", "copy")
def cp(
    ctx: typer.Context,
    stream: StreamArg,
    source: Annotated[str, typer.Argument(help="Consumer to copy")],
    destination: Annotated[str, typer.Argument(help="New consumer name")],
    json_: Json = False,
) -> None:
    """Create a consumer from another's configuration."""

    async def body(js: jsm.Manager) -> None:
        consumers = (await js.streams.get(stream)).consumers
        original = (await consumers.info(source)).config
        copied = original.with_changes(durable_name=destination, name=None)
        _info_or_json((await consumers.add(copied)).cached_info, json_)

    run(ctx, body)


@command(app, "next")
def next_(
    ctx: typer.Context,
    stream: StreamArg,
    consumer: ConsumerArg,
    ack: Annotated[bool, typer.Option("--ack/--no-ack", help="Acknowledge each message")] = True,
    nak: Annotated[bool, typer.Option("--nak", help="Negatively acknowledge instead")] = False,
    term: Annotated[bool, typer.Option("--term", help="Terminate the messages instead")] = False,
    raw: Annotated[bool, typer.Option("-r", "--raw", help="Show only the bodies")] = False,
    count: Annotated[int, typer.Option(help="How many messages to fetch")] = 1,
    wait: Annotated[str | None, typer.Option(help="How long to wait for messages")] = None,
) -> None:
    """Fetch messages from a pull consumer, print them and acknowledge them."""
    from jsm.cli._stream_config import duration

    patience = duration(wait, "--wait") if wait else None

    async def body(js: jsm.Manager) -> int | None:
        handle = await (await js.streams.get(stream)).consumers.get(consumer)
        got = 0
        while got < count:
            batch = await handle.fetch(
                count - got, max_wait=patience or max(js.timeout, timedelta(seconds=1))
            )
            if not batch:
                break
            for msg in batch:
                got += 1
                _print_msg(msg, raw=raw)
                await _settle(msg, ack=ack, nak=nak, term=term, raw=raw)
        if got == 0:
            raise CliError(f"no message received from {stream} > {consumer}")
        return None

    run(ctx, body)


def _print_msg(msg: jsm.Msg, *, raw: bool) -> None:
    if raw:
        out.line(msg.data.decode("utf-8", errors="replace"))
        return
    meta = msg.metadata
    out.line(
        f"[{meta.sequence.stream}] subject: {msg.subject} / delivered: {meta.num_delivered} / "
        f"consumer seq: {meta.sequence.consumer} / stream seq: {meta.sequence.stream}"
    )
    for key, value in (msg.headers or {}).items():
        out.line(f"  {key}: {value}")
    out.line()
    out.line(msg.data.decode("utf-8", errors="replace"))
    out.line()


async def _settle(msg: jsm.Msg, *, ack: bool, nak: bool, term: bool, raw: bool) -> None:
    if term:
        await msg.term()
    elif nak:
        await msg.nak()
    elif ack and not msg.is_acked:
        await msg.ack_sync()
    else:
        return
    if not raw:
        out.line("Acknowledged message" if ack and not (nak or term) else "Settled message")
        out.line()


@command(app, "sub")
def sub(
    ctx: typer.Context,
    stream: StreamArg,
    consumer: ConsumerArg,
    ack: Annotated[bool, typer.Option("--ack/--no-ack", help="Acknowledge each message")] = True,
    raw: Annotated[bool, typer.Option("-r", "--raw", help="Show only the bodies")] = False,
    count: Annotated[int, typer.Option(help="Stop after this many messages (0: never)")] = 0,
) -> None:
    """Receive a consumer's messages until Ctrl-C (push or pull)."""

    async def body(js: jsm.Manager) -> None:
        handle = await (await js.streams.get(stream)).consumers.get(consumer)
        source = handle.push() if handle.config.deliver_subject else handle.consume()
        seen = 0
        async with source as messages:
            async for msg in messages:
                _print_msg(msg, raw=raw)
                await _settle(msg, ack=ack, nak=False, term=False, raw=True)
                seen += 1
                if count and seen >= count:
                    return

    run(ctx, body)


@command(app, "pause")
def pause(
    ctx: typer.Context,
    stream: StreamArg,
    consumer: ConsumerArg,
    until: Annotated[str, typer.Argument(help="A duration (1h) or a time 'YYYY-MM-DD hh:mm:ss'")],
    force: Force = False,
) -> None:
    """Pause a consumer until a later time."""
    when = pause_until(until)

    async def body(js: jsm.Manager) -> None:
        consumers = (await js.streams.get(stream)).consumers
        await consumers.info(consumer)
        if confirm(f"Really pause Consumer {stream} > {consumer} until {when}", force=force):
            reply = await consumers.pause(consumer, when)
            out.line(f"Paused {stream} > {consumer} until {out.cell(reply.pause_until)}")

    run(ctx, body)


@command(app, "resume")
def resume(
    ctx: typer.Context, stream: StreamArg, consumer: ConsumerArg, force: Force = False
) -> None:
    """Resume a paused consumer."""

    async def body(js: jsm.Manager) -> None:
        await (await js.streams.get(stream)).consumers.resume(consumer)
        out.line(f"Consumer {stream} > {consumer} was resumed")

    run(ctx, body)


@command(app, "unpin")
def unpin(
    ctx: typer.Context,
    stream: StreamArg,
    consumer: ConsumerArg,
    group: Annotated[str, typer.Argument(help="The priority group to unpin")],
    force: Force = False,
) -> None:
    """Release the pinned client of a priority group."""

    async def body(js: jsm.Manager) -> None:
        consumers = (await js.streams.get(stream)).consumers
        await consumers.info(consumer)
        if confirm(
            f"Really unpin the client of group {group} on {stream} > {consumer}", force=force
        ):
            await consumers.unpin(consumer, group)
            out.line(f"Unpinned the client of group {group} on {stream} > {consumer}")

    run(ctx, body)


@command(app, "report")
def report(ctx: typer.Context, stream: StreamArg, json_: Json = False) -> None:
    """Report on a stream's consumers."""

    async def body(js: jsm.Manager) -> None:
        infos = sorted(
            await (await js.streams.get(stream)).consumers.list().collect(), key=lambda i: i.name
        )
        if json_:
            out.print_json(infos)
            return
        out.table(
            f"Consumer report for {stream} with {len(infos)} consumers",
            [
                "Consumer",
                "Mode",
                "Ack Policy",
                "Ack Wait",
                "Ack Pending",
                "Redelivered",
                "Unprocessed",
                "Ack Floor",
                "Cluster",
            ],
            [
                (
                    i.name,
                    "Push" if i.config.deliver_subject else "Pull",
                    i.config.ack_policy,
                    i.config.ack_wait,
                    i.num_ack_pending,
                    i.num_redelivered,
                    i.num_pending,
                    i.ack_floor.stream_seq,
                    _replicas(i),
                )
                for i in infos
            ],
        )

    run(ctx, body)


def _replicas(info: jsm.ConsumerInfo) -> str:
    cluster = info.cluster
    if cluster is None or not cluster.leader:
        return ""
    peers = [f"{cluster.leader}*"] + [p.name for p in cluster.replicas or []]
    return ", ".join(peers)


cluster_group = new_group("Manage a clustered consumer")
app.add_typer(cluster_group, name="cluster")
add_aliases(app, "cluster", "c")


@command(cluster_group, "step-down", "elect", "down", "d")
def step_down(
    ctx: typer.Context, stream: StreamArg, consumer: ConsumerArg, force: Force = False
) -> None:
    """Force a new leader election by standing down the consumer's leader."""

    async def body(js: jsm.Manager) -> None:
        consumers = (await js.streams.get(stream)).consumers
        before = await consumers.info(consumer)
        leader = before.cluster.leader if before.cluster else None
        await consumers.leader_stepdown(consumer)
        out.line(f"Requested leader step-down for {stream} > {consumer} (leader was {leader})")

    run(ctx, body)
