"""The formats benchmark runs end to end on a small map and writes every figure it prints."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench import formats


def test_formats_benchmark_writes_json_with_the_ratio(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "formats.json"
    assert formats.main(["--people", "400", "--reps", "1", "--out", os.fspath(out)]) == 0
    result = json.loads(out.read_text())
    assert result["people"] == 400 and result["ties"] > 0
    assert result["ratio"] == pytest.approx(result["xlsx_import_s"] / result["csv_import_s"])
    assert result["meets_target"] == (result["ratio"] <= result["target_ratio"])
    assert "Excel ÷ CSV" in capsys.readouterr().out
