"""``commsim robustness``: how each playbook fares across sampled scenarios.

Scenarios are drawn over the uncertain parameters of ``configs/uncertainty/<name>.yaml``
with a seeded Latin hypercube. Every playbook runs in every scenario (the same seeds), and
for each scenario its regret is the gap to the best playbook in that scenario (in the KPI's
direction). Reported per playbook: mean KPI, mean and maximum regret, the share of
scenarios it wins, and the number of scenarios counted (a scenario in which a run failed is
left out, said on screen, its runs listed in ``errors.json``, and the command exits 1).
Outputs: ``scenarios.csv``, ``robustness.csv``, ``robustness.png``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from experiments.commands.playbooks import playbooks as available
from experiments.commands.sensitivity import check_uncertainty
from experiments.runs.checks import check_ends
from experiments.runs.evaluate import evaluate
from experiments.runs.executors import Failures, check_count, check_total_runs
from experiments.runs.hydra_app import sim_config, strip_keys
from experiments.runs.space import latin_hypercube
from sim.errors import ConfigError
from sim.io import write_csv
from sim.kpis import Direction
from sim.kpis import kpi as kpi_of

#: robustness's own top-level keys (configs/robustness.yaml); the rest is the simulation's
ROBUSTNESS_KEYS = ("playbooks", "scenarios", "reps", "uncertainty", "executor", "workers")


def check_options(cfg: DictConfig) -> dict[str, Any]:
    """Validate playbooks, scenarios and the uncertainty section."""
    u = check_uncertainty(cfg)
    books = list(cfg.get("playbooks") or [])
    known = available()
    if len(books) < 2:
        raise ConfigError("playbooks", books, "give at least two playbooks to compare")
    for b in books:
        if b not in known:
            raise ConfigError("playbooks", b, f"no such playbook; use: {', '.join(known)}")
    if len(set(books)) != len(books):
        raise ConfigError("playbooks", books, "name each playbook once")
    n, reps = check_count("scenarios", cfg.get("scenarios")), check_count("reps", cfg.get("reps"))
    check_total_runs(n * len(books) * reps, "lower scenarios, reps or the playbooks")
    return {**u, "playbooks": books, "scenarios": n, "reps": reps}


def robustness(
    o: dict[str, Any], overrides: Sequence[str], out_dir: Path, progress: bool | None = None
) -> pd.DataFrame:
    """Run every playbook in every scenario; returns the per-playbook table.

    Both ends of every range are checked with every playbook first. A scenario in which a
    run failed is left out of the regrets (``o["complete"]`` counts the scenarios kept;
    the failed runs go to ``o["failures"]``).
    """
    base = [*o["base"], *overrides]
    check_ends(o["dims"], base, "uncertainty.parameters", o["playbooks"])
    scenarios = latin_hypercube(o["dims"], o["scenarios"], o["seed"])
    settings = [{**s, "playbook": b} for s in scenarios for b in o["playbooks"]]
    failures = o.setdefault("failures", Failures())
    runs = evaluate(
        settings,
        base,
        o["reps"],
        o["seed"],
        o["executor"],
        o["workers"],
        progress=progress,
        on_result=failures,
    )
    kpi = o["kpi"]
    runs["scenario"] = runs["setting"] // len(o["playbooks"])
    broken = {r.labels["setting"] // len(o["playbooks"]) for r in failures.failed}
    runs = runs[~runs["scenario"].isin(broken)]
    o["complete"] = o["scenarios"] - len(broken)
    if runs.empty:
        failures.finish(out_dir / "errors.json")
    per = runs.groupby(["scenario", "playbook"], as_index=False)[kpi].mean()
    better = "max" if kpi_of(kpi, "uncertainty.kpi").direction is Direction.MAX else "min"
    best = per.groupby("scenario")[kpi].transform(better)
    per["regret"] = (best - per[kpi]).abs()
    per["won"] = per["regret"] == 0
    table = (
        per.groupby("playbook")
        .agg(
            mean_kpi=(kpi, "mean"),
            mean_regret=("regret", "mean"),
            max_regret=("regret", "max"),
            share_won=("won", "mean"),
        )
        .reindex(o["playbooks"])
    )
    table = table.reset_index().sort_values("mean_regret").reset_index(drop=True)
    table["scenarios"] = o["complete"]  # the scenarios counted (those where every run finished)
    params = pd.DataFrame(scenarios).rename_axis("scenario").reset_index()
    write_csv(out_dir / "scenarios.csv", per.merge(params, on="scenario"))
    write_csv(out_dir / "robustness.csv", table)
    plot(per, o["playbooks"], kpi, out_dir / "robustness.png")
    return table


def plot(per: pd.DataFrame, books: list[str], kpi: str, path: Path) -> None:
    """Regret across scenarios, one box per playbook."""
    from experiments.analysis.plots import plt, save_figure

    fig, ax = plt.subplots(figsize=(max(6, 1.4 * len(books)), 4))
    ax.boxplot([per.loc[per["playbook"] == b, "regret"] for b in books], tick_labels=books)
    ax.set_ylabel(f"regret in {kpi} (gap to the best playbook)")
    ax.tick_params(axis="x", rotation=30)
    ax.grid(alpha=0.3)
    save_figure(fig, path)


def main(args: Sequence[str]) -> int:
    """``commsim robustness playbooks=[a,b] scenarios=S [uncertainty=<name>]``."""
    from experiments.runs.hydra_app import run_app

    return run_app("robustness", args, _job, check=_precheck)


def _precheck(cfg: DictConfig) -> None:
    from sim.runner import check

    check_options(cfg)
    check(sim_config(cfg, ROBUSTNESS_KEYS))


def _job(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    o = check_options(cfg)
    rest = strip_keys(overrides, ROBUSTNESS_KEYS)
    failures = o["failures"] = Failures()
    table = robustness(o, rest, out_dir)
    over = f"{o['complete']} of {o['scenarios']}" if failures.failed else str(o["scenarios"])
    print(f"robustness of {o['kpi']} over {over} scenarios:")
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.4g}"))
    print(f"\noutputs: {out_dir.resolve()}")
    if failures.failed:
        print(
            f"{o['scenarios'] - o['complete']} scenarios with a failed run are left out "
            f"(robustness.csv and scenarios.csv hold the {o['complete']} others)"
        )
    failures.finish(out_dir / "errors.json")
