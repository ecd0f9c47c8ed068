"""The exception tree's hand-written part: the root, server-error categories and client errors.

The per-code server error classes are generated into ``_generated_errors.py``; users
import all of them from :mod:`jsm.errors`. The classes drawn below live in three modules,
gathered here so that ``from jsm._errors_base import ...`` names any of them:
``_errors_core`` (the root, the categories, client and connection errors),
``_errors_services`` (ADR-32 services) and ``_errors_stores`` (Key-Value and object stores).

```
JsmError
├── ApiError                      a {"error": …} reply from the JetStream API
│   ├── BadRequestError (400)     ├── StreamNameExistError, ConsumerCreateError, …
│   ├── NotFoundError (404)       ├── StreamNotFoundError, ConsumerNotFoundError, …
│   ├── ConflictError (409)
│   ├── PreconditionFailedError (412)
│   ├── TooManyRequestsError (429)
│   ├── ServerError (500)
│   └── ServiceUnavailableError (503)
├── JsmTimeoutError               also TimeoutError
│   └── NoStreamAnsweredError     a publish got no responders until its deadline (an election?)
├── JetStreamUnavailableError     no responders on an API request
├── NoStreamError                 a publish to a subject no stream captures
├── InvalidNameError              also ValueError
├── InvalidOptionError            also ValueError
│   └── ConfigValidationError     a model given a value of the wrong type or out of range
├── InvalidAckSubjectError        also ValueError
├── UnsupportedApiLevelError
├── UnexpectedReplyError          a reply that does not parse
├── ClosedError
├── JsmConnectionError            transport failure (also ConnectionError)
├── PermissionDeniedError         the server refused a publish or subscription to this user
├── AckError                      an ack that cannot be sent (twice, or ack policy none)
├── WrongConsumerTypeError        a pull API on a push consumer, or the reverse
├── MissedHeartbeatError          the server fell silent beyond the heartbeat tolerance
├── KeyNotFoundError              a KV key has no value (KeyDeletedError: its last entry is a marker)
├── KeyExistsError                a KV create found a value already there
├── ObjectNotFoundError           no such object (or it was deleted) in an object store
├── ObjectExistsError             a rename or link would overwrite a live object
├── ObjectLinkError               a link that cannot be made or followed
├── DigestMismatchError           an object's data does not match its SHA-256 digest
└── PublishFailedError            pipelined publishes failed and nobody retrieved their errors
```
"""

from jsm._errors_core import (
    AckError,
    ApiError,
    BadRequestError,
    ClosedError,
    ConfigValidationError,
    ConflictError,
    InvalidAckSubjectError,
    InvalidNameError,
    InvalidOptionError,
    JetStreamUnavailableError,
    JsmConnectionError,
    JsmError,
    JsmTimeoutError,
    JsmWarning,
    MissedHeartbeatError,
    NoStreamAnsweredError,
    NoStreamError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    PublishFailedError,
    ServerError,
    ServerNotFoundError,
    ServiceUnavailableError,
    SystemAccountRequiredError,
    TooManyRequestsError,
    UnexpectedReplyError,
    UnsupportedApiLevelError,
    ValidationProblem,
    WrongConsumerTypeError,
)
from jsm._errors_core import _rebuild_api_error as _rebuild_api_error
from jsm._errors_core import _rebuild_permission_error as _rebuild_permission_error
from jsm._errors_services import (
    NoServiceRespondersError,
    ServiceError,
    ServiceRequestError,
)
from jsm._errors_services import (
    _rebuild_service_request_error as _rebuild_service_request_error,
)
from jsm._errors_stores import (
    BucketNotFoundError,
    DigestMismatchError,
    KeyDeletedError,
    KeyExistsError,
    KeyNotFoundError,
    ObjectExistsError,
    ObjectLinkError,
    ObjectNotFoundError,
    ObjectStoreNotFoundError,
)

# The _rebuild_* functions are imported for pickles made while the whole tree lived here.
__all__ = [
    "AckError",
    "ApiError",
    "BadRequestError",
    "BucketNotFoundError",
    "ClosedError",
    "ConfigValidationError",
    "ConflictError",
    "DigestMismatchError",
    "InvalidAckSubjectError",
    "InvalidNameError",
    "InvalidOptionError",
    "JetStreamUnavailableError",
    "JsmConnectionError",
    "JsmError",
    "JsmTimeoutError",
    "JsmWarning",
    "KeyDeletedError",
    "KeyExistsError",
    "KeyNotFoundError",
    "MissedHeartbeatError",
    "NoServiceRespondersError",
    "NoStreamAnsweredError",
    "NoStreamError",
    "NotFoundError",
    "ObjectExistsError",
    "ObjectLinkError",
    "ObjectNotFoundError",
    "ObjectStoreNotFoundError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "PublishFailedError",
    "ServerError",
    "ServerNotFoundError",
    "ServiceError",
    "ServiceRequestError",
    "ServiceUnavailableError",
    "SystemAccountRequiredError",
    "TooManyRequestsError",
    "UnexpectedReplyError",
    "UnsupportedApiLevelError",
    "ValidationProblem",
    "WrongConsumerTypeError",
]
