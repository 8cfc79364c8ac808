"""``commsim sensitivity``: which uncertain parameters move a KPI most.

Two stages, with SALib: a Morris elementary-effects screen over every declared uncertain
parameter (``mu_star`` with its bootstrap 95% CI, and ``sigma``), then Sobol indices (first
order S1 and total ST, with 95% CIs, Saltelli sampling) for the ``sobol_top`` parameters
that matter most. The uncertainties file (``configs/uncertainty/<name>.yaml``) declares
the parameters and ranges; levers stay as configured. Each sample is one run with seed
``seed`` (common random numbers across samples). Outputs: ``morris.csv``, ``sobol.csv``,
``sensitivity.png``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from experiments.runs.checks import check_ends
from experiments.runs.evaluate import evaluate
from experiments.runs.executors import (
    Failures,
    check_count,
    check_executor,
    check_total_runs,
    check_workers,
)
from experiments.runs.hydra_app import sim_config, strip_keys
from experiments.runs.space import Dimension, parse_space
from sim.errors import ConfigError
from sim.io import write_csv
from sim.kpis import run_kpi

#: sensitivity's own top-level keys (configs/sensitivity.yaml); the rest is the simulation's
SENSITIVITY_KEYS = ("uncertainty", "executor", "workers")


def check_uncertainty(cfg: DictConfig | dict) -> dict[str, Any]:
    """Validate the ``uncertainty`` section."""
    u = (
        OmegaConf.to_container(cfg["uncertainty"], resolve=True)
        if isinstance(cfg, DictConfig)
        else dict(cfg["uncertainty"])
    )
    assert isinstance(u, dict)
    run_kpi(u.get("kpi"), "uncertainty.kpi")
    for key, low in (
        ("morris_trajectories", 2),
        ("morris_levels", 2),
        ("sobol_samples", 4),
        ("sobol_top", 0),
    ):
        check_count(f"uncertainty.{key}", u.get(key), low)
    dims = parse_space(u.get("parameters"), "uncertainty.parameters")
    k = len(dims)
    check_total_runs(
        u["morris_trajectories"] * (k + 1) + u["sobol_samples"] * (min(u["sobol_top"], k) + 2),
        "lower uncertainty.morris_trajectories or uncertainty.sobol_samples",
    )
    for d in dims:
        if d.type == "categorical":
            raise ConfigError(
                f"uncertainty.parameters.{d.key}",
                "categorical",
                "sensitivity needs numeric ranges (float or int)",
            )
    check_executor(cfg.get("executor"))
    return {
        **u,
        "dims": dims,
        "base": list(u.get("base") or []),
        "seed": check_count("uncertainty.seed", u.get("seed", 0), 0, 2**32 - 1),
        "executor": cfg.get("executor"),
        "workers": check_workers(cfg.get("workers")),
    }


def _problem(dims: list[Dimension]) -> dict[str, Any]:
    return {
        "num_vars": len(dims),
        "names": [d.key for d in dims],
        "bounds": [[d.low, d.high] for d in dims],
    }


def _settings(dims: list[Dimension], x: np.ndarray) -> list[dict[str, Any]]:
    return [
        {
            d.key: (int(round(v)) if d.type == "int" else float(v))
            for d, v in zip(dims, row, strict=True)
        }
        for row in x
    ]


def _kpi(
    u: dict[str, Any],
    dims: list[Dimension],
    x: np.ndarray,
    base: Sequence[str],
    progress: bool | None,
) -> np.ndarray:
    """The KPI of every sample; a failed run's KPI is the mean of the others (the runs go
    to ``u["failures"]``, and the command ends with exit code 1)."""
    runs = evaluate(
        _settings(dims, x),
        base,
        1,
        u["seed"],
        u["executor"],
        u["workers"],
        progress=progress,
        on_result=u.get("failures"),
    )
    y = np.full(len(x), np.nan)
    y[runs["setting"].to_numpy()] = runs[u["kpi"]].astype(float).to_numpy()
    return np.nan_to_num(y, nan=float(np.nanmean(y)))


def morris(u: dict[str, Any], base: Sequence[str], progress: bool | None = None) -> pd.DataFrame:
    """Morris screen: mu_star (with 95% CI), sigma, ranked."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    problem = _problem(u["dims"])
    x = sample.sample(
        problem, u["morris_trajectories"], num_levels=u["morris_levels"], seed=u["seed"]
    )
    y = _kpi(u, u["dims"], x, base, progress)
    res = analyze.analyze(problem, x, y, num_levels=u["morris_levels"], seed=u["seed"])
    df = pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu_star": res["mu_star"],
            "mu_star_conf": res["mu_star_conf"],
            "sigma": res["sigma"],
        }
    )
    df = df.sort_values("mu_star", ascending=False).reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    return df


def sobol(
    u: dict[str, Any], names: list[str], base: Sequence[str], progress: bool | None = None
) -> pd.DataFrame:
    """Sobol S1 and ST with 95% CIs for the named parameters (others at their config value)."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    dims = [d for d in u["dims"] if d.key in names]
    problem = _problem(dims)
    x = sample.sample(problem, u["sobol_samples"], calc_second_order=False, seed=u["seed"])
    y = _kpi(u, dims, x, base, progress)
    res = analyze.analyze(problem, y, calc_second_order=False, seed=u["seed"])
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
            "ST": res["ST"],
            "ST_conf": res["ST_conf"],
        }
    )


def plot(m: pd.DataFrame, s: pd.DataFrame | None, kpi: str, path: Path) -> None:
    """Morris mu* with CI bars, and Sobol indices with CI bars."""
    from experiments.analysis.plots import plt, save_figure

    n = 2 if s is not None and len(s) else 1
    fig, axes = plt.subplots(1, n, figsize=(6 * n, 0.45 * len(m) + 2), squeeze=False)
    ax = axes[0, 0]
    ax.barh(m["parameter"][::-1], m["mu_star"][::-1], xerr=m["mu_star_conf"][::-1], capsize=3)
    ax.set_xlabel(f"Morris mu* on {kpi} (95% CI)")
    if s is not None and n == 2:
        ax = axes[0, 1]
        y = np.arange(len(s))
        ax.barh(y - 0.2, s["S1"], 0.4, xerr=s["S1_conf"], label="S1 (first order)", capsize=3)
        ax.barh(y + 0.2, s["ST"], 0.4, xerr=s["ST_conf"], label="ST (total)", capsize=3)
        ax.set_yticks(y, s["parameter"])
        ax.set_xlabel("Sobol index (95% CI)")
        ax.legend()
    fig.tight_layout()
    save_figure(fig, path)


def sensitivity(
    u: dict[str, Any], overrides: Sequence[str], out_dir: Path, progress: bool | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Morris, then Sobol on the top parameters; writes the tables and the plot.

    Both ends of every range are checked first (``experiments.runs.checks``).
    """
    base = [*u["base"], *overrides]
    check_ends(u["dims"], base, "uncertainty.parameters")
    m = morris(u, base, progress)
    write_csv(out_dir / "morris.csv", m)
    s = None
    if u["sobol_top"] > 0:
        s = sobol(u, list(m["parameter"][: u["sobol_top"]]), base, progress)
        write_csv(out_dir / "sobol.csv", s)
    plot(m, s, u["kpi"], out_dir / "sensitivity.png")
    return m, s


def main(args: Sequence[str]) -> int:
    """``commsim sensitivity [uncertainty=<name>] [overrides]``."""
    from experiments.runs.hydra_app import run_app

    return run_app("sensitivity", args, _job, check=_precheck)


def _precheck(cfg: DictConfig) -> None:
    from sim.runner import check

    check_uncertainty(cfg)
    check(sim_config(cfg, SENSITIVITY_KEYS))


def _job(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    u = check_uncertainty(cfg)
    rest = strip_keys(overrides, SENSITIVITY_KEYS)
    failures = u["failures"] = Failures()
    m, s = sensitivity(u, rest, out_dir)
    print(f"Morris screen of {u['kpi']} ({len(m)} parameters):")
    print(m.to_string(index=False, float_format=lambda v: f"{v:,.4g}"))
    if s is not None:
        print("\nSobol indices:")
        print(s.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    print(f"\noutputs: {out_dir.resolve()}")
    if failures.failed:
        print(
            f"{len(failures.failed)} of {failures.total} runs failed: their KPI was taken as "
            "the mean of the other runs in these indices"
        )
    failures.finish(out_dir / "errors.json")
