"""``jsm micro``: discover NATS micro services (ADR-32) through ``js.services``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from jsm.cli import _output as out
from jsm.cli._app import command, new_group, run
from jsm.cli._params import Json

if TYPE_CHECKING:
    import jsm

app = new_group(
    "Micro Services discovery and management",
    examples="  jsm micro ls\n\n  jsm micro info calc\n\n  jsm micro ping calc",
)

Name = Annotated[str | None, typer.Argument(help="Service name (default: every service)")]
Service = Annotated[str, typer.Argument(help="Service name")]
Id = Annotated[str | None, typer.Argument(help="One instance of the service")]


@command(app, "ls", "list")
def ls(ctx: typer.Context, name: Name = None, json_: Json = False) -> None:
    """List the services that answer."""

    async def body(js: jsm.Manager) -> None:
        infos = sorted(await js.services.info(name), key=lambda i: (i.name, i.id))
        if json_:
            out.print_json(infos)
            return
        if not infos:
            out.line("No results received")
            return
        out.table(
            "All Micro Services",
            ["Name", "Version", "ID", "Description"],
            [(i.name, i.version, i.id, i.description) for i in infos],
        )

    run(ctx, body)


@command(app, "info")
def info(
    ctx: typer.Context,
    name: Service,
    id_: Id = None,
    json_: Json = False,
) -> None:
    """Describe a service's instances and endpoints."""

    async def body(js: jsm.Manager) -> int | None:
        infos = sorted(await js.services.info(name, id_), key=lambda i: i.id)
        if json_:
            out.print_json(infos)
            return None
        if not infos:
            from jsm.cli._errors import CliError

            raise CliError(f"no instance of service {name!r} answered")
        for found in infos:
            out.fields(
                f"Service Information for {found.name} {found.id}",
                [("Version", found.version), ("Description", found.description),
                 ("Metadata", found.metadata)]
                + [(f"Endpoint {e.name}", f"{e.subject} (queue {e.queue_group})") for e in found.endpoints],
            )  # fmt: skip
        return None

    run(ctx, body)


@command(app, "stats")
def stats(
    ctx: typer.Context,
    name: Service,
    id_: Id = None,
    json_: Json = False,
) -> None:
    """Show per-endpoint request statistics of a service."""

    async def body(js: jsm.Manager) -> None:
        found = sorted(await js.services.stats(name, id_), key=lambda s: s.id)
        if json_:
            out.print_json(found)
            return
        out.table(
            f"{name} Service Statistics",
            ["ID", "Endpoint", "Requests", "Errors", "Processing Time", "Average Time"],
            [
                (s.id, e.name, e.num_requests, e.num_errors, f"{e.processing_time / 1e6:.3f}ms",
                 f"{e.average_processing_time / 1e6:.3f}ms")
                for s in found
                for e in s.endpoints
            ],
        )  # fmt: skip

    run(ctx, body)


@command(app, "ping")
def ping(ctx: typer.Context, name: Name = None, id_: Id = None, json_: Json = False) -> None:
    """Ping services and list who answered."""

    async def body(js: jsm.Manager) -> None:
        pongs = sorted(await js.services.ping(name, id_), key=lambda p: (p.name, p.id))
        if json_:
            out.print_json(pongs)
            return
        for pong in pongs:
            out.line(f"{pong.name} {pong.version} {pong.id}")
        out.line()
        out.line(f"{len(pongs)} replies")

    run(ctx, body)
