"""Hostile input to services: service and endpoint names, versions, metadata, endpoint
subjects, groups and queue groups, requests (subjects, payloads, headers, response
types, timeouts), replies and errors a handler sends with any headers, code or text,
and discovery with any name, id and wait."""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

import jsm
from jsm import errors
from tests.hostile.harness import attempt, attempt_sync, capped, hostile_settings
from tests.hostile.strategies import (
    HEADERS,
    PAYLOAD,
    SUBJECT,
    TIMEOUT,
    TOKEN,
    duration,
    hostile_subject,
    hostile_text,
    mostly,
    number,
)

if TYPE_CHECKING:
    from tests.hostile.harness import Health

pytestmark = pytest.mark.filterwarnings("ignore::jsm.JsmWarning")

VERSION = hostile_text(st.sampled_from(["1.0.0", "0.1.2-beta.1+build.5", "10.20.30"]))
METADATA = mostly(
    st.none() | st.dictionaries(TOKEN, TOKEN, max_size=2),
    st.dictionaries(hostile_text().filter(lambda k: isinstance(k, str)), hostile_text(), max_size=3)
    | hostile_text(),
)
QUEUE = mostly(st.none() | st.just("q") | TOKEN, hostile_text())


class Sum(BaseModel):
    """A request and response model for the typed endpoint."""

    a: int = 0
    b: int = 0


class Reply:
    """What the raw endpoint's handler answers with, drawn per example."""

    def __init__(self) -> None:
        self.error: tuple[Any, Any] | None = None
        self.headers: Any = None


def _service(health: Health, data: st.DataObject, reply: Reply) -> object:
    """A service made from drawn options and endpoints; a JsmError if any was refused."""
    js = health.js
    service = attempt_sync(
        js.services.add,
        data.draw(hostile_text(TOKEN.map(lambda t: f"{health.name}_{t}")), label="service"),
        data.draw(VERSION, label="version"),
        description=data.draw(
            mostly(st.none() | st.text(max_size=10), hostile_text()), label="description"
        ),
        metadata=data.draw(METADATA, label="metadata"),
        queue_group=data.draw(mostly(st.just("q"), hostile_text()), label="service queue"),
        max_in_flight=data.draw(number(st.integers(min_value=1, max_value=300)), label="in flight"),
        stop_timeout=data.draw(duration(st.floats(min_value=0.1, max_value=2)), label="stop"),
    )
    if not isinstance(service, jsm.Service):
        return service

    async def raw(request: jsm.ServiceRequest) -> None:
        if reply.error is not None:
            code, text = reply.error
            await request.error(code, text, headers=reply.headers)
        else:
            await request.respond(request.data, headers=reply.headers)

    async def add(request: Sum) -> Sum:
        return Sum(a=request.a + request.b)

    group = attempt_sync(
        service.group,
        data.draw(hostile_subject(SUBJECT), label="group prefix"),
        queue_group=data.draw(QUEUE, label="group queue"),
    )
    owner = group if isinstance(group, jsm.ServiceGroup) else service
    for name, handler in (("raw", raw), ("add", add)):
        attempt_sync(
            owner.add_endpoint,
            data.draw(hostile_text(st.just(name)), label=f"{name} endpoint"),
            handler,
            subject=data.draw(mostly(st.none(), hostile_subject(SUBJECT)), label=f"{name} subject"),
            queue_group=data.draw(QUEUE, label=f"{name} queue"),
            metadata=data.draw(METADATA, label=f"{name} metadata"),
        )
    return service


def _subjects(service: jsm.Service) -> list[str]:
    return [endpoint.subject for endpoint in service.info().endpoints]


@given(data=st.data())
@hostile_settings(40)
async def test_services_take_any_definition_request_and_reply(
    health: Health, data: st.DataObject
) -> None:
    reply = Reply()
    service = _service(health, data, reply)
    reply.error = data.draw(
        mostly(
            st.none()
            | st.tuples(st.integers(400, 599), st.text(string.ascii_letters, max_size=10)),
            st.tuples(number(st.integers()), hostile_text(st.text(max_size=10))),
        ),
        label="error",
    )
    reply.headers = data.draw(HEADERS, label="reply headers")
    target = data.draw(st.integers(min_value=0, max_value=3), label="target")
    payload = data.draw(
        mostly(PAYLOAD | st.builds(Sum, a=st.integers(-5, 5)), hostile_text()), label="payload"
    )
    response = data.draw(
        mostly(st.none() | st.just(Sum), st.sampled_from([int, dict, object, "Sum"])),
        label="response",
    )
    headers = data.draw(HEADERS, label="request headers")
    timeout = capped(data.draw(TIMEOUT, label="timeout"))
    stray = data.draw(hostile_subject(SUBJECT), label="stray subject")
    if isinstance(service, jsm.Service):

        async def serve_and_ask() -> None:
            async with service.run():
                subjects = _subjects(service)
                subject = subjects[target % len(subjects)] if subjects else stray
                await attempt(
                    health.js.services.request(
                        subject,
                        payload,
                        response=response,
                        timeout=timeout,
                        headers=headers,
                    ),
                    # The raw endpoint's reply is whatever was sent: not always a Sum.
                    allow=(errors.UnexpectedReplyError,) if response is not None else (),
                )
                await attempt(health.js.services.request(stray, b"x", timeout=1))

        await attempt(serve_and_ask())
    await health.check()


@given(data=st.data())
@hostile_settings(25)
async def test_discovery_takes_any_name_id_and_wait(health: Health, data: st.DataObject) -> None:
    services = health.js.services
    name = data.draw(mostly(st.none() | st.just(health.name), hostile_text()), label="name")
    instance = data.draw(mostly(st.none() | TOKEN, hostile_text()), label="id")
    timeout = capped(data.draw(duration(st.floats(min_value=0.1, max_value=1)), label="timeout"), 1)
    quiet = capped(data.draw(duration(st.floats(min_value=0.05, max_value=0.3)), label="quiet"), 1)
    verb = data.draw(st.sampled_from([services.ping, services.info, services.stats]), label="verb")
    discovery: Any = attempt_sync(verb, name, instance, timeout=timeout, quiet=quiet)
    if not isinstance(discovery, jsm.JsmError):
        await attempt(discovery)
    await health.check()
