"""The benchmark command (bench/): a smoke run at tiny sizes writes the JSON other tools read.

Speed is never asserted here: only that the run completes, that every figure the report
promises is there, and that the baselines computed the same results as ours.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(ROOT))

from bench.__main__ import main, parse_args  # noqa: E402
from bench.report import _slope  # noqa: E402

METRICS = ("core_reach", "recommended_core", "target_plan", "roles", "gaps", "analyse")
SIZE_KEYS = ("people", "ties", "generate_s", "write_csv_s", "import_s", "import_rows_per_s",
             "import_peak_rss_mib", "ours", "networkx", "ratios")
OURS_KEYS = ("load_s", "analysis", "analyse_cold_s", "load_plus_analyse_s", "peak_rss_mib",
             "analysis_peak_rss_mib", "kernels", "bfs", "igraph", "result")
IGRAPH_OPS = ("degree", "components", "spof_cut_off", "within_1_hop", "within_2_hops")
NX_OPS = ("core_reach", "recommended_core", "target_plan", "roles", "gaps",
          "single_point_of_failure")


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One quick run in this process: 300 and 600 people, networkx built only for the first."""
    out = tmp_path_factory.mktemp("bench") / "latest.json"
    code = main(["--quick", "--in-process", "--sizes", "300,600", "--nx-max-ties", "4000",
                 "--out", str(out)])
    assert code == 0
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def test_quick_run_writes_json_with_the_expected_keys(quick: dict[str, Any]) -> None:
    assert quick["schema"] == 1
    for key in ("commit", "machine", "options", "sizes", "slopes", "targets", "table"):
        assert key in quick, key
    assert len(quick["commit"]["commit"]) == 40
    assert [s["people"] for s in quick["sizes"]] == [300, 600]
    for size in quick["sizes"]:
        assert size["ties"] == size["people"] * 10
        for key in SIZE_KEYS:
            assert key in size, key
        ours = size["ours"]
        for key in OURS_KEYS:
            assert key in ours, key
        for metric in METRICS:
            assert ours["analysis"][metric]["median_s"] > 0, metric
        assert set(ours["igraph"]["ops"]) == set(IGRAPH_OPS)
        assert set(size["networkx"]["ops"]) >= set(NX_OPS)
        assert math.isfinite(size["ratios"]["analysis_over_bfs"])
        assert math.isfinite(size["ratios"]["networkx_over_ours"])
    assert "analyse" in quick["slopes"]


def test_baselines_compute_what_we_compute(quick: dict[str, Any]) -> None:
    first = quick["sizes"][0]
    assert first["networkx"]["agrees"] == {"core_reach": True, "greedy_first_additions": True}
    for size in quick["sizes"]:
        assert all(size["ours"]["igraph"]["agrees"].values()), size["ours"]["igraph"]["agrees"]


def test_networkx_is_extrapolated_above_its_size_limit(quick: dict[str, Any]) -> None:
    first, second = quick["sizes"]
    assert not first["networkx"].get("extrapolated")
    assert second["networkx"]["extrapolated"] is True
    assert second["networkx"]["from_people"] == 300
    assert {op["how"] for op in second["networkx"]["ops"].values()} == {"extrapolated"}


def test_table_names_every_size_and_baseline(quick: dict[str, Any]) -> None:
    table = quick["table"]
    for text in ("300", "600", "networkx ÷ ours", "ours ÷ igraph", "one BFS pass", "slope"):
        assert text in table, text


def test_the_command_runs_each_phase_in_its_own_process(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--sizes", "200", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "people" in done.stdout and "networkx" in done.stdout
    data = json.loads(out.read_text())
    size = data["sizes"][0]
    assert size["people"] == 200
    pids = {size["pid"], size["ours"]["pid"], size["networkx"]["pid"]}
    assert len(pids) == 3


def test_a_run_without_networkx_still_reports_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    assert main(["--quick", "--in-process", "--sizes", "200", "--no-networkx",
                 "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["sizes"][0]["networkx"] is None
    assert "networkx" not in data["table"].split("python-igraph")[0].split("limit:")[1]
    assert "ours ÷ igraph" in data["table"]


def test_slope_of_time_proportional_to_ties_is_one() -> None:
    assert _slope([1e4, 1e5, 1e6], [0.1, 1.0, 10.0]) == pytest.approx(1.0)
    assert _slope([1e4, 1e5], [1.0, 100.0]) == pytest.approx(2.0)
    assert _slope([1e4], [1.0]) is None


def test_sizes_default_to_ten_thousand_to_a_million() -> None:
    assert parse_args([]).sizes == [10_000, 100_000, 1_000_000]
    assert parse_args(["--quick"]).sizes == [2_000, 5_000]
    assert parse_args(["--sizes", "100_000,10000"]).sizes == [10_000, 100_000]
    with pytest.raises(SystemExit):
        parse_args(["--sizes", "many"])


def test_readiness_bench_times_every_phase_and_writes_json(tmp_path: Path) -> None:
    from bench.readiness import main as readiness

    out = tmp_path / "readiness.json"
    assert readiness(["--people", "2000", "--steps", "1,2", "--reps", "1", "--out",
                      str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert [r["steps"] for r in rows] == [1, 2]
    assert all(set(r["seconds"]) == {"plans", "plans + why", "ready plans", "analyse()",
                                     "analyse() with readiness"} for r in rows)


def test_startup_benchmark_writes_every_figure_it_prints(tmp_path: Path) -> None:
    from bench import startup

    out = tmp_path / "startup.json"
    assert startup.main(["--people", "300", "--reps", "1", "--json", str(out)]) == 0
    found = json.loads(out.read_text())
    for key in ("baseline_python_s", "help", "list", "analyse", "load_and_analyse"):
        assert found[key]["median_s"] > 0, key
    assert set(found["ratios_to_python"]) == {"help", "list", "analyse", "analyse_beyond"}
    assert set(found["targets_met"]) == {"help", "list", "analyse_beyond"}
    assert set(found["targets_met_in_processor_time"]) == set(found["targets_met"])
    assert found["analyse_beyond_load_and_analysis_s"] == pytest.approx(
        found["analyse"]["median_s"] - found["load_and_analyse"]["median_s"])
    assert found["load_and_analyse"]["without_imports_median_s"] < found[
        "load_and_analyse"]["median_s"]


def test_growth_bench_times_the_series_against_one_as_of_analysis(tmp_path: Path) -> None:
    from bench.growth import main as growth

    out = tmp_path / "growth.json"
    assert growth(["--people", "2000", "--reps", "1", "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["points"] == 24 and result["people"] == 2000
    assert result["series_ratio"] == pytest.approx(
        result["series"]["median_s"] / result["as_of_analysis"]["median_s"])
    assert {"forest_ratio", "series_met", "forest_met", "commit", "machine"} <= set(result)
