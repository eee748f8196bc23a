"""The purpose benchmark runs on a small map and reports the board page beside the board (the
figures themselves are measured by ``python -m bench.purpose``, never asserted)."""

from __future__ import annotations

from bench.purpose import PAGE_TARGET_S, run, table


def test_purpose_bench_renders_the_board_page_and_reports_it_against_its_target() -> None:
    result = run(1_000, 5, reps=1, contributions=300)
    assert result["page"]["bytes"] > 10_000 and result["page"]["median_s"] > 0
    assert result["board_and_page_s"] == result["board"]["median_s"] + result["page"][
        "median_s"]
    assert result["page_target_s"] == PAGE_TARGET_S
    assert "render its page (HTML)" in table(result)
