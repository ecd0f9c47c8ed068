"""Declarative JetStream: keep streams, consumers and buckets in files; plan, apply, export.

The desired state is the directory examples/jetstream/ (natscli's stream.json and
consumer.json formats, YAML too). The script plans it against the server, applies it,
shows that a second plan is empty, spots drift made behind its back, exports what is on
the server, and finally removes what it made.

Run: python examples/declarative.py [nats://127.0.0.1:4222]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import jsm

STATE = Path(__file__).with_name("jetstream")
OURS = ["SHOP_*", "shop_*"]  # the streams and buckets this example owns


async def main(url: str) -> None:
    async with jsm.connect(url) as js:
        try:
            await tour(js)
        finally:
            await cleanup(js)


async def tour(js: jsm.Manager) -> None:
    state = jsm.DesiredState.load(STATE)  # every file checked against the schemas
    print(f"loaded {len(state)} resources from {STATE.name}/")

    # The plan only reads: creates come origins first, consumers after their streams.
    plan = await js.plan(state, prune=True, select=OURS)
    print(plan.to_text())
    result = await plan.apply()
    print(f"applied {len(result.applied)} changes")

    # Applying the same state again changes nothing.
    again = await js.plan(state, prune=True, select=OURS)
    print(f"second plan: {again.summary()['unchanged']} unchanged, drift: {again.has_drift}")

    # Someone edits the stream by hand: the plan shows the drift, field by field.
    orders = await js.streams.get("SHOP_ORDERS")
    await orders.edit(max_age=timedelta(days=1))
    drift = await js.plan(state, prune=True, select=OURS)
    print(drift.to_text())
    print(f"a CI 'diff' would exit with {drift.exit_code}")
    await drift.apply()

    # A change the server cannot make in place is a replace, refused unless allowed.
    declared = next(d for d in state if d.address == "stream.SHOP_ORDERS")
    in_memory = declared.stream_config().with_changes(storage=jsm.StorageType.MEMORY)
    replace = await js.plan(jsm.DesiredState().add_stream(in_memory))
    try:
        await replace.apply()
    except jsm.ChangeRefusedError as err:
        print(f"refused: {err}")

    # Export what is on the server: the files plan empty against it.
    exported = await js.export_state(select=OURS)
    with tempfile.TemporaryDirectory() as directory:
        written = exported.write(directory, format="yaml")
        print(f"exported {len(written)} files: {sorted(p.name for p in written)}")
        loaded = jsm.DesiredState.load(directory)
        empty = await js.plan(loaded, prune=True, select=OURS)
        print(f"plan of the export: drift {empty.has_drift}")


async def cleanup(js: jsm.Manager) -> None:
    """Converge on an empty state: prune everything this example owns."""
    plan = await js.plan(jsm.DesiredState(), prune=True, select=OURS)
    await plan.apply(allow_data_loss=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "nats://127.0.0.1:4222"))
