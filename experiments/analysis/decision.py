"""The decision a comparison supports: which plan, how much it adds, what it costs, how sure.

:func:`decide` reads a finished comparison and returns a :class:`Decision`:

- the **recommended plan**: the one that ranks first (by ``rank_by``, in its direction) in
  the most scenarios; ties go to the better mean over scenarios;
- its **effect over the baseline** in the first scenario: the mean paired difference of
  ``rank_by`` with its 95% t-interval, in units and relative to the baseline's mean;
- **what each extra member costs** (``cost_per_incremental_member``) and the incremental ROI;
- **how often it beat the runner-up**: the share of (scenario, replication) pairs, same
  seed, in which its ``rank_by`` was better;
- **when the money ran out** (``budget_exhausted_day``), if it did;
- the **caveat**: the assumption the ranking is most sensitive to. With
  ``check_assumptions=on`` each uncertain parameter of ``configs/uncertainty/default.yaml``
  is set to the low and the high end of its range, one at a time, and the recommended plan
  and the runner-up run once each (same seed); the parameter that moves the gap between
  them most is named, and whether the ranking reverses there. With several scenarios, a
  scenario in which another plan wins is named too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from experiments.analysis.labels import Labels
from experiments.analysis.stats import bounded_ci, incremental
from experiments.i18n import N_
from sim.kpis import KPIS, Direction

#: what a person calls each uncertain parameter of configs/uncertainty/default.yaml
ASSUMPTIONS = {
    "acquisition.p": N_("outside reach (acquisition.p)"),
    "acquisition.q": N_("strength of word of mouth (acquisition.q)"),
    "behaviour.visits.slope": N_("how much commitment drives visits (behaviour.visits.slope)"),
    "behaviour.commitment.decay": N_("how fast interest fades (behaviour.commitment.decay)"),
    "behaviour.commitment.novelty_days": N_(
        "how long newness keeps members (behaviour.commitment.novelty_days)"
    ),
    "behaviour.churn.inactivity": N_("how readily members leave (behaviour.churn.inactivity)"),
    "behaviour.contribution.post_base": N_(
        "how much members post (behaviour.contribution.post_base)"
    ),
    "behaviour.sentiment.wom_effect": N_(
        "how much negative talk hurts (behaviour.sentiment.wom_effect)"
    ),
}


@dataclass
class Caveat:
    """The assumption the ranking is most sensitive to."""

    key: str
    low: float
    high: float
    gap_low: float  # recommended minus runner-up (in the KPI's better direction) at ``low``
    gap_high: float
    flips: bool
    other_winner: dict[str, str] = field(default_factory=dict)  # scenario -> its winner


@dataclass
class Decision:
    """The answer to the strategist's question (see the module docstring)."""

    kpi: str
    baseline: str
    best: str
    runner_up: str | None
    scenario: str
    effect: tuple[float, float, float]
    baseline_mean: float
    cost_per_extra: tuple[float, float, float] | None
    roi: tuple[float, float, float] | None
    beat: tuple[int, int]  # pairs in which best beat the runner-up, pairs compared
    wins: dict[str, int]
    n_scenarios: int
    budget_out: tuple[float, int, int] | None  # mean day, runs out of money, runs
    caveat: Caveat | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain values (``decision.json``)."""
        return asdict(self)

    def lines(self, lab: Labels) -> list[str]:
        """The decision as sentences, in ``lab``'s language."""
        _, k = lab.t, self.kpi
        if self.best == self.baseline:
            out = [
                _("No plan beats the baseline ({baseline}) on {kpi}: keep it.").format(
                    baseline=self.baseline, kpi=lab.kpi(k)
                )
            ]
        else:
            m, lo, hi = self.effect
            rel = m / self.baseline_mean if self.baseline_mean and not KPIS[k].paired else None
            effect = lab.value(k, m, sign=True)
            if rel is not None and np.isfinite(rel):
                effect += f" ({'+' if rel > 0 else ''}{rel:.0%})"
            out = [
                _("Recommended plan: {best}, by {kpi}.").format(best=self.best, kpi=lab.kpi(k)),
                _("Effect over the baseline ({baseline}): {effect}, {interval}.").format(
                    baseline=self.baseline, effect=effect, interval=lab.interval(k, lo, hi)
                ),
            ]
            if lo <= 0 <= hi and lo != hi:
                out.append(
                    _(
                        "The interval includes no effect at all: with these replications the "
                        "plan cannot yet be told apart from the baseline; add replications "
                        "(reps=) before deciding."
                    )
                )
        if self.cost_per_extra is not None and self.best != self.baseline:
            c, clo, chi = self.cost_per_extra
            out.append(
                _("Each extra member costs {cost} ({interval}).").format(
                    cost=lab.value("cost_per_incremental_member", c),
                    interval=lab.interval("cost_per_incremental_member", clo, chi),
                )
            )
        if self.roi is not None and self.best != self.baseline:
            out.append(
                _("Incremental return on investment: {roi}.").format(
                    roi=lab.value("incremental_roi", self.roi[0])
                )
            )
        if self.runner_up is not None:
            won, n = self.beat
            out.append(
                _("It beat the runner-up ({runner}) in {won} of {n} replications.").format(
                    runner=self.runner_up, won=won, n=n
                )
            )
            if self.n_scenarios > 1:
                out.append(
                    _("It ranks first in {wins} of {n} scenarios.").format(
                        wins=self.wins.get(self.best, 0), n=self.n_scenarios
                    )
                )
        if self.budget_out is not None:
            day, runs, n = self.budget_out
            out.append(
                _("The budget ran out around day {day} in {runs} of {n} runs.").format(
                    day=lab.number(day, 0), runs=runs, n=n
                )
            )
        out += self._caveat_lines(lab)
        return out

    def _caveat_lines(self, lab: Labels) -> list[str]:
        c, _ = self.caveat, lab.t
        if c is None or self.runner_up is None:
            return []
        name = _(ASSUMPTIONS.get(c.key, c.key))
        verb = (
            _("the ranking reverses at one end")
            if c.flips
            else _("the ranking holds over the whole range")
        )
        out = [
            _(
                "Caveat: the ranking is most sensitive to {name}: from {low} to {high} the "
                "lead of {best} over {runner} goes from {gap_low} to {gap_high}; {verb}."
            ).format(
                name=name,
                low=lab.number(c.low),
                high=lab.number(c.high),
                best=self.best,
                runner=self.runner_up,
                gap_low=lab.value(self.kpi, c.gap_low, sign=True),
                gap_high=lab.value(self.kpi, c.gap_high, sign=True),
                verb=verb,
            )
        ]
        for scenario, winner in c.other_winner.items():
            out.append(
                _("In the scenario {scenario}, {winner} ranks first instead.").format(
                    scenario=scenario, winner=winner
                )
            )
        return out

    def text(self, lab: Labels) -> str:
        """The decision as one paragraph per line (the terminal's summary)."""
        return "\n".join(self.lines(lab))


def _better(kpi: str) -> float:
    return 1.0 if KPIS[kpi].direction is Direction.MAX else -1.0


def _ci(values: Any) -> tuple[float, float, float]:
    return bounded_ci(pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float))


def order_plans(summary: pd.DataFrame, kpi: str, plans: Sequence[str]) -> tuple[list[str], dict]:
    """Plans best first: scenarios won, then the mean over scenarios; and the wins."""
    part = summary[summary["kpi"] == kpi]
    sign = _better(kpi)
    wins = dict.fromkeys(plans, 0)
    winners: dict[str, str] = {}
    for scenario, world in part.groupby("scenario", sort=False):
        world = world.dropna(subset=["mean"])
        if len(world):
            top = world.loc[(sign * world["mean"]).idxmax(), "playbook"]
            wins[top] += 1
            winners[str(scenario)] = str(top)
    means = part.groupby("playbook")["mean"].mean()
    ranked = sorted(plans, key=lambda b: (-wins[b], -sign * means.get(b, -np.inf * sign)))
    return ranked, {"wins": wins, "winners": winners}


def decide(
    result: Any, options: dict[str, Any], overrides: Sequence[str], store: Any, progress: Any
) -> Decision:
    """The decision of a finished comparison (see the module docstring)."""
    kpi, plans = options["rank_by"], options["playbooks"]
    baseline, first = plans[0], options["scenarios"][0].name
    per, summary = result.per_run, result.summary
    ranked, rank = order_plans(summary, kpi, plans)
    best = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    own = per[(per["playbook"] == best) & (per["scenario"] == first)]
    base = per[(per["playbook"] == baseline) & (per["scenario"] == first)]
    if KPIS[kpi].paired:
        effect = _ci(own[kpi])
    else:
        d = own.set_index("rep")[kpi].astype(float) - base.set_index("rep")[kpi].astype(float)
        effect = _ci(d.dropna())
    base_mean = float(pd.to_numeric(base[kpi], errors="coerce").mean())
    spent = float(pd.to_numeric(own["cost_total"], errors="coerce").sum()) > 0
    out = own["budget_exhausted_day"].dropna()
    decision = Decision(
        kpi=kpi,
        baseline=baseline,
        best=best,
        runner_up=runner,
        scenario=first,
        effect=effect,
        baseline_mean=base_mean if np.isfinite(base_mean) else 0.0,
        cost_per_extra=_ci(own["cost_per_incremental_member"].dropna()) if spent else None,
        roi=_ci(own["incremental_roi"].dropna()) if spent else None,
        beat=beat_count(per, kpi, best, runner),
        wins=rank["wins"],
        n_scenarios=len(options["scenarios"]),
        budget_out=(float(out.mean()), len(out), len(own)) if len(out) else None,
    )
    if runner is not None:
        others = {s: w for s, w in rank["winners"].items() if w != best}
        decision.caveat = sensitivity_caveat(decision, options, overrides, store, progress, others)
    return decision


def beat_count(per: pd.DataFrame, kpi: str, best: str, runner: str | None) -> tuple[int, int]:
    """(pairs in which ``best`` did better than ``runner``, pairs), over scenarios and reps."""
    if runner is None:
        return 0, 0
    a = per[per["playbook"] == best].set_index(["scenario", "rep"])[kpi].astype(float)
    b = per[per["playbook"] == runner].set_index(["scenario", "rep"])[kpi].astype(float)
    both = pd.concat([a, b], axis=1, join="inner").dropna()
    won = int(np.count_nonzero(_better(kpi) * (both.iloc[:, 0] - both.iloc[:, 1]) > 0))
    return won, len(both)


def uncertain_ranges() -> dict[str, tuple[float, float]]:
    """The uncertain parameters and their ranges (``configs/uncertainty/default.yaml``)."""
    text = files("configs").joinpath("uncertainty", "default.yaml").read_text(encoding="utf-8")
    data: Any = OmegaConf.to_container(OmegaConf.create(text))
    return {k: (float(v["low"]), float(v["high"])) for k, v in data["parameters"].items()}


def sensitivity_caveat(
    d: Decision,
    options: dict[str, Any],
    overrides: Sequence[str],
    store: Any,
    progress: Any,
    other_winner: dict[str, str],
) -> Caveat | None:
    """One-at-a-time check of the uncertain parameters on the best plan against the
    runner-up (and the baseline when the KPI needs it); None with ``check_assumptions=off``."""
    if not options.get("check_assumptions") or d.runner_up is None:
        return None
    from experiments.commands.compare import make_jobs, run_jobs
    from experiments.runs.jobs import Job

    plans = [d.best, d.runner_up] + ([d.baseline] if KPIS[d.kpi].paired else [])
    plans = list(dict.fromkeys(plans))
    one = {**options, "playbooks": plans, "reps": 1, "scenarios": options["scenarios"][:1]}
    base = make_jobs(one, overrides)
    jobs = []
    ranges = uncertain_ranges()
    for key, (low, high) in ranges.items():
        for end, value in (("low", low), ("high", high)):
            for job in base:
                labels = (("check", key), ("end", end), *job.labels)
                rest = [o for o in job.overrides if o.split("=", 1)[0].lstrip("+~") != key]
                jobs.append(Job((*rest, f"++{key}={value!r}"), labels, job.config_dir, job.salt))
    _, rows, _ = run_jobs(store, jobs, options, progress, "checks of the assumptions")
    if rows.empty or "check" not in rows:
        return None
    if KPIS[d.kpi].paired:
        rows = incremental(rows, d.baseline, pair=("check", "end", "rep"))
    sign = _better(d.kpi)
    gaps: dict[str, dict[str, float]] = {}
    for (key, end), part in rows.groupby(["check", "end"]):
        value = part.set_index("playbook")[d.kpi].astype(float)
        if d.best in value and d.runner_up in value:
            gaps.setdefault(str(key), {})[str(end)] = sign * (value[d.best] - value[d.runner_up])
    full = {k: g for k, g in gaps.items() if {"low", "high"} <= set(g)}
    if not full:
        return None
    key = max(full, key=lambda k: abs(full[k]["high"] - full[k]["low"]))
    g = full[key]
    return Caveat(
        key=key,
        low=ranges[key][0],
        high=ranges[key][1],
        gap_low=float(sign * g["low"]),
        gap_high=float(sign * g["high"]),
        flips=bool(min(g["low"], g["high"]) < 0),
        other_winner=other_winner,
    )
