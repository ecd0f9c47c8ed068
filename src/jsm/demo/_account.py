"""Demo section: the account's JetStream usage, limits and API level."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    import jsm


def _limit(value: int) -> str:
    return "unlimited" if value < 0 else f"{value:,}"


async def account_section(js: jsm.Manager, say: Callable[[str], None]) -> None:
    """Print account info: usage, limits and the server's JetStream API level."""
    info = await js.account_info()
    say(f"JetStream API level {info.api_level}, domain {info.domain or '(none)'}")
    say(
        f"usage: {info.streams} streams, {info.consumers} consumers, "
        f"{info.memory:,} B memory, {info.storage:,} B file storage"
    )
    limits = info.limits
    say(
        f"limits: streams {_limit(limits.max_streams)}, consumers {_limit(limits.max_consumers)}, "
        f"memory {_limit(limits.max_memory)}, storage {_limit(limits.max_storage)}"
    )
    for tier, usage in sorted((info.tiers or {}).items()):
        say(f"tier {tier}: {usage.streams} streams, {usage.storage:,} B stored")
    say(f"API requests so far: {info.api.total} ({info.api.errors} errors)")
