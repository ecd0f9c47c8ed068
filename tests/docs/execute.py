"""Run a page's Python blocks, in order, as a reader would, against a real server.

A page is one program: its blocks share one namespace, so a block may use what an
earlier block of the page defined. Before each block, ``js`` (a connected
:class:`jsm.Manager`), ``url`` (the server's URL) and ``jsm`` are (re)bound, so
"``js`` is a connected manager" holds on every page even after a block opened a
connection of its own under that name. The address the docs show,
``127.0.0.1:4222``, is replaced by the test server's, credentials and all
(``nats://sys:sys@127.0.0.1:4222`` reaches the test server's system account).

Blocks may use top-level ``await``/``async with``/``async for`` (compiled with
``PyCF_ALLOW_TOP_LEVEL_AWAIT`` and awaited in the test's event loop). A block that
starts its own event loop (``asyncio.run(main())``, as a script does) runs in a worker
thread. Code is compiled under the Markdown file's name with its lines where they are
in the file, so a traceback points at ``docs/page.md`` and the line of the failing
statement. Fragment and include blocks are not run here (see :mod:`tests.docs.blocks`).

Why not pytest-examples, sybil or pytest-markdown-docs: the docs are async code run
against the jsm test fixtures (servers, leak checks) in pytest-asyncio's loop, with
top-level ``await``; each of those runs blocks synchronously or outside the test's
event loop, so each would need this much glue anyway.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import linecache
import logging
import traceback
from typing import TYPE_CHECKING

import jsm
from tests.docs.blocks import relative

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.docs.blocks import Block, Page

DOCS_ADDRESS = "127.0.0.1:4222"
BLOCK_DEADLINE = 60.0
"""Seconds one block may take: an example that never ends (an endless ``async for``)
fails with its page and line instead of hanging until pytest-timeout."""


class BlockFailedError(AssertionError):
    """A docs block raised; the message names the page and line of the block."""


def localised(code: str, address: str) -> str:
    """The block's code with the docs' server address replaced by ``address``."""
    return code.replace(DOCS_ADDRESS, address)


def starts_event_loop(tree: ast.Module) -> bool:
    """Whether the block calls ``asyncio.run``/``anyio.run`` itself (a script's ``main``)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in ("asyncio", "anyio")
        ):
            return True
    return False


async def run_block(block: Block, namespace: dict[str, object], address: str) -> None:
    """Execute one block in ``namespace``; raise :class:`BlockFailedError` if it fails."""
    source = "\n" * block.line + localised(block.code, address)
    filename = relative(block.path)
    # Tracebacks (and pytest's report) read the code from linecache: give them the
    # block's Python, at its Markdown line numbers, rather than the Markdown file.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    deadline = asyncio.timeout(BLOCK_DEADLINE)
    try:
        tree = ast.parse(source, filename)
        code = compile(tree, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        async with deadline:
            if code.co_flags & inspect.CO_COROUTINE:
                await eval(code, namespace)
            elif starts_event_loop(tree):
                await asyncio.to_thread(exec, code, namespace)
            else:
                exec(code, namespace)
    except (Exception, SystemExit) as err:
        if deadline.expired():
            raise BlockFailedError(
                f"the python block at {block.where} did not finish within "
                f"{BLOCK_DEADLINE:g}s; an example must end on its own (break out of "
                "endless loops), or be marked <!-- docs: fragment -->"
            ) from err
        line = _failing_line(err, filename)
        at = f" (line {line})" if line is not None else ""
        raise BlockFailedError(
            f"the python block at {block.where} failed{at}: {type(err).__name__}: {err}"
        ) from err


def _failing_line(err: BaseException, filename: str) -> int | None:
    """The Markdown line of the block's statement that raised (its last frame in the block)."""
    frames = traceback.extract_tb(err.__traceback__)
    lines = [frame.lineno for frame in frames if frame.filename == filename]
    if isinstance(err, SyntaxError) and err.filename == filename:
        return err.lineno
    return lines[-1] if lines else None


async def run_page(page: Page, js: jsm.Manager, *, url: str) -> int:
    """Run every "run" block of ``page`` in order; return how many ran.

    Logging levels a page sets (docs show how to quieten jsm's loggers) are put back
    afterwards: the page runs inside the test process, and later tests capture logs.
    """
    address = url.rsplit("@", 1)[-1].split("://", 1)[-1]
    namespace: dict[str, object] = {"__name__": f"docs:{page.name}"}
    ran = 0
    with _logging_restored():
        for block in page.blocks:
            if block.kind != "run":
                continue
            namespace.update(jsm=jsm, js=js, url=url)
            await run_block(block, namespace, address)
            ran += 1
    return ran


@contextlib.contextmanager
def _logging_restored() -> Iterator[None]:
    manager = logging.Logger.manager
    loggers = [
        logging.getLogger(),
        *(logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)),
    ]
    saved = {
        logger: (logger.level, logger.propagate, logger.disabled, list(logger.handlers))
        for logger in loggers
    }
    try:
        yield
    finally:
        for logger in [logging.getLogger(), *manager.loggerDict.values()]:
            if not isinstance(logger, logging.Logger):
                continue
            level, propagate, disabled, handlers = saved.get(
                logger, (logging.NOTSET, True, False, [])
            )
            logger.setLevel(level)
            logger.propagate, logger.disabled, logger.handlers = propagate, disabled, handlers
