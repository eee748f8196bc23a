"""``movemap events`` and ``movemap event add|delete``: through the use cases, recorded in the
history (undoable), with plain one-line errors naming the option."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stores import sqlite_url
from test_cli import one_line_error, run, write_csvs

from service.cli import EXIT_ERROR, EXIT_USAGE


@pytest.fixture(autouse=True)
def _store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVEMAP_STORE", sqlite_url(tmp_path))
    monkeypatch.delenv("MOVEMAP_DEBUG", raising=False)
    run("import", "bay", *write_csvs(tmp_path / "csv"))


def test_an_event_is_added_listed_and_deleted_and_each_change_can_be_undone() -> None:
    assert "bay has no events yet" in run("events", "bay").stdout
    added = run("event", "add", "bay", "--date", "2023-01-10", "--name", "Listening launch",
                "--kind", "launch", "--person", "p2", "--person", "p3").stdout
    assert "Added the event '2023-01-10-listening-launch' to 'bay'" in added
    listed = json.loads(run("events", "bay", "--json").stdout)
    assert [(e["id"], e["people"], e["kind"]) for e in listed] == [
        ("2023-01-10-listening-launch", ["p2", "p3"], "launch")]
    assert listed[0]["effects"]["window_days"] == 60
    text = run("events", "bay").stdout
    assert "2023-01-10  Listening launch (launch)  [2023-01-10-listening-launch]" in text
    assert "2 took part" in text and "do not show that it caused" in text

    history = json.loads(run("history", "bay", "--json", "--limit", "1").stdout)
    assert history[0]["summary"] == "added the event 2023-01-10-listening-launch: " \
                                    "Listening launch"
    assert history[0]["by"].startswith("cli:")
    deleted = run("event", "delete", "bay", "2023-01-10-listening-launch").stdout
    assert "Removed the event" in deleted
    assert json.loads(run("events", "bay", "--json").stdout) == []
    undo = json.loads(run("history", "bay", "--json", "--limit", "1").stdout)[0]["id"]
    run("undo", "bay", str(undo))
    assert len(json.loads(run("events", "bay", "--json").stdout)) == 1


@pytest.mark.parametrize(("args", "says"), [
    (("--date", "2023-01-10", "--name", "x", "--person", "nobody"), "'nobody'"),
    (("--date", "2023-01-10", "--name", "x" * 201), "--name: "),
    (("--date", "2023-01-10", "--name", " "), "--name: "),
    (("--date", "2999-01-10", "--name", "x"), "after today"),
])
def test_a_bad_event_is_refused_on_one_line_naming_the_problem(args: tuple[str, ...],
                                                               says: str) -> None:
    message = one_line_error(run("event", "add", "bay", *args, code=EXIT_ERROR))
    assert says in message, message
    assert json.loads(run("events", "bay", "--json").stdout) == []


def test_a_bad_date_an_unknown_event_and_an_unknown_map_are_plain_errors() -> None:
    bad_date = run("event", "add", "bay", "--date", "10/01/2023", "--name", "x",
                   code=EXIT_USAGE)
    assert "is not a date" in one_line_error(bad_date)
    assert "no event 'nope'" in one_line_error(
        run("event", "delete", "bay", "nope", code=EXIT_ERROR))
    assert "elsewhere" in one_line_error(run("events", "elsewhere", code=EXIT_ERROR))


def test_the_demo_records_its_workshop_as_an_event_followed_by_a_wave_of_joiners() -> None:
    run("demo", "--size", "200")
    (workshop,) = json.loads(run("events", "demo", "--json").stdout)
    assert workshop["kind"] == "workshop" and len(workshop["people"]) >= 8
    effects = workshop["effects"]
    assert effects["complete"] and effects["joiners_after"] > effects["joiners_before"]
    assert effects["participants_moved_up"] >= effects["participants_in_map"] / 2
