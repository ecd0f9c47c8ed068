"""Service names, versions, subjects and endpoint shapes are checked before the wire."""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nats.aio.client import Client as NatsClient
from pydantic import BaseModel

import jsm
from jsm.errors import InvalidNameError, InvalidOptionError
from jsm.services._checks import SEMVER, check_service_name, check_version
from jsm.services._handlers import encode_reply

if TYPE_CHECKING:
    from jsm.services import Request


class Point(BaseModel):
    """A request model."""

    x: int


def _service(**options: object) -> jsm.Service:
    return jsm.Service(NatsClient(), "svc", version="1.0.0", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "version", ["1.0.0", "0.0.1", "10.20.30", "1.0.0-rc.1", "1.0.0-alpha+001", "1.0.0+build.5"]
)
def test_semantic_versions_are_accepted(version: str) -> None:
    assert check_version(version) == version


@pytest.mark.parametrize(
    "version",
    ["", "1", "1.0", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0+", " 1.0.0", "1.0.0\n"],
)
def test_other_versions_are_refused_with_the_rule(version: str) -> None:
    with pytest.raises(InvalidOptionError, match="semantic version"):
        jsm.Service(NatsClient(), "svc", version=version)


@given(st.tuples(*(st.integers(0, 10**6),) * 3))
def test_every_plain_triple_is_a_version(parts: tuple[int, int, int]) -> None:
    assert SEMVER.fullmatch(".".join(map(str, parts)))


@pytest.mark.parametrize("name", ["", "a.b", "a b", "a*", "a>", "ü", "a/b", "a:b"])
def test_bad_service_and_endpoint_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidNameError, match="letters, digits"):
        jsm.Service(NatsClient(), name, version="1.0.0")
    svc = _service()
    with pytest.raises(InvalidNameError, match="endpoint name"):

        @svc.endpoint(name)
        async def handler(data: bytes) -> bytes:
            return data  # pragma: no cover


@pytest.mark.parametrize("subject", ["", "a..b", "a b", "a.>.b", "a*"])
def test_bad_endpoint_subjects_groups_and_queue_groups_are_refused(subject: str) -> None:
    svc = _service()
    with pytest.raises(InvalidNameError):
        svc.add_endpoint("e", _echo, subject=subject)
    with pytest.raises(InvalidNameError):
        svc.add_endpoint("e", _echo, queue_group=subject or " ")
    with pytest.raises(InvalidNameError):
        svc.group(subject or ">")
    with pytest.raises(InvalidNameError):
        jsm.Service(NatsClient(), "svc", version="1.0.0", queue_group=subject or "a.*")


async def _echo(data: bytes) -> bytes:
    return data  # pragma: no cover


def test_duplicate_endpoint_names_and_subjects_are_refused() -> None:
    svc = _service()
    svc.add_endpoint("a", _echo)
    with pytest.raises(InvalidOptionError, match="already has an endpoint named 'a'"):
        svc.add_endpoint("a", _echo, subject="other")
    with pytest.raises(InvalidOptionError, match="would both listen on 'a'"):
        svc.add_endpoint("b", _echo, subject="a")
    group = svc.group("g")
    group.add_endpoint("c", _echo)
    with pytest.raises(InvalidOptionError, match=r"would both listen on 'g\.c'"):
        svc.add_endpoint("d", _echo, subject="g.c")
    assert [e.subject for e in svc.endpoints] == ["a", "g.c"]


def test_groups_nest_and_pass_their_queue_group_down() -> None:
    svc = _service(queue_group="base")
    inner = svc.group("a", queue_group="qa").group("b")
    endpoint = inner.add_endpoint("e", _echo, subject="x.*")
    assert (endpoint.subject, endpoint.queue_group) == ("a.b.x.*", "qa")
    assert svc.group("z").add_endpoint("f", _echo).queue_group == "base"
    assert inner.prefix == "a.b"


def test_handlers_must_be_async_with_one_understood_parameter() -> None:
    svc = _service()

    def sync(data: bytes) -> bytes:
        return data  # pragma: no cover

    async def two(a: bytes, b: bytes) -> bytes:
        return a  # pragma: no cover

    async def odd(a: int) -> bytes:
        return b""  # pragma: no cover

    for handler, text in [(sync, "async function"), (two, "exactly one"), (odd, "annotate")]:
        with pytest.raises(InvalidOptionError, match=text):
            svc.add_endpoint("e", handler)  # type: ignore[arg-type]

    async def raw(request: Request) -> None:  # annotation known only to type checkers
        return None  # pragma: no cover

    async def typed(point: Point) -> Point:
        return point  # pragma: no cover

    svc.add_endpoint("raw", raw)
    svc.add_endpoint("typed", typed)


def test_metadata_and_limits_are_checked() -> None:
    with pytest.raises(InvalidOptionError, match="strings to strings"):
        _service(metadata={"a": 1})
    with pytest.raises(InvalidOptionError, match="max_in_flight"):
        _service(max_in_flight=0)
    with pytest.raises(InvalidOptionError, match="stop_timeout"):
        _service(stop_timeout=-1)
    with pytest.raises(InvalidOptionError, match="nats-py connection"):
        jsm.Service("nats://x", "svc", version="1.0.0")  # type: ignore[arg-type]


def test_replies_encode_bytes_text_and_models() -> None:
    assert encode_reply(None) == b""
    assert encode_reply("é") == "é".encode()
    assert encode_reply(bytearray(b"ab")) == b"ab"
    assert encode_reply(Point(x=1)) == b'{"x":1}'
    with pytest.raises(TypeError, match="return bytes, str"):
        encode_reply(3)


@pytest.mark.parametrize(
    "error",
    [
        jsm.ServiceError(404, "gone"),
        jsm.ServiceRequestError(500, "boom", subject="calc.add"),
        jsm.errors.NoServiceRespondersError("nobody"),
    ],
)
def test_service_errors_pickle_and_show_their_fields(error: jsm.JsmError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), repr(copy)) == (type(error), str(error), repr(error))
    assert str(error) and "(" in repr(error)


def test_discovery_arguments_are_checked() -> None:
    services = jsm.ServiceManager(NatsClient())
    with pytest.raises(InvalidOptionError, match="needs the service name"):
        services.ping(None, "ID")
    with pytest.raises(InvalidNameError):
        services.info("bad name")
    with pytest.raises(InvalidOptionError, match="timeout"):
        services.stats(timeout=0)


@given(st.text(max_size=12))
def test_service_names_are_exactly_the_adr_32_alphabet(name: str) -> None:
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    valid = bool(name) and set(name) <= allowed
    try:
        check_service_name(name)
    except InvalidNameError:
        assert not valid
    else:
        assert valid
