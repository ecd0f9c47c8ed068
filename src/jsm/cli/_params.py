"""Command-line parameters that several ``jsm`` command groups share.

Each is a typed ``Annotated`` alias, so ``-j``, ``-f``, ``--names`` and the configuration
file flags read and behave the same in every group; a group's own arguments (a bucket, a
key, a consumer) stay in its module.
"""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["ConfigFile", "Defaults", "DryRun", "Force", "Json", "Names", "StreamArg"]

Json = Annotated[bool, typer.Option("-j", "--json", help="Produce JSON output")]
Force = Annotated[bool, typer.Option("-f", "--force", help="Act without prompting")]
Names = Annotated[bool, typer.Option("-n", "--names", help="Show just the names")]
StreamArg = Annotated[str, typer.Argument(help="Stream name")]
ConfigFile = Annotated[str | None, typer.Option(help="JSON file to read the configuration from")]
Defaults = Annotated[
    bool, typer.Option("--defaults", help="Accept default values (jsm never prompts)")
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Only show the differences, change nothing")
]
