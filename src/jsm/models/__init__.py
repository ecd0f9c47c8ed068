"""Typed models of every JetStream API type; durations are timedelta, unknown fields kept."""

from __future__ import annotations

from jsm.models._base import Model as Model
from jsm.models._base import Nanos as Nanos
from jsm.models._base import NonNegativeNanos as NonNegativeNanos
from jsm.models._base import PositiveNanos as PositiveNanos
from jsm.models._base import ReplyModel as ReplyModel
from jsm.models._base import WireEnum as WireEnum
from jsm.models._base import ns_to_timedelta as ns_to_timedelta
from jsm.models._base import timedelta_to_ns as timedelta_to_ns
from jsm.models.account import AccountInfo as AccountInfo
from jsm.models.account import AccountLimits as AccountLimits
from jsm.models.account import ApiStats as ApiStats
from jsm.models.account import TierInfo as TierInfo
from jsm.models.admin import AccountPurgeResponse as AccountPurgeResponse
from jsm.models.admin import MetaLeaderStepdownRequest as MetaLeaderStepdownRequest
from jsm.models.admin import MetaLeaderStepdownResponse as MetaLeaderStepdownResponse
from jsm.models.admin import MetaServerRemoveRequest as MetaServerRemoveRequest
from jsm.models.admin import MetaServerRemoveResponse as MetaServerRemoveResponse
from jsm.models.consumer import AckPolicy as AckPolicy
from jsm.models.consumer import ConsumerConfig as ConsumerConfig
from jsm.models.consumer import DeliverPolicy as DeliverPolicy
from jsm.models.consumer import PriorityPolicy as PriorityPolicy
from jsm.models.consumer import ReplayPolicy as ReplayPolicy
from jsm.models.consumer_info import ConsumerCreateRequest as ConsumerCreateRequest
from jsm.models.consumer_info import ConsumerCreateResponse as ConsumerCreateResponse
from jsm.models.consumer_info import ConsumerInfo as ConsumerInfo
from jsm.models.consumer_info import ConsumerInfoResponse as ConsumerInfoResponse
from jsm.models.consumer_info import ConsumerListResponse as ConsumerListResponse
from jsm.models.consumer_info import ConsumerNamesResponse as ConsumerNamesResponse
from jsm.models.consumer_info import ConsumerPauseRequest as ConsumerPauseRequest
from jsm.models.consumer_info import ConsumerPauseResponse as ConsumerPauseResponse
from jsm.models.consumer_info import ConsumerUnpinRequest as ConsumerUnpinRequest
from jsm.models.consumer_info import PriorityGroupState as PriorityGroupState
from jsm.models.consumer_info import PullRequest as PullRequest
from jsm.models.consumer_info import SequenceInfo as SequenceInfo
from jsm.models.kv import KeyValueConfig as KeyValueConfig
from jsm.models.kv import KeyValueEntry as KeyValueEntry
from jsm.models.kv import KeyValueOp as KeyValueOp
from jsm.models.kv import KeyValueStatus as KeyValueStatus
from jsm.models.objects import ObjectInfo as ObjectInfo
from jsm.models.objects import ObjectLink as ObjectLink
from jsm.models.objects import ObjectMeta as ObjectMeta
from jsm.models.objects import ObjectMetaOptions as ObjectMetaOptions
from jsm.models.objects import ObjectStoreConfig as ObjectStoreConfig
from jsm.models.objects import ObjectStoreStatus as ObjectStoreStatus
from jsm.models.pub_ack import PubAck as PubAck
from jsm.models.services import EndpointInfo as EndpointInfo
from jsm.models.services import EndpointStats as EndpointStats
from jsm.models.services import ServiceInfo as ServiceInfo
from jsm.models.services import ServicePing as ServicePing
from jsm.models.services import ServiceStats as ServiceStats
from jsm.models.stream import DiscardPolicy as DiscardPolicy
from jsm.models.stream import ExternalStream as ExternalStream
from jsm.models.stream import PersistMode as PersistMode
from jsm.models.stream import Placement as Placement
from jsm.models.stream import RePublish as RePublish
from jsm.models.stream import RetentionPolicy as RetentionPolicy
from jsm.models.stream import StorageType as StorageType
from jsm.models.stream import StoreCompression as StoreCompression
from jsm.models.stream import StreamConfig as StreamConfig
from jsm.models.stream import StreamConsumerLimits as StreamConsumerLimits
from jsm.models.stream import StreamConsumerSource as StreamConsumerSource
from jsm.models.stream import StreamSource as StreamSource
from jsm.models.stream import SubjectTransform as SubjectTransform
from jsm.models.stream import WireDatetime as WireDatetime
from jsm.models.stream import WireTime as WireTime
from jsm.models.stream_info import ApiErrorInfo as ApiErrorInfo
from jsm.models.stream_info import ClusterInfo as ClusterInfo
from jsm.models.stream_info import LostStreamData as LostStreamData
from jsm.models.stream_info import PagedResponse as PagedResponse
from jsm.models.stream_info import PeerInfo as PeerInfo
from jsm.models.stream_info import SourceInfo as SourceInfo
from jsm.models.stream_info import StreamAlternate as StreamAlternate
from jsm.models.stream_info import StreamCreateResponse as StreamCreateResponse
from jsm.models.stream_info import StreamInfo as StreamInfo
from jsm.models.stream_info import StreamInfoRequest as StreamInfoRequest
from jsm.models.stream_info import StreamInfoResponse as StreamInfoResponse
from jsm.models.stream_info import StreamLeaderStepdownRequest as StreamLeaderStepdownRequest
from jsm.models.stream_info import StreamListResponse as StreamListResponse
from jsm.models.stream_info import StreamMsgDeleteRequest as StreamMsgDeleteRequest
from jsm.models.stream_info import StreamMsgGetRequest as StreamMsgGetRequest
from jsm.models.stream_info import StreamMsgGetResponse as StreamMsgGetResponse
from jsm.models.stream_info import StreamNamesResponse as StreamNamesResponse
from jsm.models.stream_info import StreamPeerRemoveRequest as StreamPeerRemoveRequest
from jsm.models.stream_info import StreamPurgeRequest as StreamPurgeRequest
from jsm.models.stream_info import StreamPurgeResponse as StreamPurgeResponse
from jsm.models.stream_info import StreamRestoreRequest as StreamRestoreRequest
from jsm.models.stream_info import StreamRestoreResponse as StreamRestoreResponse
from jsm.models.stream_info import StreamSnapshotRequest as StreamSnapshotRequest
from jsm.models.stream_info import StreamSnapshotResponse as StreamSnapshotResponse
from jsm.models.stream_info import StreamState as StreamState
from jsm.models.stream_info import SuccessResponse as SuccessResponse
from jsm.models.stream_info import WireStoredMessage as WireStoredMessage
from jsm.models.system import AccountDetail as AccountDetail
from jsm.models.system import Healthz as Healthz
from jsm.models.system import HealthzError as HealthzError
from jsm.models.system import HealthzOptions as HealthzOptions
from jsm.models.system import HealthzReply as HealthzReply
from jsm.models.system import JetStreamServerConfig as JetStreamServerConfig
from jsm.models.system import Jsz as Jsz
from jsm.models.system import JszOptions as JszOptions
from jsm.models.system import JszReply as JszReply
from jsm.models.system import MetaClusterInfo as MetaClusterInfo
from jsm.models.system import MetaSnapshotStats as MetaSnapshotStats
from jsm.models.system import RaftGroupDetail as RaftGroupDetail
from jsm.models.system import ServerFilter as ServerFilter
from jsm.models.system import ServerInfo as ServerInfo
from jsm.models.system import StreamDetail as StreamDetail
from jsm.models.system import Varz as Varz
from jsm.models.system import VarzReply as VarzReply

__all__ = [
    "AccountDetail",
    "AccountInfo",
    "AccountLimits",
    "AccountPurgeResponse",
    "AckPolicy",
    "ApiErrorInfo",
    "ApiStats",
    "ClusterInfo",
    "ConsumerConfig",
    "ConsumerCreateRequest",
    "ConsumerCreateResponse",
    "ConsumerInfo",
    "ConsumerInfoResponse",
    "ConsumerListResponse",
    "ConsumerNamesResponse",
    "ConsumerPauseRequest",
    "ConsumerPauseResponse",
    "ConsumerUnpinRequest",
    "DeliverPolicy",
    "DiscardPolicy",
    "EndpointInfo",
    "EndpointStats",
    "ExternalStream",
    "Healthz",
    "HealthzError",
    "HealthzOptions",
    "HealthzReply",
    "JetStreamServerConfig",
    "Jsz",
    "JszOptions",
    "JszReply",
    "KeyValueConfig",
    "KeyValueEntry",
    "KeyValueOp",
    "KeyValueStatus",
    "LostStreamData",
    "MetaClusterInfo",
    "MetaLeaderStepdownRequest",
    "MetaLeaderStepdownResponse",
    "MetaServerRemoveRequest",
    "MetaServerRemoveResponse",
    "MetaSnapshotStats",
    "Model",
    "Nanos",
    "NonNegativeNanos",
    "ObjectInfo",
    "ObjectLink",
    "ObjectMeta",
    "ObjectMetaOptions",
    "ObjectStoreConfig",
    "ObjectStoreStatus",
    "PagedResponse",
    "PeerInfo",
    "PersistMode",
    "Placement",
    "PositiveNanos",
    "PriorityGroupState",
    "PriorityPolicy",
    "PubAck",
    "PullRequest",
    "RaftGroupDetail",
    "RePublish",
    "ReplayPolicy",
    "ReplyModel",
    "RetentionPolicy",
    "SequenceInfo",
    "ServerFilter",
    "ServerInfo",
    "ServiceInfo",
    "ServicePing",
    "ServiceStats",
    "SourceInfo",
    "StorageType",
    "StoreCompression",
    "StreamAlternate",
    "StreamConfig",
    "StreamConsumerLimits",
    "StreamConsumerSource",
    "StreamCreateResponse",
    "StreamDetail",
    "StreamInfo",
    "StreamInfoRequest",
    "StreamInfoResponse",
    "StreamLeaderStepdownRequest",
    "StreamListResponse",
    "StreamMsgDeleteRequest",
    "StreamMsgGetRequest",
    "StreamMsgGetResponse",
    "StreamNamesResponse",
    "StreamPeerRemoveRequest",
    "StreamPurgeRequest",
    "StreamPurgeResponse",
    "StreamRestoreRequest",
    "StreamRestoreResponse",
    "StreamSnapshotRequest",
    "StreamSnapshotResponse",
    "StreamSource",
    "StreamState",
    "SubjectTransform",
    "SuccessResponse",
    "TierInfo",
    "Varz",
    "VarzReply",
    "WireDatetime",
    "WireEnum",
    "WireStoredMessage",
    "WireTime",
    "ns_to_timedelta",
    "timedelta_to_ns",
]
