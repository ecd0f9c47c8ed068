"""``stream add/edit/cp`` flags → :class:`jsm.StreamConfig`, the way natscli builds it.

natscli asks for every limit it was not given; ``jsm`` never prompts and takes the answer
each prompt offers by default, which is also what natscli's ``--defaults`` fills in
(storage file, one replica, limits retention, discard old, no message/byte/age limits,
unlimited message size, a 2 minute duplicate window or the max age when shorter,
direct gets allowed, deletes and purges allowed, no roll-ups). ``edit`` and ``cp``
change only the flags given.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Annotated, Any

import typer

import jsm
from jsm.cli._errors import CliError

_INT32_MAX = 2**31 - 1
_SERVER_METADATA = "_nats."


def stream_flags(
    subjects: Annotated[
        list[str] | None,
        typer.Option("--subjects", help="Subjects that are consumed by the stream"),
    ] = None,
    description: Annotated[str | None, typer.Option(help="A description of the stream")] = None,
    compression: Annotated[
        str | None, typer.Option(help="Compression algorithm (none, s2; file storage only)")
    ] = None,
    replicas: Annotated[int | None, typer.Option(help="How many replicas to keep")] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Place on servers with this tag (repeatable)")
    ] = None,
    cluster: Annotated[str | None, typer.Option(help="Place the stream on this cluster")] = None,
    ack: Annotated[
        bool | None, typer.Option("--ack/--no-ack", help="Acknowledge publishes (default on)")
    ] = None,
    retention: Annotated[
        str | None, typer.Option(help="Retention policy (limits, interest, work)")
    ] = None,
    discard: Annotated[str | None, typer.Option(help="Discard policy (new, old)")] = None,
    discard_per_subject: Annotated[
        bool | None,
        typer.Option(
            "--discard-per-subject/--no-discard-per-subject", help="Discard new per subject"
        ),
    ] = None,
    max_age: Annotated[
        str | None, typer.Option(help="Maximum age of messages (1y, 2h, -1)")
    ] = None,
    max_bytes: Annotated[str | None, typer.Option(help="Maximum bytes to keep (10GB, -1)")] = None,
    max_consumers: Annotated[int | None, typer.Option(help="Maximum number of consumers")] = None,
    max_msg_size: Annotated[str | None, typer.Option(help="Maximum size of one message")] = None,
    max_msgs: Annotated[int | None, typer.Option(help="Maximum number of messages")] = None,
    max_msgs_per_subject: Annotated[
        int | None, typer.Option(help="Maximum number of messages per subject")
    ] = None,
    dupe_window: Annotated[
        str | None, typer.Option(help="Duration of the duplicate tracking window")
    ] = None,
    mirror: Annotated[str | None, typer.Option(help="Mirror this stream (a name or JSON)")] = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Source this stream (name or JSON; repeatable)"),
    ] = None,
    allow_batch: Annotated[
        bool | None, typer.Option("--allow-batch/--no-allow-batch", help="Allow atomic batches")
    ] = None,
    allow_fast: Annotated[
        bool | None, typer.Option("--allow-fast/--no-allow-fast", help="Allow fast batches")
    ] = None,
    allow_counter: Annotated[
        bool | None, typer.Option("--allow-counter", help="Make the stream a counter")
    ] = None,
    allow_rollup: Annotated[
        bool | None, typer.Option("--allow-rollup/--no-allow-rollup", help="Allow roll-ups")
    ] = None,
    deny_delete: Annotated[
        bool | None, typer.Option("--deny-delete/--no-deny-delete", help="Deny message deletes")
    ] = None,
    deny_purge: Annotated[
        bool | None, typer.Option("--deny-purge/--no-deny-purge", help="Deny purges")
    ] = None,
    allow_direct: Annotated[
        bool | None,
        typer.Option("--allow-direct/--no-allow-direct", help="Allow direct gets (default on)"),
    ] = None,
    allow_mirror_direct: Annotated[
        bool | None,
        typer.Option(
            "--allow-mirror-direct/--no-allow-mirror-direct", help="Direct gets on mirrors"
        ),
    ] = None,
    allow_msg_ttl: Annotated[
        bool | None, typer.Option("--allow-msg-ttl", help="Allow per-message TTLs")
    ] = None,
    allow_schedules: Annotated[
        bool | None,
        typer.Option("--allow-schedules/--no-allow-schedules", help="Allow message schedules"),
    ] = None,
    subject_del_markers_ttl: Annotated[
        str | None, typer.Option(help="How long subject delete markers stay")
    ] = None,
    transform_source: Annotated[str | None, typer.Option(help="Subject transform source")] = None,
    transform_destination: Annotated[
        str | None, typer.Option(help="Subject transform destination")
    ] = None,
    metadata: Annotated[
        list[str] | None, typer.Option("--metadata", help="Metadata as key=value (repeatable)")
    ] = None,
    republish_source: Annotated[str | None, typer.Option(help="Republish source")] = None,
    republish_destination: Annotated[str | None, typer.Option(help="Republish destination")] = None,
    republish_headers: Annotated[
        bool, typer.Option("--republish-headers", help="Republish headers only")
    ] = False,
    limit_consumer_inactive: Annotated[
        str | None, typer.Option(help="Largest inactive threshold consumers may have")
    ] = None,
    limit_consumer_max_pending: Annotated[
        int | None, typer.Option(help="Largest ack pending consumers may have")
    ] = None,
    persist_mode: Annotated[
        str | None, typer.Option(help="Persistence mode (default, async)")
    ] = None,
) -> None:
    """The flags ``stream add``, ``edit`` and ``cp`` share (a parameter list only)."""


def split_subjects(values: list[str] | None) -> list[str]:
    """Split ``--subjects`` values on commas and white space, as natscli does."""
    return [part for value in values or [] for part in re.split(r"[,\s]+", value) if part]


def parse_metadata(values: list[str] | None, *, separator: str = "=") -> dict[str, str]:
    """Parse ``key=value`` pairs; keys reserved for the server (``_nats.``) are dropped."""
    result: dict[str, str] = {}
    for value in values or []:
        key, found, text = value.partition(separator)
        if not found or not key:
            raise CliError(f"{value!r} is not key{separator}value")
        if not key.startswith(_SERVER_METADATA):
            result[key] = text
    return result


def without_server_metadata(metadata: dict[str, str] | None) -> dict[str, str] | None:
    """Drop the metadata keys the server sets (``_nats.*``); ``None`` when nothing is left."""
    kept = {k: v for k, v in (metadata or {}).items() if not k.startswith(_SERVER_METADATA)}
    return kept or None


def duration(text: str, flag: str) -> timedelta:
    """Parse a natscli duration; a negative one (``-1``) means unlimited (zero)."""
    try:
        value = jsm.parse_duration(text)
    except jsm.JsmError as err:
        raise CliError(f"{flag}: {err}") from None
    return max(value, timedelta(0))


def size(text: str, flag: str) -> int:
    """Parse a natscli size; negative means unlimited (-1)."""
    try:
        value = jsm.parse_size(text)
    except jsm.JsmError as err:
        raise CliError(f"{flag}: {err}") from None
    return -1 if value < 0 else value


def _choice(value: str, flag: str, choices: dict[str, str]) -> str:
    try:
        return choices[value.lower()]
    except KeyError:
        raise CliError(
            f"{flag}: {value!r} is not one of {', '.join(sorted(set(choices)))}"
        ) from None


_STORAGE = {"file": "file", "f": "file", "memory": "memory", "m": "memory"}
_RETENTION = {"limits": "limits", "interest": "interest", "workq": "workqueue", "work": "workqueue"}
_DISCARD = {"new": "new", "old": "old"}
_COMPRESSION = {"none": "none", "s2": "s2"}


def _source(text: str, flag: str) -> jsm.StreamSource:
    if text.strip().startswith("{"):
        try:
            return jsm.StreamSource.model_validate(json.loads(text))
        except ValueError as err:
            raise CliError(f"{flag}: not a valid stream source: {err}") from None
    return jsm.StreamSource(name=text)


def changes(o: dict[str, Any]) -> dict[str, object]:
    """Return the configuration fields the given flags set (flags not given change nothing)."""
    found: dict[str, object] = {}
    subjects = split_subjects(o["subjects"])
    if subjects:
        found["subjects"] = subjects
    simple = {
        "description": "description",
        "allow_batch": "allow_atomic",
        "allow_fast": "allow_batched",
        "allow_counter": "allow_msg_counter",
        "allow_rollup": "allow_rollup_hdrs",
        "deny_delete": "deny_delete",
        "deny_purge": "deny_purge",
        "allow_direct": "allow_direct",
        "allow_mirror_direct": "mirror_direct",
        "allow_msg_ttl": "allow_msg_ttl",
        "allow_schedules": "allow_msg_schedules",
        "discard_per_subject": "discard_new_per_subject",
        "max_consumers": "max_consumers",
    }
    for flag, field in simple.items():
        if o[flag] is not None:
            found[field] = o[flag]
    if o["ack"] is not None:
        found["no_ack"] = not o["ack"]
    for flag, field, table in (
        ("retention", "retention", _RETENTION),
        ("discard", "discard", _DISCARD),
        ("compression", "compression", _COMPRESSION),
        ("storage", "storage", _STORAGE),
    ):
        if o.get(flag) is not None:
            found[field] = _choice(o[flag], f"--{flag}", table)
    if o["discard_per_subject"]:
        found["discard"] = "new"
    if o["replicas"] is not None:
        if o["replicas"] < 1:
            raise CliError("--replicas: should be 1 or more")
        found["num_replicas"] = o["replicas"]
    _limits(o, found)
    _placement_and_sources(o, found)
    return found


def _limits(o: dict[str, Any], found: dict[str, object]) -> None:
    for flag, field in (("max_msgs", "max_msgs"), ("max_msgs_per_subject", "max_msgs_per_subject")):
        if o[flag] is not None:
            found[field] = -1 if o[flag] <= 0 else o[flag]
    if o["max_bytes"] is not None:
        found["max_bytes"] = size(o["max_bytes"], "--max-bytes")
    if o["max_msg_size"] is not None:
        value = size(o["max_msg_size"], "--max-msg-size")
        if value > _INT32_MAX:
            raise CliError(f"--max-msg-size: {value} is too big, the maximum is {_INT32_MAX}")
        found["max_msg_size"] = -1 if value == 0 else value
    if o["max_age"] is not None:
        found["max_age"] = duration(o["max_age"], "--max-age")
    if o["dupe_window"] is not None:
        found["duplicate_window"] = duration(o["dupe_window"], "--dupe-window")
    if o["subject_del_markers_ttl"] is not None:
        found["subject_delete_marker_ttl"] = duration(
            o["subject_del_markers_ttl"], "--subject-del-markers-ttl"
        )
    if o.get("first_sequence"):
        found["first_seq"] = o["first_sequence"]
    if o.get("persist_mode") is not None:
        mode = _choice(
            o["persist_mode"], "--persist-mode", {"default": "default", "async": "async"}
        )
        found["persist_mode"] = None if mode == "default" else mode
    limits: dict[str, object] = {}
    if o.get("limit_consumer_inactive"):
        limits["inactive_threshold"] = duration(
            o["limit_consumer_inactive"], "--limit-consumer-inactive"
        )
    if o.get("limit_consumer_max_pending"):
        limits["max_ack_pending"] = o["limit_consumer_max_pending"]
    if limits:
        found["consumer_limits"] = limits


def _placement_and_sources(o: dict[str, Any], found: dict[str, object]) -> None:
    if o["cluster"] or o["tag"]:
        found["placement"] = jsm.Placement(cluster=o["cluster"] or None, tags=o["tag"] or None)
    if o["metadata"]:
        found["metadata"] = parse_metadata(o["metadata"])
    if o["mirror"]:
        found["mirror"] = _source(o["mirror"], "--mirror")
    if o["source"]:
        found["sources"] = [_source(text, "--source") for text in o["source"]]
    if o.get("no_mirror"):
        found["mirror"] = None
    if bool(o["republish_source"]) != bool(o["republish_destination"]):
        raise CliError("--republish-source and --republish-destination go together")
    if o["republish_source"]:
        found["republish"] = jsm.RePublish(
            src=o["republish_source"],
            dest=o["republish_destination"],
            headers_only=o["republish_headers"] or None,
        )
    if o.get("no_republish"):
        found["republish"] = None
    if bool(o["transform_source"]) != bool(o["transform_destination"]):
        raise CliError("--transform-source and --transform-destination go together")
    if o["transform_source"]:
        found["subject_transform"] = jsm.SubjectTransform(
            src=o["transform_source"], dest=o["transform_destination"]
        )
    if o.get("no_transform"):
        found["subject_transform"] = None


def natscli_defaults(found: dict[str, object], *, max_bytes_required: bool) -> dict[str, object]:
    """Return the answers natscli's prompts default to, for the fields not given."""
    given_age = found.get("max_age")
    max_age = given_age if isinstance(given_age, timedelta) else timedelta(0)
    defaults: dict[str, object] = {
        "storage": "file",
        "compression": "none",
        "num_replicas": 1,
        "retention": "limits",
        "discard": "old",
        "max_msgs": -1,
        "max_msgs_per_subject": -1,
        "max_bytes": 256 * 1024 * 1024 if max_bytes_required else -1,
        "max_age": timedelta(0),
        "max_msg_size": -1,
        "max_consumers": -1,
        "no_ack": False,
        "allow_direct": True,
        "allow_rollup_hdrs": False,
        "deny_delete": False,
        "deny_purge": False,
    }
    if "mirror" not in found:
        window = timedelta(minutes=2)
        if timedelta(0) < max_age < window:
            window = max_age
        defaults["duplicate_window"] = window
    return defaults


def config_for_add(
    name: str, o: dict[str, Any], *, max_bytes_required: bool = False
) -> jsm.StreamConfig:
    """Build the configuration ``stream add NAME`` creates from its flags.

    Raises:
        CliError: contradictory or missing flags.
        InvalidOptionError: a value the configuration model refuses.
    """
    found = changes(o)
    if "mirror" in found and "subjects" in found:
        raise CliError("mirrors cannot listen for messages on subjects")
    if not ({"mirror", "sources", "subjects"} & set(found)):
        raise CliError("--subjects is required for a stream that neither mirrors nor sources")
    values = natscli_defaults(found, max_bytes_required=max_bytes_required) | found
    return jsm.StreamConfig.model_validate({"name": name, **values})


def load_config_file(path: str) -> jsm.StreamConfig:
    """Read a natscli ``stream.json`` file (durations in nanoseconds).

    Raises:
        CliError: the file is missing or not a stream configuration.
    """
    try:
        with open(path, encoding="utf-8") as file:  # read before connecting
            text = file.read()
    except OSError as err:
        raise CliError(f"--config: cannot read {path!r}: {err.strerror}") from None
    try:
        config = jsm.StreamConfig.from_json(text)
    except (jsm.JsmError, ValueError) as err:
        raise CliError(f"--config: {path!r} is not a stream configuration: {err}") from None
    return config.with_changes(metadata=without_server_metadata(config.metadata))
