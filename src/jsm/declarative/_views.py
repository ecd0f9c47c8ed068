"""What the server would store for a configuration: its defaults filled in, its own keys left out.

A desired file leaves most fields out and the server fills them in (a 2-minute duplicate
window, ``max_waiting`` 512, …), so the desired and the live configurations are compared as
*views*: wire JSON with the server's defaults applied as nats-server applies them
(``checkStreamCfg`` in ``server/stream.go``, ``setConsumerConfigDefaults`` in
``server/consumer.go``, 2.15), its ``_nats.*`` metadata removed, and zero values (``false``,
``0``, ``""``, empty lists and objects, which Go leaves out) dropped. Applying the same
function to both sides makes "left out" and "the server's default" the same thing, so a
default is never drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from jsm.models._base import timedelta_to_ns

if TYPE_CHECKING:
    from jsm.models import ConsumerConfig, StreamConfig

__all__ = ["Defaults", "View", "consumer_view", "stream_view"]

View = dict[str, object]

_SECOND: Final = 1_000_000_000
DUPLICATE_WINDOW: Final = 120 * _SECOND  # StreamDefaultDuplicatesWindow
ACK_WAIT: Final = 30 * _SECOND  # JsAckWaitDefault
MAX_ACK_PENDING: Final = 1000  # JsDefaultMaxAckPending
MAX_WAITING: Final = 512  # JSWaitQueueDefaultMax
PINNED_TTL: Final = 120 * _SECOND  # JsDefaultPinnedTTL
FLOW_CONTROL_HEARTBEAT: Final = _SECOND  # sourceHealthHB
_SERVER_METADATA: Final = "_nats."
_STREAM_LIMITS: Final = (
    "max_consumers",
    "max_msgs",
    "max_bytes",
    "max_msgs_per_subject",
    "max_msg_size",
)


@dataclass(frozen=True, slots=True)
class Defaults:
    """What a consumer's defaults depend on besides its own configuration.

    Attributes:
        max_ack_pending: the account's ``max_ack_pending`` limit (0: none).
    """

    max_ack_pending: int = 0


def stream_view(config: StreamConfig) -> View:
    """The stream as the server stores it, reduced to what can drift."""
    view = config.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key in _STREAM_LIMITS:
        value = _int(view.get(key))
        view[key] = -1 if value == 0 or value < -1 else value
    if not view.get("num_replicas"):
        view["num_replicas"] = 1
    copies = bool(view.get("mirror") or view.get("sources"))
    if not view.get("duplicate_window") and not copies:
        age = _int(view.get("max_age"))
        view["duplicate_window"] = age if 0 < age < DUPLICATE_WINDOW else DUPLICATE_WINDOW
    if not view.get("subjects") and not copies:
        view["subjects"] = [config.name]
    _stream_switches(view)
    republish = view.get("republish")
    if isinstance(republish, dict) and not republish.get("src"):
        republish["src"] = ">"
    mirror = view.get("mirror")
    if isinstance(mirror, dict) and not mirror.get("external"):
        # The server copies the origin's allow_direct into a local mirror's mirror_direct.
        view.pop("mirror_direct", None)
    if view.get("persist_mode") == "default":
        del view["persist_mode"]
    _strip_metadata(view)
    return _pruned(view)


def _stream_switches(view: View) -> None:
    """Switches the server turns on (or off) because of others."""
    if _int(view.get("subject_delete_marker_ttl")) > 0:
        view |= {"allow_msg_ttl": True, "allow_rollup_hdrs": True, "deny_purge": False}
    if view.get("allow_msg_schedules"):
        view |= {"allow_rollup_hdrs": True, "deny_purge": False}
    if view.get("sealed"):
        view |= {
            "max_age": 0,
            "discard": "new",
            "deny_delete": True,
            "deny_purge": True,
            "allow_rollup_hdrs": False,
        }


def consumer_view(config: ConsumerConfig, stream: StreamConfig | None, defaults: Defaults) -> View:
    """The consumer as the server stores it on ``stream``, reduced to what can drift."""
    view = config.model_dump(mode="json", by_alias=True, exclude_none=True)
    if not view.get("name") and view.get("durable_name"):
        view["name"] = view["durable_name"]
    max_deliver = _int(view.get("max_deliver"))
    view["max_deliver"] = -1 if max_deliver == 0 or max_deliver < -1 else max_deliver
    for key in ("max_waiting", "max_batch", "max_expires", "max_bytes", "idle_heartbeat"):
        if _int(view.get(key)) < 0:
            view[key] = 0
    ack = view.get("ack_policy")
    if not view.get("deliver_subject") and not view.get("max_waiting"):
        view["max_waiting"] = MAX_WAITING
    if not view.get("ack_wait") and ack in ("explicit", "all"):
        view["ack_wait"] = ACK_WAIT
    backoff = view.get("backoff")
    if isinstance(backoff, list) and backoff:
        view["ack_wait"] = backoff[0]
    _consumer_limits(view, stream, defaults)
    if view.get("priority_policy") == "pinned_client" and not view.get("priority_timeout"):
        view["priority_timeout"] = PINNED_TTL
    if ack == "flow_control":
        view |= {"flow_control": True, "idle_heartbeat": FLOW_CONTROL_HEARTBEAT}
    _strip_metadata(view)
    return _pruned(view)


def _consumer_limits(view: View, stream: StreamConfig | None, defaults: Defaults) -> None:
    limits = stream.consumer_limits if stream is not None else None
    pending = _int(view.get("max_ack_pending"))
    if pending < -1:
        pending = -1
    if pending == 0 and limits is not None and limits.max_ack_pending:
        pending = limits.max_ack_pending
    if pending == 0 and view.get("ack_policy") != "none":
        pending = MAX_ACK_PENDING
        if 0 < defaults.max_ack_pending < pending:
            pending = defaults.max_ack_pending
    view["max_ack_pending"] = pending
    if _int(view.get("inactive_threshold")) <= 0:
        threshold = limits.inactive_threshold if limits is not None else None
        view["inactive_threshold"] = timedelta_to_ns(threshold) if threshold else 0


def _strip_metadata(view: View) -> None:
    metadata = view.get("metadata")
    if isinstance(metadata, dict):
        view["metadata"] = {
            k: v for k, v in metadata.items() if not str(k).startswith(_SERVER_METADATA)
        }


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _pruned(view: View) -> View:
    return {k: v for k, v in ((k, _without_zeros(v)) for k, v in view.items()) if not _is_zero(v)}


def _without_zeros(value: object) -> object:
    """Drop Go's zero values from objects (recursively), as ``omitempty`` leaves them out."""
    if isinstance(value, dict):
        kept = {k: _without_zeros(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if not _is_zero(v)}
    if isinstance(value, list):
        return [_without_zeros(item) for item in value]
    return value


def _is_zero(value: object) -> bool:
    return value is None or value is False or value == 0 or value in ("", [], {})
