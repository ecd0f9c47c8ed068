"""The root command group: groups load on first use, aliases resolve to natscli's names.

Building a typer group inspects every command's signature, which for all of jsm's
commands costs more than the whole start-up budget; so the root lists each group (and
each top-level command of :data:`COMMANDS`) by name and help text and imports and builds
only the one a command line names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NamedTuple

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer import _click as click


class GroupSpec(NamedTuple):
    """Where a lazily built command group lives."""

    modules: tuple[str, ...]  # the first defines ``app``; the others add commands to it
    help: str
    aliases: tuple[str, ...] = ()


GROUPS: dict[str, GroupSpec] = {
    "stream": GroupSpec(
        ("jsm.cli.stream", "jsm.cli.stream_data"),
        "JetStream stream management",
        ("str", "s", "st", "ms"),
    ),
    "consumer": GroupSpec(
        ("jsm.cli.consumer",), "JetStream consumer management", ("con", "c", "obs")
    ),
    "kv": GroupSpec(("jsm.cli.kv",), "Interacts with a JetStream based Key-Value store"),
    "micro": GroupSpec(("jsm.cli.micro",), "Micro Services discovery", ("svc",)),
    "account": GroupSpec(("jsm.cli.account",), "Account information and status"),
    "server": GroupSpec(
        ("jsm.cli.server",), "Server information and health checks", ("srv", "sys")
    ),
    "object": GroupSpec(
        ("jsm.cli.objects",), "Interacts with a JetStream based Object store", ("obj",)
    ),
}

# Top-level commands built on first use: name → (module whose ``app`` has it, help).
COMMANDS: dict[str, tuple[str, str]] = {
    "apply": ("jsm.cli.declarative", "Make the server match a directory of state files"),
    "diff": ("jsm.cli.declarative", "Show how the server differs from state files (exit 2: drift)"),
    "export": ("jsm.cli.declarative", "Write the server's configuration as state files"),
}

ALIASES: dict[str, str] = {
    "publish": "pub",
    "request": "req",
    "subscribe": "sub",
    "event": "events",
    "e": "events",
    **{alias: name for name, spec in GROUPS.items() for alias in spec.aliases},
}


class LazyRoot(TyperGroup):
    """The ``jsm`` group: builds a sub-group the first time it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = [*GROUPS, *COMMANDS]
        return list(self.commands) + [name for name in lazy if name not in self.commands]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        name = ALIASES.get(cmd_name, cmd_name)
        if name not in self.commands:
            if name in GROUPS:
                self.commands[name] = load_group(name)
            elif name in COMMANDS:
                self.commands[name] = load_command(name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, command.get_short_help_str(60))
            for name, command in self.commands.items()
            if not command.hidden
        ]
        rows += [(name, spec.help) for name, spec in GROUPS.items() if name not in self.commands]
        rows += [
            (name, help_) for name, (_, help_) in COMMANDS.items() if name not in self.commands
        ]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


def load_group(name: str) -> click.Command:
    """Import a group's modules and build its click command."""
    spec = GROUPS[name]
    modules = [importlib.import_module(module) for module in spec.modules]
    app = modules[0].app
    if not isinstance(app, typer.Typer):
        raise TypeError(f"{spec.modules[0]}.app is not a typer application")  # pragma: no cover
    group = typer.main.get_group(app)
    group.name = name
    return group


def load_command(name: str) -> click.Command:
    """Import a top-level command's module and build its click command."""
    module_name = COMMANDS[name][0]
    app = importlib.import_module(module_name).app
    if not isinstance(app, typer.Typer):
        raise TypeError(f"{module_name}.app is not a typer application")  # pragma: no cover
    return typer.main.get_group(app).commands[name]
