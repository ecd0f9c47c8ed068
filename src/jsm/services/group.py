"""Adding endpoints to a service (ADR-32), directly or through groups that share a subject prefix.

A group only names subjects and a default queue group: its endpoints belong to the
service, which checks them and serves them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsm.services._checks import (
    check_group_prefix,
    check_metadata,
    check_queue_group,
    check_service_name,
)
from jsm.services.endpoint import Endpoint, Handler
from jsm.subjects import check_subject

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from jsm.services.service import Service

__all__ = ["ServiceGroup"]


class _Endpoints:
    """What a service and its groups share: adding endpoints under a subject prefix."""

    _service: Service
    _prefix: str
    _queue_group: str

    def endpoint(
        self,
        name: str,
        /,
        *,
        subject: str | None = None,
        queue_group: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Decorate an async handler to serve endpoint ``name`` (see :meth:`add_endpoint`).

        Raises:
            InvalidOptionError: a handler of the wrong shape (raised by the decoration).
        """

        def register(handler: Handler) -> Handler:
            self.add_endpoint(
                name, handler, subject=subject, queue_group=queue_group, metadata=metadata
            )
            return handler

        return register

    def add_endpoint(
        self,
        name: str,
        handler: Handler,
        /,
        *,
        subject: str | None = None,
        queue_group: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> Endpoint:
        """Add endpoint ``name`` served by ``handler``, listening on ``subject`` (default: name).

        ``handler`` is an async function taking a :class:`ServiceRequest` (or no
        annotation), ``bytes``, or a pydantic model parsed from the JSON payload; it
        returns bytes, str, a pydantic model or ``None`` (an empty reply). A
        :class:`ServiceError` it raises answers with its code and text; any other
        exception answers ``500 internal error`` and is logged with its traceback.

        Raises:
            InvalidNameError: a bad endpoint name, subject or queue group.
            InvalidOptionError: a duplicate name or subject, a handler of the wrong shape
                (a return annotation that is not bytes, str, a model or None included),
                or the service is running already.
        """
        check_service_name(name, kind="endpoint")
        own = check_subject(subject, what="endpoint subject") if subject is not None else name
        full = f"{self._prefix}.{own}" if self._prefix else own
        group = self._queue_group if queue_group is None else check_queue_group(queue_group)
        endpoint = Endpoint(
            name,
            handler,
            subject=full,
            queue_group=group,
            metadata=check_metadata(metadata, what=f"endpoint {name!r}"),
        )
        self._service._register(endpoint)
        return endpoint

    def group(self, prefix: str, /, *, queue_group: str | None = None) -> ServiceGroup:
        """A group: endpoints added through it listen on ``<prefix>.<subject>``.

        Its queue group (default: inherited) applies to its endpoints unless they set one.

        Raises:
            InvalidNameError: a bad prefix or queue group.
        """
        check_group_prefix(prefix)
        full = f"{self._prefix}.{prefix}" if self._prefix else prefix
        group = self._queue_group if queue_group is None else check_queue_group(queue_group)
        return ServiceGroup(self._service, full, group)


class ServiceGroup(_Endpoints):
    """Endpoints under a common subject prefix (``svc.group("math")``)."""

    def __init__(self, service: Service, prefix: str, queue_group: str) -> None:
        self._service = service
        self._prefix = prefix
        self._queue_group = queue_group

    @property
    def prefix(self) -> str:
        """The subject prefix of this group's endpoints."""
        return self._prefix

    @property
    def queue_group(self) -> str:
        """The queue group this group's endpoints use unless they set one."""
        return self._queue_group

    def __repr__(self) -> str:
        return f"<ServiceGroup {self._prefix!r} of {self._service.name!r}>"
