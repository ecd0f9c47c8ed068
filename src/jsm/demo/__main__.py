"""Entry point of ``python -m jsm.demo``."""

from __future__ import annotations

import asyncio

from jsm.demo import run_demo


def main() -> None:
    """Run the tour, printing each line."""
    asyncio.run(run_demo(print))


if __name__ == "__main__":
    main()
