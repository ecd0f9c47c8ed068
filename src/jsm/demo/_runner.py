"""Runs the demo sections against an embedded server that it starts and stops itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import jsm
from jsm.demo._account import account_section
from jsm.demo._cli import cli_section
from jsm.demo._consumers import consumers_section
from jsm.demo._declarative import declarative_section
from jsm.demo._kv import kv_section
from jsm.demo._objects import objects_section
from jsm.demo._observability import observability_section
from jsm.demo._operations import operations_section
from jsm.demo._publish import publish_section
from jsm.demo._services import services_section
from jsm.demo._streams import streams_section
from jsm.testing import run_server

Say = Callable[[str], None]
Section = Callable[[jsm.Manager, Say], Awaitable[None]]

SECTIONS: list[tuple[str, Section]] = [
    ("Account", account_section),
    ("Streams", streams_section),
    ("Consumers", consumers_section),
    ("Services", services_section),
    ("Key-Value", kv_section),
    ("Object store", objects_section),
    ("Publishing", publish_section),
    ("Declarative state", declarative_section),
    ("Command line", cli_section),
    ("Observability", observability_section),
]
"""The tour, in order: (title, section)."""

SystemSection = Callable[[jsm.Manager, jsm.Manager, Say], Awaitable[None]]

SYSTEM_SECTIONS: list[tuple[str, SystemSection]] = [
    ("Operations", operations_section),
]
"""Sections that also use a system-account connection: (title, section(js, system, say))."""


async def run_demo(say: Say) -> None:
    """Start an embedded JetStream server, run every section on it, stop the server."""
    async with run_server() as server:
        say(f"embedded nats-server running at {server.client_url}")
        async with jsm.connect(server.client_url) as js:
            for title, section in SECTIONS:
                say("")
                say(f"== {title} ==")
                await section(js, say)
            async with jsm.connect(server.system_url) as system:
                for title, system_section in SYSTEM_SECTIONS:
                    say("")
                    say(f"== {title} ==")
                    await system_section(js, system, say)
    say("")
    say("server stopped; tour complete")
