"""Run every bench module in turn: ``python -m bench [nats://host:port]`` (``make bench``).

Each module runs in its own process (as ``python -m bench.<name>``), so one module's
memory or event loop never colours the next one's figures; a failing module is
reported and the others still run. At the end, one table gives every workload across
jsm, nats-py and nats.js from this run, and another the scale benches
(:mod:`bench._summary`).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench._summary import summarize

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    modules = sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))
    failed = []
    start = time.time()
    for module in modules:
        print(f"\n=== bench.{module} ===", flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{module}", *argv], check=False)
        if result.returncode != 0:
            failed.append(module)
    summarize(start)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
