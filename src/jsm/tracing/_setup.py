"""Whether a connection is traced: the ``tracing`` option of :func:`jsm.connect`, decided once.

``None`` (the default) turns tracing on when the application has set an OpenTelemetry
tracer provider, and leaves opentelemetry unimported otherwise (an application that set
one has imported ``opentelemetry.trace`` already); ``True`` turns it on whenever
opentelemetry-api is installed, following a provider set later; a ``TracerProvider``
traces with that provider instead of the global one; ``False`` turns it off.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib import metadata
from typing import TYPE_CHECKING, TypeGuard

from jsm._errors_base import InvalidOptionError

if TYPE_CHECKING:
    from types import ModuleType

    from opentelemetry.trace import TracerProvider

    from jsm._transport import NatsClient
    from jsm.tracing._otel import Tracing

    TracingOption = bool | TracerProvider | None

__all__ = ["check_tracing", "tracing_for"]

_API = "opentelemetry.trace"
INSTRUMENTATION = "jsm"
"""The instrumentation scope name of jsm's spans."""


def check_tracing(option: TracingOption) -> TracingOption:
    """Check the ``tracing`` option (before anything is sent).

    Raises:
        InvalidOptionError: not True, False, None or a tracer provider; True without
            opentelemetry-api.
    """
    if option is not None and not isinstance(option, bool) and not _is_provider(option):
        raise InvalidOptionError(
            f"tracing must be True, False, None or an OpenTelemetry TracerProvider (got "
            f"{option!r}); None traces when the application has set a tracer provider"
        )
    if option and _API not in sys.modules and not _installed():
        raise _missing_api()
    return option


def tracing_for(nc: NatsClient, option: TracingOption) -> Tracing | None:
    """The tracing of a connection, or ``None`` when it is off.

    Raises:
        InvalidOptionError: ``tracing=True`` without opentelemetry-api installed.
    """
    if option is False:
        return None
    if _is_provider(option):
        from jsm.tracing._otel import Tracing

        return Tracing(nc, option.get_tracer(INSTRUMENTATION, _version()))
    loaded = sys.modules.get(_API)
    if option is None and (loaded is None or not _provider_set(loaded)):
        return None
    try:
        from opentelemetry import trace
    except ImportError as err:
        raise _missing_api() from err
    from jsm.tracing._otel import Tracing  # loaded only when tracing is on

    return Tracing(nc, trace.get_tracer(INSTRUMENTATION, _version()))


def _is_provider(option: object) -> TypeGuard[TracerProvider]:
    return not isinstance(option, bool) and callable(getattr(option, "get_tracer", None))


def _installed() -> bool:
    try:
        return importlib.util.find_spec(_API) is not None
    except ImportError:  # not even the opentelemetry namespace
        return False


def _missing_api() -> InvalidOptionError:
    return InvalidOptionError(
        "tracing=True needs opentelemetry-api: install jsm's otel extra "
        "(pip install 'jsm[otel]') and an OpenTelemetry SDK"
    )


def _provider_set(api: ModuleType) -> bool:
    provider = api.get_tracer_provider()
    return not isinstance(provider, api.ProxyTracerProvider | api.NoOpTracerProvider)


def _version() -> str | None:
    try:
        return metadata.version("jsm")
    except metadata.PackageNotFoundError:
        return None
