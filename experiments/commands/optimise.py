"""``commsim optimise search=<name>``: search levers for a KPI under a budget (Optuna).

The search file (``configs/search/<name>.yaml``) declares the KPI, the budget (mean
``cost_total`` must not exceed it), the lever space, the number of trials, the
replications per trial and the base overrides (e.g. a playbook to tune). Each trial runs
its levers ``reps`` times with seeds ``seed..seed+reps-1`` (the same for every trial, so
trials are compared on common random numbers) and scores their mean. Optuna's TPE sampler
is seeded; an over-budget trial is infeasible (Optuna's constraints), never the best.
Outputs: ``best.yaml`` (the best levers as overrides and their score), ``trials.csv``,
``optimisation.png``; ``storage`` (e.g. ``sqlite:///study.db``) makes the study resumable.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from experiments.runs.checks import check_budget, check_ends, check_storage
from experiments.runs.evaluate import evaluate
from experiments.runs.executors import (
    Failures,
    RunsFailed,
    check_count,
    check_executor,
    check_total_runs,
    check_workers,
)
from experiments.runs.hydra_app import sim_config, strip_keys
from experiments.runs.provenance import check_study
from experiments.runs.space import Dimension, as_overrides, parse_space
from sim.errors import ConfigError
from sim.io import write_csv, write_text
from sim.kpis import Direction, run_kpi

#: optimise's own top-level keys (configs/optimise.yaml); the rest is the simulation's
OPTIMISE_KEYS = ("search", "executor", "workers")


def _maximise(name: str) -> bool:
    return run_kpi(name, "search.kpi").direction is Direction.MAX


def check_search(cfg: DictConfig | dict) -> dict[str, Any]:
    """Validate the ``search`` section."""
    s = (
        OmegaConf.to_container(cfg["search"], resolve=True)
        if isinstance(cfg, DictConfig)
        else dict(cfg["search"])
    )
    assert isinstance(s, dict)
    run_kpi(s.get("kpi"), "search.kpi")
    for key in ("n_trials", "reps"):
        check_count(f"search.{key}", s.get(key))
    check_total_runs(s["n_trials"] * s["reps"], "lower search.n_trials or search.reps")
    name = s.get("name")
    if name is not None and not isinstance(name, str):
        raise ConfigError("search.name", name, "give the study's name as text")
    check_executor(cfg.get("executor"))
    return {
        **s,
        "budget": check_budget(s.get("budget")),
        "storage": check_storage(s.get("storage")),
        "dims": parse_space(s.get("space"), "search.space"),
        "base": list(s.get("base") or []),
        "seed": check_count("search.seed", s.get("seed", 0), 0, 2**32 - 1),
        "executor": cfg.get("executor"),
        "workers": check_workers(cfg.get("workers")),
    }


def suggest(trial: Any, dims: list[Dimension]) -> dict[str, Any]:
    """Optuna suggestions for every lever."""
    out: dict[str, Any] = {}
    for d in dims:
        if d.type == "categorical":
            out[d.key] = trial.suggest_categorical(d.key, list(d.choices))
        elif d.type == "int":
            low, high = d.bounds()
            out[d.key] = trial.suggest_int(d.key, int(low), int(high), log=d.log)
        else:
            out[d.key] = trial.suggest_float(d.key, d.low, d.high, log=d.log)
    return out


def optimise(
    search: dict[str, Any],
    overrides: Sequence[str],
    out_dir: Path,
    progress: bool | None = None,
    failures: Failures | None = None,
) -> pd.DataFrame:
    """Run the study; returns the trial table (one row per finished trial).

    Both ends of every lever's range are checked first (``experiments.runs.checks``). A
    trial with a failed run fails (Optuna's ``FAIL``) and its runs go to ``failures``
    (written to ``errors.json``).

    Raises:
        ConfigError: a lever range reaching a bad value, before any run.
        RunsFailed: when no trial finished.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    kpi, budget = search["kpi"], search.get("budget")
    base = [*search["base"], *overrides]
    check_ends(search["dims"], base, "search.space")  # before the first trial
    failures = Failures() if failures is None else failures

    def objective(trial: optuna.Trial) -> float:
        levers = suggest(trial, search["dims"])
        before = len(failures.failed)
        try:
            runs = evaluate(
                [levers],
                base,
                search["reps"],
                search["seed"],
                search["executor"],
                search["workers"],
                progress=False,
                on_result=failures,
            )
        except RunsFailed:
            return float("nan")  # a failed trial (Optuna's FAIL), listed at the end
        if len(failures.failed) > before:  # a mean over fewer replications: not comparable
            return float("nan")
        cost = float(runs["cost_total"].mean())
        trial.set_user_attr("cost_total", cost)
        slack = cost - budget if budget is not None else -1.0
        trial.set_user_attr("constraint", [slack])
        trial.set_constraint("budget", slack)  # feasible when <= 0
        value = float(runs[kpi].astype(float).mean())
        trial.set_user_attr("kpi", value)
        return value

    sampler = optuna.samplers.TPESampler(seed=search["seed"])
    study = optuna.create_study(
        direction="maximize" if _maximise(kpi) else "minimize",
        sampler=sampler,
        storage=search.get("storage"),
        study_name=search.get("name"),
        load_if_exists=True,
    )
    check_study(study)  # stored trials of another model version: not mixed in silently
    remaining = search["n_trials"] - len(study.trials)
    if remaining > 0:
        study.optimize(objective, n_trials=remaining, show_progress_bar=bool(progress))
    trials = trial_table(study)
    if trials.empty:
        failures.write(out_dir / "errors.json")
        raise RunsFailed(f"no trial finished (errors in {out_dir / 'errors.json'})")
    write_outputs(trials, search, out_dir)
    failures.write(out_dir / "errors.json")
    return trials


def trial_table(study: Any) -> pd.DataFrame:
    """One row per finished trial: levers, KPI, cost, feasibility."""
    rows = []
    for t in study.trials:
        if t.state.name != "COMPLETE":
            continue
        rows.append(
            {
                "trial": t.number,
                **t.params,
                "kpi": t.value,
                "cost_total": t.user_attrs.get("cost_total"),
                "feasible": t.user_attrs.get("constraint", [0])[0] <= 0,
            }
        )
    return pd.DataFrame(rows)


def best_trial(trials: pd.DataFrame, kpi: str) -> pd.Series:
    """The best feasible trial."""
    feasible = trials[trials["feasible"]]
    if feasible.empty:
        raise ConfigError(
            "search.budget",
            None,
            "no trial stayed within the budget; raise search.budget or narrow the lever ranges",
        )
    best = feasible["kpi"].idxmax() if _maximise(kpi) else feasible["kpi"].idxmin()
    return feasible.loc[best]


def write_outputs(trials: pd.DataFrame, search: dict[str, Any], out_dir: Path) -> None:
    """best.yaml, trials.csv and the optimisation plot."""
    kpi = search["kpi"]
    best = best_trial(trials, kpi)
    levers = {d.key: best[d.key] for d in search["dims"]}
    levers = {k: (v.item() if hasattr(v, "item") else v) for k, v in levers.items()}
    text = OmegaConf.to_yaml(
        OmegaConf.create(
            {
                "kpi": kpi,
                "value": float(best["kpi"]),
                "cost_total": float(best["cost_total"]),
                "budget": search.get("budget"),
                "trial": int(best["trial"]),
                "levers": levers,
                "overrides": [*search["base"], *as_overrides(levers)],
            }
        )
    )
    write_text(out_dir / "best.yaml", text)
    write_csv(out_dir / "trials.csv", trials)
    plot(trials, kpi, out_dir / "optimisation.png")


def plot(trials: pd.DataFrame, kpi: str, path: Path) -> None:
    """KPI per trial, infeasible trials marked, best-so-far line."""
    from experiments.analysis.plots import plt, save_figure

    fig, ax = plt.subplots(figsize=(8, 4))
    ok = trials[trials["feasible"]]
    ax.scatter(ok["trial"], ok["kpi"], label="within budget", s=20)
    bad = trials[~trials["feasible"]]
    ax.scatter(bad["trial"], bad["kpi"], marker="x", color="grey", label="over budget")
    best = ok["kpi"].cummax() if _maximise(kpi) else ok["kpi"].cummin()
    ax.step(ok["trial"], best, where="post", color="black", label="best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel(kpi)
    ax.legend()
    ax.grid(alpha=0.3)
    save_figure(fig, path)


def main(args: Sequence[str]) -> int:
    """``commsim optimise search=<name> [overrides]``."""
    from experiments.runs.hydra_app import run_app

    return run_app("optimise", args, _job, check=_precheck)


def _precheck(cfg: DictConfig) -> None:
    from sim.runner import check

    check_search(cfg)
    check(sim_config(cfg, OPTIMISE_KEYS))


def _job(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    search = check_search(cfg)
    rest = strip_keys(overrides, OPTIMISE_KEYS)
    failures = Failures()
    trials = optimise(search, rest, out_dir, progress=None, failures=failures)
    best = best_trial(trials, search["kpi"])
    print(
        f"best {search['kpi']}: {best['kpi']:,.4g} (cost {best['cost_total']:,.0f}) at trial "
        f"{int(best['trial'])} of {len(trials)}"
    )
    print(f"levers: {out_dir.resolve() / 'best.yaml'}")
    if failures.failed:
        print(f"trials with a failed run are left out of {out_dir.resolve() / 'trials.csv'}")
    failures.finish(out_dir / "errors.json")
