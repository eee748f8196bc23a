"""The demo's shared purpose: three versions over three rounds, all three groups contributing
but lopsided towards givers of service (so the warning shows), two aims and personas, all
recorded through the use cases (in the history, undoable)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from stores import sqlite_url
from test_cli import run

from graph.history import Actor
from graph.stores.base import open_store
from graph.usecases import UseCases


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = sqlite_url(Path(tmp_path_factory.mktemp("purpose-demo")))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOVEMAP_STORE", url)
        run("demo", "--size", "400")
    return url


def test_the_demo_purpose_has_three_versions_over_three_rounds(demo_url: str) -> None:
    store = open_store(demo_url)
    try:
        state = UseCases(store, Actor("t", "test")).purpose.state("demo")
        people = {p.id: p.group.value for p in store.iter_people("demo")}
    finally:
        store.close()
    assert list(state.rounds) == ["r1", "r2", "r3"]
    assert [v.status.value for v in state.versions.values()] == ["retired", "retired",
                                                                 "current"]
    assert len(state.aims) == 2 and all(a.statement == "s1" for a in state.aims.values())
    assert [p.name for p in state.personas.values()] == ["Esther", "Sam"]
    groups = Counter(people[c.contributor.person] for c in state.contributions.values()
                     if c.contributor.person)
    assert set(groups) == {"people", "givers_of_service", "system_leaders"}
    assert groups["givers_of_service"] > 2 * groups["people"]


def test_the_demo_board_warns_that_givers_of_service_wrote_most_of_it(
        demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVEMAP_STORE", demo_url)
    board = json.loads(run("purpose", "show", "demo", "--json").stdout)
    imbalance = [w for w in board["warnings"] if w["kind"] == "group_imbalance"]
    assert imbalance and imbalance[0]["evidence"]["over"] == "givers_of_service"
    assert board["purpose"]["current"]["id"] == "s1-v3"
    assert not [w for w in board["warnings"] if w["kind"] in ("reads_like_aim",
                                                              "service_role")]


def test_the_demo_purpose_is_in_the_history_and_undoable(
        demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVEMAP_STORE", demo_url)
    history = json.loads(run("history", "demo", "--json", "--limit", "200").stdout)
    summaries = [h["summary"] for h in history]
    assert "statement version s1-v1 (prototype)" in summaries
    assert "statement version s1-v3 (current)" in summaries
    latest = history[0]
    assert latest["summary"] == "persona pe2: Sam" and latest["via"] == "cli demo"
    run("undo", "demo", str(latest["id"]))
    board = json.loads(run("purpose", "show", "demo", "--json").stdout)
    assert [p["name"] for p in board["personas"]] == ["Esther"]
