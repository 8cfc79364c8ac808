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
in one workbook), PNG plots and a self-contained ``report.html`` that opens with the
decision (``experiments.analysis.decision``), in ``lang=en|zh`` with amounts in
``currency``. Every CSV is UTF-8 with a byte-order mark (Excel shows Chinese). A rerun in
the same folder skips finished runs.
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
from omegaconf import DictConfig, ListConfig

from experiments.analysis.decision import Decision
from experiments.analysis.stats import (
    incremental,
    paired_differences,
    ranking,
    segment_table,
    summary_table,
)
from experiments.commands.playbooks import playbooks as available_playbooks
from experiments.i18n import check_lang
from experiments.runs.executors import EXECUTORS, execute
from experiments.runs.hydra_app import sim_config, strip_keys
from experiments.runs.jobs import Job, config_keys
from experiments.runs.scenarios import BASE, Scenario
from experiments.runs.scenarios import load as load_scenarios
from experiments.runs.store import RunStore
from sim import project
from sim.errors import ConfigError
from sim.io import write_csv, write_json
from sim.kpis import DEFAULT_KPIS, kpi
from sim.runner import compose

#: compare's own top-level keys (configs/compare.yaml); the rest is the simulation's
COMPARE_KEYS = (
    "playbooks",
    "scenarios",
    "reps",
    "rank_by",
    "kpis",
    "executor",
    "workers",
    "posterior",
    "lang",
    "currency",
    "check_assumptions",
)


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


def on_off(value: Any, key: str) -> bool:
    """An on/off switch (``on``, ``off``, true, false)."""
    if value in (True, "on", "true"):
        return True
    if value in (False, "off", "false", None):
        return False
    raise ConfigError(key, value, "use on or off")


LIST_FIX = "write one name (playbooks=weekly_qa) or a list in brackets: playbooks=[baseline,points]"


def playbook_names(value: Any) -> list[str]:
    """``playbooks=``: one name (``playbooks=weekly_qa``) or a list of names, as a list.

    Raises:
        ConfigError: naming ``playbooks`` when it is empty or not names.
    """
    if isinstance(value, str) and value.strip():
        return [value.strip()]
    if isinstance(value, ListConfig):
        value = list(value)
    if not isinstance(value, (list, tuple)) or not value:
        raise ConfigError("playbooks", value, f"give at least one playbook: {LIST_FIX}")
    for name in value:
        if not isinstance(name, str) or not name.strip():
            raise ConfigError("playbooks", name, f"give playbook names: {LIST_FIX}")
    return [name.strip() for name in value]


def check_options(cfg: DictConfig | dict) -> dict[str, Any]:
    """Validate the compare keys; returns them as plain values."""
    books = playbook_names(cfg.get("playbooks"))
    known = available_playbooks()
    for book in books:
        if book not in known:
            raise ConfigError("playbooks", book, f"no such playbook; use: {', '.join(known)}")
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
    currency = cfg.get("currency")
    if currency is not None and not isinstance(currency, str):
        raise ConfigError("currency", currency, "give the currency's symbol or code, e.g. ¥ or EUR")
    return {
        "playbooks": books,
        "scenarios": load_scenarios(list(cfg.get("scenarios") or [BASE]), project.config_dir()),
        "lang": check_lang(cfg.get("lang")),
        "currency": currency or "",
        "check_assumptions": on_off(cfg.get("check_assumptions", "on"), "check_assumptions"),
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


def make_jobs(
    options: dict[str, Any], overrides: Sequence[str], cfg: DictConfig | None = None
) -> list[Job]:
    """One job per scenario, playbook and replication; replication r uses the same seed in
    every scenario and for every playbook (common random numbers)."""
    base = strip_keys(overrides, (*COMPARE_KEYS, "seed", "playbook"))
    drawn = posterior_draws(options, base)
    jobs = []
    for scenario in options.get("scenarios") or [Scenario(BASE)]:
        for book in options["playbooks"]:
            world = scenario.overrides(
                compose([*base, f"playbook={book}"]) if scenario.factors else None
            )
            for rep in range(options["reps"]):
                seed = options["seed"] + rep
                jobs.append(
                    Job(
                        (*base, *drawn[rep], f"playbook={book}", *world, f"seed={seed}"),
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
        raise ConfigError("playbooks", options["playbooks"], "every run failed; see errors.json")
    baseline = options["playbooks"][0]
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
