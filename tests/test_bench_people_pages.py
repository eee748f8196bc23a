"""The people-pages benchmark runs on a small map and reports every part against its target
(the figures themselves are measured by ``python -m bench.people_pages``, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.people_pages import PER_REQUEST, PER_REVISION, main, run, table


def test_people_pages_bench_reports_each_part_as_a_ratio_of_the_analysis(tmp_path: Path) -> None:
    result = run(2_000, 5, reps=1)
    assert result["ties"] == 10_000 and result["analyse"]["median_s"] > 0
    whens = {part["when"] for part in result["parts"].values()}
    assert whens == {"revision", "request"}
    for part in result["parts"].values():
        assert part["target"] == (PER_REVISION if part["when"] == "revision" else PER_REQUEST)
        assert part["ratio"] == part["median_s"] / result["analyse"]["median_s"]
    text = table(result)
    assert all(label in text for label in result["parts"])
    out = tmp_path / "pages.json"
    assert main(["--people", "1000", "--reps", "1", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["people"] == 1000
