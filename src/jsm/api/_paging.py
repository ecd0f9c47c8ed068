"""Async iteration over the server's paged lists (``offset`` / ``total`` / ``limit``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Sequence

__all__ = ["Page", "Pager"]

T = TypeVar("T")


class Page(Generic[T]):
    """One page of a list: its items, the server's total count, and the names it listed as
    missing (streams or consumers whose leader did not answer)."""

    __slots__ = ("items", "missing", "offset", "total")

    def __init__(
        self, items: Sequence[T], *, offset: int, total: int, missing: Sequence[str] = ()
    ) -> None:
        self.items = list(items)
        self.offset = offset
        self.total = total
        self.missing = list(missing)


class Pager(Generic[T]):
    """Iterate every item across pages with ``async for``; ``await`` gives the first page.

    Pages are fetched as the iteration goes, so a long list is never held whole. The
    server's page size differs by call; iteration ends when ``offset + len(items)``
    reaches ``total`` or a page comes back empty.
    """

    def __init__(self, fetch: Callable[[int], Awaitable[Page[T]]]) -> None:
        self._fetch = fetch
        self.missing: list[str] = []
        """Names the server listed as missing in the pages fetched so far (their leader
        did not answer, e.g. its node is down): complete once iteration has ended."""

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[T]:
        offset = 0
        while True:
            page = await self._fetch(offset)
            self.missing += [name for name in page.missing if name not in self.missing]
            for item in page.items:
                yield item
            offset += len(page.items)
            if not page.items or offset >= page.total:
                return

    def __await__(self) -> Generator[object, None, list[T]]:
        return self._first_page().__await__()

    async def _first_page(self) -> list[T]:
        return (await self._fetch(0)).items

    async def collect(self) -> list[T]:
        """Return every item of every page as one list."""
        return [item async for item in self]
