"""Demo section: a desired state planned, applied, drifted from, re-applied and exported."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import jsm

if TYPE_CHECKING:
    from collections.abc import Callable

_OURS = ["DEMO_DECL_*", "demo_decl_*"]


def _desired() -> jsm.DesiredState:
    state = jsm.DesiredState()
    state.add_stream(
        jsm.StreamConfig(
            name="DEMO_DECL_ORDERS", subjects=["demo.decl.>"], max_age=timedelta(days=7)
        )
    )
    state.add_stream(
        jsm.StreamConfig(name="DEMO_DECL_COPY", mirror=jsm.StreamSource(name="DEMO_DECL_ORDERS"))
    )
    state.add_consumer("DEMO_DECL_ORDERS", jsm.ConsumerConfig(durable_name="billing"))
    state.add_key_value(jsm.KeyValueConfig(bucket="demo_decl_flags", history=3))
    return state


async def declarative_section(js: jsm.Manager, say: Callable[[str], None]) -> None:
    """Plan and apply a state, show that it holds, catch drift, export, and clean up."""
    state = _desired()
    plan = await js.plan(state, prune=True, select=_OURS)
    for line in plan.to_text().splitlines():
        say(line)
    await plan.apply()
    again = await js.plan(state, prune=True, select=_OURS)
    say(f"applied; planning again finds drift: {again.has_drift}")
    await (await js.streams.get("DEMO_DECL_ORDERS")).edit(max_age=timedelta(hours=1))
    drift = await js.plan(state, prune=True, select=_OURS)
    (change,) = drift.pending
    field = change.fields[0]
    say(
        f"after a manual edit: {change.address} {field.field} differs (exit code {drift.exit_code})"
    )
    await drift.apply()
    exported = await js.export_state(select=_OURS)
    say(f"exported {len(exported)} resources; {sorted(d.address for d in exported)}")
    await (await js.plan(jsm.DesiredState(), prune=True, select=_OURS)).apply()
    say("pruned back to nothing")
