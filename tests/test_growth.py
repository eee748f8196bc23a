"""The growth series, on every store: each point equals the as-of analysis of its date, the
periods end where the calendar says, and what changed between points equals a plain comparison
of the two as-of maps."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest
from history_reference import random_history

from graph.analysis import AnalysisOptions, analyse
from graph.analysis.growth import (
    MAX_POINTS,
    SERIES_GAP_KINDS,
    InvalidSeries,
    period_ends,
    period_start,
)
from graph.analysis.recruitment import recruitment_forest
from graph.compact import CompactGraph
from graph.history import Actor
from graph.map_settings import MapSettings
from graph.model import TRUST_TYPES, Constituency
from graph.stores import versions
from graph.stores.base import GraphStore
from graph.usecases import UseCases, growth_of, map_as_of

LEAD = Actor("lead@example.org", "test")


# -- periods ---------------------------------------------------------------------------------


def test_month_ends_are_the_last_days_of_each_month_leap_february_included() -> None:
    ends = period_ends(date(2023, 12, 15), date(2024, 4, 10), "month")
    assert ends == [date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29),
                    date(2024, 3, 31), date(2024, 4, 10)]
    assert period_ends(date(2023, 1, 31), date(2023, 3, 1), "month")[1] == date(2023, 2, 28)
    assert period_ends(date(1900, 2, 1), date(1900, 3, 1), "month")[0] == date(1900, 2, 28)
    assert period_ends(date(2000, 2, 1), date(2000, 3, 1), "month")[0] == date(2000, 2, 29)


def test_weeks_end_on_sunday_and_quarters_at_the_end_of_march_june_september_december() -> None:
    weeks = period_ends(date(2024, 1, 3), date(2024, 1, 24), "week")  # a Wednesday
    assert weeks == [date(2024, 1, 7), date(2024, 1, 14), date(2024, 1, 21), date(2024, 1, 24)]
    assert all(d.weekday() == 6 for d in weeks[:-1])
    quarters = period_ends(date(2023, 2, 10), date(2024, 1, 5), "quarter")
    assert quarters == [date(2023, 3, 31), date(2023, 6, 30), date(2023, 9, 30),
                        date(2023, 12, 31), date(2024, 1, 5)]
    assert period_start(date(2023, 8, 20), "quarter") == date(2023, 7, 1)
    assert period_start(date(2024, 1, 24), "week") == date(2024, 1, 22)


def test_the_current_period_is_cut_at_today_even_on_its_last_day() -> None:
    assert period_ends(date(2024, 1, 1), date(2024, 1, 31), "month") == [date(2024, 1, 31)]
    assert period_ends(None, date(2024, 5, 6), "month") == [date(2024, 5, 6)]
    assert period_ends(date(2030, 1, 1), date(2024, 5, 6), "week") == [date(2024, 5, 6)]


def test_a_bad_interval_or_too_many_points_is_a_clear_error_naming_the_field() -> None:
    with pytest.raises(InvalidSeries, match="'fortnight' is not one of week, month, quarter"
                       ) as bad:
        period_ends(date(2024, 1, 1), date(2024, 2, 1), "fortnight")
    assert bad.value.field == "interval"
    with pytest.raises(InvalidSeries, match=f"more than {MAX_POINTS} points") as long:
        period_ends(date(2000, 1, 1), date(2024, 1, 1), "week")
    assert long.value.field == "interval"
    assert len(period_ends(date(2000, 1, 1), date(2024, 1, 1), "quarter")) == 97


# -- the series against the as-of analysis of each date -------------------------------------


def _history(store: GraphStore, seed: int, steps: int = 90) -> UseCases:
    maps = UseCases(store, LEAD, today=date(2024, 1, 1))
    maps.create_constituency(Constituency(name="bay", expected_segments=("locality:A",)))
    random_history(maps, random.Random(seed), "bay", date(2024, 1, 1), steps)
    return maps


def _ties(graph: CompactGraph) -> dict[tuple[str, str], tuple[int, ...]]:
    return {tuple(sorted((graph.ids[u], graph.ids[v]))): tuple(  # type: ignore[misc]
        int(graph.strength[t.value][e]) for t in TRUST_TYPES)
        for e, (u, v) in enumerate(zip(graph.edge_u.tolist(), graph.edge_v.tolist(),
                                       strict=True))}


def _changed(then: dict[tuple[str, str], tuple[int, ...]],
             now: dict[tuple[str, str], tuple[int, ...]]) -> dict[str, int]:
    new = [now[k] for k in now.keys() - then.keys()]
    return {"all": len(new), **{t.value: sum(1 for s in new if s[i] >= 1)
                                for i, t in enumerate(TRUST_TYPES)}}


@pytest.mark.parametrize("seed", [1, 2])
def test_every_point_equals_the_as_of_analysis_of_its_date(store: GraphStore, seed: int
                                                            ) -> None:
    maps = _history(store, seed)
    maps.set_settings("bay", MapSettings(steps=2, target_reach=0.8))
    today = maps.today
    options = MapSettings(steps=2, target_reach=0.8).options()
    series = maps.growth("bay", "month")
    assert series.first_record is not None and series.first_record >= date(2024, 1, 1)
    assert [p.date for p in series.points] == period_ends(series.first_record, today, "month")
    assert [p.partial for p in series.points] == [False] * (len(series.points) - 1) + [True]
    assert series.recruitment == series.points[-1].recruitment
    previous = map_as_of(store, "bay", period_start(series.points[0].date, "month")
                         - timedelta(days=1))
    for point in series.points:
        graph = map_as_of(store, "bay", point.date)
        expected = analyse(graph, AnalysisOptions(**{**options.to_dict(), "as_of": point.date,
                                                     "min_trust": {}, "min_engagement": None}))
        core = expected.core.to_dict()
        assert point.size == expected.size and point.ties == expected.ties
        assert point.groups == expected.groups
        assert {k: point.core[k] for k in ("size", "share", "reach", "reach_by_group",
                                           "reached", "outside")} == {
            k: core[k] for k in ("size", "share", "reach", "reach_by_group", "reached",
                                 "outside")}, point.date
        assert (point.core["target"], point.core["target_reach"], point.core["steps"]) == (
            0.03, 0.8, 2)
        assert point.roles["inferred"] == {
            r: sum(1 for x in expected.roles if x.inferred == r)
            for r in ("lone_wolf", "mobiliser", "organiser")}
        assert point.roles["declared"] == {
            r: sum(1 for x in expected.roles if x.declared == r)
            for r in ("lone_wolf", "mobiliser", "organiser")}
        kinds = Counter(g.kind for g in expected.gaps)
        assert point.gaps == {k: kinds.get(k, 0) for k in SERIES_GAP_KINDS}, point.date
        assert point.engagement == {level: sum(1 for i in range(graph.n)
                                               if graph.person(i).engagement.value == level)
                                    for level in point.engagement}
        # what changed: a plain comparison of the two as-of maps
        then_ids, now_ids = set(previous.ids), set(graph.ids)
        assert point.joined["count"] == len(now_ids - then_ids)
        assert point.left["count"] == len(then_ids - now_ids)
        assert sum(point.joined["by_group"].values()) == point.joined["count"]
        assert point.ties_formed == _changed(_ties(previous), _ties(graph))
        assert point.ties_ended == _changed(_ties(graph), _ties(previous))
        then_level = {pid: previous.person(i).engagement.value for i, pid in
                      enumerate(previous.ids)}
        moves = Counter((then_level[pid], graph.person(i).engagement.value)
                        for i, pid in enumerate(graph.ids)
                        if pid in then_level and then_level[pid]
                        != graph.person(i).engagement.value)
        assert {(m["before"], m["after"]): m["count"] for m in point.ladder_moves} == moves
        developed = sorted(pid for i, pid in enumerate(graph.ids)
                           if graph.person(i).engagement.value == "leading"
                           and then_level.get(pid) != "leading")
        forest = recruitment_forest(graph)
        recruiter = {graph.ids[i]: (None if r < 0 else graph.ids[r])
                     for i, r in enumerate(forest.recruiter.tolist())}
        assert point.leaders_developed == {"count": len(developed), "people": [
            {"id": pid, "recruited_by": recruiter[pid]} for pid in developed[:50]]}
        assert point.recruitment == {"effective_leader_growers":
                                     forest.effective_leader_growers,
                                     "top3_share": forest.top3_share}
        previous = graph


def test_role_moves_count_people_whose_suggested_role_changed(store: GraphStore) -> None:
    maps = _history(store, 3)
    series = maps.growth("bay", "quarter")
    for earlier, point in zip(series.points, series.points[1:], strict=False):
        day, previous = point.date, earlier.date
        options = MapSettings().options()
        now = analyse(map_as_of(store, "bay", day), AnalysisOptions(
            **{**options.to_dict(), "as_of": day, "min_trust": {}, "min_engagement": None}))
        then = analyse(map_as_of(store, "bay", previous), AnalysisOptions(
            **{**options.to_dict(), "as_of": previous, "min_trust": {},
               "min_engagement": None}))
        present_then = set(map_as_of(store, "bay", previous).ids)
        role_then = {r.id: r.inferred or "none" for r in then.roles}
        role_now = {r.id: r.inferred or "none" for r in now.roles}
        moves = Counter((role_then.get(pid, "none"), role_now.get(pid, "none"))
                        for pid in map_as_of(store, "bay", day).ids
                        if pid in present_then
                        and role_then.get(pid, "none") != role_now.get(pid, "none"))
        assert {(m["before"], m["after"]): m["count"]
                for m in point.role_moves["inferred"]} == moves


def test_the_days_read_at_once_are_the_maps_read_one_by_one(store: GraphStore) -> None:
    maps = _history(store, 4)
    read = lambda kind, chunks: store.version_chunks("bay", kind, chunks)  # noqa: E731
    every = versions.all_versions(read)
    days = [date(2024, 1, 1) + timedelta(days=k) for k in range(0, 900, 37)]
    for found in versions.maps_of_days("bay", lambda day: ("locality:A",), every, days):
        expected = map_as_of(store, "bay", found.day)
        got = found.graph
        assert got.ids == expected.ids and got.names == expected.names
        assert got.segment_names == expected.segment_names
        for name in ("group", "member_of", "segment_indptr", "segment_indices", "engagement",
                     "declared_role", "joined", "formal_power", "informal_power", "edge_u",
                     "edge_v", "edge_since", "recruit_source", "recruit_target", "indptr",
                     "indices"):
            assert np.array_equal(getattr(got, name), getattr(expected, name)), name
        for t in TRUST_TYPES:
            assert np.array_equal(got.strength[t.value], expected.strength[t.value])
    assert maps.today > days[0]


def test_since_starts_the_series_later_and_a_day_to_come_is_refused(store: GraphStore) -> None:
    maps = _history(store, 5, steps=40)
    later = maps.today - timedelta(days=70)
    series = growth_of(store, "bay", "week", today=maps.today, since=later)
    assert series.points[0].date == period_ends(later, maps.today, "week")[0]
    with pytest.raises(InvalidSeries) as error:
        growth_of(store, "bay", "month", today=maps.today, since=maps.today + timedelta(days=1))
    assert error.value.field == "since"


def test_a_map_with_no_dated_fact_has_one_point_today(store: GraphStore) -> None:
    maps = UseCases(store, LEAD, today=date(2025, 3, 3))
    maps.create_constituency(Constituency(name="bay"))
    series = maps.growth("bay", "month")
    assert series.first_record is None
    assert [(p.date, p.size, p.partial) for p in series.points] == [(date(2025, 3, 3), 0, True)]


def test_no_point_detects_clusters_or_plans_whom_to_engage(
        tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.analysis as analysis
    import graph.analysis.gaps as gaps
    from graph.stores.base import open_store

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the series must not run this")

    store = open_store(f"sqlite:///{tmp_path}/maps.db")
    try:
        maps = _history(store, 6, steps=40)
        monkeypatch.setattr(gaps, "find_clusters", refuse)
        monkeypatch.setattr(analysis, "greedy_plans", refuse)
        monkeypatch.setattr(analysis, "broker_scores", refuse)
        series = maps.growth("bay", "quarter")
    finally:
        store.close()
    assert series.points and all("cluster_unreached" not in p.gaps for p in series.points)
