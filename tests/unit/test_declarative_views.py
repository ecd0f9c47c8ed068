"""What the server stores for a configuration, differences, replace rules and duration text."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest

import jsm
import jsm.declarative
from jsm.declarative._diff import (
    FieldChange,
    consumer_replace_reasons,
    field_changes,
    stream_replace_reasons,
)
from jsm.declarative._render import go_duration
from jsm.declarative._views import Defaults, consumer_view, stream_view

# What nats-server 2.15.1 stored for the minimal configurations in each test below.
SERVER_STREAM = (
    '{"name":"A","subjects":["A"],"retention":"limits","max_consumers":-1,"max_msgs":-1,'
    '"max_bytes":-1,"max_age":30000000000,"max_msgs_per_subject":-1,"max_msg_size":-1,'
    '"discard":"old","storage":"file","num_replicas":1,"duplicate_window":30000000000,'
    '"compression":"none","republish":{"src":"\\u003e","dest":"x.\\u003e"},"allow_direct":false,'
    '"mirror_direct":false,"sealed":false,"deny_delete":false,"deny_purge":false,'
    '"allow_rollup_hdrs":false,"consumer_limits":{},"allow_msg_ttl":false,"metadata":'
    '{"_nats.level":"5","_nats.req.level":"0","_nats.ver":"2.15.1"}}'
)
SERVER_MIRROR = (
    '{"name":"M","retention":"limits","max_consumers":-1,"max_msgs":-1,"max_bytes":-1,'
    '"max_age":0,"max_msgs_per_subject":-1,"max_msg_size":-1,"discard":"old","storage":"file",'
    '"num_replicas":1,"mirror":{"name":"A"},"compression":"none","allow_direct":false,'
    '"mirror_direct":true,"sealed":false,"deny_delete":false,"deny_purge":false,'
    '"allow_rollup_hdrs":false,"consumer_limits":{},"allow_msg_ttl":false}'
)
SERVER_PULL = (
    '{"durable_name":"d","name":"d","deliver_policy":"all","ack_policy":"explicit",'
    '"ack_wait":30000000000,"max_deliver":-1,"replay_policy":"instant","max_waiting":512,'
    '"max_ack_pending":1000,"num_replicas":0,"metadata":{"_nats.level":"5"}}'
)
SERVER_PINNED = (
    '{"durable_name":"b","name":"b","deliver_policy":"all","ack_policy":"explicit",'
    '"ack_wait":1000000000,"max_deliver":3,"backoff":[1000000000,2000000000],'
    '"replay_policy":"instant","max_waiting":512,"max_ack_pending":50,'
    '"inactive_threshold":3600000000000,"num_replicas":0,"priority_groups":["g"],'
    '"priority_policy":"pinned_client","priority_timeout":120000000000}'
)


def test_server_defaults_of_a_stream_are_not_drift() -> None:
    desired = jsm.StreamConfig(
        name="A", max_age=timedelta(seconds=30), republish=jsm.RePublish(dest="x.>")
    )
    assert stream_view(desired) == stream_view(jsm.StreamConfig.from_json(SERVER_STREAM))


def test_a_mirrors_direct_gets_follow_its_origin() -> None:
    desired = jsm.StreamConfig(name="M", mirror=jsm.StreamSource(name="A"))
    assert stream_view(desired) == stream_view(jsm.StreamConfig.from_json(SERVER_MIRROR))


def test_server_defaults_of_consumers_are_not_drift() -> None:
    pull = jsm.ConsumerConfig(durable_name="d")
    assert consumer_view(pull, None, Defaults()) == consumer_view(
        jsm.ConsumerConfig.from_json(SERVER_PULL), None, Defaults()
    )
    stream = jsm.StreamConfig(
        name="S",
        consumer_limits=jsm.StreamConsumerLimits(
            max_ack_pending=50, inactive_threshold=timedelta(hours=1)
        ),
    )
    pinned = jsm.ConsumerConfig(
        durable_name="b",
        backoff=[timedelta(seconds=1), timedelta(seconds=2)],
        max_deliver=3,
        priority_groups=["g"],
        priority_policy=jsm.PriorityPolicy.PINNED_CLIENT,
    )
    assert consumer_view(pinned, stream, Defaults()) == consumer_view(
        jsm.ConsumerConfig.from_json(SERVER_PINNED), stream, Defaults()
    )


def test_the_accounts_ack_pending_limit_caps_the_default() -> None:
    view = consumer_view(jsm.ConsumerConfig(durable_name="d"), None, Defaults(max_ack_pending=20))
    assert view["max_ack_pending"] == 20
    none = consumer_view(
        jsm.ConsumerConfig(durable_name="d", ack_policy=jsm.AckPolicy.NONE), None, Defaults()
    )
    assert "max_ack_pending" not in none and "ack_wait" not in none


def test_field_changes_go_into_objects_but_not_lists() -> None:
    old = {"subjects": ["a"], "metadata": {"team": "x", "tier": "1"}, "max_age": 5}
    new = {"subjects": ["a", "b"], "metadata": {"team": "y"}, "max_msgs": 3}
    assert field_changes(old, new) == [
        FieldChange("max_age", 5, None),
        FieldChange("max_msgs", None, 3),
        FieldChange("metadata.team", "x", "y"),
        FieldChange("metadata.tier", "1", None),
        FieldChange("subjects", ["a"], ["a", "b"]),
    ]


@pytest.mark.parametrize(
    ("old", "new", "replaced"),
    [
        ({"retention": "limits"}, {"retention": "interest"}, set()),
        ({}, {"retention": "workqueue"}, {"retention"}),
        ({"mirror": {"name": "A"}}, {}, set()),
        ({}, {"mirror": {"name": "A"}}, {"mirror"}),
        ({"deny_delete": True}, {"deny_delete": True}, set()),
        ({}, {"deny_delete": True, "allow_msg_ttl": True}, set()),
        ({"allow_msg_ttl": True, "sealed": True}, {}, {"allow_msg_ttl", "sealed"}),
        ({}, {"persist_mode": "async"}, {"persist_mode"}),
    ],
    ids=[
        "limits-to-interest",
        "to-workqueue",
        "promote-mirror",
        "become-mirror",
        "same",
        "switch-on",
        "switch-off",
        "persist-mode",
    ],
)
def test_stream_replace_rules(
    old: dict[str, object], new: dict[str, object], replaced: set[str]
) -> None:
    assert set(stream_replace_reasons(old, new)) == replaced


def test_push_consumers_may_change_delivery_subject_in_place() -> None:
    assert consumer_replace_reasons({"deliver_subject": "a"}, {"deliver_subject": "b"}) == {}
    assert set(consumer_replace_reasons({}, {"deliver_subject": "b"})) == {"deliver_subject"}
    assert consumer_replace_reasons({"max_deliver": 3}, {"max_deliver": 5}) == {}


@pytest.mark.parametrize(
    ("nanoseconds", "text"),
    [
        (0, "0s"),
        (1, "1ns"),
        (1_500, "1.5µs"),
        (250_000_000, "250ms"),
        (1_000_000_000, "1s"),
        (90_000_000_000, "1m30s"),
        (3_600_000_000_000, "1h0m0s"),
        (604_800_000_000_000, "168h0m0s"),
        (5_400_500_000_000, "1h30m0.5s"),
        (-2_000_000_000, "-2s"),
    ],
)
def test_durations_read_as_go_prints_them(nanoseconds: int, text: str) -> None:
    assert go_duration(nanoseconds) == text


def test_every_public_name_is_exported_and_documented() -> None:
    for name in jsm.declarative.__all__:
        value = getattr(jsm.declarative, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"jsm.declarative.{name} has no docstring"
    for name in (
        "DesiredState",
        "Plan",
        "Change",
        "ApplyResult",
        "StateError",
        "ApplyError",
        "ChangeRefusedError",
    ):
        assert getattr(jsm, name) is getattr(jsm.declarative, name) and name in jsm.__all__
    assert inspect.getdoc(jsm.Manager.plan) and inspect.getdoc(jsm.Manager.export_state)
