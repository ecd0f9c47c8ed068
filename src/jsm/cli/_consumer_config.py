"""``consumer add/edit`` flags → :class:`jsm.ConsumerConfig`, the way natscli builds it.

As for streams, jsm never prompts: each value natscli would ask for takes the prompt's
default (a pull consumer unless ``--target``; deliver all; explicit acks for pull and
none for push; instant replay; unlimited deliveries; the server's default ack pending;
no heartbeat, flow control, headers-only or backoff), which is also what ``--defaults``
fills in.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

import jsm
from jsm.cli._errors import CliError
from jsm.cli._stream_config import duration, parse_metadata

_ACK = {"none": "none", "all": "all", "explicit": "explicit", "flow_control": "flow_control",
        "flowcontrol": "flow_control", "fc": "flow_control"}  # fmt: skip
_REPLAY = {"instant": "instant", "original": "original"}


def consumer_flags(
    backoff: Annotated[str | None, typer.Option(help="Backoff policy (none, linear)")] = None,
    backoff_steps: Annotated[int, typer.Option(help="Steps of the backoff policy")] = 10,
    backoff_min: Annotated[str, typer.Option(help="Shortest backoff period")] = "1m",
    backoff_max: Annotated[str, typer.Option(help="Longest backoff period")] = "20m",
    description: Annotated[str | None, typer.Option(help="A description of the consumer")] = None,
    filter_: Annotated[
        list[str] | None, typer.Option("--filter", help="Filter the stream by subject (repeatable)")
    ] = None,
    headers_only: Annotated[
        bool | None, typer.Option("--headers-only/--no-headers-only", help="Deliver only headers")
    ] = None,
    max_deliver: Annotated[int | None, typer.Option(help="Maximum deliveries of a message")] = None,
    max_pending: Annotated[int | None, typer.Option(help="Maximum pending acks")] = None,
    max_pull_batch: Annotated[int | None, typer.Option(help="Largest pull batch")] = None,
    max_pull_expire: Annotated[str | None, typer.Option(help="Longest pull expiry")] = None,
    max_pull_bytes: Annotated[int | None, typer.Option(help="Largest pull max bytes")] = None,
    sample: Annotated[int | None, typer.Option(help="Percentage of acks to sample")] = None,
    target: Annotated[str | None, typer.Option(help="Push delivery subject")] = None,
    wait: Annotated[str | None, typer.Option(help="Acknowledgement waiting time")] = None,
    inactive_threshold: Annotated[
        str | None, typer.Option(help="Idle time after which the consumer is removed")
    ] = None,
    replicas: Annotated[int | None, typer.Option(help="Replicas (default: the stream's)")] = None,
    metadata: Annotated[
        list[str] | None, typer.Option("--metadata", help="Metadata as key=value (repeatable)")
    ] = None,
) -> None:
    """The flags ``consumer add`` and ``edit`` share (a parameter list only)."""


def consumer_add_flags(
    ack: Annotated[str | None, typer.Option(help="Ack policy (none, all, explicit)")] = None,
    bps: Annotated[int, typer.Option(help="Rate limit in bits per second (push only)")] = 0,
    deliver: Annotated[
        str | None,
        typer.Option(help="Start policy (all, new, last, subject, 1h, a sequence)"),
    ] = None,
    deliver_group: Annotated[str | None, typer.Option(help="Push deliver queue group")] = None,
    ephemeral: Annotated[bool, typer.Option("--ephemeral", help="An ephemeral consumer")] = False,
    flow_control: Annotated[bool, typer.Option("--flow-control", help="Push flow control")] = False,
    heartbeat: Annotated[str | None, typer.Option(help="Push idle heartbeat (-1: none)")] = None,
    max_waiting: Annotated[int | None, typer.Option(help="Maximum outstanding pulls")] = None,
    pull: Annotated[bool, typer.Option("--pull", help="A pull consumer")] = False,
    push: Annotated[bool, typer.Option("--push", help="A push consumer (needs --target)")] = False,
    replay: Annotated[str | None, typer.Option(help="Replay policy (instant, original)")] = None,
    memory: Annotated[bool, typer.Option("--memory", help="Keep state in memory")] = False,
    pause: Annotated[
        str | None, typer.Option(help="Pause for a duration or until 'YYYY-MM-DD hh:mm:ss'")
    ] = None,
    pinned_groups: Annotated[
        list[str] | None, typer.Option("--pinned-groups", help="Pinned-client priority groups")
    ] = None,
    pinned_ttl: Annotated[str | None, typer.Option(help="Pinned client's time to pull")] = None,
    overflow_groups: Annotated[
        list[str] | None, typer.Option("--overflow-groups", help="Overflow priority groups")
    ] = None,
    prioritized_groups: Annotated[
        list[str] | None, typer.Option("--prioritized-groups", help="Prioritized priority groups")
    ] = None,
) -> None:
    """The flags only ``consumer add`` takes (a parameter list only)."""


def _choice(value: str, flag: str, table: dict[str, str]) -> str:
    try:
        return table[value.lower()]
    except KeyError:
        raise CliError(f"{flag}: {value!r} is not one of {', '.join(sorted(set(table)))}") from None


def linear_backoff(steps: int, low: timedelta, high: timedelta) -> list[timedelta]:
    """Return natscli's linear backoff: ``steps`` periods from ``low`` up in equal steps."""
    if steps < 1 or low <= timedelta(0) or high <= timedelta(0):
        raise CliError("--backoff linear needs --backoff-steps ≥ 1 and positive --backoff-min/max")
    low, high = min(low, high), max(low, high)
    step = (high - low) / steps
    return [low + step * i for i in range(steps)]


def start_policy(text: str, found: dict[str, object]) -> None:
    """Apply ``--deliver``: all, new, last, subject/last_per_subject, a sequence, or a duration."""
    simple = {"all": "all", "last": "last", "new": "new", "next": "new",
              "subject": "last_per_subject", "last_per_subject": "last_per_subject"}  # fmt: skip
    if text in simple:
        found["deliver_policy"] = simple[text]
    elif re.fullmatch(r"\d+", text):
        found["deliver_policy"] = "by_start_sequence"
        found["opt_start_seq"] = int(text)
    else:
        found["deliver_policy"] = "by_start_time"
        found["opt_start_time"] = datetime.now(UTC) - duration(text, "--deliver")


def pause_until(text: str) -> datetime:
    """Parse ``--pause``/``pause``: 'YYYY-MM-DD hh:mm:ss' (local time) or a duration from now."""
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").astimezone(UTC)
    except ValueError:
        return datetime.now(UTC) + duration(text, "pause")


def common_changes(o: dict[str, Any]) -> dict[str, object]:
    """Return the fields the flags ``add`` and ``edit`` share set (only those given)."""
    found: dict[str, object] = {}
    if o["description"] is not None:
        found["description"] = o["description"]
    filters = o["filter_"] or []
    if len(filters) == 1:
        found["filter_subject"] = filters[0]
    elif filters:
        found["filter_subjects"] = filters
    if o["headers_only"] is not None:
        found["headers_only"] = o["headers_only"]
    if o["max_pending"] is not None and o["max_pending"] >= 0:
        found["max_ack_pending"] = o["max_pending"]
    if o["max_deliver"] is not None and o["max_deliver"] != 0:
        found["max_deliver"] = o["max_deliver"]
    if o["sample"] is not None and o["sample"] >= 0:
        if o["sample"] > 100:
            raise CliError("--sample: a percentage between 0 and 100")
        if o["sample"] > 0:
            found["sample_freq"] = str(o["sample"])
    for flag, field in (("max_pull_batch", "max_batch"), ("max_pull_bytes", "max_bytes")):
        if o[flag]:
            found[field] = o[flag]
    for flag, field in (
        ("max_pull_expire", "max_expires"),
        ("wait", "ack_wait"),
        ("inactive_threshold", "inactive_threshold"),
    ):
        if o[flag] is not None:
            value = duration(o[flag], f"--{flag.replace('_', '-')}")
            if value > timedelta(0):
                found[field] = value
    if o["target"]:
        found["deliver_subject"] = o["target"]
    if o["replicas"] is not None:
        found["num_replicas"] = o["replicas"]
    if o["metadata"]:
        found["metadata"] = parse_metadata(o["metadata"])
    if o["backoff"] is not None:
        mode = _choice(o["backoff"], "--backoff", {"none": "none", "linear": "linear"})
        found["backoff"] = (
            None
            if mode == "none"
            else linear_backoff(
                o["backoff_steps"],
                duration(o["backoff_min"], "--backoff-min"),
                duration(o["backoff_max"], "--backoff-max"),
            )
        )
    return found


def config_for_add(name: str | None, o: dict[str, Any]) -> jsm.ConsumerConfig:
    """Build the configuration ``consumer add STREAM NAME`` creates from its flags.

    Raises:
        CliError: contradictory or missing flags.
    """
    if name is None and not o["ephemeral"]:
        raise CliError("a consumer name is required (or --ephemeral)")
    if o["push"] and not o["target"]:
        raise CliError("--push needs --target SUBJECT, the subject messages are delivered to")
    if o["pull"] and o["target"]:
        raise CliError("--pull and --target contradict: a pull consumer has no delivery subject")
    found = common_changes(o)
    push = "deliver_subject" in found
    values: dict[str, object] = {
        "deliver_policy": "all",
        "ack_policy": "none" if push else "explicit",
        "replay_policy": "instant",
        "max_ack_pending": 0,
        "headers_only": False,
    }
    values["durable_name" if not o["ephemeral"] else "name"] = name
    if o["ack"] is not None:
        values["ack_policy"] = _choice(o["ack"], "--ack", _ACK)
    if o["replay"] is not None:
        values["replay_policy"] = _choice(o["replay"], "--replay", _REPLAY)
    if o["deliver"]:
        start_policy(o["deliver"], values)
    _push_or_pull(o, push, values)
    values |= found
    if values["ack_policy"] == "none":
        values["max_deliver"] = -1
    elif "backoff" in values and values.get("max_deliver", -1) == -1 and values["backoff"]:
        values["max_deliver"] = len(values["backoff"]) + 1  # type: ignore[arg-type]  # a list here
    unfiltered = "filter_subject" not in values and "filter_subjects" not in values
    if values["deliver_policy"] == "last_per_subject" and unfiltered:
        values["filter_subject"] = ">"
    _priority(o, values)
    if o["pause"]:
        values["pause_until"] = pause_until(o["pause"])
    if o["memory"]:
        values["mem_storage"] = True
    return jsm.ConsumerConfig.model_validate(values)


def _push_or_pull(o: dict[str, Any], push: bool, values: dict[str, object]) -> None:
    if push:
        if o["deliver_group"]:
            values["deliver_group"] = o["deliver_group"]
        values["flow_control"] = o["flow_control"]
        if o["heartbeat"] not in (None, "-1"):
            values["idle_heartbeat"] = duration(o["heartbeat"], "--heartbeat")
        if o["bps"]:
            values["rate_limit_bps"] = o["bps"]
        return
    if o["bps"]:
        raise CliError("--bps: rate limits are only possible on push consumers")
    if o["heartbeat"] not in (None, "-1"):
        raise CliError("--heartbeat: pull consumers take heartbeats per pull, not in their config")
    if o["max_waiting"]:
        values["max_waiting"] = o["max_waiting"]


def _priority(o: dict[str, Any], values: dict[str, object]) -> None:
    pinned, overflow, prioritized = (
        o["pinned_groups"], o["overflow_groups"], o["prioritized_groups"]
    )  # fmt: skip
    if pinned and overflow:
        raise CliError("--pinned-groups and --overflow-groups cannot be combined")
    if pinned:
        values |= {"priority_policy": "pinned_client", "priority_groups": pinned}
        if o["pinned_ttl"]:
            values["priority_timeout"] = duration(o["pinned_ttl"], "--pinned-ttl")
    elif overflow:
        values |= {"priority_policy": "overflow", "priority_groups": overflow}
    elif prioritized:
        values |= {"priority_policy": "prioritized", "priority_groups": prioritized}


def load_config_file(path: str) -> jsm.ConsumerConfig:
    """Read a natscli consumer configuration file (durations in nanoseconds).

    Raises:
        CliError: the file is missing or not a consumer configuration.
    """
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except OSError as err:
        raise CliError(f"--config: cannot read {path!r}: {err.strerror}") from None
    try:
        json.loads(text)
        return jsm.ConsumerConfig.from_json(text)
    except (jsm.JsmError, ValueError) as err:
        raise CliError(f"--config: {path!r} is not a consumer configuration: {err}") from None
