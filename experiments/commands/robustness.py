"""``commsim robustness``: how each playbook fares across sampled scenarios.

Scenarios are drawn over the uncertain parameters of ``configs/uncertainty/<name>.yaml``
with a seeded Latin hypercube. Every playbook runs in every scenario ``reps`` times (the
same seeds), and in each scenario and replication its regret is the gap to the best
playbook there (in the KPI's direction). Reported per playbook: mean KPI, mean and maximum
regret and the share of scenarios it wins, each as the mean over replications with a 95%
interval, and the scenarios counted (a scenario in which a run failed or gave no value of
the KPI is left out, said on screen; a failed run's errors go to ``errors.json`` and the
command exits 1). Scenario discovery (PRIM, ``experiments.analysis.discovery``) then finds
per playbook the box of uncertain inputs where it loses. Outputs: ``experiments.parquet``,
``outcomes.parquet``, ``scenarios.csv`` (per scenario, replication and playbook),
``robustness_reps.csv``, ``robustness.csv``, ``discovery.csv``, ``robustness.png``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from experiments.analysis.discovery import discover
from experiments.analysis.stats import bounded_ci
from experiments.commands.playbooks import playbooks as available
from experiments.commands.sensitivity import check_uncertainty, number
from experiments.i18n import translator
from experiments.runs.checks import check_ends
from experiments.runs.evaluate import evaluate
from experiments.runs.executors import Failures, RunsFailed, check_count, check_total_runs
from experiments.runs.hydra_app import sim_config, strip_keys
from experiments.runs.jobs import JobResult
from experiments.runs.space import latin_hypercube
from sim.errors import ConfigError
from sim.io import write_csv, write_parquet
from sim.kpis import Direction
from sim.kpis import kpi as kpi_of

#: robustness's own top-level keys (configs/robustness.yaml); the rest is the simulation's
ROBUSTNESS_KEYS = (
    "playbooks",
    "scenarios",
    "reps",
    "uncertainty",
    "discovery",
    "executor",
    "workers",
)
#: the per-playbook measures, each with its 95% interval over replications
MEASURES = ("mean_kpi", "mean_regret", "max_regret", "share_won")
#: scenario discovery's PRIM settings (``discovery`` in configs/robustness.yaml)
DISCOVERY = {"min_density": 0.8, "mass_min": 0.05}
nan = float("nan")


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
    return {
        **u,
        "playbooks": books,
        "scenarios": n,
        "reps": reps,
        "discovery": check_discovery(cfg),
    }


def check_discovery(cfg: DictConfig) -> dict[str, float]:
    """``discovery``: PRIM's ``min_density`` (0..1] and ``mass_min`` [0..1) (a mapping)."""
    raw = cfg.get("discovery")
    given = OmegaConf.to_container(raw) if isinstance(raw, DictConfig) else raw
    if not isinstance(given, dict) or set(given) - set(DISCOVERY):
        raise ConfigError(
            "discovery",
            given,
            f"give a mapping of {', '.join(DISCOVERY)} (see configs/robustness.yaml)",
        )
    out = {**DISCOVERY, **given}
    for key, (low, high, fix) in {
        "min_density": (
            0.0,
            1.0,
            "a share above 0 and at most 1 (0.8: the plan loses in 80% of the box)",
        ),
        "mass_min": (
            0.0,
            1.0,
            "a share from 0 to below 1 (0.05: a box holds at least 5% of the cases)",
        ),
    }.items():
        value = out[key]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        inside = ok and (low < value <= high if key == "min_density" else low <= value < high)
        if not inside:
            raise ConfigError(f"discovery.{key}", value, f"give {fix}")
        out[key] = float(value)
    return out


def _cases(o: dict[str, Any], runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (scenario, replication, playbook): the KPI, its regret (the gap to the
    best playbook of the same scenario and replication, in the KPI's direction) and
    ``won`` (no regret)."""
    kpi = o["kpi"]
    better = "max" if kpi_of(kpi, "uncertainty.kpi").direction is Direction.MAX else "min"
    per = runs[["scenario", "rep", "playbook", kpi]].copy()
    per.insert(2, "seed", o["seed"] + per["rep"])
    best = per.groupby(["scenario", "rep"])[kpi].transform(better)
    per["regret"] = (best - per[kpi]).abs()
    per["won"] = per["regret"] == 0
    return per


def _per_rep(cases: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """Per playbook and replication: mean KPI, mean and maximum regret, share won."""
    return cases.groupby(["playbook", "rep"], as_index=False).agg(
        mean_kpi=(kpi, "mean"),
        mean_regret=("regret", "mean"),
        max_regret=("regret", "max"),
        share_won=("won", "mean"),
        scenarios=("scenario", "nunique"),
    )


def _summary(reps: pd.DataFrame, books: list[str]) -> pd.DataFrame:
    """Per playbook: each measure's mean over replications and its 95% t-interval
    (``_low``, ``_high``; empty with one replication; not below 0, a share not above 1)."""
    rows = []
    for book in books:
        mine = reps[reps["playbook"] == book]
        row: dict[str, Any] = {"playbook": book}
        for col in MEASURES:
            mean, low, high = bounded_ci(mine[col].to_numpy(dtype=float))
            if col == "share_won":
                high = min(high, 1.0)
            wide = len(mine) >= 2
            row |= {
                col: mean,
                f"{col}_low": low if wide else nan,
                f"{col}_high": high if wide else nan,
            }
        row["reps"] = len(mine)
        row["scenarios"] = int(mine["scenarios"].min()) if len(mine) else 0
        rows.append(row)
    return pd.DataFrame(rows).sort_values("mean_regret", kind="stable").reset_index(drop=True)


def _tables(
    o: dict[str, Any], scenarios: list[dict[str, Any]], results: list[JobResult]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(experiments, outcomes): one row per run, failed runs included."""
    n = len(o["playbooks"])
    experiments = pd.DataFrame(
        [
            {
                "run": i * o["reps"] + r,
                "scenario": i // n,
                "rep": r,
                "seed": o["seed"] + r,
                "playbook": o["playbooks"][i % n],
                **scenarios[i // n],
            }
            for i in range(len(scenarios) * n)
            for r in range(o["reps"])
        ]
    )
    rows = []
    for res in results:
        i, r = int(res.labels["setting"]), int(res.labels["rep"])
        kpis = {k: number(v) for k, v in res.summary.items()}
        value = kpis.get(o["kpi"], nan)
        status = "failed" if not res.ok else ("ok" if np.isfinite(value) else "undefined")
        rows.append(
            {
                "run": i * o["reps"] + r,
                "scenario": i // n,
                "rep": r,
                "playbook": o["playbooks"][i % n],
                "status": status,
                "error": res.error or "",
                **kpis,
            }
        )
    head = ["run", "scenario", "rep", "playbook", "status", "error"]
    outcomes = pd.DataFrame(
        rows, columns=list(dict.fromkeys([*head, *(k for row in rows for k in row)]))
    )
    return experiments, outcomes.sort_values("run").reset_index(drop=True)


def robustness(
    o: dict[str, Any], overrides: Sequence[str], out_dir: Path, progress: bool | None = None
) -> pd.DataFrame:
    """Run every playbook in every scenario ``reps`` times; returns the per-playbook table.

    Both ends of every range are checked with every playbook first. Every run's inputs and
    outcomes are written (``experiments.parquet``, ``outcomes.parquet``). A scenario in
    which a run failed or gave no value of the KPI is left out of the regrets
    (``o["complete"]`` counts the scenarios kept, ``o["undefined"]`` the runs without a
    value; the failed runs go to ``o["failures"]``).
    """
    base = [*o["base"], *overrides]
    check_ends(o["dims"], base, "uncertainty.parameters", o["playbooks"])
    scenarios = latin_hypercube(o["dims"], o["scenarios"], o["seed"])
    settings = [{**s, "playbook": b} for s in scenarios for b in o["playbooks"]]
    failures = o.setdefault("failures", Failures())
    results: list[JobResult] = []

    def keep(result: JobResult) -> None:
        results.append(result)
        failures(result)

    try:
        evaluate(settings, base, o["reps"], o["seed"], o["executor"], o["workers"], progress, keep)
    except RunsFailed:
        pass  # every run failed: written below, then the command ends with exit code 1
    experiments, outcomes = _tables(o, scenarios, results)
    write_parquet(out_dir / "experiments.parquet", experiments)
    write_parquet(out_dir / "outcomes.parquet", outcomes)
    broken = set(outcomes.loc[outcomes["status"] != "ok", "scenario"])
    broken |= set(range(o["scenarios"])) - set(outcomes["scenario"])
    o["undefined"] = int((outcomes["status"] == "undefined").sum())
    o["complete"] = o["scenarios"] - len(broken)
    kept = outcomes[~outcomes["scenario"].isin(broken)]
    if kept.empty:
        failures.finish(out_dir / "errors.json")
        _ = translator()
        raise RunsFailed(
            _(
                "{kpi} has no value in {n} runs: no scenario is left to compare "
                "(see outcomes.parquet)"
            ).format(kpi=o["kpi"], n=o["undefined"])
        )
    cases = _cases(o, kept)
    params = pd.DataFrame(scenarios).rename_axis("scenario").reset_index()
    cases = cases.merge(params, on="scenario")
    reps = _per_rep(cases, o["kpi"])
    table = _summary(reps, o["playbooks"])
    write_csv(out_dir / "scenarios.csv", cases)
    write_csv(out_dir / "robustness_reps.csv", reps)
    write_csv(out_dir / "robustness.csv", table)
    found = discover(cases, [d.key for d in o["dims"]], o["playbooks"], **o["discovery"])
    write_csv(out_dir / "discovery.csv", found)
    o["discovery_table"] = found
    plot(cases, o["playbooks"], o["kpi"], out_dir / "robustness.png")
    return table


def plot(per: pd.DataFrame, books: list[str], kpi: str, path: Path) -> None:
    """Regret across scenarios and replications, one box per playbook, each case a dot."""
    from experiments.analysis.plots import plt, save_figure

    _ = translator()
    fig, ax = plt.subplots(figsize=(max(6, 1.4 * len(books)), 4))
    values = [per.loc[per["playbook"] == b, "regret"].to_numpy() for b in books]
    ax.boxplot(values, tick_labels=books, showfliers=False)
    for i, v in enumerate(values, start=1):
        ax.plot(np.full(len(v), i) + np.linspace(-0.12, 0.12, len(v)), v, ".", color="grey")
    ax.set_ylabel(_("regret in {kpi} (gap to the best playbook)").format(kpi=kpi))
    ax.tick_params(axis="x", rotation=30)
    ax.grid(alpha=0.3)
    save_figure(fig, path)


def main(args: Sequence[str]) -> int:
    """``commsim robustness playbooks=[a,b] scenarios=S [uncertainty=<name>]``."""
    from experiments.runs.hydra_app import run_app

    return run_app("robustness", args, _job, check_line=_precheck)


def _precheck(cfg: DictConfig, line: Sequence[str] = ()) -> None:
    """Everything before Hydra makes the run folder: the options, the simulation with the
    command line's overrides, and both ends of every range."""
    from experiments.runs.hydra_app import user_overrides
    from sim.runner import check

    o = check_options(cfg)
    check(sim_config(cfg, ROBUSTNESS_KEYS))
    rest = strip_keys(user_overrides(line) or [], ROBUSTNESS_KEYS)
    check_ends(o["dims"], [*o["base"], *rest], "uncertainty.parameters", o["playbooks"])


def _job(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    _ = translator()
    o = check_options(cfg)
    rest = strip_keys(overrides, ROBUSTNESS_KEYS)
    failures = o["failures"] = Failures()
    table = robustness(o, rest, out_dir)
    left_out = o["scenarios"] - o["complete"]
    over = (
        _("{kept} of {n}").format(kept=o["complete"], n=o["scenarios"])
        if left_out
        else str(o["scenarios"])
    )
    print(
        _(
            "robustness of {kpi} over {over} scenarios x {reps} replications "
            "(mean over replications [95% CI]):"
        ).format(kpi=o["kpi"], over=over, reps=o["reps"])
    )
    print(format_table(table))
    if o["reps"] < 2:
        print(_("one replication: no interval (set reps=2 or more)"))
    print("\n" + _("Where each playbook loses (PRIM boxes of the uncertain inputs):"))
    print(format_discovery(o["discovery_table"]))
    print("\n" + _("outputs: {path}").format(path=out_dir.resolve()))
    if left_out:
        print(
            _(
                "{n} scenarios with a failed run or a run without a value of {kpi} ({undefined} "
                "runs) are left out (robustness.csv and scenarios.csv hold the {kept} others)"
            ).format(n=left_out, kpi=o["kpi"], undefined=o["undefined"], kept=o["complete"])
        )
    failures.finish(out_dir / "errors.json")


def format_table(table: pd.DataFrame) -> str:
    """The per-playbook table as printed: each measure as ``mean [low, high]``."""
    wide = pd.DataFrame({"playbook": table["playbook"]})
    for col in MEASURES:
        wide[col] = [
            f"{m:,.4g}" + ("" if pd.isna(lo) else f" [{lo:,.4g}, {hi:,.4g}]")
            for m, lo, hi in zip(table[col], table[f"{col}_low"], table[f"{col}_high"], strict=True)
        ]
    wide["scenarios"] = table["scenarios"]
    return wide.to_string(index=False)


def format_discovery(found: pd.DataFrame) -> str:
    """The PRIM boxes as printed: per playbook its coverage and density, then each limit."""
    _ = translator()
    lines = []
    for book, rows in found.groupby("playbook", sort=False):
        first = rows.iloc[0]
        head = _("{book}: loses in {losses} of {cases} cases").format(
            book=book, losses=first["losses"], cases=first["cases"]
        )
        if first["note"]:
            lines.append("  " + head + "; " + _(str(first["note"])))  # a note marked N_
            continue
        lines.append(
            "  "
            + head
            + "; "
            + _("box: coverage {coverage:.0%}, density {density:.0%}, mass {mass:.0%}").format(
                coverage=first["coverage"], density=first["density"], mass=first["mass"]
            )
        )
        lines += [f"    {r.low:.4g} <= {r.parameter} <= {r.high:.4g}" for r in rows.itertuples()]
    return "\n".join(lines)
