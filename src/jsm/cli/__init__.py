"""The ``jsm`` command: natscli's JetStream workflow on the jsm library.

``jsm str add ORDERS --subjects "ORDERS.*" --defaults`` works as ``nats str add`` does.
Each command group is one module (``stream``, ``consumer``, ``pubsub``, ``kv``,
``objects``, ``events``, ``micro``, ``account``, ``server``) built on the public API
only. Needs the ``cli`` extra (``pip install jsm[cli]``); ``import jsm`` never imports
this package.
"""

from __future__ import annotations

import sys

__all__ = ["build_app", "main"]


def build_app() -> object:
    """Return the ``jsm`` typer application with every command group registered."""
    import typer

    from jsm.cli import consumer, events, pubsub, stream, stream_data  # noqa: F401  # stream_data registers on stream.app
    from jsm.cli._app import ROOT_HELP, root_callback

    app = typer.Typer(
        help=ROOT_HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root_callback)
    groups = [
        (stream.app, ["stream", "str", "s", "st", "ms"]),
        (consumer.app, ["consumer", "con", "c", "obs"]),
    ]
    app.command("pub", help="Publish a message, or --count of them ({{Count}} templates).")(
        pubsub.pub
    )
    app.command("publish", hidden=True)(pubsub.pub)
    app.command("req", help="Send a request and print the reply.")(pubsub.req)
    app.command("request", hidden=True)(pubsub.req)
    app.command("sub", help="Print the messages published on a subject.")(pubsub.sub)
    app.command("subscribe", hidden=True)(pubsub.sub)
    app.command("events", help="Show advisories and metrics as they happen.")(events.events)
    for alias in ("event", "e"):
        app.command(alias, hidden=True)(events.events)
    for group, names in groups:
        app.add_typer(group, name=names[0])
        for alias in names[1:]:
            app.add_typer(group, name=alias, hidden=True)
    return app


def main(argv: list[str] | None = None) -> int:
    """Run ``jsm`` with ``argv`` (default: the process's arguments); return the exit status."""
    from jsm.cli._app import execute

    app = build_app()
    return execute(app, list(sys.argv[1:] if argv is None else argv))  # type: ignore[arg-type]  # a typer.Typer
