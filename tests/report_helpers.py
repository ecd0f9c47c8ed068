"""Helpers for the stream report tests: parse dot with pydot, render with ``dot`` if present."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from dataclasses import dataclass, field

import pydot
from hypothesis import strategies as st

from jsm.report import ReplicationKind, ReplicationRow, StreamRow


def unquote(text: str) -> str:
    """Undo :func:`jsm.report.dot_quote` on a quoted string as pydot returns it."""
    assert len(text) >= 2 and text[0] == text[-1] == '"', text
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt == "x":
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
            continue
        out.append({"n": "\n", "r": "\r"}.get(nxt, nxt))
        i += 2
    return "".join(out)


@dataclass
class DotGraph:
    """What a dot text holds, decoded: node labels and edges with their attributes."""

    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)


def parse_dot(text: str) -> DotGraph:
    """Parse ``text`` with pydot (failing the test if it is not valid dot) and decode it."""
    with warnings.catch_warnings():
        # pydot's parser still calls pyparsing's pre-3.0 names (deprecated, harmless here).
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing.*")
        warnings.filterwarnings("ignore", message=".*deprecated - use.*")
        graphs = pydot.graph_from_dot_data(text)
    assert graphs is not None and len(graphs) == 1, text
    graph = graphs[0]
    assert graph.get_type() == "digraph"
    parsed = DotGraph()
    for node in graph.get_nodes():
        name = node.get_name()
        if name in ("node", "edge", "graph"):  # default attribute statements
            continue
        parsed.nodes[unquote(name)] = {k: unquote(str(v)) for k, v in node.get_attributes().items()}
    for edge in graph.get_edges():
        key = (unquote(str(edge.get_source())), unquote(str(edge.get_destination())))
        assert key not in parsed.edges, f"duplicate edge {key}"
        parsed.edges[key] = {k: unquote(str(v)) for k, v in edge.get_attributes().items()}
    return parsed


def render_svg_if_possible(text: str) -> None:
    """Render with Graphviz's ``dot -Tsvg`` when it is installed (pydot parsing is the must)."""
    dot = shutil.which("dot")
    if dot is None:
        return
    done = subprocess.run(
        [dot, "-Tsvg"], input=text.encode(), capture_output=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"<svg" in done.stdout


# ------------------------------------------------------------------ strategies

names = st.text(min_size=1, max_size=20)
small = st.integers(min_value=0, max_value=10**12)


@st.composite
def stream_rows(draw: st.DrawFn) -> StreamRow:
    """Any stream row (values need not be ones a server would send)."""
    return StreamRow(
        name=draw(names),
        account=draw(st.none() | st.sampled_from(["APP", "IMP", "SYS"])),
        subjects=draw(st.lists(st.sampled_from(["a.>", "a.b", "b.*", "c.d.e", ">"]), max_size=3)),
        consumers=draw(small),
        messages=draw(small),
        bytes=draw(small),
        lost_messages=draw(small),
        deleted=draw(small),
        api_level=draw(st.none() | st.integers(0, 9)),
        num_replicas=draw(st.integers(1, 5)),
    )


@st.composite
def replication_rows(draw: st.DrawFn, stream: str, account: str | None) -> ReplicationRow:
    """A mirror or source row of ``stream``, maybe external (by domain or by API prefix)."""
    prefix = draw(st.none() | st.sampled_from(["$JS.leaf.API", "JS.APP.API", "$JS.hub.API"]))
    domain = prefix.split(".")[1] if prefix and prefix.startswith("$JS.") else None
    return ReplicationRow(
        stream=stream,
        upstream=draw(names),
        kind=draw(st.sampled_from(list(ReplicationKind))),
        account=account,
        api_prefix=prefix,
        domain=domain,
        filter_subject=draw(st.none() | st.sampled_from(["a.>", 'x"y', "q\\r"])),
        lag=draw(small),
    )
