"""Services (the NATS micro protocol, ADR-32): endpoints, groups, discovery, stats, calls.

Usable without JetStream: ``Service(nc, "calc", version="1.0.0")`` and
``ServiceManager(nc)`` need only a NATS connection.
"""

from __future__ import annotations

from jsm._errors_base import NoServiceRespondersError as NoServiceRespondersError
from jsm._errors_base import ServiceError as ServiceError
from jsm._errors_base import ServiceRequestError as ServiceRequestError
from jsm.services.endpoint import Endpoint as Endpoint
from jsm.services.endpoint import Handler as Handler
from jsm.services.group import ServiceGroup as ServiceGroup
from jsm.services.manager import Discovery as Discovery
from jsm.services.manager import ServiceManager as ServiceManager
from jsm.services.request import ERROR_CODE_HEADER as ERROR_CODE_HEADER
from jsm.services.request import ERROR_HEADER as ERROR_HEADER
from jsm.services.request import Request as Request
from jsm.services.request import ServiceRequest as ServiceRequest
from jsm.services.service import Service as Service
from jsm.services.service import StatsHandler as StatsHandler

__all__ = [
    "ERROR_CODE_HEADER",
    "ERROR_HEADER",
    "Discovery",
    "Endpoint",
    "Handler",
    "NoServiceRespondersError",
    "Request",
    "Service",
    "ServiceError",
    "ServiceGroup",
    "ServiceManager",
    "ServiceRequest",
    "ServiceRequestError",
    "StatsHandler",
]
