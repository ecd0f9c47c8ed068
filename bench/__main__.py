"""Run every bench module in turn: ``python -m bench [nats://host:port]`` (``make bench``).

Each module runs in its own process (as ``python -m bench.<name>``), so one module's
memory or event loop never colours the next one's figures; a failing module is
reported and the others still run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    modules = sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))
    failed = []
    for module in modules:
        print(f"\n=== bench.{module} ===", flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{module}", *argv], check=False)
        if result.returncode != 0:
            failed.append(module)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
