"""Turning what a caller puts (bytes, a binary file, an (async) iterator of bytes) into chunks.

Every form is read lazily, at most a few chunks ahead, so a put holds a bounded amount of
the object in memory whatever its size. The chunks are hashed here, in order, as they
are produced: for files and buffers in a worker thread, 1 MiB at a time (SHA-256 lets go
of the GIL), so hashing overlaps with the connection sending the previous chunks.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import IO, TYPE_CHECKING, Protocol, runtime_checkable

import anyio.to_thread

from jsm._errors_base import InvalidOptionError

if TYPE_CHECKING:
    from hashlib import _Hash as Hash

__all__ = ["ObjectSource", "chunks_of"]

_FILE_READ_SIZE = 1024 * 1024
"""Bytes read from a blocking file per worker-thread hop (amortises the hop)."""


@runtime_checkable
class _AsyncReadable(Protocol):
    async def read(self, size: int = -1, /) -> bytes: ...


ObjectSource = bytes | bytearray | memoryview | IO[bytes] | Iterable[bytes] | AsyncIterable[bytes]
"""What ``put`` accepts: bytes, a binary file object, or an (async) iterable of bytes."""


def chunks_of(source: object, chunk_size: int, sha: Hash) -> AsyncIterator[bytes]:
    """Return the chunks of ``source``, each ``chunk_size`` bytes except the last.

    ``sha`` is updated with every chunk before the chunk is yielded.

    Raises:
        InvalidOptionError: ``source`` is not a form ``put`` accepts (e.g. a ``str``).
    """
    if isinstance(source, str):
        raise InvalidOptionError(
            "put takes bytes, a binary file or an iterator of bytes, not str; encode it first"
        )
    if isinstance(source, bytes | bytearray | memoryview):
        return _from_buffer(memoryview(source).cast("B"), chunk_size, sha)
    read = getattr(source, "read", None)
    if read is not None and callable(read):
        if inspect.iscoroutinefunction(read):
            return _hashed(_from_async_file(source, chunk_size), sha)  # type: ignore[arg-type]  # checked: async read
        return _from_file(source, chunk_size, sha)  # type: ignore[arg-type]  # checked: has read()
    if isinstance(source, AsyncIterable):
        return _hashed(_rechunk_async(source, chunk_size), sha)
    if isinstance(source, Iterable):
        return _hashed(_rechunk_async(_aiter_sync(source), chunk_size), sha)
    raise InvalidOptionError(
        f"put cannot read a {type(source).__name__}: pass bytes, a binary file object, "
        "or an (async) iterator of bytes"
    )


async def _hashed(chunks: AsyncIterator[bytes], sha: Hash) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        sha.update(chunk)
        yield chunk


def _block_size(chunk_size: int) -> int:
    return max(chunk_size, _FILE_READ_SIZE // chunk_size * chunk_size)


async def _from_buffer(view: memoryview, chunk_size: int, sha: Hash) -> AsyncIterator[bytes]:
    block_size = _block_size(chunk_size)
    for block_start in range(0, len(view), block_size):
        block = view[block_start : block_start + block_size]
        if len(block) > chunk_size:
            await anyio.to_thread.run_sync(sha.update, block)
        else:
            sha.update(block)
        for start in range(0, len(block), chunk_size):
            yield bytes(block[start : start + chunk_size])


def _read_block(file: IO[bytes], size: int, sha: Hash) -> bytes:
    block = _read_fully(file, size)
    sha.update(block)
    return block


def _read_fully(file: IO[bytes], size: int) -> bytes:
    parts: list[bytes] = []
    wanted = size
    while wanted > 0:
        part = file.read(wanted)
        if part is None:
            raise InvalidOptionError("put cannot read a non-blocking file; pass a blocking one")
        if isinstance(part, str):
            raise InvalidOptionError("put needs a file opened in binary mode ('rb')")
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


async def _from_file(file: IO[bytes], chunk_size: int, sha: Hash) -> AsyncIterator[bytes]:
    block_size = _block_size(chunk_size)
    while True:
        block = await anyio.to_thread.run_sync(_read_block, file, block_size, sha)
        for start in range(0, len(block), chunk_size):
            yield block[start : start + chunk_size]
        if len(block) < block_size:
            return


async def _from_async_file(file: _AsyncReadable, chunk_size: int) -> AsyncIterator[bytes]:
    async def pieces() -> AsyncIterator[bytes]:
        while True:
            piece = await file.read(chunk_size)
            if isinstance(piece, str):
                raise InvalidOptionError("put needs a file opened in binary mode ('rb')")
            if not piece:
                return
            yield piece

    async for chunk in _rechunk_async(pieces(), chunk_size):
        yield chunk


async def _aiter_sync(items: Iterable[bytes]) -> AsyncIterator[bytes]:
    for item in items:
        yield item


async def _rechunk_async(pieces: AsyncIterable[bytes], chunk_size: int) -> AsyncIterator[bytes]:
    buffer = bytearray()
    async for piece in pieces:
        if not isinstance(piece, bytes | bytearray | memoryview):
            raise InvalidOptionError(
                f"the iterator given to put yielded a {type(piece).__name__}; it must yield bytes"
            )
        if not buffer and len(piece) == chunk_size:
            yield bytes(piece)
            continue
        buffer += piece
        while len(buffer) >= chunk_size:
            yield bytes(buffer[:chunk_size])
            del buffer[:chunk_size]
    if buffer:
        yield bytes(buffer)
