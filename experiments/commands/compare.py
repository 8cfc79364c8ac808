"""``commsim compare``: playbooks side by side, with confidence intervals.

Every playbook runs ``reps`` times; replication r uses seed ``seed + r`` for every
playbook (common random numbers), so differences are paired. Outputs in the run folder:
``runs.parquet`` (playbook, rep, seed, day, every metric), ``runs_summary.csv`` (one row
per run, every KPI), ``summary.csv`` (per playbook and KPI: mean and 95% CI),
``differences.csv`` (paired differences against the first playbook: mean, CI, paired t
and Wilcoxon p-values, effect size d_z), ``ranking.csv`` (by ``rank_by``), PNG plots and a
self-contained ``report.html``. A rerun in the same folder skips finished runs.
``from=DIR`` (a folder of ``commsim calibrate ... as_of=DATE``) compares from the community's
observed state on that day, with the fitted baseline (``experiments.calibration.from_folder``);
with ``posterior=on`` (a calibration by ``calibration.method=abc``) each replication draws its
fitted values from the folder's posterior sample, the same draw for every playbook.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from experiments.analysis.stats import fmt, paired_differences, ranking, summary_table
from experiments.commands.playbooks import playbooks as available_playbooks
from experiments.runs.executors import EXECUTORS, execute
from experiments.runs.hydra_app import sim_config, strip_keys
from experiments.runs.jobs import Job, config_key
from experiments.runs.store import RunStore
from sim.errors import ConfigError
from sim.io import write_text
from sim.kpis import DEFAULT_KPIS, kpi

#: compare's own top-level keys (configs/compare.yaml); the rest is the simulation's
COMPARE_KEYS = ("playbooks", "reps", "rank_by", "kpis", "executor", "workers", "posterior")


@dataclass
class Comparison:
    """The tables of a finished comparison."""

    runs: pd.DataFrame
    per_run: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    ranking: pd.DataFrame
    failed: list[dict[str, Any]]
    out_dir: Path


def check_options(cfg: DictConfig | dict) -> dict[str, Any]:
    """Validate the compare keys; returns them as plain values."""
    books = list(cfg.get("playbooks") or [])
    known = available_playbooks()
    if not books:
        raise ConfigError("playbooks", books, "give at least one, e.g. playbooks=[baseline,points]")
    for name in books:
        if name not in known:
            raise ConfigError("playbooks", name, f"no such playbook; use: {', '.join(known)}")
    if len(set(books)) != len(books):
        raise ConfigError("playbooks", books, "name each playbook once")
    reps = cfg.get("reps")
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise ConfigError("reps", reps, "give a whole number of replications >= 1")
    kpis = list(cfg.get("kpis") or DEFAULT_KPIS)
    rank_by = cfg.get("rank_by")
    for key, names in (("kpis", kpis), ("rank_by", [rank_by])):
        for name in names:
            kpi(name, key)
    if rank_by not in kpis:
        kpis.append(rank_by)
    executor = cfg.get("executor")
    if executor not in EXECUTORS:
        raise ConfigError("executor", executor, f"use one of: {', '.join(EXECUTORS)}")
    workers = cfg.get("workers")
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ConfigError("workers", workers, "give a whole number >= 1, or null for one per core")
    return {
        "playbooks": books,
        "reps": reps,
        "kpis": kpis,
        "rank_by": rank_by,
        "executor": executor,
        "workers": workers,
        "seed": int(cfg.get("seed", 0)),
        "posterior": check_posterior(cfg.get("posterior")),
    }


def check_posterior(value: Any) -> str | None:
    """``posterior``: off (null), or the posterior sample that ``from=DIR posterior=on``
    names (``experiments.calibration.from_folder.posterior_path``).

    Raises:
        ConfigError: on ``posterior`` for on without ``from=DIR``, a missing sample, or
            another value.
    """
    from experiments.calibration.posterior import read_posterior

    text = str(value).strip() if value not in (None, False) else "off"
    if text.lower() == "off":
        return None
    if text.lower() == "on" or value is True:
        raise ConfigError(
            "posterior",
            value,
            "posterior=on draws from a calibration's posterior sample: give from=DIR "
            "(a folder of commsim calibrate ... calibration.method=abc)",
        )
    if not text.endswith(".parquet"):
        raise ConfigError("posterior", value, "use on (with from=DIR) or off")
    read_posterior(Path(text))
    return text


def make_jobs(options: dict[str, Any], overrides: Sequence[str]) -> list[Job]:
    """One job per playbook and replication; replication r uses the same seed everywhere."""
    base = strip_keys(overrides, (*COMPARE_KEYS, "seed", "playbook"))
    drawn = posterior_draws(options, base)
    jobs = []
    for book in options["playbooks"]:
        for rep in range(options["reps"]):
            seed = options["seed"] + rep
            jobs.append(
                Job(
                    (*base, *drawn[rep], f"playbook={book}", f"seed={seed}"),
                    (("playbook", book), ("rep", rep), ("seed", seed)),
                )
            )
    return jobs


def posterior_draws(options: dict[str, Any], base: Sequence[str]) -> list[list[str]]:
    """Per replication, the fitted values drawn from the posterior sample with the
    replication's seed (the same for every playbook), or nothing with ``posterior=off``.
    Keys the user set on the command line keep the user's value."""
    if not options.get("posterior"):
        return [[] for _ in range(options["reps"])]
    from experiments.calibration.from_folder import draw_overrides

    taken = [o.split("=", 1)[0].lstrip("+~") for o in base if "=" in o]
    return [
        draw_overrides(options["posterior"], options["seed"] + rep, taken)
        for rep in range(options["reps"])
    ]


def compare(
    options: dict[str, Any], overrides: Sequence[str], out_dir: Path, progress: bool | None = None
) -> Comparison:
    """Run (or resume) a comparison into ``out_dir`` and write every table and the report."""
    store = RunStore(out_dir)
    jobs = make_jobs(options, overrides)
    keys = {job: config_key(job.overrides) for job in jobs}
    done = store.done_keys()
    todo = [job for job in jobs if keys[job] not in done]
    if len(todo) < len(jobs):
        print(f"resuming: {len(jobs) - len(todo)} of {len(jobs)} runs already done", flush=True)
    execute(
        todo,
        executor=options["executor"],
        workers=options["workers"],
        on_result=store.save,
        progress=progress,
    )
    runs, per_run = store.load(set(keys.values()))
    if per_run.empty:
        raise ConfigError("playbooks", options["playbooks"], "every run failed; see errors.json")
    order = {b: i for i, b in enumerate(options["playbooks"])}
    per_run = per_run.sort_values(
        ["playbook", "rep"], key=lambda c: c.map(order) if c.name == "playbook" else c
    ).reset_index(drop=True)
    runs = runs.sort_values(
        ["playbook", "rep", "day"], key=lambda c: c.map(order) if c.name == "playbook" else c
    ).reset_index(drop=True)
    kpis = options["kpis"]
    table = summary_table(per_run, kpis)
    result = Comparison(
        runs,
        per_run,
        table,
        paired_differences(per_run, kpis, options["playbooks"][0]),
        ranking(table, options["rank_by"]),
        store.errors,
        out_dir,
    )
    write_tables(result)
    from experiments.analysis.report import write_report

    write_report(result, options)
    return result


def write_tables(result: Comparison) -> None:
    """Every table, written atomically."""
    from sim.io import write_parquet

    out = result.out_dir
    write_parquet(out / "runs.parquet", result.runs)
    for name, df in (
        ("runs_summary", result.per_run),
        ("summary", result.summary),
        ("differences", result.differences),
        ("ranking", result.ranking),
    ):
        write_text(out / f"{name}.csv", df.to_csv(index=False))


def format_table(result: Comparison, options: dict[str, Any]) -> str:
    """The KPI table printed at the end: mean [95% CI] per playbook."""
    wide: dict[str, dict[str, str]] = {}
    for _, row in result.summary.iterrows():
        cell = f"{fmt(row['mean'])} [{fmt(row['ci_low'])}, {fmt(row['ci_high'])}]"
        wide.setdefault(row["kpi"], {})[row["playbook"]] = cell
    frame = pd.DataFrame(wide).T
    frame = frame[[b for b in options["playbooks"] if b in frame]]
    lines = [
        f"commsim compare: {len(options['playbooks'])} playbooks x {options['reps']} "
        f"replications (mean [95% CI])",
        frame.to_string(),
        "",
        f"ranking by {options['rank_by']}:",
        result.ranking.to_string(index=False, float_format=fmt),
    ]
    if result.failed:
        lines.append(f"\n{len(result.failed)} runs failed: see {result.out_dir / 'errors.json'}")
    lines.append(
        f"\noutputs: {result.out_dir.resolve()}\nreport:  "
        f"{(result.out_dir / 'report.html').resolve()}"
    )
    return "\n".join(lines)


def main(args: Sequence[str]) -> int:
    """Run ``commsim compare`` as a Hydra application with ``args`` as its command line."""
    from experiments.calibration.from_folder import expand_from
    from experiments.runs.hydra_app import run_app

    return run_app("compare", args, _job, check=_precheck, rewrite=expand_from)


def _precheck(cfg: DictConfig) -> None:
    from sim.runner import check

    check_options(cfg)
    check(sim_config(cfg, COMPARE_KEYS))


def _job(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    options = check_options(cfg)
    result = compare(options, overrides, out_dir)
    print(format_table(result, options))
    sys.stdout.flush()
