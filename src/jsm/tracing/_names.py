"""The span attribute names jsm sets: OpenTelemetry's messaging conventions, plus NATS ones.

Plain strings, so nothing here needs opentelemetry. The ``messaging.nats.*`` names are
jsm's (the conventions leave system-specific attributes to each system's namespace);
docs/observability.md lists them all.
"""

from __future__ import annotations

from typing import Final

SYSTEM: Final = "messaging.system"
OPERATION_NAME: Final = "messaging.operation.name"
OPERATION_TYPE: Final = "messaging.operation.type"
DESTINATION: Final = "messaging.destination.name"
DESTINATION_TEMPLATE: Final = "messaging.destination.template"
CONSUMER_GROUP: Final = "messaging.consumer.group.name"
MESSAGE_ID: Final = "messaging.message.id"
BODY_SIZE: Final = "messaging.message.body.size"
BATCH_COUNT: Final = "messaging.batch.message_count"
SERVER_ADDRESS: Final = "server.address"
SERVER_PORT: Final = "server.port"
ERROR_TYPE: Final = "error.type"

STREAM: Final = "messaging.nats.stream.name"
STREAM_SEQUENCE: Final = "messaging.nats.stream.sequence"
CONSUMER_SEQUENCE: Final = "messaging.nats.consumer.sequence"
DELIVERY_COUNT: Final = "messaging.nats.message.delivery_count"
DUPLICATE: Final = "messaging.nats.publish.duplicate"
DOMAIN: Final = "messaging.nats.domain"
SERVICE_NAME: Final = "messaging.nats.service.name"
SERVICE_ID: Final = "messaging.nats.service.id"
SERVICE_VERSION: Final = "messaging.nats.service.version"
SERVICE_ENDPOINT: Final = "messaging.nats.service.endpoint"
SERVICE_ERROR_CODE: Final = "messaging.nats.service.error_code"
BUCKET: Final = "messaging.nats.bucket"
KEY: Final = "messaging.nats.key"
REVISION: Final = "messaging.nats.revision"
OBJECT_NAME: Final = "messaging.nats.object.name"
OBJECT_SIZE: Final = "messaging.nats.object.size"

NATS: Final = "nats"
"""The ``messaging.system`` value (the conventions' NATS page)."""

SEND: Final = "send"
RECEIVE: Final = "receive"
PROCESS: Final = "process"
SETTLE: Final = "settle"
