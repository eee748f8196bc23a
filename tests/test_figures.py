"""The dashboard's figure builders (``dashboards``), without a browser.

Each builder is checked for what a reader relies on: a title, axis titles, a legend when there is
more than one series, Okabe–Ito colours, numbers that match the analysis (cross-checked with
networkx where a count is computed anew), the switch to an aggregated picture for large maps, and
an empty map that still draws.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import networkx as nx
import numpy as np
import plotly.graph_objects as go
import pytest

from dashboards import figures
from dashboards.gap_cards import evidence_lines
from dashboards.layout import FORCE_LIMIT, NO_SEGMENT, compute_layout, segment_incidence
from dashboards.network import (
    GL_THRESHOLD,
    NAMES_ALL,
    NetworkFilters,
    neighbourhood,
    network_view,
    person_details,
    person_mask,
    tie_mask,
)
from dashboards.palette import GROUP_COLOURS, GROUP_SYMBOLS, OKABE_ITO, ROLE_SYMBOLS
from dashboards.words import (
    group_label,
    percent,
    role_checks,
    role_summary,
    segment_label,
)
from graph.analysis import Analysis, analyse
from graph.analysis.reach import within_hops
from graph.compact import CompactGraph
from graph.demo import demo_constituency
from graph.model import GROUPS, TRUST_TYPES, Person, Relationship, Role

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo() -> tuple[CompactGraph, Analysis]:
    constituency, people, relationships = demo_constituency(seed=7, size=300)
    graph = CompactGraph.from_records("bay", people, relationships,
                                      constituency.expected_segments)
    from graph.analysis import AnalysisOptions

    return graph, analyse(graph, AnalysisOptions(as_of=AS_OF))


def empty_graph() -> CompactGraph:
    return CompactGraph.from_records("empty", [], [], ("locality:Millom",))


def big_graph(n: int = 6_000, ties: int = 30_000, seed: int = 3) -> CompactGraph:
    """A map above the drawing limits, built straight from arrays (fast)."""
    rng = np.random.default_rng(seed)
    ids = [f"p{i:05d}" for i in range(n)]
    segment_of = rng.integers(0, 12, n)
    src = rng.integers(0, n, ties)
    dst = (src + rng.integers(1, 200, ties)) % n
    return CompactGraph.from_arrays(
        name="big", ids=ids, names=ids, organisations=[""] * n,
        group=rng.integers(0, 3, n).astype(np.int8),
        member_of=np.zeros(n, dtype=np.uint8) | 1,
        segment_names=[f"locality:L{i:02d}" for i in range(12)],
        segment_lists=[[int(s)] for s in segment_of],
        formal_power=np.zeros(n, dtype=np.int8), informal_power=np.zeros(n, dtype=np.int8),
        lived_experience=np.zeros(n, dtype=bool),
        engagement=rng.choice(5, n, p=[0.5, 0.2, 0.15, 0.1, 0.05]).astype(np.int8),
        declared_role=np.full(n, -1, dtype=np.int8), joined=np.zeros(n, dtype=np.int32),
        rel_source=src, rel_target=dst,
        rel_strength={t.value: rng.integers(0, 4, ties).astype(np.int8) for t in TRUST_TYPES},
        rel_recruited=np.zeros(ties, dtype=bool), rel_since=np.zeros(ties, dtype=np.int32),
        expected_segments=("locality:L00", "community:Deaf"),
    )


OKABE = {c.upper() for c in OKABE_ITO.values()}


def colours_of(fig: go.Figure) -> set[str]:
    """Every plain colour named by a trace's marker or line (colour scales excluded)."""
    found: set[str] = set()
    for trace in fig.data:
        for part in ("marker", "line"):
            obj = getattr(trace, part, None)
            colour = getattr(obj, "color", None) if obj is not None else None
            values = colour if isinstance(colour, (list, tuple)) else [colour]
            found |= {v.upper() for v in values if isinstance(v, str) and v.startswith("#")}
    return found


def assert_readable(fig: go.Figure, *, axes: bool = True) -> None:
    """A title, axis titles, a legend for several series, Okabe–Ito colours, JSON that parses."""
    assert fig.layout.title.text
    if axes:
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            assert axis.title.text
    named = [t for t in fig.data if t.name and t.showlegend is not False and t.type != "heatmap"]
    if len({t.name for t in named}) > 1:
        assert fig.layout.showlegend is not False
    assert colours_of(fig) <= OKABE | {"#FFFFFF"}
    json.loads(fig.to_json())


# -- overview ----------------------------------------------------------------------------------


def test_core_targets_shows_share_and_reach_against_both_targets(demo: tuple) -> None:
    _, analysis = demo
    fig = figures.core_targets(analysis)
    assert_readable(fig)
    bars = [t for t in fig.data if t.type == "bar"]
    targets = [t for t in fig.data if t.type == "scatter"]
    assert [b.x[0] for b in bars] == pytest.approx(
        [analysis.core.share * 100, analysis.core.reach * 100])
    assert [t.x[0] for t in targets] == pytest.approx([3.0, 90.0])
    assert {t.name for t in fig.data if t.showlegend} == {"Now", "Target"}
    assert "3%" in fig.layout.title.text and "90%" in fig.layout.title.text


def test_group_sizes_stack_core_reached_and_unreached_to_each_group_size(demo: tuple) -> None:
    _, analysis = demo
    fig = figures.group_sizes(analysis)
    assert_readable(fig)
    assert fig.layout.barmode == "stack" and len(fig.data) == 3
    totals = np.sum([list(t.y) for t in fig.data], axis=0)
    assert totals.tolist() == [analysis.groups[g.value] for g in GROUPS]
    assert fig.data[2].marker.pattern.shape == "/"  # not reached: told apart without colour


def test_reach_by_group_draws_each_group_in_its_colour_and_the_target(demo: tuple) -> None:
    _, analysis = demo
    fig = figures.reach_by_group(analysis)
    assert_readable(fig)
    bar, target = fig.data
    assert list(bar.marker.color) == [GROUP_COLOURS[g.value] for g in GROUPS]
    assert list(bar.y) == pytest.approx(
        [analysis.core.reach_by_group[g.value] * 100 for g in GROUPS])
    assert set(target.y) == {90.0}


def test_reach_by_group_says_when_a_group_has_nobody_outside_the_core() -> None:
    people = [Person(id="a", group="people", engagement="leading"),
              Person(id="b", group="system_leaders")]
    graph = CompactGraph.from_records("x", people, [Relationship(source="a", target="b")])
    fig = figures.reach_by_group(analyse(graph))
    assert "nobody outside the core" in fig.data[0].text


# -- gaps --------------------------------------------------------------------------------------


def test_group_mix_shares_add_up_and_show_the_balanced_minimum(demo: tuple) -> None:
    _, analysis = demo
    fig = figures.group_mix(analysis)
    assert_readable(fig)
    assert sum(fig.data[0].y) == pytest.approx(100.0)
    assert set(fig.data[1].y) == {analysis.options.group_min_share * 100}


def test_group_tie_counts_match_networkx(demo: tuple) -> None:
    graph, _ = demo
    counts = figures.group_tie_counts(graph)
    reference = graph.to_networkx()
    for key in ("any", *(t.value for t in TRUST_TYPES)):
        expected = np.zeros((3, 3), dtype=np.int64)
        for u, v, data in reference.edges(data=True):
            if key != "any" and data[key] < 1:
                continue
            a = GROUPS.index(reference.nodes[u]["group"])
            b = GROUPS.index(reference.nodes[v]["group"])
            expected[a, b] += 1
            if a != b:
                expected[b, a] += 1
        assert counts[key].tolist() == expected.tolist(), key
    assert np.triu(counts["any"]).sum() == graph.m


def test_group_tie_heatmaps_are_three_small_heatmaps_one_per_trust_type(demo: tuple) -> None:
    graph, _ = demo
    fig = figures.group_tie_heatmaps(figures.group_tie_counts(graph))
    assert_readable(fig, axes=False)
    assert [t.type for t in fig.data] == ["heatmap"] * 3
    assert [a.text for a in fig.layout.annotations] == ["Relational", "Functional",
                                                         "Flow of value"]
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert fig.layout.coloraxis.colorscale  # one shared, colour-blind-safe scale


def test_segment_reach_lists_expected_segments_with_nobody_and_counts_reach(demo: tuple) -> None:
    graph, analysis = demo
    reached = within_hops(graph, graph.core_mask, 1)
    rows = {r.segment: r for r in figures.segment_reach(graph, reached)}
    assert rows["locality:Millom"].people == 0
    assert rows["locality:Millom"].status == "nobody in the map"
    assert rows["locality:Millom"].expected
    reference = graph.to_networkx()
    for name, row in rows.items():
        members = [n for n, d in reference.nodes(data=True) if name in d["segments"]]
        assert row.people == len(members)
        assert row.reached == sum(bool(reached[graph.index_of(m)]) for m in members)
    unreached = {g.subject for g in analysis.gaps if g.kind == "segment_unreached"}
    assert unreached <= {s for s, r in rows.items() if r.people and r.reached == 0}


def test_segment_reach_figure_marks_empty_expected_segments(demo: tuple) -> None:
    graph, _ = demo
    rows = figures.segment_reach(graph, within_hops(graph, graph.core_mask, 1))
    fig = figures.segment_reach_figure(rows)
    assert_readable(fig)
    empty = fig.data[1]
    assert list(empty.y) == [segment_label("locality:Millom")]
    assert "nobody" in empty.name.lower()


# -- roles -------------------------------------------------------------------------------------


def test_role_matrix_counts_every_engaged_person_once(demo: tuple) -> None:
    _, analysis = demo
    counts = figures.role_matrix_counts(analysis)
    assert counts.sum() == len(analysis.roles)
    assert np.trace(counts) == sum(1 for r in analysis.roles if r.agrees)
    fig = figures.role_matrix(analysis)
    assert_readable(fig)
    assert fig.data[0].z == tuple(tuple(row) for row in counts.tolist()) or \
        [list(r) for r in fig.data[0].z] == counts.tolist()


def test_role_reasons_are_plain_words_with_the_numbers(demo: tuple) -> None:
    _, analysis = demo
    wolf = next(r for r in analysis.roles if r.inferred == "lone_wolf")
    checks = {c.role: c for c in role_checks(wolf.evidence)}
    assert checks["lone_wolf"].met
    whole = int(wolf.evidence["years_engaged"])  # rounded down to whole years
    assert f"engaged for {whole} years (a lone wolf: 2 years or more)" in checks["lone_wolf"].text
    assert "_" not in " ".join(c.text for c in checks.values())
    assert role_summary(None, "lone_wolf") == "No role declared; the map suggests lone wolf."
    assert role_summary("organiser", "organiser").endswith("the map agrees.")


def test_evidence_is_shown_in_words() -> None:
    lines = evidence_lines({"share": 0.25, "cut_off": 1200, "ids": ["a", "b"],
                            "in_core": False, "segment": "community:Deaf"}, str.upper)
    assert [(e.label, e.text, e.people) for e in lines] == [
        ("Share", "25%", ()), ("People cut off without them", "1,200", ()),
        ("Some of them", "", (("a", "A"), ("b", "B"))), ("In the engaged core", "no", ()),
        ("Segment", "Deaf (community)", ())]
    assert percent(None) == "–"


# -- network -----------------------------------------------------------------------------------


def test_layout_is_deterministic_and_places_everyone(demo: tuple) -> None:
    graph, _ = demo
    first, second = compute_layout(graph), compute_layout(graph)
    assert first.method == "force"
    assert first.x.shape == (graph.n,) and np.isfinite(first.x).all()
    assert np.array_equal(first.x, second.x) and np.array_equal(first.y, second.y)
    assert first.empty_segments == ["locality:Millom"]


def test_network_draws_every_person_coloured_by_group_with_the_core_ringed(demo: tuple) -> None:
    graph, _ = demo
    view = network_view(graph, compute_layout(graph), NetworkFilters())
    fig = view.figure
    assert view.view == "people" and (view.people, view.ties) == (graph.n, graph.m)
    assert_readable(fig, axes=False)
    by_name = {t.name: t for t in fig.data}
    drawn = 0
    for g in GROUPS:
        trace = by_name[g.label[0].upper() + g.label[1:]]
        assert trace.marker.color == GROUP_COLOURS[g.value]
        drawn += len(trace.x)
    assert drawn == graph.n
    ring = by_name["Engaged core (ringed)"]
    assert len(ring.x) == int(graph.core_mask.sum())
    ties = by_name["Ties"]
    assert len(ties.x) == 3 * graph.m  # start, end, gap per tie
    empty = by_name["Expected, nobody here yet"]
    assert list(empty.customdata) == ["e:locality:Millom"]
    assert "Millom (locality): nobody yet" in empty.text
    assert view.figure.data[1].type == ("scattergl" if graph.n >= GL_THRESHOLD else "scatter")


def test_network_marks_each_group_and_each_role_with_its_own_symbol(demo: tuple) -> None:
    graph, _ = demo
    fig = network_view(graph, compute_layout(graph), NetworkFilters()).figure
    by_name = {t.name: t for t in fig.data}
    group_symbols = [by_name[group_label(g.value)].marker.symbol for g in GROUPS]
    assert group_symbols == [GROUP_SYMBOLS[g.value] for g in GROUPS]
    declared = Counter(int(r) for r in graph.declared_role if r >= 0)
    role_symbols = []
    for r, role in enumerate(Role):
        trace = by_name[f"Declared {role.value.replace('_', ' ')}"]
        assert len(trace.x) == declared[r] and trace.marker.symbol == ROLE_SYMBOLS[role.value]
        role_symbols.append(trace.marker.symbol)
    # every group and role is told apart by shape in the legend, not only by colour
    assert len(set(group_symbols + role_symbols)) == len(GROUPS) + len(Role)


def test_the_layout_puts_each_cluster_in_a_region_of_its_own(demo: tuple) -> None:
    graph, analysis = demo
    labels = analysis.clusters.labels
    for limit in (FORCE_LIMIT, 10):  # springs within each region, and the sunflower discs
        layout = compute_layout(graph, clusters=labels, force_limit=limit)
        sizes = np.bincount(labels)  # numbered largest first: the own regions come first
        own = int(np.count_nonzero(sizes >= 5))
        assert layout.region.tolist() == np.where(sizes[labels] >= 5, labels, own).tolist()
        centre_x, centre_y = layout.region_x[layout.region], layout.region_y[layout.region]
        distance = np.hypot(layout.x - centre_x, layout.y - centre_y)
        assert (distance <= layout.region_r[layout.region] * 1.001 + 1e-4).all()
        k = layout.region_x.size
        for a in range(k):
            for b in range(a + 1, k):
                apart = np.hypot(layout.region_x[a] - layout.region_x[b],
                                 layout.region_y[a] - layout.region_y[b])
                assert apart >= (layout.region_r[a] + layout.region_r[b]) * 0.999
    again = compute_layout(graph, clusters=labels)
    assert np.array_equal(again.x, compute_layout(graph, clusters=labels).x)


def test_the_people_view_shades_and_names_the_cluster_regions(demo: tuple) -> None:
    graph, analysis = demo
    layout = compute_layout(graph, clusters=analysis.clusters.labels)
    fig = network_view(graph, layout, NetworkFilters(), clusters=analysis.clusters).figure
    names = next(t for t in fig.data if t.name == "Cluster (shaded region)")
    assert list(names.text)[0].startswith("Cluster 1")
    assert len(fig.layout.shapes) == len(names.text) == len(analysis.clusters.listed)


def test_names_on_small_pictures_and_only_core_and_highlighted_on_large_ones(
        demo: tuple) -> None:
    graph, analysis = demo
    layout = compute_layout(graph, clusters=analysis.clusters.labels)
    brokers = [graph.index_of(b.id) for b in analysis.brokers.listed]

    def named(filters: NetworkFilters) -> set[str]:
        fig = network_view(graph, layout, filters, clusters=analysis.clusters,
                           brokers=brokers).figure
        return {text for t in fig.data if t.meta == "names" for text in t.text}

    def name(v: int) -> str:
        return graph.names[v] or graph.ids[v]

    core = {name(v) for v in np.flatnonzero(graph.core_mask)}
    assert graph.n > NAMES_ALL and named(NetworkFilters()) == core
    highlighted = named(NetworkFilters(brokers=True))
    assert highlighted == core | {name(v) for v in brokers}
    few = NetworkFilters(segment="community:Deaf")
    shown = np.flatnonzero(person_mask(graph, few))
    assert shown.size <= NAMES_ALL and named(few) == {name(v) for v in shown}


def test_brokers_are_outlined_only_when_asked(demo: tuple) -> None:
    graph, analysis = demo
    layout = compute_layout(graph, clusters=analysis.clusters.labels)
    brokers = [graph.index_of(b.id) for b in analysis.brokers.listed]
    plain = network_view(graph, layout, NetworkFilters(), brokers=brokers).figure
    assert not [t for t in plain.data if t.meta == "brokers"]
    marked = network_view(graph, layout, NetworkFilters(brokers=True), brokers=brokers).figure
    (trace,) = [t for t in marked.data if t.meta == "brokers"]
    assert list(trace.x) == [layout.x[v] for v in brokers]


def test_the_clusters_view_draws_one_circle_per_region_with_everyone(demo: tuple) -> None:
    graph, analysis = demo
    layout = compute_layout(graph, clusters=analysis.clusters.labels)
    reached = within_hops(graph, graph.core_mask, 1)
    view = network_view(graph, layout, NetworkFilters(view="clusters"), reached=reached,
                        clusters=analysis.clusters)
    assert view.view == "clusters" and view.people == graph.n
    circles = next(t for t in view.figure.data if t.name.startswith("Cluster"))
    assert len(circles.x) == layout.region_x.size
    assert "Small clusters and people alone" in circles.text
    assert_readable(view.figure, axes=False)


def test_filters_keep_only_the_chosen_people_and_ties(demo: tuple) -> None:
    graph, _ = demo
    filters = NetworkFilters(trust="flow_of_value", min_strength=2, group="people",
                             segment="locality:Barrow", engagement=1)
    people = person_mask(graph, filters)
    reference = graph.to_networkx()
    expected = {n for n, d in reference.nodes(data=True)
                if (d["group"] == "people" or "people" in d["other_groups"])
                and "locality:Barrow" in d["segments"] and d["engagement"] != "unengaged"}
    assert {graph.ids[i] for i in np.flatnonzero(people)} == expected
    ties = tie_mask(graph, filters, people)
    expected_ties = {frozenset((u, v)) for u, v, d in reference.edges(data=True)
                     if u in expected and v in expected and d["flow_of_value"] >= 2}
    assert {frozenset((graph.ids[graph.edge_u[e]], graph.ids[graph.edge_v[e]]))
            for e in np.flatnonzero(ties)} == expected_ties
    view = network_view(graph, compute_layout(graph), filters)
    assert (view.people, view.ties) == (len(expected), len(expected_ties))
    assert "flow of value trust of 2 or more" in "; ".join(filters.describe())


def test_unknown_filter_values_are_refused_by_the_filters() -> None:
    for bad in ({"trust": "love"}, {"group": "patients"}, {"min_strength": 4},
                {"engagement": 9}, {"view": "3d"}):
        with pytest.raises(ValueError):
            NetworkFilters(**bad)  # type: ignore[arg-type]


def test_a_map_too_large_to_draw_is_aggregated_by_segment_and_says_so() -> None:
    graph = big_graph()
    layout = compute_layout(graph)
    assert graph.n > FORCE_LIMIT and layout.method == "segments"
    view = network_view(graph, layout, NetworkFilters(),
                        reached=within_hops(graph, graph.core_mask, 1))
    assert view.view == "segments"
    assert "too large to draw every person" in view.note
    segments = next(t for t in view.figure.data if t.name.startswith("Segment"))
    assert len(segments.x) == 12  # one node per segment, not per person
    incidence, names = segment_incidence(graph)
    sizes = np.asarray(incidence.sum(axis=0)).ravel()
    assert sizes.sum() == graph.n and NO_SEGMENT not in names
    assert max(segments.marker.size) > min(segments.marker.size)  # sized by people
    links = [t for t in view.figure.data if "ties between segments" in (t.name or "")]
    assert links and {t.line.width for t in links} <= {1.0, 2.5, 5.0}
    empty = next(t for t in view.figure.data if t.name == "Expected, nobody here yet")
    assert list(empty.customdata) == ["e:community:Deaf"]
    assert len(view.figure.to_json()) < 200_000  # light, whatever the size of the map


def test_segment_links_weigh_the_ties_between_segments(demo: tuple) -> None:
    graph, _ = demo
    view = network_view(graph, compute_layout(graph), NetworkFilters(view="segments"))
    assert view.view == "segments"
    incidence, names = segment_incidence(graph)
    reference = graph.to_networkx()
    a, b = "locality:Barrow", "locality:Kendal"
    expected = sum(1 for u, v in reference.edges()
                   if (a in reference.nodes[u]["segments"] and b in reference.nodes[v]["segments"])
                   or (b in reference.nodes[u]["segments"] and a in reference.nodes[v]["segments"]))
    from dashboards.layout import segment_ties

    matrix = segment_ties(graph, incidence).toarray()
    assert matrix[names.index(a), names.index(b)] == expected
    assert (matrix == matrix.T).all()


def test_filters_that_shrink_a_large_map_draw_people_again() -> None:
    graph = big_graph()
    view = network_view(graph, compute_layout(graph), NetworkFilters(segment="locality:L03"))
    assert view.view == "people" and 0 < view.people < 1000
    drawn = [t for t in view.figure.data if t.name in ("The people", "Givers of service",
                                                       "System leaders")]
    xs = np.concatenate([np.asarray(t.x, dtype=float) for t in drawn])
    assert xs.size == view.people and np.isfinite(xs).all()  # laid out afresh, not in discs


def test_core_view_draws_the_core_and_one_tie_out(demo: tuple) -> None:
    graph, _ = demo
    view = network_view(graph, compute_layout(graph), NetworkFilters(view="core"))
    reference = graph.to_networkx()
    core = {graph.ids[i] for i in np.flatnonzero(graph.core_mask)}
    around = core | {n for c in core for n in reference.neighbors(c)}
    assert view.view == "core" and view.people == len(around)


def test_a_view_that_does_not_fit_falls_back_to_segments(demo: tuple) -> None:
    graph, _ = demo
    view = network_view(graph, compute_layout(graph), NetworkFilters(view="people"),
                        max_people=10)
    assert view.view == "segments" and view.fallback and "narrow the filters" in view.note


def test_neighbourhood_rings_match_networkx_distances(demo: tuple) -> None:
    graph, _ = demo
    reference = graph.to_networkx()
    node = int(np.argmax(graph.degree()))
    around = neighbourhood(graph, node, 3)
    distances = nx.single_source_shortest_path_length(reference, graph.ids[node], cutoff=3)
    for step, ring in enumerate(around.by_step, start=1):
        assert {graph.ids[i] for i in ring} == {p for p, d in distances.items() if d == step}
    keep = graph.strength["flow_of_value"] >= 2
    strong = reference.edge_subgraph(
        [(u, v) for u, v, d in reference.edges(data=True) if d["flow_of_value"] >= 2]).copy()
    strong.add_node(graph.ids[node])
    filtered = neighbourhood(graph, node, 2, keep)
    distances = nx.single_source_shortest_path_length(strong, graph.ids[node], cutoff=2)
    assert {graph.ids[i] for i in filtered.by_step[0]} == {p for p, d in distances.items()
                                                           if d == 1}


def test_highlighted_neighbourhood_is_drawn_over_the_picture(demo: tuple) -> None:
    graph, _ = demo
    around = neighbourhood(graph, 0, 2)
    fig = network_view(graph, compute_layout(graph), NetworkFilters(), highlight=around).figure
    marked = [t for t in fig.data if t.meta == "highlight"]
    assert len(marked) == 2 and len(marked[0].x) == around.total
    details = person_details(graph, 0)
    assert details["id"] == graph.ids[0] and details["ties"] == int(graph.degree()[0])


def test_an_empty_map_still_draws_every_figure() -> None:
    graph = empty_graph()
    analysis = analyse(graph)
    layout = compute_layout(graph)
    assert layout.x.size == 0 and layout.empty_segments == ["locality:Millom"]
    view = network_view(graph, layout, NetworkFilters())
    assert view.people == 0
    assert any(t.name == "Expected, nobody here yet" for t in view.figure.data)
    segments = network_view(graph, layout, NetworkFilters(view="segments"))
    assert segments.view == "segments"
    for fig in (figures.core_targets(analysis), figures.group_sizes(analysis),
                figures.reach_by_group(analysis), figures.group_mix(analysis),
                figures.group_tie_heatmaps(figures.group_tie_counts(graph)),
                figures.segment_reach_figure(figures.segment_reach(
                    graph, np.zeros(0, dtype=bool))),
                figures.role_matrix(analysis), view.figure, segments.figure):
        json.loads(fig.to_json())
        assert fig.layout.title.text


def test_thousands_of_segments_are_laid_out_apart_the_largest_by_springs_inside() -> None:
    from scipy import sparse

    from dashboards.layout import SPRING_SEGMENTS, _segment_positions

    rng = np.random.default_rng(3)
    k = SPRING_SEGMENTS + 600
    rows, cols = rng.integers(0, k, 4000), rng.integers(0, k, 4000)
    weights = sparse.csr_matrix((np.ones(4000, dtype=np.int64), (rows, cols)), shape=(k, k))
    weights = (weights + weights.T).tocsr()
    sizes = rng.integers(1, 50, k).astype(np.int64)
    pos = _segment_positions(weights, sizes, seed=1)
    assert pos.shape == (k, 2) and np.isfinite(pos).all()
    assert len({(round(x, 6), round(y, 6)) for x, y in pos}) == k  # no two in one place
    order = np.lexsort((np.arange(k), -sizes))
    radius = np.sqrt((pos ** 2).sum(axis=1))
    assert radius[order[:SPRING_SEGMENTS]].max() < radius[order[SPRING_SEGMENTS:]].min()
    assert np.array_equal(pos, _segment_positions(weights, sizes, seed=1))  # reproducible


def test_names_segments_and_clusters_are_drawn_as_plain_text_never_as_links() -> None:
    link = '<a href="https://evil.example/">Sign in again</a>'
    people = [Person(id=f"p{i}", name=link if i == 0 else f"Person {i}", group="people",
                     segments=(f"locality:{link}",), engagement="leading" if i < 2 else "aware")
              for i in range(12)]
    ties = [Relationship(source=f"p{i}", target=f"p{(i + 1) % 12}") for i in range(12)]
    graph = CompactGraph.from_records("x", people, ties,
                                      expected_segments=[f"community:{link}"])
    analysis = analyse(graph)
    fig = network_view(graph, compute_layout(graph), NetworkFilters(),
                       clusters=analysis.clusters).figure
    drawn = [str(t) for trace in fig.data for t in (trace.text or ()) if t is not None]
    assert any("&lt;a href" in t for t in drawn)  # the name is drawn, as text
    assert not any("<a" in t for t in drawn)
