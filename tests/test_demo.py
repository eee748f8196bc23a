"""The demo constituency: believable, deterministic, and with the gaps it promises to plant;
and its last two years, which tell a story of growth.

The planted structures are checked with networkx computations written here, independent of
the analysis, and then the analysis is checked to find them; the story is checked with plain
counts over the demo's dates and history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import networkx as nx
import pytest

from graph.analysis import AnalysisOptions, analyse
from graph.analysis.recruitment import recruitment_forest
from graph.analysis.result import Analysis
from graph.compact import CompactGraph
from graph.demo import DEMO_AS_OF, DEMO_NAME, MAX_SIZE, MIN_SIZE, demo_constituency
from graph.demo_history import DemoHistory, demo_history
from graph.model import Constituency, Engagement, Person, Relationship

PLANTED_KINDS = {
    "segment_missing",
    "segment_unreached",
    "single_point_of_failure",
    "unreached_component",
    "lone_wolf_at_risk",
    "core_lacks_lived_experience",
    "flow_of_value_gap",
}

Demo = tuple[Constituency, list[Person], list[Relationship]]


@pytest.fixture(scope="module")
def demo() -> Demo:
    return demo_constituency()


@pytest.fixture(scope="module")
def nx_graph(demo: Demo) -> nx.Graph:
    """The demo as a plain networkx graph built here, not through CompactGraph."""
    _, people, relationships = demo
    g = nx.Graph()
    for p in people:
        g.add_node(p.id, person=p)
    for r in relationships:
        g.add_edge(r.source, r.target)
    return g


def _core(people: list[Person]) -> set[str]:
    return {p.id for p in people if p.engagement is Engagement.LEADING or p.role is not None}


def _analyse(demo: Demo, as_of: date = DEMO_AS_OF) -> Analysis:
    constituency, people, relationships = demo
    graph = CompactGraph.from_records(
        constituency.name, people, relationships, constituency.expected_segments
    )
    return analyse(graph, AnalysisOptions(as_of=as_of))


def test_demo_is_deterministic_for_a_seed(demo: Demo) -> None:
    assert demo_constituency(seed=7, size=800) == demo
    other = demo_constituency(seed=8, size=800)
    assert other[1] != demo[1]


def test_demo_has_about_800_people_across_the_three_groups(demo: Demo) -> None:
    constituency, people, relationships = demo
    assert constituency.name == DEMO_NAME
    assert constituency.description
    assert len(people) == 800
    assert len({p.id for p in people}) == 800
    groups = Counter(p.group.value for p in people)
    assert set(groups) == {"people", "givers_of_service", "system_leaders"}
    # slightly lopsided, as real maps are: more givers of service than people, few leaders
    assert groups["givers_of_service"] > groups["people"] > groups["system_leaders"] > 20
    assert 2500 <= len(relationships) <= 4500


def test_demo_size_is_honoured_and_bounded() -> None:
    _, people, _ = demo_constituency(seed=3, size=MIN_SIZE)
    assert len(people) == MIN_SIZE
    with pytest.raises(ValueError, match="between"):
        demo_constituency(size=MIN_SIZE - 1)
    with pytest.raises(ValueError, match="between"):
        demo_constituency(size=MAX_SIZE + 1)


def test_demo_records_are_consistent(demo: Demo) -> None:
    _, people, relationships = demo
    ids = {p.id for p in people}
    keys = [r.key for r in relationships]
    assert len(keys) == len(set(keys))
    pairs = {frozenset(k) for k in keys}
    assert len(pairs) == len(keys), "one recorded relationship per pair"
    assert all(r.source in ids and r.target in ids for r in relationships)
    assert all(r.since is None or r.since <= DEMO_AS_OF for r in relationships)
    joined = [p.joined for p in people if p.joined is not None]
    assert len(joined) > 0.9 * len(people)
    assert min(joined) >= date(DEMO_AS_OF.year - 6, 1, 1) and max(joined) <= DEMO_AS_OF


def test_demo_people_look_real(demo: Demo) -> None:
    _, people, _ = demo
    assert all(p.name and " " in p.name for p in people)
    assert len({p.name for p in people}) > 500
    organisations = Counter(p.organisation for p in people if p.organisation)
    assert len(organisations) >= 15
    assert any("Surgery" in o for o in organisations)
    assert any("NHS" in o for o in organisations)
    by_group = {g: [p for p in people if p.group.value == g] for g in
                ("people", "givers_of_service", "system_leaders")}

    def share(group: str, test: Callable[[Person], bool]) -> float:
        members = by_group[group]
        return sum(1 for p in members if test(p)) / len(members)

    assert share("people", lambda p: p.lived_experience) > 0.5
    assert share("system_leaders", lambda p: p.lived_experience) < 0.2
    assert share("system_leaders", lambda p: p.formal_power >= 2) > 0.6
    assert share("people", lambda p: p.formal_power > 0) == 0
    assert any(p.informal_power >= 2 for p in by_group["people"])
    assert any(p.other_groups for p in people)
    ladder = Counter(p.engagement for p in people)
    assert all(ladder[level] > 0 for level in Engagement)
    assert ladder[Engagement.UNENGAGED] + ladder[Engagement.AWARE] > len(people) / 2


def test_demo_covers_several_localities_communities_and_services(demo: Demo) -> None:
    constituency, people, _ = demo
    present = Counter(s for p in people for s in p.segments)
    localities = {s for s in present if s.startswith("locality:")}
    communities = {s for s in present if s.startswith("community:")}
    services = {s for s in present if s.startswith("service:")}
    assert len(localities) >= 5 and len(communities) >= 5 and len(services) >= 3
    assert set(constituency.expected_segments) >= localities | communities | services
    missing = set(constituency.expected_segments) - set(present)
    assert missing == {"locality:Millom"}


def test_demo_core_is_two_to_three_percent(demo: Demo) -> None:
    _, people, _ = demo
    share = len(_core(people)) / len(people)
    assert 0.02 <= share <= 0.03
    assert _analyse(demo).core.share == pytest.approx(share)


def test_demo_has_recruitment_chains(demo: Demo) -> None:
    _, people, relationships = demo
    recruited = nx.DiGraph((r.source, r.target) for r in relationships if r.recruited)
    assert recruited.number_of_edges() >= 10
    assert nx.is_directed_acyclic_graph(recruited)
    assert nx.dag_longest_path_length(recruited) >= 3
    by_id = {p.id: p for p in people}
    core = _core(people)
    # organisers grow leaders: someone recruited now leads and has brought others in
    grown = [n for n in recruited if recruited.in_degree(n) and recruited.out_degree(n)
             and n in core]
    assert grown
    # a recruit joins after the person who brought them in
    for source, target in recruited.edges:
        a, b = by_id[source].joined, by_id[target].joined
        assert a is not None and b is not None and a <= b


def test_demo_mobilisers_have_many_ties_across_every_group(demo: Demo,
                                                            nx_graph: nx.Graph) -> None:
    _, people, _ = demo
    mean_degree = 2 * nx_graph.number_of_edges() / nx_graph.number_of_nodes()
    mobilisers = [p for p in people if p.role is not None and p.role.value == "mobiliser"]
    assert 1 <= len(mobilisers) <= 4
    for p in mobilisers:
        neighbours = [nx_graph.nodes[n]["person"] for n in nx_graph[p.id]]
        assert len(neighbours) >= 3 * mean_degree
        assert {q.group for q in neighbours} == {p.group for p in people}


def test_demo_planted_structures_hold(demo: Demo, nx_graph: nx.Graph) -> None:
    """Check each planted gap with networkx alone, independent of the analysis."""
    _, people, _ = demo
    core = _core(people)
    reached = {n for c in core for n in nx_graph[c]} | core
    # an expected community whose members nobody in the core talks to
    travellers = [p.id for p in people if "community:Gypsy_Traveller" in p.segments]
    assert len(travellers) >= 5 and not set(travellers) & reached
    # a group of people with no core member and no path to one
    no_core = [c for c in nx.connected_components(nx_graph) if not c & core]
    assert max(len(c) for c in no_core) >= 5
    # one person whose removal cuts the Deaf community off from the core
    deaf = {p.id for p in people if "community:Deaf" in p.segments}
    cut_points = []
    for v in nx.articulation_points(nx_graph):
        h = nx_graph.subgraph(set(nx_graph) - {v})
        connected = set().union(*(c for c in nx.connected_components(h) if c & (core - {v})))
        lost = deaf - connected - {v}
        if len(lost) >= 5:
            cut_points.append(v)
    assert len(cut_points) == 1
    # lone wolves: engaged for years with at most one tie to other engaged people
    engaged = {p.id for p in people if p.engaged}
    lone = [p for p in people if p.engaged and p.joined is not None
            and (DEMO_AS_OF - p.joined).days >= 2 * 365.25
            and sum(1 for n in nx_graph[p.id] if n in engaged) <= 1]
    assert len(lone) >= 3
    # a core of professionals: little lived experience
    lived = sum(1 for p in people if p.id in core and p.lived_experience)
    assert lived / len(core) < 0.2


def test_analysing_the_demo_finds_the_planted_gaps(demo: Demo, nx_graph: nx.Graph) -> None:
    result = _analyse(demo)
    kinds = Counter(g.kind for g in result.gaps)
    assert set(kinds) >= PLANTED_KINDS
    subjects = {(g.kind, g.subject) for g in result.gaps}
    assert ("segment_missing", "locality:Millom") in subjects
    assert ("segment_unreached", "community:Gypsy_Traveller") in subjects
    assert not any(k == "segment_unreached" and s != "community:Gypsy_Traveller"
                   for k, s in subjects)
    # the largest single point of failure is the Deaf community's bridge
    spof = next(g for g in result.gaps if g.kind == "single_point_of_failure")
    bridge = nx_graph.nodes[spof.subject]["person"]
    assert "community:Deaf" in bridge.segments
    assert spof.evidence["cut_off"] >= 10


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_plant_the_same_gaps(seed: int) -> None:
    result = _analyse(demo_constituency(seed=seed, size=600))
    assert {g.kind for g in result.gaps} >= PLANTED_KINDS
    assert 0.02 <= result.core.share <= 0.03


def test_demo_stays_current_when_made_today() -> None:
    today = date(2031, 1, 15)
    _, people, relationships = demo_constituency(seed=7, size=400, as_of=today)
    assert max(p.joined for p in people if p.joined) <= today
    assert max(r.since for r in relationships if r.since) <= today
    assert min(p.joined for p in people if p.joined) >= date(2025, 1, 1)


# -- the story of the last two years (graph.demo_story, graph.demo_history) -------------------

STORIES = [(7, 800), (3, 300)]
Story = tuple[list[Person], list[Relationship], DemoHistory]


@pytest.fixture(scope="module", params=STORIES, ids=lambda s: f"seed{s[0]}-size{s[1]}")
def story(request: pytest.FixtureRequest) -> Story:
    seed, size = request.param
    _, people, ties = demo_constituency(seed=seed, size=size)
    return people, ties, demo_history(people, ties, as_of=DEMO_AS_OF, seed=seed)


START = DEMO_AS_OF - timedelta(days=730)
YEAR_TWO = START + timedelta(days=365)


def _quarter(day: date) -> int | None:
    """0 to 7 for a day in the two years before the demo's today, else None."""
    if not START < day <= DEMO_AS_OF:
        return None
    return min(7, (day - START).days * 8 // 730)


def _recruitments(ties: list[Relationship]) -> list[tuple[str, str, date]]:
    return [(t.source, t.target, t.since) for t in ties if t.recruited and t.since]


def test_the_story_starts_slowly_and_grows(story: Story) -> None:
    people, _, _ = story
    per_quarter = Counter(q for p in people if p.joined and (q := _quarter(p.joined)) is not None)
    quarters = [per_quarter[q] for q in range(8)]
    assert quarters[0] == min(quarters) and quarters[0] < quarters[7] / 2
    assert sum(quarters[:4]) < sum(quarters[4:])


def test_one_celebrity_recruiter_brought_most_first_year_recruits_who_went_no_further(
        story: Story) -> None:
    people, ties, _ = story
    by_id = {p.id: p for p in people}
    first_year = [r for r in _recruitments(ties) if START < r[2] <= YEAR_TWO]
    (celebrity, brought), = Counter(r[0] for r in first_year).most_common(1)
    assert brought / len(first_year) >= 0.6
    assert by_id[celebrity].role is not None and by_id[celebrity].role.value == "mobiliser"
    theirs = [by_id[r[1]] for r in first_year if r[0] == celebrity]
    assert sum(1 for p in theirs if p.engaged) <= len(theirs) / 5


def test_organisers_recruits_recruit_in_turn_in_the_second_year(story: Story) -> None:
    people, ties, _ = story
    engaged = {p.id for p in people if p.engagement.rank >= Engagement.CONTRIBUTING.rank}
    recruiter_of = {target: source for source, target, _ in _recruitments(ties)}

    def growers(low: date, high: date) -> set[str]:
        return {s for s, t, since in _recruitments(ties) if low < since <= high and t in engaged}

    first, second = growers(START, YEAR_TWO), growers(YEAR_TWO, DEMO_AS_OF)
    assert len(second) > len(first)
    # second generation: most second-year growers were themselves brought in by someone
    assert sum(1 for s in second if s in recruiter_of) >= len(second) / 2


def test_a_recruiting_tie_starts_the_day_the_recruit_joined(story: Story) -> None:
    people, ties, _ = story
    joined = {p.id: p.joined for p in people}
    for source, target, since in _recruitments(ties):
        assert since == joined[target]
        assert joined[source] is None or joined[source] <= since


def test_the_workshop_is_an_event_with_a_wave_of_joiners_and_people_moving_up(
        story: Story) -> None:
    people, _, history = story
    event, workshop = history.workshop_event, history.workshop
    assert event.date == workshop and event.kind == "workshop"
    joined = {p.id: p.joined for p in people}
    assert len(event.people) >= 8
    assert all(pid in joined and (joined[pid] or workshop) <= workshop for pid in event.people)
    window = timedelta(days=60)
    before = sum(1 for d in joined.values() if d and workshop - window < d <= workshop)
    after = sum(1 for d in joined.values() if d and workshop < d <= workshop + window)
    assert after > 1.5 * before
    # from the snapshots as movemap records them: the workshop day, and the one in its window
    on_day = next(s for s in history.snapshots if s.on == workshop)
    later = next(s for s in history.snapshots if workshop < s.on <= workshop + window)
    rank = {p.id: p.engagement.rank for p in on_day.people}
    rank_later = {p.id: p.engagement.rank for p in later.people}
    moved = [pid for pid in event.people if rank_later.get(pid, -1) > rank[pid]]
    assert len(moved) >= len(event.people) / 2


def test_the_recruitment_forest_reads_as_leadership_spreading(story: Story) -> None:
    """What a growth page shows from the recorded history: more leader-growers, less
    concentrated, a year on from the end of the first year."""
    _, _, history = story
    forests = {s.on: recruitment_forest(CompactGraph.from_records("demo", s.people, s.ties))
               for s in history.snapshots}
    first_year = max(d for d in forests if d <= YEAR_TWO)
    then, now = forests[first_year], forests[DEMO_AS_OF]
    assert now.effective_leader_growers is not None  # None then: nobody grown yet
    assert now.effective_leader_growers > (then.effective_leader_growers or 0) + 1
    assert now.second_generation > then.second_generation
