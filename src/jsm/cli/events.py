"""``jsm events`` (``event``): typed advisories and metrics, printed one line each.

A thin layer over ``js.events``: JetStream advisories (``--js-advisory``), metrics
(``--js-metric``) and, in the system account, server advisories (``--srv-advisory``).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from jsm.cli import _output as out
from jsm.cli._app import run

if TYPE_CHECKING:
    from anyio.streams.memory import MemoryObjectSendStream

    import jsm
    from jsm.events import Event, EventStream

ADVISORIES = "$JS.EVENT.ADVISORY.>"
METRICS = "$JS.EVENT.METRIC.>"
_BORING = frozenset({"type", "id", "timestamp", "server", "client", "domain"})


def events(
    ctx: typer.Context,
    js_advisory: Annotated[
        bool, typer.Option("--js-advisory", help="JetStream advisories (the default)")
    ] = False,
    js_metric: Annotated[bool, typer.Option("--js-metric", help="JetStream metrics")] = False,
    srv_advisory: Annotated[
        bool, typer.Option("--srv-advisory", help="Server advisories (system account)")
    ] = False,
    json_: Annotated[bool, typer.Option("-j", "--json", help="Print each event's JSON")] = False,
    count: Annotated[int, typer.Option(help="Stop after this many events (0: never)")] = 0,
) -> None:
    """Show advisories and metrics as they happen, until Ctrl-C or --count."""

    async def body(js: jsm.Manager) -> None:
        import anyio

        streams = []
        if srv_advisory:
            streams.append(await js.events.server_events())
        if js_metric:
            streams.append(js.events.subscribe(METRICS))
        if js_advisory or not (js_metric or srv_advisory):
            streams.append(js.events.subscribe(ADVISORIES))
        seen = 0
        async with anyio.create_task_group() as group:
            send, receive = anyio.create_memory_object_stream["Event"](100)

            async def pump(source: EventStream, into: MemoryObjectSendStream[Event]) -> None:
                async with source as events_, into:
                    async for event in events_:
                        await into.send(event)

            for source in streams:
                group.start_soon(pump, source, send.clone())
            send.close()
            await _listening(js, [s.subject for s in streams])
            async with receive:
                async for event in receive:
                    _print(event, json_=json_)
                    seen += 1
                    if count and seen >= count:
                        group.cancel_scope.cancel()
                        return

    run(ctx, body)


async def _listening(js: jsm.Manager, subjects: list[str]) -> None:
    import anyio

    await anyio.lowlevel.checkpoint()  # let the pumps subscribe
    await js.nc.flush()
    print(f"Listening for events on {', '.join(subjects)}", file=sys.stderr, flush=True)


def _print(event: Event, *, json_: bool) -> None:
    wire = event.model_dump(mode="json", by_alias=True, exclude_none=True)
    if json_:
        out.line(json.dumps(wire))
    else:
        short = event.type.rsplit(".", 1)[-1]
        details = " ".join(
            f"{key}={_short(value)}" for key, value in wire.items() if key not in _BORING
        )
        stamp = event.time.strftime("%H:%M:%S") if event.time else "--:--:--"
        out.line(f"[{stamp}] [{short}] {details}".rstrip())
    sys.stdout.flush()


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= 80 else text[:77] + "..."
