"""``commsim sensitivity``: which uncertain parameters move a KPI most.

Two stages, with SALib: a Morris elementary-effects screen over every declared uncertain
parameter (``mu_star`` with its bootstrap 95% CI, and ``sigma``), then Sobol indices (first
order S1 and total ST, with 95% CIs, Saltelli sampling) over the ``sobol_top`` parameters
Morris ranks first, the others fixed at their configured values (global indices when
``sobol_top`` is the number of parameters). Every range is sampled on the unit cube and
mapped onto its range (a ``log: true`` range in log space); ``seed`` seeds the samples,
the runs (common random numbers) and the confidence intervals, 0 included. Outputs:
``experiments.parquet`` and ``outcomes.parquet`` (every run's inputs and outcomes),
``morris.csv``, ``sobol.csv``, ``sensitivity.png``. A run that fails or gives no value of
the KPI stops the command after its stage (exit code 1): nothing is imputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from experiments.i18n import translator
from experiments.runs.checks import check_ends
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
from experiments.runs.jobs import JobResult
from experiments.runs.space import Dimension, from_unit_rows, parse_space
from sim.errors import ConfigError
from sim.io import write_csv, write_parquet
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
    """SALib's problem on the unit cube: every range is sampled in [0, 1] and mapped onto
    its range by :func:`experiments.runs.space.from_unit_rows` (a ``log: true`` range in
    log space), so the indices measure a move across the range as sampled."""
    return {
        "num_vars": len(dims),
        "names": [d.key for d in dims],
        "bounds": [[0.0, 1.0]] * len(dims),
    }


def _rng(u: dict[str, Any]) -> np.random.Generator:
    """A new generator seeded with ``uncertainty.seed``, for each SALib call.

    SALib takes ``seed=0`` for "no seed" (``if seed:``); a Generator is used as given, so
    every seed, 0 included, gives the same samples and confidence intervals run after run.
    """
    return np.random.default_rng(u["seed"])


def fixed_values(dims: list[Dimension], base: Sequence[str]) -> dict[str, Any]:
    """The configured value of each uncertain parameter (with the base overrides)."""
    from sim.runner import compose

    cfg = compose(list(base))
    return {d.key: OmegaConf.select(cfg, d.key, default=None) for d in dims}


def _results(
    u: dict[str, Any], settings: list[dict[str, Any]], base: Sequence[str], progress: bool | None
) -> list[JobResult]:
    """Every run's result (failed ones included), in the order of ``settings``."""
    results: list[JobResult] = []

    def keep(result: JobResult) -> None:
        results.append(result)
        if u.get("failures") is not None:
            u["failures"](result)

    try:
        evaluate(
            settings, base, 1, u["seed"], u["executor"], u["workers"], progress, on_result=keep
        )
    except RunsFailed:
        pass  # every run failed: the outcomes say so and the stage stops (_check_complete)
    return sorted(results, key=lambda r: int(r.labels["setting"]))


def number(value: Any) -> float:
    """A KPI value as a float (None or text: NaN)."""
    if isinstance(value, bool):
        return float(value)
    return float(value) if isinstance(value, int | float) else float("nan")


def run_stage(
    u: dict[str, Any],
    stage: str,
    dims: list[Dimension],
    unit: np.ndarray,
    base: Sequence[str],
    start: int = 0,
    progress: bool | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run one sample (unit-cube rows over ``dims``); returns (experiments, outcomes).

    ``experiments``: one row per run (``run``, ``stage``, ``sample``, ``seed`` and the
    value of every uncertain parameter: sampled, or the configured value it was fixed at).
    ``outcomes``: one row per run (``run``, ``stage``, ``sample``, ``status`` = ok, failed
    or undefined (the run finished but gave no value of the KPI), ``error`` and every KPI).
    """
    settings = from_unit_rows(dims, unit)
    fixed = {k: v for k, v in u["fixed"].items() if k not in {d.key for d in dims}}
    ids = {"stage": stage, "seed": u["seed"]}
    experiments = pd.DataFrame(
        [{"run": start + i, "sample": i, **ids, **fixed, **s} for i, s in enumerate(settings)],
        columns=["run", "stage", "sample", "seed", *(d.key for d in u["dims"])],
    )
    rows = []
    for r in _results(u, settings, base, progress):
        kpis = {k: number(v) for k, v in r.summary.items()}
        value = kpis.get(u["kpi"], float("nan"))
        status = "failed" if not r.ok else ("ok" if np.isfinite(value) else "undefined")
        i = int(r.labels["setting"])
        rows.append(
            {
                "run": start + i,
                "stage": stage,
                "sample": i,
                "status": status,
                "error": r.error or "",
                **kpis,
            }
        )
    outcomes = pd.DataFrame(
        rows,
        columns=list(
            dict.fromkeys(
                ["run", "stage", "sample", "status", "error", *(k for row in rows for k in row)]
            )
        ),
    )
    return experiments, outcomes


def _check_complete(u: dict[str, Any], stage: str, outcomes: pd.DataFrame, n_runs: int) -> None:
    """Stop when a run failed, is missing or gave no value of the KPI: the indices need
    every run, and none is imputed.

    Raises:
        RunsFailed: with the counts (exit code 1); the tables are written already.
    """
    failed = n_runs - int((outcomes["status"] != "failed").sum())
    undefined = int((outcomes["status"] == "undefined").sum())
    if failed or undefined:
        _ = translator()
        if u.get("failures") is not None:
            u["failures"].write(u["out_dir"] / "errors.json")
        message = _(
            "{stage}: {failed} of {n} runs failed and {undefined} gave no value of "
            "{kpi}; no indices are computed (nothing is imputed). Every run is in "
            "outcomes.parquet, its inputs in experiments.parquet."
        ).format(stage=stage, failed=failed, n=n_runs, undefined=undefined, kpi=u["kpi"])
        if failed:
            message += " " + _("The failed runs' errors are in errors.json.")
        raise RunsFailed(message)


def morris(
    u: dict[str, Any], base: Sequence[str], progress: bool | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """Morris screen: (experiments, outcomes, ranked table of mu_star with its 95% CI and
    sigma, or None when a run failed or gave no value of the KPI)."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    problem = _problem(u["dims"])
    levels = u["morris_levels"]
    x = sample.sample(problem, u["morris_trajectories"], num_levels=levels, seed=_rng(u))
    experiments, outcomes = run_stage(u, "morris", u["dims"], x, base, 0, progress)
    if len(outcomes) < len(x) or (outcomes["status"] != "ok").any():
        return experiments, outcomes, None
    y = outcomes[u["kpi"]].to_numpy(dtype=float)
    res = analyze.analyze(problem, x, y, num_levels=levels, seed=_rng(u))
    df = pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu_star": res["mu_star"],
            "mu_star_conf": res["mu_star_conf"],
            "sigma": res["sigma"],
        }
    )
    df = df.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    return experiments, outcomes, df


def sobol(
    u: dict[str, Any],
    names: list[str],
    base: Sequence[str],
    start: int = 0,
    progress: bool | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """Sobol S1 and ST with 95% CIs over the named parameters, the other uncertain
    parameters fixed at their configured values: (experiments, outcomes, indices or None
    when a run failed or gave no value of the KPI)."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    dims = [d for d in u["dims"] if d.key in names]
    problem = _problem(dims)
    x = sample.sample(problem, u["sobol_samples"], calc_second_order=False, seed=_rng(u))
    experiments, outcomes = run_stage(u, "sobol", dims, x, base, start, progress)
    if len(outcomes) < len(x) or (outcomes["status"] != "ok").any():
        return experiments, outcomes, None
    y = outcomes[u["kpi"]].to_numpy(dtype=float)
    res = analyze.analyze(problem, y, calc_second_order=False, seed=_rng(u))
    return (
        experiments,
        outcomes,
        pd.DataFrame(
            {
                "parameter": problem["names"],
                "S1": res["S1"],
                "S1_conf": res["S1_conf"],
                "ST": res["ST"],
                "ST_conf": res["ST_conf"],
            }
        ),
    )


def plot(m: pd.DataFrame, s: pd.DataFrame | None, kpi: str, path: Path) -> None:
    """Morris mu* against sigma (mu* with its 95% CI), and Sobol indices with CI bars."""
    from experiments.analysis.plots import plt, save_figure

    _ = translator()
    n = 2 if s is not None and len(s) else 1
    fig, axes = plt.subplots(1, n, figsize=(6 * n, 0.3 * len(m) + 4), squeeze=False)
    ax = axes[0, 0]
    ax.errorbar(m["mu_star"], m["sigma"], xerr=m["mu_star_conf"], fmt="o", capsize=3)
    for _i, row in m.iterrows():
        ax.annotate(
            row["parameter"],
            (row["mu_star"], row["sigma"]),
            fontsize=8,
            xytext=(4, 4),
            textcoords="offset points",
        )
    top = float(np.nanmax([m["mu_star"].max() + m["mu_star_conf"].max(), m["sigma"].max(), 0]))
    ax.plot([0, top], [0, top], "--", color="grey", lw=1, label=_("sigma = mu*"))
    ax.set_xlabel(_("Morris mu* on {kpi} (95% CI)").format(kpi=kpi))
    ax.set_ylabel(_("Morris sigma (interactions, non-linearity)"))
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    if s is not None and n == 2:
        ax = axes[0, 1]
        y = np.arange(len(s))
        ax.barh(y - 0.2, s["S1"], 0.4, xerr=s["S1_conf"], label=_("S1 (first order)"), capsize=3)
        ax.barh(y + 0.2, s["ST"], 0.4, xerr=s["ST_conf"], label=_("ST (total)"), capsize=3)
        ax.set_yticks(y, s["parameter"])
        ax.set_xlabel(_("Sobol index (95% CI)"))
        ax.legend()
    fig.tight_layout()
    save_figure(fig, path)


def _write_tables(out_dir: Path, parts: list[tuple[pd.DataFrame, pd.DataFrame]]) -> None:
    write_parquet(
        out_dir / "experiments.parquet", pd.concat([p[0] for p in parts], ignore_index=True)
    )
    write_parquet(out_dir / "outcomes.parquet", pd.concat([p[1] for p in parts], ignore_index=True))


def sensitivity(
    u: dict[str, Any], overrides: Sequence[str], out_dir: Path, progress: bool | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Morris, then Sobol on the top parameters; writes the tables and the plot.

    Both ends of every range are checked first (``experiments.runs.checks``). Every run's
    inputs and outcomes are written (``experiments.parquet``, ``outcomes.parquet``) before
    any index; a stage in which a run failed or gave no value of the KPI computes no index.

    Raises:
        RunsFailed: a run failed or gave no value of the KPI (exit code 1).
    """
    base = [*u["base"], *overrides]
    check_ends(u["dims"], base, "uncertainty.parameters")
    u["fixed"] = fixed_values(u["dims"], base)
    u["out_dir"] = out_dir
    x_m, y_m, m = morris(u, base, progress)
    parts = [(x_m, y_m)]
    _write_tables(out_dir, parts)
    if m is None:
        _check_complete(u, "Morris", y_m, len(x_m))
    assert m is not None
    write_csv(out_dir / "morris.csv", m)
    s = None
    if u["sobol_top"] > 0:
        x_s, y_s, s = sobol(u, list(m["parameter"][: u["sobol_top"]]), base, len(x_m), progress)
        parts.append((x_s, y_s))
        _write_tables(out_dir, parts)
        if s is None:
            plot(m, None, u["kpi"], out_dir / "sensitivity.png")
            _check_complete(u, "Sobol", y_s, len(x_s))
        assert s is not None
        write_csv(out_dir / "sobol.csv", s)
    plot(m, s, u["kpi"], out_dir / "sensitivity.png")
    return m, s


def main(args: Sequence[str]) -> int:
    """``commsim sensitivity [uncertainty=<name>] [overrides]``."""
    from experiments.runs.hydra_app import run_app

    return run_app("sensitivity", args, _job, check_line=_precheck)


def _precheck(cfg: DictConfig, line: Sequence[str] = ()) -> None:
    """Everything before Hydra makes the run folder: the options, the simulation with the
    command line's overrides, and both ends of every range."""
    from experiments.runs.hydra_app import user_overrides
    from sim.runner import check

    u = check_uncertainty(cfg)
    check(sim_config(cfg, SENSITIVITY_KEYS))
    rest = strip_keys(user_overrides(line) or [], SENSITIVITY_KEYS)
    check_ends(u["dims"], [*u["base"], *rest], "uncertainty.parameters")


def _job(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    _ = translator()
    u = check_uncertainty(cfg)
    rest = strip_keys(overrides, SENSITIVITY_KEYS)
    u["failures"] = Failures()
    m, s = sensitivity(u, rest, out_dir)
    print(_("Morris screen of {kpi} ({n} parameters):").format(kpi=u["kpi"], n=len(m)))
    print(m.to_string(index=False, float_format=lambda v: f"{v:,.4g}"))
    if s is not None:
        k = len(u["dims"])
        scope = (
            _("Sobol indices over all {k} uncertain parameters:").format(k=k)
            if len(s) == k
            else _(
                "Sobol indices over Morris's top {top} of {k} parameters, the other {rest} "
                "fixed at their configured values (indices conditional on those values):"
            ).format(top=len(s), k=k, rest=k - len(s))
        )
        print("\n" + scope)
        print(s.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    print("\n" + _("outputs: {path}").format(path=out_dir.resolve()))
