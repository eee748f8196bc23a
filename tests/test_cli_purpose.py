"""``movemap purpose check|show|round|export``: through the use cases, recorded in the history,
with plain one-line errors; ``check`` needs no store."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from stores import sqlite_url
from test_cli import one_line_error, run, write_csvs

from graph.history import Actor
from graph.purpose.model import Contribution
from graph.stores.base import open_store
from graph.usecases import UseCases
from service.cli import EXIT_ERROR, EXIT_USAGE


@pytest.fixture
def bay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = sqlite_url(tmp_path)
    monkeypatch.setenv("MOVEMAP_STORE", url)
    monkeypatch.delenv("MOVEMAP_DEBUG", raising=False)
    run("import", "bay", *write_csvs(tmp_path / "csv"))
    return url


def test_check_lists_kind_message_and_evidence_without_any_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVEMAP_STORE", "sqlite:////nonexistent/folder/x.db")
    found = json.loads(run("purpose", "check", "--json", "By 1st April 2021, we will transfer "
                           "every patient within 24 hours").stdout)
    assert [w["kind"] for w in found] == ["reads_like_aim"]
    assert set(found[0]) == {"kind", "message", "evidence"}
    calm = run("purpose", "check", "every person in a hospital bed gets mobilised when they "
               "are ready").stdout
    assert calm.startswith("No warning")
    assert json.loads(run("purpose", "check", "--json", "people feel at home").stdout) == []


def test_a_round_opens_and_closes_and_the_close_can_be_undone(bay: str) -> None:
    opened = run("purpose", "round", "bay", "open", "--title", "Why does it matter?",
                 "--opens", "2024-01-01").stdout
    assert "Opened round r1 of 'bay'" in opened
    closed = run("purpose", "round", "bay", "close", "--id", "r1").stdout
    assert "Closed round r1" in closed and "undo" in closed
    history = json.loads(run("history", "bay", "--json", "--limit", "1").stdout)
    assert history[0]["summary"] == "closed round r1" and history[0]["by"].startswith("cli:")
    board = json.loads(run("purpose", "show", "bay", "--json").stdout)
    assert board["rounds"][0]["status"] == "closed"


def test_show_and_export_give_the_board(bay: str, tmp_path: Path) -> None:
    store = open_store(bay)
    try:
        maps = UseCases(store, Actor("lead@example.org", "test"))
        person = next(iter(store.iter_people("bay"))).id
        maps.purpose.add_contribution("bay", Contribution(
            element="purpose", text="=cmd| nobody waits alone", date=date(2024, 1, 2),
            contributor={"person": person}))
    finally:
        store.close()
    text = run("purpose", "show", "bay").stdout
    assert "OUR (who are our people)" in text and "nobody waits alone  [c1]" in text
    assert "Who are your people?" in text
    run("purpose", "export", "bay", "--format", "csv", "-o", str(tmp_path / "b.csv"))
    rows = list(csv.DictReader((tmp_path / "b.csv").open(encoding="utf-8")))
    assert [r["text"] for r in rows if r["id"] == "c1"] == ["'=cmd| nobody waits alone"]
    run("purpose", "export", "bay", "--format", "json", "-o", str(tmp_path / "b.json"))
    board = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in board["purpose"]["contributions"]] == ["c1"]


def test_errors_are_one_plain_line(bay: str) -> None:
    missing = one_line_error(run("purpose", "round", "bay", "close", "--id", "r9",
                                 code=EXIT_ERROR))
    assert "there is no round 'r9'" in missing
    run("purpose", "round", "bay", "open", code=EXIT_USAGE)
    unknown = one_line_error(run("purpose", "show", "nowhere", code=EXIT_ERROR))
    assert "nowhere" in unknown
