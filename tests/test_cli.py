"""The ``movemap`` command line, end to end, each test on a fresh temporary store.

Through click's ``CliRunner`` for most cases, and through the installed console script in a
subprocess for the real thing. No output may ever hold a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner, Result
from stores import STORE_KINDS, store_url

from graph.demo import demo_constituency
from service.cli import EXIT_ERROR, EXIT_INTERNAL, EXIT_USAGE, main

CONTRACT = {
    "constituency", "size", "ties", "groups", "core", "recommended_core", "to_reach_target",
    "roles", "gaps",
}

PEOPLE_CSV = "".join(line + "\n" for line in [
    "id,name,group,other_groups,organisation,segments,formal_power,informal_power,"
    "lived_experience,engagement,role,joined",
    "p1,Asha Patel,system_leaders,,Bay ICB,locality:Barrow,3,1,no,leading,,2021-04-01",
    "p2,Ben Jones,givers_of_service,people,GP surgery,locality:Barrow;service:primary_care,"
    "0,2,yes,contributing,organiser,2020-01-15",
    "p3,Cara Smith,people,,,locality:Kendal;community:Deaf,0,3,yes,supporting,,2022-09-30",
    "p4,Dan Lee,people,,,locality:Kendal,0,0,yes,aware,,",
])
RELATIONSHIPS_CSV = """\
source,target,relational,functional,flow_of_value,recruited,since
p1,p2,2,3,1,no,2021-05-01
p2,p3,3,1,2,yes,2022-09-30
p3,p4,2,0,0,no,
"""


@pytest.fixture(params=STORE_KINDS)
def store_env(request: pytest.FixtureRequest, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh store of each kind for each test, named the way users name it: in
    MOVEMAP_STORE."""
    url = store_url(str(request.param), tmp_path)
    monkeypatch.setenv("MOVEMAP_STORE", url)
    monkeypatch.delenv("MOVEMAP_DEBUG", raising=False)
    return url


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    if code == 0 and result.exit_code != 0:
        raise AssertionError(f"exit {result.exit_code}: {result.output}")
    assert result.exit_code == code, result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def one_line_error(result: Result) -> str:
    """The error message, checked to be one plain line on stderr with nothing on stdout."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("movemap: ")
    assert result.stdout == ""
    return lines[0]


def write_csvs(folder: Path, people: str = PEOPLE_CSV,
               relationships: str = RELATIONSHIPS_CSV) -> tuple[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "people.csv").write_text(people, encoding="utf-8")
    (folder / "relationships.csv").write_text(relationships, encoding="utf-8")
    return str(folder / "people.csv"), str(folder / "relationships.csv")


def analyse_json(*args: str) -> dict[str, Any]:
    result = run("analyse", *args, "--json")
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# -- demo, list, analyse -------------------------------------------------------------------


def test_demo_then_list_then_analyse(store_env: str) -> None:
    created = run("demo")
    assert "Created the demo constituency 'demo': 800 people" in created.stdout
    assert "movemap analyse demo" in created.stdout

    listed = run("list").stdout.splitlines()
    assert listed[0].split()[:3] == ["name", "people", "relationships"]
    assert listed[1].split()[:2] == ["demo", "800"]

    data = analyse_json("demo")
    report = run("analyse", "demo").stdout
    assert f"800 people and {data['ties']:,} ties." in report
    core = data["core"]
    assert f"{len(core['members'])} people are in the engaged core" in report
    assert f"{round(core['reach'] * 100)}% of everyone else" in report
    assert "The engaged core" in report and "Whom to engage next" in report
    assert "Roles" in report and "Gaps and missing voices" in report


def test_delete_removes_the_map_with_its_history_and_keeps_the_others(
        store_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVEMAP_ACCOUNTS", f"sqlite:///{tmp_path / 'no-accounts.db'}")
    run("demo", "--size", "200")
    run("demo", "--size", "200", "--name", "kept")
    refused = run("delete", "demo", code=EXIT_ERROR)  # no answer to the question: no
    assert "nothing was deleted" in refused.stderr
    assert "Deleted 'demo'" in run("delete", "demo", "--yes").stdout
    assert [line.split()[0] for line in run("list").stdout.splitlines()[1:]] == ["kept"]
    assert "no constituency named 'demo'" in one_line_error(run("history", "demo",
                                                                 code=EXIT_ERROR))
    run("demo", "--size", "200")  # the name is free again, and its history starts afresh
    fresh = json.loads(run("history", "demo", "--json", "--limit", "1000").stdout)
    other = json.loads(run("history", "kept", "--json", "--limit", "1000").stdout)
    assert len(fresh) == len(other)  # made the same way: nothing of the deleted one is left
    assert not (tmp_path / "no-accounts.db").exists()  # no accounts store made for it


def test_analyse_json_holds_the_contract(store_env: str) -> None:
    run("demo", "--size", "400")
    data = analyse_json("demo")
    assert set(data) >= CONTRACT
    assert data["constituency"] == "demo" and data["size"] == 400
    assert set(data["groups"]) == {"people", "givers_of_service", "system_leaders"}
    assert sum(data["groups"].values()) == 400
    assert {"members", "share", "reach", "reach_by_group"} <= set(data["core"])
    assert set(data["core"]["reach_by_group"]) == set(data["groups"])
    assert {"members", "reach", "added"} <= set(data["recommended_core"])
    assert all(set(a) >= {"id", "gain"} for a in data["recommended_core"]["added"])
    assert {"additions", "members"} <= set(data["to_reach_target"])
    assert data["roles"] and all(
        set(r) >= {"id", "declared", "inferred", "evidence"} for r in data["roles"]
    )
    assert data["gaps"] and all(
        set(g) >= {"kind", "severity", "subject", "message", "evidence"} for g in data["gaps"]
    )


def test_analyse_matches_an_independent_count_of_the_stored_demo(store_env: str) -> None:
    """The store, the loading and the analysis together agree with networkx on the input."""
    run("demo", "--seed", "3", "--size", "300")
    _, people, relationships = demo_constituency(seed=3, size=300, as_of=date.today())
    g = nx.Graph()
    g.add_nodes_from(p.id for p in people)
    g.add_edges_from((r.source, r.target) for r in relationships)
    core = {p.id for p in people if p.engagement.value == "leading" or p.role is not None}
    outside = set(g) - core
    reached = {n for c in core for n in g[c]} & outside
    data = analyse_json("demo")
    assert data["size"] == g.number_of_nodes()
    assert data["ties"] == g.number_of_edges()
    assert set(data["core"]["members"]) == core
    assert data["core"]["reach"] == pytest.approx(len(reached) / len(outside))


def test_analyse_options_reach_the_analysis(store_env: str) -> None:
    run("demo", "--size", "300")
    data = analyse_json("demo", "--hops", "2", "--min-trust", "flow-of-value=1",
                        "--min-trust", "relational=2", "--target-core", "5%",
                        "--target-reach", "0.8", "--as-of", "2030-01-31")
    options = data["options"]
    assert options["hops"] == 2
    assert options["min_trust"] == {"flow_of_value": 1, "relational": 2}
    assert options["target_core_share"] == pytest.approx(0.05)
    assert options["target_reach"] == pytest.approx(0.8)
    assert options["as_of"] == "2030-01-31"
    assert len(data["recommended_core"]["members"]) == 15  # ceil(5% of 300)


def test_progress_goes_to_stderr_never_into_json(store_env: str) -> None:
    run("demo", "--size", "300")
    result = run("--progress", "analyse", "demo", "--json")
    assert "Loading demo" in result.stderr and "Analysing" in result.stderr
    assert "300 people" in result.stderr
    assert json.loads(result.stdout)["size"] == 300
    quiet = run("analyse", "demo", "--json")  # not a terminal: no progress by default
    assert quiet.stderr == ""


def test_demo_refuses_to_overwrite_without_replace(store_env: str) -> None:
    run("demo", "--size", "300")
    refused = run("demo", code=EXIT_ERROR)
    message = one_line_error(refused)
    assert "already exists" in message and "--replace" in message
    assert analyse_json("demo")["size"] == 300  # untouched
    replaced = run("demo", "--replace", "--seed", "9", "--size", "250")
    assert "Replaced the demo constituency 'demo': 250 people" in replaced.stdout
    assert analyse_json("demo")["size"] == 250
    assert len(run("list").stdout.splitlines()) == 2
    # replaced in place, it is exactly the map a fresh demo of the same seed makes
    run("demo", "--name", "fresh", "--seed", "9", "--size", "250")
    replaced_map, fresh_map = analyse_json("demo"), analyse_json("fresh")
    assert replaced_map.pop("constituency") == "demo"
    assert fresh_map.pop("constituency") == "fresh"
    assert replaced_map == fresh_map


def test_demo_under_another_name(store_env: str) -> None:
    run("demo", "--name", "bay-2", "--size", "200")
    assert analyse_json("bay-2")["size"] == 200
    assert "movemap analyse bay-3" in run("demo", "--name", "bay-3", "--size", "200").stdout


def test_list_of_an_empty_store(store_env: str) -> None:
    result = run("list")
    assert "No constituencies yet" in result.stdout and "movemap demo" in result.stdout


def test_help_shows_the_store_default() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "sqlite:///movemap.db" in flat and "MOVEMAP_STORE" in flat
    for command in ("import", "expect", "analyse", "demo", "list"):
        assert command in result.output


# -- import and expect -----------------------------------------------------------------------


def test_template_writes_two_files_that_import_as_they_are(
        store_env: str, tmp_path: Path) -> None:
    folder = tmp_path / "new map"
    written = run("template", "-o", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == ["people.csv", "relationships.csv"]
    assert str(folder / "people.csv") in written.stdout
    run("import", "bay", str(folder / "people.csv"), str(folder / "relationships.csv"))
    data = analyse_json("bay")
    assert (data["size"], data["ties"]) == (2, 1)
    (folder / "people.csv").write_text("mine", encoding="utf-8")
    refused = run("template", "-o", str(folder), code=EXIT_USAGE)
    assert "already exists; use --force" in one_line_error(refused)
    assert (folder / "people.csv").read_text(encoding="utf-8") == "mine"
    run("template", "-o", str(folder), "--force")
    assert (folder / "people.csv").read_text(encoding="utf-8").startswith("id,name,group")


def test_import_then_reimport_changes_nothing(store_env: str, tmp_path: Path) -> None:
    people, relationships = write_csvs(tmp_path / "in")
    first = run("import", "riverside", people, relationships)
    lines = first.stdout.splitlines()
    assert lines[0] == "Imported people.csv and relationships.csv into 'riverside':"
    assert lines[1].split() == ["people:", "4", "added", "0", "updated", "0", "unchanged"]
    assert lines[2].split() == ["relationships:", "3", "added", "0", "updated", "0",
                                "unchanged"]
    again = run("import", "riverside", people, relationships)
    assert again.stdout.splitlines()[1].split() == ["people:", "0", "added", "0", "updated",
                                                     "4", "unchanged"]
    assert again.stdout.splitlines()[2].split() == ["relationships:", "0", "added", "0",
                                                     "updated", "3", "unchanged"]
    assert "Nothing changed" in again.stdout
    data = analyse_json("riverside")
    assert data["size"] == 4 and data["ties"] == 3
    assert data["core"]["members"] == ["p1", "p2"]


def test_import_reports_what_changed(store_env: str, tmp_path: Path) -> None:
    people, relationships = write_csvs(tmp_path / "a")
    run("import", "riverside", people, relationships)
    changed = PEOPLE_CSV.replace("Dan Lee,people,,,locality:Kendal,0,0,yes,aware",
                                 "Dan Lee,people,,,locality:Kendal,0,0,yes,supporting")
    changed += "p5,Eve Nowak,people,,,,0,0,no,,,\n"
    people2, relationships2 = write_csvs(tmp_path / "b", people=changed)
    result = run("import", "riverside", people2, relationships2)
    assert result.stdout.splitlines()[1].split() == ["people:", "1", "added", "1", "updated",
                                                      "3", "unchanged"]
    assert "Nothing changed" not in result.stdout


def test_import_warns_about_unknown_columns(store_env: str, tmp_path: Path) -> None:
    header, *rows = PEOPLE_CSV.splitlines()
    people = "\n".join([header + ",shoe_size", *(row + ",42" for row in rows)]) + "\n"
    people_path, relationships_path = write_csvs(tmp_path, people=people)
    result = run("import", "riverside", people_path, relationships_path)
    assert "warning:" in result.stderr and "shoe_size" in result.stderr
    assert "warning" not in result.stdout


def test_import_with_bad_rows_lists_every_problem_and_writes_nothing(
    store_env: str, tmp_path: Path
) -> None:
    good_people, good_relationships = write_csvs(tmp_path / "good")
    run("import", "riverside", good_people, good_relationships)
    bad_people = PEOPLE_CSV + (
        "p5,Eve,volunteers,,,,0,0,no,,,\n"          # line 6: unknown group
        "p6,Fay,people,,,,0,0,no,,,2021-02-30\n"    # line 7: bad date
        "p1,Again,people,,,,0,0,no,,,\n"            # line 8: duplicate id
    )
    bad_relationships = RELATIONSHIPS_CSV + "p1,p99,1,1,1,no,\n"  # line 5: dangling target
    people, relationships = write_csvs(tmp_path / "bad", bad_people, bad_relationships)
    before = analyse_json("riverside")
    result = run("import", "riverside", people, relationships, code=EXIT_ERROR)
    err = result.stderr
    assert "people.csv, line 6, column 'group':" in err and "volunteers" in err
    assert "people.csv, line 7, column 'joined':" in err
    assert "people.csv, line 8, column 'id':" in err and "duplicate" in err
    assert "relationships.csv, line 5, column 'target':" in err and "p99" in err
    assert err.strip().splitlines()[-1] == (
        "movemap: import failed: 4 problems; nothing was written"
    )
    assert result.stdout == ""
    after = analyse_json("riverside")
    assert {k: after[k] for k in ("size", "ties", "groups")} == \
        {k: before[k] for k in ("size", "ties", "groups")}


def test_import_into_a_new_name_that_fails_creates_nothing(store_env: str, tmp_path: Path) -> None:
    people, relationships = write_csvs(tmp_path, PEOPLE_CSV + "p9,X,aliens,,,,,,,,,\n")
    run("import", "fresh", people, relationships, code=EXIT_ERROR)
    assert "No constituencies yet" in run("list").stdout


def test_import_of_a_missing_file_is_a_usage_error(store_env: str, tmp_path: Path) -> None:
    people, _ = write_csvs(tmp_path)
    result = run("import", "riverside", people, str(tmp_path / "nope.csv"), code=EXIT_USAGE)
    message = one_line_error(result)
    assert "nope.csv" in message and "does not exist" in message


def test_expect_adds_then_replaces_segments(store_env: str, tmp_path: Path) -> None:
    run("import", "riverside", *write_csvs(tmp_path))
    added = run("expect", "riverside", "locality:Barrow", "community : Polish")
    assert added.stdout.splitlines() == [
        "'riverside' expects 2 segments:", "  locality:Barrow", "  community:Polish",
    ]
    more = run("expect", "riverside", "locality:Barrow", "service:maternity")
    assert more.stdout.splitlines()[0] == "'riverside' expects 3 segments:"
    replaced = run("expect", "riverside", "--replace", "locality:Millom")
    assert replaced.stdout.splitlines() == ["'riverside' expects 1 segment:", "  locality:Millom"]
    gaps = analyse_json("riverside")["gaps"]
    assert any(g["kind"] == "segment_missing" and g["subject"] == "locality:Millom"
               for g in gaps)


def test_expect_reads_a_segment_as_the_one_people_in_the_map_have(
        store_env: str, tmp_path: Path) -> None:
    run("import", "riverside", *write_csvs(tmp_path))
    result = run("expect", "riverside", "Barrow", "KENDAL", "community:deaf", "Millom")
    assert result.stdout.splitlines() == [
        "'Barrow' is read as 'locality:Barrow', the segment people in the map have.",
        "'KENDAL' is read as 'locality:Kendal', the segment people in the map have.",
        "'community:deaf' is read as 'community:Deaf', the segment people in the map have.",
        "'riverside' expects 4 segments:", "  locality:Barrow", "  locality:Kendal",
        "  community:Deaf", "  Millom",
    ]
    gaps = analyse_json("riverside")["gaps"]
    assert [g["subject"] for g in gaps if g["kind"].startswith("segment_m")] == ["Millom"]


def test_expect_of_a_segment_that_could_be_several_says_so_and_changes_nothing(
        store_env: str, tmp_path: Path) -> None:
    people = PEOPLE_CSV.replace("p4,Dan Lee,people,,,locality:Kendal,",
                                "p4,Dan Lee,people,,,service:Kendal,")
    run("import", "riverside", *write_csvs(tmp_path, people))
    result = run("expect", "riverside", "locality:Barrow", "Kendal", code=EXIT_ERROR)
    assert "'Kendal' could be 'locality:Kendal' or 'service:Kendal'" in one_line_error(result)
    after = run("expect", "riverside", "Millom")  # locality:Barrow was not added
    assert after.stdout.splitlines() == ["'riverside' expects 1 segment:", "  Millom"]


def test_expect_needs_a_segment(store_env: str) -> None:
    result = run("expect", "riverside", code=EXIT_USAGE)
    assert "SEGMENTS" in one_line_error(result)


# -- errors a user can cause -----------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("analyse", "nowhere"),
    ("analyse", "nowhere", "--json"),
    ("expect", "nowhere", "locality:Barrow"),
])
def test_unknown_constituency_is_a_plain_error(store_env: str, args: tuple[str, ...]) -> None:
    message = one_line_error(run(*args, code=EXIT_ERROR))
    assert message == "movemap: there is no constituency named 'nowhere'"


@pytest.mark.parametrize(("value", "words"), [
    ("functional", "is not TYPE=LEVEL"),
    ("kindness=2", "unknown trust type 'kindness'"),
    ("functional=high", "not a whole number"),
    ("functional=4", "must be 0–3"),
    ("relational=-1", "must be 0–3"),
])
def test_min_trust_errors(store_env: str, value: str, words: str) -> None:
    run("demo", "--size", "200")
    message = one_line_error(run("analyse", "demo", "--min-trust", value, code=EXIT_USAGE))
    assert "--min-trust" in message and words in message
    assert "movemap analyse --help" in message


@pytest.mark.parametrize(("args", "words"), [
    (("analyse", "demo", "--hops", "0"), "--hops"),
    (("analyse", "demo", "--hops", "two"), "--hops"),
    (("analyse", "demo", "--target-core", "0"), "--target-core"),
    (("analyse", "demo", "--target-reach", "150%"), "--target-reach"),
    (("analyse", "demo", "--target-reach", "most"), "is not a share"),
    (("analyse", "demo", "--as-of", "2020-13-01"), "YYYY-MM-DD"),
    (("analyse", "bad/name"), "not a valid name"),
    (("demo", "--size", "5"), "--size"),
    (("demo", "--name", "  "), "not a valid name"),
    (("analyse",), "Missing argument 'NAME'"),
    (("explode",), "No such command"),
])
def test_bad_options_are_one_line_usage_errors(store_env: str, args: tuple[str, ...],
                                               words: str) -> None:
    message = one_line_error(run(*args, code=EXIT_USAGE))
    assert words in message


@pytest.mark.parametrize(("url", "words"), [
    ("movemap.db", "is not a URL"),
    ("postgres://db/movemap", "unknown store scheme"),
    ("sqlite:////no/such/folder/x.db", "does not exist"),
])
def test_a_wrong_store_url_is_a_plain_error(url: str, words: str) -> None:
    message = one_line_error(run("--store", url, "list", code=EXIT_ERROR))
    assert words in message


def test_a_store_that_is_not_a_database_is_a_plain_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a database\n" * 100)
    result = run("--store", f"sqlite:///{junk}", "list", code=EXIT_ERROR)
    one_line_error(result)


def test_an_unexpected_error_is_an_internal_error_without_traceback(
    store_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("demo", "--size", "200")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the flux capacitor is empty")

    import graph.analysis

    monkeypatch.setattr(graph.analysis, "analyse", broken)  # the command imports it when run
    message = one_line_error(run("analyse", "demo", code=EXIT_INTERNAL))
    assert "internal error: RuntimeError: the flux capacitor is empty" in message
    assert "MOVEMAP_DEBUG=1" in message

    monkeypatch.setenv("MOVEMAP_DEBUG", "1")
    debug = CliRunner().invoke(main, ["analyse", "demo"])
    assert isinstance(debug.exception, RuntimeError)  # the traceback is there to be seen


# -- the installed console script ------------------------------------------------------------


def _console_script() -> Path:
    script = Path(sys.executable).parent / "movemap"
    if not script.exists():
        pytest.skip("the movemap console script is not installed in this environment")
    return script


def test_installed_console_script_end_to_end(tmp_path: Path) -> None:
    script = _console_script()
    env = {**os.environ, "MOVEMAP_STORE": f"sqlite:///{tmp_path}/x.db"}
    env.pop("MOVEMAP_DEBUG", None)

    def sh(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(script), *args], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=120, check=False)
        assert "Traceback" not in done.stdout + done.stderr
        return done

    created = sh("demo", "--size", "300")
    assert created.returncode == 0, created.stderr
    assert "300 people" in created.stdout
    assert sh("list").stdout.splitlines()[1].split()[:2] == ["demo", "300"]
    analysed = sh("analyse", "demo", "--json")
    assert analysed.returncode == 0 and analysed.stderr == ""
    data = json.loads(analysed.stdout)
    assert set(data) >= CONTRACT and data["size"] == 300
    report = sh("analyse", "demo")
    assert report.returncode == 0 and "300 people and" in report.stdout
    missing = sh("analyse", "nowhere")
    assert missing.returncode == EXIT_ERROR
    assert missing.stderr == "movemap: there is no constituency named 'nowhere'\n"
    # --store on the command line wins over MOVEMAP_STORE, and next steps name it
    other = f"sqlite:///{tmp_path}/other.db"
    moved = sh("--store", other, "demo", "--size", "200")
    assert f"movemap --store {other} analyse demo" in moved.stdout
    assert (tmp_path / "other.db").exists()


def test_escape_sequences_in_a_stored_name_never_reach_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name written before names were checked (here: straight into the file) is shown with
    its hidden characters as codes, in every text the command line prints."""
    import sqlite3

    path = tmp_path / "old.db"
    monkeypatch.setenv("MOVEMAP_STORE", f"sqlite:///{path}")
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE_CSV)
    ties = tmp_path / "relationships.csv"
    ties.write_text(RELATIONSHIPS_CSV)
    run("import", "bay", str(people), str(ties))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE people SET name = ? WHERE id = 'p1'", ("Ann\x1b]0;owned\x07\x1b[2J",))
    conn.commit()
    conn.close()
    for args in (("analyse", "bay"), ("analyse", "bay", "--details"), ("gaps", "bay")):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        for text in (result.output, result.stderr):
            assert "\x1b" not in text and "\x07" not in text, args
    shown = CliRunner().invoke(main, ["analyse", "bay", "--details"]).output
    assert "\\u001b" in shown or "Ann" not in shown


# -- the map's settings and readiness -------------------------------------------------------


def _set_settings(url: str, **values: Any) -> None:
    from graph.history import Actor
    from graph.map_settings import MapSettings
    from graph.stores.base import open_store
    from graph.usecases import UseCases

    store = open_store(url)
    try:
        UseCases(store, Actor("lead@example.org", "test")).set_settings(
            "demo", MapSettings(**values))
    finally:
        store.close()


@pytest.mark.parametrize("store_env", ["sqlite"], indirect=True)
def test_analyse_uses_the_maps_settings_and_options_override_them(store_env: str) -> None:
    run("demo", "--size", "200")
    _set_settings(store_env, steps=2, target_reach=0.8, min_engagement="contributing")
    data = analyse_json("demo")
    options = data["options"]
    assert (options["hops"], options["target_reach"], options["min_engagement"]) == (
        2, 0.8, "contributing")
    assert data["core"]["reach"] == data["core"]["reach_by_steps"]["2"]
    assert data["ready"]["min_engagement"] == "contributing"
    overridden = analyse_json("demo", "--hops", "1", "--target-reach", "90%",
                              "--min-engagement", "anyone")
    assert (overridden["options"]["hops"], overridden["options"]["target_reach"]) == (1, 0.9)
    assert overridden["ready"] is None
    assert "planned among people contributing or above" in run("analyse", "demo").output


@pytest.mark.parametrize("store_env", ["sqlite"], indirect=True)
def test_analyse_min_engagement_reads_labels_and_lists_the_ready(store_env: str) -> None:
    run("demo", "--size", "200")
    data = analyse_json("demo", "--min-engagement", "Supporting")
    ready = data["ready"]
    assert ready["min_engagement"] == "supporting"
    levels = {"supporting", "contributing", "leading"}
    for plan in (ready["recommended_core"], ready["to_reach_target"]):
        assert all(a["engagement"] in levels for a in plan["added"])
        assert all(sum(a["brings_by_group"].values()) == a["gain"] for a in plan["added"])
    report = run("analyse", "demo", "--min-engagement", "supporting").output
    assert "Among the ready only (supporting or above)" in report
    first = ready["to_reach_target"]["added"][0]["id"]
    assert f"({first})" in report.split("Among the ready only")[1]


@pytest.mark.parametrize("store_env", ["sqlite"], indirect=True)
def test_analyse_min_engagement_suggests_the_closest_level(store_env: str) -> None:
    run("demo", "--size", "200")
    result = run("analyse", "demo", "--min-engagement", "contributng", code=EXIT_USAGE)
    assert "did you mean 'Contributing' (contributing)?" in result.output


def test_growth_prints_one_row_per_period_and_the_json_of_the_use_case(
        store_env: str, tmp_path: Path) -> None:
    from graph.analysis.growth import INTERVALS
    from graph.stores.base import open_store
    from graph.usecases import growth_of

    people, ties = tmp_path / "people.csv", tmp_path / "relationships.csv"
    people.write_text(PEOPLE_CSV)
    ties.write_text(RELATIONSHIPS_CSV)
    run("import", "bay", str(people), str(ties))
    text = run("growth", "bay", "--interval", "quarter").output
    store = open_store(store_env)
    try:
        expected = growth_of(store, "bay", "quarter")
    finally:
        store.close()
    assert expected.first_record == date(2020, 1, 15)
    rows = [line for line in text.splitlines() if line[:4].isdigit()]
    assert len(rows) == len(expected.points)
    assert rows[-1].startswith(f"{date.today().isoformat()} (so far)")
    assert rows[0].startswith("2020-03-31")
    as_json = json.loads(run("growth", "bay", "--interval", "quarter", "--json").output)
    assert as_json == json.loads(json.dumps(expected.to_dict()))
    assert as_json["points"][-1]["size"] == 4
    assert as_json["points"][-1]["core"]["size"] == 2
    help_text = run("growth", "--help").output
    assert all(interval in help_text for interval in INTERVALS)


@pytest.mark.parametrize(("args", "words"), [
    (("--interval", "fortnight"), "'--interval'"),
    (("--since", "soon"), "'--since'"),
])
def test_growth_refuses_a_bad_interval_or_date_naming_the_option(
        store_env: str, args: tuple[str, ...], words: str) -> None:
    run("demo", "--size", "200")
    result = run("growth", "demo", *args, code=EXIT_USAGE)
    assert words in result.output


def test_growth_of_a_day_to_come_or_an_unknown_map_is_a_plain_error(store_env: str) -> None:
    run("demo", "--size", "200")
    later = date.fromordinal(date.today().toordinal() + 5).isoformat()
    assert "since" in run("growth", "demo", "--since", later, code=EXIT_ERROR).output
    assert "nowhere" in run("growth", "nowhere", code=EXIT_ERROR).output
