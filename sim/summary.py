"""A finished run as numbers: every KPI of ``sim.kpis`` (:func:`summarise`) and the same
table by segment (:func:`segment_summary`).

The KPIs are defined once, in ``sim.kpis.KPIS``: a series KPI is its reducer applied to
the daily metrics; the formulas are computed here from the people's arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from agents.states import MEMBER, PROSPECT, Channel
from sim.kpis import KPIS, Reduce
from sim.population import RETENTION_WINDOWS, retained_in


def _kpi(name: str, metrics: pd.DataFrame) -> Any:
    return KPIS[name].value(metrics)


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: equal, ->1: one holds all)."""
    x = np.sort(np.asarray(x, dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return 0.0
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


def top_share(x: np.ndarray, share: float = 0.1) -> float:
    """Share of the total held by the top ``share`` of entries."""
    total = x.sum()
    if total == 0 or len(x) == 0:
        return 0.0
    k = max(1, int(np.ceil(share * len(x))))
    return float(np.sort(x)[-k:].sum() / total)


def stickiness(metrics: pd.DataFrame) -> float | None:
    """Mean over days 1..T of daily over monthly actives (None: no monthly active ever)."""
    days = metrics.iloc[1:] if len(metrics) > 1 else metrics
    days = days[days["mau"] > 0]
    return float((days["dau"] / days["mau"]).mean()) if len(days) else None


def days_to(metrics: pd.DataFrame, column: str, target: int) -> int | None:
    """The first day ``column`` reaches ``target`` (None: never, or no target)."""
    if target <= 0:
        return None
    hit = np.flatnonzero(metrics[column].to_numpy() >= target)
    return int(metrics["day"].iloc[hit[0]]) if len(hit) else None


def _number(k: Any, value: Any) -> int | float:
    """A series KPI as a plain number: means and float columns stay floats."""
    if k.reduce is Reduce.MEAN or isinstance(value, float):
        return float(value)
    return int(value)


def _rate(mask: np.ndarray, among: np.ndarray) -> float | None:
    return float(mask[among].mean()) if among.any() else None


def retention(model: Any, mask: np.ndarray | None = None) -> dict[str, float | None]:
    """``retention_dN`` for every window, among the people of ``mask`` (everyone: None).

    Without visit decisions (``model.visits_on`` false: the diffusion behaviour) every
    member counts as active every day they are a member, as in the daily ``active``, so a
    person visited in a window when they were still a member at the end of its first day.
    """
    pop, end = model.pop, int(model.day)
    joined = pop.state != PROSPECT
    if mask is not None:
        joined = joined & mask
    out = {}
    for n, (low, _) in RETENTION_WINDOWS.items():
        old = joined & (pop.joined_day >= 0) & (pop.joined_day <= end - n)  # not start state
        if model.visits_on:
            visited = retained_in(pop.retained, n)
        else:  # active on day d: still a member at its end (churned_day -1: not left)
            visited = (pop.churned_day < 0) | (pop.churned_day > pop.joined_day + low)
        out[f"retention_d{n}"] = _rate(visited, old)
    return out


def people_kpis(model: Any, mask: np.ndarray | None = None) -> dict[str, Any]:
    """The KPIs computed from the people (everyone, or the people of ``mask``)."""
    pop, end = model.pop, int(model.day)
    everyone = np.ones(model.n_people, dtype=bool) if mask is None else mask
    joined = (pop.state != PROSPECT) & everyone
    member = (pop.state == MEMBER) & everyone
    idle = end - pop.last_visit
    after = model.config.behaviour.dormancy.after_days
    awake = member if not model.visits_on else member & (idle < after)
    n_joined = int(np.count_nonzero(joined))
    return {
        "active_members_final": int(np.count_nonzero(awake)),
        "new_per_week": float(np.count_nonzero(joined & (pop.joined_day > 0)) * 7 / max(end, 1)),
        "conversion": float(np.mean(pop.purchases[joined] > 0)) if n_joined else None,
        "negative_members_final": int(np.count_nonzero(member & (pop.sentiment < 0.0))),
        **retention(model, mask),
    }


def summarise(model: Any, metrics: pd.DataFrame) -> dict[str, Any]:
    """Every KPI of a finished run (the paired ones are a comparison's)."""
    pop, n, end = model.pop, int(model.n_people), int(model.day)
    last = metrics.iloc[-1]
    peak = int(metrics["active"].idxmax())
    joined = pop.state != PROSPECT
    posts = pop.posts[joined]
    posters = posts[posts > 0]
    first_old = (pop.first_post_day >= 0) & (pop.first_post_day <= end - 30)
    again = pop.posts >= 2
    replied = pop.first_replied == 1
    revenue = float(_kpi("revenue_total", metrics))
    cost = float(_kpi("cost_total", metrics))
    acquired = int(np.count_nonzero(joined & (pop.joined_day > 0)))
    series = {k.name: k.value(metrics) for k in KPIS.values() if k.metric is not None}
    out: dict[str, Any] = {
        "seed": int(model.config.seed),
        "days": end,
        "n_people": n,
        "n_ties": int(model.social.n_edges),
        **{k: _number(KPIS[k], v) for k, v in series.items()},
        **people_kpis(model),
        "days_to_members": days_to(metrics, "members", model.config.targets.members),
        "left_total": int(last["left_total"]),
        "wau_final": int(last["wau"]),
        "mau_final": int(last["mau"]),
        "stickiness": stickiness(metrics),
        "adoption_final": float(last["joined_total"]) / n,
        "peak_active_day": int(metrics["day"].iloc[peak]),
        "active_final": int(last["active"]),
        "commitment_final": float(last["mean_commitment"]),
        "roi": (revenue - cost) / cost if cost > 0 else None,
        "cost_per_member": cost / acquired if acquired and cost > 0 else None,
        "ltv": revenue / int(joined.sum()) if joined.any() else 0.0,
        "top10_post_share": top_share(posts, 0.1),
        "top10_poster_share": top_share(posters, 0.1),
        "share_never_posted": float(np.mean(posts == 0)) if len(posts) else 0.0,
        "gini_posts": gini(posts),
        "post_again_replied": _rate(again, first_old & replied),
        "post_again_unreplied": _rate(again, first_old & ~replied),
        "budget_exhausted_day": (
            int(model.budget_exhausted_day) if model.budget_exhausted_day >= 0 else None
        ),
    }
    for item, amount in sorted(model.cost_by_item.items()):
        out[f"cost_{item}"] = float(amount)
    for ch in (Channel.ORGANIC, Channel.WOM, Channel.SEEDED, Channel.ADS, Channel.PARTNER):
        out[f"joined_{ch.name.lower()}"] = int(np.count_nonzero(pop.channel == ch.value))
    return out


def segment_summary(model: Any) -> pd.DataFrame:
    """The people KPIs by segment: one row per segment (``segments.csv`` of a comparison)."""
    pop, end = model.pop, int(model.day)
    idle = end - pop.last_visit
    rows = []
    for code, name in enumerate(model.segments.names):
        mask = pop.segment == code
        joined = mask & (pop.state != PROSPECT)
        member = mask & (pop.state == MEMBER)
        rows.append(
            {
                "segment": name,
                "people": int(np.count_nonzero(mask)),
                "joined_total": int(np.count_nonzero(joined)),
                "members_final": int(np.count_nonzero(member)),
                "wau_final": int(np.count_nonzero(member & (idle < 7))),
                "mau_final": int(np.count_nonzero(member & (idle < 30))),
                "posts_total": int(pop.posts[joined].sum()),
                "revenue_total": float(pop.revenue[joined].sum()),
                **people_kpis(model, mask),
            }
        )
    return pd.DataFrame(rows)
