"""The ``jsm`` command: natscli's JetStream workflow on the jsm library.

``jsm str add ORDERS --subjects "ORDERS.*" --defaults`` works as ``nats str add`` does.
Each command group is one module (``stream``, ``consumer``, ``pubsub``, ``kv``,
``objects``, ``events``, ``micro``, ``account``, ``server``) built on the public API
only, and is imported only when the command line names it, so start-up stays short.
Needs the ``cli`` extra (``pip install jsm[cli]``); ``import jsm`` never imports this
package.
"""

from __future__ import annotations

import sys

__all__ = ["build_app", "main"]


def build_app() -> object:
    """Return the ``jsm`` typer application (command groups load when first named)."""
    import typer

    from jsm.cli import events, pubsub
    from jsm.cli._app import ROOT_HELP, root_callback
    from jsm.cli._root import LazyRoot

    app = typer.Typer(
        cls=LazyRoot,
        help=ROOT_HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root_callback)
    app.command("pub", help="Publish a message, or --count of them ({{Count}} templates).")(
        pubsub.pub
    )
    app.command("req", help="Send a request and print the reply.")(pubsub.req)
    app.command("sub", help="Print the messages published on a subject.")(pubsub.sub)
    app.command("events", help="Show advisories and metrics as they happen.")(events.events)
    return app


def main(argv: list[str] | None = None) -> int:
    """Run ``jsm`` with ``argv`` (default: the process's arguments); return the exit status."""
    from jsm.cli._app import execute

    app = build_app()
    return execute(app, list(sys.argv[1:] if argv is None else argv))  # type: ignore[arg-type]  # a typer.Typer
