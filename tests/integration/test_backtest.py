"""Backtest on CollegeMsg (``commsim calibrate holdout_days=133``): the twin against naive.

Fits on days 0-60 (the first term's rise and peak) and forecasts days 61-193 from the
observed state on day 60. The naive forecasts' errors are recomputed here from
``series.csv``'s observed columns, independently of ``experiments.calibration.backtest``.
Needs ``../shared/data`` (skipped without it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import DATA

COMMSIM = [sys.executable, "-m", "experiments.cli"]
HOLDOUT = 133


@pytest.fixture(scope="module")
def backtest_133(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default calibration of CollegeMsg with the last 133 days held out."""
    if not DATA.is_dir():
        pytest.skip(f"shared data folder {DATA} is absent (the real data sets live there)")
    out = tmp_path_factory.mktemp("backtest")
    proc = subprocess.run(
        [
            *COMMSIM,
            "calibrate",
            f"data={DATA / 'CollegeMsg.txt.gz'}",
            f"holdout_days={HOLDOUT}",
            f"hydra.run.dir={out}",
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.slow
def test_naive_forecasts_match_their_definition(backtest_133: Path) -> None:
    report = json.loads((backtest_133 / "calibration.json").read_text())
    frame = pd.read_csv(backtest_133 / "series.csv")
    cut = report["fit_days"]
    assert cut == 194 - HOLDOUT and report["backtest"]["cut_day"] == cut - 1
    for series in ("new_users", "active_users"):
        observed = frame[f"observed_{series}"].to_numpy()
        fitted, held = observed[:cut], observed[cut:]
        flat = np.full(HOLDOUT, fitted[-28:].mean())
        weekday = np.array([fitted[cut - 28 + (h % 28)] for h in range(HOLDOUT)])
        row = report["holdout"][series]
        assert row["naive_mean"]["mae"] == pytest.approx(np.mean(np.abs(flat - held)))
        assert row["naive_seasonal"]["mae"] == pytest.approx(np.mean(np.abs(weekday - held)))
        model = frame[f"model_{series}"].to_numpy()[cut:]
        assert row["model"]["mae"] == pytest.approx(np.mean(np.abs(model - held)), rel=1e-4)


@pytest.mark.slow
def test_model_beats_both_naive_forecasts_on_active_users(backtest_133: Path) -> None:
    """Issue target: the model's MAE on daily active users is below both naive ones."""
    row = json.loads((backtest_133 / "calibration.json").read_text())["holdout"]["active_users"]
    mae = {m: row[m]["mae"] for m in ("model", "naive_mean", "naive_seasonal")}
    assert mae["model"] < mae["naive_mean"] and mae["model"] < mae["naive_seasonal"], mae
    assert row["beats_naive_mae"]
