"""``commsim calibrate data=PATH``: fit uncertain parameters to a community's real history.

Reads an interaction log (``experiments.calibration.history``; the same reading options
as ``commsim history``: ``format=``, ``data.actor=``, ``data.time=``, ``data.target=``,
``data.timezone=``, ``data.dayfirst=``), derives the observed daily series (new, active
and cumulative users) and retention by weekly cohort, and fits the parameters of
``configs/calibration/<name>.yaml`` so that the simulated series match them
(``experiments.calibration``: the loss, the blocks, Nelder-Mead on common random numbers,
restarts). ``holdout_days=H`` fits on all but the last H days, forecasts them from the
observed state on the cut and scores the forecast against two naive ones
(``experiments.calibration.backtest``). ``as_of=DATE`` (default: the log's last day;
with a hold-out, the last fitted day) writes the observed state on that day
(``experiments.calibration.observed``).
Outputs in the run folder: ``calibration.json`` (fitted values and their spread across
restarts, per series ``r2`` and ``rmse``, peak days, the backtest, the state on
``as_of``), ``calibration.png`` (observed vs simulated), ``series.csv``, ``start.parquet``
(the state: ``commsim run from=FOLDER`` starts from it), ``posterior.parquet`` (with
``calibration.method=abc``: the posterior sample, ``experiments.calibration.abc``), and the
baseline for what-ifs from the log's start, ``calibrated.yaml`` (``commsim run
--config-dir=FOLDER +calibrated=calibrated``) and ``calibrated.args`` (the same as
overrides). See docs/calibration.md.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import DictConfig

from experiments.calibration.abc import Posterior, fit_abc
from experiments.calibration.backtest import Backtest, backtest, check_room
from experiments.calibration.baseline import baseline, write_baseline
from experiments.calibration.fit import Problem, Simulator, evaluate, fit_all, start_values
from experiments.calibration.history import History, read_history
from experiments.calibration.observed import as_of_day, write_state
from experiments.calibration.posterior import add_posterior, format_posterior
from experiments.calibration.report import (
    LOSS,
    fit_tables,
    format_report,
    levels,
    parameters,
    peaks,
    plot,
    series_frame,
    write_series,
)
from experiments.calibration.series import observed
from experiments.calibration.settings import CALIBRATE_KEYS, MIN_FIT_DAYS, Settings, parse_settings
from experiments.calibration.simulate import with_values
from sim.drivers import daily_multipliers
from sim.drivers_check import parse_drivers
from sim.errors import ConfigError
from sim.io import write_json
from sim.runner import check as check_simulation
from sim.runner import to_plain


def prepare(cfg: DictConfig) -> tuple[Problem, History]:
    """Check everything and build the fit problem, before any simulation.

    Raises:
        ConfigError: for a bad log (key ``data``), a hold-out leaving too few days, a bad
            calibration section, or a simulation setting the model rejects.
    """
    settings = parse_settings(cfg)
    _refuse_start(cfg)
    history = read_history(settings.log.path, **settings.log.reading())
    if history.n_days < MIN_FIT_DAYS:
        raise ConfigError(
            "data",
            settings.log.path,
            f"the log covers {history.n_days} days; "
            f"calibration needs at least {MIN_FIT_DAYS} (two whole weeks)",
        )
    fit_days = history.n_days - settings.holdout_days
    if fit_days < MIN_FIT_DAYS:
        raise ConfigError(
            "holdout_days",
            settings.holdout_days,
            f"the log covers "
            f"{history.n_days} days and the fit needs {MIN_FIT_DAYS}; use "
            f"holdout_days <= {history.n_days - MIN_FIT_DAYS}",
        )
    as_of_day(settings.as_of, history, fit_days - 1)  # a day outside the log fails here
    obs = observed(history, fit_days)
    users = int(obs.daily["cumulative_users"][-1])
    start_date = history.start.date().isoformat()
    base = simulation_config(cfg, int(obs.daily["new_users"][0]), fit_days, start_date)
    size = graph_size(base, users)
    if size is not None:  # the graph file fixes the population: community.n is not fitted
        blocks = tuple(
            dataclasses.replace(b, params=tuple(p for p in b.params if p.key != "community.n"))
            for b in settings.blocks
        )
        settings = dataclasses.replace(
            settings, blocks=tuple(b for b in blocks if b.params or b.levels)
        )
    _check_ranges(base, settings, users)
    if settings.holdout_days:
        check_room(size, users)
    return Problem(base, obs, users, settings, size=size), history


def _refuse_start(cfg: DictConfig) -> None:
    """The fit replays the log from its first day: a start state has no place in it."""
    start = cfg.get("start") or {}
    for key in ("path", "members"):
        if start.get(key):
            raise ConfigError(
                f"start.{key}",
                start.get(key),
                "calibrate simulates the log from its first day; leave start.* out "
                "(as_of=DATE writes the state of a day of the log as start.parquet)",
            )


def simulation_config(
    cfg: DictConfig, initial_members: int, fit_days: int, start_date: str | None = None
) -> dict[str, Any]:
    """The plain simulation config: the command's keys removed, the log's start set (its
    people on the first day, its length and, for dated outside drivers, its first date)."""
    plain = {k: v for k, v in to_plain(cfg).items() if k not in CALIBRATE_KEYS}
    dated = {} if start_date is None else {"drivers.start_date": start_date}
    plain = with_values(
        plain,
        {
            **dated,
            "initial_members": initial_members,
            "days": fit_days - 1,
            "run.progress": "off",
            "run.handles": "off",
        },
    )
    check_simulation(plain)
    community = plain["community"]
    if community.get("kind") == "file":  # the baseline is used from other folders
        community["path"] = str(Path(community["path"]).expanduser().resolve())
    return plain


def graph_size(base: dict[str, Any], users: int) -> int | None:
    """The people in a graph file (None for generated graphs), at least the log's users."""
    if base["community"]["kind"] != "file":
        return None
    from sim.graphs import load_graph

    n = load_graph(base["community"]["path"], fmt=base["community"].get("format")).n
    if n < users:
        raise ConfigError(
            "community.path",
            base["community"]["path"],
            f"the graph has {n} "
            f"people but the log has {users} users; give a graph holding "
            "everyone in the log (or use the default community)",
        )
    return int(n)


def _check_ranges(base: dict[str, Any], settings: Settings, users: int) -> None:
    """Every fitted key exists and both ends of its range are valid settings."""
    for b in settings.blocks:
        for p in b.params:
            where = f"calibration.blocks.{b.name}.parameters.{p.key}"
            node: Any = base
            for part in p.key.split("."):
                if not isinstance(node, dict) or part not in node:
                    raise ConfigError(
                        where,
                        p.key,
                        "no such key in the simulation config; see `commsim run --cfg job`",
                    )
                node = node[part]
            for end, value in zip(
                ("low", "high"), (p.value(0, users), p.value(1, users)), strict=True
            ):
                try:
                    check_simulation(with_values(base, {p.key: value}))
                except ConfigError as exc:
                    raise ConfigError(f"{where}.{end}", value, exc.fix) from None


def calibrate(cfg: DictConfig, out_dir: Path, overrides: Sequence[str]) -> dict[str, Any]:
    """Fit, score, and write every output into ``out_dir``; returns the report."""
    clock = time.perf_counter()
    problem, history = prepare(cfg)
    s = problem.settings
    sim = Simulator(s.executor, s.workers)
    restarts, posterior = fit_parameters(problem, sim)
    final_seeds = [s.seed + i for i in range(s.final_reps)]
    sims = evaluate(problem, sim, [r.values for r in restarts], final_seeds, history.n_days)
    for r, series in zip(restarts, sims, strict=True):
        r.final_loss = problem.loss(series, s.weights)
    best = int(np.argmin([r.final_loss for r in restarts]))
    obs_full = observed(history)
    fit, holdout = fit_tables(problem, obs_full, sims[best], s.holdout_days)
    values = restarts[best].values
    bt = _backtest(problem, history, sim, values, sims[best], final_seeds)
    holdout = bt.table if bt else holdout
    groups, body, args = baseline(
        cfg, with_values(problem.base, {"days": history.n_days - 1}), values, overrides
    )
    report = _report(problem, history, restarts, best, fit, holdout, peaks(obs_full, sims[best]))
    report["as_of"] = write_state(out_dir, problem, history, values)
    report["backtest"] = bt.record if bt else None
    report.update(
        simulations=sim.runs,
        seconds=round(time.perf_counter() - clock, 1),
        final_seeds=final_seeds,
        baseline={"config": "calibrated.yaml", "args": "calibrated.args", "overrides": args},
    )
    add_posterior(report, out_dir, posterior)
    write_json(out_dir / "calibration.json", report)
    frame = series_frame(obs_full, sims, best, problem.n_days, bt)
    write_series(out_dir / "series.csv", frame)
    plot(
        out_dir / "calibration.png",
        obs_full,
        sims,
        best,
        problem.n_days,
        fit,
        f"{history.path.name}: observed vs simulated (mean of {s.final_reps} runs"
        + ("; thin: other restarts)" if len(restarts) > 1 else ")"),
        bt,
        fitted_drivers(problem, values, history.n_days),
    )
    write_baseline(out_dir, _header(history, out_dir), groups, body, args)
    return report


def fitted_drivers(problem: Problem, values: dict[str, Any], n_days: int) -> dict[str, Any]:
    """The daily multiplier of each outside driver a levels block fitted (for the plot)."""
    fitted = [b.levels for b in problem.settings.levels]
    if not fitted:
        return {}
    drivers = with_values(problem.base, values).get("drivers") or {}
    mult = daily_multipliers(parse_drivers(drivers), n_days)
    return {k: mult[k] for k in fitted}


def fit_parameters(problem: Problem, sim: Simulator) -> tuple[list[Any], Posterior | None]:
    """The candidate fits (restarts, or ABC-SMC's candidates) and the posterior, if any."""
    if problem.settings.method == "abc":
        return fit_abc(problem, sim)
    return fit_all(problem, sim, start_values(problem)), None


def _backtest(
    problem: Problem,
    history: History,
    sim: Simulator,
    values: dict[str, Any],
    replay: Any,
    seeds: Sequence[int],
) -> Backtest | None:
    """With ``holdout_days``: the forecast from the observed state on the cut, scored
    against the naive forecasts (``experiments.calibration.backtest``)."""
    if not problem.settings.holdout_days:
        return None
    return backtest(problem, history, sim, values, replay, seeds)


def _report(
    problem: Problem,
    history: History,
    restarts: Sequence[Any],
    best: int,
    fit: dict[str, Any],
    holdout: dict[str, Any] | None,
    peak: dict[str, Any],
) -> dict[str, Any]:
    s = problem.settings
    return {
        "data": str(history.path.resolve()),
        "start": history.start.isoformat(),
        "days": history.n_days,
        "users": history.n_users,
        "events": len(history.events),
        "fit_days": problem.n_days,
        "holdout_days": s.holdout_days,
        "fit_users": problem.users,
        "active": s.active,
        "loss": {"definition": LOSS, "weights": s.weights, "value": restarts[best].final_loss},
        "parameters": parameters(problem, restarts, best),
        "levels": levels(problem, restarts, best),
        "fit": fit,
        "holdout": holdout,
        "peaks": peak,
        "best_restart": best,
        "restarts": [
            {
                "index": r.index,
                "loss": r.loss,
                "final_loss": r.final_loss,
                "evaluations": r.evaluations,
                "seconds": round(r.seconds, 1),
                "seeds": [s.seed + 1000 * (r.index + 1) + i for i in range(s.reps)],
                "values": r.values,
            }
            for r in restarts
        ],
    }


def _header(history: History, out_dir: Path) -> str:
    folder = out_dir.resolve()
    return (
        f"commsim baseline calibrated to {history.path.name} ({history.n_days} days, "
        f"{history.n_users:,} users) by `commsim calibrate`;\nthe fit is in "
        f"calibration.json. Use it as the baseline of what-ifs, from the community's state\n"
        f"on as_of (start.parquet): commsim run from={folder} days=90, or from the log's start:\n"
        f"  commsim run --config-dir={folder} +calibrated=calibrated\n"
        f"  commsim compare --config-dir={folder} +calibrated=calibrated executor=serial\n"
        f"  commsim compare $(cat {folder}/calibrated.args)   (any executor)"
    )


def check(cfg: DictConfig) -> Any:
    """Everything checked before Hydra starts (a bad log exits with code 2)."""
    return prepare(cfg)


def main(args: Sequence[str]) -> int:
    """``commsim calibrate data=PATH [as_of=DATE] [holdout_days=H] [overrides]``."""
    from experiments.calibration.logs.options import hydra_arguments
    from experiments.runs.hydra_app import run_app

    return run_app("calibrate", args, _job, check=check, rewrite=hydra_arguments)


def _job(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    report = calibrate(cfg, out_dir, overrides)
    print(format_report(report, out_dir))
    if report.get("posterior"):
        print(format_posterior(report))


__all__ = ["calibrate", "format_report", "main", "prepare"]
