"""``jsm server``: health checks with Nagios exit codes, and the JetStream server report.

``server check …`` runs one of ``js.monitor``'s checks and prints it as a Nagios line
(default), Prometheus text or JSON; the exit status is the Nagios code (0 OK,
1 WARNING, 2 CRITICAL, 3 UNKNOWN). ``server report jetstream`` tabulates
``js.admin.jsz()`` (system account).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from jsm.cli import _output as out
from jsm.cli._app import add_aliases, command, new_group, run, run_measured
from jsm.cli._errors import CliError
from jsm.cli._params import Json
from jsm.cli._stream_config import duration

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import jsm

app = new_group(
    "Server information and health checks",
    examples=(
        "  jsm server check stream --stream ORDERS --msgs-critical 1000\n\n"
        "  jsm server check jetstream --format prometheus\n\n"
        "  jsm server report jetstream"
    ),
)
check = new_group("Health checks for nagios and other monitoring tools")
app.add_typer(check, name="check")
report = new_group("Reports on server and cluster state")
app.add_typer(report, name="report")

Format = Annotated[str, typer.Option("--format", help="Output format: nagios, prometheus or json")]
Int = int | None
_FORMATS = ("nagios", "prometheus", "json", "text")


def _finish(
    ctx: typer.Context, output: str, make: Callable[[jsm.Manager], Awaitable[jsm.CheckResult]]
) -> None:
    if output not in _FORMATS:
        raise CliError(f"--format: one of {', '.join(_FORMATS)}")

    async def body(js: jsm.Manager) -> int:
        result = await make(js)
        _print_result(result, output)
        return result.exit_code

    run(ctx, body)


def _print_result(result: jsm.CheckResult, output: str) -> None:
    if output == "prometheus":
        out.line(result.to_prometheus().rstrip("\n"))
    elif output == "json":
        out.line(result.to_json(indent=2))
    else:
        out.line(result.to_nagios())


def _age(text: str | None, flag: str) -> object:
    import jsm as lib

    return lib.NOT_GIVEN if text is None else duration(text, flag)


def _count(value: Int) -> object:
    import jsm as lib

    return lib.NOT_GIVEN if value is None else value


@command(check, "stream")
def check_stream(
    ctx: typer.Context,
    stream: Annotated[str, typer.Option("--stream", help="The stream to check")],
    peer_expect: Annotated[Int, typer.Option(help="Replicas expected")] = None,
    peer_lag_critical: Annotated[Int, typer.Option(help="Replica lag that is critical")] = None,
    peer_seen_critical: Annotated[
        str | None, typer.Option(help="Replica silence that is critical")
    ] = None,
    msgs_warn: Annotated[Int, typer.Option(help="Warn below this many messages")] = None,
    msgs_critical: Annotated[Int, typer.Option(help="Critical below this many messages")] = None,
    subjects_warn: Annotated[Int, typer.Option(help="Warn below this many subjects")] = None,
    subjects_critical: Annotated[
        Int, typer.Option(help="Critical below this many subjects")
    ] = None,
    min_sources: Annotated[Int, typer.Option(help="Fewest sources expected")] = None,
    max_sources: Annotated[Int, typer.Option(help="Most sources expected")] = None,
    lag_critical: Annotated[Int, typer.Option(help="Source or mirror lag that is critical")] = None,
    seen_critical: Annotated[
        str | None, typer.Option(help="Source silence that is critical")
    ] = None,
    format_: Format = "nagios",
) -> None:
    """Check a stream's replicas, sources, messages and subjects."""
    options = {
        "peer_expect": _count(peer_expect),
        "peer_lag_critical": _count(peer_lag_critical),
        "peer_seen_critical": _age(peer_seen_critical, "--peer-seen-critical"),
        "msgs_warn": _count(msgs_warn),
        "msgs_critical": _count(msgs_critical),
        "subjects_warn": _count(subjects_warn),
        "subjects_critical": _count(subjects_critical),
        "min_sources": _count(min_sources),
        "max_sources": _count(max_sources),
        "lag_critical": _count(lag_critical),
        "seen_critical": _age(seen_critical, "--seen-critical"),
    }
    _finish(ctx, format_, lambda js: js.monitor.stream(stream, **options))  # type: ignore[arg-type]  # NOT_GIVEN or a value


@command(check, "consumer")
def check_consumer(
    ctx: typer.Context,
    stream: Annotated[str, typer.Option("--stream", help="The consumer's stream")],
    consumer: Annotated[str, typer.Option("--consumer", help="The consumer to check")],
    ack_outstanding_critical: Annotated[
        Int, typer.Option(help="Pending acks that are critical")
    ] = None,
    waiting_critical: Annotated[Int, typer.Option(help="Waiting pulls that are critical")] = None,
    unprocessed_critical: Annotated[
        Int, typer.Option(help="Unprocessed messages that are critical")
    ] = None,
    redelivery_critical: Annotated[Int, typer.Option(help="Redeliveries that are critical")] = None,
    last_delivery_critical: Annotated[
        str | None, typer.Option(help="Time since a delivery that is critical")
    ] = None,
    last_ack_critical: Annotated[
        str | None, typer.Option(help="Time since an ack that is critical")
    ] = None,
    paused_critical: Annotated[
        bool, typer.Option("--paused-critical", help="A paused consumer is critical")
    ] = False,
    format_: Format = "nagios",
) -> None:
    """Check a consumer's backlog, acknowledgements and deliveries."""
    options = {
        "outstanding_ack_critical": _count(ack_outstanding_critical),
        "waiting_critical": _count(waiting_critical),
        "unprocessed_critical": _count(unprocessed_critical),
        "redelivery_critical": _count(redelivery_critical),
        "last_delivery_critical": _age(last_delivery_critical, "--last-delivery-critical"),
        "last_ack_critical": _age(last_ack_critical, "--last-ack-critical"),
        "paused_critical": paused_critical,
    }
    _finish(ctx, format_, lambda js: js.monitor.consumer(stream, consumer, **options))  # type: ignore[arg-type]  # NOT_GIVEN or a value


@command(check, "kv")
def check_kv(
    ctx: typer.Context,
    bucket: Annotated[str, typer.Option("--bucket", help="The bucket to check")],
    key: Annotated[str | None, typer.Option(help="A key that must hold a value")] = None,
    values_warn: Annotated[Int, typer.Option(help="Warn beyond this many values")] = None,
    values_critical: Annotated[Int, typer.Option(help="Critical beyond this many values")] = None,
    format_: Format = "nagios",
) -> None:
    """Check a Key-Value bucket (and optionally one key)."""
    _finish(
        ctx,
        format_,
        lambda js: js.monitor.kv(
            bucket, key=key, values_warn=values_warn, values_critical=values_critical
        ),
    )


@command(check, "jetstream", "account")
def check_jetstream(
    ctx: typer.Context,
    mem_warn: Annotated[float, typer.Option(help="Memory use (%) that warns")] = 75,
    mem_critical: Annotated[float, typer.Option(help="Memory use (%) that is critical")] = 90,
    store_warn: Annotated[float, typer.Option(help="Storage use (%) that warns")] = 75,
    store_critical: Annotated[float, typer.Option(help="Storage use (%) that is critical")] = 90,
    stream_warn: Annotated[float, typer.Option(help="Streams (% of the limit) that warn")] = 75,
    stream_critical: Annotated[float, typer.Option(help="Streams (%) that are critical")] = 90,
    consumer_warn: Annotated[float, typer.Option(help="Consumers (%) that warn")] = 75,
    consumer_critical: Annotated[float, typer.Option(help="Consumers (%) that are critical")] = 90,
    format_: Format = "nagios",
) -> None:
    """Check the account's JetStream usage against its limits."""
    _finish(
        ctx,
        format_,
        lambda js: js.monitor.account(
            memory_warn=mem_warn,
            memory_critical=mem_critical,
            storage_warn=store_warn,
            storage_critical=store_critical,
            streams_warn=stream_warn,
            streams_critical=stream_critical,
            consumers_warn=consumer_warn,
            consumers_critical=consumer_critical,
        ),
    )


@command(check, "meta", "raft")
def check_meta(
    ctx: typer.Context,
    expect: Annotated[Int, typer.Option(help="Meta group peers expected")] = None,
    lag_critical: Annotated[Int, typer.Option(help="Peer lag that is critical")] = None,
    seen_critical: Annotated[str | None, typer.Option(help="Peer silence that is critical")] = None,
    format_: Format = "nagios",
) -> None:
    """Check the JetStream meta group (system account)."""
    seen = duration(seen_critical, "--seen-critical") if seen_critical else None
    _finish(
        ctx,
        format_,
        lambda js: js.monitor.meta(expect=expect, lag_critical=lag_critical, seen_critical=seen),
    )


@command(check, "server")
def check_server(
    ctx: typer.Context,
    expect: Annotated[Int, typer.Option(help="Servers expected to answer")] = None,
    format_: Format = "nagios",
) -> None:
    """Check every server's health (HEALTHZ, system account)."""
    _finish(ctx, format_, lambda js: js.monitor.server(expect=expect))


@command(check, "connection", "conn")
def check_connection(
    ctx: typer.Context,
    connect_warning: Annotated[str, typer.Option(help="Connect time that warns")] = "500ms",
    connect_critical: Annotated[str, typer.Option(help="Connect time that is critical")] = "1s",
    rtt_warning: Annotated[str, typer.Option(help="Round trip time that warns")] = "500ms",
    rtt_critical: Annotated[str, typer.Option(help="Round trip time that is critical")] = "1s",
    req_warning: Annotated[str, typer.Option(help="API request time that warns")] = "500ms",
    req_critical: Annotated[str, typer.Option(help="API request time that is critical")] = "1s",
    format_: Format = "nagios",
) -> None:
    """Check how long connecting, a round trip and a JetStream API request take."""
    limits = {
        "connect_warn": duration(connect_warning, "--connect-warning"),
        "connect_critical": duration(connect_critical, "--connect-critical"),
        "rtt_warn": duration(rtt_warning, "--rtt-warning"),
        "rtt_critical": duration(rtt_critical, "--rtt-critical"),
        "request_warn": duration(req_warning, "--req-warning"),
        "request_critical": duration(req_critical, "--req-critical"),
    }
    if format_ not in _FORMATS:
        raise CliError(f"--format: one of {', '.join(_FORMATS)}")

    async def body(js: jsm.Manager, connect_seconds: float) -> int:
        result = await js.monitor.connection(connect_time=connect_seconds, **limits)
        _print_result(result, format_)
        return result.exit_code

    run_measured(ctx, body)


@command(report, "jetstream", "js")
def report_jetstream(
    ctx: typer.Context,
    json_: Json = False,
) -> None:
    """Report JetStream use per server (system account)."""

    async def body(js: jsm.Manager) -> None:
        replies = await js.admin.jsz()
        if json_:
            out.print_json(replies)
            return
        rows = [
            (
                f"{r.server.name}*"
                if r.data.meta and r.data.meta.leader == r.server.name
                else r.server.name,
                r.server.cluster,
                r.server.domain,
                r.data.streams,
                r.data.consumers,
                r.data.messages,
                out.size(r.data.bytes),
                out.size(r.data.memory),
                out.size(r.data.storage),
                r.data.api.total if r.data.api else 0,
                r.data.api.errors if r.data.api else 0,
            )
            for r in replies
        ]
        out.table(
            "JetStream Summary",
            ["Server", "Cluster", "Domain", "Streams", "Consumers", "Messages", "Bytes",
             "Memory", "File", "API Req", "API Err"],
            rows,
        )  # fmt: skip

    run(ctx, body)


add_aliases(app, "report", "r")


@command(check, "exporter")
def check_exporter(
    ctx: typer.Context,
    config: Annotated[str, typer.Option("--config", help="natscli exporter config (YAML/JSON)")],
    port: Annotated[
        int, typer.Option(help="Port to serve /metrics on (0 picks a free one)")
    ] = 8080,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "0.0.0.0",
    https_certificate: Annotated[
        str | None, typer.Option(help="Serve HTTPS with this certificate (PEM)")
    ] = None,
    https_key: Annotated[str | None, typer.Option(help="The certificate's private key")] = None,
    namespace: Annotated[str, typer.Option(help="Prefix of the metric names")] = (
        "nats_server_check"
    ),
) -> None:
    """Serve the checks of a config file as Prometheus metrics on /metrics until Ctrl-C."""
    import asyncio
    import dataclasses
    import ssl

    import jsm.metrics
    from jsm.cli._app import settings_of

    if (https_certificate is None) != (https_key is None):
        raise CliError("--https-certificate and --https-key go together")
    try:
        loaded = jsm.metrics.ExporterConfig.load(config)
    except jsm.errors.InvalidOptionError as err:
        raise CliError(f"--config {config}: {err}") from None
    tls = None
    if https_certificate is not None and https_key is not None:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(https_certificate, https_key)
    settings = settings_of(ctx)
    settings.connect()  # check the connection flags before serving anything

    def connect(context: str | None) -> jsm.connect:
        chosen = settings if context is None else dataclasses.replace(settings, context=context)
        return chosen.connect()

    async def serve() -> None:
        exporter = jsm.metrics.Exporter(
            loaded, connect=connect, host=host, port=port, tls=tls, namespace=namespace
        )
        async with exporter:
            # Said once the port is bound, with the one picked for --port 0.
            out.line(f"serving /metrics on {host}:{exporter.port} ({len(loaded.checks)} checks)")
            await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
