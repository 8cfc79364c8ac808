"""Backtesting (``commsim calibrate holdout_days=H``): forecast the hold-out from the cut.

The fit sees days ``0 .. cut`` (``cut = T - H - 1``). The backtest then starts the model
from the community as observed on the cut (the state ``as_of=cut`` would write as
``start.parquet``: :func:`experiments.calibration.observed.fitted_state`, its hidden part
drawn from the fitted run) with the fitted parameters, day 0 dated on the cut (so the
fitted weekly levels go on from there), runs ``H`` days on each of the final seeds (common
random numbers) and takes the mean. Against it stand two naive forecasts that know only
the fitted days:

- ``naive_mean``: the mean of the last 28 observed days, held flat;
- ``naive_seasonal``: the same weekday four weeks back: the forecast for day ``t`` is the
  observed value on ``t - 28`` (beyond 28 days, the forecast itself).

Cumulative users are never forecast by themselves: every method adds its forecast new
users to the last observed cumulative value, so the three are compared on equal terms.
Each method's error per series is ``mae``, ``rmse`` and ``bias`` (forecast minus observed,
mean) over the ``H`` hold-out days.

The population of the forecast: the people seen by the cut are in the state; the market
beyond them is the fit's own estimate of the prospects left on the cut (the fitted
``community.n`` minus the people the fitted runs had reached by then, at least one), so
``community.n`` of the forecast is the people of the state plus that remainder, whether
or not the fitted ``community.n`` is larger than the people seen.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.fit import Problem, Simulator
from experiments.calibration.history import History
from experiments.calibration.observed import fitted_state, write_start
from experiments.calibration.series import DAILY, Series, observed, r2
from experiments.calibration.simulate import active_people, with_values
from sim.errors import ConfigError
from sim.model import CommunityModel
from sim.runner import model_from_config

#: days of the naive mean forecast's window, and the naive seasonal forecast's lag
NAIVE_DAYS = 28
METHODS = ("model", "naive_mean", "naive_seasonal")
DEFINITIONS = {
    "model": "the fitted model started from the observed state on the cut (mean of the runs)",
    "naive_mean": f"the mean of the last {NAIVE_DAYS} observed days, held flat",
    "naive_seasonal": (
        f"the value {NAIVE_DAYS} days earlier (same weekday four weeks back; the forecast "
        "itself beyond that)"
    ),
    "replay": "the fitted model run from the log's first day, continued past the cut",
}


def naive_mean(observed: np.ndarray, horizon: int, window: int = NAIVE_DAYS) -> np.ndarray:
    """The mean of the last ``window`` observed values (all of them if fewer), held flat."""
    tail = np.asarray(observed, dtype=float)[-window:]
    return np.full(horizon, float(tail.mean()) if len(tail) else 0.0)


def naive_seasonal(observed: np.ndarray, horizon: int, lag: int = NAIVE_DAYS) -> np.ndarray:
    """Seasonal naive forecast: day ``t`` gets the value of day ``t - lag``.

    Beyond ``lag`` days the forecast repeats itself. With fewer than ``lag`` observed days,
    the lag is the largest whole number of weeks observed (the same weekday), at least 1.
    """
    y = np.asarray(observed, dtype=float)
    lag = min(lag, len(y))
    if lag >= 7:
        lag -= lag % 7
    if lag < 1:
        return np.zeros(horizon)
    season = y[len(y) - lag :]
    return np.resize(season, horizon).astype(float)


def accumulate(new: np.ndarray, last: float) -> np.ndarray:
    """Cumulative users from forecast new users, starting from the last observed value."""
    return float(last) + np.cumsum(np.asarray(new, dtype=float))


def errors(observed: np.ndarray, forecast: np.ndarray) -> dict[str, float]:
    """``mae``, ``rmse`` and ``bias`` (mean of forecast minus observed) of a forecast."""
    e = np.asarray(forecast, dtype=float) - np.asarray(observed, dtype=float)
    return {
        "mae": float(np.mean(np.abs(e))),
        "rmse": float(np.sqrt(np.mean(e**2))),
        "bias": float(np.mean(e)),
    }


def naive_forecasts(fitted: Mapping[str, np.ndarray], horizon: int) -> dict[str, dict]:
    """Both naive forecasts of every daily series from the fitted days' observed series.

    Args:
        fitted: observed ``new_users``, ``active_users`` and ``cumulative_users`` over the
            fitted days (day 0 first).
        horizon: days to forecast.
    """
    out = {}
    for name, rule in (("naive_mean", naive_mean), ("naive_seasonal", naive_seasonal)):
        new = rule(fitted["new_users"], horizon)
        out[name] = {
            "new_users": new,
            "active_users": rule(fitted["active_users"], horizon),
            "cumulative_users": accumulate(new, fitted["cumulative_users"][-1]),
        }
    return out


def model_forecast(runs: Sequence[Mapping[str, np.ndarray]], last: float) -> dict[str, np.ndarray]:
    """The model's forecast: the mean of runs from the cut (:func:`forecast_run`), with
    cumulative users from the last observed value."""
    new = np.mean([r["new_users"] for r in runs], axis=0)
    return {
        "new_users": new,
        "active_users": np.mean([r["active_users"] for r in runs], axis=0),
        "cumulative_users": accumulate(new, last),
    }


def forecast_run(
    plain: Mapping[str, Any], seed: int, horizon: int, active: str
) -> dict[str, np.ndarray]:
    """One run of ``horizon`` days from the start state of ``plain`` (``start.path``).

    Returns:
        ``new_users`` and ``active_users`` on days ``1 .. horizon`` of the run (day 0 is
        the cut), active users counted as the calibration counts them (``active``).
    """
    cfg = with_values(
        plain,
        {"seed": int(seed), "days": horizon, "run.progress": "off", "run.handles": "off"},
    )
    model = model_from_config(cfg)
    new, act = np.zeros(horizon + 1), np.zeros(horizon + 1)

    def observe(m: CommunityModel) -> None:
        new[m.day] = m.today.new_members
        act[m.day] = len(active_people(m, active))

    model.run(days=horizon, on_day=observe)
    return {"new_users": new[1:], "active_users": act[1:]}


def holdout_table(
    actual: Mapping[str, np.ndarray], forecasts: Mapping[str, Mapping[str, np.ndarray]]
) -> dict[str, dict[str, Any]]:
    """``calibration.json["holdout"]``: per series, each method's errors.

    The model's ``mae``, ``rmse``, ``bias``, ``r2`` and the days ``n`` also stand at the top
    of each series (as before backtesting), with ``beats_naive_mae``: whether the model's
    MAE is below both naive forecasts'.
    """
    table: dict[str, dict[str, Any]] = {}
    for series in DAILY:
        y = actual[series]
        row = {m: errors(y, f[series]) for m, f in forecasts.items() if series in f}
        naive = [m for m in row if m.startswith("naive")]
        table[series] = {
            **row["model"],
            "r2": r2(y, forecasts["model"][series]),
            "n": len(y),
            "beats_naive_mae": all(row["model"]["mae"] < row[m]["mae"] for m in naive),
            **row,
        }
    return table


@dataclass(frozen=True)
class Backtest:
    """What the backtest forecast and how, for the report and the plot."""

    cut: int
    forecasts: dict[str, dict[str, np.ndarray]]
    record: dict[str, Any]
    table: dict[str, dict[str, Any]]

    @property
    def days(self) -> np.ndarray:
        """The log days of the hold-out."""
        n = len(next(iter(self.forecasts["model"].values())))
        return np.arange(self.cut + 1, self.cut + 1 + n)


def forecast_size(fitted_n: float, reached: float, people: int) -> int:
    """``community.n`` of the forecast: the people of the state plus the fit's remaining
    market on the cut (fitted population minus the people the fit had reached; >= 1)."""
    return int(people + max(1, round(float(fitted_n) - float(reached))))


def check_room(size: int | None, users: int) -> None:
    """A graph file must hold someone beyond the people seen by the cut (the forecast's
    market); generated communities are sized by :func:`forecast_size`.

    Raises:
        ConfigError: on ``community.path`` when the graph holds no one else.
    """
    if size is not None and size <= users:
        raise ConfigError(
            "community.path",
            size,
            f"the hold-out forecast starts from the {users:,} people seen by the cut and "
            "the graph holds no one else; give a graph with the market beyond them "
            "(or leave holdout_days out)",
        )


def backtest(
    problem: Problem,
    history: History,
    sim: Simulator,
    values: Mapping[str, Any],
    replay: Series,
    seeds: Sequence[int],
) -> Backtest:
    """Forecast the hold-out from the observed state on the cut; score it and the naives.

    Args:
        problem: the fit problem (its window ends on the cut).
        history: the whole log.
        sim: the calibration's simulator.
        values: the fitted values.
        replay: the fitted model's runs over the whole log, from its first day.
        seeds: the seeds of the forecast's runs (the final seeds), averaged.
    """
    cut, horizon = problem.n_days - 1, problem.settings.holdout_days
    frame = fitted_state(problem, history, values, cut)
    plain = with_values(problem.base, values)
    record: dict[str, Any] = {"cut_day": cut, "people": len(frame), "seeds": list(seeds)}
    if problem.size is None:
        fitted_n = float(values.get("community.n", plain["community"]["n"]))
        reached = float(replay.daily["cumulative_users"][cut])
        n = forecast_size(fitted_n, reached, len(frame))
        plain = with_values(plain, {"community.n": n})
        record.update(community_n=n, community_n_fitted=fitted_n, reached_at_cut=reached)
    with tempfile.TemporaryDirectory(prefix="commsim-backtest-") as tmp:
        path = Path(tmp) / "start.parquet"
        write_start(path, frame)
        cut_date = (history.start + pd.Timedelta(days=cut)).date().isoformat()
        # day 0 of the forecast is the cut: dated drivers and the fitted levels go on from it
        config = with_values(plain, {"start.path": str(path), "drivers.start_date": cut_date})
        active = problem.settings.active
        runs = sim.pool.map(forecast_run, [(config, s, horizon, active) for s in seeds])
    sim.runs += len(runs)
    fitted = {k: v[: cut + 1] for k, v in problem.obs.daily.items()}
    full = observed(history)
    actual = {k: full.daily[k][cut + 1 :] for k in DAILY}
    forecasts = {
        "model": model_forecast(runs, fitted["cumulative_users"][-1]),
        **naive_forecasts(fitted, horizon),
    }
    table = holdout_table(actual, {**forecasts, "replay": _tail(replay, cut)})
    record["methods"] = DEFINITIONS
    return Backtest(cut, forecasts, record, table)


def _tail(run: Series, cut: int) -> dict[str, np.ndarray]:
    return {k: run.daily[k][cut + 1 :] for k in DAILY}


__all__ = [
    "DEFINITIONS",
    "METHODS",
    "NAIVE_DAYS",
    "Backtest",
    "accumulate",
    "errors",
    "forecast_size",
    "holdout_table",
    "model_forecast",
    "naive_forecasts",
    "naive_mean",
    "naive_seasonal",
    "backtest",
    "forecast_run",
    "check_room",
]
