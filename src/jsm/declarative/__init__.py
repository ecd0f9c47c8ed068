"""Declarative JetStream: desired state in code or files, a plan against the server, apply, export.

::

    state = jsm.DesiredState.load("jetstream/")          # or build one with add_stream(...)
    plan = await js.plan(state, prune=False)
    print(plan.to_text())
    await plan.apply(allow_replace=False)
    (await js.export_state()).write("exported/")

The package is a layer over the public API (``js.streams``, ``js.kv``, ``js.objects``,
:class:`jsm.ConsumerManager`): loading and checking states (:mod:`.state`, ``_load``,
``_schema``), what the server stores (``_views``), differences and the server's update
rules (``_diff``), planning (``_planner``, :mod:`.plan`), applying (``_apply``), exporting
(``_export``, ``_files``) and rendering (``_render``).
"""

from __future__ import annotations

from jsm.declarative._diff import FieldChange as FieldChange
from jsm.declarative._errors import ApplyError as ApplyError
from jsm.declarative._errors import ChangeRefusedError as ChangeRefusedError
from jsm.declarative._errors import Problem as Problem
from jsm.declarative._errors import StateError as StateError
from jsm.declarative.plan import DRIFT_EXIT_CODE as DRIFT_EXIT_CODE
from jsm.declarative.plan import Action as Action
from jsm.declarative.plan import ApplyResult as ApplyResult
from jsm.declarative.plan import Change as Change
from jsm.declarative.plan import Plan as Plan
from jsm.declarative.state import Declaration as Declaration
from jsm.declarative.state import DesiredState as DesiredState
from jsm.declarative.state import ResourceKind as ResourceKind

__all__ = [
    "DRIFT_EXIT_CODE",
    "Action",
    "ApplyError",
    "ApplyResult",
    "Change",
    "ChangeRefusedError",
    "Declaration",
    "DesiredState",
    "FieldChange",
    "Plan",
    "Problem",
    "ResourceKind",
    "StateError",
]
