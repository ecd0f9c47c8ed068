"""mkdocs hooks for the documentation site (loaded by ``hooks:`` in mkdocs.yml).

The guides link the runnable scripts as ``../examples/<name>.py`` (and a script's
folder of files as ``../examples/<name>/``), which works when reading the Markdown files
in the repository. The site shows them on its Examples page instead (docs/examples.md
includes each one), so this hook points such links at that page's section of the same
name, and the strict build still fails on any other link that leads nowhere.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

_EXAMPLE_LINK = re.compile(r"\]\((?:\.\./)+examples/([a-z_]+)(?:\.py|/)\)")


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Point links to ``examples/<name>.py`` and ``examples/<name>/`` at the Examples page."""
    depth = page.file.src_uri.count("/")
    target = posixpath.join(*([".."] * depth), "examples.md") if depth else "examples.md"
    return _EXAMPLE_LINK.sub(lambda match: f"]({target}#{match.group(1)})", markdown)
