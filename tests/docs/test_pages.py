"""Every Python block of docs/ and README.md runs against a real server and type-checks.

A page whose example stops working fails here, at the page and line of the block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.docs.blocks import ROOT, all_pages
from tests.docs.execute import run_page

if TYPE_CHECKING:
    import jsm
    from jsm.testing import Cluster, NatsServer
    from tests.docs.blocks import Page

PAGES = all_pages()
SINGLE = [page for page in PAGES if page.server == "single"]
CLUSTER = [page for page in PAGES if page.server == "cluster"]
EXAMPLES = ROOT / "examples"


def _ids(pages: list[Page]) -> list[str]:
    return [page.name for page in pages]


@pytest.mark.parametrize("page", SINGLE, ids=_ids(SINGLE))
@pytest.mark.usefixtures("page_dir")
async def test_page_runs(page: Page, page_js: jsm.Manager, page_server: NatsServer) -> None:
    await run_page(page, page_js, url=page_server.client_url)


@pytest.mark.parametrize("page", CLUSTER, ids=_ids(CLUSTER))
@pytest.mark.usefixtures("page_dir")
async def test_cluster_page_runs(
    page: Page, page_cluster_js: jsm.Manager, page_cluster: Cluster
) -> None:
    await run_page(page, page_cluster_js, url=page_cluster.urls[0])


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_page_type_checks(page: Page, docs_type_errors: dict[str, list[str]]) -> None:
    errors = docs_type_errors[page.name]
    assert not errors, "mypy --strict on the page's python blocks:\n" + "\n".join(errors)


def test_included_scripts_are_examples_the_suite_runs() -> None:
    included = [block for page in PAGES for block in page.blocks if block.kind == "include"]
    assert included, "docs/examples.md shows the example scripts"
    for block in included:
        path = block.included
        assert path is not None
        assert path.parent == EXAMPLES, f"{block.where}: only examples/ scripts may be included"
        assert path.is_file(), f"{block.where}: {path} does not exist"
    shown = {block.included for block in included}
    assert shown == set(EXAMPLES.glob("*.py")), "docs/examples.md shows every example script"
