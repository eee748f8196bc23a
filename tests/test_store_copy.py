"""Both stores give the same analysis, and ``movemap copy`` moves maps between them exactly.

The parity tests load the same records into SQLite and into the real Neo4j server and compare
the analysis JSON byte for byte, for the demo and for random constituencies. The copy tests
move constituencies SQLite → Neo4j, Neo4j → SQLite and SQLite → SQLite and compare everything
the target holds with the source.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from stores import make_store, store_url
from test_store_contract import assert_same_graph, snapshot

import graph.stores.copy as copy_module
from graph.analysis import analyse
from graph.demo import demo_constituency
from graph.errors import MovemapError, NotFound
from graph.model import Constituency, Person, Relationship
from graph.stores.base import GraphStore
from graph.stores.copy import CopyMismatch, copy_constituencies
from service.cli import EXIT_ERROR, EXIT_USAGE, main

AS_OF = date(2026, 6, 1)


def random_map(seed: int, n: int = 120, m: int = 500) -> tuple[list[Person], list[Relationship]]:
    """People with every attribute drawn at random, and directed ties (some both ways)."""
    rng = random.Random(seed)
    groups = ["people", "givers_of_service", "system_leaders"]
    segments = ["locality:Barrow", "locality:Kendal", "community:Deaf", "service:Stroke"]
    people = [
        Person(
            id=f"{rng.choice(['p', 'Q', 'é', '9'])}{i}", name=f"Person {i}",
            group=rng.choice(groups), other_groups=tuple(rng.sample(groups, rng.randint(0, 2))),
            organisation=rng.choice(["", "Bay Hospital", "Town Council"]),
            segments=tuple(rng.sample(segments, rng.randint(0, 3))),
            formal_power=rng.randint(0, 3), informal_power=rng.randint(0, 3),
            lived_experience=rng.random() < 0.3,
            engagement=rng.choice(["unengaged", "aware", "supporting", "contributing",
                                   "leading"]),
            role=rng.choice([None, None, "lone_wolf", "mobiliser", "organiser"]),
            joined=rng.choice([None, date(2018 + rng.randint(0, 7), rng.randint(1, 12), 1)]),
        )
        for i in range(n)
    ]
    ids = [p.id for p in people]
    ties: dict[tuple[str, str], Relationship] = {}
    for _ in range(m):
        s, t = rng.sample(ids, 2)
        ties[(s, t)] = Relationship(
            source=s, target=t, relational=rng.randint(0, 3), functional=rng.randint(0, 3),
            flow_of_value=rng.randint(0, 3), recruited=rng.random() < 0.1,
            since=rng.choice([None, date(2015 + rng.randint(0, 10), rng.randint(1, 12), 3)]),
        )
    return people, list(ties.values())


def analysis_json(store: GraphStore, name: str) -> str:
    return json.dumps(analyse(store.load_graph(name)).to_dict(), sort_keys=True, default=str)


@pytest.fixture
def both(tmp_path: Path) -> Iterator[tuple[GraphStore, GraphStore]]:
    sqlite, neo4j = make_store("sqlite", tmp_path / "s"), make_store("neo4j", tmp_path / "n")
    yield sqlite, neo4j
    sqlite.close()
    neo4j.close()


def test_the_demo_gives_identical_analysis_json_on_both_stores(
    both: tuple[GraphStore, GraphStore],
) -> None:
    constituency, people, ties = demo_constituency(seed=3, size=400, as_of=AS_OF)
    outputs = []
    for store in both:
        store.create_constituency(constituency)
        store.import_records(constituency.name, people, ties)
        outputs.append(analysis_json(store, constituency.name))
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["size"] == 400


@pytest.mark.parametrize("seed", [1, 2])
def test_a_random_map_gives_identical_analysis_json_on_both_stores(
    both: tuple[GraphStore, GraphStore], seed: int
) -> None:
    people, ties = random_map(seed)
    for store in both:
        store.import_records("random", people, ties)
        store.set_expected_segments("random", ["locality:Barrow", "community:Roma"])
    assert_same_graph(both[0].load_graph("random"), both[1].load_graph("random"))
    assert analysis_json(both[0], "random") == analysis_json(both[1], "random")


# -- copy --------------------------------------------------------------------------------------

DIRECTIONS = [("sqlite", "neo4j"), ("neo4j", "sqlite"), ("sqlite", "sqlite")]


@pytest.fixture(params=DIRECTIONS, ids=[f"{a}-to-{b}" for a, b in DIRECTIONS])
def pair(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[GraphStore, GraphStore]]:
    source_kind, target_kind = request.param
    source = make_store(source_kind, tmp_path / "source")
    target = make_store(target_kind, tmp_path / "target")
    yield source, target
    source.close()
    target.close()


def fill(store: GraphStore) -> None:
    people, ties = random_map(5, n=60, m=200)
    store.create_constituency(Constituency(name="bay", description="Morecambe Bay",
                                           expected_segments=("locality:Barrow",)))
    store.import_records("bay", people, ties)
    store.import_records("kendal", [Person(id="k1", group="people"),
                                    Person(id="k2", group="system_leaders")],
                         [Relationship(source="k2", target="k1", recruited=True)])
    store.create_constituency(Constituency(name="empty"))


def test_copy_moves_every_constituency_exactly(pair: tuple[GraphStore, GraphStore]) -> None:
    source, target = pair
    fill(source)
    copied = copy_constituencies(source, target)
    assert [c.name for c in copied] == ["bay", "empty", "kendal"]
    assert target.list_constituencies() == source.list_constituencies()
    for name in ("bay", "empty", "kendal"):
        assert snapshot(target, name) == snapshot(source, name)
        assert_same_graph(target.load_graph(name), source.load_graph(name))


def test_copy_of_named_constituencies_leaves_the_others(
    pair: tuple[GraphStore, GraphStore],
) -> None:
    source, target = pair
    fill(source)
    target.import_records("other", [Person(id="x", group="people")], [])
    copy_constituencies(source, target, ["kendal"])
    assert [c.name for c in target.list_constituencies()] == ["kendal", "other"]
    assert snapshot(target, "kendal")[:3] == snapshot(source, "kendal")[:3]


def test_copy_refuses_to_overwrite_unless_replace(pair: tuple[GraphStore, GraphStore]) -> None:
    source, target = pair
    fill(source)
    target.import_records("bay", [Person(id="old", group="people")], [])
    before = snapshot(target, "bay")
    with pytest.raises(MovemapError, match="already has 'bay'; add --replace"):
        copy_constituencies(source, target)
    assert snapshot(target, "bay") == before
    assert [c.name for c in target.list_constituencies()] == ["bay"]
    copy_constituencies(source, target, ["bay"], replace=True)
    assert snapshot(target, "bay")[:3] == snapshot(source, "bay")[:3]


def test_copy_of_an_unknown_name_writes_nothing(pair: tuple[GraphStore, GraphStore]) -> None:
    source, target = pair
    fill(source)
    with pytest.raises(NotFound, match="no constituency named 'ghost'"):
        copy_constituencies(source, target, ["bay", "ghost"])
    assert target.list_constituencies() == []


def test_a_copy_whose_counts_differ_is_rolled_back(
    pair: tuple[GraphStore, GraphStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = pair
    fill(source)
    copy_one = copy_module._copy_one

    def losing_a_person(source: GraphStore, target: GraphStore, constituency: Constituency, *,
                        replace: bool) -> None:
        copy_one(source, target, constituency, replace=replace)
        if constituency.name == "kendal":
            target.delete_person("kendal", "k1")

    monkeypatch.setattr(copy_module, "_copy_one", losing_a_person)
    with pytest.raises(CopyMismatch, match="the copy of 'kendal' does not match"):
        copy_constituencies(source, target)
    assert target.list_constituencies() == []


def test_copy_command_reports_verified_counts(tmp_path: Path) -> None:
    source_url = store_url("sqlite", tmp_path / "source")
    target_url = store_url("neo4j", tmp_path / "target")
    runner = CliRunner()
    made = runner.invoke(main, ["--store", source_url, "demo", "--size", "200"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(main, ["copy", source_url, target_url])
    assert result.exit_code == 0, result.output
    assert "Copied 'demo': 200 people" in result.stdout
    assert "(counts verified)" in result.stdout
    again = runner.invoke(main, ["copy", source_url, target_url, "demo"])
    assert again.exit_code == EXIT_ERROR
    assert "already has 'demo'; add --replace" in again.stderr
    replaced = runner.invoke(main, ["copy", source_url, target_url, "demo", "--replace"])
    assert replaced.exit_code == 0, replaced.output
    back = runner.invoke(main, ["copy", target_url, store_url("sqlite", tmp_path / "back")])
    assert back.exit_code == 0, back.output
    assert "Copied 'demo': 200 people" in back.stdout


def test_copy_command_refuses_the_same_store_twice(tmp_path: Path) -> None:
    url = store_url("sqlite", tmp_path)
    result = CliRunner().invoke(main, ["copy", url, url])
    assert result.exit_code == EXIT_USAGE
    assert "SOURCE_URL and TARGET_URL are the same store" in result.stderr
