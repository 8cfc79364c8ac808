"""Backtesting (experiments.calibration.backtest): naive forecasts and errors, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from experiments.calibration.backtest import (
    accumulate,
    check_room,
    errors,
    forecast_size,
    holdout_table,
    model_forecast,
    naive_forecasts,
    naive_mean,
    naive_seasonal,
)
from sim.errors import ConfigError


def test_naive_mean_holds_the_last_28_days_flat() -> None:
    y = np.arange(1.0, 31.0)  # 1 .. 30: the last 28 are 3 .. 30, mean 16.5
    assert naive_mean(y, 3).tolist() == [16.5, 16.5, 16.5]
    assert naive_mean(np.array([2.0, 4.0]), 2).tolist() == [3.0, 3.0]  # fewer days: all


def test_naive_seasonal_repeats_four_weeks_back() -> None:
    y = np.arange(30.0)  # day t holds t
    f = naive_seasonal(y, 30)
    # day 30 gets day 2, ..., day 57 gets day 29; day 58 gets the forecast of day 30 (2)
    assert f[:28].tolist() == list(range(2, 30))
    assert f[28:].tolist() == [2.0, 3.0]
    assert naive_seasonal(y, 1).tolist() == [2.0]


def test_naive_seasonal_with_fewer_than_28_days_keeps_the_weekday() -> None:
    y = np.arange(20.0)  # 20 days: the lag is two whole weeks (14), day 20 gets day 6
    assert naive_seasonal(y, 3).tolist() == [6.0, 7.0, 8.0]


def test_errors_by_hand() -> None:
    # errors (forecast - observed): 1, 0, 2, -4
    e = errors(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 2.0, 5.0, 0.0]))
    assert e["mae"] == pytest.approx(7 / 4)
    assert e["rmse"] == pytest.approx(math.sqrt(21 / 4))
    assert e["bias"] == pytest.approx(-1 / 4)


def test_cumulative_accumulates_forecast_new_users() -> None:
    assert accumulate(np.array([1.0, 2.0, 3.0]), 10).tolist() == [11.0, 13.0, 16.0]
    fitted = {
        "new_users": np.array([4.0] * 27 + [8.0]),  # 28 days: mean (27 * 4 + 8) / 28 = 116 / 28
        "active_users": np.arange(28.0),
        "cumulative_users": np.cumsum([4.0] * 27 + [8.0]),  # ends at 116
    }
    out = naive_forecasts(fitted, 2)
    assert out["naive_mean"]["new_users"].tolist() == [116 / 28] * 2
    assert out["naive_mean"]["cumulative_users"].tolist() == pytest.approx(
        [120.14285714, 124.28571429]
    )
    assert out["naive_seasonal"]["new_users"].tolist() == [4.0, 4.0]  # days 0 and 1
    assert out["naive_seasonal"]["cumulative_users"].tolist() == [120.0, 124.0]
    assert out["naive_seasonal"]["active_users"].tolist() == [0.0, 1.0]
    assert out["naive_mean"]["active_users"].tolist() == [13.5, 13.5]


def test_model_forecast_averages_the_runs_and_accumulates() -> None:
    runs = [
        {"new_users": np.array([1.0, 2.0, 3.0]), "active_users": np.array([4.0, 5.0, 6.0])},
        {"new_users": np.array([3.0, 2.0, 1.0]), "active_users": np.array([6.0, 5.0, 8.0])},
    ]
    f = model_forecast(runs, 100.0)
    assert f["new_users"].tolist() == [2.0, 2.0, 2.0]
    assert f["active_users"].tolist() == [5.0, 5.0, 7.0]
    assert f["cumulative_users"].tolist() == [102.0, 104.0, 106.0]


def test_holdout_table_compares_the_model_with_both_naives() -> None:
    actual = {k: np.array([10.0, 10.0]) for k in ("new_users", "active_users", "cumulative_users")}
    forecasts = {
        "model": {k: np.array([11.0, 9.0]) for k in actual},  # MAE 1, bias 0
        "naive_mean": {k: np.array([12.0, 12.0]) for k in actual},  # MAE 2, bias +2
        "naive_seasonal": {k: np.array([10.0, 10.5]) for k in actual},  # MAE 0.25
    }
    table = holdout_table(actual, forecasts)
    row = table["active_users"]
    assert row["mae"] == row["model"]["mae"] == 1.0 and row["rmse"] == 1.0 and row["n"] == 2
    assert row["naive_mean"] == {"mae": 2.0, "rmse": 2.0, "bias": 2.0}
    assert row["naive_seasonal"]["mae"] == 0.25
    assert row["beats_naive_mae"] is False  # the seasonal naive forecast is closer
    forecasts["naive_seasonal"] = forecasts["naive_mean"]
    assert holdout_table(actual, forecasts)["new_users"]["beats_naive_mae"] is True


def test_forecast_size_keeps_the_fits_remaining_market() -> None:
    # fitted 1,902 people, 1,880.4 reached by the cut: 22 left beyond the 1,873 seen
    assert forecast_size(1902, 1880.4, 1873) == 1895
    # the fit had reached everyone: still one prospect beyond the people seen
    assert forecast_size(1873, 1880.0, 1873) == 1874


def test_a_graph_without_room_beyond_the_people_seen_fails() -> None:
    check_room(None, 500)
    check_room(501, 500)
    with pytest.raises(ConfigError) as err:
        check_room(500, 500)
    assert err.value.key == "community.path"
