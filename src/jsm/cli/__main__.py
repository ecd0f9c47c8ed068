"""``python -m jsm.cli`` runs the ``jsm`` command."""

from __future__ import annotations

import sys

from jsm.cli import main

sys.exit(main())
