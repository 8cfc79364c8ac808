"""``commsim compare``: plans side by side, in one or more scenarios, with the decision.

Every playbook runs ``reps`` times in every scenario (``scenarios=[base,crisis_day90]``:
``experiments.runs.scenarios``); replication r uses seed ``seed + r`` for every playbook
and scenario (common random numbers), so differences are paired. The first playbook is the
baseline: every run also gets its paired KPIs against the baseline's run of the same
replication and scenario (``incremental_members``, ``incremental_roi``,
``cost_per_incremental_member``...; ``sim.kpis``). Outputs in the run folder:
``runs.parquet`` (scenario, playbook, rep, seed, day, every metric), ``runs_summary.csv``
(one row per run, every KPI), ``summary.csv`` (per scenario, playbook and KPI: mean and 95%
CI), ``differences.csv`` (paired differences against the baseline: mean, CI, paired t and
Wilcoxon p-values, effect size d_z), ``ranking.csv`` (by ``rank_by``, per scenario),
``segments.csv`` (the KPIs by segment), ``decision.json`` and ``summary.xlsx`` (every table
in one workbook), plots (PNG, or ``plot_format=[png,svg,pdf]``) and a self-contained
``report.html`` that opens with the decision (``experiments.analysis.decision``), in
``lang=en|zh`` with amounts in ``currency``. Every CSV is UTF-8 with a byte-order mark
(Excel shows Chinese). A rerun in the same folder skips finished runs. ``commsim compare
-m`` runs one comparison per job of a sweep and collects their tables, the swept
parameters as columns (``experiments.commands.collect``).
``from=DIR`` (a folder of ``commsim calibrate ... as_of=DATE``) compares from the community's
observed state on that day, with the fitted baseline (``experiments.calibration.from_folder``);
with ``posterior=on`` (a calibration by ``calibration.method=abc``) each replication draws its
fitted values from the folder's posterior sample, the same draw for every playbook.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from experiments.analysis.decision import Decision
from experiments.analysis.stats import (
    incremental,
    paired_differences,
    ranking,
    segment_table,
    summary_table,
)
from experiments.runs.compare_options import COMPARE_KEYS, check_options
from experiments.runs.executors import (
    RunsFailed,
    execute,
    failure_lines,
    raise_if_failed,
)
from experiments.runs.hydra_app import strip_keys, user_overrides
from experiments.runs.jobs import Job, config_keys
from experiments.runs.playbook_overrides import for_hydra, per_playbook
from experiments.runs.scenarios import BASE, Scenario
from experiments.runs.store import RunStore
from sim.io import write_csv, write_json
from sim.runner import compose


@dataclass
class Comparison:
    """The tables of a finished comparison (``scenario`` and ``playbook`` label each row)."""

    runs: pd.DataFrame
    per_run: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    ranking: pd.DataFrame
    failed: list[dict[str, Any]]
    out_dir: Path
    segments: pd.DataFrame = field(default_factory=pd.DataFrame)
    decision: Decision | None = None
    missing: list[str] = field(default_factory=list)


def missing_runs(per_run: pd.DataFrame, options: dict[str, Any]) -> list[str]:
    """Each scenario's playbooks with fewer finished runs than ``reps``, as
    ``"scenario/playbook: k of reps runs"`` (empty when every run finished)."""
    out = []
    for scenario in options["scenarios"]:
        rows = per_run[per_run["scenario"] == scenario.name] if "scenario" in per_run else per_run
        for book in options["playbooks"]:
            n = int((rows["playbook"] == book).sum())
            if n < options["reps"]:
                out.append(f"{scenario.name}/{book}: {n} of {options['reps']} runs")
    return out


def _failed(error: dict[str, Any]) -> Any:
    from experiments.runs.jobs import JobResult

    return JobResult(error.get("labels", {}), key="", error=error.get("error"))


def make_jobs(
    options: dict[str, Any], overrides: Sequence[str], cfg: DictConfig | None = None
) -> list[Job]:
    """One job per scenario, playbook and replication; replication r uses the same seed in
    every scenario and for every playbook (common random numbers)."""
    base = strip_keys(overrides, (*COMPARE_KEYS, "seed", "playbook"))
    drawn = posterior_draws(options, base)
    books = per_playbook(options["playbooks"], base)  # levers where they exist, all checked
    jobs = []
    for scenario in options.get("scenarios") or [Scenario(BASE)]:
        for book in options["playbooks"]:
            world = scenario.overrides(compose(books[book]) if scenario.factors else None)
            for rep in range(options["reps"]):
                seed = options["seed"] + rep
                jobs.append(
                    Job(
                        (*books[book], *drawn[rep], *world, f"seed={seed}"),
                        (
                            ("scenario", scenario.name),
                            ("playbook", book),
                            ("rep", rep),
                            ("seed", seed),
                        ),
                        salt=f"scenario={scenario.name}",
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


def run_jobs(
    store: RunStore,
    jobs: list[Job],
    options: dict[str, Any],
    progress: bool | None,
    what: str = "runs",
) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """Run (or resume) ``jobs`` into ``store``; returns their daily table, their summary rows
    and their keys. A job's key is its resolved config and its scenario's name."""
    keys = config_keys(jobs)
    done = store.done_keys()
    todo = [job for job in jobs if keys[job] not in done]
    if len(todo) < len(jobs):
        print(f"{what}: {len(jobs) - len(todo)} of {len(jobs)} already done", flush=True)
    execute(
        todo,
        executor=options["executor"],
        workers=options["workers"],
        on_result=store.save,
        progress=progress,
    )
    runs, per_run = store.load(set(keys.values()))
    return runs, per_run, set(keys.values())


def _ordered(frame: pd.DataFrame, options: dict[str, Any], extra: Sequence[str]) -> pd.DataFrame:
    order = {
        "scenario": {s.name: i for i, s in enumerate(options["scenarios"])},
        "playbook": {b: i for i, b in enumerate(options["playbooks"])},
    }
    cols = [c for c in ("scenario", "playbook", *extra) if c in frame]
    return frame.sort_values(
        cols, key=lambda c: c.map(order[c.name]) if c.name in order else c
    ).reset_index(drop=True)


def compare(
    options: dict[str, Any], overrides: Sequence[str], out_dir: Path, progress: bool | None = None
) -> Comparison:
    """Run (or resume) a comparison into ``out_dir`` and write every table and the report."""
    store = RunStore(out_dir)
    runs, per_run, keys = run_jobs(store, make_jobs(options, overrides), options, progress)
    if per_run.empty:
        lines = "\n".join(failure_lines([_failed(e) for e in store.errors]))
        raise RunsFailed(f"every run failed (errors in {out_dir / 'errors.json'}):\n{lines}")
    baseline = options["playbooks"][0]
    if baseline not in set(per_run["playbook"]):
        raise RunsFailed(
            f"every run of the baseline {baseline} failed, so nothing can be compared with "
            f"it (errors in {out_dir / 'errors.json'}):\n"
            + "\n".join(failure_lines([_failed(e) for e in store.errors]))
        )
    per_run = _ordered(incremental(per_run, baseline, pair=("scenario", "rep")), options, ["rep"])
    runs = _ordered(runs, options, ["rep", "day"])
    kpis = options["kpis"]
    table = summary_table(per_run, kpis)
    result = Comparison(
        runs,
        per_run,
        table,
        paired_differences(per_run, kpis, baseline),
        ranking(table, options["rank_by"]),
        store.errors,
        out_dir,
        segments=segment_table(store.segments(keys), baseline),
        missing=missing_runs(per_run, options),
    )
    from experiments.analysis.decision import decide

    result.decision = decide(result, options, overrides, store, progress)
    write_tables(result, options)
    from experiments.analysis.report import write_report

    write_report(result, options, list(overrides))
    return result


def write_tables(result: Comparison, options: dict[str, Any]) -> None:
    """Every table, written atomically: CSV (UTF-8 with a byte-order mark) and one workbook."""
    from experiments.analysis.exports import write_workbook
    from sim.io import write_parquet

    out = result.out_dir
    write_parquet(out / "runs.parquet", result.runs)
    for name, df in (
        ("runs_summary", result.per_run),
        ("summary", result.summary),
        ("differences", result.differences),
        ("ranking", result.ranking),
        ("segments", result.segments),
    ):
        write_csv(out / f"{name}.csv", df)
    if result.decision is not None:
        write_json(out / "decision.json", result.decision.to_dict())
    write_workbook(result, out / "summary.xlsx", options["lang"], options["currency"])


def format_table(result: Comparison, options: dict[str, Any]) -> str:
    """The decision and the KPI table printed at the end: mean [95% CI] per playbook."""
    from experiments.analysis.labels import Labels

    lab = Labels(options["lang"], options["currency"])
    _ = lab.t
    first = options["scenarios"][0].name
    part = result.summary[result.summary.get("scenario", first) == first]
    wide: dict[str, dict[str, str]] = {}
    for _i, row in part.iterrows():
        k = row["kpi"]
        cell = lab.value(k, row["mean"], units=False)
        if row["ci_low"] != row["ci_high"] and not pd.isna(row["ci_low"]):
            low = lab.value(k, row["ci_low"], units=False)
            high = lab.value(k, row["ci_high"], units=False)
            cell += f" [{low}, {high}]"
        wide.setdefault(lab.kpi(row["kpi"]), {})[row["playbook"]] = cell
    frame = pd.DataFrame(wide).T
    frame = frame[[b for b in options["playbooks"] if b in frame]]
    lines = []
    if result.decision is not None:
        lines += [result.decision.text(lab), ""]
    lines += [
        _("{plans} playbooks x {reps} replications (mean [95% CI])").format(
            plans=len(options["playbooks"]), reps=options["reps"]
        )
        + (_(", scenario: {name}").format(name=first) if len(options["scenarios"]) > 1 else ""),
        frame.to_string(),
    ]
    if result.failed:
        lines.append(
            "\n"
            + _("{n} runs failed: see {path}").format(
                n=len(result.failed), path=result.out_dir / "errors.json"
            )
        )
    if result.missing:
        lines.append(_("results lacking runs: {what}").format(what="; ".join(result.missing)))
    lines.append(
        "\n"
        + _("outputs: {path}").format(path=result.out_dir.resolve())
        + "\n"
        + _("report:  {path}").format(path=(result.out_dir / "report.html").resolve())
    )
    return "\n".join(lines)


def main(args: Sequence[str]) -> int:
    """Run ``commsim compare`` as a Hydra application with ``args`` as its command line."""
    from experiments.calibration.from_folder import expand_from
    from experiments.runs.hydra_app import run_app

    line: list[str] = []

    def rewrite(args: Sequence[str]) -> list[str]:
        line[:] = for_hydra(expand_from(args))
        return line

    def precheck(cfg: DictConfig) -> None:
        """Everything before the first run: compare's keys, then each playbook's config with
        its overrides (a lever only where the playbook has it: playbook_overrides)."""
        options = check_options(cfg)
        given = user_overrides(line)
        if given is not None:
            per_playbook(
                options["playbooks"], strip_keys(given, (*COMPARE_KEYS, "seed", "playbook"))
            )

    return run_app("compare", args, _job, check=precheck, rewrite=rewrite)


def _job(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    options = check_options(cfg)
    result = compare(options, overrides, out_dir)
    print(format_table(result, options))
    sys.stdout.flush()
    failed = [_failed(e) for e in result.failed]
    raise_if_failed(failed, len(failed) + len(result.per_run), str(out_dir / "errors.json"))


__all__ = [
    "COMPARE_KEYS",
    "Comparison",
    "check_options",
    "compare",
    "format_table",
    "main",
    "make_jobs",
    "run_jobs",
]
