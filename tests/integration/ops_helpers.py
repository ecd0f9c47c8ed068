"""Helpers shared by the operations tests: schema validation of events, waiting for events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import jsonschema

import jsm
from jsm.events import SCHEMA_FILES, Event, EventModel, GenericEvent, StreamActionAdvisory
from tests.tools_helpers import SCHEMAS, load_tool

if TYPE_CHECKING:
    from jsm.events import EventStream

E = TypeVar("E", bound=Event)


GENERATOR = load_tool("gen_events")


def _declared(value: Any) -> Any:
    """The wire form without fields the schema does not declare (kept in ``model_extra``)."""
    if isinstance(value, EventModel):
        wire = value.to_wire()
        return {
            (info.alias or name): _declared(getattr(value, name))
            for name, info in type(value).model_fields.items()
            if (info.alias or name) in wire
        }
    if isinstance(value, list):
        return [_declared(v) for v in value]
    if isinstance(value, dict):
        return {k: _declared(v) for k, v in value.items()}
    return value


def validate_event(event: Event) -> None:
    """Assert the event is typed and what its schema declares validates against it.

    Newer servers send a few fields the published schemas do not list (snapshot_create's
    ``state``); those are kept in ``model_extra`` and left out of the validation.
    """
    assert not isinstance(event, GenericEvent), event.problem
    schema = GENERATOR.load_schema(SCHEMAS / SCHEMA_FILES[type(event)])
    jsonschema.validate(_declared(event), schema)


async def wait_for_event(
    events: EventStream,
    kind: type[E],
    *,
    match: dict[str, object] | None = None,
    within: float = 20,
) -> E:
    """The first event of ``kind`` whose fields equal ``match``, failing after ``within`` seconds."""
    with anyio.fail_after(within):
        while True:
            event = await events.next(timeout=within)
            if isinstance(event, kind) and all(
                getattr(event, k, None) == v for k, v in (match or {}).items()
            ):
                return event


async def delete_advisory(
    js: jsm.Manager, events: EventStream, name: str, *, attempts: int = 5
) -> StreamActionAdvisory:
    """The delete advisory of stream ``name`` (already deleted by the caller).

    The server queues a stream's delete advisory on that stream's own send loop, which
    the deletion stops: now and then the advisory is never sent. When it does not come,
    create and delete a stream of the same name again, a bounded number of times.
    """
    for attempt in range(attempts):
        if attempt:
            stream = await js.streams.add(jsm.StreamConfig(name=name, subjects=[f"{name}.>"]))
            await stream.delete()
        try:
            return await wait_for_event(
                events, StreamActionAdvisory, match={"stream": name, "action": "delete"}, within=3
            )
        except TimeoutError:
            continue
    raise AssertionError(f"no delete advisory for stream {name!r} in {attempts} attempts")
