"""The series a calibration compares, observed and simulated, and the loss between them.

Each series runs over days ``1 .. n_days - 1`` (day 0 is the starting point: the people
seen on the first day are the simulation's initial members). Retention is compared cell
by cell: cohort week ``c`` at age ``a`` weeks, for the observed cohorts of at least
``min_cohort`` people, each cell weighted by its cohort's size ``n_c`` (the share of a
cohort of ``n`` people is known to a variance of about ``s (1 - s) / n``: a cohort of 12
people who happen to be 2 or 0 in a quiet week moves the unweighted R^2 as much as a
cohort of 260; the unweighted R^2 is reported beside it, ``r2_unweighted``).

The loss is a weighted sum, over the series, of the sum of squared errors divided by the
observed series' sum of squares about its mean::

    loss = sum_s  w_s * sum_t (sim_st - obs_st)^2 / sum_t (obs_st - mean_t obs_st)^2
         = sum_s  w_s * (1 - R^2_s)
           (retention: both sums weighted by cohort size, the mean too)
         + w_peak * ((simulated peak day - observed peak day) / 7)^2

so every series counts on the same scale whatever its units (people per day, people,
shares), and a perfect fit scores 0. The last term (series ``active_peak``) is a pattern
rather than a series: when activity peaks (the first day of the largest number of active
users, days 1 onwards) matters to a strategist, and the squared errors of a noisy plateau
hardly pin it down; a week off costs as much as an R^2 of 0 on a series of weight
``w_peak``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.calibration.history import History, cohort_counts, daily_series, retention_table

DAILY = ("new_users", "active_users", "cumulative_users")
SERIES = (*DAILY, "retention", "active_peak")
#: days of error in the active-users peak that cost as much as an R^2 of 0 on a series
PEAK_DAYS = 7.0


@dataclass(frozen=True)
class Series:
    """Daily series (index = day, from 0) and weekly-cohort retention counts.

    Attributes:
        daily: name -> array over days ``0 .. n_days - 1`` (simulated: mean of replications).
        sizes: people first seen (joined) in each whole week.
        active: ``active[c, w]``: of cohort ``c``, people active in week ``w``.
    """

    daily: dict[str, np.ndarray]
    sizes: np.ndarray
    active: np.ndarray

    @property
    def n_days(self) -> int:
        """Days covered, day 0 included."""
        return len(self.daily["cumulative_users"])

    def retention(self) -> pd.DataFrame:
        """Retention by cohort and age (``calibration.history.cohort_retention``)."""
        return retention_table(self.sizes, self.active)


def observed(history: History, n_days: int | None = None) -> Series:
    """The observed series of the first ``n_days`` days of a log."""
    frame = daily_series(history, n_days)
    sizes, active = cohort_counts(history, n_days)
    return Series({k: frame[k].to_numpy(dtype=float) for k in DAILY}, sizes, active)


def average(runs: Sequence[Series]) -> Series:
    """Replications combined: daily series averaged, retention counts pooled."""
    daily = {k: np.mean([r.daily[k] for r in runs], axis=0) for k in DAILY}
    return Series(
        daily, np.sum([r.sizes for r in runs], axis=0), np.sum([r.active for r in runs], axis=0)
    )


def retention_cells(obs: Series, min_cohort: int) -> np.ndarray:
    """(cohort, week) cells of the observed retention used in the loss."""
    n_weeks = len(obs.sizes)
    return np.array(
        [
            (c, w)
            for c in range(n_weeks)
            if obs.sizes[c] >= min_cohort
            for w in range(c + 1, n_weeks)
        ],
        dtype=np.int64,
    ).reshape(-1, 2)


Pairs = dict[str, tuple[np.ndarray, ...]]


def vectors(obs: Series, sim: Series, days: slice, cells: np.ndarray) -> Pairs:
    """Observed and simulated values of each series over ``days``; for the retention
    cells a third array, the weight of each cell (its cohort's observed size)."""
    out: Pairs = {k: (obs.daily[k][days], sim.daily[k][days]) for k in DAILY}
    a, b = out["active_users"][:2]
    out["active_peak"] = (np.array([float(np.argmax(a))]), np.array([float(np.argmax(b))]))
    if len(cells):
        c, w = cells[:, 0], cells[:, 1]
        share_obs = obs.active[c, w] / np.maximum(obs.sizes[c], 1)
        share_sim = sim.active[c, w] / np.maximum(sim.sizes[c], 1)
        out["retention"] = (share_obs, share_sim, obs.sizes[c].astype(float))
    return out


def r2(y: np.ndarray, yhat: np.ndarray, weight: np.ndarray | None = None) -> float:
    """Coefficient of determination ``1 - SSE / SST`` (NaN when SST is 0); with ``weight``,
    both sums and the mean weighted."""
    sse, sst = _sums(y, yhat, weight)
    return float("nan") if sst == 0 else 1.0 - sse / sst


def _sums(y: np.ndarray, yhat: np.ndarray, weight: np.ndarray | None = None) -> tuple[float, float]:
    """(SSE, SST), weighted when ``weight`` is given."""
    w = np.ones(len(y)) if weight is None else weight
    mean = float(np.sum(w * y) / max(float(np.sum(w)), 1e-12))
    return float(np.sum(w * (yhat - y) ** 2)), float(np.sum(w * (y - mean) ** 2))


def rmse(y: np.ndarray, yhat: np.ndarray) -> float:
    """Root mean squared error."""
    return float(np.sqrt(np.mean((yhat - y) ** 2)))


def loss(pairs: Pairs, weights: Mapping[str, float]) -> float:
    """The calibration loss: ``sum_s w_s * SSE_s / SST_s`` (see the module docstring)."""
    total = 0.0
    for name, w in weights.items():
        if w == 0 or name not in pairs:
            continue
        y, yhat = pairs[name][:2]
        if name == "active_peak":
            total += w * float((yhat[0] - y[0]) / PEAK_DAYS) ** 2
            continue
        sse, sst = _sums(*pairs[name])
        total += w * sse / max(sst, 1e-12)
    return total


def fit_table(pairs: Pairs) -> dict[str, dict[str, float]]:
    """Per series: ``r2``, ``rmse``, ``mae``, ``bias`` (mean of simulated minus observed);
    for weighted cells (retention) ``r2`` is weighted and ``r2_unweighted`` is not."""
    out: dict[str, dict[str, float]] = {}
    for name, pair in pairs.items():
        if name == "active_peak":
            continue
        y, yhat = pair[:2]
        out[name] = {
            "r2": r2(*pair),
            "rmse": rmse(y, yhat),
            "mae": float(np.mean(np.abs(yhat - y))),
            "bias": float(np.mean(yhat - y)),
            "n": int(len(y)),
        }
        if len(pair) > 2:
            out[name]["r2_unweighted"] = r2(y, yhat)
    return out
