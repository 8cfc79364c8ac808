"""``commsim optimise search=<name>``: search levers for a KPI under a budget (Optuna).

The search file (``configs/search/<name>.yaml``) declares the KPI, the budget (mean
``cost_total`` must not exceed it), the lever space, the number of trials, the
replications per trial and the base overrides (e.g. a playbook to tune). Each trial runs
its levers ``reps`` times with seeds ``seed..seed+reps-1`` (the same for every trial, so
trials are compared on common random numbers) and scores their mean. Optuna's TPE sampler
is seeded; an over-budget trial is infeasible (Optuna's constraint, set with
``Trial.set_constraint``): the sampler steers away from it and it is never the best.

The best ``search.recheck.top`` trials within the budget are then run on
``search.recheck.reps`` fresh seeds (:mod:`experiments.runs.best`); the best on those is
reported with its 95% interval next to its in-sample value. Outputs: ``best.yaml`` (every
override that defines the study and the best levers, the seeds, the in-sample and fresh
values), ``recheck.csv``, ``trials.csv``, ``optimisation.png``; ``storage`` (e.g.
``sqlite:///study.db``) makes the study resumable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from experiments.runs.best import (
    NoTrialWithinBudget,
    best_record,
    best_yaml,
    no_trial_message,
    recheck,
    summary_text,
)
from experiments.runs.checks import (
    check_budget,
    check_ends_built,
    check_storage,
    storage_writes,
)
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
from experiments.runs.space import Dimension, parse_space
from sim import project
from sim.errors import ConfigError
from sim.io import write_csv, write_text
from sim.kpis import Direction, run_kpi

#: optimise's own top-level keys (configs/optimise.yaml); the rest is the simulation's
OPTIMISE_KEYS = ("search", "executor", "workers")
#: the keys of ``search.recheck`` (defaults in configs/optimise.yaml)
RECHECK_KEYS = ("top", "reps", "seed")
MAX_SEED = 2**32 - 1


def _maximise(name: str) -> bool:
    return run_kpi(name, "search.kpi").direction is Direction.MAX


def check_search(cfg: DictConfig | dict) -> dict[str, Any]:
    """Validate the ``search`` section (and ``executor``, ``workers``), before any run.

    Raises:
        ConfigError: naming the key, the value and the fix.
    """
    s = (
        OmegaConf.to_container(cfg["search"], resolve=True)
        if isinstance(cfg, DictConfig)
        else dict(cfg["search"])
    )
    assert isinstance(s, dict)
    run_kpi(s.get("kpi"), "search.kpi")
    for key in ("n_trials", "reps"):
        check_count(f"search.{key}", s.get(key))
    name = s.get("name")
    if name is not None and not isinstance(name, str):
        raise ConfigError("search.name", name, "give the study's name as text")
    check_executor(cfg.get("executor"))
    seed = check_count("search.seed", s.get("seed", 0), 0, MAX_SEED)
    again = check_recheck(s.get("recheck"), seed, s["reps"])
    check_total_runs(
        s["n_trials"] * s["reps"] + again["top"] * again["reps"],
        "lower search.n_trials, search.reps or search.recheck.reps",
    )
    return {
        **s,
        "budget": check_budget(s.get("budget")),
        "storage": check_storage(s.get("storage")),
        "dims": parse_space(s.get("space"), "search.space"),
        "base": list(s.get("base") or []),
        "seed": seed,
        "recheck": again,
        "executor": cfg.get("executor"),
        "workers": check_workers(cfg.get("workers")),
    }


def check_recheck(value: Any, seed: int, reps: int) -> dict[str, int]:
    """``search.recheck``: how many of the best trials to run again (``top``), on how many
    fresh seeds (``reps``, at least 2 for an interval), from which seed (``seed``; null:
    the first after the study's). The fresh seeds must avoid the study's.

    Raises:
        ConfigError: naming ``search.recheck.<key>``, the value and the fix.
    """
    if not isinstance(value, dict) or set(value) - set(RECHECK_KEYS):
        raise ConfigError(
            "search.recheck", value, "give {top: N, reps: N, seed: N or null} (optimise.yaml)"
        )
    top = check_count("search.recheck.top", value.get("top"))
    again = check_count("search.recheck.reps", value.get("reps"), 2)
    first = value.get("seed")
    if first is None:
        first = seed + reps
    check_count("search.recheck.seed", first, 0, MAX_SEED - again)
    if first < seed + reps and seed < first + again:
        raise ConfigError(
            "search.recheck.seed",
            first,
            f"give seeds the study does not use (it uses {seed} to {seed + reps - 1}): "
            f"e.g. {seed + reps}, or null",
        )
    return {"top": top, "reps": again, "seed": first}


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


@dataclass
class Study:
    """A finished study: its trials, the re-run of the best on fresh seeds, ``best.yaml``.

    Attributes:
        trials: one row per finished trial (``trials.csv``).
        fresh: the best trials within the budget on fresh seeds, best first (``recheck.csv``).
        best: ``best.yaml``'s content (:func:`experiments.runs.best.best_record`).
    """

    trials: pd.DataFrame
    fresh: pd.DataFrame
    best: dict[str, Any]


def check_study_overrides(overrides: Sequence[str]) -> None:
    """The command line's overrides of a study: no ``seed`` (``search.seed`` sets them).

    Raises:
        ConfigError: naming ``seed``, the value and the fix.
    """
    for item in overrides:
        key, _sep, value = item.partition("=")
        if key.lstrip("+~") == "seed":
            raise ConfigError(
                "seed",
                value,
                "set search.seed instead: a trial's replications use the seeds search.seed, "
                "search.seed+1, ...",
            )


def optimise(
    search: dict[str, Any],
    overrides: Sequence[str],
    out_dir: Path,
    progress: bool | None = None,
    failures: Failures | None = None,
) -> Study:
    """Run the study, re-run its best trials on fresh seeds, write the outputs.

    Both ends of every lever's range are checked first (``experiments.runs.checks``). A
    trial with a failed run fails (Optuna's ``FAIL``) and its runs go to ``failures``
    (written to ``errors.json``). A trial whose mean ``cost_total`` exceeds the budget is
    infeasible (Optuna's constraint, :meth:`optuna.trial.Trial.set_constraint`): the
    sampler steers away from it and it is never the best.

    Raises:
        ConfigError: a lever range reaching a bad value, a ``seed`` override, or a stored
            study run with other settings, before any run.
        RunsFailed: when no trial finished.
        NoTrialWithinBudget: when no finished trial stayed within the budget (after
            writing ``trials.csv`` and the plot).
    """
    check_study_overrides(overrides)
    base = [*search["base"], *overrides]
    check_ends_built(search["dims"], base, "search.space")  # before the first trial
    failures = Failures() if failures is None else failures
    study = run_study(search, base, failures, progress)
    trials = trial_table(study)
    if trials.empty:
        failures.write(out_dir / "errors.json")
        raise RunsFailed(f"no trial finished (errors in {out_dir / 'errors.json'})")
    write_csv(out_dir / "trials.csv", trials)
    plot(trials, search["kpi"], out_dir / "optimisation.png")
    counts = trial_counts(study)
    if not trials["feasible"].any():
        failures.write(out_dir / "errors.json")
        raise NoTrialWithinBudget(no_trial_message(trials, search, counts, out_dir))
    maximise = _maximise(search["kpi"])
    done = [t for t in study.trials if t.state.name == "COMPLETE"]
    levers = {t.number: dict(t.params) for t in done}
    fresh = recheck(trials, levers, search, base, maximise, failures)
    runs = {t.number: list(t.user_attrs.get("runs", [])) for t in done}
    folder = project.config_dir()
    best = best_record(
        search, base, fresh, levers, runs, counts, str(folder) if folder else None, maximise
    )
    write_csv(out_dir / "recheck.csv", fresh)
    write_text(out_dir / "best.yaml", best_yaml(best))
    failures.write(out_dir / "errors.json")
    return Study(trials, fresh, best)


def definition(search: dict[str, Any], base: Sequence[str]) -> dict[str, Any]:
    """What makes a stored study's trials comparable with new ones."""
    return {
        "overrides": list(base),
        "kpi": search["kpi"],
        "budget": search.get("budget"),
        "reps": search["reps"],
        "seed": search["seed"],
    }


def run_study(
    search: dict[str, Any], base: Sequence[str], failures: Failures, progress: bool | None
) -> Any:
    """Create (or resume, with ``search.storage``) the Optuna study and run its trials."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    kpi, budget = search["kpi"], search.get("budget")

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
        trial.set_user_attr("runs", [float(v) for v in runs[kpi].astype(float)])
        if budget is not None:
            trial.set_constraint("budget", cost - budget)  # feasible when <= 0
        return float(runs[kpi].astype(float).mean())

    with storage_writes(search.get("storage")):  # a full disk: OutputError, exit 1
        return _study(search, base, objective, progress)


def _study(
    search: dict[str, Any], base: Sequence[str], objective: Any, progress: bool | None
) -> Any:
    import optuna

    study = optuna.create_study(
        direction="maximize" if _maximise(search["kpi"]) else "minimize",
        sampler=optuna.samplers.TPESampler(seed=search["seed"]),
        storage=search.get("storage"),
        study_name=search.get("name"),
        load_if_exists=True,
    )
    check_study(study)  # stored trials of another model version: not mixed in silently
    wanted = definition(search, base)
    stored = study.user_attrs.get("definition")
    if study.trials and stored is not None and stored != wanted:
        raise ConfigError(
            "search.storage",
            search.get("storage"),
            f"the study {search.get('name')!r} stored there ran with {stored}; rerun it with "
            "those settings, or give another search.name",
        )
    study.set_user_attr("definition", wanted)
    remaining = search["n_trials"] - len(study.trials)
    if remaining > 0:
        study.optimize(objective, n_trials=remaining, show_progress_bar=bool(progress))
    return study


def trial_table(study: Any) -> pd.DataFrame:
    """One row per finished trial: levers, KPI (in-sample mean), cost, feasibility."""
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
                "feasible": all(v <= 0 for v in t.constraints.values()),
            }
        )
    return pd.DataFrame(rows)


def trial_counts(study: Any) -> dict[str, int]:
    """Trials finished, within the budget, over it (infeasible), and failed."""
    done = [t for t in study.trials if t.state.name == "COMPLETE"]
    within = sum(all(v <= 0 for v in t.constraints.values()) for t in done)
    return {
        "finished": len(done),
        "within_budget": within,
        "over_budget": len(done) - within,
        "failed": sum(t.state.name == "FAIL" for t in study.trials),
    }


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
    """``commsim optimise search=<name> [overrides]``.

    Everything is checked before Hydra makes the run folder: the search options, the
    simulation with the command line's overrides, and both ends of every lever's range with
    the search's ``base`` and the command line's overrides.
    """
    from experiments.runs.hydra_app import run_app

    return run_app("optimise", args, _job, check_line=_precheck)


def _precheck(cfg: DictConfig, line: Sequence[str]) -> None:
    from experiments.runs.hydra_app import user_overrides
    from sim.runner import check

    search = check_search(cfg)
    check(sim_config(cfg, OPTIMISE_KEYS))
    rest = strip_keys(user_overrides(line) or [], OPTIMISE_KEYS)
    check_study_overrides(rest)
    check_ends_built(search["dims"], [*search["base"], *rest], "search.space")


def _job(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    search = check_search(cfg)
    rest = strip_keys(overrides, OPTIMISE_KEYS)
    failures = Failures()
    study = optimise(search, rest, out_dir, progress=None, failures=failures)
    print(summary_text(study.best, study.fresh, out_dir, failed=bool(failures.failed)))
    failures.finish(out_dir / "errors.json")
