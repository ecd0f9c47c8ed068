"""jsm: the asynchronous Python SDK for NATS JetStream.

Start with :func:`jsm.connect`, which yields a :class:`jsm.Manager`::

    async with jsm.connect("nats://127.0.0.1:4222") as js:
        info = await js.account_info()

Every public name is importable from here; each is loaded the first time it is used, so
``import jsm`` itself is cheap (the ``jsm`` command's start-up relies on it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jsm import errors as errors
    from jsm._errors_base import ApiError as ApiError
    from jsm._errors_base import JsmError as JsmError
    from jsm._errors_base import JsmWarning as JsmWarning
    from jsm._options import NOT_GIVEN as NOT_GIVEN
    from jsm._options import Duration as Duration
    from jsm._options import NotGiven as NotGiven
    from jsm.admin import AdminManager as AdminManager
    from jsm.admin import ServerNotFoundError as ServerNotFoundError
    from jsm.api import Pager as Pager
    from jsm.api import Retry as Retry
    from jsm.consumers import Consumer as Consumer
    from jsm.consumers import ConsumerManager as ConsumerManager
    from jsm.consumers import MessageStream as MessageStream
    from jsm.consumers import Msg as Msg
    from jsm.consumers import OrderedConsumer as OrderedConsumer
    from jsm.consumers import PushStream as PushStream
    from jsm.declarative import ApplyError as ApplyError
    from jsm.declarative import ApplyResult as ApplyResult
    from jsm.declarative import Change as Change
    from jsm.declarative import ChangeRefusedError as ChangeRefusedError
    from jsm.declarative import DesiredState as DesiredState
    from jsm.declarative import Plan as Plan
    from jsm.declarative import StateError as StateError
    from jsm.kv import KeyLister as KeyLister
    from jsm.kv import KeyValue as KeyValue
    from jsm.kv import KeyValueManager as KeyValueManager
    from jsm.kv import KeyWatcher as KeyWatcher
    from jsm.manager import ConnectOptions as ConnectOptions
    from jsm.manager import Manager as Manager
    from jsm.manager import connect as connect
    from jsm.models import AccountInfo as AccountInfo
    from jsm.models import AccountLimits as AccountLimits
    from jsm.models import AckPolicy as AckPolicy
    from jsm.models import ApiStats as ApiStats
    from jsm.models import ClusterInfo as ClusterInfo
    from jsm.models import ConsumerConfig as ConsumerConfig
    from jsm.models import ConsumerInfo as ConsumerInfo
    from jsm.models import DeliverPolicy as DeliverPolicy
    from jsm.models import DiscardPolicy as DiscardPolicy
    from jsm.models import ExternalStream as ExternalStream
    from jsm.models import KeyValueConfig as KeyValueConfig
    from jsm.models import KeyValueEntry as KeyValueEntry
    from jsm.models import KeyValueOp as KeyValueOp
    from jsm.models import KeyValueStatus as KeyValueStatus
    from jsm.models import LostStreamData as LostStreamData
    from jsm.models import ObjectInfo as ObjectInfo
    from jsm.models import ObjectLink as ObjectLink
    from jsm.models import ObjectMeta as ObjectMeta
    from jsm.models import ObjectMetaOptions as ObjectMetaOptions
    from jsm.models import ObjectStoreConfig as ObjectStoreConfig
    from jsm.models import ObjectStoreStatus as ObjectStoreStatus
    from jsm.models import PeerInfo as PeerInfo
    from jsm.models import PersistMode as PersistMode
    from jsm.models import Placement as Placement
    from jsm.models import PriorityGroupState as PriorityGroupState
    from jsm.models import PriorityPolicy as PriorityPolicy
    from jsm.models import PubAck as PubAck
    from jsm.models import PullRequest as PullRequest
    from jsm.models import ReplayPolicy as ReplayPolicy
    from jsm.models import RePublish as RePublish
    from jsm.models import RetentionPolicy as RetentionPolicy
    from jsm.models import SequenceInfo as SequenceInfo
    from jsm.models import ServiceInfo as ServiceInfo
    from jsm.models import ServicePing as ServicePing
    from jsm.models import ServiceStats as ServiceStats
    from jsm.models import SourceInfo as SourceInfo
    from jsm.models import StorageType as StorageType
    from jsm.models import StoreCompression as StoreCompression
    from jsm.models import StreamAlternate as StreamAlternate
    from jsm.models import StreamConfig as StreamConfig
    from jsm.models import StreamConsumerLimits as StreamConsumerLimits
    from jsm.models import StreamConsumerSource as StreamConsumerSource
    from jsm.models import StreamInfo as StreamInfo
    from jsm.models import StreamSource as StreamSource
    from jsm.models import StreamState as StreamState
    from jsm.models import SubjectTransform as SubjectTransform
    from jsm.models import TierInfo as TierInfo
    from jsm.monitor import CheckKind as CheckKind
    from jsm.monitor import CheckResult as CheckResult
    from jsm.monitor import CheckStatus as CheckStatus
    from jsm.monitor import MonitorManager as MonitorManager
    from jsm.objects import ObjectReader as ObjectReader
    from jsm.objects import ObjectStore as ObjectStore
    from jsm.objects import ObjectStoreManager as ObjectStoreManager
    from jsm.objects import ObjectWatcher as ObjectWatcher
    from jsm.publish import Batch as Batch
    from jsm.publish import Expect as Expect
    from jsm.publish import PubAckFuture as PubAckFuture
    from jsm.publish import Publisher as Publisher
    from jsm.publish import Rollup as Rollup
    from jsm.report import ReplicaRow as ReplicaRow
    from jsm.report import ReplicaState as ReplicaState
    from jsm.report import ReplicationKind as ReplicationKind
    from jsm.report import ReplicationRow as ReplicationRow
    from jsm.report import ReportManager as ReportManager
    from jsm.report import StreamReport as StreamReport
    from jsm.report import StreamRow as StreamRow
    from jsm.services import Service as Service
    from jsm.services import ServiceError as ServiceError
    from jsm.services import ServiceGroup as ServiceGroup
    from jsm.services import ServiceManager as ServiceManager
    from jsm.services import ServiceRequest as ServiceRequest
    from jsm.services import ServiceRequestError as ServiceRequestError
    from jsm.streams import SnapshotProgress as SnapshotProgress
    from jsm.streams import SnapshotResult as SnapshotResult
    from jsm.streams import StoredMessage as StoredMessage
    from jsm.streams import Stream as Stream
    from jsm.streams import StreamManager as StreamManager
    from jsm.subjects import ApiSubjects as ApiSubjects
    from jsm.subjects import MsgMetadata as MsgMetadata
    from jsm.subjects import SequencePair as SequencePair
    from jsm.units import MAX_DURATION as MAX_DURATION
    from jsm.units import parse_duration as parse_duration
    from jsm.units import parse_size as parse_size

__version__ = "0.1.0"

# Where each public name lives, resolved on first access (PEP 562 module __getattr__):
# importing every module up front costs most of a second (pydantic models, nats-py,
# aiohttp), which a command line that only prints its help should not pay.
_EXPORTS: dict[str, str] = {
    "ApiError": "jsm._errors_base",
    "JsmError": "jsm._errors_base",
    "JsmWarning": "jsm._errors_base",
    "Duration": "jsm._options",
    "NOT_GIVEN": "jsm._options",
    "NotGiven": "jsm._options",
    "AdminManager": "jsm.admin",
    "ServerNotFoundError": "jsm.admin",
    "Pager": "jsm.api",
    "Retry": "jsm.api",
    "Consumer": "jsm.consumers",
    "ConsumerManager": "jsm.consumers",
    "MessageStream": "jsm.consumers",
    "Msg": "jsm.consumers",
    "OrderedConsumer": "jsm.consumers",
    "PushStream": "jsm.consumers",
    "ApplyError": "jsm.declarative",
    "ApplyResult": "jsm.declarative",
    "Change": "jsm.declarative",
    "ChangeRefusedError": "jsm.declarative",
    "DesiredState": "jsm.declarative",
    "Plan": "jsm.declarative",
    "StateError": "jsm.declarative",
    "errors": "jsm.errors",
    "KeyLister": "jsm.kv",
    "KeyValue": "jsm.kv",
    "KeyValueManager": "jsm.kv",
    "KeyWatcher": "jsm.kv",
    "ConnectOptions": "jsm.manager",
    "Manager": "jsm.manager",
    "connect": "jsm.manager",
    "AccountInfo": "jsm.models",
    "AccountLimits": "jsm.models",
    "AckPolicy": "jsm.models",
    "ApiStats": "jsm.models",
    "ClusterInfo": "jsm.models",
    "ConsumerConfig": "jsm.models",
    "ConsumerInfo": "jsm.models",
    "DeliverPolicy": "jsm.models",
    "DiscardPolicy": "jsm.models",
    "ExternalStream": "jsm.models",
    "KeyValueConfig": "jsm.models",
    "KeyValueEntry": "jsm.models",
    "KeyValueOp": "jsm.models",
    "KeyValueStatus": "jsm.models",
    "LostStreamData": "jsm.models",
    "ObjectInfo": "jsm.models",
    "ObjectLink": "jsm.models",
    "ObjectMeta": "jsm.models",
    "ObjectMetaOptions": "jsm.models",
    "ObjectStoreConfig": "jsm.models",
    "ObjectStoreStatus": "jsm.models",
    "PeerInfo": "jsm.models",
    "PersistMode": "jsm.models",
    "Placement": "jsm.models",
    "PriorityGroupState": "jsm.models",
    "PriorityPolicy": "jsm.models",
    "PubAck": "jsm.models",
    "PullRequest": "jsm.models",
    "RePublish": "jsm.models",
    "ReplayPolicy": "jsm.models",
    "RetentionPolicy": "jsm.models",
    "SequenceInfo": "jsm.models",
    "ServiceInfo": "jsm.models",
    "ServicePing": "jsm.models",
    "ServiceStats": "jsm.models",
    "SourceInfo": "jsm.models",
    "StorageType": "jsm.models",
    "StoreCompression": "jsm.models",
    "StreamAlternate": "jsm.models",
    "StreamConfig": "jsm.models",
    "StreamConsumerLimits": "jsm.models",
    "StreamConsumerSource": "jsm.models",
    "StreamInfo": "jsm.models",
    "StreamSource": "jsm.models",
    "StreamState": "jsm.models",
    "SubjectTransform": "jsm.models",
    "TierInfo": "jsm.models",
    "CheckKind": "jsm.monitor",
    "CheckResult": "jsm.monitor",
    "CheckStatus": "jsm.monitor",
    "MonitorManager": "jsm.monitor",
    "ObjectReader": "jsm.objects",
    "ObjectStore": "jsm.objects",
    "ObjectStoreManager": "jsm.objects",
    "ObjectWatcher": "jsm.objects",
    "Batch": "jsm.publish",
    "Expect": "jsm.publish",
    "PubAckFuture": "jsm.publish",
    "Publisher": "jsm.publish",
    "Rollup": "jsm.publish",
    "ReplicaRow": "jsm.report",
    "ReplicaState": "jsm.report",
    "ReplicationKind": "jsm.report",
    "ReplicationRow": "jsm.report",
    "ReportManager": "jsm.report",
    "StreamReport": "jsm.report",
    "StreamRow": "jsm.report",
    "Service": "jsm.services",
    "ServiceError": "jsm.services",
    "ServiceGroup": "jsm.services",
    "ServiceManager": "jsm.services",
    "ServiceRequest": "jsm.services",
    "ServiceRequestError": "jsm.services",
    "SnapshotProgress": "jsm.streams",
    "SnapshotResult": "jsm.streams",
    "StoredMessage": "jsm.streams",
    "Stream": "jsm.streams",
    "StreamManager": "jsm.streams",
    "ApiSubjects": "jsm.subjects",
    "MsgMetadata": "jsm.subjects",
    "SequencePair": "jsm.subjects",
    "MAX_DURATION": "jsm.units",
    "parse_duration": "jsm.units",
    "parse_size": "jsm.units",
}

__all__ = [
    "MAX_DURATION",
    "NOT_GIVEN",
    "AccountInfo",
    "AccountLimits",
    "AckPolicy",
    "AdminManager",
    "ApiError",
    "ApiStats",
    "ApiSubjects",
    "ApplyError",
    "ApplyResult",
    "Batch",
    "Change",
    "ChangeRefusedError",
    "CheckKind",
    "CheckResult",
    "CheckStatus",
    "ClusterInfo",
    "ConnectOptions",
    "Consumer",
    "ConsumerConfig",
    "ConsumerInfo",
    "ConsumerManager",
    "DeliverPolicy",
    "DesiredState",
    "DiscardPolicy",
    "Duration",
    "Expect",
    "ExternalStream",
    "JsmError",
    "JsmWarning",
    "KeyLister",
    "KeyValue",
    "KeyValueConfig",
    "KeyValueEntry",
    "KeyValueManager",
    "KeyValueOp",
    "KeyValueStatus",
    "KeyWatcher",
    "LostStreamData",
    "Manager",
    "MessageStream",
    "MonitorManager",
    "Msg",
    "MsgMetadata",
    "NotGiven",
    "ObjectInfo",
    "ObjectLink",
    "ObjectMeta",
    "ObjectMetaOptions",
    "ObjectReader",
    "ObjectStore",
    "ObjectStoreConfig",
    "ObjectStoreManager",
    "ObjectStoreStatus",
    "ObjectWatcher",
    "OrderedConsumer",
    "Pager",
    "PeerInfo",
    "PersistMode",
    "Placement",
    "Plan",
    "PriorityGroupState",
    "PriorityPolicy",
    "PubAck",
    "PubAckFuture",
    "Publisher",
    "PullRequest",
    "PushStream",
    "RePublish",
    "ReplayPolicy",
    "ReplicaRow",
    "ReplicaState",
    "ReplicationKind",
    "ReplicationRow",
    "ReportManager",
    "RetentionPolicy",
    "Retry",
    "Rollup",
    "SequenceInfo",
    "SequencePair",
    "ServerNotFoundError",
    "Service",
    "ServiceError",
    "ServiceGroup",
    "ServiceInfo",
    "ServiceManager",
    "ServicePing",
    "ServiceRequest",
    "ServiceRequestError",
    "ServiceStats",
    "SnapshotProgress",
    "SnapshotResult",
    "SourceInfo",
    "StateError",
    "StorageType",
    "StoreCompression",
    "StoredMessage",
    "Stream",
    "StreamAlternate",
    "StreamConfig",
    "StreamConsumerLimits",
    "StreamConsumerSource",
    "StreamInfo",
    "StreamManager",
    "StreamReport",
    "StreamRow",
    "StreamSource",
    "StreamState",
    "SubjectTransform",
    "TierInfo",
    "connect",
    "errors",
    "parse_duration",
    "parse_size",
]


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'jsm' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name == f"jsm.{name}" else getattr(module, name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
