"""Render the mirror/source graph of a report as Graphviz dot text (pure, no I/O).

Every identifier and attribute value is written as a quoted dot string, so any stream
name (including dot keywords such as ``node``) is safe. Mirrors are solid blue edges
labelled ``mirror``; sources are dashed green edges labelled ``source`` plus their
filter or transforms. An upstream in another domain or account is its own node (drawn
dashed), and its edges carry ``domain <name>`` or ``api <prefix>``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jsm.report._rows import ReplicationKind

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from jsm.report._rows import ReplicationRow, StreamRow

__all__ = ["EDGE_STYLES", "dot_quote", "external_node_id", "render_dot"]

EDGE_STYLES: Mapping[ReplicationKind, Mapping[str, str]] = {
    ReplicationKind.MIRROR: {"style": "solid", "color": "blue"},
    ReplicationKind.SOURCE: {"style": "dashed", "color": "darkgreen"},
}
"""The dot attributes that tell mirror edges from source edges."""

_OTHER_EDGE = {"style": "dotted", "color": "gray"}  # a kind this version does not know
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def _escape_char(char: str) -> str:
    escaped = _ESCAPES.get(char)
    if escaped is not None:
        return escaped
    if unicodedata.category(char) == "Cc":
        return f"\\x{ord(char):02x}"
    return char


def dot_quote(text: str) -> str:
    """Quote ``text`` as a dot string: ``"`` and ``\\`` escaped, control characters spelt out.

    The mapping is one-to-one, so distinct names stay distinct nodes.
    """
    return '"' + "".join(_escape_char(c) for c in text) + '"'


@dataclass(frozen=True)
class _Scope:
    """Which qualifiers node ids need: the account and/or domain, when the report spans several."""

    accounts: bool = False
    domains: bool = False

    def node(self, name: str, account: str | None, domain: str | None) -> str:
        node = f"{name} @ {domain}" if self.domains and domain else name
        return f"{account} > {node}" if self.accounts and account is not None else node


def external_node_id(row: ReplicationRow, *, scope: _Scope = _Scope()) -> str:
    """The node id of an upstream: its name, or ``name @ domain`` / ``name @ prefix`` if external.

    A report over several accounts prefixes ``ACCOUNT > ``; over several domains, every
    stream gets its `` @ domain`` (so a stream and an external source of it are one node).
    """
    if row.api_prefix is None:
        return scope.node(row.upstream, row.account, row.stream_domain)
    if row.domain is not None:
        return _Scope(accounts=scope.accounts, domains=True).node(
            row.upstream, row.account, row.domain
        )
    return scope.node(f"{row.upstream} @ {row.api_prefix}", row.account, None)


def _attrs(attrs: Mapping[str, str]) -> str:
    return ", ".join(f"{key}={dot_quote(value)}" for key, value in attrs.items())


def _edge_label(row: ReplicationRow) -> str:
    lines = [row.kind.value]
    if row.domain is not None:
        lines.append(f"domain {row.domain}")
    elif row.api_prefix is not None:
        lines.append(f"api {row.api_prefix}")
    lines.extend(row.filters)
    return "\n".join(lines)


def _stream_label(stream: StreamRow, scope: _Scope) -> str:
    where = [
        *([stream.account] if scope.accounts and stream.account else []),
        *([f"domain {stream.domain}"] if scope.domains and stream.domain else []),
    ]
    return f"{stream.name}\n({', '.join(where)})" if where else stream.name


def _node_lines(
    streams: Iterable[StreamRow], replication: list[ReplicationRow], scope: _Scope
) -> list[str]:
    lines: list[str] = []
    known: set[str] = set()
    for stream in streams:
        node = scope.node(stream.name, stream.account, stream.domain)
        if node not in known:
            known.add(node)
            label = _stream_label(stream, scope)
            lines.append(f"  {dot_quote(node)} [{_attrs({'label': label})}];")
    for row in replication:
        node = external_node_id(row, scope=scope)
        if node in known:
            continue
        known.add(node)
        attrs = {"label": row.upstream}
        if row.is_external:
            where = f"domain {row.domain}" if row.domain else f"api {row.api_prefix}"
            attrs = {"label": f"{row.upstream}\n({where})", "style": "dashed"}
        lines.append(f"  {dot_quote(node)} [{_attrs(attrs)}];")
    return lines


def render_dot(
    streams: Iterable[StreamRow],
    replication: list[ReplicationRow],
    *,
    title: str = "Stream Replication Structure",
) -> str:
    """The dot text of a directed graph: one node per stream, upstream → downstream edges.

    When the streams span several accounts, node ids are ``ACCOUNT > NAME``, and over
    several domains ``NAME @ DOMAIN``, so streams of the same name stay apart.
    """
    streams = list(streams)
    scope = _Scope(
        accounts=len({s.account for s in streams} | {r.account for r in replication}) > 1,
        domains=len({s.domain for s in streams} | {r.stream_domain for r in replication}) > 1,
    )
    lines = [
        "digraph {",
        f"  label={dot_quote(title)};",
        f"  node [{_attrs({'shape': 'box'})}];",
        *_node_lines(streams, replication, scope),
    ]
    for row in replication:
        attrs = {**EDGE_STYLES.get(row.kind, _OTHER_EDGE), "label": _edge_label(row)}
        source = dot_quote(external_node_id(row, scope=scope))
        target = dot_quote(scope.node(row.stream, row.account, row.stream_domain))
        lines.append(f"  {source} -> {target} [{_attrs(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
