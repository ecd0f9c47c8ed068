"""Operations on a JetStream deployment: ``js.admin`` (system-account queries, admin requests).

``await sys.admin.jsz(accounts=True)`` gathers every server's typed JetStream state;
``varz()`` and ``healthz()`` likewise; ``meta_leader_stepdown()``, ``server_remove()``,
``account_purge()`` and ``cancel_stream_move()`` administer the cluster. All of them need a
connection in the system account.
"""

from __future__ import annotations

from jsm._errors_base import ServerNotFoundError as ServerNotFoundError
from jsm._errors_base import SystemAccountRequiredError as SystemAccountRequiredError
from jsm.admin.manager import AdminManager as AdminManager

__all__ = ["AdminManager", "ServerNotFoundError", "SystemAccountRequiredError"]
