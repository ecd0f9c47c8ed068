"""A service never leaks its internals: unexpected failures answer a generic 500 and are logged.

Only a deliberate ``ServiceError`` (and a payload that does not parse, 400) chooses what
the caller reads; handler shapes are checked when an endpoint is added; the calling side
turns every error reply and every bad argument into a typed ``JsmError``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from pydantic import BaseModel, ConfigDict

import jsm
from jsm import errors
from jsm.services.endpoint import INTERNAL_ERROR
from tests.integration.service_helpers import AddRequest, AddResponse

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from jsm._transport import NatsMsg

ENDPOINT_LOGGER = "jsm.services.endpoint"


class Strict(BaseModel):
    """A model whose validation a handler runs on its own data."""

    n: int


class Opaque:
    """Something no JSON serialiser knows."""


class Unsendable(BaseModel):
    """A model that cannot be serialised."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    thing: Opaque


def endpoint_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == ENDPOINT_LOGGER and r.levelno >= logging.ERROR]


async def test_an_unexpected_exception_answers_a_generic_500_and_is_logged(
    js: jsm.Manager, unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    svc = js.services.add(unique_name, "1.0.0")

    @svc.endpoint("boom", subject=f"{unique_name}.boom")
    async def boom(data: bytes) -> bytes:
        raise RuntimeError("db password is hunter2 (secret)")

    caplog.set_level(logging.ERROR, logger=ENDPOINT_LOGGER)
    async with svc.run():
        with pytest.raises(errors.ServiceRequestError) as caught:
            await js.services.request(f"{unique_name}.boom", b"x", timeout=10)
        [stats] = await js.services.stats(unique_name, timeout=10)
    err = caught.value
    assert isinstance(err, errors.JsmError)
    assert (err.code, err.description) == (500, INTERNAL_ERROR) == (500, "internal error")
    assert "secret" not in str(err) and "RuntimeError" not in str(err)
    assert stats.endpoints[0].last_error == "500:internal error"
    assert stats.endpoints[0].num_errors == 1
    [record] = endpoint_records(caplog)
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert "secret" in str(record.exc_info[1])
    assert "boom" in record.getMessage()


async def test_only_a_service_error_chooses_code_and_text(
    js: jsm.Manager, unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    svc = js.services.add(unique_name, "1.0.0")

    @svc.endpoint("pick", subject=f"{unique_name}.pick")
    async def pick(request: jsm.ServiceRequest) -> bytes:
        if request.data == b"chosen":
            raise jsm.ServiceError(404, "no such user")
        if request.data == b"validation":
            Strict.model_validate({"n": "not a number from the database"})
        if request.data == b"bad-code":
            raise jsm.ServiceError("404", "a string code")  # type: ignore[arg-type]  # the mistake under test
        if request.data == b"bad-text":
            raise jsm.ServiceError(409, {"internal": "state"})  # type: ignore[arg-type]  # the mistake under test
        if request.data == b"bad-error":
            await request.error("teapot", "secret")  # type: ignore[arg-type]  # the mistake under test
        if request.data == b"text-reply":
            await request.respond("secret text")  # type: ignore[arg-type]  # the mistake under test
        return b"ok"

    caplog.set_level(logging.ERROR, logger=ENDPOINT_LOGGER)
    async with svc.run():
        with pytest.raises(errors.ServiceRequestError) as caught:
            await js.services.request(f"{unique_name}.pick", b"chosen", timeout=10)
        assert (caught.value.code, caught.value.description) == (404, "no such user")
        generic = ["validation", "bad-code", "bad-text", "bad-error", "text-reply"]
        for case in generic:
            with pytest.raises(errors.ServiceRequestError) as caught:
                await js.services.request(f"{unique_name}.pick", case.encode(), timeout=10)
            assert (caught.value.code, caught.value.description) == (500, INTERNAL_ERROR), case
        assert await js.services.request(f"{unique_name}.pick", b"fine", timeout=10) == b"ok"
    records = endpoint_records(caplog)
    assert len(records) == len(generic)
    assert all(record.exc_info is not None for record in records)
    logged = [type(record.exc_info[1]) for record in records if record.exc_info]
    assert logged[0].__name__ == "ValidationError"
    assert logged[3:] == [errors.InvalidOptionError, errors.InvalidOptionError]
    assert "must be bytes" in str(records[4].exc_info[1] if records[4].exc_info else "")


async def test_a_payload_that_does_not_parse_answers_400_with_what_is_wrong(
    js: jsm.Manager, unique_name: str
) -> None:
    svc = js.services.add(unique_name, "1.0.0")

    @svc.endpoint("add", subject=f"{unique_name}.add")
    async def add(request: AddRequest) -> AddResponse:
        return AddResponse(sum=request.a + request.b)

    async with svc.run():
        with pytest.raises(errors.ServiceRequestError) as caught:
            await js.services.request(f"{unique_name}.add", b'{"a": 1}', timeout=10)
    assert caught.value.code == 400
    assert caught.value.description == "invalid AddRequest: b: Field required"


async def test_a_reply_of_the_wrong_type_answers_a_generic_500(
    js: jsm.Manager, unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    svc = js.services.add(unique_name, "1.0.0")

    @svc.endpoint("odd", subject=f"{unique_name}.odd")
    async def odd(data: bytes):  # type: ignore[no-untyped-def]  # unannotated: checked per reply
        return {"internal": 42}

    @svc.endpoint("unsendable", subject=f"{unique_name}.unsendable")
    async def unsendable(data: bytes) -> Unsendable:
        return Unsendable(thing=Opaque())

    caplog.set_level(logging.ERROR, logger=ENDPOINT_LOGGER)
    async with svc.run():
        for name in ("odd", "unsendable"):
            with pytest.raises(errors.ServiceRequestError) as caught:
                await js.services.request(f"{unique_name}.{name}", timeout=10)
            assert (caught.value.code, caught.value.description) == (500, INTERNAL_ERROR)
    first, second = endpoint_records(caplog)
    assert first.exc_info is not None and "return bytes, str" in str(first.exc_info[1])
    assert second.exc_info is not None


async def _returns_int(data: bytes) -> int:
    return 1


async def _returns_dict(data: bytes) -> dict[str, int]:
    return {}


async def _returns_optional_int(data: bytes) -> int | None:
    return None


async def _returns_bytes_or_none(data: bytes) -> bytes | None:
    return None


async def _returns_model(request: AddRequest) -> AddResponse:
    return AddResponse(sum=0)


async def _returns_str(request: jsm.ServiceRequest) -> str:
    return ""


async def _returns_nothing(request: jsm.ServiceRequest) -> None:
    return None


async def _never_returns(data: bytes) -> NoReturn:
    raise jsm.ServiceError(501, "not implemented")


async def _returns_any(data: bytes) -> Any:
    return b""


async def _unannotated(data: bytes):  # type: ignore[no-untyped-def]  # no annotation: allowed
    return b""


@pytest.mark.parametrize(
    "handler",
    [_returns_int, _returns_dict, _returns_optional_int],
    ids=["int", "dict", "int-or-none"],
)
async def test_an_unsupported_return_annotation_is_refused_when_registered(
    js: jsm.Manager, unique_name: str, handler: jsm.services.Handler
) -> None:
    svc = js.services.add(unique_name, "1.0.0")
    with pytest.raises(errors.InvalidOptionError) as caught:
        svc.endpoint("e")(handler)
    text = str(caught.value)
    assert "endpoint 'e'" in text
    assert "bytes, str, bytearray, memoryview, a pydantic model or None" in text
    with pytest.raises(errors.InvalidOptionError):
        svc.group("g").add_endpoint("e", handler)
    assert svc.endpoints == ()


@pytest.mark.parametrize(
    "handler",
    [
        _returns_bytes_or_none,
        _returns_model,
        _returns_str,
        _returns_nothing,
        _never_returns,
        _returns_any,
        _unannotated,
    ],
    ids=["bytes-or-none", "model", "str", "none", "noreturn", "any", "unannotated"],
)
async def test_supported_return_annotations_are_accepted(
    js: jsm.Manager, unique_name: str, handler: jsm.services.Handler
) -> None:
    svc = js.services.add(unique_name, "1.0.0")
    svc.endpoint("e")(handler)
    assert [e.name for e in svc.endpoints] == ["e"]


async def test_the_calling_side_raises_typed_errors(js: jsm.Manager, unique_name: str) -> None:
    async def foreign(msg: NatsMsg) -> None:
        # a service written elsewhere, answering with an error code that is not a number
        await js.nc.publish(
            msg.reply,
            b"",
            headers={"Nats-Service-Error": "busy", "Nats-Service-Error-Code": "soon"},
        )

    sub = await js.nc.subscribe(f"{unique_name}.foreign", cb=foreign)
    try:
        with pytest.raises(errors.ServiceRequestError) as caught:
            await js.services.request(f"{unique_name}.foreign", timeout=10)
        assert (caught.value.code, caught.value.description) == (500, "busy")
        assert caught.value.subject == f"{unique_name}.foreign"
    finally:
        await sub.unsubscribe()
    subject = f"{unique_name}.x"
    bad_calls: list[Callable[[], Awaitable[object]]] = [
        lambda: js.services.request(subject, headers={"n": 1}),  # type: ignore[dict-item]  # the mistake under test
        lambda: js.services.request(subject, headers=["n"]),  # type: ignore[call-overload]  # the mistake under test
        lambda: js.services.request(subject, response=dict),  # type: ignore[type-var]  # the mistake under test
        lambda: js.services.request(subject, Unsendable(thing=Opaque())),
        lambda: js.services.request(subject, 42),  # type: ignore[call-overload]  # the mistake under test
    ]
    for call in bad_calls:
        with pytest.raises(errors.InvalidOptionError):
            await call()


async def test_stats_data_that_cannot_be_sent_does_not_silence_stats(
    js: jsm.Manager, unique_name: str
) -> None:
    svc = js.services.add(unique_name, "1.0.0", stats_handler=lambda entry: Opaque())

    @svc.endpoint("e", subject=f"{unique_name}.e")
    async def echo(data: bytes) -> bytes:
        return data

    async with svc.run():
        [stats] = await js.services.stats(unique_name, svc.id, timeout=10)
    assert stats.endpoints[0].data is None


async def test_payloads_over_the_servers_limit_are_refused_before_the_wire(
    js: jsm.Manager, unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    limit = js.nc.max_payload
    svc = js.services.add(unique_name, "1.0.0")

    @svc.endpoint("big", subject=f"{unique_name}.big")
    async def big(data: bytes) -> bytes:
        return b"x" * (limit + 1)

    caplog.set_level(logging.ERROR, logger=ENDPOINT_LOGGER)
    async with svc.run():
        with pytest.raises(errors.InvalidOptionError, match="max_payload"):
            await js.services.request(f"{unique_name}.big", b"x" * (limit + 1), timeout=10)
        with pytest.raises(errors.ServiceRequestError) as caught:
            await js.services.request(f"{unique_name}.big", timeout=10)
        [stats] = await js.services.stats(unique_name, svc.id, timeout=10)
    assert (caught.value.code, caught.value.description) == (500, INTERNAL_ERROR)
    assert stats.endpoints[0].last_error == "500:internal error"
    [record] = endpoint_records(caplog)
    assert record.exc_info is not None and "max_payload" in str(record.exc_info[1])


async def test_a_text_payload_that_is_not_utf8_is_refused(
    js: jsm.Manager, unique_name: str
) -> None:
    # A lone surrogate raised UnicodeEncodeError from encoding the str payload.
    with pytest.raises(errors.InvalidOptionError, match="surrogate"):
        await js.services.request(f"{unique_name}.x", "total: \ud800")
