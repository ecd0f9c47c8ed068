"""Every exception jsm raises, under one root, :class:`JsmError`.

Server errors keep their codes: an ``{"error": {...}}`` reply becomes the class
generated for its ``err_code`` (``StreamNotFoundError`` for 10059), which sits under
a category class for its status (``NotFoundError`` for 404) and under :class:`ApiError`.
Catch as broadly or as precisely as you need::

    try:
        await js.streams.get("ORDERS")
    except jsm.errors.StreamNotFoundError:
        ...
"""

from __future__ import annotations

from typing import Any

from jsm import _generated_errors
from jsm._errors_base import *  # noqa: F403 - the hand-written half of the tree
from jsm._errors_base import ApiError
from jsm._errors_base import __all__ as _base_all
from jsm._errors_core import error_class_for as _error_class_for
from jsm._generated_errors import *  # noqa: F403 - one class per server error code
from jsm._generated_errors import ERRORS_BY_CODE

__all__ = [*_base_all, *_generated_errors.__all__, "ERRORS_BY_CODE", "api_error"]


def api_error(error: dict[str, Any], *, context: str | None = None) -> ApiError:
    """Build the typed exception for the ``error`` object of a JetStream API reply.

    Args:
        error: the reply's ``error`` object: ``{"code": 404, "err_code": 10059, "description": ...}``.
        context: what the request was about, appended to the message.
    """
    code = _as_int(error.get("code"))
    err_code = _as_int(error.get("err_code"))
    description = str(error.get("description") or "unknown error")
    extra = {k: v for k, v in error.items() if k not in ("code", "err_code", "description")}
    cls = _error_class_for(code, err_code, ERRORS_BY_CODE)
    return cls(code, err_code, description, context=context, extra=extra)


def _as_int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
