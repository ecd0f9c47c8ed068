"""Pure parts of js.admin: request models against their schemas, reply parsing, checks."""

from __future__ import annotations

import json
from datetime import timedelta

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jsm
from jsm.admin._ops import check_account, meta_placement
from jsm.admin._query import decode_reply, is_server_id
from jsm.models import (
    AccountPurgeResponse,
    HealthzOptions,
    HealthzReply,
    JszOptions,
    JszReply,
    MetaLeaderStepdownRequest,
    MetaLeaderStepdownResponse,
    MetaServerRemoveRequest,
    MetaServerRemoveResponse,
    Placement,
)
from tests.integration.admin_helpers import schema

API = "jetstream/api/v1/"

SERVER = {
    "name": "n1",
    "host": "127.0.0.1",
    "id": "N" + "A" * 55,
    "cluster": "C1",
    "ver": "2.15.1",
    "jetstream": True,
    "flags": 7,
    "seq": 3,
    "time": "2026-11-25T08:19:27.115621573Z",
    "some_new_field": 1,
}


def test_request_models_validate_against_their_schemas() -> None:
    stepdown = MetaLeaderStepdownRequest(
        placement=Placement(cluster="C1", tags=["az:1"], preferred="n2")
    )
    jsonschema.validate(stepdown.to_wire(), schema(API + "meta_leader_stepdown_request.json"))
    jsonschema.validate(
        MetaLeaderStepdownRequest().to_wire(), schema(API + "meta_leader_stepdown_request.json")
    )
    for remove in (MetaServerRemoveRequest(peer="n3"), MetaServerRemoveRequest(peer_id="abc")):
        jsonschema.validate(remove.to_wire(), schema(API + "meta_server_remove_request.json"))


def test_replies_round_trip_their_schemas() -> None:
    cases = [
        (MetaLeaderStepdownResponse, "meta_leader_stepdown_response.json", {"success": True}),
        (MetaServerRemoveResponse, "meta_server_remove_response.json", {"success": True}),
        (AccountPurgeResponse, "account_purge_response.json", {"initiated": True}),
    ]
    for model, path, body in cases:
        title = schema(API + path)["title"]
        wire = {"type": title, **body}
        parsed = model.from_wire(json.dumps(wire))
        assert parsed.to_wire() == wire
        jsonschema.validate(parsed.to_wire(), schema(API + path))


def test_option_models_use_the_server_field_names() -> None:
    jsz = JszOptions(consumers=True, leader_only=True, server_name="n1", exact_match=True)
    assert jsz.to_wire() == {
        "consumer": True,
        "leader_only": True,
        "server_name": "n1",
        "exact_match": True,
    }
    healthz = HealthzOptions(js_enabled_only=True, js_server_only=True)
    assert healthz.to_wire() == {"js-enabled-only": True, "js-server-only": True}


def test_jsz_reply_parses_meta_and_account_details() -> None:
    data = {
        "server_id": SERVER["id"],
        "now": "2026-11-25T08:19:28Z",
        "memory": 0,
        "storage": 10,
        "api": {"level": 5, "total": 1, "errors": 0},
        "config": {"max_memory": 1, "max_storage": 2, "sync_interval": 120_000_000_000},
        "streams": 1,
        "consumers": 1,
        "messages": 0,
        "bytes": 0,
        "meta_cluster": {
            "name": "C1",
            "leader": "n1",
            "peer": "abc",
            "replicas": [
                {"name": "n2", "current": True, "active": 1_000_000, "peer": "p2"},
                {"name": "n3", "current": False, "offline": True, "active": 0, "peer": "p3"},
                {"name": "n4", "current": False, "active": 0, "lag": 3},
            ],
            "cluster_size": 4,
            "quorum_needed": 3,
            "pending": 2,
        },
        "account_details": [
            {
                "name": "APP",
                "id": "APP",
                "stream_detail": [
                    {
                        "name": "S",
                        "created": "2026-11-25T08:19:26Z",
                        "cluster": {"name": "C1", "leader": "n1", "replicas": []},
                        "state": {
                            "messages": 0,
                            "bytes": 0,
                            "first_seq": 0,
                            "last_seq": 0,
                            "consumer_count": 0,
                        },
                    }
                ],
            }
        ],
        "total": 1,
    }
    reply = decode_reply(
        json.dumps({"server": SERVER, "data": data}).encode(), JszReply, kind="JSZ"
    )
    assert reply.server.version == "2.15.1"
    assert reply.server.model_extra == {"some_new_field": 1}
    meta = reply.data.meta
    assert meta is not None and meta.leader == "n1" and meta.pending == 2
    assert meta.offline == ["n3"] and meta.lagged == ["n4"]
    assert reply.data.config is not None
    assert reply.data.config.sync_interval == timedelta(minutes=2)
    account = (reply.data.account_details or [])[0]
    assert [s.name for s in account.streams or []] == ["S"]


def test_error_replies_raise_typed_errors() -> None:
    body = {"server": SERVER, "error": {"code": 400, "description": "json: cannot unmarshal"}}
    with pytest.raises(jsm.errors.BadRequestError, match="cannot unmarshal") as info:
        decode_reply(json.dumps(body).encode(), JszReply, kind="JSZ")
    assert "server 'n1'" in str(info.value)
    with pytest.raises(jsm.errors.UnexpectedReplyError):
        decode_reply(b"not json", HealthzReply, kind="HEALTHZ")
    with pytest.raises(jsm.errors.UnexpectedReplyError):
        decode_reply(b'{"server": {}}', HealthzReply, kind="HEALTHZ")


def test_healthz_ok_and_errors() -> None:
    bad = {
        "status": "unavailable",
        "status_code": 503,
        "error": "JetStream stream is not current",
        "errors": [{"type": "STREAM", "account": "APP", "stream": "S", "error": "lagging"}],
    }
    reply = HealthzReply.from_wire(json.dumps({"server": SERVER, "data": bad}))
    assert not reply.data.ok
    assert (reply.data.errors or [])[0].stream == "S"
    ok = HealthzReply.from_wire(json.dumps({"server": SERVER, "data": {"status": "ok"}}))
    assert ok.data.ok


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=55, max_size=55))
def test_server_ids_are_56_character_nkeys(rest: str) -> None:
    assert is_server_id("N" + rest)
    assert not is_server_id("M" + rest)
    assert not is_server_id("N" + rest[:-1])
    assert not is_server_id("n" + rest.lower())


def test_meta_placement_checks_its_input() -> None:
    assert meta_placement(preferred=None, cluster=None, tags=None) is None
    assert meta_placement(preferred=None, cluster=None, tags=[]) is None
    placement = meta_placement(preferred="n2", cluster=None, tags=["a"])
    assert placement == Placement(preferred="n2", tags=["a"])
    for bad in ({"preferred": ""}, {"cluster": " "}, {"tags": [""]}, {"tags": "az"}):
        args: dict[str, object] = {"preferred": None, "cluster": None, "tags": None, **bad}
        with pytest.raises(jsm.errors.InvalidOptionError):
            meta_placement(**args)  # type: ignore[arg-type]


def test_account_names_may_be_nkeys_but_not_subjects() -> None:
    nkey = "A" + "B" * 55
    assert check_account(nkey) == nkey  # no JsmWarning for a long account key
    for bad in ("", "A.B", "A B", "A*", ">"):
        with pytest.raises(jsm.errors.InvalidNameError):
            check_account(bad)
