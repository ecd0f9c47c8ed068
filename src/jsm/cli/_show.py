"""Human renderings of stream and consumer info, close to natscli's ``info`` output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jsm.cli import _output as out

if TYPE_CHECKING:
    import jsm


def stream_info(info: jsm.StreamInfo, *, state_only: bool = False) -> None:
    """Print a stream's configuration, cluster and state."""
    config = info.config
    if not state_only:
        out.line(f"Information for Stream {config.name} created {out.cell(info.created)}")
        out.line()
        out.fields(
            "Configuration:",
            [
                ("Description", config.description),
                ("Subjects", config.subjects),
                ("Replicas", config.num_replicas),
                ("Storage", config.storage),
                ("Compression", config.compression),
                ("Placement Cluster", config.placement.cluster if config.placement else None),
                ("Placement Tags", config.placement.tags if config.placement else None),
                ("Retention", config.retention),
                ("Acknowledgments", not config.no_ack),
                ("Discard Policy", config.discard),
                ("Duplicate Window", config.duplicate_window),
                ("Direct Get", config.allow_direct),
                ("Allows Msg Delete", not config.deny_delete),
                ("Allows Purge", not config.deny_purge),
                ("Allows Rollups", config.allow_rollup_hdrs),
                ("Allows Per-Message TTL", config.allow_msg_ttl),
                ("Sealed", config.sealed or None),
                ("Maximum Messages", out.limit(config.max_msgs)),
                ("Maximum Per Subject", out.limit(config.max_msgs_per_subject)),
                ("Maximum Bytes", out.size(config.max_bytes)),
                ("Maximum Age", out.duration(config.max_age) if config.max_age else "unlimited"),
                ("Maximum Message Size", out.size(config.max_msg_size)),
                ("Maximum Consumers", out.limit(config.max_consumers)),
                ("Mirror", config.mirror.name if config.mirror else None),
                ("Sources", [s.name for s in config.sources or []]),
                ("Metadata", config.metadata),
            ],
        )
        cluster = info.cluster
        if cluster is not None and (cluster.leader or cluster.replicas):
            out.fields(
                "Cluster Information:",
                [
                    ("Name", cluster.name),
                    ("Leader", cluster.leader),
                    *[
                        ("Replica", f"{peer.name}, {'current' if peer.current else 'outdated'}")
                        for peer in cluster.replicas or []
                    ],
                ],
            )
    state = info.state
    out.fields(
        "State:",
        [
            ("Messages", f"{state.messages:,}"),
            ("Bytes", out.size(state.bytes)),
            ("First Sequence", f"{state.first_seq:,}"),
            ("Last Sequence", f"{state.last_seq:,}"),
            ("Deleted Messages", state.num_deleted),
            ("Number of Subjects", state.num_subjects),
            ("Active Consumers", f"{state.consumer_count:,}"),
        ],
    )


def consumer_info(info: jsm.ConsumerInfo) -> None:
    """Print a consumer's configuration and state."""
    config = info.config
    out.line(
        f"Information for Consumer {info.stream_name} > {info.name} created {out.cell(info.created)}"
    )
    out.line()
    out.fields(
        "Configuration:",
        [
            ("Name", info.name),
            ("Durable Name", config.durable_name),
            ("Description", config.description),
            ("Delivery Subject", config.deliver_subject),
            ("Pull Mode", config.deliver_subject is None),
            ("Filter Subject", config.filter_subject),
            ("Filter Subjects", config.filter_subjects),
            ("Deliver Policy", config.deliver_policy),
            ("Start Sequence", config.opt_start_seq),
            ("Start Time", config.opt_start_time),
            ("Deliver Queue Group", config.deliver_group),
            ("Ack Policy", config.ack_policy),
            ("Ack Wait", config.ack_wait),
            ("Replay Policy", config.replay_policy),
            ("Maximum Deliveries", config.max_deliver),
            ("Sampling Rate", config.sample_freq),
            ("Max Ack Pending", config.max_ack_pending),
            ("Max Waiting Pulls", config.max_waiting),
            ("Idle Heartbeat", config.idle_heartbeat),
            ("Flow Control", config.flow_control),
            ("Headers Only", config.headers_only),
            ("Inactive Threshold", config.inactive_threshold),
            ("Backoff", config.backoff),
            ("Replicas", config.num_replicas or None),
            ("Memory Storage", config.mem_storage),
            ("Paused Until", config.pause_until),
            ("Priority Policy", config.priority_policy),
            ("Priority Groups", config.priority_groups),
            ("Metadata", config.metadata),
        ],
    )
    cluster = info.cluster
    if cluster is not None and cluster.leader and cluster.replicas:
        out.fields(
            "Cluster Information:",
            [("Name", cluster.name), ("Leader", cluster.leader)]
            + [("Replica", peer.name) for peer in cluster.replicas],
        )
    out.fields(
        "State:",
        [
            (
                "Last Delivered Message",
                f"Consumer sequence: {info.delivered.consumer_seq:,} "
                f"Stream sequence: {info.delivered.stream_seq:,}",
            ),
            (
                "Acknowledgment Floor",
                f"Consumer sequence: {info.ack_floor.consumer_seq:,} "
                f"Stream sequence: {info.ack_floor.stream_seq:,}",
            ),
            ("Outstanding Acks", f"{info.num_ack_pending:,}"),
            ("Redelivered Messages", f"{info.num_redelivered:,}"),
            ("Unprocessed Messages", f"{info.num_pending:,}"),
            ("Waiting Pulls", f"{info.num_waiting:,}"),
            ("Paused", info.paused or None),
            ("Push Bound", info.push_bound),
        ],
    )


def message(
    seq: int | None, subject: str, headers: object, data: bytes, *, stamp: object = None
) -> None:
    """Print one stored or delivered message: a title, its headers, then its body."""
    title = f"[{seq}] " if seq is not None else ""
    when = f" received {out.cell(stamp)}" if stamp is not None else ""
    out.line(f"{title}Subject: {subject}{when}")
    if isinstance(headers, dict) and headers:
        out.line()
        for key, value in headers.items():
            out.line(f"  {key}: {value}")
    out.line()
    out.line(data.decode("utf-8", errors="replace"))
    out.line()


def config_diff(old: Any, new: Any) -> list[str]:
    """Return ``-field: old`` / ``+field: new`` lines for every wire field that differs."""
    before, after = old.to_wire(), new.to_wire()
    lines: list[str] = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if (
            isinstance(a, list)
            and isinstance(b, list)
            and sorted(map(str, a)) == sorted(map(str, b))
        ):
            continue
        if a != b:
            if a is not None:
                lines.append(f"  -{key}: {a}")
            if b is not None:
                lines.append(f"  +{key}: {b}")
    return lines


def differences(old: Any, new: Any, *, dry_run: bool) -> bool:
    """Print how ``new`` differs from ``old`` (``edit``'s preview); whether anything does.

    With nothing to change it says so, unless ``dry_run``: a dry run prints only differences.
    """
    lines = config_diff(old, new)
    if not lines:
        if not dry_run:
            out.line("No difference in configuration")
        return False
    out.line("Differences (-old +new):")
    for text in lines:
        out.line(text)
    return True
