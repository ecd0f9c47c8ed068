"""Stream backup and restore (``STREAM.SNAPSHOT`` / ``STREAM.RESTORE``), streamed in chunks.

A snapshot file holds a small header (a magic line, then the stream's configuration and
state as JSON) followed by the server's snapshot bytes exactly as they arrived. Both
directions move one chunk at a time, so memory stays bounded by the flow-control window
whatever the stream's size: on the way out every chunk is acknowledged once written
(the server pauses when too much is unacknowledged); on the way in every chunk is a
request the server answers when it has stored it. The server's side of either transfer
does not survive the loss of the connection, so a transfer fails with
:class:`~jsm.errors.JsmConnectionError` as soon as it is lost, not at its timeout.
"""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final, Literal

import anyio
import pydantic
from anyio import AsyncFile

from jsm._errors_base import InvalidOptionError, JetStreamUnavailableError, JsmTimeoutError
from jsm._generated_errors import (
    StreamNameExistRestoreFailedError,
    StreamNotFoundError,
    StreamRestoreError,
    StreamSnapshotError,
)
from jsm._options import NOT_GIVEN, Duration, NotGiven, to_timedelta
from jsm._transport import NatsMsg, NoRespondersError, next_msg, status_of, unsubscribe
from jsm.models import (
    StreamConfig,
    StreamCreateResponse,
    StreamInfo,
    StreamRestoreRequest,
    StreamRestoreResponse,
    StreamSnapshotRequest,
    StreamSnapshotResponse,
    StreamState,
)
from jsm.streams import _api
from jsm.streams._checks import check_stream_config
from jsm.streams._transfer import Connection
from jsm.subjects import check_name

if TYPE_CHECKING:
    from jsm.manager import Manager

__all__ = ["Progress", "SnapshotProgress", "SnapshotResult", "restore_stream", "snapshot_stream"]

logger = logging.getLogger(__name__)

MAGIC: Final = b"JSM-STREAM-SNAPSHOT 1\n"
DEFAULT_CHUNK_SIZE: Final = 128 * 1024
WINDOW_SIZE: Final = 4 * 1024 * 1024
"""Unacknowledged bytes the server may send ahead; bounds the client's buffer."""
RESTORE_CHUNK_SIZE: Final = 128 * 1024
FINISH_TIMEOUT: Final = 120.0
"""Seconds the server may take to unpack a restored stream after the last chunk."""
_LENGTH: Final = struct.Struct(">Q")
_IMPORT_HINT: Final = (
    "; through an API prefix, snapshots and restores also need their data subjects "
    "imported (the deliver inbox, and $JS.SNAPSHOT.RESTORE.>)"
)
_MAX_HEADER: Final = 16 * 1024 * 1024

Destination = str | Path | IO[bytes]


class SnapshotProgress:
    """How far a snapshot or restore has got (passed to the ``progress`` callback).

    Attributes:
        stream: the stream's name.
        bytes_done: snapshot bytes moved so far.
        chunks_done: chunks moved so far.
        bytes_expected: the total, when known (restores from files), else ``None``.
        is_done: whether this is the final report.
    """

    __slots__ = ("bytes_done", "bytes_expected", "chunks_done", "is_done", "stream")

    def __init__(
        self,
        stream: str,
        *,
        bytes_done: int,
        chunks_done: int,
        bytes_expected: int | None,
        is_done: bool,
    ) -> None:
        self.stream = stream
        self.bytes_done = bytes_done
        self.chunks_done = chunks_done
        self.bytes_expected = bytes_expected
        self.is_done = is_done

    def __repr__(self) -> str:
        return (
            f"SnapshotProgress(stream={self.stream!r}, bytes_done={self.bytes_done}, "
            f"chunks_done={self.chunks_done}, is_done={self.is_done})"
        )


Progress = Callable[[SnapshotProgress], object]
"""A callback given a :class:`SnapshotProgress` after every chunk and once at the end."""


class SnapshotResult:
    """What a snapshot wrote: the stream's config and state, and the size in bytes and chunks.

    Attributes:
        config: the stream's configuration when the snapshot was taken.
        state: the stream's state when the snapshot was taken.
        size: snapshot bytes written (after the header).
        chunks: chunks received.
        path: the file written (``None`` when a file object was given).
    """

    __slots__ = ("chunks", "config", "path", "size", "state")

    def __init__(
        self,
        *,
        config: StreamConfig,
        state: StreamState,
        size: int,
        chunks: int,
        path: Path | None,
    ) -> None:
        self.config = config
        self.state = state
        self.size = size
        self.chunks = chunks
        self.path = path

    def __repr__(self) -> str:
        return (
            f"SnapshotResult(stream={self.config.name!r}, size={self.size}, "
            f"chunks={self.chunks}, path={self.path!r})"
        )


# -------------------------------------------------------------------------- snapshot


async def snapshot_stream(
    js: Manager,
    name: str,
    destination: Destination,
    *,
    progress: Progress | None = None,
    no_consumers: bool = False,
    chunk_size: int | None = None,
    timeout: Duration | NotGiven = NOT_GIVEN,
) -> SnapshotResult:
    """Write a snapshot of stream ``name`` to a path (a directory gets ``<name>.snapshot``)
    or a binary file object opened for writing.

    ``timeout`` bounds the API call and each wait for the next chunk.

    Raises:
        InvalidOptionError: a bad chunk size or destination.
        StreamNotFoundError: no such stream.
        StreamSnapshotError: the server failed while sending the snapshot.
        JsmTimeoutError: the server stopped sending chunks.
        JsmConnectionError: the connection was lost midway (a file it created is removed).
    """
    size = DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size
    if isinstance(size, bool) or not 1024 <= size <= js.api.transport.max_payload:
        raise InvalidOptionError(
            f"chunk_size must be between 1024 and the server's max payload (got {size!r})"
        )
    wait = _seconds(js, timeout)
    path = await _target_path(destination, name)
    try:
        async with _open(destination, path, "wb") as out:
            return await _receive(js, name, out, path, size, no_consumers, wait, progress)
    except BaseException:
        if path is not None:  # a file we created: do not leave half a snapshot behind
            with anyio.move_on_after(2, shield=True):
                await anyio.Path(path).unlink(missing_ok=True)
        raise


async def _receive(
    js: Manager,
    name: str,
    out: AsyncFile[bytes],
    path: Path | None,
    chunk_size: int,
    no_consumers: bool,
    wait: float,
    progress: Progress | None,
) -> SnapshotResult:
    transport = js.api.transport
    connection = Connection(transport, f"snapshot of stream {name!r}")
    inbox = transport.new_inbox()
    limit = 2 * WINDOW_SIZE // chunk_size + 16
    sub = await transport.subscribe(inbox, pending_msgs_limit=limit)
    try:
        request = js.api.request(
            f"STREAM.SNAPSHOT.{name}",
            StreamSnapshotRequest(
                deliver_subject=inbox,
                no_consumers=no_consumers or None,
                chunk_size=chunk_size,
                window_size=WINDOW_SIZE,
            ),
            StreamSnapshotResponse,
            timeout=wait,
            context=f"stream {name!r} snapshot",
        )
        reply = await connection.watch(request)
        await out.write(_header(reply.config, reply.state))
        done = chunks = 0
        while True:
            msg = await connection.watch(next_msg(sub, timeout=wait))
            if not msg.data:
                _check_end(msg, name)
                break
            await out.write(msg.data)
            if msg.reply:
                await transport.publish(msg.reply, b"")  # flow-control ack
            done += len(msg.data)
            chunks += 1
            _report(progress, name, done, chunks, None, is_done=False)
        await out.flush()
        _report(progress, name, done, chunks, None, is_done=True)
        return SnapshotResult(
            config=reply.config, state=reply.state, size=done, chunks=chunks, path=path
        )
    except JsmTimeoutError as err:
        hint = _IMPORT_HINT if js.api_prefix is not None else ""
        raise JsmTimeoutError(f"stream {name!r} snapshot stalled: {err}{hint}") from err
    finally:
        with anyio.move_on_after(2, shield=True):
            await unsubscribe(sub)


def _check_end(msg: NatsMsg, name: str) -> None:
    status = status_of(msg)
    if status is None or status[0] in ("204", "200"):
        return
    code, description = status
    raise StreamSnapshotError(
        int(code) if code.isdigit() else 500,
        StreamSnapshotError.error_code or 0,
        description or "snapshot failed",
        context=f"stream {name!r}",
    )


def _header(config: StreamConfig, state: StreamState) -> bytes:
    body = json.dumps(
        {"config": json.loads(config.to_json()), "state": state.to_wire()},
        separators=(",", ":"),
    ).encode()
    return MAGIC + _LENGTH.pack(len(body)) + body


# --------------------------------------------------------------------------- restore


async def restore_stream(
    js: Manager,
    source: Destination,
    *,
    name: str | None = None,
    config: StreamConfig | None = None,
    overrides: dict[str, object] | None = None,
    progress: Progress | None = None,
    timeout: Duration | NotGiven = NOT_GIVEN,
) -> StreamInfo:
    """Restore a snapshot file (path or binary file object) as a new stream.

    Raises:
        InvalidOptionError: the file is not a jsm snapshot, or the overrides are bad.
        StreamNameExistRestoreFailedError: a stream of the target name already exists.
        StreamRestoreError: the server refused the data.
        JsmConnectionError: the connection was lost midway (no stream is made, unless it
            was lost after the last chunk: then check whether the stream exists).
    """
    wait = _seconds(js, timeout)
    path = Path(source) if isinstance(source, str | Path) else None
    async with _open(source, path, "rb") as data:
        saved_config, state = await _read_header(data)
        target = _restore_config(config or saved_config, name, overrides or {})
        check_stream_config(target, strict=js.strict)
        await _refuse_existing(js, target.name, wait)
        expected = await _remaining_size(data)
        connection = Connection(js.api.transport, f"restore of stream {target.name!r}")
        request = js.api.request(
            f"STREAM.RESTORE.{target.name}",
            StreamRestoreRequest(config=target, state=state),
            StreamRestoreResponse,
            timeout=wait,
            context=f"stream {target.name!r} restore",
        )
        reply = await connection.watch(request)
        return await _send(
            js, connection, target.name, data, reply.deliver_subject, wait, expected, progress
        )


def _restore_config(
    base: StreamConfig, name: str | None, overrides: dict[str, object]
) -> StreamConfig:
    unknown = sorted(set(overrides) - set(StreamConfig.model_fields))
    if unknown:
        raise InvalidOptionError(f"unknown stream configuration field(s): {', '.join(unknown)}")
    changes = dict(overrides)
    if name is not None:
        changes["name"] = check_name(name, kind="stream")
    return base.with_changes(**changes) if changes else base


async def _refuse_existing(js: Manager, name: str, wait: float) -> None:
    try:
        await _api.fetch_info(js.api, name, timeout=wait)
    except StreamNotFoundError:
        return
    raise StreamNameExistRestoreFailedError(
        400,
        StreamNameExistRestoreFailedError.error_code or 0,
        "stream name already in use, cannot restore",
        context=f"stream {name!r} exists; delete it or restore under another name (name=...)",
    )


async def _send(
    js: Manager,
    connection: Connection,
    name: str,
    data: AsyncFile[bytes],
    deliver: str,
    wait: float,
    expected: int | None,
    progress: Progress | None,
) -> StreamInfo:
    transport = js.api.transport
    size = min(RESTORE_CHUNK_SIZE, transport.max_payload)
    done = chunks = 0
    try:
        while chunk := await data.read(size):
            reply = await connection.watch(transport.request(deliver, chunk, timeout=wait))
            if reply.data:
                raise _restore_failed(name, reply.data)
            done += len(chunk)
            chunks += 1
            _report(progress, name, done, chunks, expected, is_done=False)
        final = await connection.watch(
            transport.request(deliver, b"", timeout=max(wait, FINISH_TIMEOUT)), finishing=True
        )
    except NoRespondersError:
        raise JetStreamUnavailableError(
            f"the server's restore subject {deliver!r} for stream {name!r} is not reachable"
            + _IMPORT_HINT * (js.api_prefix is not None)
        ) from None
    info = js.api.decode(
        final.data, StreamCreateResponse, subject=deliver, context=f"stream {name!r} restore"
    )
    _report(progress, name, done, chunks, expected, is_done=True)
    return info


def _restore_failed(name: str, body: bytes) -> StreamRestoreError:
    text = body.decode("utf-8", errors="replace").strip()
    return StreamRestoreError(
        500,
        StreamRestoreError.error_code or 0,
        f"restore failed: {text}",
        context=f"stream {name!r}",
    )


async def _read_header(data: AsyncFile[bytes]) -> tuple[StreamConfig, StreamState]:
    magic = await data.read(len(MAGIC))
    if magic != MAGIC:
        raise InvalidOptionError(
            "not a jsm stream snapshot (the file does not start with its mark)"
        )
    raw_length = await data.read(_LENGTH.size)
    (length,) = _LENGTH.unpack(raw_length) if len(raw_length) == _LENGTH.size else (-1,)
    if not 0 < length <= _MAX_HEADER:
        raise InvalidOptionError("the snapshot header is damaged (bad length)")
    body = await data.read(length)
    try:
        header = json.loads(body)
        config = StreamConfig.model_validate_json(json.dumps(header["config"]))
        state = StreamState.model_validate_json(json.dumps(header["state"]))
    except (ValueError, KeyError, TypeError, pydantic.ValidationError) as err:
        raise InvalidOptionError(f"the snapshot header is damaged: {err}") from None
    return config, state


async def _remaining_size(data: AsyncFile[bytes]) -> int | None:
    try:
        here = await data.tell()
        end = await data.seek(0, 2)
        await data.seek(here)
    except (OSError, ValueError, AttributeError):
        return None
    return int(end - here)


# --------------------------------------------------------------------------- helpers


def _seconds(js: Manager, timeout: Duration | NotGiven) -> float:
    if isinstance(timeout, NotGiven):
        return js.timeout.total_seconds()
    return to_timedelta(timeout, name="timeout").total_seconds()


async def _target_path(destination: object, name: str) -> Path | None:
    if not isinstance(destination, str | Path):
        if not hasattr(destination, "write"):
            raise InvalidOptionError(
                "destination must be a path or a binary file opened for writing"
            )
        return None
    path = Path(destination)
    if await anyio.Path(path).is_dir():
        return path / f"{name}.snapshot"
    return path


class _open:  # lower case: used like open()
    """Open a path, or wrap a caller's file object without closing it."""

    def __init__(self, given: object, path: Path | None, mode: Literal["rb", "wb"]) -> None:
        self._given = given
        self._path = path
        self._mode = mode
        self._file: AsyncFile[bytes] | None = None

    async def __aenter__(self) -> AsyncFile[bytes]:
        if self._path is not None:
            try:
                self._file = await anyio.open_file(self._path, self._mode)
            except OSError as err:
                verb = "read" if self._mode == "rb" else "write"
                raise InvalidOptionError(f"cannot {verb} {self._path}: {err.strerror}") from err
            return self._file
        if not hasattr(self._given, "read" if "r" in self._mode else "write"):
            raise InvalidOptionError("expected a path or a binary file object")
        return anyio.wrap_file(self._given)  # type: ignore[arg-type]  # checked just above

    async def __aexit__(self, *exc: object) -> None:
        if self._file is not None:
            with anyio.move_on_after(2, shield=True):
                await self._file.aclose()


def _report(
    progress: Progress | None,
    name: str,
    done: int,
    chunks: int,
    expected: int | None,
    *,
    is_done: bool,
) -> None:
    if progress is None:
        return
    progress(
        SnapshotProgress(
            name, bytes_done=done, chunks_done=chunks, bytes_expected=expected, is_done=is_done
        )
    )
