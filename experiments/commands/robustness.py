"""``commsim robustness``: how each playbook fares across sampled scenarios.

Scenarios are drawn over the uncertain parameters of ``configs/uncertainty/<name>.yaml``
with a seeded Latin hypercube. Every playbook runs in every scenario (the same seeds), and
for each scenario its regret is the gap to the best playbook in that scenario (in the KPI's
direction). Reported per playbook: mean KPI, mean and maximum regret, and the share of
scenarios it wins. Outputs: ``scenarios.csv``, ``robustness.csv``, ``robustness.png``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from experiments.commands.playbooks import playbooks as available
from experiments.commands.sensitivity import check_uncertainty
from experiments.runs.evaluate import evaluate
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
    for key in ("scenarios", "reps"):
        if not isinstance(cfg.get(key), int) or cfg.get(key) < 1:
            raise ConfigError(key, cfg.get(key), "give a whole number >= 1")
    return {**u, "playbooks": books, "scenarios": int(cfg["scenarios"]), "reps": int(cfg["reps"])}


def robustness(
    o: dict[str, Any], overrides: Sequence[str], out_dir: Path, progress: bool | None = None
) -> pd.DataFrame:
    """Run every playbook in every scenario; returns the per-playbook table."""
    scenarios = latin_hypercube(o["dims"], o["scenarios"], o["seed"])
    settings = [{**s, "playbook": b} for s in scenarios for b in o["playbooks"]]
    runs = evaluate(
        settings,
        [*o["base"], *overrides],
        o["reps"],
        o["seed"],
        o["executor"],
        o["workers"],
        progress=progress,
    )
    kpi = o["kpi"]
    runs["scenario"] = runs["setting"] // len(o["playbooks"])
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
    table = robustness(o, rest, out_dir)
    print(f"robustness of {o['kpi']} over {o['scenarios']} scenarios:")
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.4g}"))
    print(f"\noutputs: {out_dir.resolve()}")
