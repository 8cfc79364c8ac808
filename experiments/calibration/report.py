"""What a calibration reports: ``calibration.json``, ``calibration.png`` and ``series.csv``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.backtest import Backtest
from experiments.calibration.fit import Problem, Restart
from experiments.calibration.series import DAILY, Series, fit_table, vectors
from sim.io import write_csv

LOSS = (
    "sum over series s of w_s * SSE_s / SST_s = sum of w_s * (1 - R^2_s), over days "
    "1..fit_days-1 (retention: cohort-week cells of cohorts >= min_cohort)"
)


def peak_day(series: np.ndarray, window: int = 1) -> int:
    """The first day of the largest value (of the centred ``window``-day mean)."""
    if window > 1:
        series = pd.Series(series).rolling(window, center=True, min_periods=1).mean().to_numpy()
    return int(np.argmax(series))


def parameters(problem: Problem, restarts: Sequence[Restart], best: int) -> dict[str, Any]:
    """Each fitted parameter: the fit, its spread across restarts, its range."""
    out = {}
    for p in problem.settings.params:
        values = np.array([r.values[p.key] for r in restarts], dtype=float)
        lo, hi = p.bounds(problem.users)
        value = restarts[best].values[p.key]
        out[p.key] = {
            "value": value,
            "mean": float(values.mean()),
            "sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
            "min": float(values.min()),
            "max": float(values.max()),
            "restarts": [r.values[p.key] for r in restarts],
            "low": lo,
            "high": hi,
            "log": p.log,
        }
    return out


def levels(problem: Problem, restarts: Sequence[Restart], best: int) -> dict[str, Any]:
    """Each fitted outside driver: its levels by time block, per restart too."""
    out = {}
    for b in problem.settings.levels:
        values = restarts[best].values
        out[b.levels] = {
            "key": b.key,
            "block_days": b.block_days,
            "start": values.get("drivers.level_start"),
            "values": values.get(b.key),
            "restarts": [r.values.get(b.key) for r in restarts],
        }
    return out


def fit_tables(
    problem: Problem, obs_full: Series, sim: Series, holdout: int
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Per series r2, rmse, mae, bias: over the fit window, and over the hold-out days."""
    fit = fit_table(vectors(problem.obs, sim, slice(1, problem.n_days), problem.cells))
    if not holdout:
        return fit, None
    days = slice(problem.n_days, obs_full.n_days)
    pairs = {
        k: v for k, v in vectors(obs_full, sim, days, np.empty((0, 2), int)).items() if k in DAILY
    }
    return fit, fit_table(pairs)


def peaks(obs_full: Series, sim: Series) -> dict[str, Any]:
    """Peak day of active users, observed and simulated (raw, and 7-day centred mean)."""
    a, b = obs_full.daily["active_users"], sim.daily["active_users"]
    return {
        "active_users": {
            "observed_day": peak_day(a),
            "simulated_day": peak_day(b),
            "observed_day_7d": peak_day(a, 7),
            "simulated_day_7d": peak_day(b, 7),
            "observed_max": float(a.max()),
            "simulated_max": float(b.max()),
        }
    }


def series_frame(
    obs_full: Series,
    sims: Sequence[Series],
    best: int,
    fit_days: int,
    backtest: Backtest | None = None,
) -> pd.DataFrame:
    """Observed and simulated (best restart) daily series, and which window each day is in.

    With a backtest, ``<method>_<series>`` columns hold each forecast over the hold-out
    (``model``, ``naive_mean``, ``naive_seasonal``; empty over the fit window).
    """
    frame = pd.DataFrame({"day": np.arange(obs_full.n_days)})
    frame["window"] = np.where(frame["day"] < fit_days, "fit", "holdout")
    for k in DAILY:
        frame[f"observed_{k}"] = obs_full.daily[k]
        frame[f"simulated_{k}"] = sims[best].daily[k]
    if backtest is not None:
        for method, forecast in backtest.forecasts.items():
            for k in DAILY:
                column = np.full(obs_full.n_days, np.nan)
                column[backtest.days] = forecast[k]
                frame[f"{method}_{k}"] = column
    return frame


def write_series(path: Path, frame: pd.DataFrame) -> None:
    """``series.csv``."""
    write_csv(path, frame, float_format="%.6g")


def plot(
    path: Path,
    obs_full: Series,
    sims: Sequence[Series],
    best: int,
    fit_days: int,
    fit: Mapping[str, Any],
    title: str,
    backtest: Backtest | None = None,
    drivers: Mapping[str, np.ndarray] | None = None,
) -> None:
    """Observed vs simulated: cumulative, new and active users, and retention by age.

    With a backtest, the three daily panels also show, over the hold-out, the model's
    forecast from the state on the cut and both naive forecasts, with their MAE. With
    fitted outside drivers (``drivers``: the daily multiplier of ``activity`` and of
    ``reach``), the active and new users panels show them on a right-hand axis.
    """
    import matplotlib

    matplotlib.use("Agg")
    from experiments.analysis.plots import plt, save_figure

    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5))
    days = np.arange(obs_full.n_days)
    names = {
        "cumulative_users": "cumulative users",
        "new_users": "new users per day",
        "active_users": "active users per day",
    }
    for ax, key in zip(axes.flat, DAILY[::-1], strict=False):
        ax.plot(days, obs_full.daily[key], color="black", lw=0.9, label="observed")
        for i, s in enumerate(sims):
            if i != best:
                ax.plot(days, s.daily[key], color="tab:orange", lw=0.6, alpha=0.5)
        ax.plot(days, sims[best].daily[key], color="tab:blue", lw=1.6, label="simulated")
        _decorate(ax, names[key], fit.get(key), fit_days, obs_full.n_days)
        if backtest is not None:
            _plot_forecasts(ax, backtest, key)
        driver = DRIVER_OF.get(key, "")
        if drivers and driver in drivers:
            _plot_driver(ax, days, drivers[driver], driver)
    _plot_retention(axes.flat[3], obs_full, sims, best, fit.get("retention"))
    axes.flat[0].legend(loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    save_figure(fig, path)  # plot_format, plot_dpi


def _decorate(
    ax: Any, name: str, stats: Mapping[str, float] | None, fit_days: int, n_days: int
) -> None:
    if fit_days < n_days:
        ax.axvspan(fit_days - 0.5, n_days - 0.5, color="grey", alpha=0.15, label="hold-out")
    if stats:
        name += f"  (R² {stats['r2']:.2f}, RMSE {stats['rmse']:.3g})"
    ax.set_title(name, fontsize=10)
    ax.set_xlabel("day")
    ax.grid(alpha=0.3)


#: the outside driver fitted to each daily series (a levels block), drawn beside it
DRIVER_OF = {"active_users": "activity", "new_users": "reach"}


def _plot_driver(ax: Any, days: np.ndarray, mult: np.ndarray, driver: str) -> None:
    """An outside driver's daily multiplier on a right-hand axis (log scale)."""
    right = ax.twinx()
    right.step(days, mult[: len(days)], where="post", color="tab:gray", lw=0.8, alpha=0.8)
    right.set_yscale("log")
    from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

    right.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    right.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    right.yaxis.set_minor_formatter(NullFormatter())
    right.set_ylabel(f"fitted outside {driver} (x)", fontsize=8, color="tab:gray")
    right.tick_params(axis="y", labelsize=7, colors="tab:gray")


#: how each forecast is drawn over the hold-out
FORECAST_STYLE = {
    "model": ("forecast from the cut", {"color": "tab:green", "lw": 1.8}),
    "naive_mean": ("naive: 28-day mean", {"color": "tab:red", "lw": 1.2, "ls": "--"}),
    "naive_seasonal": ("naive: 4 weeks back", {"color": "tab:purple", "lw": 1.0, "ls": ":"}),
}


def _plot_forecasts(ax: Any, backtest: Backtest, key: str) -> None:
    """The forecasts of one series over the hold-out, each labelled with its MAE."""
    row = backtest.table.get(key, {})
    for method, (label, style) in FORECAST_STYLE.items():
        mae = row.get(method, {}).get("mae")
        text = label if mae is None else f"{label} (MAE {mae:.3g})"
        ax.plot(backtest.days, backtest.forecasts[method][key], label=text, **style)
    ax.legend(loc="best", fontsize=7)


def _plot_retention(
    ax: Any, obs_full: Series, sims: Sequence[Series], best: int, stats: Mapping[str, float] | None
) -> None:
    def pooled(s: Series) -> pd.Series:
        t = s.retention()
        g = t.groupby("age")[["retained", "size"]].sum()
        return g["retained"] / g["size"].clip(lower=1)

    obs = pooled(obs_full)
    ax.plot(obs.index, obs.to_numpy(), "o-", color="black", ms=3, lw=0.9, label="observed")
    for i, s in enumerate(sims):
        r = pooled(s)
        style = (
            {"color": "tab:blue", "lw": 1.6}
            if i == best
            else {"color": "tab:orange", "lw": 0.6, "alpha": 0.5}
        )
        ax.plot(r.index, r.to_numpy(), **style)
    name = "retention: share of a weekly cohort active a weeks later"
    if stats:
        name += f"\n(cohort cells: R² {stats['r2']:.2f}, RMSE {stats['rmse']:.3g})"
    ax.set_title(name, fontsize=10)
    ax.set_xlabel("weeks since first seen (a)")
    ax.grid(alpha=0.3)


def format_report(report: dict[str, Any], out_dir: Path) -> str:
    """The fit and the state on ``as_of`` as a short text report."""
    lines = [
        f"calibrated to {Path(report['data']).name}: {report['days']} days, "
        f"{report['users']:,} users (fit on days 0-{report['fit_days'] - 1})",
        "",
    ]
    spread = len(report["restarts"]) > 1  # one restart: no spread to show
    head = f"{'parameter':<38}{'value':>12}"
    lines.append(head + (f"{'restarts min':>14}{'max':>12}" if spread else ""))
    for key, p in report["parameters"].items():
        row = f"{key:<38}{p['value']:>12.4g}"
        lines.append(row + (f"{p['min']:>14.4g}{p['max']:>12.4g}" if spread else ""))
    for what, lv in (report.get("levels") or {}).items():
        block = f"{lv['block_days']} days" if lv["block_days"] else "calendar month"
        shown = ", ".join(f"{v:.2g}" for v in lv["values"] or [])
        lines.append(f"{what} level by {block} from {lv['start'] or 'day 0'}: {shown}")
    lines += ["", f"{'series':<20}{'R2':>8}{'RMSE':>10}"]
    for key, f in report["fit"].items():
        lines.append(f"{key:<20}{f['r2']:>8.3f}{f['rmse']:>10.4g}")
    if report["holdout"]:
        lines += ["", *format_holdout(report["holdout"], report["holdout_days"])]
    pk = report["peaks"]["active_users"]
    folder = out_dir.resolve()
    lines += [
        "",
        f"active users peak: day {pk['observed_day']} observed, day "
        f"{pk['simulated_day']} simulated",
        f"loss {report['loss']['value']:.4g}; "
        f"{report['simulations']:,} simulations in {report['seconds']:.0f} s",
        "",
        *format_state(report["as_of"]),
        "",
        f"outputs: {folder}",
        f"from today: commsim run from={folder} days=90",
        f"baseline from the log's start: commsim run --config-dir={folder} +calibrated=calibrated",
    ]
    return "\n".join(lines)


def format_holdout(holdout: Mapping[str, Any], days: int) -> list[str]:
    """The backtest's MAE per series: the model's forecast against both naive ones."""
    lines = [
        f"hold-out: the last {days} days, forecast from the state on the cut (MAE; bias)",
        f"{'series':<20}{'model':>18}{'naive 28-day mean':>22}{'naive 4 weeks back':>22}",
    ]
    for key, row in holdout.items():
        cells = [
            f"{row[m]['mae']:.4g}; {row[m]['bias']:+.3g}" if m in row else "-"
            for m in ("model", "naive_mean", "naive_seasonal")
        ]
        lines.append(f"{key:<20}{cells[0]:>18}{cells[1]:>22}{cells[2]:>22}")
    return lines


def format_state(state: dict[str, Any]) -> list[str]:
    """The observed state on ``as_of``, in two or three lines."""
    lines = [
        f"state on {state['date']} (day {state['day']}), written as {state['file']}: "
        f"{state['members']:,} members, {state['weekly_active']:,} active in the last 7 days, "
        f"{state['monthly_active']:,} in the last 30, {state['dormant']:,} dormant; "
        f"{state['left']:,} left",
    ]
    n = state.get("community_n")
    if n is not None and n <= state["people"]:
        lines.append(
            f"note: the community (community.n={n:,}) is not larger than the {state['people']:,} "
            f"people of the state; a run from this folder needs community.n={2 * state['people']}"
            " or more (the market beyond them)"
        )
    return lines
