"""Graphviz dot output of stream reports: quoting of any name, edge styles, external labels."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jsm import ReplicationKind, ReplicationRow, StreamReport, StreamRow
from jsm.report import dot_quote
from tests.report_helpers import parse_dot, render_svg_if_possible, unquote

ANY_TEXT = st.text(min_size=1, max_size=40)


@given(ANY_TEXT)
def test_dot_quote_round_trips_any_text(text: str) -> None:
    assert unquote(dot_quote(text)) == text


PARSING = settings(deadline=None, max_examples=50)  # pydot's parser is slow on first use


@PARSING
@given(st.lists(ANY_TEXT, min_size=1, max_size=6, unique=True))
def test_any_stream_names_become_distinct_parseable_nodes(names: list[str]) -> None:
    report = StreamReport(streams=[StreamRow(name=n) for n in names])
    graph = parse_dot(report.to_dot())
    assert set(graph.nodes) == set(names)
    assert {attrs["label"] for attrs in graph.nodes.values()} == set(names)
    assert graph.edges == {}


@PARSING
@given(ANY_TEXT, ANY_TEXT, st.sampled_from(list(ReplicationKind)), st.none() | ANY_TEXT)
def test_any_edge_parses_with_its_kind_and_filter(
    upstream: str, downstream: str, kind: ReplicationKind, filter_subject: str | None
) -> None:
    row = ReplicationRow(
        stream=downstream, upstream=upstream, kind=kind, filter_subject=filter_subject
    )
    report = StreamReport(streams=[StreamRow(name=downstream)], replication=[row])
    graph = parse_dot(report.to_dot())
    edge = graph.edges[(upstream, downstream)]
    expected = [kind.value, f"{filter_subject} untransformed"] if filter_subject else [kind.value]
    assert edge["label"] == "\n".join(expected)


def _edge(stream: str, upstream: str, kind: ReplicationKind, **extra: object) -> ReplicationRow:
    return ReplicationRow.model_validate(
        {"stream": stream, "upstream": upstream, "kind": kind} | extra
    )


def test_mirrors_and_sources_are_drawn_differently() -> None:
    report = StreamReport(
        streams=[StreamRow(name=n) for n in ("ORIGIN", "COPY", "AGG", "node")],
        replication=[
            _edge("COPY", "ORIGIN", ReplicationKind.MIRROR),
            _edge("AGG", "ORIGIN", ReplicationKind.SOURCE, filter_subject="o.a.>"),
            _edge(
                "AGG",
                "node",
                ReplicationKind.SOURCE,
                subject_transforms=[{"src": "n.>", "dest": "agg.n.>"}],
            ),
        ],
    )
    text = report.to_dot()
    graph = parse_dot(text)
    assert set(graph.nodes) == {"ORIGIN", "COPY", "AGG", "node"}
    mirror = graph.edges[("ORIGIN", "COPY")]
    assert mirror["style"] == "solid" and mirror["label"] == "mirror"
    source = graph.edges[("ORIGIN", "AGG")]
    assert source["style"] == "dashed" and source["label"] == "source\no.a.> untransformed"
    transformed = graph.edges[("node", "AGG")]
    assert transformed["label"] == "source\nn.> to agg.n.>"
    assert mirror["color"] != source["color"]
    render_svg_if_possible(text)


def test_external_upstreams_are_separate_labelled_nodes() -> None:
    report = StreamReport(
        streams=[StreamRow(name="ORDERS"), StreamRow(name="AGG")],
        replication=[
            _edge("AGG", "ORDERS", ReplicationKind.SOURCE),
            _edge(
                "AGG",
                "ORDERS",
                ReplicationKind.SOURCE,
                api_prefix="$JS.leaf.API",
                domain="leaf",
            ),
            _edge("AGG", "ORDERS", ReplicationKind.SOURCE, api_prefix="JS.APP.API"),
        ],
    )
    graph = parse_dot(report.to_dot())
    assert graph.nodes["ORDERS @ leaf"] == {"label": "ORDERS\n(domain leaf)", "style": "dashed"}
    assert graph.nodes["ORDERS @ JS.APP.API"]["label"] == "ORDERS\n(api JS.APP.API)"
    assert graph.edges[("ORDERS @ leaf", "AGG")]["label"] == "source\ndomain leaf"
    assert graph.edges[("ORDERS @ JS.APP.API", "AGG")]["label"] == "source\napi JS.APP.API"
    assert graph.edges[("ORDERS", "AGG")]["label"] == "source"


def test_an_unknown_kind_from_a_newer_report_still_draws() -> None:
    row = ReplicationRow.model_validate_json(b'{"stream":"B","upstream":"A","kind":"copy"}')
    graph = parse_dot(StreamReport(replication=[row]).to_dot())
    assert graph.edges[("A", "B")]["style"] == "dotted"


def test_streams_of_several_accounts_stay_apart() -> None:
    report = StreamReport(
        streams=[
            StreamRow(name="SAME", account="ONE"),
            StreamRow(name="SAME", account="TWO"),
            StreamRow(name="COPY", account="TWO"),
        ],
        replication=[
            ReplicationRow(
                stream="COPY", upstream="SAME", kind=ReplicationKind.MIRROR, account="TWO"
            )
        ],
    )
    graph = parse_dot(report.to_dot())
    assert set(graph.nodes) == {"ONE > SAME", "TWO > SAME", "TWO > COPY"}
    assert graph.nodes["ONE > SAME"]["label"] == "SAME\n(ONE)"
    assert set(graph.edges) == {("TWO > SAME", "TWO > COPY")}


@PARSING
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ONE", "TWO", None]),
            st.sampled_from(["hub", "leaf", None]),
            st.sampled_from(["A", "B", "node", 'q"x']),
        ),
        min_size=1,
        max_size=8,
        unique=True,
    )
)
def test_distinct_streams_are_distinct_nodes_across_accounts_and_domains(
    keys: list[tuple[str | None, str | None, str]],
) -> None:
    rows = [StreamRow(name=n, account=a, domain=d) for a, d, n in keys]
    graph = parse_dot(StreamReport(streams=rows).to_dot())
    assert len(graph.nodes) == len(keys)
    assert {label.split("\n")[0] for label in (v["label"] for v in graph.nodes.values())} == {
        n for _, _, n in keys
    }
