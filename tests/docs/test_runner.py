"""The docs runner itself: what it reads from Markdown, and that a broken example fails.

The acceptance test of executable docs: an API name broken in a real guide makes the
page fail both when run against a server and when type-checked, at the right line.
"""

from __future__ import annotations

import asyncio
import traceback
from typing import TYPE_CHECKING

import pytest

from tests.docs import execute
from tests.docs.blocks import DOCS, MarkdownError, read_page
from tests.docs.execute import BlockFailedError, run_page
from tests.docs.typecheck import type_errors

if TYPE_CHECKING:
    from pathlib import Path

    import jsm
    from jsm.testing import NatsServer


def _page(tmp_path: Path, text: str, name: str = "page.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_blocks_are_read_with_their_kind_line_and_indentation(tmp_path: Path) -> None:
    path = _page(
        tmp_path,
        "# T\n\n```python\nx = 1\n```\n\n<!-- docs: fragment -->\n```py\ny = z\n```\n\n"
        "- item\n\n    ```python\n    if x:\n        pass\n    ```\n\n"
        '```python\n--8<-- "examples/kv.py"\n```\n\n```sh\nmake docs\n```\n',
    )
    page = read_page(path)
    assert [(b.line, b.kind) for b in page.blocks] == [
        (3, "run"),
        (8, "fragment"),
        (14, "run"),
        (19, "include"),
    ]
    assert page.blocks[2].code == "if x:\n    pass\n"
    assert page.server == "single"


def test_a_page_picks_the_cluster(tmp_path: Path) -> None:
    page = read_page(_page(tmp_path, "<!-- docs: server=cluster -->\n```python\npass\n```\n"))
    assert page.server == "cluster"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("```python\nx = 1\n", "never closed"),
        ("<!-- docs: fragment -->\ntext\n```python\nx\n```\n", "just before"),
        ("<!-- docs: fragment -->\n```sh\nls\n```\n", "only applies to ```python"),
        ("<!-- docs: skip -->\n```python\nx\n```\n", "unknown docs marker"),
        ("<!-- docs: server=galaxy -->\n", "unknown server"),
    ],
    ids=["unclosed", "marker-not-before-fence", "marker-on-shell", "unknown-marker", "server"],
)
def test_bad_markdown_is_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(MarkdownError, match=message):
        read_page(_page(tmp_path, text))


async def test_blocks_share_a_namespace_and_js_is_always_the_fixture(
    tmp_path: Path, page_js: jsm.Manager, page_server: NatsServer
) -> None:
    path = _page(
        tmp_path,
        '```python\nasync with jsm.connect("nats://127.0.0.1:4222") as js:\n'
        "    first = await js.account_info()\n```\n\n"
        "```python\nsecond = await js.account_info()\nassert first.api_level == second.api_level\n"
        "assert not js.nc.is_closed\n```\n\n"
        "<!-- docs: fragment -->\n```python\nraise RuntimeError('fragments do not run')\n```\n",
    )
    assert await run_page(read_page(path), page_js, url=page_server.client_url) == 2


async def test_a_failing_block_names_its_page_and_line(
    tmp_path: Path, page_js: jsm.Manager, page_server: NatsServer
) -> None:
    path = _page(tmp_path, "# T\n\n```python\nx = 1\n\nawait js.streams.get('NOPE')\n```\n")
    with pytest.raises(
        BlockFailedError, match=r"page\.md:3 failed \(line 6\): StreamNotFound"
    ) as info:
        await run_page(read_page(path), page_js, url=page_server.client_url)
    cause = info.value.__cause__
    assert cause is not None
    frames = traceback.extract_tb(cause.__traceback__)
    in_page = [frame for frame in frames if frame.filename.endswith("page.md")]
    assert [frame.lineno for frame in in_page] == [6], "the Markdown line of the statement"
    assert in_page[0].line == "await js.streams.get('NOPE')"


async def test_a_block_that_never_ends_fails_with_its_line(
    tmp_path: Path,
    page_js: jsm.Manager,
    page_server: NatsServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(execute, "BLOCK_DEADLINE", 0.5)
    path = _page(tmp_path, "```python\nimport asyncio\nawait asyncio.Event().wait()\n```\n")
    with pytest.raises(BlockFailedError, match=r"page\.md:1 did not finish within 0\.5s"):
        await run_page(read_page(path), page_js, url=page_server.client_url)


async def test_a_script_block_runs_its_own_event_loop(
    tmp_path: Path, page_js: jsm.Manager, page_server: NatsServer
) -> None:
    path = _page(
        tmp_path,
        "```python\nimport asyncio\n\nimport jsm\n\n\nasync def main(url: str) -> None:\n"
        "    async with jsm.connect(url) as js:\n        await js.account_info()\n\n\n"
        'asyncio.run(main("nats://127.0.0.1:4222"))\n```\n',
    )
    assert await run_page(read_page(path), page_js, url=page_server.client_url) == 1


async def test_breaking_an_api_name_in_a_guide_fails_the_run_and_the_type_check(
    tmp_path: Path, page_js: jsm.Manager, page_server: NatsServer
) -> None:
    guide = (DOCS / "streams.md").read_text(encoding="utf-8")
    assert "await js.streams.add(" in guide
    broken = _page(
        tmp_path, guide.replace("js.streams.add(", "js.streams.create(", 1), "streams.md"
    )
    line = next(b.line for b in read_page(broken).blocks if "js.streams.create(" in b.code)
    with pytest.raises(BlockFailedError, match=rf"streams\.md:{line} failed \(line \d+\): Attr"):
        await run_page(read_page(broken), page_js, url=page_server.client_url)
    errors = await asyncio.to_thread(type_errors, [read_page(broken)], tmp_path)
    assert any('"StreamManager" has no attribute "create"' in e for e in errors[broken.as_posix()])


async def test_a_block_that_does_not_parse_names_its_line(
    tmp_path: Path, page_js: jsm.Manager, page_server: NatsServer
) -> None:
    path = _page(tmp_path, "text\n\n```python\nx = 1\nprint(x\n```\n")
    with pytest.raises(BlockFailedError, match=r"page\.md:3 failed \(line 5\): SyntaxError"):
        await run_page(read_page(path), page_js, url=page_server.client_url)
