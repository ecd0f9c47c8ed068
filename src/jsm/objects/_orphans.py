"""Finding and purging chunks no object refers to (left by a put whose connection closed).

A put that fails while its connection is up purges its own chunks; one whose connection
was closed cannot. Such chunks sit on a ``$O.<bucket>.C.<nuid>`` subject that no
object's metadata names. A put in progress looks the same, so only chunk subjects
whose newest chunk is older than a grace period are purged.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from jsm._generated_errors import NoMessageFoundError
from jsm.models import StreamMsgGetRequest
from jsm.objects import _wire
from jsm.streams._api import fetch_info
from jsm.streams.messages import api_get, direct_get
from jsm.subjects import object_stream_name

if TYPE_CHECKING:
    from jsm.objects.store import ObjectStore

__all__ = ["purge_orphans"]

logger = logging.getLogger(__name__)


async def purge_orphans(store: ObjectStore, *, older_than: timedelta) -> int:
    """Purge chunk subjects no live object refers to and untouched for ``older_than``.

    Returns how many chunks were purged.

    Raises:
        ObjectStoreNotFoundError: the bucket was deleted.
    """
    api = store._js.api
    bucket = store.bucket
    stream = object_stream_name(bucket)
    prefix = f"$O.{bucket}.C."
    info = await fetch_info(api, stream, subjects_filter=f"{prefix}>")
    chunk_subjects = dict(info.state.subjects or {})
    if not chunk_subjects:
        return 0
    live = {entry.nuid async for entry in store.list()}
    cutoff = datetime.now(UTC) - older_than
    purged = 0
    for subject in chunk_subjects:
        nuid = subject[len(prefix) :]
        if nuid in live:
            continue
        context = f"object store {bucket!r}"
        try:
            if store.cached_info.config.allow_direct:
                last = await direct_get(api, stream, None, last_by_subject=subject, context=context)
            else:
                request = StreamMsgGetRequest(last_by_subj=subject)
                last = await api_get(api, stream, request, context=context)
        except NoMessageFoundError:
            continue
        if last.time > cutoff:
            logger.debug("chunks on %s are recent (a put in progress?); kept", subject)
            continue
        if nuid in {entry.nuid async for entry in store.list()}:
            continue  # a put finished meanwhile
        purged += await _wire.purge_chunks(api, bucket, nuid)
    return purged
