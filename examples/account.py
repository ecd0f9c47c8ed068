"""Show the account's JetStream usage, limits per tier and the server's API level.

Run: python examples/account.py [nats://127.0.0.1:4222]
"""

from __future__ import annotations

import asyncio
import sys

import jsm


async def main(url: str) -> None:
    async with jsm.connect(url) as js:
        info = await js.account_info()
        print(f"API level {info.api_level}, domain {info.domain or '(none)'}")
        print(f"{info.streams} streams, {info.consumers} consumers")
        print(f"storage used: {info.storage:,} B file, {info.memory:,} B memory")
        for tier, usage in sorted((info.tiers or {}).items()):
            print(f"tier {tier}: max streams {usage.limits.max_streams}")

        # A Manager can also wrap a connection you already have; it never closes it.
        borrowed = jsm.Manager(js.nc, timeout=2.0)
        again = await borrowed.account_info()
        print(f"same account through a borrowed connection: {again.streams} streams")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "nats://127.0.0.1:4222"))
