"""A griffe extension for the API reference: Sphinx roles in docstrings become Markdown.

jsm's docstrings are Google style, but refer to other names with Sphinx roles
(``:class:`~jsm.StreamReport```). mkdocstrings renders Markdown, where a role would show
as literal text, so this extension rewrites each role when griffe loads a docstring: a
name the reference documents (``jsm.X`` for ``X`` in ``jsm.__all__``, or a server error
class in ``jsm.errors``) becomes a cross-reference, anything else inline code. Names the
reference does not document are never linked, so the strict build has nothing to resolve
that it cannot. Loaded by ``mkdocs.yml`` (``extensions: - tools/griffe_roles.py``).
"""

from __future__ import annotations

import re

import griffe

import jsm
import jsm.errors

_ROLE = re.compile(r":(class|func|meth|attr|mod|exc|data|obj):`(~?)([\w.]+)`")
_LITERAL_BLOCK = re.compile(r"::$", flags=re.MULTILINE)  # reST's "::" before a literal block


def documented_targets() -> dict[str, str]:
    """Map every name the reference documents (short and dotted) to its identifier."""
    targets: dict[str, str] = {}
    for name in jsm.__all__:
        targets[name] = targets[f"jsm.{name}"] = f"jsm.{name}"
    for name in jsm.errors.__all__:
        identifier = f"jsm.errors.{name}"
        targets[identifier] = identifier
        targets.setdefault(name, identifier)
    return targets


def rewrite(text: str, targets: dict[str, str]) -> str:
    """Turn the Sphinx roles of one docstring into Markdown links or inline code."""

    def replace(match: re.Match[str]) -> str:
        role, short, target = match.groups()
        shown = target.rsplit(".", 1)[-1] if short else target
        if role in ("func", "meth"):
            shown += "()"
        identifier = None if role == "mod" else targets.get(target)
        return f"[`{shown}`][{identifier}]" if identifier else f"`{shown}`"

    return _LITERAL_BLOCK.sub(":", _ROLE.sub(replace, text))


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles in every docstring griffe loads."""

    def __init__(self) -> None:
        super().__init__()
        self._targets = documented_targets()

    def on_object(self, *, obj: griffe.Object, **kwargs: object) -> None:
        """Rewrite the roles in ``obj``'s docstring."""
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj.docstring.value, self._targets)
