"""The stream API calls shared by the manager and the handle: create, update, info, delete.

Each checks what it can locally first (names, contradictory settings, the API level a
feature needs), then makes one request through :class:`jsm.api.ApiClient`.
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING

import anyio

from jsm._constants import MIN_TIMEOUT, STORE_RACE_ATTEMPTS, STORE_RACE_BACKOFF
from jsm._errors_base import JsmTimeoutError, JsmWarning
from jsm._generated_errors import StreamCreateError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.api._retry import is_store_race
from jsm.models import (
    StreamCreateResponse,
    StreamInfo,
    StreamInfoRequest,
    StreamInfoResponse,
    SuccessResponse,
)
from jsm.streams._checks import check_stream_config, required_api_level
from jsm.subjects import check_name, check_subject

if TYPE_CHECKING:
    from jsm.api import ApiClient
    from jsm.manager import Manager
    from jsm.models import StreamConfig

__all__ = ["check_existing_name", "create", "delete", "fetch_info", "update"]

logger = logging.getLogger(__name__)


def check_existing_name(name: str) -> None:
    """Check a name used to look a stream up: the hard rules only.

    A stream with a risky name (``:``, 32 characters or more) already exists once it can
    be looked up, so only its creation warns.

    Raises:
        InvalidNameError: the name can never be a stream's.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JsmWarning)
        check_name(name, kind="stream")


def _context(name: str) -> str:
    return f"stream {name!r}"


def _headers(api: ApiClient, config: StreamConfig) -> dict[str, str] | None:
    level = required_api_level(config)
    if level == 0:
        return None
    return api.require_api_level(f"stream {config.name!r} settings", level)


async def create(
    js: Manager, config: StreamConfig, *, timeout: Duration | NotGiven = NOT_GIVEN
) -> StreamInfo:
    """Send ``STREAM.CREATE``; identical re-creation succeeds, a different one fails.

    Raises:
        InvalidNameError: a bad name.
        InvalidOptionError: contradictory settings.
        StreamNameExistError: a stream of that name exists with another configuration.
        StreamCreateError: the server could not create it (after a few tries when that
            was the race with its clean-up of a deleted stream's directory).
    """
    check_stream_config(config, strict=js.strict)
    deadline = js.api.deadline(timeout)
    for attempt in range(1, STORE_RACE_ATTEMPTS + 1):
        try:
            return await js.api.request(
                f"STREAM.CREATE.{config.name}",
                config,
                StreamCreateResponse,
                timeout=max(deadline - anyio.current_time(), MIN_TIMEOUT.total_seconds()),
                headers=_headers(js.api, config),
                context=_context(config.name),
            )
        except StreamCreateError as err:
            if not is_store_race(err) or attempt == STORE_RACE_ATTEMPTS:
                raise
            logger.debug("creating stream %s met the store-directory race; retrying", config.name)
            await anyio.sleep(STORE_RACE_BACKOFF * attempt)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


async def update(
    js: Manager, config: StreamConfig, *, timeout: Duration | NotGiven = NOT_GIVEN
) -> StreamInfo:
    """Send ``STREAM.UPDATE`` with a whole configuration.

    Raises:
        InvalidOptionError: contradictory settings.
        StreamNotFoundError: no such stream.
        StreamInvalidConfigError: the server refused the change.
    """
    check_stream_config(config, strict=js.strict)
    return await js.api.request(
        f"STREAM.UPDATE.{config.name}",
        config,
        StreamCreateResponse,
        timeout=timeout,
        headers=_headers(js.api, config),
        context=_context(config.name),
    )


async def fetch_info(
    api: ApiClient,
    name: str,
    *,
    deleted_details: bool = False,
    subjects_filter: str | None = None,
    timeout: Duration | NotGiven = NOT_GIVEN,
) -> StreamInfo:
    """Ask ``STREAM.INFO``, paging through per-subject counts when a filter is given.

    All pages share one deadline.

    Raises:
        StreamNotFoundError: no such stream.
        JsmTimeoutError: the pages did not all arrive in time.
    """
    check_existing_name(name)
    if subjects_filter is None:
        # One page: no subject counts to merge, so no shared deadline to manage.
        return await api.request(
            f"STREAM.INFO.{name}",
            StreamInfoRequest(deleted_details=True) if deleted_details else None,
            StreamInfoResponse,
            timeout=timeout,
            retry=True,
            context=_context(name),
        )
    check_subject(subjects_filter, what="subjects_filter")
    deadline = api.deadline(timeout)
    try:
        with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
            return await _info_pages(api, name, deleted_details, subjects_filter, timeout)
    except TimeoutError as err:
        if isinstance(err, JsmTimeoutError):
            raise
        raise JsmTimeoutError(f"stream {name!r} info did not complete in time") from None


async def _info_pages(
    api: ApiClient,
    name: str,
    deleted_details: bool,
    subjects_filter: str,
    timeout: Duration | NotGiven,
) -> StreamInfo:
    subjects: dict[str, int] = {}
    offset = 0
    while True:
        request = StreamInfoRequest(
            deleted_details=deleted_details or None,
            subjects_filter=subjects_filter,
            offset=offset or None,
        )
        reply = await api.request(
            f"STREAM.INFO.{name}",
            request,
            StreamInfoResponse,
            timeout=timeout,
            retry=True,
            context=_context(name),
        )
        page = reply.state.subjects or {}
        if offset == 0 and len(page) >= reply.total:
            return reply
        subjects.update(page)
        offset += len(page)
        if not page or offset >= reply.total:
            # Server data, already validated: merging pages needs no re-validation.
            state = reply.state.model_copy(update={"subjects": subjects})
            return reply.model_copy(update={"state": state})


async def delete(api: ApiClient, name: str, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
    """Send ``STREAM.DELETE``.

    Raises:
        StreamNotFoundError: no such stream.
    """
    check_existing_name(name)
    await api.request(
        f"STREAM.DELETE.{name}", None, SuccessResponse, timeout=timeout, context=_context(name)
    )
