"""What every jsm span shares: reading context from NATS headers, and recording a failure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opentelemetry.propagators.textmap import Getter
from opentelemetry.trace import Status, StatusCode

from jsm.tracing import _names as attr

if TYPE_CHECKING:
    from collections.abc import Mapping

    from opentelemetry.trace import Span

__all__ = ["HEADERS", "fail"]


class _HeaderGetter(Getter["Mapping[str, str]"]):
    """Reads propagation fields from NATS headers whatever the case of their names: Go's
    ``http.Header`` carrier, used over ``nats.Header``, writes ``Traceparent``."""

    def get(self, carrier: Mapping[str, str], key: str) -> list[str] | None:
        value = carrier.get(key)
        if value is None:
            for name, found in carrier.items():
                if name.lower() == key:
                    value = found
                    break
        return None if value is None else [value]

    def keys(self, carrier: Mapping[str, str]) -> list[str]:
        return list(carrier)


HEADERS = _HeaderGetter()


def fail(span: Span, err: BaseException) -> None:
    """Mark ``span`` failed by ``err``; a cancellation ends it without an error status."""
    if isinstance(err, Exception):
        span.record_exception(err)
        span.set_attribute(attr.ERROR_TYPE, type(err).__qualname__)
        span.set_status(Status(StatusCode.ERROR, str(err) or type(err).__name__))
