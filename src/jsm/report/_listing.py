"""Page through ``STREAM.LIST`` keeping what ``js.streams.list`` drops: the missing streams."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsm.models import StreamListResponse

if TYPE_CHECKING:
    from jsm._options import Duration, NotGiven
    from jsm.api import ApiClient
    from jsm.models import StreamInfo

__all__ = ["list_streams"]


async def list_streams(
    api: ApiClient, *, subject: str | None, timeout: Duration | NotGiven
) -> tuple[list[StreamInfo], list[str]]:
    """Every stream's info (optionally only those overlapping ``subject``), and the names
    of streams the cluster knows but whose leader did not answer (``missing``).

    Raises:
        JetStreamUnavailableError: JetStream is not reachable.
        JsmTimeoutError: the server did not answer in time.
    """
    body: dict[str, object] = {} if subject is None else {"subject": subject}
    infos: list[StreamInfo] = []
    missing: list[str] = []
    while True:
        page = await api.request(
            "STREAM.LIST",
            body | {"offset": len(infos)},
            StreamListResponse,
            timeout=timeout,
            retry=True,
            context="stream report",
        )
        infos += page.streams or []
        missing += [name for name in page.missing or [] if name not in missing]
        if not page.streams or len(infos) >= page.total:
            return infos, missing
