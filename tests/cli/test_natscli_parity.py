"""``jsm str add`` / ``con add`` create what natscli creates for the same flags.

Each expected request below is what natscli (cli/stream_command.go prepareConfig,
cli/consumer_command.go prepareConfig; jsm.go's api types for the JSON) sends for the
flags next to it, with every prompt answered by its default. The test sends that exact
JSON for a twin and compares the server's configs of both, field for field.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Mapping

    import jsm
    from tests.cli.conftest import Cli

_STREAM_BASE: dict[str, object] = {
    "retention": "limits",
    "max_consumers": -1,
    "max_msgs_per_subject": -1,
    "max_msgs": -1,
    "max_bytes": -1,
    "max_age": 0,
    "max_msg_size": -1,
    "storage": "file",
    "discard": "old",
    "num_replicas": 1,
    "duplicate_window": 120_000_000_000,
    "compression": "none",
    "sealed": False,
    "deny_delete": False,
    "deny_purge": False,
    "allow_rollup_hdrs": False,
    "allow_direct": True,
    "mirror_direct": False,
    "consumer_limits": {},
}

STREAM_CASES: dict[str, tuple[list[str], dict[str, object]]] = {
    "cheatsheet": (
        [
            "--ack", "--max-msgs=-1", "--max-bytes=-1", "--max-age=1y", "--storage", "file",
            "--retention", "limits", "--max-msg-size=-1", "--discard=old", "--replicas", "1",
            "--dupe-window=2m",
        ],
        {"max_age": 31_536_000_000_000_000},
    ),
    "defaults": (["--defaults"], {}),
    "no-flags": ([], {}),
    "limits-and-policies": (
        [
            "--description", "orders of the day", "--retention", "interest", "--discard", "new",
            "--discard-per-subject", "--max-msgs-per-subject", "5", "--max-age", "90s",
            "--max-bytes", "1GB", "--max-msg-size", "1KiB", "--max-msgs", "1000",
            "--max-consumers", "10", "--no-ack", "--allow-rollup", "--deny-delete",
            "--no-allow-direct", "--compression", "s2", "--metadata",
            "owner=ops", "--allow-msg-ttl", "--subject-del-markers-ttl", "5m",
        ],
        {
            "description": "orders of the day",
            "retention": "interest",
            "discard": "new",
            "discard_new_per_subject": True,
            "max_msgs_per_subject": 5,
            "max_age": 90_000_000_000,
            "duplicate_window": 90_000_000_000,  # the max age, being under 2 minutes
            "max_bytes": 1024**3,
            "max_msg_size": 1024,
            "max_msgs": 1000,
            "max_consumers": 10,
            "no_ack": True,
            "allow_rollup_hdrs": True,
            "deny_delete": True,
            "allow_direct": False,
            "compression": "s2",
            "metadata": {"owner": "ops"},
            "allow_msg_ttl": True,
            "subject_delete_marker_ttl": 300_000_000_000,
        },
    ),
}  # fmt: skip


def _comparable(config: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in config.items() if k not in ("name", "subjects", "durable_name")}


async def _server_config(
    js: jsm.Manager, api: str, body: Mapping[str, object]
) -> dict[str, object]:
    reply = json.loads(
        (await js.nc.request(js.api.subjects.api(api), json.dumps(body).encode(), timeout=10)).data
    )
    assert "error" not in reply, reply
    config = reply["config"]
    assert isinstance(config, dict)
    return config


@pytest.mark.parametrize("case", sorted(STREAM_CASES))
async def test_stream_add_creates_what_natscli_creates(
    cli: Cli, js: jsm.Manager, case: str
) -> None:
    flags, changes = STREAM_CASES[case]
    await cli.ok("str", "add", "JSM", "--subjects", "JSM.*", *flags)
    ours = json.loads((await cli.ok("str", "info", "JSM", "-j")).out)["config"]
    natscli = _STREAM_BASE | changes | {"name": "NATSCLI", "subjects": ["NATSCLI.*"]}
    theirs = await _server_config(js, "STREAM.CREATE.NATSCLI", natscli)
    assert _comparable(ours) == _comparable(theirs)


_DISPATCH = [
    "--filter", "ORDERS.processed", "--ack", "explicit", "--pull", "--deliver", "all",
    "--sample", "100", "--max-deliver", "20", "--replay", "instant", "--max-pending", "0",
]  # fmt: skip
_NEW = [
    "--filter", "ORDERS.received", "--ack", "explicit", "--pull", "--deliver", "all",
    "--max-deliver=-1", "--sample", "100",
]  # fmt: skip
_MONITOR = [
    "--filter", "", "--ack", "none", "--target", "monitor.ORDERS", "--deliver", "last",
    "--replay", "instant",
]  # fmt: skip
# natscli sends PauseUntil as Go's zero time (a time.Time with omitempty is never empty).
_ZERO: dict[str, object] = {"pause_until": "0001-01-01T00:00:00Z", "num_replicas": 0}
CONSUMER_CASES: dict[str, tuple[list[str], dict[str, object]]] = {
    "dispatch": (
        _DISPATCH,
        {"ack_policy": "explicit", "deliver_policy": "all", "filter_subject": "ORDERS.processed",
         "replay_policy": "instant", "sample_freq": "100", "max_deliver": 20} | _ZERO,
    ),
    "new": (
        _NEW,
        {"ack_policy": "explicit", "deliver_policy": "all", "filter_subject": "ORDERS.received",
         "replay_policy": "instant", "sample_freq": "100", "max_deliver": -1} | _ZERO,
    ),
    "monitor": (
        _MONITOR,
        {"ack_policy": "none", "deliver_policy": "last", "deliver_subject": "monitor.ORDERS",
         "replay_policy": "instant", "max_deliver": -1} | _ZERO,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CONSUMER_CASES))
async def test_consumer_add_creates_what_natscli_creates(
    cli: Cli, js: jsm.Manager, case: str
) -> None:
    flags, natscli = CONSUMER_CASES[case]
    await cli.ok("str", "add", "ORDERS", "--subjects", "ORDERS.*", "--defaults")
    await cli.ok("con", "add", "ORDERS", "JSM", *flags)
    ours = json.loads((await cli.ok("con", "info", "ORDERS", "JSM", "-j")).out)["config"]
    body = {"stream_name": "ORDERS", "config": natscli | {"durable_name": "NATSCLI"}}
    theirs = await _server_config(js, "CONSUMER.CREATE.ORDERS.NATSCLI", body)
    if "deliver_subject" in ours:  # two push consumers cannot share a target
        assert ours.pop("deliver_subject") == theirs.pop("deliver_subject")
    # The one difference (docs/cli.md): the server keeps natscli's zero pause_until,
    # which means "not paused"; jsm sends no pause_until at all.
    assert theirs.pop("pause_until") == "0001-01-01T00:00:00Z"
    assert "pause_until" not in ours
    assert _comparable(ours) == _comparable(theirs)
