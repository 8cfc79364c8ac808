"""The best levers of a study: re-run on fresh seeds, and written as the overrides that
reproduce it (``commsim optimise``'s ``recheck.csv`` and ``best.yaml``).

A study scores each trial by its mean KPI over the same replication seeds (``search.seed``
to ``search.seed + search.reps - 1``). The best of many such means is biased upwards: it
was chosen because it came out high on those seeds (the winner's curse). So the best
``search.recheck.top`` trials within the budget are run again on ``search.recheck.reps``
seeds the study never used, every candidate on the same seeds (common random numbers), and
the best is the candidate with the best mean on those fresh seeds, within the budget on
them; its 95% t-interval (:func:`experiments.analysis.stats.mean_ci`, the comparison's
interval) is reported next to its in-sample mean.

``best.yaml`` holds every override that defines the study, in the order the study applied
them (the search file's ``base``, the command line's, the best levers), an override of a
key given again later replaced by the later one, and the study's seeds:
``commsim run <overrides> seed=S`` gives ``runs[i]`` for ``S = seeds[i]``, and the mean of
``runs`` is ``value``, the in-sample value the study reported.

Also here: what ``commsim optimise`` prints (:func:`summary_text`) and the failure when no
trial stayed within the budget (:class:`NoTrialWithinBudget`, exit code 1).
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis.stats import fmt, mean_ci
from experiments.runs.evaluate import evaluate
from experiments.runs.executors import EXIT_RUNS_FAILED, Failures, RunsFailed
from experiments.runs.space import as_overrides
from sim.errors import CommsimError


class NoTrialWithinBudget(CommsimError):
    """No finished trial of a study kept its mean cost within ``search.budget``.

    The input was valid and the trials ran, so the command exits with code 1 (a failure
    during the run, docs/errors.md), after writing ``trials.csv`` and the plot.

    Args:
        message: how many trials, the cheapest cost against the budget, and the fix.
    """

    exit_code = EXIT_RUNS_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(message)


def merge_overrides(overrides: Sequence[str]) -> list[str]:
    """Overrides with each key once: a key given again replaces its earlier value.

    ``[days=180, community.n=1000, days=90]`` gives ``[community.n=1000, days=90]``, which
    Hydra composes to the same config (its last value of a key wins). When the earlier one
    added the key (``+key=``, ``++key=``) the later one becomes ``++key=`` (add or set).
    Deletions (``~key``) stay as they are.
    """
    out: dict[str, str] = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or key.startswith("~"):
            out[item] = item
            continue
        bare = key.lstrip("+")
        prefix = key[: len(key) - len(bare)]
        earlier = out.pop(bare, None)
        if earlier is not None and earlier.startswith("+") and not prefix:
            prefix = "++"
        out[bare] = f"{prefix}{bare}={value}"
    return list(out.values())


def seeds_of(search: Mapping[str, Any]) -> tuple[list[int], list[int]]:
    """The study's replication seeds and the fresh seeds of the re-run."""
    study = list(range(search["seed"], search["seed"] + search["reps"]))
    r = search["recheck"]
    return study, list(range(r["seed"], r["seed"] + r["reps"]))


def candidates(trials: pd.DataFrame, top: int, maximise: bool) -> pd.DataFrame:
    """The ``top`` best trials within the budget, best in-sample value first."""
    feasible = trials[trials["feasible"]]
    return feasible.sort_values("kpi", ascending=not maximise, kind="stable").head(top)


def recheck(
    trials: pd.DataFrame,
    levers: Mapping[int, dict[str, Any]],
    search: Mapping[str, Any],
    base: Sequence[str],
    maximise: bool,
    failures: Failures | None = None,
) -> pd.DataFrame:
    """Run the best trials within the budget again on fresh seeds.

    Args:
        trials: the study's trials (``trial``, ``kpi``, ``cost_total``, ``feasible``).
        levers: each trial's levers, by trial number (Optuna's values, as the trial ran).
        search: the checked search options (``recheck``: ``top``, ``reps``, ``seed``).
        base: the study's overrides (search base and command line).
        maximise: whether a larger KPI is better.
        failures: collects failed runs (written to ``errors.json``).

    Returns:
        One row per candidate, the best first: ``trial``, the levers, ``in_sample`` (the
        study's mean), ``fresh_mean``, ``ci_low``, ``ci_high`` (95% t-interval),
        ``fresh_runs``, ``cost_in_sample``, ``fresh_cost`` and ``within_budget`` (fresh mean
        cost within ``search.budget``). Candidates within the budget on the fresh seeds come
        first, then by fresh mean; a candidate without a finished fresh run comes last.
    """
    r, kpi, budget = search["recheck"], search["kpi"], search.get("budget")
    chosen = candidates(trials, r["top"], maximise)
    settings = [levers[int(t)] for t in chosen["trial"]]
    try:
        runs = evaluate(
            settings,
            base,
            r["reps"],
            r["seed"],
            search["executor"],
            search["workers"],
            progress=False,
            on_result=failures,
        )
    except RunsFailed:  # listed by ``failures``; the candidates keep their in-sample values
        runs = pd.DataFrame({"setting": [], kpi: [], "cost_total": []})
    rows = []
    for i, (_, trial) in enumerate(chosen.iterrows()):
        own = runs[runs["setting"] == i]
        mean, low, high = mean_ci(own[kpi].to_numpy(dtype=float))
        cost = float(own["cost_total"].mean()) if len(own) else float("nan")
        rows.append(
            {
                "trial": int(trial["trial"]),
                **settings[i],
                "in_sample": float(trial["kpi"]),
                "fresh_mean": mean,
                "ci_low": low,
                "ci_high": high,
                "fresh_runs": len(own),
                "cost_in_sample": float(trial["cost_total"]),
                "fresh_cost": cost,
                "within_budget": budget is None or cost <= budget,
            }
        )
    sign = -1.0 if maximise else 1.0
    rows.sort(
        key=lambda row: (
            math.isnan(row["fresh_mean"]),
            not row["within_budget"],
            sign * (0.0 if math.isnan(row["fresh_mean"]) else row["fresh_mean"]),
            sign * row["in_sample"],
        )
    )
    return pd.DataFrame(rows)


def run_command(overrides: Sequence[str], seeds: Sequence[int], config_dir: str | None) -> str:
    """The ``commsim run -m`` command line that runs ``overrides`` with each of ``seeds``."""
    folder = [f"--config-dir={config_dir}"] if config_dir else []
    seed = "seed=" + ",".join(str(s) for s in seeds)
    return shlex.join(["commsim", "run", "-m", *folder, *overrides, seed])


def best_record(
    search: Mapping[str, Any],
    base: Sequence[str],
    fresh: pd.DataFrame,
    levers: Mapping[int, dict[str, Any]],
    study_runs: Mapping[int, list[float]],
    counts: Mapping[str, int],
    config_dir: str | None,
    maximise: bool,
) -> dict[str, Any]:
    """``best.yaml``'s content: the best candidate of :func:`recheck` (its first row)."""
    best = fresh.iloc[0]
    trial = int(best["trial"])
    chosen = {d.key: levers[trial][d.key] for d in search["dims"]}
    overrides = merge_overrides([*base, *as_overrides(chosen)])
    study_seeds, fresh_seeds = seeds_of(search)
    return {
        "study": search.get("name"),
        "kpi": search["kpi"],
        "direction": "max" if maximise else "min",
        "value": float(best["in_sample"]),
        "seeds": study_seeds,
        "runs": [_plain(v) for v in study_runs[trial]],
        "cost_total": float(best["cost_in_sample"]),
        "budget": search.get("budget"),
        "trial": trial,
        "levers": chosen,
        "overrides": overrides,
        "config_dir": config_dir,
        "command": run_command(overrides, study_seeds, config_dir),
        "fresh": {
            "seeds": fresh_seeds,
            "runs": int(best["fresh_runs"]),
            "mean": _plain(best["fresh_mean"]),
            "ci_low": _plain(best["ci_low"]),
            "ci_high": _plain(best["ci_high"]),
            "cost_total": _plain(best["fresh_cost"]),
            "within_budget": bool(best["within_budget"]),
            "candidates": len(fresh),
        },
        "trials": dict(counts),
    }


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value (YAML writes Python types only); NaN as None."""
    value = value.item() if hasattr(value, "item") else value
    return None if isinstance(value, float) and math.isnan(value) else value


def best_yaml(record: Mapping[str, Any]) -> str:
    """``best.yaml``'s text: what it is and how to reproduce it (comments), then the record."""
    import yaml

    from experiments.i18n import translator

    _ = translator()
    fresh = record["fresh"]
    lines = [
        _("The best levers of the study {study} for {kpi} ({direction}), trial {trial}.").format(
            study=record["study"] or "-",
            kpi=record["kpi"],
            direction=record["direction"],
            trial=record["trial"],
        ),
        _("In-sample value {value}: the mean of runs over seeds {seeds}.").format(
            value=fmt(record["value"]), seeds=_seed_text(record["seeds"])
        ),
        _("On {n} fresh seeds ({seeds}): {mean} [95% CI {low}, {high}].").format(
            n=len(fresh["seeds"]),
            seeds=_seed_text(fresh["seeds"]),
            mean=fmt(fresh["mean"]),
            low=fmt(fresh["ci_low"]),
            high=fmt(fresh["ci_high"]),
        ),
        _("Reproduce: commsim run <overrides> seed=S gives the run of seed S; all at once:"),
        "  " + record["command"],
    ]
    head = "".join(f"# {line}\n" for line in lines)
    return head + yaml.safe_dump(dict(record), sort_keys=False, allow_unicode=True, width=1000)


def _seed_text(seeds: Sequence[int]) -> str:
    """Consecutive seeds as ``first-last`` (one seed as itself)."""
    return str(seeds[0]) if len(seeds) == 1 else f"{seeds[0]}-{seeds[-1]}"


def no_trial_message(
    trials: pd.DataFrame, search: Mapping[str, Any], counts: Mapping[str, int], out_dir: Path
) -> str:
    """Why there is no best: the trials, the cheapest cost against the budget, the fix."""
    from experiments.i18n import translator

    _ = translator()
    cheapest = trials.loc[trials["cost_total"].idxmin()]
    return _(
        "no trial met the budget: all {n} finished trials had a mean cost_total above "
        "search.budget={budget}; the cheapest, trial {trial}, cost {cost}. Raise "
        "search.budget or narrow the lever ranges (search.space) to cheaper settings. "
        "Every trial's levers and cost: {path}"
    ).format(
        n=counts["finished"],
        budget=fmt(search["budget"]),
        trial=int(cheapest["trial"]),
        cost=fmt(float(cheapest["cost_total"])),
        path=(out_dir / "trials.csv").resolve(),
    )


def summary_text(
    best: Mapping[str, Any], fresh_table: pd.DataFrame, out_dir: Path, failed: bool = False
) -> str:
    """What ``commsim optimise`` prints: the best on fresh seeds next to its in-sample value,
    the trials over the budget, the candidates re-run, where the outputs are."""
    from experiments.i18n import translator

    _ = translator()
    fresh, counts = best["fresh"], best["trials"]
    lines = [
        _(
            "best {kpi}: {mean} [95% CI {low}, {high}] on {n} fresh seeds; "
            "in-sample {value} on the study's {reps} seeds (trial {trial})"
        ).format(
            kpi=best["kpi"],
            mean=fmt(fresh["mean"]),
            low=fmt(fresh["ci_low"]),
            high=fmt(fresh["ci_high"]),
            n=fresh["runs"],
            value=fmt(best["value"]),
            reps=len(best["seeds"]),
            trial=best["trial"],
        ),
        _("cost_total {cost} on fresh seeds, {in_sample} in-sample; budget {budget}").format(
            cost=fmt(fresh["cost_total"]),
            in_sample=fmt(best["cost_total"]),
            budget=fmt(best["budget"]),
        ),
        _(
            "trials: {finished} finished, {within} within the budget, {over} over it "
            "(infeasible), {failed} failed"
        ).format(
            finished=counts["finished"],
            within=counts["within_budget"],
            over=counts["over_budget"],
            failed=counts["failed"],
        ),
    ]
    if not fresh["within_budget"]:
        lines.append(_("warning: no candidate stayed within the budget on the fresh seeds"))
    table = fresh_table[["trial", "in_sample", "fresh_mean", "ci_low", "ci_high", "fresh_cost"]]
    lines += [
        _("the best {n} trials within the budget, re-run on fresh seeds:").format(n=len(table)),
        table.to_string(index=False, float_format=fmt),
        _("levers and overrides: {path}").format(path=(out_dir / "best.yaml").resolve()),
    ]
    if failed:
        lines.append(
            _("trials with a failed run are left out of {path}").format(
                path=(out_dir / "trials.csv").resolve()
            )
        )
    return "\n".join(lines)
