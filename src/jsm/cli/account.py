"""``jsm account``: the account's JetStream usage and limits (``js.account_info``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from jsm.cli import _output as out
from jsm.cli._app import command, new_group, run
from jsm.cli._params import Json

if TYPE_CHECKING:
    import jsm

app = new_group("Account information and status", examples="  jsm account info")


@command(app, "info")
def info(
    ctx: typer.Context,
    json_: Json = False,
) -> None:
    """Show the account's JetStream usage and limits."""

    async def body(js: jsm.Manager) -> None:
        found = await js.account_info()
        if json_:
            out.print_json(found)
            return
        limits = found.limits
        out.fields(
            "JetStream Account Information:",
            [
                ("Domain", found.domain),
                ("API Level", found.api_level),
                ("Memory", f"{out.size(found.memory)} of {out.size(limits.max_memory)}"),
                ("Storage", f"{out.size(found.storage)} of {out.size(limits.max_storage)}"),
                ("Streams", f"{found.streams:,} of {out.limit(limits.max_streams)}"),
                ("Consumers", f"{found.consumers:,} of {out.limit(limits.max_consumers)}"),
                ("API Requests", f"{found.api.total:,}"),
                ("API Errors", f"{found.api.errors:,}"),
                ("Max Bytes Required", limits.max_bytes_required),
            ],
        )

    run(ctx, body)
