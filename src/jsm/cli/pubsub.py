"""``jsm pub``, ``jsm req`` and ``jsm sub``: core NATS publishing, requests and subscriptions.

Plain publishes, requests and subscriptions go through the manager's NATS connection
(``js.nc``); ``pub --jetstream`` waits for each PubAck through ``js.publish``, and many
messages go through the library's pipelined publisher (``js.publisher``).
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Annotated

import typer

from jsm.cli import _output as out
from jsm.cli import _progress, _templates
from jsm.cli._app import run
from jsm.cli._errors import CliError
from jsm.cli._stream_config import duration

if TYPE_CHECKING:
    from collections.abc import Callable

    import jsm

Headers = Annotated[
    list[str] | None, typer.Option("-H", "--header", help="A header as K:V (repeatable)")
]
Count = Annotated[int, typer.Option(help="How many messages")]
Templates = Annotated[
    bool, typer.Option("--templates/--no-templates", help="Render {{Count}} etc.")
]


def parse_headers(values: list[str] | None) -> dict[str, str] | None:
    """Parse ``-H K:V`` headers (natscli's format)."""
    headers: dict[str, str] = {}
    for value in values or []:
        key, found, text = value.partition(":")
        if not found or not key.strip():
            raise CliError(f"-H {value!r}: a header is KEY:VALUE")
        headers[key.strip()] = text.strip()
    return headers or None


def _body(body: str | None) -> str:
    if body is not None:
        return body
    if sys.stdin is not None and not sys.stdin.isatty():
        return sys.stdin.read()
    return ""


def _bodies(text: str, templates: bool) -> Callable[[int], bytes]:  # a factory
    """Return ``body(count)``: the template parsed once, rendered per message."""
    if not (templates and _templates.has_template(text)):
        fixed = text.encode()
        return lambda count: fixed
    template = _templates.Template(text)
    return lambda count: template.render(count).encode()


def pub(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Subject to publish to")],
    body: Annotated[str | None, typer.Argument(help="Message body (default: stdin)")] = None,
    count: Count = 1,
    sleep: Annotated[str | None, typer.Option(help="Pause between messages")] = None,
    header: Headers = None,
    reply: Annotated[str | None, typer.Option(help="A reply subject")] = None,
    jetstream: Annotated[
        bool, typer.Option("-J", "--jetstream", help="Publish to JetStream, waiting for acks")
    ] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing on success")] = False,
    templates: Templates = True,
) -> None:
    """Publish a message, or --count of them (templates like {{Count}} in the body)."""
    if count < 1:
        raise CliError("--count must be at least 1")
    pause = duration(sleep, "--sleep").total_seconds() if sleep else 0.0
    bodies, headers = _bodies(_body(body), templates), parse_headers(header)
    if jetstream and reply:
        raise CliError("--reply cannot be used with --jetstream")

    async def body_(js: jsm.Manager) -> None:
        started = time.monotonic()
        if jetstream:
            stored = await _publish_js(js, subject, bodies, headers, count, pause, quiet)
        else:
            stored = await _publish_core(js, subject, bodies, headers, reply, count, pause)
        if quiet:
            return
        if count == 1:
            out.line(stored)
        else:
            rate = count / max(time.monotonic() - started, 1e-9)
            out.line(f"Published {count:,} messages to {subject!r} ({rate:,.0f} msgs/s){stored}")

    run(ctx, body_)


async def _publish_core(
    js: jsm.Manager,
    subject: str,
    bodies: Callable[[int], bytes],
    headers: dict[str, str] | None,
    reply: str | None,
    count: int,
    pause: float,
) -> str:
    import anyio

    data = b""
    with _progress.bar(f"Publishing to {subject}", total=count, enabled=count > 1) as advance:
        for number in range(1, count + 1):
            data = bodies(number)
            await js.nc.publish(subject, data, reply=reply or "", headers=headers)
            advance(number)
            if pause:
                await anyio.sleep(pause)
    await js.nc.flush()
    return f"Published {len(data)} bytes to {subject!r}" if count == 1 else ""


async def _publish_js(
    js: jsm.Manager,
    subject: str,
    bodies: Callable[[int], bytes],
    headers: dict[str, str] | None,
    count: int,
    pause: float,
    quiet: bool,
) -> str:
    import anyio

    if count == 1:
        ack = await js.publish(subject, bodies(1), headers=headers)
        return f"Stored in Stream: {ack.stream} Sequence: {ack.seq}" + (
            " (duplicate)" if ack.duplicate else ""
        )
    # The pipeline keeps at most its window of acks outstanding and raises for any
    # failure when the block ends; only the first and last acks are kept for the summary.
    with _progress.bar(f"Publishing to {subject}", total=count, enabled=not quiet) as advance:
        async with js.publisher() as publisher:
            publish = publisher.publish
            first = last = await publish(subject, bodies(1), headers=headers)
            for number in range(2, count + 1):
                last = await publish(subject, bodies(number), headers=headers)
                if number % 64 == 0:  # a bar needs no more than this
                    advance(number)
                if pause:
                    await anyio.sleep(pause)
            advance(count)
    start, end = await first, await last
    return f"; stored in Stream {end.stream} sequences {start.seq}..{end.seq}"


def req(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Subject to send the request to")],
    body: Annotated[str | None, typer.Argument(help="Request body (default: stdin)")] = None,
    count: Count = 1,
    header: Headers = None,
    raw: Annotated[bool, typer.Option("-r", "--raw", help="Show only the reply bodies")] = False,
    templates: Templates = True,
) -> None:
    """Send a request and print the reply, or --count requests one after another."""
    if count < 1:
        raise CliError("--count must be at least 1")
    bodies, headers = _bodies(_body(body), templates), parse_headers(header)

    async def body_(js: jsm.Manager) -> None:
        import nats.errors

        wait = js.timeout.total_seconds()
        for number in range(1, count + 1):
            started = time.monotonic()
            try:
                # One inbox per request: JetStream rewrites the subject of messages it
                # delivers (a pull on CONSUMER.MSG.NEXT), which nats-py's shared reply
                # inbox cannot match to the waiting request.
                reply = await js.nc.request(
                    subject,
                    bodies(number),
                    timeout=wait,
                    headers=headers,
                    old_style=True,
                )
            except nats.errors.NoRespondersError:
                raise CliError(f"no responders are listening on {subject!r}") from None
            except nats.errors.TimeoutError:
                raise CliError(f"no reply on {subject!r} within {wait:g}s") from None
            if not raw:
                rtt = (time.monotonic() - started) * 1000
                out.line(f"Received with rtt {rtt:.3f}ms")
            _print_message(reply.subject, reply.headers, reply.data, raw=raw, headers_only=False)

    run(ctx, body_)


def sub(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Subject to subscribe to (wildcards allowed)")],
    count: Annotated[int, typer.Option(help="Stop after this many messages (0: never)")] = 0,
    raw: Annotated[bool, typer.Option("-r", "--raw", help="Show only the bodies")] = False,
    headers_only: Annotated[
        bool, typer.Option("--headers-only", help="Show the headers, not the bodies")
    ] = False,
    queue: Annotated[str | None, typer.Option(help="Subscribe in this queue group")] = None,
) -> None:
    """Print the messages published on a subject until Ctrl-C or --count."""

    async def body_(js: jsm.Manager) -> None:
        subscription = await js.nc.subscribe(subject, queue=queue or "")
        try:
            await js.nc.flush()
            if not raw:
                print(f"Subscribing on {subject}", file=sys.stderr, flush=True)
            seen = 0
            async for msg in subscription.messages:
                seen += 1
                if not raw:
                    out.line(
                        f"[#{seen}] Received on {msg.subject!r}"
                        + (f" with reply {msg.reply!r}" if msg.reply else "")
                    )
                _print_message(
                    msg.subject, msg.headers, msg.data, raw=raw, headers_only=headers_only
                )
                sys.stdout.flush()
                if count and seen >= count:
                    return
        finally:
            await subscription.unsubscribe()

    run(ctx, body_)


def _print_message(
    subject: str, headers: dict[str, str] | None, data: bytes, *, raw: bool, headers_only: bool
) -> None:
    if raw:
        out.line(data.decode("utf-8", errors="replace"))
        return
    for key, value in (headers or {}).items():
        out.line(f"{key}: {value}")
    if headers:
        out.line()
    if not headers_only:
        out.line(data.decode("utf-8", errors="replace"))
    out.line()
