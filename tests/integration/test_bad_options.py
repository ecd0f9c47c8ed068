"""Bad options raise clear typed errors before anything is sent."""

from __future__ import annotations

from datetime import timedelta

import pytest

import jsm
from jsm import errors
from jsm.subjects import check_name


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"domain": "hub", "api_prefix": "JS.X.API"}, "mutually exclusive"),
        ({"domain": "a.b"}, "domain"),
        ({"domain": ""}, "domain"),
        ({"api_prefix": "JS.*.API"}, "api_prefix"),
        ({"timeout": 0}, "positive"),
        ({"timeout": -1.0}, "positive"),
        ({"timeout": timedelta(milliseconds=100)}, "at least 500ms"),
    ],
    ids=[
        "domain+prefix",
        "dotted-domain",
        "empty-domain",
        "wildcard-prefix",
        "zero",
        "negative",
        "tiny",
    ],
)
def test_connect_rejects_bad_options_without_connecting(
    options: dict[str, object], match: str
) -> None:
    # Port 1 has no server: reaching the network would fail differently.
    with pytest.raises(errors.InvalidOptionError, match=match):
        jsm.connect("nats://127.0.0.1:1", **options)  # type: ignore[arg-type]


async def test_manager_rejects_bad_options_and_sends_nothing(js: jsm.Manager) -> None:
    before = (await js.account_info()).api.total
    with pytest.raises(errors.InvalidOptionError, match="mutually exclusive"):
        jsm.Manager(js.nc, domain="hub", api_prefix="JS.X.API")
    with pytest.raises(errors.InvalidOptionError, match="timeout"):
        jsm.Manager(js.nc, timeout=0)
    with pytest.raises(errors.InvalidOptionError, match="timeout must be positive"):
        await js.account_info(timeout=-1)
    with pytest.raises(errors.InvalidOptionError, match="at least 500ms"):
        await js.account_info(timeout=0.1)
    with pytest.raises(errors.InvalidOptionError, match="nats-py connection"):
        jsm.Manager("nats://127.0.0.1:4222")  # type: ignore[arg-type]
    after = (await js.account_info()).api.total
    assert after == before + 1, "only the second account_info call may reach the server"


@pytest.mark.parametrize("name", ["a.b", "a b", "a*", "a>", "a/b", ""])
def test_invalid_names_are_rejected_locally(name: str) -> None:
    with pytest.raises(errors.InvalidNameError):
        check_name(name)
