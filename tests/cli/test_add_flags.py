"""The less common ``str add`` and ``con add`` flags set what they say."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import jsm
    from tests.cli.conftest import Cli


async def test_mirror_sources_transform_and_republish(cli: Cli, js: jsm.Manager) -> None:
    await cli.ok("str", "add", "ORIGIN", "--subjects", "origin.>", "--defaults")
    await cli.ok("str", "add", "COPY", "--mirror", "ORIGIN", "--defaults")
    mirror = (await js.streams.info("COPY")).config
    assert mirror.mirror is not None and mirror.mirror.name == "ORIGIN"
    assert mirror.subjects is None
    source = '{"name": "ORIGIN", "filter_subject": "origin.eu.>"}'
    await cli.ok(
        "str", "add", "MERGED", "--source", source, "--defaults",
        "--transform-source", "merged.>", "--transform-destination", "moved.>",
        "--subjects", "merged.>", "--republish-source", "merged.>",
        "--republish-destination", "again.>", "--republish-headers",
        "--metadata", "team=ops", "--first-sequence", "100",
    )  # fmt: skip
    merged = (await js.streams.info("MERGED")).config
    assert merged.sources is not None and merged.sources[0].filter_subject == "origin.eu.>"
    assert merged.subject_transform is not None and merged.subject_transform.dest == "moved.>"
    assert merged.republish is not None and merged.republish.headers_only
    assert (merged.metadata or {}).get("team") == "ops" and merged.first_seq == 100
    assert (
        "mirrors cannot"
        in (await cli.fails("str", "add", "BAD", "--mirror", "ORIGIN", "--subjects", "x")).err
    )
    await cli.ok("str", "edit", "MERGED", "--no-republish", "--no-transform", "-f")
    edited = (await js.streams.info("MERGED")).config
    assert edited.republish is None and edited.subject_transform is None


async def test_consumer_flags(cli: Cli, js: jsm.Manager) -> None:
    await cli.ok("str", "add", "ORDERS", "--subjects", "ORDERS.*", "--defaults")
    await cli.ok(
        "con", "add", "ORDERS", "RICH", "--pull", "--filter", "ORDERS.a", "--filter", "ORDERS.b",
        "--ack", "all", "--wait", "45s", "--backoff", "linear", "--backoff-steps", "3",
        "--backoff-min", "1s", "--backoff-max", "4s", "--max-deliver=-1", "--max-waiting", "7",
        "--max-pull-batch", "50", "--max-pull-expire", "30s", "--inactive-threshold", "1h",
        "--headers-only", "--memory", "--metadata", "owner=ops", "--description", "rich",
        "--deliver", "new", "--max-pending", "20",
    )  # fmt: skip
    consumers = (await js.streams.get("ORDERS")).consumers
    rich = (await consumers.info("RICH")).config
    assert rich.filter_subjects == ["ORDERS.a", "ORDERS.b"]
    # With a backoff the server waits backoff[0] for the first ack, whatever --wait says.
    assert (str(rich.ack_policy), rich.ack_wait, str(rich.deliver_policy)) == (
        "all",
        timedelta(seconds=1),
        "new",
    )
    assert rich.backoff == [timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=3)]
    assert rich.max_deliver == 4  # natscli: one more than the backoff steps
    assert (rich.max_waiting, rich.max_batch, rich.max_ack_pending) == (7, 50, 20)
    assert (rich.headers_only, rich.mem_storage, rich.description) == (True, True, "rich")
    assert (rich.metadata or {}).get("owner") == "ops"

    await cli.ok(
        "con", "add", "ORDERS", "PUSHY", "--target", "pushy.out", "--deliver-group", "workers",
        "--heartbeat", "5s", "--flow-control", "--deliver", "subject", "--ack", "explicit",
        "--pause", "10m",
    )  # fmt: skip
    pushy = await consumers.info("PUSHY")
    assert (pushy.config.deliver_group, pushy.config.idle_heartbeat, pushy.config.flow_control) == (
        "workers", timedelta(seconds=5), True
    )  # fmt: skip
    assert (str(pushy.config.deliver_policy), pushy.config.filter_subject) == (
        "last_per_subject",
        ">",
    )
    assert pushy.paused
    await cli.ok("con", "add", "ORDERS", "OVER", "--pull", "--defaults", "--overflow-groups", "g1")
    over = (await consumers.info("OVER")).config
    assert (str(over.priority_policy), over.priority_groups) == ("overflow", ["g1"])
    await cli.ok("con", "add", "ORDERS", "WAITS", "--pull", "--defaults", "--wait", "45s")
    assert (await consumers.info("WAITS")).config.ack_wait == timedelta(seconds=45)
    await cli.ok(
        "con", "add", "ORDERS", "--ephemeral", "--pull", "--defaults", "--inactive-threshold", "5m"
    )
    assert len(await consumers.names().collect()) == 5


async def test_add_from_config_files(cli: Cli, js: jsm.Manager, tmp_path: Path) -> None:
    stream_file = tmp_path / "stream.json"
    stream_file.write_text(json.dumps({"name": "FILED", "subjects": ["filed.>"], "max_msgs": 5}))
    await cli.ok("str", "add", "--config", str(stream_file))
    assert (await js.streams.info("FILED")).config.max_msgs == 5
    output = tmp_path / "saved.json"
    await cli.ok(
        "str", "add", "SAVED", "--subjects", "saved.>", "--defaults", "--output", str(output)
    )
    assert json.loads(output.read_text())["name"] == "SAVED"
    assert "SAVED" not in await js.streams.names().collect()  # saved, not created
    consumer_file = tmp_path / "consumer.json"
    consumer_file.write_text(
        json.dumps({"durable_name": "FROMFILE", "ack_policy": "explicit", "max_deliver": 3})
    )
    await cli.ok("con", "add", "FILED", "--config", str(consumer_file))
    assert (
        await (await js.streams.get("FILED")).consumers.info("FROMFILE")
    ).config.max_deliver == 3


async def test_server_advisories_need_the_system_account(cli: Cli) -> None:
    assert "system account" in (await cli.fails("events", "--srv-advisory")).err.lower()
