"""A tour of jsm on an embedded nats-server: ``python -m jsm.demo`` (``make demo``).

Each capability has its own section module (``_account.py``, ``_streams.py``, …); a
section is an async function taking the connected manager and a ``say`` function that
prints one line. ``SECTIONS`` lists them in the order the tour runs.
"""

from __future__ import annotations

from jsm.demo._account import account_section
from jsm.demo._runner import SECTIONS, Say, Section, run_demo

__all__ = ["SECTIONS", "Say", "Section", "account_section", "run_demo"]
